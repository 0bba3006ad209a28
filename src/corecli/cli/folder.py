"""The corecli folder as the commands open it: the catalogue, config.toml, the history.

Opening a history that is damaged stops the command with what to do; one that
cannot be written (a read-only folder, a full disk) only means a session is not
saved. Commands that only look at the history create no file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from corecli.catalogue import Catalogue, load_catalogue
from corecli.cli.context import Context
from corecli.models import Config
from corecli.programme import Progress
from corecli.store.config import load_config
from corecli.store.history import History, HistoryProblem, SessionLog
from corecli.store.home import history_path


def catalogue(context: Context, extra: Sequence[Path] | None = None) -> Catalogue:
    """The bundled catalogue, the person's own, and any ``--catalog`` files."""
    return load_catalogue(extra or (), home=context.home)


def settings(context: Context) -> Config:
    """``config.toml`` in the corecli folder, or the built-in defaults."""
    return load_config(context.home)


def progress(context: Context) -> Progress:
    """What the next plan depends on; for a new user, nothing (and no SQLite opened)."""
    if not history_path(context.home).exists():
        return Progress()
    with history(context) as opened:
        return opened.progress()


@contextmanager
def history(context: Context, *, create: bool = False) -> Iterator[History]:
    """The history; unless ``create``, an empty one (and no file) if nothing was recorded."""
    opened = History.open(history_path(context.home), create=create)
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def session_log(context: Context) -> Iterator[SessionLog]:
    """The log a session writes to; without a writable history, one that says why not."""
    try:
        opened = History.open(history_path(context.home))
    except HistoryProblem as problem:
        if problem.damaged:
            raise
        yield SessionLog(None, str(problem))
        return
    try:
        yield SessionLog(opened)
    finally:
        opened.close()
