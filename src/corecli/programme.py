"""The person's programme: traffic lights, the phase to plan for, walking goals.

Pure functions of what was recorded and today's date; ``store/history.py`` stores
the records and the CLI renders these answers. The rules come from the
sources' pain-monitoring advice: some pain during exercise is acceptable if it
stays mild and settles by the next morning; more than that means back off.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from corecli.errors import visible
from corecli.text import format_day
from corecli.vocab import Light, Phase

GREEN_RUN = 3  # green sessions in a row that move a person on to the next phase
GREEN_GAP_DAYS = 2  # ... each at least this many days after the one counted before it
WALK_GOAL_START = 50  # minutes a week in the first week: five walks of 10 minutes
WALK_GOAL_STEP = 25  # added after each week the goal is met (five walks, 5 minutes longer)
WALK_GOAL_MAX = 150  # five walks of 30 minutes
PHASES = (Phase.acute, Phase.recovery, Phase.maintenance)

LIGHT_ADVICE = {
    Light.green: "Green: pain stayed low. Carry on as planned.",
    Light.amber: "Amber: pain rose a little. Repeat this level before doing more.",
    Light.red: "Red: pain rose too much. Go back to easier exercises, and if it does not "
    "settle within a day or two, see a doctor or physiotherapist.",
}


def traffic_light(
    before: int | None, after: int | None, next_morning: int | None = None
) -> Light | None:
    """The light for a session's pain scores (0-10), or None without an "after" score.

    Red: after is above 5, rose by 3 or more, or the next morning is worse than
    before the session. Amber: after is 4-5 or rose by 2. Green otherwise (after
    at most 3 and at most one point above before).
    """
    if after is None:
        return None
    rise = after - before if before is not None else 0
    if (
        after > 5
        or rise >= 3
        or (next_morning is not None and before is not None and next_morning > before)
    ):
        return Light.red
    if after >= 4 or rise >= 2:
        return Light.amber
    return Light.green


class Flag(NamedTuple):
    """An exercise marked "this hurts" in a session, left out of plans since ``since``."""

    exercise: str
    since: date


class PastSession(NamedTuple):
    """What the phase rules need to know about one recorded session."""

    day: date
    phase: Phase
    light: Light | None
    completed: bool


class PhaseDecision(NamedTuple):
    """The phase to plan for, and one line saying why."""

    phase: Phase
    reason: str
    changed: bool = False  # a step up or back from the last session's phase


class Guidance(NamedTuple):
    """What the history says for the next plan, and the lines that explain it."""

    phase: Phase
    flagged: frozenset[str]
    lines: list[str]


class Progress(NamedTuple):
    """What the history holds that the next plan depends on."""

    sessions: Sequence[PastSession] = ()  # oldest first
    flags: Sequence[Flag] = ()


def plan_guidance(
    sessions: Sequence[PastSession],
    flags: Sequence[Flag],
    *,
    phase: Phase | None = None,
) -> Guidance:
    """The phase (``phase`` if given, else from ``sessions``) and the flagged exercises
    to leave out, each explained in one line for the person."""
    lines = []
    if phase is None:
        decision = choose_phase(sessions)
        phase = decision.phase
        lines.append(f"Phase: {decision.reason}")
    for flag in flags:
        shown = visible(flag.exercise)
        lines.append(
            f"Left out: {shown}, marked as hurting on {format_day(flag.since)}"
            f" (corecli unflag {shown} brings it back)"
        )
    return Guidance(phase, frozenset(flag.exercise for flag in flags), lines)


def flag_notes(exercise_ids: Iterable[str], flags: Sequence[Flag]) -> list[str]:
    """Reminders for a routine chosen by hand that holds exercises the person said hurt."""
    chosen = set(exercise_ids)
    return [
        f"Note: you marked {visible(flag.exercise)} as hurting on {format_day(flag.since)}."
        " Stop it if it hurts again."
        for flag in flags
        if flag.exercise in chosen
    ]


def choose_phase(sessions: Sequence[PastSession]) -> PhaseDecision:
    """The phase for the next plan, from sessions oldest first.

    Start in acute. After a red session, one phase back. After three green
    completed sessions in a row in the current phase, each at least two days
    after the last one counted, one phase on. Otherwise stay. Sessions without a
    light (no check-in) neither count nor break a run.
    """
    judged = [s for s in sessions if s.light is not None]
    if not sessions:
        return PhaseDecision(Phase.acute, "acute: no sessions yet, so the gentle start")
    current = sessions[-1].phase
    if not judged:
        return PhaseDecision(current, f"{current}: as last time (no pain check-ins yet)")
    last = judged[-1]
    if last.light is Light.red:
        if PHASES.index(current) < PHASES.index(last.phase):
            # Already below the red session's phase: that red has been acted on.
            return PhaseDecision(
                current, f"{current}: stepped back after a red session on {format_day(last.day)}"
            )
        back = _step(current, -1)
        if back is current:
            return PhaseDecision(
                back, f"{back}: a red session on {format_day(last.day)}, so gentle work only"
            )
        return PhaseDecision(
            back, f"{back}: stepped back after a red session on {format_day(last.day)}", True
        )
    counted = _green_run(judged, current)
    if len(counted) >= GREEN_RUN:
        ahead = _step(current, +1)
        since = format_day(counted[0].day)
        if ahead is current:
            return PhaseDecision(current, f"{current}: the full programme, green since {since}")
        return PhaseDecision(
            ahead, f"{ahead}: three green sessions in {current} since {since}", True
        )
    if last.light is Light.amber and last.phase is current:
        return PhaseDecision(
            current, f"{current}: staying after an amber session on {format_day(last.day)}"
        )
    if current is PHASES[-1]:
        return PhaseDecision(current, f"{current}: the full programme, as last time")
    return PhaseDecision(
        current,
        f"{current}: {len(counted)} of {GREEN_RUN} completed green sessions, at least"
        f" {GREEN_GAP_DAYS} days apart, before moving on",
    )


def _green_run(judged: Sequence[PastSession], phase: Phase) -> list[PastSession]:
    """The latest unbroken run of green sessions in ``phase`` that count, oldest first."""
    run: list[PastSession] = []
    for session in reversed(judged):
        if session.phase is not phase or session.light is not Light.green:
            break
        run.append(session)
    counted: list[PastSession] = []
    for session in reversed(run):
        if not session.completed:
            continue
        if not counted or (session.day - counted[-1].day).days >= GREEN_GAP_DAYS:
            counted.append(session)
    return counted


def _step(phase: Phase, by: int) -> Phase:
    index = min(max(PHASES.index(phase) + by, 0), len(PHASES) - 1)
    return PHASES[index]


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def walking_goals(minutes_by_week: dict[date, int], today: date) -> dict[date, int]:
    """Each week's walking goal, from the first week with a walk up to this week.

    The goal starts at 50 minutes and grows by 25 after each week that met it,
    up to 150 (five walks of 30 minutes); a week short of its goal keeps it.
    """
    this_week = week_start(today)
    if not minutes_by_week or week_start(min(minutes_by_week)) > this_week:
        return {this_week: WALK_GOAL_START}
    goals: dict[date, int] = {}
    weekly: dict[date, int] = {}
    for day, minutes in minutes_by_week.items():
        weekly[week_start(day)] = weekly.get(week_start(day), 0) + minutes
    week, goal = min(weekly), WALK_GOAL_START
    while week <= this_week:
        goals[week] = goal
        if weekly.get(week, 0) >= goal:
            goal = min(goal + WALK_GOAL_STEP, WALK_GOAL_MAX)
        week += timedelta(weeks=1)
    return goals
