"""The programme's rules read like the spec: traffic lights, phases, walking goals.

Every expected value here is written out by hand from the rules in the issue, not
computed with a copy of the code under test. Dates are fixed; nothing reads the clock.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corecli.programme import (
    Flag,
    PastSession,
    PhaseDecision,
    choose_phase,
    flag_notes,
    plan_guidance,
    traffic_light,
    walking_goals,
    week_start,
)
from corecli.vocab import Light, Phase

GREEN, AMBER, RED = Light.green, Light.amber, Light.red
ACUTE, RECOVERY, MAINTENANCE = Phase.acute, Phase.recovery, Phase.maintenance
RANK = {ACUTE: 0, RECOVERY: 1, MAINTENANCE: 2}

DAY0 = date(2024, 11, 12)  # a Tuesday: "12 Nov" in reasons
MONDAY = date(2024, 11, 11)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def monday(n: int) -> date:
    """The Monday ``n`` weeks after 11 Nov 2024."""
    return MONDAY + timedelta(weeks=n)


def session(
    n: int, phase: Phase = ACUTE, light: Light | None = GREEN, completed: bool = True
) -> PastSession:
    return PastSession(day(n), phase, light, completed)


# --- traffic_light --------------------------------------------------------------------------

LIGHTS = [
    # (id, before, after, next morning, expected light)
    # "after" on its own, no change from before
    ("after 0", 0, 0, None, GREEN),
    ("after 3", 3, 3, None, GREEN),
    ("after 4", 4, 4, None, AMBER),
    ("after 5", 5, 5, None, AMBER),
    ("after 6", 6, 6, None, RED),
    ("after 10", 10, 10, None, RED),
    # rises from before
    ("rise 1 to 3", 2, 3, None, GREEN),
    ("rise 1 to 1", 0, 1, None, GREEN),
    ("rise 2 to 2", 0, 2, None, AMBER),
    ("rise 2 to 3", 1, 3, None, AMBER),
    ("rise 2 to 5", 3, 5, None, AMBER),
    ("rise 3 to 3", 0, 3, None, RED),
    ("rise 3 to 4", 1, 4, None, RED),
    ("rise 4 to 4", 0, 4, None, RED),
    ("rise 1 to 4", 3, 4, None, AMBER),
    ("rise 1 to 6", 5, 6, None, RED),
    # pain dropped during the session: judged on "after"
    ("drop to 3", 8, 3, None, GREEN),
    ("drop to 0", 5, 0, None, GREEN),
    ("drop to 4", 8, 4, None, AMBER),
    ("drop to 5", 8, 5, None, AMBER),
    ("drop to 6", 9, 6, None, RED),
    # no "before" score: judged on "after" alone
    ("no before, after 0", None, 0, None, GREEN),
    ("no before, after 3", None, 3, None, GREEN),
    ("no before, after 4", None, 4, None, AMBER),
    ("no before, after 5", None, 5, None, AMBER),
    ("no before, after 6", None, 6, None, RED),
    ("no before, next morning ignored", None, 2, 9, GREEN),
    # no "after" score: no light at all
    ("no after", 2, None, None, None),
    ("no after, no before", None, None, None, None),
    ("no after, bad next morning", 2, None, 9, None),
    ("no after, high before", 9, None, None, None),
    # the next morning against before the session
    ("next morning equal", 2, 3, 2, GREEN),
    ("next morning better", 2, 3, 1, GREEN),
    ("next morning worse by 1", 2, 3, 3, RED),
    ("next morning worse, after unchanged", 2, 2, 3, RED),
    ("next morning worse from 0", 0, 0, 1, RED),
    ("next morning worse after an amber", 2, 4, 3, RED),
    ("next morning better after an amber", 3, 5, 2, AMBER),
    ("next morning equal after an amber", 4, 4, 4, AMBER),
    ("next morning better after a red", 6, 7, 0, RED),
    ("next morning below before after a drop", 6, 2, 5, GREEN),
    ("next morning above after but not before", 6, 2, 6, GREEN),
]


@pytest.mark.parametrize(
    ("before", "after", "next_morning", "expected"),
    [case[1:] for case in LIGHTS],
    ids=[case[0] for case in LIGHTS],
)
def test_traffic_light(
    before: int | None, after: int | None, next_morning: int | None, expected: Light | None
) -> None:
    assert traffic_light(before, after, next_morning) is expected


def test_traffic_light_next_morning_is_optional() -> None:
    assert traffic_light(2, 3) is GREEN


# --- choose_phase ---------------------------------------------------------------------------

PHASE_SCENARIOS = [
    # (id, sessions oldest first, phase, changed, text the reason must contain)
    ("no sessions", [], ACUTE, False, "no sessions yet"),
    ("one green", [session(0)], ACUTE, False, "1 of 3 completed green sessions"),
    (
        "three greens one day apart: only every other counts",
        [session(0), session(1), session(2)],
        ACUTE,
        False,
        "2 of 3 completed green sessions",
    ),
    (
        "three greens two days apart",
        [session(0), session(2), session(4)],
        RECOVERY,
        True,
        "recovery: three green sessions in acute since 12 Nov",
    ),
    (
        "five greens one day apart: days 0, 2, 4 count",
        [session(n) for n in range(5)],
        RECOVERY,
        True,
        "since 12 Nov",
    ),
    (
        "three greens, two on the same day",
        [session(0), session(2), session(2)],
        ACUTE,
        False,
        "2 of 3",
    ),
    (
        "greens three days apart",
        [session(0), session(3), session(6)],
        RECOVERY,
        True,
        "since 12 Nov",
    ),
    (
        "greens in acute, then a green in recovery: the count restarts",
        [session(0), session(2), session(4), session(6, RECOVERY)],
        RECOVERY,
        False,
        "1 of 3",
    ),
    (
        "greens in acute, then recovery with no check-in: current is recovery",
        [session(0), session(2), session(4), session(6, RECOVERY, None)],
        RECOVERY,
        False,
        "0 of 3",
    ),
    (
        "three greens in recovery",
        [session(0, RECOVERY), session(2, RECOVERY), session(4, RECOVERY)],
        MAINTENANCE,
        True,
        "maintenance: three green sessions in recovery since 12 Nov",
    ),
    (
        "red in recovery steps back",
        [session(0, RECOVERY), session(2, RECOVERY, RED)],
        ACUTE,
        True,
        "stepped back after a red session on 14 Nov",
    ),
    (
        "red in maintenance steps back one",
        [session(0, MAINTENANCE, RED)],
        RECOVERY,
        True,
        "12 Nov",
    ),
    (
        "red in acute stays acute",
        [session(0), session(2, ACUTE, RED)],
        ACUTE,
        False,
        "a red session on 14 Nov",
    ),
    (
        "red after two counted greens",
        [session(0), session(2), session(4, ACUTE, RED)],
        ACUTE,
        False,
        "red",
    ),
    (
        "red breaks a run",
        [session(0), session(2, ACUTE, RED), session(4), session(6)],
        ACUTE,
        False,
        "2 of 3",
    ),
    (
        "red not completed still steps back",
        [session(0, RECOVERY, RED, completed=False)],
        ACUTE,
        True,
        "stepped back",
    ),
    (
        "red in recovery, then acute without a light: already stepped back",
        [session(0, RECOVERY, RED), session(1, ACUTE, None)],
        ACUTE,
        False,
        "acute: ",
    ),
    (
        "red in recovery, then recovery without a light: steps back",
        [session(0, RECOVERY, RED), session(1, RECOVERY, None)],
        ACUTE,
        True,
        "a red session on 12 Nov",
    ),
    (
        "red in maintenance, then recovery and acute without a light",
        [session(0, MAINTENANCE, RED), session(1, RECOVERY, None), session(3, ACUTE, None)],
        ACUTE,
        False,
        "acute: ",
    ),
    (
        "amber last: stay",
        [session(0), session(2), session(4, ACUTE, AMBER)],
        ACUTE,
        False,
        "staying after an amber session on 16 Nov",
    ),
    (
        "amber breaks a run",
        [session(0), session(2, ACUTE, AMBER), session(4), session(6)],
        ACUTE,
        False,
        "2 of 3",
    ),
    (
        "amber in recovery stays in recovery",
        [session(0, RECOVERY, AMBER)],
        RECOVERY,
        False,
        "amber",
    ),
    (
        "sessions without a light neither count nor break the run",
        [session(0), session(1, light=None), session(2), session(3, light=None), session(4)],
        RECOVERY,
        True,
        "since 12 Nov",
    ),
    (
        "only sessions without a light",
        [session(0, light=None), session(2, light=None)],
        ACUTE,
        False,
        "no pain check-ins yet",
    ),
    (
        "no light, in recovery",
        [session(0, RECOVERY, None)],
        RECOVERY,
        False,
        "no pain check-ins yet",
    ),
    (
        "an incomplete green does not count",
        [session(0), session(2, completed=False), session(4)],
        ACUTE,
        False,
        "2 of 3",
    ),
    (
        "an incomplete green does not break the run",
        [session(0), session(2), session(3, completed=False), session(4)],
        RECOVERY,
        True,
        "since 12 Nov",
    ),
    (
        "an incomplete green does not start the run",
        [session(0, completed=False), session(1), session(3), session(5)],
        RECOVERY,
        True,
        "since 13 Nov",
    ),
    (
        "maintenance with three greens stays",
        [session(0, MAINTENANCE), session(2, MAINTENANCE), session(4, MAINTENANCE)],
        MAINTENANCE,
        False,
        "maintenance: the full programme, green since 12 Nov",
    ),
    (
        "an explicit maintenance session sets the current phase",
        [session(0), session(2, MAINTENANCE)],
        MAINTENANCE,
        False,
        "the full programme, as last time",
    ),
    (
        "an explicit acute session after recovery greens",
        [session(0, RECOVERY), session(2, RECOVERY), session(3, ACUTE)],
        ACUTE,
        False,
        "1 of 3",
    ),
]


@pytest.mark.parametrize(
    ("sessions", "phase", "changed", "reason_part"),
    [case[1:] for case in PHASE_SCENARIOS],
    ids=[case[0] for case in PHASE_SCENARIOS],
)
def test_choose_phase(
    sessions: list[PastSession], phase: Phase, changed: bool, reason_part: str
) -> None:
    decision = choose_phase(sessions)
    assert (decision.phase, decision.changed) == (phase, changed), decision.reason
    assert decision.reason.startswith(f"{phase.value}: "), decision.reason
    assert reason_part in decision.reason
    assert "\n" not in decision.reason


def test_choose_phase_reason_for_the_spec_example() -> None:
    assert choose_phase([session(0), session(2), session(4)]) == PhaseDecision(
        RECOVERY, "recovery: three green sessions in acute since 12 Nov", True
    )


# --- choose_phase: properties over random histories ---------------------------------------

BACK = {ACUTE: ACUTE, RECOVERY: ACUTE, MAINTENANCE: RECOVERY}  # one phase back


@st.composite
def histories(draw: st.DrawFn, settled: bool = False) -> list[PastSession]:
    """Sessions oldest first on non-decreasing days, with random phases, lights and endings,
    then a few sessions without a check-in (say, the pain questions were skipped).

    ``settled``: the sessions after the last one with a light stay in that session's phase,
    so the last check-in and the last session agree on the current phase.
    """
    count = draw(st.integers(min_value=0, max_value=12))
    sessions: list[PastSession] = []
    today, phase = DAY0, draw(st.sampled_from(list(Phase)))
    for _ in range(count):
        today += timedelta(days=draw(st.sampled_from([2, 0, 1, 2, 3])))
        # Mostly the same phase, green and completed, so runs of greens that move a person
        # on are common enough to be tested, among reds, ambers and missing check-ins.
        phase = draw(st.sampled_from([phase] * 8 + list(Phase)))
        light = draw(st.sampled_from([GREEN] * 6 + [AMBER, RED, None]))
        completed = draw(st.sampled_from([True, True, True, False]))
        sessions.append(PastSession(today, phase, light, completed))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        today += timedelta(days=draw(st.integers(min_value=0, max_value=2)))
        sessions.append(PastSession(today, draw(st.sampled_from(list(Phase))), None, True))
    judged = [n for n, s in enumerate(sessions) if s.light is not None]
    if settled and judged:
        phase = sessions[judged[-1]].phase
        for n in range(judged[-1] + 1, len(sessions)):
            sessions[n] = sessions[n]._replace(phase=phase)
    return sessions


def last_check_in(sessions: list[PastSession]) -> PastSession | None:
    judged = [s for s in sessions if s.light is not None]
    return judged[-1] if judged else None


@settings(max_examples=300, deadline=None, derandomize=True)
@given(sessions=histories())
def test_choose_phase_rules_for_any_history(sessions: list[PastSession]) -> None:
    decision = choose_phase(sessions)
    current = sessions[-1].phase if sessions else ACUTE
    assert decision.reason.startswith(f"{decision.phase.value}: "), decision
    assert abs(RANK[decision.phase] - RANK[current]) <= 1, decision
    assert decision.changed == (decision.phase is not current), decision
    last = last_check_in(sessions)
    if last is not None and last.light is RED:
        assert RANK[decision.phase] <= RANK[current], decision
    if last is not None and last.light is AMBER:
        assert decision.phase is current, decision


@settings(max_examples=300, deadline=None, derandomize=True)
@given(sessions=histories(settled=True))
def test_choose_phase_rules_when_the_last_check_in_is_in_the_current_phase(
    sessions: list[PastSession],
) -> None:
    decision = choose_phase(sessions)
    current = sessions[-1].phase if sessions else ACUTE
    assert decision.reason.startswith(f"{decision.phase.value}: "), decision
    assert abs(RANK[decision.phase] - RANK[current]) <= 1, decision
    assert decision.changed == (decision.phase is not current), decision
    last = last_check_in(sessions)
    if last is not None and last.light is RED:
        assert decision.phase is BACK[last.phase], decision  # hence never above it
    if last is not None and last.light is AMBER:
        assert decision.phase is current, decision
    if last is None:
        assert decision.phase is current, decision


# The brief also asked, for any history, that after a red check-in the phase is never above
# the red session's phase. With "at most one step from the last session's phase" that cannot
# hold when sessions without a check-in in a phase two above the red follow it (red in
# acute, then maintenance): the two properties are checked together only on settled
# histories above.


def red_then_unchecked(history: list[PastSession]) -> st.SearchStrategy[list[PastSession]]:
    """``history``, then a red check-in and one to three sessions without a check-in."""
    end = history[-1].day if history else DAY0
    red = st.builds(
        PastSession, st.just(end), st.sampled_from(list(Phase)), st.just(RED), st.booleans()
    )
    unchecked = st.builds(
        PastSession, st.just(end), st.sampled_from(list(Phase)), st.none(), st.just(True)
    )
    return st.tuples(red, st.lists(unchecked, min_size=1, max_size=3)).map(
        lambda tail: [*history, tail[0], *tail[1]]
    )


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
)
@given(sessions=histories().flatmap(red_then_unchecked))
def test_choose_phase_one_red_steps_back_at_most_once(sessions: list[PastSession]) -> None:
    decision = choose_phase(sessions)
    current = sessions[-1].phase if sessions else ACUTE
    last = last_check_in(sessions)
    if last is not None and last.light is RED:
        lowest = min(BACK[last.phase], current, key=RANK.__getitem__)
        assert RANK[decision.phase] >= RANK[lowest], decision


RED_TWICE_SCENARIOS = [
    # (id, sessions, phase, changed): a red check-in, then sessions without one in the
    # phase it stepped back to; the red has been acted on, so no second step back.
    (
        "red in maintenance, then recovery without a light",
        [session(0, MAINTENANCE, RED), session(1, RECOVERY, None)],
        RECOVERY,
        False,
    ),
    (
        "red in maintenance, then two recovery sessions without a light",
        [session(0, MAINTENANCE, RED), session(1, RECOVERY, None), session(3, RECOVERY, None)],
        RECOVERY,
        False,
    ),
]


@pytest.mark.parametrize(
    ("sessions", "phase", "changed"),
    [case[1:] for case in RED_TWICE_SCENARIOS],
    ids=[case[0] for case in RED_TWICE_SCENARIOS],
)
def test_choose_phase_red_then_the_stepped_back_phase_without_a_light(
    sessions: list[PastSession], phase: Phase, changed: bool
) -> None:
    decision = choose_phase(sessions)
    assert (decision.phase, decision.changed) == (phase, changed), decision


# --- walking_goals --------------------------------------------------------------------------

WALKING = [
    # (id, minutes by week (week number -> minutes), today, goals by week number)
    ("no walks", {}, monday(0) + timedelta(days=2), {0: 50}),
    ("no walks, today a Sunday", {}, monday(3) + timedelta(days=6), {3: 50}),
    ("first week, short of the goal", {0: 20}, monday(0) + timedelta(days=2), {0: 50}),
    ("first week met: next week's goal not shown yet", {0: 60}, monday(0), {0: 50}),
    ("first week met", {0: 50}, monday(1), {0: 50, 1: 75}),
    (
        "met, missed, met",
        {0: 50, 1: 70, 2: 75},
        monday(3) + timedelta(days=1),
        {0: 50, 1: 75, 2: 75, 3: 100},
    ),
    (
        "missed by a minute keeps the goal",
        {0: 49, 1: 50},
        monday(2),
        {0: 50, 1: 50, 2: 75},
    ),
    (
        "cap at 150",
        dict.fromkeys(range(7), 200),
        monday(7) + timedelta(days=6),
        {0: 50, 1: 75, 2: 100, 3: 125, 4: 150, 5: 150, 6: 150, 7: 150},
    ),
    (
        "weeks with no walks in between hold the goal",
        {0: 60, 3: 80},
        monday(4) + timedelta(days=3),
        {0: 50, 1: 75, 2: 75, 3: 75, 4: 100},
    ),
    (
        "goals start at the first week with a walk",
        {2: 10},
        monday(3) + timedelta(days=4),
        {2: 50, 3: 50},
    ),
    (
        "no walks for weeks up to this week",
        {0: 100},
        monday(3) + timedelta(days=5),
        {0: 50, 1: 75, 2: 75, 3: 75},
    ),
]


@pytest.mark.parametrize(
    ("minutes", "today", "goals"),
    [case[1:] for case in WALKING],
    ids=[case[0] for case in WALKING],
)
def test_walking_goals(minutes: dict[int, int], today: date, goals: dict[int, int]) -> None:
    by_monday = {monday(week): total for week, total in minutes.items()}
    result = walking_goals(by_monday, today)
    assert result == {monday(week): goal for week, goal in goals.items()}
    assert list(result) == sorted(result), "weeks oldest first"
    assert all(week.weekday() == 0 for week in result)
    assert max(result) == week_start(today)


# --- week_start --------------------------------------------------------------


@pytest.mark.parametrize("offset", range(7), ids=lambda n: date(2024, 11, 11 + n).strftime("%a"))
def test_week_start_is_the_monday(offset: int) -> None:
    assert week_start(MONDAY + timedelta(days=offset)) == MONDAY


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 1, 1), date(2024, 12, 30)),  # a Wednesday, across a year end
        (date(2024, 3, 3), date(2024, 2, 26)),  # a Sunday, across a leap-year February
        (date(2024, 12, 1), date(2024, 11, 25)),  # a Sunday, across a month end
    ],
)
def test_week_start_across_boundaries(day: date, expected: date) -> None:
    assert week_start(day) == expected


# --- What a new plan is told -------------------------------------------------------------


def test_plan_guidance_explains_the_phase_and_each_exercise_left_out() -> None:
    flags = [Flag("bird-dog", date(2026, 11, 18)), Flag("plank", date(2026, 11, 2))]
    guidance = plan_guidance([], flags)
    assert guidance.phase is ACUTE
    assert guidance.flagged == {"bird-dog", "plank"}
    assert guidance.lines == [
        "Phase: acute: no sessions yet, so the gentle start",
        "Left out: bird-dog, marked as hurting on 18 Nov (corecli unflag bird-dog brings it back)",
        "Left out: plank, marked as hurting on 2 Nov (corecli unflag plank brings it back)",
    ]


def test_plan_guidance_with_a_phase_given_says_nothing_about_it() -> None:
    reds = [PastSession(date(2026, 11, 1), RECOVERY, RED, True)]
    guidance = plan_guidance(reds, [], phase=MAINTENANCE)
    assert (guidance.phase, guidance.flagged, guidance.lines) == (MAINTENANCE, frozenset(), [])


def test_plan_guidance_shows_a_flagged_id_literally() -> None:
    guidance = plan_guidance([], [Flag("odd\x1b[31m", date(2026, 11, 18))], phase=ACUTE)
    assert guidance.lines == [
        "Left out: odd\\x1b[31m, marked as hurting on 18 Nov"
        " (corecli unflag odd\\x1b[31m brings it back)"
    ]


def test_flag_notes_remind_of_the_exercises_that_hurt_in_a_routine_chosen_by_hand() -> None:
    flags = [Flag("bird-dog", date(2026, 11, 18)), Flag("plank", date(2026, 11, 2))]
    assert flag_notes(["pelvic-tilt", "plank"], flags) == [
        "Note: you marked plank as hurting on 2 Nov. Stop it if it hurts again."
    ]
    assert flag_notes(iter(["pelvic-tilt"]), flags) == []
