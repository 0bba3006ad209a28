"""The corecli command line: parse options, call the core, render the result.

Only Typer and the vocabularies are imported at start-up; pydantic models,
Rich renderers and file handling are imported inside the commands that use
them, so ``corecli --help`` starts as fast as a bare Typer app.
"""

from __future__ import annotations

import contextlib
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple, NoReturn

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
    from collections.abc import Iterator
    from datetime import date

    from rich.console import Console

    from corecli.catalogue import Catalogue
    from corecli.config import Config
    from corecli.history import History, SessionLog
    from corecli.models import Routine
    from corecli.planner import PlanRequest
    from corecli.progress import Guidance
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


def _number(metavar: str, low: int, high: int, text: str) -> Any:
    """A whole-number option from ``low`` to ``high`` with no default shown."""
    return typer.Option(min=low, max=high, metavar=metavar, show_default=False, help=text)


def _day_option(text: str) -> Any:
    """A DATE option, read by :func:`_parse_day`."""
    return typer.Option(metavar="DATE", show_default=False, help=text)


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

    # No :emoji: codes in our text; skipping them spares Rich a 2 ms table import.
    return Console(highlight=False, emoji=False)


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
    _choice(
        "PHASE",
        Phase,
        "Stage of recovery (default: from your history; acute to start)",
        repeatable=False,
    ),
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

    catalogue = _catalogue(catalog)
    with _recorded_history() as history:
        guidance = _guidance(history, catalogue, phase, include)
    config = _config()
    request = _plan_request(
        config, guidance, minutes, equipment, condition, level, include, exclude, seed
    )
    request = replace(request, name=name)
    routine = _plan(catalogue, request, _from_config(config, minutes, equipment, condition, level))
    if output is not None:
        from corecli.routines import save_routine

        save_routine(routine, output, force=force)
    _tell(guidance.lines)
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
        int | None, _number("S", 0, 120, "Seconds to get ready at the start (default: 5).")
    ] = None,
    transition: Annotated[
        int | None, _number("S", 0, 120, "Seconds to get into each position (default: 10).")
    ] = None,
    sound: Annotated[
        bool | None,
        typer.Option(
            "--sound/--no-sound",
            show_default=False,
            help="Bell at each change, beeps for the last 3 s (default: on).",
        ),
    ] = None,
    voice: Annotated[
        bool | None,
        typer.Option(
            "--voice/--no-voice",
            show_default=False,
            help="Speak names, sides and rests (espeak-ng, spd-say, say).",
        ),
    ] = None,
    pain_before: Annotated[int | None, _number("N", 0, 10, "Pain now, 0-10 (else asked).")] = None,
    pain_after: Annotated[
        int | None, _number("N", 0, 10, "Pain at the end, 0-10 (else asked).")
    ] = None,
    no_check_in: Annotated[
        bool,
        typer.Option("--no-check-in", help="Ask no pain questions; the session gets no light."),
    ] = False,
    screened: Annotated[
        bool,
        typer.Option(
            "--screened",
            help="I have read the safety screen (corecli screen --list) and none of it applies.",
        ),
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

    Without a routine or --phase, the phase comes from your history. Asks for pain
    (0-10) before and after, and a weekly safety screen; the session is saved as it goes.

    Example: corecli run today.toml
    """
    from datetime import date

    from corecli.timeline import TimedItem, TimelineSettings, build_timeline

    config = _config()
    catalogue = _catalogue(catalog)
    planning = (minutes, equipment, condition, level, include, exclude, seed)
    if routine_file is not None or exercise is not None:
        if routine_file is not None and exercise is not None:
            raise UsageProblem("give a routine file or --exercise, not both")
        if phase is not None or any(option is not None for option in planning):
            raise UsageProblem(
                "planning options (--phase, --minutes …) make a new plan; they do not go with"
                " a routine file or --exercise"
            )
    if no_check_in and (pain_before is not None or pain_after is not None):
        raise UsageProblem("--no-check-in asks no pain questions; drop it or the pain options")
    settings = TimelineSettings(
        prep_s=config.prep if prep is None else prep,
        transition_s=config.transition if transition is None else transition,
    )
    with _history_for_session() as (history, history_problem):
        if routine_file is None and exercise is None:
            from dataclasses import replace

            guidance = _guidance(history, catalogue, phase, include)
            request = _plan_request(config, guidance, *planning)
            request = replace(request, settings=settings)
            routine = _plan(catalogue, request, _from_config(config, *planning[:4]))
            _tell(guidance.lines)
        else:
            if routine_file is not None:
                from corecli.routines import load_routine

                routine = load_routine(routine_file, catalogue)
            else:
                from corecli.planner import single_exercise_routine

                routine = single_exercise_routine(catalogue.find(exercise or ""), date.today())
            if history is not None:
                _warn_flagged(history, routine)
        timeline = build_timeline([TimedItem(i.exercise, i) for i in routine.items], settings)
        if dry_run:
            _print_timeline(timeline, routine, catalogue)
            return
        _safety_screen(history, screened=screened)
        check_in = not no_check_in
        if pain_before is None and check_in:
            pain_before = _ask_pain("now")
        from corecli.history import SessionLog

        log = SessionLog(history, history_problem)
        _play(
            timeline,
            routine,
            catalogue,
            log,
            _Checkin(pain_before, pain_after, asking=check_in),
            sound=config.sound if sound is None else sound,
            voice=config.voice if voice is None else voice,
            plain=plain,
            self_paced=self_paced,
            speed=speed,
        )


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


class _Checkin(NamedTuple):
    """The pain scores given as options, and whether to ask for the missing ones."""

    before: int | None
    after: int | None
    asking: bool


def _play(
    timeline: list[Segment],
    routine: Routine,
    catalogue: Catalogue,
    log: SessionLog,
    pain: _Checkin,
    *,
    sound: bool,
    voice: bool,
    plain: bool,
    self_paced: bool,
    speed: float,
) -> None:
    import gc
    import sys

    from corecli.keys import NoKeys, RawKeys, Terminated, sigterm_raises
    from corecli.player import (
        LiveScreen,
        PlainScreen,
        Script,
        Sound,
        play,
        summary_lines,
    )
    from corecli.progress import LIGHT_ADVICE, traffic_light
    from corecli.vocab import Ending

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
    # Off for quick commands (see __main__.py); a session runs for minutes. Freezing
    # first keeps everything made so far out of the collector's sweeps.
    gc.freeze()
    gc.enable()
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
                timeline,
                script,
                screen,
                keys,
                sound=chime,
                speed=speed,
                self_paced=self_paced,
                on_start=lambda record: log.begin(record, pain.before),
                on_item=log.item,
            )
        except KeyboardInterrupt as error:
            record, exit_code = error.record, 130  # type: ignore[attr-defined]
        except Terminated as error:
            record, exit_code = error.record, 143  # type: ignore[attr-defined]
    light = traffic_light(pain.before, pain.after)
    log.end(record, pain.after, light)
    for line in summary_lines(record, script, saved=log.saved):
        console.print(literal(line))
    asked = pain.asking and pain.after is None and record.ending in (Ending.finished, Ending.quit)
    if asked and not exit_code:
        after = _ask_pain("now, at the end")
        light = traffic_light(pain.before, after)
        log.pain_after(after, light)
    if light is not None:
        from rich.text import Text

        from corecli.report import LIGHT_STYLE

        console.print(Text(LIGHT_ADVICE[light], style=LIGHT_STYLE[light]), soft_wrap=plain)
    if log.problem:
        typer.echo(f"History not saved: {log.problem}", err=True)
    if exit_code:
        raise typer.Exit(exit_code)


# --- History, check-ins and the safety screen -------------------------------------------


def _config() -> Config:
    from corecli.config import load_config
    from corecli.home import corecli_home

    return load_config(corecli_home())


@contextlib.contextmanager
def _recorded_history() -> Iterator[History | None]:
    """The history, or None if nothing was ever recorded (no SQLite needed then)."""
    from corecli.home import corecli_home, history_path

    if not history_path(corecli_home()).exists():
        yield None
        return
    with _history() as history:
        yield history


@contextlib.contextmanager
def _history(*, create: bool = False) -> Iterator[History]:
    """The history; unless ``create``, an empty one (and no file) if nothing was recorded."""
    from corecli.history import History
    from corecli.home import corecli_home, history_path

    history = History.open(history_path(corecli_home()), create=create)
    try:
        yield history
    finally:
        history.close()


@contextlib.contextmanager
def _history_for_session() -> Iterator[tuple[History | None, str | None]]:
    """The history a session writes to, or None and why when it cannot be written.

    A damaged file stops the command (it needs a person's decision); a folder or
    disk that cannot be written only means this session is not saved.
    """
    from corecli.history import History, HistoryProblem
    from corecli.home import corecli_home, history_path

    try:
        history = History.open(history_path(corecli_home()))
    except HistoryProblem as problem:
        if problem.damaged:
            raise
        yield None, str(problem)
        return
    try:
        yield history, None
    finally:
        history.close()


def _guidance(
    history: History | None, catalogue: Catalogue, phase: Phase | None, include: list[str] | None
) -> Guidance:
    """The phase and the left-out exercises for a new plan, read from the history."""
    from corecli.progress import PastSession, plan_guidance

    if history is None:  # nothing recorded yet, or nothing that can be read
        return plan_guidance([], [], phase=phase)
    sessions = []
    if phase is None:  # the last 200 sessions are plenty for the phase rules
        sessions = [
            PastSession(row.started.date(), row.phase, row.light, row.completed)
            for row in reversed(history.sessions(limit=200))
        ]
    flags = [
        (flag.exercise, flag.since)
        for flag in history.flags()
        if flag.exercise in catalogue and flag.exercise not in (include or ())
    ]
    return plan_guidance(sessions, flags, phase=phase)


def _warn_flagged(history: History, routine: Routine) -> None:
    """A routine chosen by hand may hold exercises the person said hurt: remind them."""
    from corecli.errors import visible
    from corecli.units import format_day

    planned = {item.exercise for item in routine.items}
    for flag in history.flags():
        if flag.exercise in planned:
            typer.echo(
                f"Note: you marked {visible(flag.exercise)} as hurting on"
                f" {format_day(flag.since)}. Stop it if it hurts again.",
                err=True,
            )


def _tell(lines: list[str]) -> None:
    for line in lines:
        typer.echo(line, err=True)


@contextlib.contextmanager
def _asking() -> Iterator[None]:
    """Ctrl-C or end of input at a question cancels the command (exit 130), SIGTERM too (143)."""
    from corecli.keys import Terminated, sigterm_raises

    try:
        with sigterm_raises():
            yield
    except (KeyboardInterrupt, EOFError):
        typer.echo("\nCancelled.", err=True)
        raise typer.Exit(130) from None
    except Terminated:
        typer.echo("\nCancelled by a signal.", err=True)
        raise typer.Exit(143) from None


def _ask_pain(when: str) -> int | None:
    import sys

    if not sys.stdin.isatty():
        return None
    from corecli.prompts import ask_pain

    with _asking():
        return ask_pain(when, say=typer.echo)


def _safety_screen(history: History | None, *, screened: bool, always: bool = False) -> None:
    """Ask the red-flag questions when due; stop with advice after any "yes"."""
    import sys
    from datetime import datetime

    from corecli.history import HistoryProblem
    from corecli.safety import advice_for, all_clear, screen_due

    now = datetime.now()
    if not always and not screen_due(history.last_screening() if history else None, now):
        return
    if screened:
        answers = all_clear()
    elif sys.stdin.isatty():
        from corecli.prompts import ask_screen

        with _asking():
            answers = ask_screen(say=typer.echo)
    else:
        raise UsageProblem(
            "the weekly safety screen needs answers and there is no terminal to ask them:"
            + (
                " add --screened if you have read the questions above and none apply"
                if always
                else " run corecli screen, or add --screened if you have read its questions"
                " (corecli screen --list) and none apply"
            )
        )
    if history is not None:
        with contextlib.suppress(HistoryProblem):
            history.add_screening(now, answers)
    advice = advice_for(answers)
    if advice is not None:
        from rich.text import Text

        _console().print(Text(advice, style="bold"))
        raise typer.Exit(1)
    if always:
        typer.echo("None of these: you can exercise. corecli asks again in a week.")


@app.command()
def screen(
    screened: Annotated[
        bool,
        typer.Option("--screened", help="I have read the questions and none of them applies."),
    ] = False,
    show_list: Annotated[
        bool, typer.Option("--list", help="Print the questions and what each means, then stop.")
    ] = False,
) -> None:
    """Answer the safety screen: signs that back pain needs a doctor before exercise.

    corecli run asks it before the first session and then weekly. Any "yes" means
    get medical advice first; the first three signs need emergency care.

    Example: corecli screen
    """
    import sys

    from corecli.safety import RED_FLAGS

    if show_list or (not screened and not sys.stdin.isatty()):
        for number, flag in enumerate(RED_FLAGS, 1):
            urgent = "  (emergency care)" if flag.emergency else ""
            typer.echo(f"{number}. {flag.question}{urgent}")
        if show_list:
            return
    with _history_for_session() as (history, problem):
        _safety_screen(history, screened=screened, always=True)
    if problem:
        typer.echo(f"Answers not saved: {problem}", err=True)


@app.command()
def checkin(
    pain: Annotated[
        int,
        typer.Argument(
            min=0, max=10, metavar="PAIN", help="Pain this morning, 0 (none) to 10 (worst)."
        ),
    ],
) -> None:
    """Record this morning's pain for your last session; it can turn its light red.

    Example: corecli checkin 2
    """
    from corecli.progress import LIGHT_ADVICE, traffic_light

    with _history() as history:
        latest = history.sessions(limit=1)
        if not latest:
            raise UsageProblem("there is no session to check in for yet; run one first")
        session = latest[0]
        light = traffic_light(session.pain_before, session.pain_after, pain)
        history.check_in(session.id, pain, light)
    replaced = (
        f" (was {session.pain_next_day})"
        if session.pain_next_day is not None and session.pain_next_day != pain
        else ""
    )
    typer.echo(
        f"Recorded pain {pain}{replaced} the morning after the session of"
        f" {session.started:%a %d %b}."
    )
    if light is not None:
        typer.echo(LIGHT_ADVICE[light])


@app.command()
def walk(
    minutes: Annotated[
        int, typer.Argument(min=1, max=600, metavar="MINUTES", help="How long you walked.")
    ],
    on: Annotated[
        str | None, _day_option("Day of the walk: YYYY-MM-DD, yesterday, 3d (default: today).")
    ] = None,
) -> None:
    """Log a walk. Walking is the sources' everyday exercise: build up to 150 minutes a week.

    Example: corecli walk 20
    """
    from datetime import date, datetime

    from corecli.progress import walking_goals, week_start

    today = date.today()
    day = _parse_day(on, "--on") if on is not None else today
    if day > today:
        raise UsageProblem(f"--on {day} is in the future")
    moment = datetime.now() if day == today else datetime.combine(day, datetime.min.time())
    with _history(create=True) as history:
        history.add_walk(moment, minutes)
        by_week = history.walk_minutes_by_week()
    week = week_start(day)
    goal = walking_goals(by_week, day)[week]
    typer.echo(
        f"Logged a {minutes}-minute walk. Week of {week:%d %b}: {by_week.get(week, 0)}"
        f" of {goal} minutes walked."
    )


@app.command()
def unflag(
    name: Annotated[
        list[str], typer.Argument(help="Id, name or alias of the exercise.", show_default=False)
    ],
    catalog: CatalogOption = None,
) -> None:
    """Plan an exercise again that you marked with x ("this hurts") in a session.

    Example: corecli unflag bird-dog
    """
    from corecli.errors import UnknownExercise, visible

    query = " ".join(name)
    try:
        exercise_id = _catalogue(catalog).find(query).id
    except UnknownExercise:
        exercise_id = query  # flags of exercises no longer in the catalogue
    with _history() as history:
        if not history.unflag(exercise_id):
            flagged = ", ".join(flag.exercise for flag in history.flags()) or "none"
            raise CorecliError(f"{visible(exercise_id)} is not flagged (flagged: {flagged})")
    typer.echo(f"{visible(exercise_id)} will be planned again. Stop it if it hurts.")


def _parse_day(text: str, option: str) -> date:
    """``YYYY-MM-DD``, ``today``, ``yesterday``, or ``Nd`` / ``Nw`` days or weeks ago."""
    from datetime import date, timedelta

    text = text.strip().lower()
    named = {"today": 0, "yesterday": 1}
    if text in named:
        return date.today() - timedelta(days=named[text])
    units = {"d": 1, "w": 7}
    if len(text) > 1 and text[-1] in units and text[:-1].isdigit() and int(text[:-1]) < 100_000:
        return date.today() - timedelta(days=int(text[:-1]) * units[text[-1]])
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageProblem(
            f"{option} takes a date such as 2026-11-01, today, yesterday, or 30d / 4w for"
            f" days or weeks ago, not {text!r}"
        ) from None


@app.command()
def history(
    since: Annotated[
        str | None, _day_option("From this day on: YYYY-MM-DD, today, yesterday, or 30d / 4w ago.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            metavar="N",
            show_default=False,
            help="At most N sessions, newest first (default for a table: 20).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, every session.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV, every session.")] = False,
) -> None:
    """List past sessions: date, routine, phase, time, exercises done, pain, light.

    Example: corecli history --since 30d --csv > sessions.csv
    """
    if as_json and as_csv:
        raise UsageProblem("choose --json or --csv, not both")
    day = _parse_day(since, "--since") if since is not None else None
    table = not (as_json or as_csv)
    shown = limit if limit is not None else (20 if table and day is None else None)
    with _history() as store:
        rows = store.sessions(since=day, limit=shown)
        total = store.session_count() if table else 0
        walked = store.walk_minutes_by_week() if table else {}
    if as_json:
        import json

        from corecli.report import session_record

        typer.echo(json.dumps([session_record(row) for row in rows], indent=2))
        return
    if as_csv:
        from corecli.report import sessions_csv

        _write_bytes(sessions_csv(rows).encode())
        return
    if not rows:
        typer.echo(
            "No sessions yet. Start one with: corecli run"
            if not total
            else "No sessions in that time."
        )
    else:
        from corecli.report import history_table

        console = _console()
        console.print(history_table(rows))
        footer = f"{len(rows)} of {total} sessions"
        if len(rows) < total and limit is None and day is None:
            footer += " · more with --limit N or --since DATE"
        console.print(footer, style="dim")
    if walked:
        typer.echo(_walking_line(walked))


def _walking_line(walked: dict[date, int]) -> str:
    """``Walking this week: 40 of 75 minutes (goal: 150 a week, five walks of 30).``"""
    from datetime import date

    from corecli.progress import WALK_GOAL_MAX, walking_goals, week_start

    today = date.today()
    this_week = week_start(today)
    goal = walking_goals(walked, today)[this_week]
    line = f"Walking this week: {walked.get(this_week, 0)} of {goal} minutes"
    return line if goal == WALK_GOAL_MAX else f"{line} (building up to {WALK_GOAL_MAX} a week)"


@app.command()
def stats() -> None:
    """Your streak, sessions per week, pain trend, walking and the exercises that trouble you.

    Example: corecli stats
    """
    from datetime import date

    from corecli.progress import WALK_GOAL_START, streak, walking_goals, weeks_back
    from corecli.report import Stats, stats_view
    from corecli.vocab import Outcome

    today = date.today()
    weeks = weeks_back(today, 8)
    with _history() as store:
        walked = store.walk_minutes_by_week()
        goals = walking_goals(walked, today)
        figures = Stats(
            sessions=store.session_count(),
            streak_days=streak(store.session_days(), today),
            per_week=store.sessions_by_week(weeks),
            pain_after=[
                row.pain_after
                for row in reversed(store.sessions(limit=40))
                if row.pain_after is not None
            ],
            walking={w: (walked.get(w, 0), goals.get(w, WALK_GOAL_START)) for w in weeks},
            skipped=store.outcome_counts(Outcome.skipped),
            hurt=store.outcome_counts(Outcome.hurt),
            flagged=[flag.exercise for flag in store.flags()],
        )
    names = {}
    with contextlib.suppress(CorecliError):
        names = {e.id: e.name for e in _catalogue(None)}
    _console().print(stats_view(figures, names))


config_app = typer.Typer(
    cls=CorecliGroup,
    help="Show or change your defaults (config.toml); command-line options override them.",
    no_args_is_help=True,
    rich_markup_mode="markdown",
)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show() -> None:
    """Show every setting, its value and where it comes from.

    Example: corecli config show
    """
    from corecli.config import config_path, describe_settings
    from corecli.home import corecli_home

    settings = describe_settings(_config())
    width = max(len(setting.value) for setting in settings)
    for setting in settings:
        typer.echo(f"{setting.key:<11} {setting.value:<{width}}  ({setting.source})")
    typer.echo(f"File: {config_path(corecli_home())}")


@config_app.command("set")
def config_set(
    key: Annotated[str, typer.Argument(help="prep, transition, sound, voice, equipment, …")],
    value: Annotated[str, typer.Argument(help="The new value, e.g. 20, true, mat,strap, disc.")],
) -> None:
    """Change one setting.

    Example: corecli config set equipment mat,strap
    """
    from corecli.config import check_key, describe_settings, set_value
    from corecli.home import corecli_home

    config = set_value(corecli_home(), key, value)
    shown = next(s for s in describe_settings(config) if s.key == check_key(key))
    typer.echo(f"{shown.key} = {shown.value}")


@config_app.command("unset")
def config_unset(
    key: Annotated[str, typer.Argument(help="The setting to return to its default.")],
) -> None:
    """Return one setting to its built-in default.

    Example: corecli config unset minutes
    """
    from corecli.config import check_key, describe_settings, unset_value
    from corecli.home import corecli_home

    config = unset_value(corecli_home(), key)
    shown = next(s for s in describe_settings(config) if s.key == check_key(key))
    typer.echo(f"{shown.key} is back to its default: {shown.value}")


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
    config: Config,
    guidance: Guidance,
    minutes: int | None,
    equipment: list[EquipmentChoice] | None,
    condition: PlanCondition | None,
    level: Level | None,
    include: list[str] | None,
    exclude: list[str] | None,
    seed: int | None,
) -> PlanRequest:
    """Options first, then config.toml, then the planner's defaults."""
    from corecli.planner import PlanRequest

    if equipment is not None:
        have = _equipment(equipment)
    elif config.equipment is not None:
        have = set(config.equipment)
    else:
        have = {Equipment.mat}
    return PlanRequest(
        phase=guidance.phase,
        minutes=config.minutes if minutes is None else minutes,
        equipment=frozenset(have),
        condition=condition or config.condition or PlanCondition.general,
        max_level=level or config.level,
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        flagged=guidance.flagged,
        seed=seed,
    )


def _from_config(
    config: Config,
    minutes: int | None,
    equipment: list[EquipmentChoice] | None,
    condition: PlanCondition | None,
    level: Level | None,
) -> list[str]:
    """The planning settings that come from config.toml, not from options."""
    given = {"minutes": minutes, "equipment": equipment, "condition": condition, "level": level}
    return [
        key for key, value in given.items() if value is None and getattr(config, key) is not None
    ]


def _plan(catalogue: Catalogue, request: PlanRequest, from_config: list[str]) -> Routine:
    """plan_routine, with a refusal saying which settings came from config.toml."""
    from datetime import date

    from corecli.errors import PlanProblem
    from corecli.planner import plan_routine

    try:
        return plan_routine(catalogue, request, date.today())
    except PlanProblem as problem:
        if not from_config:
            raise
        settings = " and ".join(from_config)
        raise PlanProblem(
            f"{problem} ({settings} from config.toml: see corecli config show)"
        ) from None


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
