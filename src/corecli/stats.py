"""The figures ``corecli stats`` shows, counted from the history's rows.

Pure functions of what was recorded and today's date; ``store/history.py``
reads the rows and ``views/stats.py`` lays the figures out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from typing import NamedTuple

from corecli.programme import WALK_GOAL_START, Flag, walking_goals, week_start
from corecli.vocab import Outcome

WEEKS_SHOWN = 8
PAIN_SESSIONS = 40  # the pain trend looks at this many of the latest sessions
TOP = 3  # exercises named as most skipped, most hurt


class SessionMark(NamedTuple):
    """What the figures need of one session: its day and the pain after it."""

    day: date
    pain_after: int | None


class OutcomeCount(NamedTuple):
    """How often an exercise ended one way, over every session."""

    exercise: str
    outcome: Outcome
    times: int


class Stats(NamedTuple):
    """Everything ``corecli stats`` shows, already counted."""

    sessions: int
    streak_days: int
    per_week: dict[date, int]  # Monday -> sessions, oldest first
    pain_after: list[int]  # oldest first
    walking: dict[date, tuple[int, int]]  # Monday -> (minutes, goal), oldest first
    skipped: list[tuple[str, int]]
    hurt: list[tuple[str, int]]
    flagged: list[str]


def gather_stats(
    sessions: Sequence[SessionMark],
    walked: Mapping[date, int],
    outcomes: Sequence[OutcomeCount],
    flags: Sequence[Flag],
    today: date,
) -> Stats:
    """The figures from every session (oldest first), the walking minutes of each week
    (keys are Mondays), the count of each exercise's outcomes, and the flags."""
    weeks = weeks_back(today, WEEKS_SHOWN)
    per_week = dict.fromkeys(weeks, 0)
    for mark in sessions:
        monday = week_start(mark.day)
        if monday in per_week:
            per_week[monday] += 1
    goals = walking_goals(dict(walked), today)
    return Stats(
        sessions=len(sessions),
        streak_days=streak((mark.day for mark in sessions), today),
        per_week=per_week,
        pain_after=[
            mark.pain_after for mark in sessions[-PAIN_SESSIONS:] if mark.pain_after is not None
        ],
        walking={week: (walked.get(week, 0), goals.get(week, WALK_GOAL_START)) for week in weeks},
        skipped=_most(outcomes, Outcome.skipped),
        hurt=_most(outcomes, Outcome.hurt),
        flagged=[flag.exercise for flag in flags],
    )


def _most(outcomes: Sequence[OutcomeCount], outcome: Outcome) -> list[tuple[str, int]]:
    """The exercises most often given ``outcome``, ties in id order."""
    counted = [(row.exercise, row.times) for row in outcomes if row.outcome is outcome]
    return sorted(counted, key=lambda pair: (-pair[1], pair[0]))[:TOP]


def weeks_back(today: date, count: int) -> list[date]:
    """The Mondays of the last ``count`` weeks, oldest first, this week last."""
    this_week = week_start(today)
    return [this_week - timedelta(weeks=n) for n in range(count - 1, -1, -1)]


def streak(days: Iterable[date], today: date) -> int:
    """Days in a row with a session, ending today (or yesterday, if none yet today)."""
    done = set(days)
    day = today if today in done else today - timedelta(days=1)
    count = 0
    while day in done:
        count += 1
        day -= timedelta(days=1)
    return count
