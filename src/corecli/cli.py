"""The corecli command line: parse options, call the core, render the result.

Only Typer and the vocabularies are imported at start-up; pydantic models,
Rich renderers and file handling are imported inside the commands that use
them, so ``corecli --help`` starts as fast as a bare Typer app.
"""

from __future__ import annotations

import contextlib
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from corecli import __version__
from corecli.errors import CorecliError, UsageProblem
from corecli.vocab import (
    Condition,
    Direction,
    Equipment,
    Kind,
    Level,
    Phase,
    PlanCondition,
    Position,
    Target,
)

if TYPE_CHECKING:
    from rich.console import Console

    from corecli.catalogue import Catalogue
    from corecli.models import Routine
    from corecli.planner import PlanRequest
    from corecli.timeline import Segment


class CorecliGroup(TyperGroup):
    """Turns CorecliError into ``Error: ...`` lines on stderr and its exit code."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CorecliError as error:
            fail(error)


def fail(error: CorecliError) -> NoReturn:
    for line in error.lines():
        typer.echo(f"Error: {line}", err=True)
    raise typer.Exit(error.exit_code)


app = typer.Typer(
    cls=CorecliGroup,
    name="corecli",
    help=(
        "Core exercises for lower back pain: browse the catalogue, plan a routine, "
        "follow it with a timer.\n\n"
        "corecli gives exercise guidance, not a diagnosis. Stop any exercise that "
        "increases your symptoms, and see a clinician if pain persists or spreads down a leg."
    ),
    no_args_is_help=True,
    rich_markup_mode="markdown",
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"corecli {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_show_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Core exercises for lower back pain."""


class EquipmentChoice(StrEnum):
    """What a person has to hand; ``none`` means a bare floor."""

    none = "none"
    mat = Equipment.mat.value
    exercise_ball = Equipment.exercise_ball.value
    strap = Equipment.strap.value
    bench = Equipment.bench.value
    back_extension_station = Equipment.back_extension_station.value


def _choice(metavar: str, choices: type[StrEnum], text: str, *, repeatable: bool = True) -> Any:
    """An option whose help lists its choices in words instead of a long metavar."""
    return typer.Option(**_choice_help(metavar, choices, text, repeatable=repeatable))


def _choice_help(
    metavar: str, choices: type[StrEnum], text: str, *, repeatable: bool = False
) -> dict[str, Any]:
    names = [choice.value for choice in choices]
    listed = ", ".join(names[:-1]) + " or " + names[-1]
    more = "; repeat for more" if repeatable else ""
    if text.endswith(")"):  # a "(default: …)" note goes after the choices
        text, default = text.rsplit(" (", 1)
        more += f" ({default}"
    return {"metavar": metavar, "help": f"{text}: {listed}{more}.", "show_default": False}


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


def _catalogue(extra: list[Path] | None) -> Catalogue:
    from corecli.catalogue import load_catalogue
    from corecli.home import corecli_home

    return load_catalogue(extra or (), home=corecli_home())


def _console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


@app.command("list")
def list_exercises(
    query: Annotated[
        str | None,
        typer.Argument(help="Words to find in names, aliases and summaries.", show_default=False),
    ] = None,
    phase: Annotated[list[Phase] | None, _choice("PHASE", Phase, "Suitable for this phase")] = None,
    kind: Annotated[list[Kind] | None, _choice("KIND", Kind, "Kind of exercise")] = None,
    position: Annotated[
        list[Position] | None, _choice("POSITION", Position, "Body position")
    ] = None,
    direction: Annotated[
        list[Direction] | None, _choice("DIRECTION", Direction, "How the spine moves")
    ] = None,
    target: Annotated[
        list[Target] | None, _choice("MUSCLES", Target, "Works these muscles")
    ] = None,
    level: Annotated[
        Level | None, _choice("LEVEL", Level, "This level or easier", repeatable=False)
    ] = None,
    equipment: Annotated[
        list[EquipmentChoice] | None,
        _choice("ITEM", EquipmentChoice, "What you have; hides exercises that need anything else"),
    ] = None,
    condition: Annotated[
        list[Condition] | None,
        _choice("CONDITION", Condition, "Hide exercises to avoid with this condition"),
    ] = None,
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """List exercises, narrowed by any combination of filters.

    Example: corecli list --phase acute --equipment mat --condition disc
    """
    from corecli.catalogue import ExerciseFilter

    catalogue = _catalogue(catalog)
    have = (
        None if equipment is None else {Equipment(e.value) for e in equipment if e.value != "none"}
    )
    chosen = ExerciseFilter(
        phases=frozenset(phase or ()),
        kinds=frozenset(kind or ()),
        positions=frozenset(position or ()),
        directions=frozenset(direction or ()),
        targets=frozenset(target or ()),
        max_level=level,
        equipment=None if have is None else frozenset(have),
        conditions=frozenset(condition or ()),
        text=query or "",
    ).select(catalogue)

    if as_json:
        import sys

        from pydantic import TypeAdapter

        from corecli.models import Exercise

        # pydantic's serializer (the standard library's indenting encoder is pure Python);
        # indented for a person at a terminal, compact for a pipe or a file.
        indent = 2 if sys.stdout.isatty() else None
        dumped = TypeAdapter(list[Exercise]).dump_json(chosen, indent=indent, exclude_none=True)
        _write_bytes(dumped + b"\n")
        return
    if not chosen:
        typer.echo("No exercises match those filters.")
        return
    from corecli.views import exercise_table

    console = _console()
    console.print(exercise_table(chosen, catalogue, console))
    footer = f"{len(chosen)} of {len(catalogue)} exercises"
    if any(catalogue.is_user(exercise.id) for exercise in chosen):
        footer += " · * from your own catalogue"
    console.print(footer + " · details: corecli show ID", style="dim")


@app.command()
def show(
    name: Annotated[
        list[str], typer.Argument(help="Id, name or alias, in any case.", show_default=False)
    ],
    catalog: CatalogOption = None,
    as_json: JsonOption = False,
) -> None:
    """Show one exercise: dose, steps, cues, phases and its easier and harder variants.

    Example: corecli show "knees to chest"
    """
    catalogue = _catalogue(catalog)
    exercise = catalogue.find(" ".join(name))
    if as_json:
        _print_json(exercise.model_dump(mode="json", exclude_none=True))
        return
    from corecli.views import exercise_card

    _console().print(exercise_card(exercise, catalogue))


class RoutineFormat(StrEnum):
    table = "table"
    markdown = "markdown"
    json = "json"
    toml = "toml"


FormatOption = Annotated[
    RoutineFormat,
    typer.Option(
        "--format",
        **_choice_help("FORMAT", RoutineFormat, "How to print the routine (default: table)"),
    ),
]


PhaseOption = Annotated[
    Phase | None,
    _choice("PHASE", Phase, "Stage of recovery (default: acute, the safe start)", repeatable=False),
]
MinutesOption = Annotated[
    int | None,
    typer.Option(
        min=5,
        max=60,
        metavar="N",
        show_default=False,
        help="Time you have, 5-60 minutes (default: 10 in acute, 15 otherwise).",
    ),
]
HaveOption = Annotated[
    list[EquipmentChoice] | None,
    _choice("ITEM", EquipmentChoice, "What you have (default: mat)"),
]
PlanConditionOption = Annotated[
    PlanCondition | None,
    _choice(
        "CONDITION",
        PlanCondition,
        "Your diagnosis, if you have one (default: general)",
        repeatable=False,
    ),
]
LevelOption = Annotated[
    Level | None, _choice("LEVEL", Level, "This level or easier", repeatable=False)
]
IncludeOption = Annotated[
    list[str] | None,
    typer.Option(metavar="ID", help="Exercise to include (repeatable).", show_default=False),
]
ExcludeOption = Annotated[
    list[str] | None,
    typer.Option(metavar="ID", help="Exercise to leave out (repeatable).", show_default=False),
]
SeedOption = Annotated[
    int | None,
    typer.Option(
        min=0,
        max=2**32 - 1,
        metavar="N",
        show_default=False,
        help="Another number gives another plan (default: today's date).",
    ),
]


@app.command()
def plan(
    phase: PhaseOption = None,
    minutes: MinutesOption = None,
    equipment: HaveOption = None,
    condition: PlanConditionOption = None,
    level: LevelOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    seed: SeedOption = None,
    name: Annotated[
        str | None, typer.Option(help="Name for the routine.", show_default=False)
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="FILE", help="Save the routine as TOML.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace FILE if it exists.")] = False,
    output_format: FormatOption = RoutineFormat.table,
    catalog: CatalogOption = None,
) -> None:
    """Plan a routine for your phase, time, equipment and condition.

    Follows the sources' rules: stretching only while pain is acute; later, as much
    stretching as strengthening, each abdominal exercise balanced by one for the back.

    Example: corecli plan --phase recovery --minutes 20 -o ~/back/today.toml
    """
    from dataclasses import replace
    from datetime import date

    from corecli.planner import plan_routine

    catalogue = _catalogue(catalog)
    request = _plan_request(phase, minutes, equipment, condition, level, include, exclude, seed)
    request = replace(request, name=name)
    routine = plan_routine(catalogue, request, date.today())
    if output is not None:
        from corecli.routines import save_routine

        save_routine(routine, output, force=force)
    _print_routine(routine, catalogue, output_format)
    if output is not None:
        typer.echo(f"Saved to {output}. Look at it again with: corecli view {output}", err=True)


@app.command()
def view(
    routine_file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A routine saved by corecli plan.")
    ],
    output_format: FormatOption = RoutineFormat.table,
    catalog: CatalogOption = None,
) -> None:
    """Check and show a saved routine without running it, hand edits included.

    Example: corecli view ~/back/today.toml --format markdown > sheet.md
    """
    from corecli.routines import load_routine

    catalogue = _catalogue(catalog)
    _print_routine(load_routine(routine_file, catalogue), catalogue, output_format)


@app.command()
def run(
    routine_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="ROUTINE",
            help="A routine saved by corecli plan; without one, a plan is made now.",
            show_default=False,
        ),
    ] = None,
    exercise: Annotated[
        str | None,
        typer.Option(
            "--exercise",
            "-e",
            metavar="ID",
            show_default=False,
            help="Run one exercise at its catalogue dose.",
        ),
    ] = None,
    phase: PhaseOption = None,
    minutes: MinutesOption = None,
    equipment: HaveOption = None,
    condition: PlanConditionOption = None,
    level: LevelOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    seed: SeedOption = None,
    prep: Annotated[
        int, typer.Option(min=0, max=120, metavar="S", help="Seconds to get ready at the start.")
    ] = 5,
    transition: Annotated[
        int,
        typer.Option(min=0, max=120, metavar="S", help="Seconds to get into each position."),
    ] = 10,
    sound: Annotated[
        bool,
        typer.Option("--sound/--no-sound", help="Bell at each change, beeps for the last 3 s."),
    ] = True,
    voice: Annotated[
        bool,
        typer.Option("--voice", help="Speak names, sides and rests (espeak-ng, spd-say, say)."),
    ] = False,
    plain: Annotated[
        bool, typer.Option("--plain", help="One line per step, no full screen (for logs, readers).")
    ] = False,
    self_paced: Annotated[
        bool, typer.Option("--self-paced", help="Moving reps wait for space instead of a tempo.")
    ] = False,
    speed: Annotated[
        float,
        typer.Option(min=0.01, max=1000.0, metavar="X", help="Run the clock X times faster."),
    ] = 1.0,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the timeline with start times, then stop.")
    ] = False,
    catalog: CatalogOption = None,
) -> None:
    """Follow a routine with a timer: get ready, hold, count reps, switch sides, rest.

    Keys: space pause · n next · b back · s skip · x this hurts · q quit · ? help.

    Example: corecli run today.toml
    """
    from datetime import date

    from corecli.timeline import TimedItem, TimelineSettings, build_timeline

    catalogue = _catalogue(catalog)
    planning = (phase, minutes, equipment, condition, level, include, exclude, seed)
    if routine_file is not None or exercise is not None:
        if routine_file is not None and exercise is not None:
            raise UsageProblem("give a routine file or --exercise, not both")
        if any(option is not None for option in planning):
            raise UsageProblem(
                "planning options (--phase, --minutes …) make a new plan; they do not go with"
                " a routine file or --exercise"
            )
    settings = TimelineSettings(prep_s=prep, transition_s=transition)
    if routine_file is not None:
        from corecli.routines import load_routine

        routine = load_routine(routine_file, catalogue)
    elif exercise is not None:
        from corecli.planner import single_exercise_routine

        routine = single_exercise_routine(catalogue.find(exercise), date.today())
    else:
        from dataclasses import replace

        from corecli.planner import plan_routine

        request = replace(_plan_request(*planning), settings=settings)
        routine = plan_routine(catalogue, request, date.today())
    timeline = build_timeline([TimedItem(i.exercise, i) for i in routine.items], settings)
    if dry_run:
        _print_timeline(timeline, routine, catalogue)
        return
    _play(timeline, routine, catalogue, sound, voice, plain, self_paced, speed)


def _print_timeline(timeline: list[Segment], routine: Routine, catalogue: Catalogue) -> None:
    from corecli.errors import visible
    from corecli.player import counts
    from corecli.units import format_duration

    count = len(routine.items)
    typer.echo(f"{visible(routine.name)}: {count} exercise{'s' if count != 1 else ''}")
    for segment in timeline:
        exercise = catalogue.get(segment.exercise) if segment.exercise else None
        name = visible(exercise.name) if exercise else ""
        detail = counts(segment)
        line = f"{segment.start_s // 60:3d}:{segment.start_s % 60:02d}  {segment.kind.value:<10}"
        line += f" {segment.duration_s:>4} s  {name}" + (f" · {detail}" if detail else "")
        typer.echo(line.rstrip())
    total = timeline[-1].start_s
    typer.echo(f"Total: {format_duration(total)} ({total} s)")


def _play(
    timeline: list[Segment],
    routine: Routine,
    catalogue: Catalogue,
    sound: bool,
    voice: bool,
    plain: bool,
    self_paced: bool,
    speed: float,
) -> None:
    import sys

    from corecli.keys import NoKeys, RawKeys, Terminated, sigterm_raises
    from corecli.player import LiveScreen, PlainScreen, Script, Sound, play, summary_lines

    script = Script.for_routine(routine, catalogue)
    interactive = sys.stdin.isatty()
    if self_paced and not interactive:
        raise UsageProblem("--self-paced waits for the space bar, so it needs a keyboard")
    console = _console()
    from corecli.views import literal  # now, so the summary is not delayed at the end

    full_screen = not plain and sys.stdout.isatty() and not console.is_dumb_terminal
    bell_stream = sys.stdout if sound and full_screen else None
    notices = lambda text: typer.echo(text, err=True)  # noqa: E731
    chime = Sound(bell_stream, voice=voice, notice=notices)
    exit_code = 0
    with contextlib.ExitStack() as stack:
        stack.enter_context(sigterm_raises())
        keys = stack.enter_context(RawKeys()) if interactive else NoKeys()
        screen = (
            LiveScreen(console, script)
            if full_screen
            else PlainScreen(sys.stdout, script, self_paced=self_paced)
        )
        try:
            record = play(
                timeline, script, screen, keys, sound=chime, speed=speed, self_paced=self_paced
            )
        except KeyboardInterrupt as error:
            record, exit_code = error.record, 130  # type: ignore[attr-defined]
        except Terminated as error:
            record, exit_code = error.record, 143  # type: ignore[attr-defined]
    for line in summary_lines(record, script):
        console.print(literal(line))
    if exit_code:
        raise typer.Exit(exit_code)


class SchemaName(StrEnum):
    routine = "routine"
    catalog = "catalog"


@app.command()
def schema(
    which: Annotated[
        SchemaName, typer.Argument(metavar="routine|catalog", help="Which file format.")
    ],
) -> None:
    """Print the JSON Schema of a routine or catalogue file, for editors that validate TOML.

    Example: corecli schema routine > routine.schema.json
    """
    from corecli.models import CatalogueFile, Routine

    model = Routine if which is SchemaName.routine else CatalogueFile
    _print_json(model.model_json_schema())


def _plan_request(
    phase: Phase | None,
    minutes: int | None,
    equipment: list[EquipmentChoice] | None,
    condition: PlanCondition | None,
    level: Level | None,
    include: list[str] | None,
    exclude: list[str] | None,
    seed: int | None,
) -> PlanRequest:
    from corecli.planner import PlanRequest

    return PlanRequest(
        phase=phase or Phase.acute,
        minutes=minutes,
        equipment=frozenset({Equipment.mat} if equipment is None else _equipment(equipment)),
        condition=condition or PlanCondition.general,
        max_level=level,
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        seed=seed,
    )


def _equipment(choices: list[EquipmentChoice]) -> set[Equipment]:
    return {Equipment(choice.value) for choice in choices if choice is not EquipmentChoice.none}


def _print_routine(routine: Routine, catalogue: Catalogue, output_format: RoutineFormat) -> None:
    from corecli.routines import estimate_s

    estimated = estimate_s(routine)
    routine = routine.model_copy(update={"estimated_s": estimated})  # hand edits change it
    if output_format is RoutineFormat.json:
        _print_json(routine.model_dump(mode="json"))
    elif output_format is RoutineFormat.toml:
        from corecli.routines import routine_toml

        typer.echo(routine_toml(routine), nl=False)
    elif output_format is RoutineFormat.markdown:
        from corecli.sheet import routine_markdown

        typer.echo(routine_markdown(routine, catalogue, estimated), nl=False)
    else:
        from corecli.views import routine_view

        _console().print(routine_view(routine, catalogue, estimated))


def _write_bytes(data: bytes) -> None:
    """Write UTF-8 output as is (typer.echo would scan megabytes of JSON for colour codes)."""
    import sys

    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _print_json(data: object) -> None:
    import json

    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def main() -> None:
    """Entry point of the ``corecli`` console script."""
    app()
