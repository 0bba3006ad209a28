"""The session timeline: one list of timed segments that the planner sums and the timer plays."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corecli.models import SessionDose
from corecli.timeline import (
    DEFAULT_SETTINGS,
    Segment,
    SegmentKind,
    TimedItem,
    TimelineSettings,
    build_timeline,
    item_s,
    total_s,
)
from corecli.vocab import Side

Shape = tuple[str, int, int, int, Side | None]  # kind, seconds, set_no, rep_no, side

# Default settings: prep 10 s, transition 10 s, switch sides 5 s.
START: list[Shape] = [("prep", 10, 0, 0, None), ("transition", 10, 0, 0, None)]
END: list[Shape] = [("done", 0, 0, 0, None)]

# (name, dose, the segments between the transition and done)
CASES: list[tuple[str, SessionDose, list[Shape]]] = [
    ("one hold", SessionDose(hold_s=10), [("hold", 10, 1, 1, None)]),
    (
        "paced reps use rep_s",
        SessionDose(reps=2, rep_s=4, hold_s=0),
        [("rep", 4, 1, 1, None), ("rep", 4, 1, 2, None)],
    ),
    (
        "a hold ignores rep_s",
        SessionDose(reps=2, rep_s=4, hold_s=7),
        [("hold", 7, 1, 1, None), ("hold", 7, 1, 2, None)],
    ),
    (
        "rests only between reps",
        SessionDose(reps=3, hold_s=5, rest_s=2),
        [
            ("hold", 5, 1, 1, None),
            ("rest", 2, 1, 2, None),
            ("hold", 5, 1, 2, None),
            ("rest", 2, 1, 3, None),
            ("hold", 5, 1, 3, None),
        ],
    ),
    (
        "set rest between sets, not after the last",
        SessionDose(sets=2, reps=2, rep_s=3, hold_s=0, rest_s=1, set_rest_s=30),
        [
            ("rep", 3, 1, 1, None),
            ("rest", 1, 1, 2, None),
            ("rep", 3, 1, 2, None),
            ("set-rest", 30, 1, 0, None),
            ("rep", 3, 2, 1, None),
            ("rest", 1, 2, 2, None),
            ("rep", 3, 2, 2, None),
        ],
    ),
    (
        "no set rest when set_rest_s is 0",
        SessionDose(sets=2, hold_s=5),
        [("hold", 5, 1, 1, None), ("hold", 5, 2, 1, None)],
    ),
    (
        "per side: left, switch, right",
        SessionDose(reps=2, hold_s=5, rest_s=2, per_side=True),
        [
            ("hold", 5, 1, 1, Side.left),
            ("rest", 2, 1, 2, Side.left),
            ("hold", 5, 1, 2, Side.left),
            ("switch", 5, 1, 0, Side.right),
            ("hold", 5, 1, 1, Side.right),
            ("rest", 2, 1, 2, Side.right),
            ("hold", 5, 1, 2, Side.right),
        ],
    ),
    (
        "per side in sets: both sides each set",
        SessionDose(sets=2, hold_s=5, set_rest_s=10, per_side=True),
        [
            ("hold", 5, 1, 1, Side.left),
            ("switch", 5, 1, 0, Side.right),
            ("hold", 5, 1, 1, Side.right),
            ("set-rest", 10, 1, 0, None),
            ("hold", 5, 2, 1, Side.left),
            ("switch", 5, 2, 0, Side.right),
            ("hold", 5, 2, 1, Side.right),
        ],
    ),
]


def shape(segment: Segment) -> Shape:
    return (segment.kind.value, segment.duration_s, segment.set_no, segment.rep_no, segment.side)


@pytest.mark.parametrize(("name", "dose", "work"), CASES, ids=[c[0] for c in CASES])
def test_segments_of_one_item(name: str, dose: SessionDose, work: list[Shape]) -> None:
    timeline = build_timeline([TimedItem("knee-hug", dose)])
    assert [shape(s) for s in timeline] == START + work + END
    for segment in timeline[1:-1]:
        assert (segment.item, segment.exercise) == (0, "knee-hug")
        if segment.kind is not SegmentKind.transition:
            assert segment.sets == dose.sets
        if segment.kind in (SegmentKind.hold, SegmentKind.rep, SegmentKind.rest):
            assert segment.reps == dose.reps
    assert (timeline[0].item, timeline[-1].item) == (None, None)


@pytest.mark.parametrize(("name", "dose", "work"), CASES, ids=[c[0] for c in CASES])
def test_starts_are_cumulative_and_the_total_is_the_last_end(
    name: str, dose: SessionDose, work: list[Shape]
) -> None:
    items = [TimedItem("a", dose), TimedItem("b", SessionDose(hold_s=20))]
    timeline = build_timeline(items)
    assert timeline[0].start_s == 0
    for before, after in pairwise(timeline):
        assert after.start_s == before.end_s
    assert timeline[-1].kind is SegmentKind.done
    assert timeline[-1].duration_s == 0
    assert total_s(items) == timeline[-1].end_s == sum(s.duration_s for s in timeline)
    expected = 10 + 10 + sum(w[1] for w in work) + 10 + 20
    assert total_s(items) == expected


def test_every_item_gets_a_transition_and_its_own_index() -> None:
    items = [TimedItem("a", SessionDose(hold_s=10)), TimedItem("b", SessionDose(reps=2, rep_s=3))]
    timeline = build_timeline(items)
    assert [(s.kind.value, s.item, s.exercise) for s in timeline] == [
        ("prep", None, None),
        ("transition", 0, "a"),
        ("hold", 0, "a"),
        ("transition", 1, "b"),
        ("rep", 1, "b"),
        ("rep", 1, "b"),
        ("done", None, None),
    ]


def test_an_empty_routine_is_prep_then_done() -> None:
    assert [shape(s) for s in build_timeline([])] == START[:1] + END
    assert total_s([]) == 10


@pytest.mark.parametrize(
    ("dose", "expected_s"),
    [
        (SessionDose(hold_s=10), 10 + 10),
        (SessionDose(reps=3, hold_s=5, rest_s=2), 10 + 3 * 5 + 2 * 2),
        (SessionDose(reps=2, hold_s=5, per_side=True), 10 + 2 * 5 + 5 + 2 * 5),
        (SessionDose(sets=3, reps=2, rep_s=2, set_rest_s=60), 10 + 3 * 2 * 2 + 2 * 60),
    ],
)
def test_item_s_is_one_item_with_its_transition(dose: SessionDose, expected_s: int) -> None:
    assert item_s(dose) == expected_s
    assert total_s([TimedItem("x", dose)]) == DEFAULT_SETTINGS.prep_s + expected_s


SETTINGS_CASES = [
    (TimelineSettings(prep_s=30), 30 + 10 + 5 + 5 + 5),
    (TimelineSettings(transition_s=0), 10 + 0 + 5 + 5 + 5),
    (TimelineSettings(switch_s=12), 10 + 10 + 5 + 12 + 5),
    (TimelineSettings(prep_s=0, transition_s=0, switch_s=0), 5 + 5),
]


@pytest.mark.parametrize(("timing", "expected_s"), SETTINGS_CASES)
def test_settings_change_prep_transition_and_switch(
    timing: TimelineSettings, expected_s: int
) -> None:
    items = [TimedItem("a", SessionDose(hold_s=5, per_side=True))]
    timeline = build_timeline(items, timing)
    assert total_s(items, timing) == timeline[-1].end_s == expected_s
    assert item_s(items[0].dose, timing) == expected_s - timing.prep_s
    kinds = [s.kind for s in timeline]
    assert (SegmentKind.switch in kinds) == (timing.switch_s > 0)
    assert timeline[0].duration_s == timing.prep_s


def test_only_holds_and_reps_are_work() -> None:
    assert {k for k in SegmentKind if k.is_work} == {SegmentKind.hold, SegmentKind.rep}


doses = st.builds(
    SessionDose,
    sets=st.integers(1, 4),
    reps=st.integers(1, 6),
    hold_s=st.sampled_from([0, 0, 1, 5, 30]),
    rep_s=st.integers(1, 5),
    rest_s=st.integers(0, 5),
    set_rest_s=st.integers(0, 60),
    per_side=st.booleans(),
)
timings = st.builds(
    TimelineSettings,
    prep_s=st.integers(0, 30),
    transition_s=st.integers(0, 30),
    switch_s=st.integers(0, 10),
)


@settings(max_examples=150, deadline=None)
@given(items=st.lists(doses, max_size=4), timing=timings)
def test_total_matches_a_closed_form(items: list[SessionDose], timing: TimelineSettings) -> None:
    timed = [TimedItem(f"e{i}", dose) for i, dose in enumerate(items)]
    expected = timing.prep_s
    work_segments = 0
    for dose in items:
        sides = 2 if dose.per_side else 1
        rounds = dose.sets * sides  # one round: the reps of one set on one side
        expected += timing.transition_s
        expected += rounds * dose.reps * (dose.hold_s or dose.rep_s)
        expected += rounds * (dose.reps - 1) * dose.rest_s
        expected += (dose.sets - 1) * dose.set_rest_s
        expected += dose.sets * (sides - 1) * timing.switch_s
        work_segments += rounds * dose.reps
    timeline = build_timeline(timed, timing)
    assert total_s(timed, timing) == timeline[-1].end_s == expected
    assert sum(s.kind.is_work for s in timeline) == work_segments
    assert sum(item_s(d, timing) for d in items) + timing.prep_s == expected
    assert all(s.duration_s > 0 for s in timeline[1:-1] if s.kind is not SegmentKind.transition)


@settings(max_examples=300, deadline=None)
@given(
    dose=st.builds(
        SessionDose,
        sets=st.integers(1, 10),
        reps=st.integers(1, 50),
        hold_s=st.integers(0, 600),
        rep_s=st.integers(1, 30),
        rest_s=st.integers(0, 300),
        set_rest_s=st.integers(0, 600),
        per_side=st.booleans(),
    ),
    prep_s=st.integers(0, 120),
    transition_s=st.integers(0, 120),
    switch_s=st.integers(0, 30),
)
def test_item_s_in_closed_form_equals_walking_the_segments(
    dose: SessionDose, prep_s: int, transition_s: int, switch_s: int
) -> None:
    timing = TimelineSettings(prep_s=prep_s, transition_s=transition_s, switch_s=switch_s)
    walked = build_timeline([TimedItem("x", dose)], timing)[-1].start_s - prep_s
    assert item_s(dose, timing) == walked
