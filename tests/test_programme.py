"""The programme's rules read like the spec: where a person starts, how each session
moves them (dose, then level, then phase), how a red cuts back, and walking goals.

Every expected value here is written out by hand from the rules in the issue and
CLINICAL.md §3.3, not computed with a copy of the code under test. Dates are
fixed; nothing reads the clock.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corecli.programme import (
    DOSE_STEPS,
    PHASE_MIN_DAYS,
    PHASE_MIN_SESSIONS,
    POSITIONS,
    Decision,
    Flag,
    Judged,
    Progress,
    Setup,
    Standing,
    after_break,
    catch_up,
    decide,
    flag_notes,
    plan_guidance,
    set_up,
    starting_phase,
    walking_goals,
    week_start,
    why_not_counted,
)
from corecli.vocab import Change, Group, Level, Light, PainSpan, Phase

GREEN, AMBER, RED = Light.green, Light.amber, Light.red
ACUTE, RECOVERY, MAINTENANCE = Phase.acute, Phase.recovery, Phase.maintenance
BEG, INT, ADV = Level.beginner, Level.intermediate, Level.advanced

DAY0 = date(2024, 11, 12)  # a Tuesday: "12 Nov" in reasons
MONDAY = date(2024, 11, 11)


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def monday(n: int) -> date:
    return MONDAY + timedelta(weeks=n)


# --- Where a person starts -------------------------------------------------------------------

STARTS = [
    # (span, usual pain, groups) -> phase: stretching only while pain is new or high
    (PainSpan.new, 3, (), ACUTE),
    (PainSpan.new, 8, (), ACUTE),
    (PainSpan.subacute, 5, (), RECOVERY),
    (PainSpan.subacute, 7, (), ACUTE),
    (PainSpan.chronic, 6, (), RECOVERY),  # long-standing, moderate: not held in stretching
    (PainSpan.chronic, 9, (), ACUTE),
    (PainSpan.chronic, 2, (Group.surgery,), ACUTE),  # spinal surgery this year: gently
    (PainSpan.chronic, 4, (Group.pregnancy,), RECOVERY),
]


@pytest.mark.parametrize(("span", "usual", "groups", "phase"), STARTS)
def test_the_starting_phase_follows_how_long_and_how_bad(
    span: PainSpan, usual: int, groups: tuple[Group, ...], phase: Phase
) -> None:
    assert starting_phase(Setup(span, usual, frozenset(groups)))[0] is phase


def test_a_first_setup_starts_at_the_base_dose_and_says_why() -> None:
    decision = set_up(Setup(PainSpan.chronic, 5), DAY0, None)
    assert decision == Decision(
        DAY0,
        Standing(RECOVERY, BEG, 0, DAY0),
        Change.start,
        "recovery, beginner level, base dose: pain for over 12 weeks at a usual 5:"
        " strengthening from the start, gently",
    )


def test_running_setup_again_keeps_the_place_reached_unless_a_gentler_start_is_needed() -> None:
    reached = Standing(MAINTENANCE, INT, 2, day(0), 4)
    kept = set_up(Setup(PainSpan.chronic, 4), day(30), reached)
    assert (kept.standing, kept.change) == (reached, Change.hold)
    gentler = set_up(Setup(PainSpan.new, 4), day(30), reached)  # a new bout of pain
    assert gentler.standing == Standing(ACUTE, BEG, 0, day(30))
    assert gentler.change is Change.start


# --- How sessions move it: a clinician's scenarios -------------------------------------------


def run_sessions(start: Standing, sessions: list[tuple[int, Light, bool, bool]]) -> list[Decision]:
    """Decide each (day, light, finished, morning red) in turn, as the history would."""
    decisions, standing, previous = [], start, None
    for number, (n, light, finished, morning_red) in enumerate(sessions, 1):
        decision = decide(standing, Judged(number, day(n), light, finished, morning_red), previous)
        decisions.append(decision)
        standing, previous = decision.standing, light
    return decisions


def places(decisions: list[Decision]) -> list[tuple[Phase, Level, int]]:
    return [(d.standing.phase, d.standing.level, d.standing.dose_step) for d in decisions]


SCENARIOS = [
    (
        "usual pain 6 and stable: green against its own baseline, so it climbs",
        Standing(RECOVERY, BEG, 0, day(0)),
        [(n, GREEN, True, False) for n in range(0, 16, 2)],
        [
            (RECOVERY, BEG, 1), (RECOVERY, BEG, 2), (RECOVERY, BEG, 3),
            (RECOVERY, INT, 0),  # dose at the top, then the level
            (RECOVERY, INT, 1), (RECOVERY, INT, 2), (RECOVERY, INT, 3),
            (MAINTENANCE, INT, 0),  # then the phase: 14 days and 7 sessions in recovery
        ],
    ),
    (
        "7 -> 4 is green: acute climbs its doses, then waits for a week in acute",
        Standing(ACUTE, BEG, 0, day(0)),
        [(0, GREEN, True, False), (1, GREEN, True, False), (2, GREEN, True, False),
         (3, GREEN, True, False), (5, GREEN, True, False), (7, GREEN, True, False)],
        [
            (ACUTE, BEG, 1), (ACUTE, BEG, 2), (ACUTE, BEG, 3),
            (ACUTE, BEG, 3),  # day 3: four sessions, but only 3 days in acute
            (ACUTE, BEG, 3),  # day 5
            (RECOVERY, BEG, 0),  # day 7: a week, and enough sessions
        ],
    ),
    (
        "a flare: one red cuts a dose step, amber holds, greens climb back",
        Standing(RECOVERY, BEG, 2, day(0), 2),
        [(0, RED, True, False), (2, AMBER, True, False), (4, GREEN, True, False)],
        [(RECOVERY, BEG, 1), (RECOVERY, BEG, 1), (RECOVERY, BEG, 2)],
    ),
    (
        "two reds in a row: a dose, then a phase back only at the start of the phase",
        Standing(RECOVERY, BEG, 1, day(0), 3),
        [(8, RED, True, False), (9, RED, True, False), (10, RED, True, False)],
        [(RECOVERY, BEG, 0), (ACUTE, BEG, 3), (ACUTE, BEG, 2)],
    ),
    (
        "one red at the start of a phase holds there; a red next morning steps back",
        Standing(RECOVERY, BEG, 0, day(0), 3),
        [(8, RED, True, False), (10, GREEN, True, False), (12, RED, True, True)],
        [(RECOVERY, BEG, 0), (RECOVERY, BEG, 1), (RECOVERY, BEG, 0)],
    ),
    (
        "a red level back: intermediate at base goes to beginner at its top dose",
        Standing(RECOVERY, INT, 0, day(0), 5),
        [(10, RED, True, False)],
        [(RECOVERY, BEG, 3)],
    ),
    (
        "a session quit part-way: green does not step up, red still cuts",
        Standing(RECOVERY, BEG, 1, day(0), 1),
        [(2, GREEN, False, False), (4, RED, False, False)],
        [(RECOVERY, BEG, 1), (RECOVERY, BEG, 0)],
    ),
    (
        "the top of the programme holds",
        Standing(MAINTENANCE, ADV, DOSE_STEPS, day(0), 9),
        [(20, GREEN, True, False)],
        [(MAINTENANCE, ADV, DOSE_STEPS)],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("start", "sessions", "expected"),
    [case[1:] for case in SCENARIOS],
    ids=[case[0] for case in SCENARIOS],
)
def test_a_clinicians_scenarios(
    start: Standing,
    sessions: list[tuple[int, Light, bool, bool]],
    expected: list[tuple[Phase, Level, int]],
) -> None:
    assert places(run_sessions(start, sessions)) == expected


def test_the_reasons_say_what_moved_and_why() -> None:
    acute = Standing(ACUTE, BEG, 3, day(0), 3)
    up = decide(acute, Judged(4, day(9), GREEN, True, why="pain down 3, from 7 to 4"), GREEN)
    assert up.reason == (
        "recovery: 4 counted sessions since 12 Nov, 9 days in acute;"
        " green on 21 Nov (pain down 3, from 7 to 4)"
    )
    assert (up.change, up.standing) == (Change.up, Standing(RECOVERY, BEG, 0, day(9), 0))
    early = decide(acute, Judged(4, day(4), GREEN, True), GREEN)
    assert early.reason == (
        "acute, top dose: recovery comes after at least 7 days and 3 counted sessions in acute"
        " (so far 4 days, 4); green on 16 Nov"
    )
    held = decide(Standing(RECOVERY, BEG, 0, day(0)), Judged(1, day(2), RED, True), None)
    assert held.reason == (
        "recovery, beginner level, base dose: the start of recovery, so no lower; a red session"
        " on 14 Nov. Back to acute only after two reds in a row or a red next morning"
    )
    morning = Judged(2, day(3), GREEN, True, session_day=day(2))
    assert "green on 14 Nov" in decide(acute, morning, None).reason  # the session's day


def test_a_long_break_starts_again_one_step_easier_once() -> None:
    standing = Standing(RECOVERY, INT, 1, day(0), 6)
    last = Decision(day(10), standing, Change.up, "up")
    assert catch_up(last, day(10), day(30)) == []  # 20 days: not yet
    (rested,) = catch_up(last, day(10), day(31))
    assert rested.standing == Standing(RECOVERY, INT, 0, day(0), 6)
    assert rested.reason == (
        "recovery, intermediate level, base dose: one step easier to start again after"
        " 3 weeks without a session (since 22 Nov)"
    )
    assert catch_up(rested, day(10), day(40)) == []  # counted from the step back
    # Never across a phase boundary, and nothing below the gentlest.
    assert after_break(Standing(RECOVERY, BEG, 0, day(0)), day(0), day(60)) is None
    assert catch_up(None, None, day(60)) == []


def test_which_sessions_count() -> None:
    recovery = Standing(RECOVERY, BEG, 0, day(0))
    assert why_not_counted(recovery, RECOVERY) is None
    assert why_not_counted(recovery, RECOVERY, from_file=True) is None
    assert why_not_counted(recovery, ACUTE, from_file=True) == (
        "a routine for acute, and your programme is in recovery"
    )
    assert why_not_counted(recovery, MAINTENANCE, exercise=True) == (
        "one exercise, chosen with --exercise"
    )
    assert why_not_counted(recovery, ACUTE, phase_given=True) == "a phase chosen with --phase"
    assert why_not_counted(recovery, RECOVERY, practice=True) == "--practice"
    assert why_not_counted(None, ACUTE) is None  # a new person: the gentle start counts


# --- Properties over random histories ---------------------------------------------------------

standings = st.builds(
    Standing.moved_to,
    st.just(Standing(ACUTE, BEG, 0, DAY0)),
    st.integers(min_value=0, max_value=POSITIONS - 1),
    st.just(DAY0),
).flatmap(lambda s: st.builds(s._replace, sessions=st.integers(min_value=0, max_value=12)))
sessions = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=4),  # days since the one before
        st.sampled_from([GREEN, AMBER, RED]),
        st.booleans(),  # finished
        st.booleans(),  # red next morning
    ),
    max_size=30,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(start=standings, history=sessions)
def test_never_more_than_one_step_and_never_up_after_a_red(
    start: Standing, history: list[tuple[int, Light, bool, bool]]
) -> None:
    standing, previous, n = start, None, 0
    for number, (gap, light, finished, morning_red) in enumerate(history, 1):
        n += gap
        judged = Judged(number, day(n), light, finished, morning_red and light is RED)
        decision = decide(standing, judged, previous)
        after = decision.standing
        step = after.position - standing.position
        assert abs(step) <= 1, (standing, after)
        if light is RED:
            assert step <= 0
        if light is AMBER or not finished:
            assert step <= 0
        if after.phase is not standing.phase:
            if step > 0:  # a new phase only after a week and three counted sessions
                assert (day(n) - standing.began).days >= PHASE_MIN_DAYS
                assert standing.sessions + 1 >= PHASE_MIN_SESSIONS
            else:  # a phase back only after two reds in a row or a red next morning
                assert previous is RED or judged.morning_red
            assert (after.began, after.sessions) == (day(n), 0)
        assert (step == 0) == (decision.change in (Change.hold,))
        standing, previous = after, light


# --- What a new plan is told -------------------------------------------------------------


def test_plan_guidance_explains_the_programme_and_each_exercise_left_out() -> None:
    flags = [Flag("bird-dog", date(2026, 11, 18)), Flag("plank", date(2026, 11, 2))]
    guidance = plan_guidance(Progress(flags=flags))
    assert (guidance.phase, guidance.level, guidance.dose_step) == (ACUTE, BEG, 0)
    assert guidance.flagged == {"bird-dog", "plank"}
    assert guidance.lines == [
        "Programme: acute, base dose: the gentle start (corecli start sets it up)",
        "Left out: bird-dog, marked as hurting on 18 Nov (corecli unflag bird-dog brings it back)",
        "Left out: plank, marked as hurting on 2 Nov (corecli unflag plank brings it back)",
    ]
    standing = Standing(MAINTENANCE, INT, 2, date(2026, 11, 1), 3)
    reached = plan_guidance(Progress(standing, "maintenance: up"))
    assert (reached.phase, reached.level, reached.dose_step) == (MAINTENANCE, INT, 2)
    assert reached.lines == ["Programme: maintenance: up"]


def test_plan_guidance_with_a_phase_given_says_nothing_about_it() -> None:
    standing = Standing(RECOVERY, INT, 2, date(2026, 11, 1))
    guidance = plan_guidance(Progress(standing, "recovery: up"), phase=MAINTENANCE)
    assert (guidance.phase, guidance.level, guidance.dose_step) == (MAINTENANCE, None, 0)
    assert (guidance.flagged, guidance.lines) == (frozenset(), [])


def test_plan_guidance_shows_a_flagged_id_literally() -> None:
    guidance = plan_guidance(Progress(flags=[Flag("odd\x1b[31m", date(2026, 11, 18))]), phase=ACUTE)
    assert guidance.lines == [
        "Left out: odd\\x1b[31m, marked as hurting on 18 Nov"
        " (corecli unflag odd\\x1b[31m brings it back)"
    ]


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


def test_flag_notes_remind_of_the_exercises_that_hurt_in_a_routine_chosen_by_hand() -> None:
    flags = [Flag("bird-dog", date(2026, 11, 18)), Flag("plank", date(2026, 11, 2))]
    assert flag_notes(["pelvic-tilt", "plank"], flags) == [
        "Note: you marked plank as hurting on 2 Nov. Stop it if it hurts again."
    ]
    assert flag_notes(iter(["pelvic-tilt"]), flags) == []
