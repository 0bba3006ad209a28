"""Commands of the programme: start, today, log, checkin.

Also what ``plan``, ``run`` and ``today`` do first: offer the setup to a new
person, and ask the next-morning question that is still open.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from corecli.cli import folder
from corecli.cli.context import current
from corecli.cli.options import (
    CatalogOption,
    ConditionOption,
    EquipmentOption,
    FloorOption,
    LegsOption,
    choice,
    command,
    command_group,
    day_option,
    number,
    parse_day,
)
from corecli.cli.output import print_json, tell
from corecli.cli.setup import Answers, before_planning, set_up
from corecli.errors import UsageProblem, visible
from corecli.text import format_day
from corecli.vocab import Group, Legs, PainSpan

if TYPE_CHECKING:
    from corecli.progress import Settled
    from corecli.store.history import History, SessionRow

app = command_group()

CHECKIN_REACH_DAYS = 2  # a next-morning answer attaches to a session at most this far back
# --- corecli start ---------------------------------------------------------------------------


@command(app)
def start(
    ctx: typer.Context,
    pain_for: Annotated[
        PainSpan | None, choice("SPAN", PainSpan, "How long this bout of pain has lasted")
    ] = None,
    usual_pain: Annotated[
        int | None, number("N", 0, 10, "Your usual pain on most days, 0-10.")
    ] = None,
    condition: ConditionOption = None,
    group: Annotated[
        list[Group] | None,
        choice(
            "GROUP",
            Group,
            "Applies to you (osteoporosis takes in long-term steroids, surgery is spinal"
            " surgery in the last year)",
            repeatable=True,
        ),
    ] = None,
    no_groups: Annotated[
        bool, typer.Option("--no-groups", help="None of the --group answers applies.")
    ] = False,
    equipment: EquipmentOption = None,
    floor: FloorOption = None,
) -> None:
    """Set up your programme: a few questions choose where it starts.

    Asked at the terminal; every answer can also be given as an option, so it works
    in a script. Run it again when things change: the programme keeps the place it
    has reached unless your answers call for a gentler start.

    Example: corecli start --pain-for over-12-weeks --usual-pain 4 --no-groups
    """
    context = current(ctx)
    if group and no_groups:
        raise UsageProblem("give --group or --no-groups, not both")
    answers = Answers(pain_for, usual_pain, condition, group, no_groups, equipment, floor)
    set_up(context, answers)


# --- corecli today ---------------------------------------------------------------------------


@command(app)
def today(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    catalog: CatalogOption = None,
) -> None:
    """Show what is due today, and where your programme stands.

    Your session, exercises dosed more than once a day, walking left this week and
    an open next-morning check-in; and the programme's phase, level and dose, and why.

    Example: corecli today
    """
    from corecli.agenda import today_from

    context = current(ctx)
    catalogue, config = folder.catalogue(context, catalog), folder.settings(context)
    later = [] if as_json else before_planning(context)
    with folder.history(context, looking=True) as history:
        shown = today_from(history, catalogue, config, context.today)
    if as_json:
        print_json(shown.as_json())
        return
    from corecli.views.today import today_lines

    typer.echo("\n".join(today_lines(shown)))
    tell(later)


# --- corecli log -----------------------------------------------------------------------------


@command(app)
def log(
    ctx: typer.Context,
    routine_file: Annotated[
        Path | None,
        typer.Argument(
            metavar="ROUTINE",
            help="The routine you did (saved by corecli plan); without one, that day's plan.",
            show_default=False,
        ),
    ] = None,
    on: Annotated[
        str | None, day_option("The day you did it: YYYY-MM-DD, yesterday, 2d (default: today).")
    ] = None,
    pain_before: Annotated[int | None, number("N", 0, 10, "Pain before, 0-10.")] = None,
    pain_after: Annotated[int | None, number("N", 0, 10, "Pain after, 0-10.")] = None,
    skipped: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ID", show_default=False, help="An exercise you left out (repeatable)."
        ),
    ] = None,
    hurt: Annotated[
        list[str] | None,
        typer.Option(
            metavar="ID",
            show_default=False,
            help="An exercise that hurt, so you stopped it (repeatable; left out of plans).",
        ),
    ] = None,
    legs: Annotated[Legs | None, LegsOption] = None,
    practice: Annotated[
        bool, typer.Option("--practice", help="Record it, but do not move your programme.")
    ] = False,
    catalog: CatalogOption = None,
) -> None:
    """Record a session done from the printed sheet, away from the screen.

    It counts exactly like a timed session: a full session of your programme's plan
    moves it on, judged by your pain before, after and the next morning.

    Example: corecli log --on yesterday --pain-before 4 --pain-after 3
    """
    from corecli.logbook import Told, log_session
    from corecli.store.routine_files import load_routine

    context = current(ctx)
    now = context.now()
    day = parse_day(on, "--on", now.date()) if on is not None else now.date()
    if day > now.date():
        raise UsageProblem(f"--on {day} is in the future")
    catalogue, config = folder.catalogue(context, catalog), folder.settings(context)
    routine = load_routine(routine_file, catalogue) if routine_file is not None else None
    with folder.history(context, create=True) as history:
        logged = log_session(
            history,
            catalogue,
            config,
            routine,
            now if day == now.date() else datetime.combine(day, time(12, 0)),
            Told(pain_before, pain_after, legs, tuple(skipped or ()), tuple(hurt or ())),
            practice=practice,
        )
    typer.echo(
        f"Logged session {logged.session_id}: {visible(logged.routine.name)} on {day:%a}"
        f" {format_day(day)}, {logged.done} of {len(logged.routine.items)} exercises done."
    )
    if logged.aside is not None:
        typer.echo(f"It does not change your programme ({logged.aside}).")
    show(logged.settled)


def show(settled: Settled) -> None:
    """The light and why, then what the programme did."""
    from corecli.pain import light_line
    from corecli.vocab import Change

    if settled.judgement.light is not None:
        typer.echo(light_line(settled.judgement))
    decision = settled.decision
    if decision is not None and decision.change is not Change.hold:
        typer.echo(f"Programme: {decision.reason}.")


# --- corecli checkin -------------------------------------------------------------------------


@command(app)
def checkin(
    ctx: typer.Context,
    pain: Annotated[
        int,
        typer.Argument(
            min=0, max=10, metavar="PAIN", help="Pain that morning, 0 (none) to 10 (worst)."
        ),
    ],
    on: Annotated[
        str | None,
        day_option("The morning: YYYY-MM-DD, yesterday, 2d (default: this morning)."),
    ] = None,
) -> None:
    """Record your pain the morning after a session.

    The next morning tells most about how a session suited your back: pain back
    to where it was means carry on; still up 2 or more means the next plan cuts back.

    Example: corecli checkin 2
    """
    from corecli.progress import check_in

    context = current(ctx)
    morning = parse_day(on, "--on", context.today) if on is not None else context.today
    if morning > context.today:
        raise UsageProblem(f"--on {morning} is in the future")
    with folder.history(context) as history:
        row = attached_session(history, morning)
        settled = check_in(history, row, pain, morning)
    typer.echo(
        f"Recorded pain {pain} on the morning of {morning:%a} {format_day(morning)}, for"
        f" session {row.id} ({visible(row.routine)}) of {row.started:%a} {format_day(row.day)}."
    )
    show(settled)


def attached_session(history: History, morning: date) -> SessionRow:
    """The session a morning's answer is about: the latest of the days before it, the
    programme's own if there is one; refused when there is none, it is too old, or
    it has its answer already."""
    row = history.latest_before(morning, counted=True) or history.latest_before(morning)
    if row is None:
        same_day = history.sessions(since=morning, limit=1)
        if same_day and same_day[0].day == morning:
            raise UsageProblem(
                f"your session was on {format_day(morning)} itself; the check-in is for the"
                " morning after it (corecli checkin PAIN, tomorrow)"
            )
        raise UsageProblem(f"there is no session before {format_day(morning)} to check in for")
    gap = (morning - row.day).days
    if gap > CHECKIN_REACH_DAYS:
        raise UsageProblem(
            f"the last session before {format_day(morning)} was on {format_day(row.day)},"
            f" {gap} days earlier; a check-in is for the morning after a session"
            f" (--on {(row.day + timedelta(days=1)).isoformat()})"
        )
    if row.pain_next_day is not None:
        raise UsageProblem(
            f"session {row.id} of {format_day(row.day)} already has its next-morning answer"
            f" (pain {row.pain_next_day}); the first answer is kept"
        )
    return row


@command(app)
def learn(
    ctx: typer.Context,
    card: Annotated[
        str | None,
        typer.Argument(metavar="CARD", help="One card by its id.", show_default=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Read short cards on back pain: what helps, and why.

    Each is a few lines in corecli's words and names its source (NICE NG59, the
    WalkBack trial …). One appears at the end of a session and in corecli today.

    Example: corecli learn hurt-not-harm
    """
    from corecli.learn import BY_ID, CARDS, all_lines

    if card is not None and card not in BY_ID:
        raise UsageProblem(f"no card '{visible(card)}'; cards: {', '.join(BY_ID)}")
    chosen = [BY_ID[card]] if card is not None else list(CARDS)
    if as_json:
        print_json([c._asdict() | {"only_for": sorted(c.only_for)} for c in chosen])
        return
    typer.echo("\n".join(all_lines(chosen)))
