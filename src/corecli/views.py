"""Rich renderables for what corecli shows: tables, exercise cards.

Text that came from a file is passed through :func:`literal` so that Rich markup
or terminal escape sequences in it are printed as plain characters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from corecli.catalogue import Catalogue
from corecli.errors import visible
from corecli.models import Exercise, Routine
from corecli.units import format_duration
from corecli.vocab import Phase

if TYPE_CHECKING:
    from corecli.player import Script
    from corecli.session import Session

# The routine and session views import the timeline inside, so `list` and `show`
# do not pay for it at start-up.


def literal(text: str, style: str = "") -> Text:
    """A Text that shows ``text`` exactly: no markup, control characters made visible."""
    return Text(visible(text, one_line=False), style=style)


def exercise_table(exercises: Sequence[Exercise], catalogue: Catalogue, console: Console) -> Table:
    """The ``corecli list`` table: one row per exercise, dose at a glance.

    When the full table is wider than ``width``, the details fold into a second
    column of two lines so nothing is cut off on an 80-column terminal.
    """
    full = _full_table(exercises, catalogue)
    if _natural_width(full) <= console.width:
        return full
    table = Table(header_style="bold", box=None, pad_edge=False)
    # A very long id of the person's own folds rather than squeezing every row.
    table.add_column("id", style="cyan", overflow="fold", max_width=max(24, console.width // 3))
    table.add_column("name · kind · phases · position · equipment / dose")
    for exercise in exercises:
        details = Text(" · ").join(
            [
                literal(exercise.name, "bold"),
                Text(exercise.kind.value),
                Text(phase_text(exercise)),
                Text(exercise.position.value),
                Text(equipment_text(exercise)),
            ]
        )
        details.append("\n")
        details.append_text(literal(exercise.dose_summary(), "dim"))
        table.add_row(_id_cell(exercise, catalogue), details)
    return table


def _full_table(exercises: Sequence[Exercise], catalogue: Catalogue) -> Table:
    table = Table(header_style="bold", box=None, pad_edge=False)
    for name in ("id", "name", "kind", "phases", "position", "equipment", "dose"):
        table.add_column(name, no_wrap=True)
    for exercise in exercises:
        table.add_row(
            _id_cell(exercise, catalogue),
            literal(exercise.name),
            exercise.kind.value,
            phase_text(exercise),
            exercise.position.value,
            equipment_text(exercise),
            literal(exercise.dose_summary()),
        )
    return table


def _natural_width(table: Table) -> int:
    """The width of a table of no-wrap cells: the widest cell of each column, plus gaps.

    (Rich's own measurement would render every cell once more.)
    """
    widths = [
        max(
            [cell_len(column.header if isinstance(column.header, str) else "")]
            + [
                cell_len(cell.plain if isinstance(cell, Text) else str(cell))
                for cell in column.cells
            ]
        )
        for column in table.columns
    ]
    return sum(widths) + 2 * (len(widths) - 1)


def _id_cell(exercise: Exercise, catalogue: Catalogue) -> Text:
    cell = literal(exercise.id, "cyan")
    if catalogue.is_user(exercise.id):
        cell.append(" *", style="magenta")
    return cell


def phase_text(exercise: Exercise) -> str:
    """``all``, ``recovery+`` (recovery onwards), or the phases listed."""
    phases = list(Phase)
    chosen = sorted(exercise.phases, key=phases.index)
    if len(chosen) > 1 and chosen == phases[phases.index(chosen[0]) :]:
        return "all" if chosen[0] is phases[0] else f"{chosen[0].value}+"
    return ", ".join(phase.value for phase in chosen)


def equipment_text(exercise: Exercise) -> str:
    return ", ".join(item.value for item in exercise.equipment) or "none"


def exercise_card(exercise: Exercise, catalogue: Catalogue) -> RenderableType:
    """Everything ``corecli show`` says about one exercise."""
    parts: list[RenderableType] = []
    title = Text.assemble(literal(exercise.name, "bold"), ("  ", ""), literal(exercise.id, "cyan"))
    if catalogue.is_user(exercise.id):
        origin = catalogue.origin(exercise.id)
        source = str(origin.path) if origin else "your catalogue"
        title.append_text(literal(f"  (from {source})", "magenta"))
    parts.append(title)
    if exercise.aliases:
        parts.append(Text("also called ", style="dim") + literal(", ".join(exercise.aliases)))
    parts += [Text(), literal(exercise.summary), Text()]

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Dose", literal(exercise.dose_summary()))
    facts.add_row("Kind", f"{exercise.kind.value}, {exercise.direction.value}")
    facts.add_row("Position", exercise.position.value)
    facts.add_row("Equipment", equipment_text(exercise))
    facts.add_row("Level", exercise.level.value)
    facts.add_row("Phases", ", ".join(phase.value for phase in exercise.phases))
    facts.add_row("Works", ", ".join(target.value for target in exercise.targets) or "-")
    if exercise.avoid_if:
        avoid = ", ".join(condition.value for condition in exercise.avoid_if)
        facts.add_row(Text("Avoid with", style="bold red"), Text(avoid, style="red"))
    parts.append(facts)

    parts += [Text(), Text("Steps", style="bold")]
    parts.append(
        _numbered([f"{number}." for number in range(1, len(exercise.steps) + 1)], exercise.steps)
    )
    if exercise.cues:
        parts += [Text(), Text("Watch for", style="bold")]
        parts.append(_numbered(["•"] * len(exercise.cues), exercise.cues))
    parts += [Text(), variant_ladder(exercise, catalogue)]
    return Group(*parts)


def _numbered(markers: Sequence[str], lines: Sequence[str]) -> Table:
    """Lines with a marker column, so wrapped text keeps its hanging indent."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", min_width=3)
    grid.add_column()
    for marker, line in zip(markers, lines, strict=True):
        grid.add_row(marker, literal(line))
    return grid


def variant_ladder(exercise: Exercise, catalogue: Catalogue) -> Text:
    """``easier ← this → harder`` with names, or a note that there is none."""

    def name_of(exercise_id: str | None) -> Text:
        other = catalogue.get(exercise_id) if exercise_id else None
        if other is None:
            return Text("none", style="dim")
        return literal(other.name) + Text(f" ({other.id})", style="cyan")

    return Text.assemble(
        ("Easier: ", "bold"),
        name_of(exercise.regression),
        ("  ←  ", "dim"),
        literal(exercise.name, "bold"),
        ("  →  ", "dim"),
        ("Harder: ", "bold"),
        name_of(exercise.progression),
    )


def routine_view(routine: Routine, catalogue: Catalogue, estimated_s: int) -> RenderableType:
    """A routine as a table: order, dose, time and why each exercise is there."""
    from corecli.timeline import item_s

    title = literal(routine.name, "bold")
    meta = Text(
        f"{routine.phase.value} phase · {routine.condition.value} · about "
        f"{format_duration(estimated_s)} of {routine.minutes} min · seed {routine.seed}",
        style="dim",
    )
    table = Table(header_style="bold", box=None, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("exercise · why")
    table.add_column("dose")
    table.add_column("time", justify="right", no_wrap=True)
    for number, item in enumerate(routine.items, 1):
        exercise = catalogue.get(item.exercise)
        cell = literal(exercise.name if exercise else item.exercise, "bold")
        if item.reason:
            cell.append("\n")
            cell.append_text(literal(item.reason, "dim"))
        timed = exercise.timed_word if exercise else "hold"
        table.add_row(
            str(number), cell, literal(item.describe(timed=timed)), format_duration(item_s(item))
        )
    advice = _numbered(["•"] * len(routine.advice), routine.advice)
    return Group(title, meta, Text(), table, Text(), advice)


# --- The session screen ------------------------------------------------------------------------

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
KEY_HINTS = "space pause · n next · b back · s skip · x hurts · q quit · ? help"
KEY_HELP = (
    ("space", "pause or resume (in self-paced reps: rep done)"),
    ("n  →", "next: end this part now"),
    ("b  ←", "back to the start of this part; twice: the part before"),
    ("s", "skip the rest of this exercise"),
    ("x", "this hurts: stop this exercise and note it"),
    ("q", "quit; the summary is still shown"),
    ("?", "show or hide this help"),
)


def big_text(text: str) -> list[str]:
    """Five lines of block digits for a countdown such as ``12`` or ``1:30``."""
    rows = []
    for row in range(5):
        glyphs = [_FONT[char][row] for char in text if char in _FONT]
        rows.append(" ".join(g.replace("#", "██").replace(" ", "  ") for g in glyphs))
    return rows


def countdown_text(seconds: float) -> str:
    whole = math.ceil(seconds)
    return f"{whole // 60}:{whole % 60:02d}" if whole >= 60 else str(whole)


def session_frame(
    session: Session, script: Script, now: float, *, help_shown: bool = False, width: int = 80
) -> RenderableType:
    """One frame of the session screen; fits 80×24 and grows with wider terminals."""
    from corecli.player import counts, describe
    from corecli.timeline import SegmentKind

    segment = session.segment
    info = script.item(segment)
    heading, instruction = describe(segment, script, self_paced=session.self_paced)
    remaining = session.remaining(now)
    work = segment.kind.is_work
    style = "green" if work else "blue" if segment.kind.value.endswith("rest") else "yellow"
    last_seconds = not session.waiting and 0 < remaining <= 3 and not session.paused
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
    else:
        body.append(Text(heading.upper(), style=f"bold {style}"))
        body.append(literal(instruction))
        if segment.kind is SegmentKind.transition and info is not None:
            body += [Padding(literal(step, "dim"), (0, 0, 0, 2)) for step in info.steps[1:3]]
        body.append(Text())
        if session.waiting:
            digits = big_text(str(segment.rep_no))
        else:
            digits = big_text(countdown_text(remaining))
        digit_style = "bold red" if last_seconds else f"bold {style}"
        body += [Text(line, style=digit_style, justify="center") for line in digits]
        body.append(Text())
        done = 0.0 if session.waiting else segment.duration_s - remaining
        bar = Table.grid(expand=True)  # a grid row ends the bar's line
        bar.add_column(ratio=1)
        bar.add_row(ProgressBar(total=max(segment.duration_s, 1), completed=done))
        body.append(bar)
        body.append(Text(counts(segment) or " ", style="bold"))
    upcoming = _next_text(session, script)
    if upcoming:
        body.append(Text("Next: ", style="dim") + literal(upcoming, "dim"))
    elapsed = format_duration(int(session.elapsed(now)))
    left = format_duration(math.ceil(session.planned_remaining(now)))
    where = f"{len(script.items)} exercises"
    if segment.item is not None:
        where = f"Exercise {segment.item + 1} of {len(script.items)}"
    body.append(Text(f"{where} · {elapsed} done · {left} left", style="dim"))
    body.append(Text(KEY_HINTS, style="dim"))
    title = literal(info.name, "bold") if info else literal(script.routine, "bold")
    return Panel(Group(*body), title=title, border_style=style, width=min(width, 100))


def _next_text(session: Session, script: Script) -> str:
    from corecli.player import describe
    from corecli.timeline import SegmentKind

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
