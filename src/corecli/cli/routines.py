"""Commands that make and follow routines: plan, view, run.

The planner, the player and the views are imported inside each command: they
need pydantic and Rich, which ``corecli --help`` does not.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NamedTuple, TypeVar

import typer

from corecli.cli import folder
from corecli.cli.context import Context, current
from corecli.cli.options import (
    CatalogOption,
    ConditionsOption,
    EquipmentChoice,
    EquipmentOption,
    ExcludeOption,
    FloorOption,
    ForceOption,
    FormatOption,
    IncludeOption,
    LegsOption,
    LevelOption,
    MinutesOption,
    OutputOption,
    PhaseOption,
    RoutineFormat,
    SeedOption,
    command,
    command_group,
    conditions_of,
    equipment_set,
    number,
)
from corecli.cli.output import print_json, tell
from corecli.cli.setup import before_planning
from corecli.errors import UsageProblem
from corecli.vocab import Ending, Legs, Level, Phase, PlanCondition, SoundMode

if TYPE_CHECKING:
    from corecli.catalogue import Catalogue
    from corecli.models import Config, Exercise, Routine
    from corecli.planner import LeftOut, PlanOptions
    from corecli.programme import Progress
    from corecli.timeline import Segment
    from corecli.workout import Workout

app = command_group()
T = TypeVar("T")


@command(app)
def plan(
    ctx: typer.Context,
    phase: PhaseOption = None,
    minutes: MinutesOption = None,
    equipment: EquipmentOption = None,
    condition: ConditionsOption = None,
    level: LevelOption = None,
    floor: FloorOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    seed: SeedOption = None,
    name: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Name for the routine.", show_default=False)
    ] = None,
    output: OutputOption = None,
    force: ForceOption = False,
    output_format: FormatOption = RoutineFormat.table,
    catalog: CatalogOption = None,
) -> None:
    """Plan a routine for your phase, time, equipment and condition.

    Follows the sources' rules: stretching only while pain is acute; later, as much
    stretching as strengthening, each abdominal exercise balanced by one for the back.
    Opens with gentle mobility and keeps floor and standing work together. With
    --format json it also lists what your options and condition left out, and why.

    Example: corecli plan --phase recovery --minutes 20 -o ~/back/today.toml
    """
    from corecli.cli.setup import before_planning
    from corecli.planner import left_out, plan_next

    context = current(ctx)
    options = plan_options(
        phase, minutes, equipment, condition, level, floor, include, exclude, seed
    )._replace(name=name)
    catalogue, config = folder.catalogue(context, catalog), folder.settings(context)
    later = before_planning(context) + folder.review(context)
    progress = folder.progress(context)
    planned = plan_next(catalogue, options, config, progress, context.today)
    if output is not None:
        from corecli.store.routine_files import save_routine

        save_routine(planned.routine, output, force=force)
    tell(planned.notes)
    as_json = output_format is RoutineFormat.json
    kept_out = left_out(catalogue, planned.request) if as_json else None  # only JSON lists it
    print_routine(context, planned.routine, catalogue, output_format, kept_out)
    if output is not None:
        tell([f"Saved to {output}. Look at it again with: corecli view {output}"])
    tell(later)


@command(app)
def flare(
    ctx: typer.Context,
    minutes: Annotated[
        int | None, number("N", 5, 15, "Time you have, 5-15 minutes (default: 10).")
    ] = None,
    equipment: EquipmentOption = None,
    condition: ConditionsOption = None,
    floor: FloorOption = None,
    seed: SeedOption = None,
    output: OutputOption = None,
    force: ForceOption = False,
    output_format: FormatOption = RoutineFormat.table,
    catalog: CatalogOption = None,
) -> None:
    """Plan a flare-up day: a short, gentle routine and what to do next.

    Stretching and gentle mobility only, mostly lying down in positions that suit
    your condition, at most 15 minutes, with advice for the next days and when to
    get help. Your programme notes the flare-up and takes you back to its base
    dose; green sessions then climb back to where you were.

    Example: corecli flare -o bad-day.toml && corecli run bad-day.toml
    """
    from corecli.planner import flare_plan
    from corecli.store.routine_files import save_routine

    context = current(ctx)
    options = plan_options(None, minutes, equipment, condition, None, floor, None, None, seed)
    catalogue, config = folder.catalogue(context, catalog), folder.settings(context)
    planned = flare_plan(catalogue, options, config, folder.progress(context), context.today)
    if output is not None:
        save_routine(planned.routine, output, force=force)
    noted = folder.note_flare(context)
    tell([*planned.notes, *noted])
    print_routine(context, planned.routine, catalogue, output_format)
    if output is not None:
        tell([f"Saved to {output}. Follow it with: corecli run {output}"])


@command(app)
def view(
    ctx: typer.Context,
    routine_file: Annotated[
        Path, typer.Argument(metavar="FILE", help="A routine saved by corecli plan.")
    ],
    output_format: FormatOption = RoutineFormat.table,
    catalog: CatalogOption = None,
) -> None:
    """Check and show a saved routine, hand edits included.

    Example: corecli view ~/back/today.toml --format markdown > sheet.md
    """
    from corecli.store.routine_files import load_routine

    context = current(ctx)
    catalogue = folder.catalogue(context, catalog)
    print_routine(context, load_routine(routine_file, catalogue), catalogue, output_format)


@command(app)
def run(
    ctx: typer.Context,
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
    equipment: EquipmentOption = None,
    condition: ConditionsOption = None,
    level: LevelOption = None,
    floor: FloorOption = None,
    include: IncludeOption = None,
    exclude: ExcludeOption = None,
    seed: SeedOption = None,
    prep: Annotated[
        int | None, number("S", 0, 120, "Seconds to get ready at the start (default: 10).")
    ] = None,
    transition: Annotated[
        int | None, number("S", 0, 120, "Seconds to get into each position (default: 10).")
    ] = None,
    sound: Annotated[
        SoundMode | None,
        typer.Option(
            "--sound",
            metavar="MODE",
            show_default=False,
            help="tones: a distinct sound for each change, the last 3 s and halfway"
            " (the bell when no player is found); bell; or off (default: tones).",
        ),
    ] = None,
    wait: Annotated[
        bool,
        typer.Option(
            "--wait/--no-wait",
            help="Wait for space, once you are on the mat, before the get-ready countdown"
            " (default: wait).",
        ),
    ] = True,
    no_sound: Annotated[
        bool, typer.Option("--no-sound", help="No sound at all: the same as --sound off.")
    ] = False,
    voice: Annotated[
        bool | None,
        typer.Option(
            "--voice/--no-voice",
            show_default=False,
            help="A voice coach: steps, hold and relax, sides, reps counted, time left"
            " (espeak-ng, spd-say or say; default: off).",
        ),
    ] = None,
    pain_before: Annotated[int | None, number("N", 0, 10, "Pain now, 0-10 (else asked).")] = None,
    pain_after: Annotated[
        int | None, number("N", 0, 10, "Pain at the end, 0-10 (else asked).")
    ] = None,
    no_check_in: Annotated[
        bool,
        typer.Option("--no-check-in", help="Ask no pain questions; the session gets no light."),
    ] = False,
    screened: Annotated[
        bool,
        typer.Option(
            "--screened",
            help="I have read the safety screen (corecli screen --list) and none of it"
            " applies, beyond what a clinician has cleared.",
        ),
    ] = False,
    plain: Annotated[
        bool | None,
        typer.Option(
            "--plain/--no-plain",
            show_default=False,
            help="One line per step, no full screen (for logs, readers; default: off).",
        ),
    ] = None,
    self_paced: Annotated[
        bool, typer.Option("--self-paced", help="Moving reps wait for space instead of a tempo.")
    ] = False,
    speed: Annotated[
        float,
        typer.Option(
            min=0.01, max=1000.0, metavar="X", help="Run the clock X times faster (default: 1)."
        ),
    ] = 1.0,
    legs: Annotated[Legs | None, LegsOption] = None,
    practice: Annotated[
        bool,
        typer.Option("--practice", help="A try-out: saved, but it does not move your programme."),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Print the timeline with start times, then stop.")
    ] = False,
    long: Annotated[
        bool, typer.Option("--long", help="Run a routine that takes more than two hours.")
    ] = False,
    catalog: CatalogOption = None,
) -> None:
    """Follow a routine with a timer: holds, reps, sides and rests.

    Keys: space pause · n next · b back · s skip · x this hurts · i steps · q quit · ? help.

    Without a routine, it plans today's session from your programme. Asks for pain
    (0-10) before and after, and a weekly safety screen; the session is saved as it goes.
    Only a full session of your programme's plan moves it on: --exercise, --phase,
    --practice and routines made for another phase do not.

    Example: corecli run today.toml
    """
    context = current(ctx)
    options = plan_options(
        phase, minutes, equipment, condition, level, floor, include, exclude, seed
    )
    check_run(routine_file, exercise, options, no_check_in, pain_before, pain_after, legs)
    config, catalogue = folder.settings(context), folder.catalogue(context, catalog)
    if exercise is not None and not dry_run and is_walk(catalogue.find(exercise)):
        return walk_instead(context, catalogue.find(exercise))
    planning = not dry_run and routine_file is None and exercise is None
    later = before_planning(context) if planning else []
    progress = progress_before_playing(context)
    routine, timeline = routine_to_run(
        context, catalogue, config, progress, routine_file, exercise, options, prep, transition
    )
    if dry_run:
        return print_timeline(timeline, routine, catalogue)
    confirm_long(timeline, long)
    from corecli.cli.terminal import EXIT_CODES, play_workout  # only for a session

    with folder.session_log(context) as log:
        aside = not_counted(routine, progress, routine_file, exercise, options, practice)
        told = Told(
            pain_before, pain_after, not no_check_in, screened, self_paced, speed, legs, wait
        )
        workout = build_workout(timeline, routine, catalogue, config, aside, told)
        shown = Shown.chosen(config, plain, SoundMode.off if no_sound else sound, voice)
        result = play_workout(context, workout, log, **shown._asdict())
    tell(later)
    raise typer.Exit(1 if result.advice else EXIT_CODES.get(result.ending or Ending.finished, 0))


def progress_before_playing(context: Context) -> Progress:
    """What the session's plan depends on, looked at without making the history: a dry
    run, or a routine refused as too long, leaves no file behind. A history that cannot
    be read gives none, as a session goes on without one."""
    with folder.session_log(context, create=False) as looking:
        return looking.progress(context.today)


LONG_S = 2 * 3600  # a routine longer than this is most likely a mistake in a hand edit


def confirm_long(timeline: list[Segment], given: bool) -> None:
    """A routine over two hours runs only with --long, or a yes at the terminal."""
    import sys

    from corecli.text import format_duration

    length = sum(segment.duration_s for segment in timeline)
    if length <= LONG_S or given:
        return
    if sys.stdin.isatty() and sys.stdout.isatty():
        from corecli.cli.terminal import asking  # Ctrl-C here ends as at every question
        from corecli.prompts import ask_yes_no

        with asking():
            if ask_yes_no(f"This routine takes {format_duration(length)}. Run it?"):
                return
        raise typer.Exit(1)
    raise UsageProblem(
        f"this routine takes {format_duration(length)}, more than two hours; check its doses,"
        " or add --long to run it as it is"
    )


def is_walk(exercise: Exercise) -> bool:
    from corecli.vocab import Kind

    return exercise.kind is Kind.aerobic


def walk_instead(context: Context, exercise: Exercise) -> None:
    """``run --exercise walking``: a walk on the timer, logged as a walk."""
    from corecli.cli.tracking import walk_now

    minutes = max(1, exercise.dose.hold_s // 60)
    tell([f"{exercise.name} is logged as a walk (corecli walk {minutes} --timer does this too)."])
    walk_now(context, exercise, minutes)


def check_run(
    routine_file: Path | None,
    exercise: str | None,
    options: PlanOptions,
    no_check_in: bool,
    pain_before: int | None,
    pain_after: int | None,
    legs: Legs | None = None,
) -> None:
    """Refuse the options of ``run`` that cannot go together, before anything is read."""
    if routine_file is not None and exercise is not None:
        raise UsageProblem("give a routine file or --exercise, not both")
    if (routine_file is not None or exercise is not None) and options.given():
        raise UsageProblem(
            "planning options (--phase, --minutes …) make a new plan; they do not go with"
            " a routine file or --exercise"
        )
    if no_check_in and (pain_before is not None or pain_after is not None):
        raise UsageProblem("--no-check-in asks no pain questions; drop it or the pain options")
    if no_check_in and legs is not None:
        raise UsageProblem("--no-check-in asks no questions; drop it or --legs")


def not_counted(
    routine: Routine,
    progress: Progress,
    routine_file: Path | None,
    exercise: str | None,
    options: PlanOptions,
    practice: bool,
) -> str | None:
    """Why a run will not move the programme, or None for a full session of its plan."""
    from corecli.programme import why_not_counted

    return why_not_counted(
        progress.standing,
        routine.phase,
        practice=practice,
        exercise=exercise is not None,
        phase_given=options.phase is not None,
        from_file=routine_file is not None,
    )


def routine_to_run(
    context: Context,
    catalogue: Catalogue,
    config: Config,
    progress: Progress,
    routine_file: Path | None,
    exercise: str | None,
    options: PlanOptions,
    prep: int | None,
    transition: int | None,
) -> tuple[Routine, list[Segment]]:
    """The routine ``run`` plays and its timeline: a saved file, one exercise, or a plan
    made now. A plan says why it has its phase; a routine chosen by hand is checked for
    exercises the person said hurt."""
    from corecli.planner import plan_next, single_exercise_routine
    from corecli.programme import flag_notes
    from corecli.store.routine_files import load_routine
    from corecli.timeline import TimelineSettings, build_timeline, routine_items

    timing = TimelineSettings(
        prep_s=given_or(prep, config.prep), transition_s=given_or(transition, config.transition)
    )
    if routine_file is None and exercise is None:
        planned = plan_next(catalogue, options, config, progress, context.today, timing)
        tell(planned.notes)
        routine = planned.routine
    else:
        if routine_file is not None:
            routine = load_routine(routine_file, catalogue)
        else:
            routine = single_exercise_routine(catalogue.find(exercise or ""), context.today)
        tell(flag_notes((item.exercise for item in routine.items), progress.flags))
    return routine, build_timeline(routine_items(routine, catalogue), timing)


def print_timeline(timeline: list[Segment], routine: Routine, catalogue: Catalogue) -> None:
    """``run --dry-run``: every segment with its start time, then the total."""
    from corecli.views.routine import timeline_lines

    typer.echo("\n".join(timeline_lines(timeline, routine, catalogue)))


class Shown(NamedTuple):
    """How a session is shown and heard: the options given, else config.toml."""

    plain: bool
    sound: SoundMode
    voice: bool

    @classmethod
    def chosen(
        cls, config: Config, plain: bool | None, sound: SoundMode | None, voice: bool | None
    ) -> Shown:
        return cls(
            given_or(plain, config.plain),
            given_or(sound, config.sound),
            given_or(voice, config.voice),
        )


class Told(NamedTuple):
    """What ``run`` was told about the session on the command line."""

    pain_before: int | None
    pain_after: int | None
    check_in: bool
    screened: bool
    self_paced: bool
    speed: float
    legs: Legs | None
    gate: bool


def build_workout(
    timeline: list[Segment],
    routine: Routine,
    catalogue: Catalogue,
    config: Config,
    aside: str | None,
    told: Told,
) -> Workout:
    """The workout ``run`` plays: it counts unless ``aside`` says why not, and asks
    where leg symptoms went for disc and sciatica."""
    from corecli.planner import LEG_CONDITIONS
    from corecli.script import Script
    from corecli.workout import Workout

    return Workout(
        timeline,
        Script.for_routine(routine, catalogue),
        counts=aside is None,
        note=aside and f"Practice: this does not change your programme ({aside}).",
        ask_legs=bool(LEG_CONDITIONS.intersection({routine.condition, config.condition})),
        **told._asdict(),
    )


def given_or(value: T | None, setting: T) -> T:
    """The command line's value if given, else the setting from config.toml."""
    return setting if value is None else value


def plan_options(
    phase: Phase | None,
    minutes: int | None,
    equipment: list[EquipmentChoice] | None,
    condition: list[PlanCondition] | None,
    level: Level | None,
    floor: bool | None,
    include: list[str] | None,
    exclude: list[str] | None,
    seed: int | None,
) -> PlanOptions:
    """The options that choose a plan's exercises, as given on the command line."""
    from corecli.planner import PlanOptions

    diagnosis, groups = conditions_of(condition)
    return PlanOptions(
        phase=phase,
        minutes=minutes,
        equipment=equipment_set(equipment),
        condition=diagnosis,
        groups=groups,
        level=level,
        include=tuple(include or ()),
        exclude=tuple(exclude or ()),
        seed=seed,
        floor=floor,
    )


def print_routine(
    context: Context,
    routine: Routine,
    catalogue: Catalogue,
    output_format: RoutineFormat,
    left_out: Sequence[LeftOut] | None = None,
) -> None:
    """A routine as a table, a Markdown sheet, JSON or TOML, with its time estimated afresh
    (hand edits change it). JSON adds what the options left out. Only the table needs Rich."""
    from corecli.timeline import routine_items, total_s

    estimated = total_s(routine_items(routine, catalogue))
    routine = routine.model_copy(update={"estimated_s": estimated})
    if output_format is RoutineFormat.json:
        data = routine.model_dump(mode="json")
        if left_out is not None:  # a plan made now: say what its options kept out
            data["left_out"] = [entry._asdict() for entry in left_out]
        print_json(data)
    elif output_format is RoutineFormat.toml:
        from corecli.store.routine_files import routine_toml

        typer.echo(routine_toml(routine), nl=False)
    elif output_format is RoutineFormat.markdown:
        from corecli.views.sheet import routine_markdown

        typer.echo(routine_markdown(routine, catalogue, estimated), nl=False)
    else:
        from corecli.views.routine import routine_view

        context.console.print(routine_view(routine, catalogue, estimated))
