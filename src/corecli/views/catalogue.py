"""The catalogue as ``corecli list`` and ``corecli show`` print it: a table of
exercises, and one exercise's card with its easier and harder variants."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import TypeAdapter
from rich.cells import cell_len
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from corecli.catalogue import Catalogue
from corecli.models import Exercise
from corecli.views.parts import literal, numbered, numbered_steps
from corecli.vocab import Phase, Position


def exercise_list(
    exercises: Sequence[Exercise], catalogue: Catalogue, console: Console
) -> RenderableType:
    """``corecli list``: the table of exercises and a footer counting them."""
    if not exercises:
        return Text("No exercises match those filters.")
    footer = f"{len(exercises)} of {len(catalogue)} exercises"
    if any(catalogue.is_user(exercise.id) for exercise in exercises):
        footer += " · * from your own catalogue"
    footer += " · details: corecli show ID"
    return Group(exercise_table(exercises, catalogue, console), Text(footer, style="dim"))


C1 = re.compile(rb"\x7f|\xc2[\x80-\x9f]")  # DEL and C1 controls, as UTF-8 bytes


def exercises_json(exercises: Sequence[Exercise], *, indent: int | None) -> bytes:
    """The exercises as a JSON list with the file's field names, and a final newline.

    pydantic's serializer writes it (the standard library's indenting encoder is pure
    Python): indented for a person at a terminal, compact for a pipe or a file.
    """
    dumped = TypeAdapter(list[Exercise]).dump_json(
        list(exercises), indent=indent, exclude_none=True
    )
    # Controls a terminal would obey are written as \u escapes (C1 is raw in UTF-8 as
    # pydantic writes it); the bytes only need scanning when they hold any.
    if b"\xc2" in dumped or b"\x7f" in dumped:
        dumped = C1.sub(lambda match: b"\\u%04x" % ord(match.group().decode()), dumped)
    return dumped + b"\n"


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


# What each dose field is, in the words `show` uses for a dose set by convention.
DOSE_WORDS = {
    "sets": "sets",
    "reps": "reps",
    "hold_s": "hold",
    "rep_s": "pace",
    "rest_s": "rest between reps",
    "set_rest_s": "rest between sets",
    "per_day": "times a day",
    "days_per_week": "days a week",
    "reps_max": "reps to build up to",
    "hold_max_s": "hold to build up to",
}


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
    parts += [Text(), literal(exercise.summary), Text(), _facts(exercise)]
    parts += [Text(), Text("Steps", style="bold")]
    parts.append(numbered_steps(exercise.steps))
    if exercise.cues:
        parts += [Text(), Text("Watch for", style="bold")]
        parts.append(numbered(["•"] * len(exercise.cues), exercise.cues))
    parts += [Text(), literal(exercise.stop_rule, "bold red")]
    parts += [Text(), variant_ladder(exercise, catalogue)]
    ladder = catalogue.ladder(exercise)
    if len(ladder) > 2:
        parts.append(ladder_line(ladder, exercise))
    parts += _sources(exercise)
    return Group(*parts)


def _facts(exercise: Exercise) -> Table:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    facts.add_row("Dose", literal(exercise.dose_summary()))
    facts.add_row("Kind", f"{exercise.kind.value}, {exercise.direction.value}")
    lying = exercise.position in (Position.supine, Position.prone, Position.side_lying)
    where = exercise.position.value + (
        ", on the floor or a firm bed" if exercise.off_floor and lying else ""
    )
    facts.add_row("Position", where)
    facts.add_row("Equipment", equipment_text(exercise))
    facts.add_row("Level", exercise.level.value)
    facts.add_row("Phases", ", ".join(phase.value for phase in exercise.phases))
    facts.add_row("Works", ", ".join(target.value for target in exercise.targets) or "-")
    for label, conditions in (
        ("Avoid with", exercise.avoid_if),
        ("Avoid while acute", exercise.avoid_if_acute),
    ):
        if conditions:
            listed = ", ".join(condition.value for condition in conditions)
            facts.add_row(Text(label, style="bold red"), Text(listed, style="red"))
    return facts


def _sources(exercise: Exercise) -> list[RenderableType]:
    """The sources, and which parts of the dose no source gives."""
    parts: list[RenderableType] = []
    if exercise.sources:
        parts += [Text(), Text("Sources", style="bold")]
        parts.append(numbered(["•"] * len(exercise.sources), exercise.sources))
    if exercise.dose.convention:
        conventional = ", ".join(DOSE_WORDS[field] for field in exercise.dose.convention)
        note = f"Set by convention (no source gives them): {conventional}."
        parts += [Text(), Text(note, style="dim")]
    return parts


def ladder_line(ladder: Sequence[Exercise], current: Exercise) -> Text:
    """``Ladder: A → B → [C] → D``: every step from the easiest, this one in brackets."""
    line = Text("Ladder: ", style="bold")
    for number, step in enumerate(ladder):
        if number:
            line.append("  →  ", style="dim")
        if step.id == current.id:
            line.append_text(literal(f"[{step.name}]", "bold"))
        else:
            line.append_text(literal(step.name))
    return line


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
