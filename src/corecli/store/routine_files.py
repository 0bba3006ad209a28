"""Routine files: TOML a person can read, edit and hand back to corecli.

Saving is atomic (a temporary file in the same folder, then a rename), so a
routine on disk is always either the old one or the new one, never half of each.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from corecli.catalogue import Catalogue
from corecli.errors import FileProblem, UsageProblem, visible
from corecli.models import Routine
from corecli.store.toml_files import SMALL_LIMIT, Exists, read_toml, write_atomically
from corecli.store.validation import validate

HEADER = (
    "# A corecli routine. Edit doses or reorder [[items]] freely; `corecli view` checks it.\n"
    "# Stop any exercise that increases your symptoms.\n\n"
)


def routine_document(routine: Routine) -> dict[str, Any]:
    """The routine as plain data in file order: each item's exercise first, reason last."""
    data = routine.model_dump(mode="python")
    data["phase"] = routine.phase.value
    data["condition"] = routine.condition.value
    items = []
    for item in data.pop("items"):
        exercise, reason = item.pop("exercise"), item.pop("reason")
        items.append({"exercise": exercise, **item, "reason": reason})
    data["items"] = items
    return data


def routine_toml(routine: Routine) -> str:
    import tomli_w  # only saving and --format toml write TOML

    return HEADER + tomli_w.dumps(routine_document(routine), multiline_strings=False)


def save_routine(routine: Routine, path: Path, *, force: bool = False) -> None:
    """Write ``routine`` to ``path`` atomically; refuse to replace a file without ``force``."""
    if path.is_dir():
        shown = visible(str(path))
        raise UsageProblem(f"{shown} is a folder; give a file name such as {shown}/routine.toml")
    try:
        write_atomically(path, routine_toml(routine), replace=force)
    except Exists:
        raise UsageProblem(
            f"{visible(str(path))} already exists; add --force to replace it"
        ) from None


def load_routine(path: Path, catalogue: Catalogue) -> Routine:
    """Read and validate a routine file, including that each exercise is in the catalogue."""
    data = read_toml(path, SMALL_LIMIT)
    routine = validate(Routine, data, path)
    problems = []
    for index, item in enumerate(routine.items):
        if item.exercise not in catalogue:
            suggestions = catalogue.suggest(item.exercise)
            hint = f"; did you mean {suggestions[0]!r}?" if suggestions else ""
            problems.append(f"items[{index}].exercise: no exercise {item.exercise!r}{hint}")
    if problems:
        raise FileProblem(path, problems)
    return routine
