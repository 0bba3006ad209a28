"""The stats figures from history rows: counted by hand, with dates fixed."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise

import pytest

from corecli.programme import Flag, week_start
from corecli.stats import OutcomeCount, SessionMark, gather_stats, streak, weeks_back
from corecli.vocab import Outcome

TODAY = date(2024, 11, 13)  # a Wednesday


def marks(*days_and_pain: tuple[int, int | None]) -> list[SessionMark]:
    """Sessions as (days before TODAY, pain after), given oldest first."""
    return [SessionMark(TODAY - timedelta(days=n), pain) for n, pain in days_and_pain]


# --- gather_stats -------------------------------------------------------------------------


def test_no_history_gives_empty_figures() -> None:
    stats = gather_stats([], {}, [], [], TODAY)
    assert (stats.sessions, stats.streak_days, stats.pain_after) == (0, 0, [])
    assert list(stats.per_week) == weeks_back(TODAY, 8)
    assert set(stats.per_week.values()) == {0}
    assert set(stats.walking.values()) == {(0, 50)}
    assert (stats.skipped, stats.hurt, stats.flagged) == ([], [], [])


def test_sessions_are_counted_in_the_weeks_they_started() -> None:
    sessions = marks((70, 1), (9, 2), (8, None), (2, 3), (1, 3), (0, 4))
    stats = gather_stats(sessions, {}, [], [], TODAY)
    assert stats.sessions == 6  # the one ten weeks back counts in all, not in a week shown
    assert stats.per_week == {
        date(2024, 9, 23): 0,
        date(2024, 9, 30): 0,
        date(2024, 10, 7): 0,
        date(2024, 10, 14): 0,
        date(2024, 10, 21): 0,
        date(2024, 10, 28): 0,
        date(2024, 11, 4): 2,  # 4 and 5 Nov
        date(2024, 11, 11): 3,  # 11, 12 and 13 Nov
    }
    assert stats.streak_days == 3
    assert stats.pain_after == [1, 2, 3, 3, 4]


def test_the_pain_trend_is_the_scores_of_the_latest_forty_sessions() -> None:
    sessions = [SessionMark(TODAY - timedelta(days=60 - n), n % 11) for n in range(60)]
    sessions[-1] = SessionMark(TODAY, None)
    stats = gather_stats(sessions, {}, [], [], TODAY)
    assert stats.pain_after == [n % 11 for n in range(20, 59)]


def test_walking_is_shown_against_each_weeks_goal() -> None:
    walked = {date(2024, 11, 4): 50, date(2024, 11, 11): 30}
    stats = gather_stats([], walked, [], [], TODAY)
    assert stats.walking[date(2024, 11, 4)] == (50, 50)
    assert stats.walking[date(2024, 11, 11)] == (30, 75)  # last week met its goal
    assert stats.walking[date(2024, 10, 28)] == (0, 50)


def test_the_most_skipped_and_hurt_rank_by_count_then_id() -> None:
    outcomes = [
        OutcomeCount("pelvic-tilt", Outcome.skipped, 3),
        OutcomeCount("bird-dog", Outcome.skipped, 3),
        OutcomeCount("dead-bug", Outcome.skipped, 2),
        OutcomeCount("plank", Outcome.skipped, 1),
        OutcomeCount("dead-bug", Outcome.hurt, 1),
    ]
    flags = [Flag("dead-bug", TODAY)]
    stats = gather_stats([], {}, outcomes, flags, TODAY)
    assert stats.skipped == [("bird-dog", 3), ("pelvic-tilt", 3), ("dead-bug", 2)]
    assert stats.hurt == [("dead-bug", 1)]
    assert stats.flagged == ["dead-bug"]


# --- streak ---------------------------------------------------------------------------------

STREAKS = [
    # (id, days with a session as days before TODAY, expected streak)
    ("none", [], 0),
    ("today only", [0], 1),
    ("yesterday only", [1], 1),
    ("two days ago only", [2], 0),
    ("today and yesterday", [0, 1], 2),
    ("a gap before yesterday", [0, 1, 3, 4, 5], 2),
    ("a gap, none today", [1, 2, 4], 2),
    ("today, then a gap", [0, 2, 3], 1),
    ("two sessions on one day count once", [0, 0, 1, 1], 2),
    ("a long run", list(range(40)), 40),
    ("a long run ending yesterday", list(range(1, 41)), 40),
    ("across a month end", list(range(20)), 20),
    ("a future day is not today", [-1, 1], 1),
    ("unordered", [3, 0, 2, 1], 4),
]


@pytest.mark.parametrize(
    ("days_ago", "expected"),
    [case[1:] for case in STREAKS],
    ids=[case[0] for case in STREAKS],
)
def test_streak(days_ago: list[int], expected: int) -> None:
    days = [TODAY - timedelta(days=n) for n in days_ago]
    assert streak(days, TODAY) == expected
    assert streak(iter(days), TODAY) == expected, "any iterable, read once"


@pytest.mark.parametrize(
    ("today", "count", "expected"),
    [
        (TODAY, 1, [date(2024, 11, 11)]),
        (TODAY, 3, [date(2024, 10, 28), date(2024, 11, 4), date(2024, 11, 11)]),
        (date(2024, 11, 11), 2, [date(2024, 11, 4), date(2024, 11, 11)]),
        (date(2024, 11, 17), 2, [date(2024, 11, 4), date(2024, 11, 11)]),
        (date(2025, 1, 2), 2, [date(2024, 12, 23), date(2024, 12, 30)]),
        (TODAY, 0, []),
    ],
)
def test_weeks_back(today: date, count: int, expected: list[date]) -> None:
    assert weeks_back(today, count) == expected


def test_weeks_back_many_weeks_are_consecutive_mondays() -> None:
    weeks = weeks_back(TODAY, 12)
    assert len(weeks) == 12
    assert weeks[-1] == week_start(TODAY)
    assert all(week.weekday() == 0 for week in weeks)
    assert all(b - a == timedelta(weeks=1) for a, b in pairwise(weeks))
