"""The full-screen session view: a frame for each moment of a session, and the live
screen that redraws it only when something visible changes."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.live import Live
from rich.segment import Segment as RichSegment
from rich.table import Table
from rich.text import Text

from corecli.errors import visible
from corecli.script import CUE_EVERY_S, GATE, Script, counts, describe, stop_rule
from corecli.session import Session
from corecli.text import format_duration, plural
from corecli.timeline import Segment, SegmentKind
from corecli.views.parts import MARKER_COLUMNS, literal

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
# Letters for the stage, in the same spirit; wide letters take five columns.
_LETTERS = {
    "A": (" # ", "# #", "###", "# #", "# #"),
    "B": ("## ", "# #", "## ", "# #", "## "),
    "C": (" ##", "#  ", "#  ", "#  ", " ##"),
    "D": ("## ", "# #", "# #", "# #", "## "),
    "E": ("###", "#  ", "## ", "#  ", "###"),
    "F": ("###", "#  ", "## ", "#  ", "#  "),
    "G": (" ##", "#  ", "# #", "# #", " ##"),
    "H": ("# #", "# #", "###", "# #", "# #"),
    "I": ("###", " # ", " # ", " # ", "###"),
    "J": ("  #", "  #", "  #", "# #", " # "),
    "K": ("# #", "# #", "## ", "# #", "# #"),
    "L": ("#  ", "#  ", "#  ", "#  ", "###"),
    "M": ("#   #", "## ##", "# # #", "#   #", "#   #"),
    "N": ("#  #", "## #", "# ##", "#  #", "#  #"),
    "O": (" # ", "# #", "# #", "# #", " # "),
    "P": ("## ", "# #", "## ", "#  ", "#  "),
    "Q": (" # ", "# #", "# #", "###", " ##"),
    "R": ("## ", "# #", "## ", "# #", "# #"),
    "S": (" ##", "#  ", " # ", "  #", "## "),
    "T": ("###", " # ", " # ", " # ", " # "),
    "U": ("# #", "# #", "# #", "# #", "###"),
    "V": ("# #", "# #", "# #", "# #", " # "),
    "W": ("#   #", "#   #", "# # #", "## ##", "#   #"),
    "X": ("# #", "# #", " # ", "# #", "# #"),
    "Y": ("# #", "# #", " # ", " # ", " # "),
    "Z": ("###", "  #", " # ", "#  ", "###"),
    "?": ("## ", "  #", " # ", "   ", " # "),
    " ": ("  ", "  ", "  ", "  ", "  "),
}
_LETTERS[":"] = _FONT[":"]
MAX_WIDTH = 100  # wider panels make lines too long to read from the floor
KEY_HINTS = "space pause · n next · b back · s skip · x hurts · i steps · q quit · ? help"
SHORT_HINTS = "space pause · n next · x hurts · q quit · ? help"  # for a narrow window
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
    glyphs = [_FONT[char] for char in text if char in _FONT]
    return _scaled(glyphs, scale, cell="██", gap="  ")


def _scaled(glyphs: Sequence[tuple[str, ...]], scale: int, *, cell: str, gap: str) -> list[str]:
    """The glyphs' five rows side by side, each "#" drawn as ``cell`` and each space as
    ``gap``, ``scale`` times wider and taller."""
    rows = []
    for row in range(5):
        line = (" " * scale).join(
            g[row].replace("#", cell * scale).replace(" ", gap * scale) for g in glyphs
        )
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
    """One frame of the session screen, as tall as the window, laid out so nothing jumps.

    From the top: the stage and side in large letters, the countdown large, the bar
    and counts, then the words (what to do, the steps, the stop rule), and at the
    foot what comes next and the keys. The large parts keep their rows whatever the
    words, unless the words would not fit (the steps of a long exercise in a small
    window): then the stage, and next the countdown, shrink to one line.
    """
    segment = session.segment
    info = script.item(segment)
    into_s = session.into_segment(now)
    heading, instruction = (
        GATE
        if session.gated
        else describe(segment, script, self_paced=session.self_paced, into_s=into_s)
    )
    remaining = session.remaining(now)
    work = segment.kind.is_work
    style = "green" if work else "blue" if segment.kind.value.endswith("rest") else "yellow"
    # The last three seconds turn red, but not a short segment all through (a 3 s hold).
    long_enough = segment.duration_s > LAST_SECONDS * 2
    last_seconds = long_enough and not session.waiting and 0 < remaining <= LAST_SECONDS
    last_seconds = last_seconds and not session.paused
    if session.paused:
        heading, style = "Paused: press space to go on", "magenta"
    if session.gated:
        style = "magenta"
    panel_width = min(width, MAX_WIDTH)
    inner = panel_width - 4  # the panel's borders and padding
    if session.gated:
        countdown = countdown_text(segment.duration_s)  # the get-ready, once space is pressed
    elif session.waiting:
        countdown = str(segment.rep_no)  # a self-paced rep shows which one it is
    else:
        countdown = countdown_text(remaining)

    footer: list[Text] = []
    upcoming = _next_text(session, script)
    if upcoming:
        footer.append(Text("Next: ", style="dim") + literal(upcoming, "dim"))
    elapsed = format_duration(int(session.elapsed(now)))
    left = format_duration(math.ceil(session.planned_remaining(now)))
    where = plural(len(script.items), "exercise")
    if segment.item is not None:
        where = f"Exercise {segment.item + 1} of {len(script.items)}"
    footer.append(Text(f"{where} · {elapsed} done · {left} left", style="dim"))
    # A key's confirmation takes the hints' line for a moment: the layout does not move.
    hints = KEY_HINTS if len(KEY_HINTS) <= inner else SHORT_HINTS
    footer.append(literal(notice, "bold") if notice else Text(hints, style="dim"))
    title = literal(info.name, "bold") if info else literal(script.routine, "bold")

    body: list[RenderableType] = []
    if help_shown:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for key, meaning in KEY_HELP:
            keys.add_row(key, meaning)
        body += [Text("Keys", style="bold"), keys]
        # The help is an overlay: the clock runs on, and so does the countdown in view.
        body += [Text(), Text(f"{heading.upper()}  {countdown}", style=f"bold {style}")]
        return Frame([*body, *footer], title=title, border_style=style, width=panel_width)

    word, _, rest = heading.partition(": ")
    stage = word.upper() if session.paused or session.gated else stage_word(word, segment)
    words: list[tuple[RenderableType, int]] = []  # what to read, and its rows
    said = [f"{rest[:1].upper()}{rest[1:]}."] if rest else []  # "Press space to go on."
    steps = info.steps if info is not None else ()
    transition = segment.kind is SegmentKind.transition
    if not (steps and transition):  # getting into position, the steps say it all
        said.append(instruction)
    words += [(literal(line), _rows([line], inner)) for line in said]
    first_step_rows = 0
    if steps and (transition or (steps_shown and work)):  # each step its own, to fit what fits
        listed = [_step(number, step, inner) for number, step in enumerate(steps, start=1)]
        # Asked for during the work, the steps come first: the cue gives way to them.
        words = [*listed, *words] if work else [*words, *listed]
        first_step_rows = listed[0][1]
    rule = stop_rule(segment, script)
    if rule is not None:
        words.append((literal(rule, "bold red"), _rows([rule], inner)))

    scale = digit_scale(width, height)
    while scale > 1 and len(big_text(countdown, scale)[0]) > inner:
        scale -= 1  # "10:00" at the largest size would not fit the panel
    footer_rows = sum(_rows([part.plain], inner) for part in footer)
    needed = sum(rows for _, rows in words)
    # Large stage, gaps around the countdown, large countdown: given up in that order
    # when the words would not fit, so the countdown stays large the longest.
    # With no room for every word even then, the countdown stays large only if what
    # must be read still fits below it: the stop rule, and the first step when the
    # steps are shown (else one line of words).
    layouts = [(_banner_rows(scale), 1, 5 * scale), (1, 1, 5 * scale), (1, 0, 5 * scale)]
    least = 2 + 2 + footer_rows  # borders; bar and counts; the foot
    rule_rows = words[-1][1] if rule is not None else 0
    must = rule_rows + first_step_rows or 1
    stage_rows, gap, digit_rows = next(
        (layout for layout in layouts if least + layout[0] + 2 * layout[1] + layout[2] + needed
         <= height),
        (1, 0, 5 * scale) if least + 1 + 5 * scale + must <= height else (1, 0, 1),
    )  # fmt: skip
    fixed = least + 2 * gap
    digit_style = "bold red" if last_seconds else f"bold {style}"
    if stage_rows > 1:
        body += _banner(stage, scale, inner, stage_rows, f"bold {style}")
    else:
        body.append(Text(heading.upper() if not rest else word.upper(), style=f"bold {style}"))
    body += [Text()] * gap
    if digit_rows > 1:
        body += [
            Text(line, style=digit_style, justify="center") for line in big_text(countdown, scale)
        ]
    else:
        body.append(Text(countdown, style=digit_style, justify="center"))
    body += [Text()] * gap
    done = 0.0 if session.waiting else segment.duration_s - remaining
    body.append(_bar(done / max(segment.duration_s, 1), inner))
    told = counts(segment, script)
    if stage_rows > 1:  # the large letters are no text to a reader or a search: say it too
        told = " · ".join(part for part in (word, told) if part)
    body.append(Text(told or " ", style="bold"))
    room = max(0, height - fixed - stage_rows - digit_rows)
    # A window too small for every word keeps the stop rule, then the first words.
    used = rule_rows if rule_rows <= room else 0
    for renderable, rows in words[:-1] if rule is not None else words:
        if used + rows > room:
            break
        body.append(renderable)
        used += rows
    if rule is not None and rule_rows <= room:
        body.append(words[-1][0])
    body += [Text() for _ in range(room - used)]  # the foot stays at the bottom
    return Frame([*body, *footer], title=title, border_style=style, width=panel_width)


# The stage in one word (or two), as the large letters show it.
_STAGE_WORDS = {"Get into position": "Position", "Switch sides": "Switch"}


def stage_word(heading: str, segment: Segment) -> str:
    """``HOLD LEFT``, ``SWITCH: RIGHT``, ``GET READY``: the stage, and the side if any."""
    word = _STAGE_WORDS.get(heading, heading).upper()
    if segment.side is None or not (segment.kind.is_work or segment.kind is SegmentKind.switch):
        return word
    side = segment.side.value.upper()
    return f"{word}: {side}" if segment.kind is SegmentKind.switch else f"{word} {side}"


def _banner_rows(scale: int) -> int:
    return math.ceil(5 * scale / 2)


def banner(text: str, scale: int = 1) -> list[str] | None:
    """Large letters in half blocks (five font rows in three screen rows at scale 1);
    None when a character has no glyph."""
    if any(char not in _LETTERS for char in text):
        return None
    rows = _scaled([_LETTERS[char] for char in text], scale, cell="#", gap=" ")
    if len(rows) % 2:
        rows.append(" " * len(rows[0]))
    halves = {("#", "#"): "█", ("#", " "): "▀", (" ", "#"): "▄", (" ", " "): " "}
    return [
        "".join(halves[pair] for pair in zip(top, bottom, strict=True))
        for top, bottom in zip(rows[::2], rows[1::2], strict=True)
    ]


def _banner(text: str, scale: int, width: int, rows: int, style: str) -> list[RenderableType]:
    """The stage in large letters within ``width``, always ``rows`` rows tall."""
    for size in range(scale, 0, -1):
        lines = banner(text, size)
        if lines is not None and len(lines[0]) <= width:
            break
    else:
        lines = [text]  # too wide even small: the word as it is
    lines = lines + [""] * (rows - len(lines))
    return [Text(line, style=style, justify="center") for line in lines[:rows]]


class Frame:
    """A bordered box of parts drawn one under another, as a Panel of a Group would be,
    but each part drawn once and then kept: from one second to the next only the digits,
    the bar and the time done change, so a frame costs a fraction of drawing it afresh
    (the timer's CPU, once a second)."""

    _drawn: ClassVar[dict[tuple[object, ...], list[list[RichSegment]]]] = {}
    KEEP = 512  # parts kept at most: a few sessions' worth

    def __init__(
        self, parts: Sequence[RenderableType], *, title: Text, border_style: str, width: int
    ) -> None:
        self.parts = parts
        self.title = title
        self.border_style = border_style
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = min(self.width, options.max_width)
        inner = width - 4
        border = console.get_style(self.border_style)
        line, side = RichSegment.line(), RichSegment("│", border)
        title = self.title.copy()
        title.truncate(width - 6)
        title.stylize_before(border)
        excess = width - 6 - title.cell_len  # the corners, a rule each side, two spaces
        yield RichSegment("╭─" + "─" * (excess // 2) + " ", border)
        yield from title.render(console)
        yield RichSegment(" " + "─" * (excess - excess // 2) + "─╮", border)
        yield line
        part_options = options.update_width(inner)
        for part in self.parts:
            for row in self._lines(console, part, part_options):
                yield side
                yield RichSegment(" ")
                yield from RichSegment.adjust_line_length(row, inner)
                yield RichSegment(" ")
                yield side
                yield line
        yield RichSegment("╰" + "─" * (width - 2) + "╯", border)
        yield line

    def _lines(
        self, console: Console, part: RenderableType, options: ConsoleOptions
    ) -> list[list[RichSegment]]:
        drawn = Frame._drawn
        key = _key(part, options.max_width)
        kept = drawn.get(key) if key is not None else None
        if kept is not None:
            return kept
        lines = console.render_lines(part, options, pad=False, new_lines=False)
        if key is not None:
            if len(drawn) >= Frame.KEEP:
                drawn.clear()
            drawn[key] = lines
        return lines


def _key(part: RenderableType, width: int) -> tuple[object, ...] | None:
    """What a Text's look depends on; None for anything else (drawn every time)."""
    if not isinstance(part, Text):
        return None
    spans = tuple((span.start, span.end, str(span.style)) for span in part.spans)
    return (part.plain, str(part.style), part.justify, part.no_wrap, spans, width)


def _step(number: int, step: str, width: int) -> tuple[Text, int]:
    """`` 1. …`` with a hanging indent, wrapped here (a grid per step costs a frame ~1 ms
    to draw, once a second), and the rows it takes."""
    lines = textwrap.wrap(visible(step), width - MARKER_COLUMNS, break_on_hyphens=False) or [""]
    text = Text(f"{number}.".rjust(MARKER_COLUMNS - 1) + " ")
    for row, line in enumerate(lines):
        if row:
            text.append("\n" + " " * MARKER_COLUMNS)
        text.append(line, style="dim")
    return text, len(lines)


def _bar(share: float, width: int) -> Text:
    """The segment's progress: ``━━━╸────``; the part to come is a thinner line, so it
    shows without colour too."""
    filled = width * min(max(share, 0.0), 1.0)
    full = int(filled)
    half = filled - full >= 0.5
    bar = Text("━" * full + ("╸" if half else ""), style="bar.complete")
    bar.append("─" * (width - full - half), style="bar.back")
    return bar


def _rows(lines: Sequence[str], width: int) -> int:
    """How many screen rows these lines take when wrapped at ``width``."""
    return sum(len(textwrap.wrap(line, width, break_on_hyphens=False)) or 1 for line in lines)


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
