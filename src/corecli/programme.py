"""The person's programme: where they are, how it moves, and walking goals.

Pure functions of what was recorded and today's date; ``store/history.py`` keeps
the standing and the log of decisions, and the CLI renders them. The programme
moves in order, one step at a time: the dose toward the top of each exercise's
build-up range, then the level (the next rung of each ladder), then the phase,
never into a new phase before a week and three counted sessions in the current
one. A red session cuts back one step; a phase back needs two reds in a row or
a red next morning. Only full sessions of the programme's own plan count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import NamedTuple, Protocol

from corecli.errors import visible
from corecli.text import format_day, plural
from corecli.vocab import Change, Group, Legs, Level, Light, PainSpan, Phase

DOSE_STEPS = 3  # green sessions from an exercise's base dose to the top of its range
# The stages in order, each climbed dose step by dose step.
STAGES = (
    (Phase.acute, Level.beginner),
    (Phase.recovery, Level.beginner),
    (Phase.recovery, Level.intermediate),
    (Phase.maintenance, Level.intermediate),
    (Phase.maintenance, Level.advanced),
)
POSITIONS = len(STAGES) * (DOSE_STEPS + 1)
PHASE_MIN_DAYS = 7
PHASE_MIN_SESSIONS = 3
BREAK_DAYS = 21  # a gap this long starts again one step easier
WALK_GOAL_START = 50  # minutes a week in the first week: five walks of 10 minutes
WALK_GOAL_STEP = 25  # added after each week the goal is met (five walks, 5 minutes longer)
WALK_GOAL_MAX = 150  # five walks of 30 minutes
PHASES = (Phase.acute, Phase.recovery, Phase.maintenance)
HIGH_USUAL_PAIN = 7  # usual pain this high starts with stretching only


class Standing(NamedTuple):
    """Where a person is in the programme."""

    phase: Phase
    level: Level
    dose_step: int  # 0: each exercise's base dose; DOSE_STEPS: the top of its range
    began: date  # the day this phase began
    sessions: int = 0  # counted sessions in this phase

    @property
    def position(self) -> int:
        return STAGES.index((self.phase, self.level)) * (DOSE_STEPS + 1) + self.dose_step

    def moved_to(self, position: int, day: date) -> Standing:
        """The standing at ``position``: a new phase begins today, with no sessions yet."""
        stage, dose_step = divmod(position, DOSE_STEPS + 1)
        phase, level = STAGES[stage]
        if phase is self.phase:
            return self._replace(level=level, dose_step=dose_step)
        return Standing(phase, level, dose_step, day, 0)

    def describe(self) -> str:
        """``recovery, beginner level, dose step 2 of 3``."""
        dose = (
            "base dose"
            if self.dose_step == 0
            else "top dose"
            if self.dose_step == DOSE_STEPS
            else f"dose step {self.dose_step} of {DOSE_STEPS}"
        )
        if self.phase is Phase.acute:
            return f"acute, {dose}"
        return f"{self.phase}, {self.level} level, {dose}"


def first_standing(phase: Phase, day: date) -> Standing:
    level = next(level for stage_phase, level in STAGES if stage_phase is phase)
    return Standing(phase, level, 0, day)


class Decision(NamedTuple):
    """One entry of the programme's log: the standing it left, and why."""

    day: date
    standing: Standing
    change: Change
    reason: str
    session_id: int | None = None  # the session it judged, if any
    light: Light | None = None  # that session's light


class Judged(NamedTuple):
    """A session of the programme's own plan, with its final light."""

    session_id: int
    day: date  # the day it is judged: the session's, or the next morning's
    light: Light
    finished: bool  # ran to its end: only full sessions step up
    morning_red: bool = False  # the next morning's answer was red on its own
    why: str = ""  # the light's reasons, for the log
    session_day: date | None = None  # when it was done, if not ``day``


# --- Where a person starts ------------------------------------------------------------------


class Setup(NamedTuple):
    """The answers of ``corecli start`` that choose where the programme begins."""

    span: PainSpan
    usual_pain: int
    groups: frozenset[Group] = frozenset()


def starting_phase(setup: Setup) -> tuple[Phase, str]:
    """Stretching only while pain is new or high (the sources' rule); long-standing,
    moderate pain starts strengthening at once, since exercise helps it most."""
    if Group.surgery in setup.groups:
        return Phase.acute, "spinal surgery in the last year, so a gentle start"
    if setup.span is PainSpan.new:
        return Phase.acute, "pain for under 6 weeks: stretching until it settles"
    if setup.usual_pain >= HIGH_USUAL_PAIN:
        return Phase.acute, f"usual pain {setup.usual_pain}: stretching until it settles"
    span = "6 to 12 weeks" if setup.span is PainSpan.subacute else "over 12 weeks"
    return (
        Phase.recovery,
        f"pain for {span} at a usual {setup.usual_pain}: strengthening from the start, gently",
    )


def set_up(setup: Setup, day: date, current: Standing | None) -> Decision:
    """The decision ``corecli start`` logs: a new start, or a re-run keeping the place
    reached unless the answers call for a gentler phase."""
    phase, why = starting_phase(setup)
    fresh = first_standing(phase, day)
    if current is not None and current.position >= fresh.position and phase is not Phase.acute:
        return Decision(day, current, Change.hold, f"{current.describe()}: kept after new answers")
    if current is not None and current.position < fresh.position:
        return Decision(day, current, Change.hold, f"{current.describe()}: kept ({why})")
    return Decision(day, fresh, Change.start, f"{fresh.describe()}: {why}")


# --- How it moves ---------------------------------------------------------------------------


def decide(standing: Standing, session: Judged, previous: Light | None) -> Decision:
    """The decision after one judged session; ``previous`` is the light of the counted
    session before it. Never more than one step, and never up after a red."""
    day = session.day
    counted = standing._replace(sessions=standing.sessions + 1) if session.finished else standing
    why = f" ({session.why})" if session.why else ""

    def made(to: Standing, change: Change, reason: str) -> Decision:
        return Decision(day, to, change, reason, session.session_id, session.light)

    when = format_day(session.session_day or day)
    if session.light is Light.red:
        phase_back = session.morning_red or previous is Light.red
        return _back(counted, day, phase_back, f"a red session on {when}{why}", made)
    if session.light is Light.amber:
        return made(counted, Change.hold, f"{counted.describe()}: held after amber on {when}{why}")
    if not session.finished:
        return made(
            counted,
            Change.hold,
            f"{counted.describe()}: held, the session of {when} was not finished"
            " (only full sessions step up)",
        )
    return _up(counted, day, f"green on {when}{why}", made)


def _up(standing: Standing, day: date, what: str, made: _Made) -> Decision:
    if standing.position == POSITIONS - 1:
        return made(standing, Change.hold, f"{standing.describe()}: the full programme; {what}")
    ahead = standing.moved_to(standing.position + 1, day)
    if ahead.phase is standing.phase:
        return made(ahead, Change.up, f"{ahead.describe()}: up one step after {what}")
    days = (day - standing.began).days
    if days < PHASE_MIN_DAYS or standing.sessions < PHASE_MIN_SESSIONS:
        return made(
            standing,
            Change.hold,
            f"{standing.describe()}: {ahead.phase} comes after at least {PHASE_MIN_DAYS} days"
            f" and {PHASE_MIN_SESSIONS} counted sessions in {standing.phase} (so far"
            f" {plural(days, 'day')}, {standing.sessions}); {what}",
        )
    return made(
        ahead,
        Change.up,
        f"{ahead.phase}: {plural(standing.sessions, 'counted session')} since"
        f" {format_day(standing.began)}, {plural(days, 'day')} in {standing.phase}; {what}",
    )


def _back(standing: Standing, day: date, phase_back: bool, what: str, made: _Made) -> Decision:
    if standing.position == 0:
        return made(standing, Change.hold, f"{standing.describe()}: already the gentlest; {what}")
    back = standing.moved_to(standing.position - 1, day)
    if back.phase is standing.phase:
        return made(back, Change.down, f"{back.describe()}: one step easier after {what}")
    if not phase_back:
        return made(
            standing,
            Change.hold,
            f"{standing.describe()}: the start of {standing.phase}, so no lower; {what}."
            f" Back to {back.phase} only after two reds in a row or a red next morning",
        )
    return made(back, Change.down, f"{back.phase}: a phase back after {what}")


class _Made(Protocol):
    def __call__(self, to: Standing, change: Change, reason: str) -> Decision: ...


def flare(standing: Standing, day: date) -> Decision:
    """A flare-up: the same phase and level at the base dose, so that green sessions
    climb back to where the person was, step by step, rather than from the start."""
    base = standing._replace(dose_step=0)
    back = (
        "already at the base dose"
        if standing.dose_step == 0
        else f"green sessions climb back to {standing.describe()}"
    )
    return Decision(
        day, base, Change.flare, f"{base.describe()}: a flare-up on {format_day(day)}; {back}"
    )


def after_break(standing: Standing, last_session: date, today: date) -> Decision | None:
    """One step easier after three weeks or more without a counted session (muscles
    lose what they gained); None if the gap is shorter or no easier step is left in
    this phase."""
    gap = (today - last_session).days
    if gap < BREAK_DAYS or standing.position == 0:
        return None
    back = standing.moved_to(standing.position - 1, today)
    if back.phase is not standing.phase:
        return None
    return Decision(
        today,
        back,
        Change.down,
        f"{back.describe()}: one step easier to start again after"
        f" {plural(gap // 7, 'week')} without a session (since {format_day(last_session)})",
    )


def catch_up(last: Decision | None, last_counted: date | None, today: date) -> list[Decision]:
    """Decisions due before the next session: one step easier after a long break.
    Worked out afresh until a session stores them."""
    if last is None:
        return []
    active = max(day for day in (last_counted, last.day, last.standing.began) if day is not None)
    rested = after_break(last.standing, active, today)
    return [] if rested is None else [rested]


def gentle_start(day: date) -> Decision:
    """Where a person who skipped corecli start begins: stretching only."""
    return Decision(
        day,
        first_standing(Phase.acute, day),
        Change.start,
        "acute, base dose: the gentle start (corecli start sets the programme up for you)",
    )


def why_not_counted(
    standing: Standing | None,
    routine_phase: Phase,
    *,
    practice: bool = False,
    exercise: bool = False,
    phase_given: bool = False,
    from_file: bool = False,
) -> str | None:
    """Why a session will not move the programme, or None for one of its own plan:
    a try-out, one exercise, a phase chosen by hand, or a routine for another phase."""
    phase = standing.phase if standing else Phase.acute
    if practice:
        return "--practice"
    if exercise:
        return "one exercise, chosen with --exercise"
    if phase_given:
        return "a phase chosen with --phase"
    if from_file and routine_phase is not phase:
        return f"a routine for {routine_phase}, and your programme is in {phase}"
    return None


# --- What the next plan takes from it ---------------------------------------------------------


class Guidance(NamedTuple):
    """What the programme says for the next plan, and the lines that explain it."""

    phase: Phase
    level: Level | None  # None: a phase chosen by hand, any level
    dose_step: int
    flagged: frozenset[str]
    lines: list[str]
    groups: frozenset[Group] = frozenset()


class LegsReport(NamedTuple):
    """Where leg symptoms went in the latest session that was asked, and what it held."""

    legs: Legs
    day: date
    exercises: tuple[str, ...]  # the exercises done in it


class Progress(NamedTuple):
    """What the history holds that the next plan depends on."""

    standing: Standing | None = None  # None: no programme yet (the gentle start)
    reason: str = ""  # the latest decision's reason
    flags: Sequence[Flag] = ()
    done_yesterday: frozenset[str] = frozenset()  # exercises done the day before
    setup: Setup | None = None  # the answers of corecli start
    legs: LegsReport | None = None  # disc and sciatica: the latest answer about the legs
    screen_groups: frozenset[Group] = frozenset()  # from the latest safety screen


def plan_guidance(progress: Progress, *, phase: Phase | None = None) -> Guidance:
    """The phase, level and dose the programme plans at (``phase`` given: that phase at
    its base dose, any level), and the flagged exercises to leave out, each explained."""
    lines = []
    if phase is not None:
        level, dose_step = None, 0
    elif progress.standing is None:
        phase, level, dose_step = Phase.acute, Level.beginner, 0
        lines.append("Programme: acute, base dose: the gentle start (corecli start sets it up)")
    else:
        standing = progress.standing
        phase, level, dose_step = standing.phase, standing.level, standing.dose_step
        lines.append(f"Programme: {progress.reason or standing.describe()}")
    for flag in progress.flags:
        shown = visible(flag.exercise)
        lines.append(
            f"Left out: {shown}, marked as hurting on {format_day(flag.since)}"
            f" (corecli unflag {shown} brings it back)"
        )
    flagged = frozenset(flag.exercise for flag in progress.flags)
    groups = progress.setup.groups if progress.setup else frozenset()
    return Guidance(phase, level, dose_step, flagged, lines, groups | progress.screen_groups)


class Flag(NamedTuple):
    """An exercise marked "this hurts" in a session, left out of plans since ``since``."""

    exercise: str
    since: date


def flag_notes(exercise_ids: Iterable[str], flags: Sequence[Flag]) -> list[str]:
    """Reminders for a routine chosen by hand that holds exercises the person said hurt."""
    chosen = set(exercise_ids)
    return [
        f"Note: you marked {visible(flag.exercise)} as hurting on {format_day(flag.since)}."
        " Stop it if it hurts again."
        for flag in flags
        if flag.exercise in chosen
    ]


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
