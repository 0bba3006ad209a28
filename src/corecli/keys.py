"""Single key presses from the terminal, without Enter, with the terminal always restored.

:class:`RawKeys` switches the terminal to cbreak mode (no line editing, no echo,
Ctrl-C still raises KeyboardInterrupt; the live screen hides and shows the
cursor itself); leaving the ``with`` block restores it, whether the session ended, the person quit,
an exception escaped or SIGTERM arrived (the handler raises an exception so the
same ``finally`` runs).
"""

from __future__ import annotations

import contextlib
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


class Suspended(Exception):
    """Ctrl-Z was pressed: give the terminal back and stop until the shell's fg."""


class KeySource(Protocol):
    keyboard: bool  # someone can press keys (False: nobody can resume a pause)

    def read(self, timeout_s: float) -> str | None:
        """The next key ("a", " ", "left" …) or None if none came within ``timeout_s``;
        :class:`Suspended` after Ctrl-Z."""

    def suspend(self) -> None:
        """Give the terminal back, stop this process, and take the terminal again on fg."""


class NoKeys:
    """For when stdin is not a terminal: nothing is ever pressed; waiting is sleeping."""

    keyboard = False

    def __init__(self, sleep: Callable[[float], None] = time.sleep) -> None:
        self._sleep = sleep

    def read(self, timeout_s: float) -> str | None:
        if timeout_s > 0:
            self._sleep(min(timeout_s, 3600.0))
        return None

    def suspend(self) -> None:
        return None  # never raised without a terminal


class RawKeys:
    """Keys from a terminal file descriptor in cbreak mode (POSIX)."""

    keyboard = True

    def __init__(self, stdin: TextIO = sys.stdin) -> None:
        self._fd = stdin.fileno()
        self._saved: list[Any] | None = None
        self._waiting = False  # in select(): Ctrl-Z can act at once
        self._pending = False  # Ctrl-Z came while doing something else
        self._previous_tstp: Any = None

    def __enter__(self) -> RawKeys:
        self._take()
        if hasattr(signal, "SIGTSTP"):
            self._previous_tstp = signal.signal(signal.SIGTSTP, self._ctrl_z)
        return self

    def _ctrl_z(self, signum: int, frame: FrameType | None) -> None:
        # Raised only while waiting for a key, so nothing half-done (a history write, a
        # frame being drawn) is cut; otherwise noted and raised at the next read.
        if self._waiting:
            raise Suspended
        self._pending = True

    def suspend(self) -> None:
        self.restore()
        os.kill(os.getpid(), signal.SIGSTOP)  # the shell sees a stopped job; fg continues
        self._take()

    def _take(self) -> None:
        # POSIX only: imported here so that corecli, and NoKeys, still load elsewhere.
        import termios
        import tty

        self._saved = termios.tcgetattr(self._fd)
        tty.setcbreak(self._fd)
        # Flow control off: Ctrl-S would freeze the output while the clock ran on.
        attributes = termios.tcgetattr(self._fd)
        attributes[0] &= ~(termios.IXON | termios.IXOFF)
        termios.tcsetattr(self._fd, termios.TCSANOW, attributes)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.restore()
        if self._previous_tstp is not None:
            signal.signal(signal.SIGTSTP, self._previous_tstp)
            self._previous_tstp = None

    def restore(self) -> None:
        """Put the terminal back as it was; safe to call more than once."""
        import termios

        if self._saved is not None:
            saved, self._saved = self._saved, None
            # A terminal that hung up cannot be set; there is nothing left to restore.
            with contextlib.suppress(termios.error, OSError):
                termios.tcsetattr(self._fd, termios.TCSADRAIN, saved)

    def read(self, timeout_s: float) -> str | None:
        if self._pending:
            self._pending = False
            raise Suspended
        self._waiting = True
        try:
            ready = self._ready(max(0.0, timeout_s))
        finally:
            self._waiting = False
        if not ready:
            return None
        key = self._byte()
        if key != "\x1b":
            return key
        # An escape sequence arrives in one burst; a lone Esc does not.
        sequence = key
        while len(sequence) < 3 and self._ready(0.02):
            sequence += self._byte()
        return ARROWS.get(sequence, "escape")

    def _byte(self) -> str:
        """One byte from the terminal; a terminal gone (end of file, an I/O error, as
        under nohup once its window closed) ends the session rather than reading nothing
        in a tight loop."""
        try:
            data = os.read(self._fd, 1)
        except OSError:
            raise TerminalLost from None
        if not data:
            raise TerminalLost
        return data.decode("utf-8", "replace")

    def _ready(self, timeout_s: float) -> bool:
        try:
            readable, _, _ = select.select([self._fd], [], [], timeout_s)
        except (OSError, ValueError):
            raise TerminalLost from None
        return bool(readable)


class TerminalLost(Terminated):
    """The terminal went away (the window closed): end the session instead of spinning."""


# Signals that end a session as partial, with the terminal put back: a stop request,
# the terminal hanging up (its window closed), and Ctrl-\.
ENDING_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)


@contextmanager
def sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM, SIGHUP and SIGQUIT into :class:`Terminated` inside the block, so
    cleanup code runs (a session closes as partial; the terminal is restored)."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    # Under nohup, SIGHUP is ignored on purpose: leave it so (a lost terminal still ends
    # the session, through TerminalLost).
    caught = [n for n in ENDING_SIGNALS if signal.getsignal(n) is not signal.SIG_IGN]
    previous = {number: signal.signal(number, handler) for number in caught}
    try:
        yield
    finally:
        for number, before in previous.items():
            signal.signal(number, before)
