"""Reading and writing the TOML files a person edits.

Every failure becomes a :class:`FileProblem` naming the file and, where we know
it, the line and column. Files are parsed with tomli: of the parsers measured
on a 7 MB catalogue it is the one that is both quick (0.47 s; the standard
library's pure-Python tomllib takes 1.35 s) and small (62 MB at its peak; rtoml,
twice as quick, peaks at 198 MB), and its errors carry line and column.
Writing is atomic: a temporary file in the same folder, then a rename.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import tomli

from corecli.errors import FileProblem, WriteProblem

CATALOGUE_LIMIT = 64 * 1024 * 1024  # ten times the 10,000-exercise benchmark's file
SMALL_LIMIT = 1024 * 1024  # a routine or config.toml: a few kilobytes in practice


def read_toml(path: Path, limit: int = CATALOGUE_LIMIT) -> dict[str, Any]:
    """Parse a TOML file, or raise FileProblem saying what is wrong with it. Devices and
    pipes are refused before anything is read (/dev/zero never ends; a FIFO with no
    writer never starts), and so is a file over ``limit`` bytes."""
    raw = _read_regular(path, limit)
    if not raw.strip():
        raise FileProblem(path, "the file is empty")
    if b"\0" in raw:
        raise FileProblem(path, "looks like a binary file, not TOML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(path, f"is not UTF-8 text (bad byte at offset {error.start})") from None
    del raw  # a big catalogue need not be held twice while it is parsed
    return parse_toml(text, path)


def _read_regular(path: Path, limit: int) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise FileProblem(path, "no such file") from None
    except IsADirectoryError:
        raise FileProblem(path, "is a folder; expected a TOML file") from None
    except PermissionError:
        raise FileProblem(path, "cannot be read: permission denied") from None
    except OSError as error:
        raise FileProblem(path, f"cannot be read: {error.strerror or error}") from None
    info = os.fstat(handle)
    problem = (
        "is a folder; expected a TOML file"
        if stat.S_ISDIR(info.st_mode)
        else "is not a regular file (a device or a pipe); expected TOML"
        if not stat.S_ISREG(info.st_mode)
        else f"is {_size(info.st_size)}, more than the {_size(limit)} corecli reads"
        if info.st_size > limit
        else None
    )
    if problem is not None:
        os.close(handle)
        raise FileProblem(path, problem)
    with os.fdopen(handle, "rb") as stream:
        try:
            raw = stream.read(limit + 1)
        except OSError as error:
            raise FileProblem(path, f"cannot be read: {error.strerror or error}") from None
    if len(raw) > limit:  # it grew since it was measured
        raise FileProblem(path, f"is more than the {_size(limit)} corecli reads")
    return raw


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.1f} MB" if count >= 1024 * 1024 else f"{count:,} bytes"


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """Parse TOML text read from ``path``; a mistake is reported with its line and column."""
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        where = f"{path}:{error.lineno}:{error.colno}"
        raise FileProblem(where, f"invalid TOML: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        # Integers with thousands of digits and absurdly deep nesting land here.
        raise FileProblem(path, f"invalid TOML: {error}") from None


class Exists(FileExistsError):
    """The file was there already (or appeared while it was being written)."""


def write_atomically(path: Path, text: str, *, replace: bool = True) -> None:
    """Put ``text`` at ``path`` in one step, creating parent folders.

    A symbolic link is followed and its target replaced, in the target's folder, so
    the link (a dotfiles checkout, say) stays a link. Only a regular file or a new
    path is written. Without ``replace`` the file is created only if it is not there,
    checked at the moment of creating it, and :class:`Exists` is raised if it is.
    The folder is synced after the rename, so the new name survives a power cut.
    """
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        info = target.lstat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise _write_problem(path, error) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISLNK(info.st_mode):  # realpath gives up on a loop and returns a link
            raise FileProblem(path, "is a link that leads round in a loop, never to a file")
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        raise FileProblem(path, f"is {what}; corecli writes only to files")
    if info is not None and not replace:
        raise Exists(str(path))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise _write_problem(path, error) from None
    try:
        # mkstemp makes the file private; give it the mode a new or replaced file would have.
        os.fchmod(handle, _mode_for(target))
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        if replace:
            Path(temporary).replace(target)
        else:
            os.link(temporary, target)  # fails if the name was taken meanwhile
            Path(temporary).unlink()
        _sync_folder(target.parent)
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(error, FileExistsError):
            raise Exists(str(path)) from None
        if isinstance(error, OSError):
            raise _write_problem(path, error) from None
        raise


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (not possible, nor needed, on every system)."""
    with contextlib.suppress(OSError, AttributeError):
        handle = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def _write_problem(path: Path, error: OSError) -> WriteProblem:
    """Why ``path`` cannot be written, in words a person can act on."""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return WriteProblem(path, "cannot be written: the disk is full")
    if error.errno == errno.EROFS or (
        error.errno in (errno.EACCES, errno.EPERM) and not os.access(path.parent, os.W_OK)
    ):
        return WriteProblem(path, "cannot be written: its folder is read-only")
    return WriteProblem(path, f"cannot be written: {error.strerror or error}")


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
