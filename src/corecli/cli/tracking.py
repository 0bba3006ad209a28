"""Commands that keep track: history, stats, walk, unflag, screen.

The history and the views are imported inside each command: they need SQLite
and Rich, which ``corecli --help`` does not.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, time
from typing import TYPE_CHECKING, Annotated

import typer

from corecli.cli import folder
from corecli.cli.context import Context, current
from corecli.cli.options import CatalogOption, command, command_group, day_option, parse_day
from corecli.cli.output import write_bytes
from corecli.errors import CorecliError, UsageProblem, visible

if TYPE_CHECKING:
    from corecli.models import Exercise

app = command_group()


@command(app)
def history(
    ctx: typer.Context,
    since: Annotated[
        str | None, day_option("From this day on: YYYY-MM-DD, today, yesterday, or 30d / 4w ago.")
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=1_000_000,
            metavar="N",
            show_default=False,
            help="At most N sessions, newest first, up to 1,000,000 (default for a table: 20).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON, every session.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV, every session.")] = False,
) -> None:
    """List past sessions: date, routine, time, done, pain and light.

    Example: corecli history --since 30d --csv > sessions.csv
    """
    from corecli.views.history import nothing_shown, session_record, sessions_csv, walking_line

    context = current(ctx)
    if as_json and as_csv:
        raise UsageProblem("choose --json or --csv, not both")
    day = parse_day(since, "--since", context.today) if since is not None else None
    table = not (as_json or as_csv)
    shown = limit if limit is not None else (20 if table and day is None else None)
    with folder.history(context, looking=True) as store:
        rows = store.sessions(since=day, limit=shown)
        total = store.session_count() if table else 0
        walked = store.walk_minutes_by_week() if table else {}
    if as_json:
        typer.echo(json.dumps([session_record(row) for row in rows], indent=2))
    elif as_csv:
        write_bytes(sessions_csv(rows).encode())
    elif not rows:  # plain lines: nothing to lay out
        walking = [walking_line(walked, context.today)] if walked else []
        typer.echo("\n".join([nothing_shown(total), *walking]))
    else:
        from corecli.views.history_table import history_page

        paged = limit is None and day is None
        context.console.print(history_page(rows, total, walked, context.today, paged=paged))


@command(app)
def stats(ctx: typer.Context) -> None:
    """Show your streak, sessions per week, pain trend and walking.

    Also the exercises you skip most, those you marked as hurting, and the
    programme's decisions: each step up, back or held, and why.

    Example: corecli stats
    """
    from corecli.progress import review_advice
    from corecli.stats import gather_stats
    from corecli.views.stats import DECISIONS_SHOWN, stats_view

    context = current(ctx)
    with folder.history(context, looking=True) as store:
        figures = gather_stats(
            store.session_marks(),
            store.walk_minutes_by_week(),
            store.outcome_counts(),
            store.flags(),
            context.today,
        )
        decisions = store.decisions(limit=DECISIONS_SHOWN)
        review = review_advice(store, context.today)
    names = {}
    # The catalogue only to name the exercises; if one's own file is broken, ids will do.
    with contextlib.suppress(CorecliError):
        if figures.skipped or figures.hurt or figures.flagged:
            names = {e.id: e.name for e in folder.catalogue(context)}
    context.console.print(stats_view(figures, names, decisions))
    if review:
        typer.echo(f"\nReview: {review}")


@command(app)
def walk(
    ctx: typer.Context,
    minutes: Annotated[
        int,
        typer.Argument(min=1, max=600, metavar="MINUTES", help="How long you walked, 1-600."),
    ],
    on: Annotated[
        str | None, day_option("Day of the walk: YYYY-MM-DD, yesterday, 3d (default: today).")
    ] = None,
    timer: Annotated[
        bool,
        typer.Option("--timer", help="Count the minutes down now, then log what you walked."),
    ] = False,
) -> None:
    """Log a walk; build up to 150 minutes a week.

    Walking is the sources' everyday exercise. The weekly goal starts at 50
    minutes and grows by 25 after each week you meet it. With --timer, corecli
    counts the minutes down as you walk and logs the minutes you did.

    Example: corecli walk 20
    """
    context = current(ctx)
    if timer:
        if on is not None:
            raise UsageProblem("--timer walks now; it does not go with --on")
        walk_now(context, folder.catalogue(context).find("walking"), minutes)
        return
    now = context.now()
    day = parse_day(on, "--on", now.date()) if on is not None else now.date()
    if day > now.date():
        raise UsageProblem(f"--on {day} is in the future")
    log_walk(context, now if day == now.date() else datetime.combine(day, time()), minutes)


def walk_now(context: Context, exercise: Exercise, minutes: int) -> None:
    """A walk counted down at this terminal, then logged. Ctrl-C ends it early: what was
    walked still counts, and the exit code says it was interrupted, as for a session."""
    from corecli.cli.terminal import EXIT_CODES, walk_on_the_timer

    walked = walk_on_the_timer(context, exercise, minutes)
    if walked.minutes < 1:
        typer.echo("Stopped before a minute: no walk logged.")
    else:
        log_walk(context, walked.ended, walked.minutes, walked.what)
    if walked.ending in EXIT_CODES:
        raise typer.Exit(EXIT_CODES[walked.ending])


def log_walk(context: Context, at: datetime, minutes: int, what: str = "walk") -> None:
    """Keep a walk (or a ride) and say where the week stands against its goal."""
    from corecli.planner import FLEXION_EASES, STENOSIS_WALKING
    from corecli.programme import walking_goals, week_start

    with folder.history(context, create=True) as store:
        store.add_walk(at, minutes)
        by_week = store.walk_minutes_by_week()
    week = week_start(at.date())
    goal = walking_goals(by_week, at.date())[week]
    typer.echo(
        f"Logged a {minutes}-minute {what}. Week of {week:%d %b}: {by_week.get(week, 0)}"
        f" of {goal} minutes walked."
    )
    if folder.settings(context).condition in FLEXION_EASES:
        typer.echo(STENOSIS_WALKING)


@command(app)
def unflag(
    ctx: typer.Context,
    name: Annotated[
        list[str], typer.Argument(help="Id, name or alias of the exercise.", show_default=False)
    ],
    catalog: CatalogOption = None,
) -> None:
    """Plan again an exercise you marked with x ("this hurts").

    Example: corecli unflag bird-dog
    """
    from corecli.errors import UnknownExercise

    context = current(ctx)
    query = " ".join(name)
    try:
        exercise_id = folder.catalogue(context, catalog).find(query).id
    except UnknownExercise:
        exercise_id = query  # flags of exercises no longer in the catalogue
    with folder.history(context) as store:
        if not store.unflag(exercise_id):
            flagged = ", ".join(flag.exercise for flag in store.flags()) or "none"
            raise CorecliError(f"{visible(exercise_id)} is not flagged (flagged: {flagged})")
    typer.echo(f"{visible(exercise_id)} will be planned again. Stop it if it hurts.")


@command(app)
def screen(
    ctx: typer.Context,
    screened: Annotated[
        bool,
        typer.Option("--screened", help="I have read the questions and none of them applies."),
    ] = False,
    show_list: Annotated[
        bool, typer.Option("--list", help="Print the questions and what each means, then stop.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --list: print JSON.")] = False,
    cleared: Annotated[
        list[str] | None,
        typer.Option(
            "--cleared",
            metavar="ID",
            show_default=False,
            help="A clinician has checked this sign (an id from --list) and cleared you to"
            " exercise; asked again in three months. Repeatable.",
        ),
    ] = None,
) -> None:
    """Answer the safety screen: signs that back pain needs a doctor.

    corecli run asks it before the first session, weekly, and after a red session, a
    morning of 7 or more or three ambers in a row. Emergency signs mean get care now;
    doctor signs mean see a doctor first, unless a clinician has cleared you; physio
    signs change the plan.

    Example: corecli screen --list
    """
    from corecli.cli.terminal import TerminalPrompts, asking
    from corecli.views.screen import screen_json, screen_lines
    from corecli.workout import safety_check

    context = current(ctx)
    if as_json and not show_list:
        raise UsageProblem("--json goes with --list")
    if cleared:
        record_clearances(context, cleared)
        return
    prompts = TerminalPrompts(context.console)
    if show_list or not (screened or prompts.interactive):
        typer.echo(screen_json() if as_json else "\n".join(screen_lines()))
        if show_list:
            return
    with folder.session_log(context) as log, asking():
        advice = safety_check(log, prompts, context.now(), screened=screened, always=True)
    if advice is not None:
        prompts.show_advice(advice)
        raise typer.Exit(1)
    typer.echo("Nothing here stops you exercising. corecli asks again in a week.")
    if log.problem:
        typer.echo(f"Answers not saved: {log.problem}", err=True)


def record_clearances(context: Context, flags: list[str]) -> None:
    """``screen --cleared``: only doctor-level signs can be cleared."""
    from corecli.safety import BY_ID, CLEARABLE, CLEARED_FOR
    from corecli.text import format_day

    for flag in flags:
        if flag not in BY_ID:
            raise UsageProblem(f"--cleared '{visible(flag)}': no such question (see --list)")
        if flag not in CLEARABLE:
            why = "it needs care now" if BY_ID[flag].grade == "emergency" else "it stops nothing"
            raise UsageProblem(f"--cleared {flag}: only doctor signs are cleared here ({why})")
    with folder.history(context, create=True) as store:
        for flag in dict.fromkeys(flags):
            store.clear(flag, context.today)
    until = context.today + CLEARED_FOR
    typer.echo(
        f"Recorded: a clinician cleared {', '.join(dict.fromkeys(flags))} on"
        f" {format_day(context.today)}. corecli asks again from {format_day(until)}"
        f" {until.year}, or if the answer changes."
    )
