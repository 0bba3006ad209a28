"""A routine as a printable Markdown sheet: a checkbox per exercise, its dose, every step
and cue, and its stop rule."""

from __future__ import annotations

from corecli.catalogue import Catalogue
from corecli.errors import visible
from corecli.models import Exercise, Routine
from corecli.text import format_duration
from corecli.timeline import item_s


def routine_markdown(routine: Routine, catalogue: Catalogue, estimated_s: int) -> str:
    lines = [
        f"# {_plain(routine.name)}",
        "",
        f"{routine.phase.value.capitalize()} phase · {routine.condition.value} · "
        f"about {format_duration(estimated_s)} · {routine.created.isoformat()}",
        "",
    ]
    for item in routine.items:
        exercise = catalogue.get(item.exercise)
        name = exercise.name if exercise else item.exercise
        dose = exercise.describe_item(item) if exercise else item.describe()
        lines.append(f"- [ ] **{_plain(name)}**: {_plain(dose)} ({format_duration(item_s(item))})")
        if exercise:
            lines += _how_to(exercise)
        if item.reason:
            lines.append(f"    *Why: {_plain(item.reason)}*")
        lines.append("")
    lines += ["## Advice", ""]
    lines += [f"- {_plain(line)}" for line in routine.advice]
    lines += ["", "*corecli gives exercise guidance, not a diagnosis.*", ""]
    return "\n".join(lines)


def _how_to(exercise: Exercise) -> list[str]:
    """Every step, every cue and the stop rule, indented under the exercise's line."""
    lines = [f"    {number}. {_plain(step)}" for number, step in enumerate(exercise.steps, 1)]
    lines += [f"    - {_plain(cue)}" for cue in exercise.cues]
    lines.append(f"    **{_plain(exercise.stop_rule)}**")
    return lines


def _plain(text: str) -> str:
    """Keep text from a file from turning into Markdown or HTML markup, or into terminal
    control (an escape byte in a name could reset the terminal the sheet is shown on)."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return visible(" ".join(text.split()))
