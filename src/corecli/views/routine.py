"""A routine as a table (``plan``, ``view``) and as its timeline (``run --dry-run``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from corecli.catalogue import Catalogue
from corecli.errors import visible
from corecli.models import Routine
from corecli.script import Script, counts
from corecli.text import format_duration, plural
from corecli.timeline import Segment, item_s
from corecli.views.parts import literal, numbered


def routine_view(routine: Routine, catalogue: Catalogue, estimated_s: int) -> RenderableType:
    """A routine as a table: order, dose, time and why each exercise is there."""
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
        table.add_row(
            str(number),
            cell,
            literal(exercise.describe_item(item) if exercise else item.describe()),
            format_duration(item_s(item)),
        )
    advice = numbered(["•"] * len(routine.advice), routine.advice)
    return Group(title, meta, Text(), table, Text(), advice)


def timeline_lines(
    timeline: Sequence[Segment], routine: Routine, catalogue: Catalogue
) -> list[str]:
    """Every segment with its start time and length, then the total: a dry run."""
    lines = [f"{visible(routine.name)}: {plural(len(routine.items), 'exercise')}"]
    script = Script.for_routine(routine, catalogue)
    for segment in timeline:
        exercise = catalogue.get(segment.exercise) if segment.exercise else None
        name = visible(exercise.name) if exercise else ""
        detail = counts(segment, script)
        line = f"{segment.start_s // 60:3d}:{segment.start_s % 60:02d}  {segment.kind.value:<10}"
        line += f" {segment.duration_s:>4} s  {name}" + (f" · {detail}" if detail else "")
        lines.append(line.rstrip())
    total = timeline[-1].end_s
    lines.append(f"Total: {format_duration(total)} ({total} s)")
    return lines
