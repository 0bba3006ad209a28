"""Reading the TOML files a person writes, and turning their mistakes into lines.

Every failure becomes a :class:`FileProblem` naming the file and, where we know
it, the line and column or the field path (``exercises[3].dose.hold_s``).
"""

from __future__ import annotations

import contextlib
import difflib
import enum
import itertools
import os
import re
import tempfile
import types
import typing
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from corecli.errors import FileProblem

MAX_PROBLEMS_SHOWN = 10
# Text parsed at once by parse_in_pieces: small enough that rtoml's own tree stays small.
PIECE_CHARS = 256 * 1024

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_toml(path: Path, *, array: str | None = None) -> dict[str, Any]:
    """Parse a TOML file, or raise FileProblem saying what is wrong with it.

    ``array`` names the file's big array of tables (``exercises``), which is
    parsed a piece at a time to keep memory down.
    """
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileProblem(path, "no such file") from None
    except IsADirectoryError:
        raise FileProblem(path, "is a folder; expected a TOML file") from None
    except PermissionError:
        raise FileProblem(path, "cannot be read: permission denied") from None
    except OSError as error:
        raise FileProblem(path, f"cannot be read: {error.strerror or error}") from None
    if not raw.strip():
        raise FileProblem(path, "the file is empty")
    if b"\0" in raw:
        raise FileProblem(path, "looks like a binary file, not TOML text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileProblem(path, f"is not UTF-8 text (bad byte at offset {error.start})") from None
    del raw  # a big catalogue need not be held twice while it is parsed
    return parse_toml(text, path, array=array)


def parse_toml(text: str, path: Path, *, array: str | None = None) -> dict[str, Any]:
    """Parse TOML text: quickly with rtoml, and with tomli whenever that fails.

    rtoml (Rust) parses a big catalogue in about half tomli's time. tomli stays
    the reference: a document rtoml rejects (a mistake, or an integer beyond
    64 bits) goes through tomli, whose messages carry line and column.
    """
    # tomli turns CRLF inside multi-line strings into LF and rtoml keeps it;
    # CR is allowed nowhere else, so this makes the two read alike.
    text = text.replace("\r\n", "\n")
    try:
        if array is None or len(text) <= PIECE_CHARS:
            return _rtoml_loads(text)
        return parse_in_pieces(text, array)
    except ValueError:
        pass
    import tomli

    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        where = f"{path}:{error.lineno}:{error.colno}"
        raise FileProblem(where, f"invalid TOML: {error.msg}") from None
    except (ValueError, RecursionError) as error:
        # Integers with thousands of digits and absurdly deep nesting land here.
        raise FileProblem(path, f"invalid TOML: {error}") from None


def parse_in_pieces(text: str, array: str, piece_chars: int = PIECE_CHARS) -> dict[str, Any]:
    """rtoml's reading of a document whose bulk is ``[[array]]`` tables, a piece at a time.

    rtoml builds its own tree before handing over Python objects, about 20
    bytes for every byte of text; parsed whole, a 7 MB catalogue peaks near
    200 MB. So the text is cut before ``[[array]]`` header lines, about
    ``piece_chars`` apart, and the pieces parsed one by one. A cut is only
    trusted because the text before it parsed: a prefix that ends inside a
    string, array or inline table is an error, so a cut line that parsed is
    a real header. The head (before the first header) must not define
    ``array`` and every other piece must define nothing else, or the pieces
    could mean something the whole does not. Any doubt raises ValueError and
    the caller parses the whole text instead.
    """
    header = re.compile(rf"^\[\[{re.escape(array)}\]\][ \t]*\r?$", re.MULTILINE)
    cuts = []
    found = header.search(text)
    while found:
        cuts.append(found.start())
        found = header.search(text, found.start() + piece_chars)
    if not cuts:
        return _rtoml_loads(text)
    document = _rtoml_loads(text[: cuts[0]])
    if array in document:
        raise ValueError(f"{array} is defined before its first [[{array}]] header")
    tables: list[Any] = []
    for start, end in itertools.pairwise([*cuts, len(text)]):
        piece = _rtoml_loads(text[start:end])
        if piece.keys() != {array}:
            raise ValueError(f"a [[{array}]] piece defines other tables")
        tables.extend(piece[array])
    document[array] = tables
    return document


def _rtoml_loads(text: str) -> dict[str, Any]:
    import rtoml

    return rtoml.loads(text)


def validate(model: type[ModelT], data: Mapping[str, Any], path: Path) -> ModelT:
    """Validate parsed TOML against a model, reporting each problem by field path."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = describe_errors(error, data, field_names(model))
        raise FileProblem(path, cap_problems(problems)) from None


def construct_trusted(model: type[ModelT], data: Mapping[str, Any]) -> ModelT:
    """``model`` built from data already known to be valid, without validating it again.

    Only for data a test has validated (the bundled catalogue): it skips building
    the model's validator, a good part of a quick command's start-up. Enum values
    become enum members and nested tables nested models, as validation would make them.
    """
    fields = model.model_fields
    return model.model_construct(
        **{name: _trusted_value(fields[name].annotation, value) for name, value in data.items()}
    )


def _trusted_value(annotation: Any, value: Any) -> Any:
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return construct_trusted(annotation, value)
        if issubclass(annotation, enum.Enum):
            return annotation(value)
        return value
    origin = typing.get_origin(annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        return [_trusted_value(item, element) for element in value]
    if origin in (typing.Union, types.UnionType):
        if value is None:
            return None
        (present,) = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        return _trusted_value(present, value)
    return value


def describe_errors(
    error: ValidationError,
    data: Mapping[str, Any],
    known_fields: Iterable[str] = (),
    *,
    prefix: tuple[int | str, ...] = (),
) -> list[str]:
    """Readable ``field.path: what is wrong`` lines for a pydantic ValidationError.

    ``prefix`` is where the validated value sits in ``data`` when it is a part of it.
    """
    known = sorted(set(known_fields))
    lines = []
    for detail in error.errors(include_url=False):
        loc = (*prefix, *detail["loc"])
        line = f"{format_location(loc)}: {_explain(detail, known)}"
        lines.append(line + _which_entry(loc, data))
    return lines


def cap_problems(lines: list[str]) -> list[str]:
    """At most MAX_PROBLEMS_SHOWN lines, then a count of the rest."""
    if len(lines) <= MAX_PROBLEMS_SHOWN:
        return lines
    hidden = len(lines) - MAX_PROBLEMS_SHOWN
    return [*lines[:MAX_PROBLEMS_SHOWN], f"... and {hidden} more problems"]


def format_location(loc: tuple[int | str, ...]) -> str:
    """``('exercises', 3, 'dose', 'hold_s')`` -> ``exercises[3].dose.hold_s``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of a model and the models nested in it, for suggestions."""
    names: set[str] = set()
    pending: list[type[BaseModel]] = [model]
    while pending:
        current = pending.pop()
        for name, info in current.model_fields.items():
            names.add(name)
            nested = info.annotation
            for candidate in (nested, *getattr(nested, "__args__", ())):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    pending.append(candidate)
    return names


def _explain(detail: Any, known_fields: list[str]) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    given = detail.get("input")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        field = str(detail["loc"][-1])
        close = difflib.get_close_matches(field, known_fields, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"is not a known field{hint}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']} (got {given!r})"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']} (got {given!r})"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number (got {given!r})"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false (got {given!r})"
    if kind == "string_type":
        return f"must be text in quotes (got {given!r})"
    if kind == "list_type":
        return f"must be a list in square brackets (got {given!r})"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "must be a table of keys and values"
    if kind == "enum":
        return f"{given!r} is not allowed; use {ctx['expected']}"
    if kind == "literal_error":
        return f"must be {ctx['expected']} (got {given!r})"
    if kind == "string_pattern_mismatch":
        return f"{given!r} must be kebab-case: lowercase letters and digits joined by hyphens"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx['max_length']} characters)"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} entries"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    return str(detail["msg"])


def _which_entry(loc: tuple[int | str, ...], data: Mapping[str, Any]) -> str:
    """Name the entry an error sits in, since TOML array tables have no visible index."""
    if len(loc) < 2 or not isinstance(loc[0], str) or not isinstance(loc[1], int):
        return ""
    entries = data.get(loc[0])
    if not isinstance(entries, list) or not 0 <= loc[1] < len(entries):
        return ""
    entry = entries[loc[1]]
    if not isinstance(entry, dict):
        return ""
    label = entry.get("id", entry.get("exercise"))
    about_label = len(loc) > 2 and loc[2] in {"id", "exercise"}
    return f" (in {label!r})" if isinstance(label, str) and not about_label else ""


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step, creating parent folders."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
    except OSError as error:
        raise FileProblem(path, f"cannot be written: {error.strerror or error}") from None
    try:
        # mkstemp makes the file private; give it the mode a new or replaced file would have.
        os.fchmod(handle, _mode_for(path))
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        Path(temporary).replace(path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        if isinstance(error, OSError):
            raise FileProblem(path, f"cannot be written: {error.strerror or error}") from None
        raise


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
