"""The options more than one command takes, defined once.

Choices are listed in the help text itself ("acute, recovery or maintenance"),
so they wrap rather than being cut short, and defaults are said in words
where the default depends on something ("from your history").
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from corecli.cli.help import Command, Group
from corecli.errors import UsageProblem
from corecli.text import or_list
from corecli.vocab import Equipment, Legs, Level, Phase, PlanCondition
from corecli.vocab import Group as PersonGroup

F = TypeVar("F", bound=Callable[..., Any])


def command_group(**settings: Any) -> typer.Typer:
    """A Typer app for one module of commands, with corecli's help layout."""
    return typer.Typer(cls=Group, rich_markup_mode=None, add_completion=False, **settings)


def command(app: typer.Typer, name: str | None = None) -> Callable[[F], F]:
    """``@command(app)``: register a function as a command with corecli's help layout."""
    return app.command(name, cls=Command)


def choice(metavar: str, choices: type[StrEnum], text: str, *, repeatable: bool = False) -> Any:
    """An option whose help lists its choices in words: ``Kind of exercise: a, b or c.``"""
    return typer.Option(**choice_help(metavar, choices, text, repeatable=repeatable))


def choice_help(
    metavar: str, choices: type[StrEnum], text: str, *, repeatable: bool = False
) -> dict[str, Any]:
    """The settings of a choice option; a ``(default: …)`` note at the end of ``text``
    goes after the choices."""
    more = "; repeat for more" if repeatable else ""
    if text.endswith(")"):
        text, default = text.rsplit(" (", 1)
        more += f" ({default}"
    listed = or_list([c.value for c in choices])
    return {"metavar": metavar, "help": f"{text}: {listed}{more}.", "show_default": False}


def number(metavar: str, low: int, high: int, text: str) -> Any:
    """A whole-number option from ``low`` to ``high``, checked by Typer."""
    return typer.Option(min=low, max=high, metavar=metavar, show_default=False, help=text)


def day_option(text: str) -> Any:
    """A DATE option, read by :func:`parse_day`."""
    return typer.Option(metavar="DATE", show_default=False, help=text)


def parse_day(text: str, option: str, today: date) -> date:
    """``YYYY-MM-DD``, ``today``, ``yesterday``, or ``Nd`` / ``Nw`` days or weeks ago."""
    text = text.strip().lower()
    named = {"today": 0, "yesterday": 1}
    if text in named:
        return today - timedelta(days=named[text])
    units = {"d": 1, "w": 7}
    number = text[:-1]
    # ASCII digits only: str.isdigit() also passes "²" and "٣", which int() refuses or reads.
    digits = len(text) > 1 and number.isascii() and number.isdigit()
    if digits and text[-1] in units and int(number) < 100_000:
        return today - timedelta(days=int(number) * units[text[-1]])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(
            f"{option} takes a date such as 2026-11-01, today, yesterday, or 30d / 4w for"
            f" days or weeks ago, not {text!r}"
        ) from None


class EquipmentChoice(StrEnum):
    """What a person has to hand; ``none`` means a bare floor."""

    none = "none"
    mat = Equipment.mat.value
    exercise_ball = Equipment.exercise_ball.value
    strap = Equipment.strap.value
    bench = Equipment.bench.value
    back_extension_station = Equipment.back_extension_station.value
    chair = Equipment.chair.value
    wall = Equipment.wall.value
    dowel = Equipment.dowel.value
    resistance_band = Equipment.resistance_band.value
    exercise_bike = Equipment.exercise_bike.value


def conditions_of(
    given: list[PlanCondition] | None,
) -> tuple[PlanCondition | None, frozenset[PersonGroup]]:
    """One diagnosis, and osteoporosis as a group when it comes with another."""
    if not given:
        return None, frozenset()
    chosen = set(given)
    others = chosen - {PlanCondition.osteoporosis}
    if len(others) > 1:
        raise UsageProblem(
            "--condition takes one diagnosis, and osteoporosis beside it if it applies"
        )
    if not others:
        return PlanCondition.osteoporosis, frozenset()
    groups = {PersonGroup.osteoporosis} if PlanCondition.osteoporosis in chosen else set()
    return others.pop(), frozenset(groups)


def equipment_set(choices: list[EquipmentChoice] | None) -> frozenset[Equipment] | None:
    """The equipment named (``none`` adds nothing), or None if the option was not given."""
    if choices is None:
        return None
    return frozenset(Equipment(c.value) for c in choices if c is not EquipmentChoice.none)


class RoutineFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    toml = "toml"


CatalogOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--catalog",
        metavar="PATH",
        help="Extra catalogue file (TOML); repeat for more. Its entries replace bundled ones.",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
FormatOption = Annotated[
    RoutineFormat,
    typer.Option(
        "--format",
        **choice_help("FORMAT", RoutineFormat, "How to print the routine (default: table)"),
    ),
]
PhaseOption = Annotated[
    Phase | None,
    choice("PHASE", Phase, "Stage of recovery (default: from your programme; acute to start)"),
]
MinutesOption = Annotated[
    int | None,
    number("N", 5, 60, "Time you have, 5-60 minutes (default: 10 in acute, 15 otherwise)."),
]
EquipmentOption = Annotated[
    list[EquipmentChoice] | None,
    choice("ITEM", EquipmentChoice, "What you have (default: mat)", repeatable=True),
]
ConditionOption = Annotated[
    PlanCondition | None,
    choice("CONDITION", PlanCondition, "Your diagnosis, if you have one (default: general)"),
]
ConditionsOption = Annotated[
    list[PlanCondition] | None,
    choice(
        "CONDITION",
        PlanCondition,
        "Your diagnosis, if you have one; osteoporosis can go with another (default: general)",
        repeatable=True,
    ),
]
LevelOption = Annotated[Level | None, choice("LEVEL", Level, "This level or easier")]
FloorOption = Annotated[
    bool | None,
    typer.Option(
        "--floor/--no-floor",
        show_default=False,
        help="With --no-floor, only what you can do in a chair, standing or on a bed"
        " (default: floor work too).",
    ),
]
IncludeOption = Annotated[
    list[str] | None,
    typer.Option(metavar="ID", help="Exercise to include (repeatable).", show_default=False),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(metavar="ID", help="Exercise to leave out (repeatable).", show_default=False),
]
LegsOption = choice(
    "WHERE", Legs, "Disc or sciatica: where leg symptoms went in the session (else asked)"
)
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", metavar="FILE", help="Save the routine as TOML.", show_default=False
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")]
SeedOption = Annotated[
    int | None,
    number("N", 0, 2**32 - 1, "Another number gives another plan (default: today's date)."),
]
