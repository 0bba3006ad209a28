"""Commands that browse the catalogue: list, show, schema.

The catalogue, its models and the views are imported inside each command:
they need pydantic and Rich, which ``corecli --help`` does not.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from corecli.cli import folder
from corecli.cli.context import current
from corecli.cli.options import (
    CatalogOption,
    EquipmentChoice,
    JsonOption,
    choice,
    command,
    command_group,
    equipment_set,
)
from corecli.cli.output import print_json, write_bytes
from corecli.vocab import Condition, Direction, Kind, Level, Phase, Position, Target

app = command_group()


@command(app, "list")
def list_exercises(
    ctx: typer.Context,
    query: Annotated[
        str | None,
        typer.Argument(help="Words to find in names, aliases and summaries.", show_default=False),
    ] = None,
    phase: Annotated[
        list[Phase] | None, choice("PHASE", Phase, "Suitable for this phase", repeatable=True)
    ] = None,
    kind: Annotated[
        list[Kind] | None, choice("KIND", Kind, "Kind of exercise", repeatable=True)
    ] = None,
    position: Annotated[
        list[Position] | None, choice("POSITION", Position, "Body position", repeatable=True)
    ] = None,
    direction: Annotated[
        list[Direction] | None,
        choice("DIRECTION", Direction, "How the spine moves", repeatable=True),
    ] = None,
    target: Annotated[
        list[Target] | None, choice("MUSCLES", Target, "Works these muscles", repeatable=True)
    ] = None,
    level: Annotated[Level | None, choice("LEVEL", Level, "This level or easier")] = None,
    equipment: Annotated[
        list[EquipmentChoice] | None,
        choice(
            "ITEM",
            EquipmentChoice,
            "What you have; hides exercises that need anything else",
            repeatable=True,
        ),
    ] = None,
    condition: Annotated[
        list[Condition] | None,
        choice(
            "CONDITION", Condition, "Hide exercises to avoid with this condition", repeatable=True
        ),
    ] = None,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """List exercises, narrowed by any combination of filters.

    Example: corecli list --phase acute --equipment mat --condition disc
    """
    from corecli.catalogue import ExerciseFilter

    context = current(ctx)
    catalogue = folder.catalogue(context, catalog)
    chosen = ExerciseFilter(
        phases=frozenset(phase or ()),
        kinds=frozenset(kind or ()),
        positions=frozenset(position or ()),
        directions=frozenset(direction or ()),
        targets=frozenset(target or ()),
        max_level=level,
        equipment=equipment_set(equipment),
        conditions=frozenset(condition or ()),
        text=query or "",
    ).select(catalogue)
    if as_json:
        from corecli.views.catalogue import exercises_json

        write_bytes(exercises_json(chosen, indent=2 if sys.stdout.isatty() else None))
        return
    from corecli.views.catalogue import exercise_list

    context.console.print(exercise_list(chosen, catalogue, context.console))


@command(app)
def show(
    ctx: typer.Context,
    name: Annotated[
        list[str], typer.Argument(help="Id, name or alias, in any case.", show_default=False)
    ],
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one exercise: dose, steps, cues, easier and harder variants.

    Example: corecli show "knees to chest"
    """

    context = current(ctx)
    catalogue = folder.catalogue(context, catalog)
    exercise = catalogue.find(" ".join(name))
    if as_json:
        print_json(exercise.model_dump(mode="json", exclude_none=True))
        return
    from corecli.views.catalogue import exercise_card

    context.console.print(exercise_card(exercise, catalogue))


class SchemaName(StrEnum):
    routine = "routine"
    catalog = "catalog"


@command(app)
def schema(
    which: Annotated[
        SchemaName, typer.Argument(metavar="routine|catalog", help="Which file format.")
    ],
) -> None:
    """Print the JSON Schema of a routine or catalogue file, for editors.

    Editors that check TOML against a schema (taplo, VS Code) use it.

    Example: corecli schema routine > routine.schema.json
    """
    from corecli.models import json_schema

    print_json(json_schema(which.value))
