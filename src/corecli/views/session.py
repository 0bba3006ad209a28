"""The full-screen session view: a frame for each moment of a session, and the live
screen that redraws it only when something visible changes."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from corecli.script import CUE_EVERY_S, Script, counts, describe, stop_rule
from corecli.session import Session
from corecli.text import format_duration
from corecli.timeline import Segment, SegmentKind
from corecli.views.parts import MARKER_COLUMNS, literal, numbered_steps

# A 3×5 block font for the countdown; each "#" becomes two full blocks.
_FONT = {
    "0": ("###", "# #", "# #", "# #", "###"),
    "1": (" # ", "## ", " # ", " # ", "###"),
    "2": ("###", "  #", "###", "#  ", "###"),
    "3": ("###", "  #", " ##", "  #", "###"),
    "4": ("# #", "# #", "###", "  #", "  #"),
    "5": ("###", "#  ", "###", "  #", "###"),
    "6": ("###", "#  ", "###", "# #", "###"),
    "7": ("###", "  #", "  #", " # ", " # "),
    "8": ("###", "# #", "###", "# #", "###"),
    "9": ("###", "# #", "###", "  #", "###"),
    ":": ("   ", " # ", "   ", " # ", "   "),
}
MAX_WIDTH = 100  # wider panels make lines too long to read from the floor
# Rows for the instruction, steps and stop rule when the big countdown is shown: 24 less
# the borders, heading, countdown, bar, counts, next, progress and key lines.
TEXT_ROWS = 24 - 15
KEY_HINTS = "space pause · n next · b back · s skip · x hurts · i steps · q quit · ? help"
KEY_HELP = (
    ("space", "pause or resume (in self-paced reps: rep done)"),
    ("n  →", "next: end this part now"),
    ("b  ←", "back to the start of this part; twice: the part before"),
    ("s", "skip the rest of this exercise"),
    ("x", "this hurts: stop this exercise and note it"),
    ("i", "show or hide the exercise's steps"),
    ("q", "quit; the summary is still shown"),
    ("?", "show or hide this help"),
)


def big_text(text: str, scale: int = 1) -> list[str]:
    """Block digits for a countdown such as ``12`` or ``1:30``: five lines, each ``scale``
    times taller and wider, to be read from further away."""
    rows = []
    for row in range(5):
        glyphs = [_FONT[char][row] for char in text if char in _FONT]
        cell, gap = "██" * scale, "  " * scale
        line = (" " * scale).join(g.replace("#", cell).replace(" ", gap) for g in glyphs)
        rows += [line] * scale
    return rows


def digit_scale(width: int, height: int) -> int:
    """How much the countdown grows: 1 at 80×24, 2 from about 110×36 (a screen seen
    from the mat), 3 from 160×52."""
    return max(1, min((width - 20) // 45, (height - 16) // 10, 3))


def countdown_text(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else str(whole)


def session_frame(
    session: Session,
    script: Script,
    now: float,
    *,
    help_shown: bool = False,
    steps_shown: bool = False,
    width: int = 80,
    notice: str | None = None,
    height: int = 24,
) -> RenderableType:
    """One frame of the session screen; fits 80×24 and grows with wider terminals.

    Getting into position shows every step; while working, the stop rule stays in
    view and ``steps_shown`` (the i key) brings the steps back.
    """
    segment = session.segment
    info = script.item(segment)
    into_s = session.into_segment(now)
    heading, instruction = describe(segment, script, self_paced=session.self_paced, into_s=into_s)
    remaining = session.remaining(now)
    work = segment.kind.is_work
    style = "green" if work else "blue" if segment.kind.value.endswith("rest") else "yellow"
    # The last three seconds turn red, but not a short segment all through (a 3 s hold).
    long_enough = segment.duration_s > LAST_SECONDS * 2
    last_seconds = long_enough and not session.waiting and 0 < remaining <= LAST_SECONDS
    last_seconds = last_seconds and not session.paused
    if session.paused:
        heading, style = "Paused: press space to go on", "magenta"

    body: list[RenderableType] = []
    if help_shown:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for key, meaning in KEY_HELP:
            keys.add_row(key, meaning)
        body += [Text("Keys", style="bold"), keys]
        # The help is an overlay: the clock runs on, and so does the countdown in view.
        countdown = str(segment.rep_no) if session.waiting else countdown_text(remaining)
        body += [Text(), Text(f"{heading.upper()}  {countdown}", style=f"bold {style}")]
    else:
        inner = min(width, MAX_WIDTH) - 4  # the panel's borders and padding
        body.append(Text(heading.upper(), style=f"bold {style}"))
        steps = info.steps if info is not None else ()
        rows = 0  # below the heading, to see whether the big countdown still fits
        transition = segment.kind is SegmentKind.transition
        if not (steps and transition):  # getting into position, the steps say it all
            body.append(literal(instruction))
            rows += _rows([instruction], inner)
        if steps and (transition or (steps_shown and work)):
            body.append(numbered_steps(steps, "dim"))
            rows += _rows(steps, inner - MARKER_COLUMNS)
        rule = stop_rule(segment, script)
        if rule is not None:
            body.append(literal(rule, "bold red"))
            rows += _rows([rule], inner)
        countdown = str(segment.rep_no) if session.waiting else countdown_text(remaining)
        digit_style = "bold red" if last_seconds else f"bold {style}"
        if rows <= TEXT_ROWS:
            scale = digit_scale(width, height)
            while scale > 1 and len(big_text(countdown, scale)[0]) > inner:
                scale -= 1  # "10:00" at the largest size would not fit the panel
            body.append(Text())
            body += [
                Text(line, style=digit_style, justify="center")
                for line in big_text(countdown, scale)
            ]
        else:  # long steps: a one-line countdown leaves them room
            body.append(Text(countdown, style=digit_style, justify="center"))
        body.append(Text())
        done = 0.0 if session.waiting else segment.duration_s - remaining
        bar = Table.grid(expand=True)  # a grid row ends the bar's line
        bar.add_column(ratio=1)
        bar.add_row(ProgressBar(total=max(segment.duration_s, 1), completed=done))
        body.append(bar)
        body.append(Text(counts(segment, script) or " ", style="bold"))
    upcoming = _next_text(session, script)
    if upcoming:
        body.append(Text("Next: ", style="dim") + literal(upcoming, "dim"))
    elapsed = format_duration(int(session.elapsed(now)))
    left = format_duration(math.ceil(session.planned_remaining(now)))
    where = f"{len(script.items)} exercises"
    if segment.item is not None:
        where = f"Exercise {segment.item + 1} of {len(script.items)}"
    body.append(Text(f"{where} · {elapsed} done · {left} left", style="dim"))
    # A key's confirmation takes the hints' line for a moment: the layout does not move.
    body.append(literal(notice, "bold") if notice else Text(KEY_HINTS, style="dim"))
    title = literal(info.name, "bold") if info else literal(script.routine, "bold")
    return Panel(Group(*body), title=title, border_style=style, width=min(width, MAX_WIDTH))


def _rows(lines: Sequence[str], width: int) -> int:
    """How many screen rows these lines take when wrapped at ``width``."""
    return sum(len(textwrap.wrap(line, width)) or 1 for line in lines)


def _next_text(session: Session, script: Script) -> str:
    following = session.timeline[session.index + 1 :]
    if not following:
        return ""
    segment = following[0]
    if segment.kind is SegmentKind.done:
        return "the end"
    if segment.kind is SegmentKind.transition:
        info = script.item(segment)
        return info.name if info else ""
    heading, _ = describe(segment, script)
    return f"{heading.lower()} {segment.duration_s} s"


NOTICE_S = 3.0  # a key's confirmation stays this long
LAST_SECONDS = 3


class LiveScreen:
    """The full-screen view: redrawn only when something visible changes."""

    def __init__(self, console: Console, script: Script) -> None:
        self._console = console
        self._script = script
        self._live = Live(
            console=console,
            auto_refresh=False,
            screen=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self._live.start()
        self._shown: tuple[object, ...] | None = None
        self._notice: tuple[str, float] | None = None  # a key's confirmation, and when

    def segment_started(self, session: Session, segment: Segment, now: float) -> None:
        self._shown = None

    def show(
        self, session: Session, now: float, *, help_shown: bool, steps_shown: bool = False
    ) -> None:
        state = (
            session.index,
            math.ceil(session.remaining(now)),
            int(session.elapsed(now)),
            int(session.into_segment(now) // CUE_EVERY_S),
            session.paused,
            help_shown,
            steps_shown,
            self._console.size,
            self._notice is not None and now - self._notice[1] < NOTICE_S,
        )
        if state == self._shown:
            return
        self._shown = state
        notice = self._notice[0] if state[-1] and self._notice else None
        frame = session_frame(
            session,
            self._script,
            now,
            help_shown=help_shown,
            steps_shown=steps_shown,
            width=self._console.width,
            notice=notice,
            height=self._console.height,
        )
        self._live.update(frame, refresh=True)

    def notice(self, text: str, now: float) -> None:
        self._notice = (text, now)
        self._shown = None

    def suspend(self) -> None:
        self._live.stop()  # leaves the alternate screen and shows the cursor

    def resume(self) -> None:
        self._live.start()
        self._shown = None  # draw the whole frame again

    def close(self) -> None:
        self._live.stop()
