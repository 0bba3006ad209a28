"""The corecli folder as the commands open it: the catalogue, config.toml, the history.

Each function imports what it opens, so that ``corecli list`` never loads SQLite
and ``corecli history`` never loads the catalogue. Opening a history that is
damaged stops the command with what to do; one that cannot be written (a
read-only folder, a full disk) only means a session is not saved. Commands
that only look at the history create no file.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from corecli.cli.context import Context
from corecli.store.home import history_path

if TYPE_CHECKING:
    from corecli.catalogue import Catalogue
    from corecli.models import Config
    from corecli.programme import Progress
    from corecli.session_log import SessionLog
    from corecli.store.history import History


def catalogue(context: Context, extra: Sequence[Path] | None = None) -> Catalogue:
    """The bundled catalogue, the person's own, and any ``--catalog`` files."""
    from corecli.catalogue import load_catalogue

    return load_catalogue(extra or (), home=context.home)


def settings(context: Context) -> Config:
    """``config.toml`` in the corecli folder, or the built-in defaults."""
    from corecli.store.config import load_config

    return load_config(context.home)


def progress(context: Context) -> Progress:
    """What the next plan depends on; for a new user, nothing (and no SQLite opened)."""
    from corecli.programme import Progress

    if not history_path(context.home).exists():
        return Progress()
    from corecli.progress import read_progress

    with history(context, looking=True) as opened:
        return read_progress(opened, context.today)


@contextmanager
def history(context: Context, *, create: bool = False, looking: bool = False) -> Iterator[History]:
    """The history; unless ``create``, an empty one (and no file) if nothing was recorded.
    ``looking``: read-only, for commands that only show (they work on a read-only folder)."""
    from corecli.store.history import History

    opened = History.open(history_path(context.home), create=create, looking=looking)
    try:
        yield opened
    finally:
        opened.close()


@contextmanager
def session_log(context: Context, *, create: bool = True) -> Iterator[SessionLog]:
    """The log a session writes to; without a writable history, one that says why not.

    Unless ``create``, as for a dry run, nothing is made: a person with no history
    gets an empty log (and no SQLite is opened).
    """
    from corecli.session_log import SessionLog
    from corecli.store.history import History, HistoryProblem

    path = history_path(context.home)
    if not create and not path.exists():
        yield SessionLog(None)
        return
    try:
        opened = History.open(path, looking=not create)
    except HistoryProblem as problem:
        if problem.damaged:
            raise
        yield SessionLog(None, str(problem))
        return
    log = SessionLog(opened)
    try:
        yield log
    finally:
        log.close()  # the session's writes still queued, if it ended early
        opened.close()


def note_flare(context: Context) -> list[str]:
    """Note a flare-up in the programme, once a day; the line that says so (none for a
    person with no programme yet, or when the history cannot be written)."""
    if not history_path(context.home).exists():
        return []
    from corecli.progress import note_flare
    from corecli.store.history import HistoryProblem

    try:
        with history(context) as opened:
            decision = note_flare(opened, context.today)
    except HistoryProblem as problem:
        return [f"Flare-up not noted: {problem}"]
    return [] if decision is None else [f"Programme: {decision.reason}."]


def review(context: Context) -> list[str]:
    """A line advising a clinician's review when the back is not improving."""
    if not history_path(context.home).exists():
        return []
    from corecli.progress import review_advice

    with history(context, looking=True) as opened:
        advice = review_advice(opened, context.today)
    return [] if advice is None else [f"Review: {advice}"]
