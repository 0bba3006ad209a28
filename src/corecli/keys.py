"""Single key presses from the terminal, without Enter, with the terminal always restored.

:class:`RawKeys` switches the terminal to cbreak mode (no line editing, no echo,
Ctrl-C still raises KeyboardInterrupt; the live screen hides and shows the
cursor itself); leaving the ``with`` block restores it, whether the session ended, the person quit,
an exception escaped or SIGTERM arrived (the handler raises an exception so the
same ``finally`` runs).
"""

from __future__ import annotations

import os
import select
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType, TracebackType
from typing import Any, Protocol, TextIO

# Escape sequences for the arrow keys, in normal and application cursor mode.
ARROWS = {"\x1b[C": "right", "\x1b[D": "left", "\x1bOC": "right", "\x1bOD": "left"}


class Terminated(Exception):
    """SIGTERM arrived; raised so the terminal is restored on the way out."""


class KeySource(Protocol):
    def read(self, timeout_s: float) -> str | None:
        """The next key ("a", " ", "left" …) or None if none came within ``timeout_s``."""


class NoKeys:
    """For when stdin is not a terminal: nothing is ever pressed; waiting is sleeping."""

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._sleep = sleep

    def read(self, timeout_s: float) -> str | None:
        if timeout_s > 0:
            self._sleep(min(timeout_s, 3600.0))
        return None


class RawKeys:
    """Keys from a terminal file descriptor in cbreak mode (POSIX)."""

    def __init__(self, stdin: TextIO = sys.stdin) -> None:
        self._fd = stdin.fileno()
        self._saved: list[Any] | None = None

    def __enter__(self) -> RawKeys:
        # POSIX only: imported here so that corecli, and NoKeys, still load elsewhere.
        import termios
        import tty

        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.restore()

    def restore(self) -> None:
        """Put the terminal back as it was; safe to call more than once."""
        import termios

        if self._saved is not None:
            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout_s: float) -> str | None:
        if not self._ready(max(0.0, timeout_s)):
            return None
        key = os.read(self._fd, 1).decode("utf-8", "replace")
        if key != "\x1b":
            return key
        # An escape sequence arrives in one burst; a lone Esc does not.
        sequence = key
        while len(sequence) < 3 and self._ready(0.02):
            sequence += os.read(self._fd, 1).decode("utf-8", "replace")
        return ARROWS.get(sequence, "escape")

    def _ready(self, timeout_s: float) -> bool:
        readable, _, _ = select.select([self._fd], [], [], timeout_s)
        return bool(readable)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into :class:`Terminated` inside the block, so cleanup code runs."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
