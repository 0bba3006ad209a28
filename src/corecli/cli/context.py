"""The one seam between the commands and the world: the time, the corecli folder
and the console.

Every command reads the clock and the folder through the :class:`Context` the
root command puts on Click's context object; tests hand the app their own
(a fixed date, a fake clock that never sleeps, a temporary folder).
"""

from __future__ import annotations

import time
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import typer

from corecli.store.home import corecli_home

if TYPE_CHECKING:
    from rich.console import Console


class Clock(Protocol):
    """Wall time for records and dates, monotonic time for the timer, and a way to wait."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clocks."""

    def now(self) -> datetime:
        return datetime.now()

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class Context:
    """What a command needs from the world. Build one with :meth:`from_environment`."""

    def __init__(self, home: Path, clock: Clock | None = None) -> None:
        self.home = home
        self.clock: Clock = clock or SystemClock()

    @classmethod
    def from_environment(cls) -> Context:
        """The real clock and terminal, and ``$CORECLI_HOME`` or the platform's data folder."""
        return cls(corecli_home())

    def now(self) -> datetime:
        return self.clock.now()

    @property
    def today(self) -> date:
        return self.clock.now().date()

    @cached_property
    def console(self) -> Console:
        """The console every command prints through (Rich is imported only when needed)."""
        from rich.console import Console

        # No :emoji: codes in our text; skipping them spares Rich a table import.
        return Console(highlight=False, emoji=False)


def current(ctx: typer.Context) -> Context:
    """The context the root command set up for this invocation."""
    found = ctx.find_object(Context)
    if found is None:  # a command module invoked without the root app, as in a REPL
        found = Context.from_environment()
        ctx.find_root().obj = found
    return found
