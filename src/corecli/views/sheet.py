"""A routine as a printable Markdown sheet: a checkbox per exercise, dose, short steps."""

from __future__ import annotations

from corecli.catalogue import Catalogue
from corecli.models import Routine
from corecli.text import format_duration
from corecli.timeline import item_s

STEPS_SHOWN = 3


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
        timed = exercise.timed_word if exercise else "hold"
        lines.append(
            f"- [ ] **{_plain(name)}**: {item.describe(timed=timed)}"
            f" ({format_duration(item_s(item))})"
        )
        if exercise:
            for number, step in enumerate(exercise.steps[:STEPS_SHOWN], 1):
                lines.append(f"    {number}. {_plain(step)}")
        if item.reason:
            lines.append(f"    *Why: {_plain(item.reason)}*")
        lines.append("")
    lines += ["## Advice", ""]
    lines += [f"- {_plain(line)}" for line in routine.advice]
    lines += ["", "*corecli gives exercise guidance, not a diagnosis.*", ""]
    return "\n".join(lines)


def _plain(text: str) -> str:
    """Keep text from a file from turning into Markdown or HTML markup."""
    for char in "\\`*_[]<>#|":
        text = text.replace(char, "\\" + char)
    return " ".join(text.split())
