"""The timer's state machine, driven with explicit times: no clock, no sleeping."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corecli.models import SessionDose
from corecli.session import BACK_AGAIN_S, Command, Session
from corecli.timeline import Segment, SegmentKind, TimedItem, TimelineSettings
from corecli.timeline import build_timeline as timeline_for
from corecli.vocab import Ending, Outcome, Side


def build_timeline(items: Sequence[TimedItem]) -> list[Segment]:
    """A timeline with the 5 s get-ready these tests' times were worked out with."""
    return timeline_for(items, TimelineSettings(prep_s=5))


# Two exercises that between them have every kind of segment:
#
#   0 prep 5        5 set-rest 10    10 rep L1 3     15 rest 2
#   1 transition 10 6 hold 5         11 rest 2       16 rep R2 3
#   2 hold 5        7 rest 3         12 rep L2 3     17 done
#   3 rest 3        8 hold 5         13 switch 5
#   4 hold 5        9 transition 10  14 rep R1 3
TIMELINE = build_timeline(
    [
        TimedItem("bridge", SessionDose(sets=2, reps=2, hold_s=5, rest_s=3, set_rest_s=10)),
        TimedItem("leg-lift", SessionDose(reps=2, rep_s=3, rest_s=2, per_side=True)),
    ]
)
TOTAL_S = 82
START = 1000.0  # any monotonic reading will do; not zero, so offsets are visible

OUTCOME = {
    "D": Outcome.done,
    "S": Outcome.skipped,
    "H": Outcome.hurt,
    "X": Outcome.stopped,
    "N": Outcome.not_reached,
}


def outcomes(session: Session) -> str:
    """The items' outcomes as letters, e.g. ``DN``: first done, second not reached."""
    letters = {outcome: letter for letter, outcome in OUTCOME.items()}
    return "".join(letters[item.outcome] for item in session.items)


def at_segment(index: int, into_s: float = 0.0, *, self_paced: bool = False) -> Session:
    """A session that has played without pauses up to ``into_s`` into segment ``index``."""
    session = Session.start(TIMELINE, START, self_paced=self_paced)
    session.advance(START + TIMELINE[index].start_s + into_s)
    assert session.index == index
    return session


def test_the_sample_timeline_has_every_kind_of_segment() -> None:
    kinds = [segment.kind for segment in TIMELINE]
    assert set(kinds) == set(SegmentKind)
    assert TIMELINE[-1].end_s == TOTAL_S
    assert (TIMELINE[13].kind, TIMELINE[13].side) == (SegmentKind.switch, Side.right)


def test_start_needs_a_timeline_that_ends_with_done() -> None:
    with pytest.raises(ValueError, match="done segment"):
        Session.start(TIMELINE[:-1], START)
    with pytest.raises(ValueError, match="done segment"):
        Session.start([], START)


def test_a_new_session_is_in_the_get_ready_countdown() -> None:
    session = Session.start(TIMELINE, START)
    assert session.segment.kind is SegmentKind.prep
    assert (session.segment_start, session.deadline) == (START, START + 5)
    assert session.remaining(START) == 5
    assert session.planned_remaining(START) == TOTAL_S
    assert not (session.finished or session.paused or session.waiting)
    assert outcomes(session) == "NN"


# --- Every command at every kind of segment ---------------------------------------------------

# (segment index, its kind) for one segment of each kind; the transition and the rep
# segments belong to the second exercise, so the first is already done there.
AT = {
    SegmentKind.prep: 0,
    SegmentKind.transition: 9,
    SegmentKind.hold: 4,
    SegmentKind.rest: 3,
    SegmentKind.set_rest: 5,
    SegmentKind.rep: 12,
    SegmentKind.switch: 13,
}

# kind, keys pressed (2.5 s into the segment, then one a second), then: segment index,
# outcomes, ending. "back back" is two presses within BACK_AGAIN_S: the previous segment.
COMMAND_CASES = [
    (SegmentKind.prep, "pause", 0, "NN", None),
    (SegmentKind.prep, "next", 1, "NN", None),
    (SegmentKind.prep, "back", 0, "NN", None),
    (SegmentKind.prep, "back back", 0, "NN", None),  # nothing before the first segment
    (SegmentKind.prep, "skip", 1, "NN", None),  # no exercise to skip: on to the next part
    (SegmentKind.prep, "hurt", 1, "NN", None),
    (SegmentKind.prep, "quit", 0, "NN", Ending.quit),
    (SegmentKind.transition, "pause", 9, "DN", None),
    (SegmentKind.transition, "next", 10, "DN", None),
    (SegmentKind.transition, "back", 9, "DN", None),
    (SegmentKind.transition, "back back", 8, "NN", None),  # back into the first exercise
    (SegmentKind.transition, "skip", 17, "DS", Ending.finished),
    (SegmentKind.transition, "hurt", 17, "DH", Ending.finished),
    (SegmentKind.transition, "quit", 9, "DX", Ending.quit),
    (SegmentKind.hold, "pause", 4, "NN", None),
    (SegmentKind.hold, "next", 5, "NN", None),
    (SegmentKind.hold, "back", 4, "NN", None),
    (SegmentKind.hold, "back back", 3, "NN", None),
    (SegmentKind.hold, "skip", 9, "SN", None),
    (SegmentKind.hold, "hurt", 9, "HN", None),
    (SegmentKind.hold, "quit", 4, "XN", Ending.quit),
    (SegmentKind.rest, "pause", 3, "NN", None),
    (SegmentKind.rest, "next", 4, "NN", None),
    (SegmentKind.rest, "back", 3, "NN", None),
    (SegmentKind.rest, "back back", 2, "NN", None),
    (SegmentKind.rest, "skip", 9, "SN", None),
    (SegmentKind.rest, "hurt", 9, "HN", None),
    (SegmentKind.rest, "quit", 3, "XN", Ending.quit),
    (SegmentKind.set_rest, "pause", 5, "NN", None),
    (SegmentKind.set_rest, "next", 6, "NN", None),
    (SegmentKind.set_rest, "back", 5, "NN", None),
    (SegmentKind.set_rest, "back back", 4, "NN", None),
    (SegmentKind.set_rest, "skip", 9, "SN", None),
    (SegmentKind.set_rest, "hurt", 9, "HN", None),
    (SegmentKind.set_rest, "quit", 5, "XN", Ending.quit),
    (SegmentKind.rep, "pause", 12, "DN", None),
    (SegmentKind.rep, "next", 13, "DN", None),
    (SegmentKind.rep, "back", 12, "DN", None),
    (SegmentKind.rep, "back back", 11, "DN", None),
    (SegmentKind.rep, "skip", 17, "DS", Ending.finished),
    (SegmentKind.rep, "hurt", 17, "DH", Ending.finished),
    (SegmentKind.rep, "quit", 12, "DX", Ending.quit),
    (SegmentKind.switch, "pause", 13, "DN", None),
    (SegmentKind.switch, "next", 14, "DN", None),
    (SegmentKind.switch, "back", 13, "DN", None),
    (SegmentKind.switch, "back back", 12, "DN", None),
    (SegmentKind.switch, "skip", 17, "DS", Ending.finished),
    (SegmentKind.switch, "hurt", 17, "DH", Ending.finished),
    (SegmentKind.switch, "quit", 13, "DX", Ending.quit),
]


@pytest.mark.parametrize(
    ("kind", "keys", "index", "expected_outcomes", "ending"),
    COMMAND_CASES,
    ids=[f"{kind.value}-{keys.replace(' ', '-')}" for kind, keys, *_ in COMMAND_CASES],
)
def test_each_command_at_each_kind_of_segment(
    kind: SegmentKind, keys: str, index: int, expected_outcomes: str, ending: Ending | None
) -> None:
    session = at_segment(AT[kind], 2.5)
    now = session.segment_start + 2.5
    for key in keys.split():
        session.command(Command(key), now)
        last, now = now, now + 1.0

    assert session.index == index
    assert session.segment.kind is TIMELINE[index].kind
    assert outcomes(session) == expected_outcomes
    assert session.ending is ending
    assert session.paused is (keys == "pause")
    if keys == "pause":
        assert session.segment_start == START + TIMELINE[index].start_s  # where it was
    elif ending is not Ending.quit:
        assert session.segment_start == last  # the new segment starts at the key press
        if ending is None:
            assert session.deadline == last + TIMELINE[index].duration_s
    if ending is not None:
        assert session.ended_at == last


def test_the_kind_table_covers_every_kind_but_done() -> None:
    assert set(AT) == set(SegmentKind) - {SegmentKind.done}
    assert {TIMELINE[index].kind for index in AT.values()} == set(AT)
    keys = ("pause", "next", "back", "back back", "skip", "hurt", "quit")
    cases = [(kind, pressed) for kind, pressed, *_ in COMMAND_CASES]
    assert sorted(cases) == sorted(itertools.product(AT, keys))


@pytest.mark.parametrize(
    ("into_s", "index"),
    [
        (0.0, 3),  # at the very start: the previous segment
        (BACK_AGAIN_S - 0.25, 3),
        (BACK_AGAIN_S, 4),  # from BACK_AGAIN_S on: the start of this one
        (4.75, 4),
    ],
)
def test_back_goes_to_the_previous_segment_only_near_the_start(into_s: float, index: int) -> None:
    session = at_segment(4, into_s)
    now = START + TIMELINE[4].start_s + into_s
    assert session.command(Command.back, now) == [TIMELINE[index]]
    assert session.index == index
    assert session.segment_start == now


def test_back_twice_but_slowly_restarts_the_segment_twice() -> None:
    session = at_segment(4, 3.0)
    first = START + TIMELINE[4].start_s + 3.0
    session.command(Command.back, first)
    session.command(Command.back, first + BACK_AGAIN_S)
    assert session.index == 4
    assert session.segment_start == first + BACK_AGAIN_S


def test_back_while_paused_measures_from_the_start_without_the_pause() -> None:
    # 1 s into the segment, paused for a minute: still "near the start", so back goes back.
    session = at_segment(4, 1.0)
    now = session.segment_start + 1.0
    session.command(Command.pause, now)
    session.command(Command.back, now + 60)
    assert session.index == 3
    assert not session.paused
    assert session.paused_s == 60


def test_back_into_a_finished_exercise_makes_it_unfinished_until_left_again() -> None:
    session = at_segment(9, 0.5)
    assert outcomes(session) == "DN"
    now = session.segment_start + 0.5
    session.command(Command.back, now)
    assert (session.index, outcomes(session)) == (8, "NN")
    session.advance(now + 5)
    assert (session.index, outcomes(session)) == (9, "DN")


def test_skip_and_hurt_return_the_segment_entered() -> None:
    session = at_segment(2, 1.0)
    assert session.command(Command.skip, START + 16) == [TIMELINE[9]]
    assert session.command(Command.hurt, START + 17) == [TIMELINE[17]]
    assert outcomes(session) == "SH"
    assert session.ending is Ending.finished


# --- Pausing ----------------------------------------------------------------------------------


def test_pause_freezes_remaining_and_moves_the_deadline_by_the_pause() -> None:
    session = at_segment(2, 1.25)  # a 5 s hold, 1.25 s in
    paused_at = START + 16.25
    deadline = session.deadline
    assert session.command(Command.pause, paused_at) == []
    for later in (paused_at, paused_at + 1, paused_at + 3600):
        assert session.remaining(later) == 3.75
        assert session.next_change(later) == math.inf
        assert session.advance(later) == []  # deadlines do not pass while paused
    assert session.elapsed(paused_at + 30) == 16.25

    session.command(Command.pause, paused_at + 30)
    assert not session.paused
    assert session.deadline == deadline + 30
    assert session.segment_start == START + 15 + 30
    assert session.paused_s == 30
    assert session.remaining(paused_at + 30) == 3.75
    assert session.elapsed(paused_at + 31) == 17.25


def test_pauses_add_up_and_shift_every_later_segment() -> None:
    session = Session.start(TIMELINE, START)
    for pause_at, length in ((3.0, 10.0), (40.5, 2.25), (70.0, 0.5)):
        session.advance(START + pause_at + session.paused_s)
        now = START + pause_at + session.paused_s
        session.command(Command.pause, now)
        session.command(Command.pause, now + length)
    session.advance(START + 500)
    assert session.paused_s == 12.75
    assert session.ended_at == START + TOTAL_S + 12.75
    assert session.elapsed(START + 500) == TOTAL_S


def test_quitting_while_paused_counts_the_pause() -> None:
    session = at_segment(4, 1.0)
    now = session.segment_start + 1.0
    session.command(Command.pause, now)
    session.command(Command.quit, now + 20)
    assert session.ending is Ending.quit
    assert session.paused_s == 20
    assert not session.paused
    assert session.elapsed(now + 1000) == TIMELINE[4].start_s + 1.0


# --- Deadlines, not decrements ----------------------------------------------------------------


def test_late_wake_ups_do_not_drift() -> None:
    """However late the loop notices a deadline, the next segment starts at that deadline."""
    session = Session.start(TIMELINE, START)
    starts = {0: session.segment_start}
    while not session.finished:
        for segment in session.advance(session.deadline + 0.37):
            starts[TIMELINE.index(segment)] = session.segment_start
            assert segment is session.segment
    assert starts == {k: START + segment.start_s for k, segment in enumerate(TIMELINE)}
    assert session.ended_at == START + TOTAL_S


def test_late_wake_ups_after_a_pause_are_shifted_by_the_pause_only() -> None:
    session = at_segment(6, 0.5)
    session.command(Command.pause, START + 38.5)
    session.command(Command.pause, START + 38.5 + 7.0)
    while not session.finished:
        before = session.index
        session.advance(session.deadline + 0.37)
        assert session.index == before + 1
        assert session.segment_start == START + TIMELINE[session.index].start_s + 7.0


def test_one_advance_across_many_deadlines_enters_every_segment_in_order() -> None:
    session = Session.start(TIMELINE, START)
    assert session.advance(START + 52) == TIMELINE[1:10]
    assert session.segment_start == START + 51
    assert outcomes(session) == "DN"
    assert session.advance(START + 10_000) == TIMELINE[10:]
    assert session.ending is Ending.finished
    assert session.ended_at == START + TOTAL_S
    assert outcomes(session) == "DD"


def test_advance_before_the_deadline_enters_nothing() -> None:
    session = Session.start(TIMELINE, START)
    assert session.advance(START + 4.999) == []
    assert session.advance(START + 5) == [TIMELINE[1]]  # the deadline itself ends the segment


@pytest.mark.parametrize(
    ("into_s", "expected_s"),
    [
        (0.0, 1.0),  # 5 s left: the display changes to 4 a second later
        (0.25, 1.0),  # 4.75 s left shows 5; at 4.0 it shows 4
        (1.5, 2.0),
        (4.0, 5.0),  # last second: the deadline
        (4.5, 5.0),
        (5.0, 5.0),  # the deadline is due now
    ],
)
def test_next_change_is_the_next_whole_second_or_the_deadline(
    into_s: float, expected_s: float
) -> None:
    session = Session.start(TIMELINE, START)
    assert session.next_change(START + into_s) == START + expected_s


def test_next_change_is_never_while_paused_finished_or_waiting() -> None:
    paused = at_segment(2, 1.0)
    paused.command(Command.pause, START + 16)
    finished = Session.start(TIMELINE, START)
    finished.advance(START + TOTAL_S)
    waiting = at_segment(10, self_paced=True)
    for session in (paused, finished, waiting):
        assert session.next_change(START + 100) == math.inf


# --- Self-paced reps -------------------------------------------------------------------------


def test_self_paced_reps_wait_for_space() -> None:
    session = at_segment(10, 0.0, self_paced=True)
    assert session.segment.kind is SegmentKind.rep
    assert session.waiting
    assert session.deadline == math.inf
    assert session.remaining(START + 500) == 0.0
    assert session.advance(START + 10_000) == []  # no tempo: it waits as long as it takes

    assert session.command(Command.pause, START + 70) == [TIMELINE[11]]  # space: rep done
    assert not session.paused
    assert session.segment_start == START + 70
    assert session.advance(START + 72) == [TIMELINE[12]]  # the rest is timed as usual
    assert session.waiting


def test_self_paced_holds_are_timed() -> None:
    session = at_segment(2, 0.0, self_paced=True)
    assert not session.waiting
    assert session.deadline == START + 20


def test_self_paced_session_plays_to_the_end_with_spaces() -> None:
    session = at_segment(10, 0.0, self_paced=True)
    now = START + 61
    while not session.finished:
        if session.waiting:
            now += 4.0  # this person takes 4 s a rep instead of 3
            session.command(Command.pause, now)
        else:
            now = session.deadline
            session.advance(now)
    assert session.ended_at == START + 61 + 4 * 4 + 2 + 5 + 2
    assert outcomes(session) == "DD"
    assert session.items[1].active_s == 16.0


# --- Time accounting --------------------------------------------------------------------------


def test_planned_seconds_per_item_are_its_segments() -> None:
    session = Session.start(TIMELINE, START)
    assert [item.exercise for item in session.items] == ["bridge", "leg-lift"]
    assert [item.planned_s for item in session.items] == [46, 31]
    for number, item in enumerate(session.items):
        assert item.planned_s == sum(s.duration_s for s in TIMELINE if s.item == number)
    assert TIMELINE[0].duration_s + sum(item.planned_s for item in session.items) == TOTAL_S


def test_active_time_counts_only_holds_and_reps() -> None:
    session = Session.start(TIMELINE, START)
    session.advance(START + TOTAL_S)
    assert [item.active_s for item in session.items] == [4 * 5, 4 * 3]
    assert session.elapsed(START + TOTAL_S + 50) == TOTAL_S


def test_active_time_stops_for_pauses_skips_and_quitting() -> None:
    session = at_segment(2, 2.0)  # hold 1: 2 s done
    session.command(Command.pause, START + 17)
    session.command(Command.pause, START + 47)  # 30 s paused: not active
    session.advance(START + 48.5)  # hold 1 ends at 50 now: still in it
    session.command(Command.skip, START + 48.5)  # 3.5 s of hold 1 in all
    assert session.items[0].active_s == 3.5
    session.advance(START + 48.5 + 10 + 1.25)  # 1.25 s into the first rep of leg-lift
    session.command(Command.quit, START + 59.75)
    assert session.items[1].active_s == 1.25
    assert outcomes(session) == "SX"


def test_elapsed_excludes_pauses_and_stops_at_the_end() -> None:
    session = Session.start(TIMELINE, START)
    assert session.elapsed(START + 3) == 3
    session.command(Command.pause, START + 3)
    assert session.elapsed(START + 10) == 3
    session.command(Command.pause, START + 10)
    assert session.elapsed(START + 11) == 4
    session.command(Command.quit, START + 12)
    assert session.elapsed(START + 99) == 5


def test_planned_remaining_counts_this_segment_and_the_rest() -> None:
    session = at_segment(2, 1.5)
    assert session.planned_remaining(START + 16.5) == TOTAL_S - 16.5


# --- Once finished ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", list(Command))
def test_commands_after_the_end_change_nothing(command: Command) -> None:
    session = at_segment(4, 1.0)
    session.command(Command.quit, START + 24)
    before = (session.index, outcomes(session), session.ending, session.ended_at)
    assert session.command(command, START + 30) == []
    assert session.advance(START + 1000) == []
    session.stop(START + 40, Ending.interrupted)
    assert (session.index, outcomes(session), session.ending, session.ended_at) == before


@pytest.mark.parametrize("ending", [Ending.quit, Ending.interrupted, Ending.terminated])
def test_stop_keeps_a_partial_record(ending: Ending) -> None:
    session = at_segment(12, 1.0)
    session.stop(START + 67, ending)
    assert session.ending is ending
    assert outcomes(session) == "DX"
    assert session.ended_at == START + 67


# --- Any sequence of keys at any times --------------------------------------------------------

KNOWN = (Outcome.done, Outcome.skipped, Outcome.hurt)


@settings(max_examples=300, deadline=None)
@given(
    self_paced=st.booleans(),
    steps=st.lists(
        st.tuples(
            st.floats(min_value=0.0, max_value=20.0, allow_nan=False),
            st.sampled_from([*Command, None]),  # None: only time passes
        ),
        max_size=60,
    ),
)
def test_random_keys_at_random_times_keep_the_session_consistent(
    self_paced: bool, steps: list[tuple[float, Command | None]]
) -> None:
    session = Session.start(TIMELINE, START, self_paced=self_paced)
    now = START
    for gap_s, command in steps:
        now += gap_s
        was_finished, before = session.finished, (session.index, outcomes(session))
        session.advance(now)
        if command is not None:
            session.command(command, now)
        if was_finished:
            assert (session.index, outcomes(session)) == before
        assert 0 <= session.index < len(TIMELINE)
        assert session.remaining(now) >= 0
        assert 0 <= session.elapsed(now) <= now - START
        assert sum(item.active_s for item in session.items) <= session.elapsed(now) + 1e-9
        _assert_consistent_outcomes(session)

    session.advance(now + 3600)
    if session.paused:
        assert not session.finished
        session.command(Command.pause, now + 3600)
    session.stop(now + 7200, Ending.quit)
    assert session.finished
    _assert_consistent_outcomes(session)


def _assert_consistent_outcomes(session: Session) -> None:
    """Exercises behind are done, skipped or hurt; the current one is open (or stopped)."""
    current = session.segment.item
    if session.segment.kind is SegmentKind.done:
        current = len(session.items)
    for number, item in enumerate(session.items):
        if item.outcome is Outcome.hurt:
            continue  # "this hurts" stays, wherever back and next have gone since
        if current is None or number > current:
            assert item.outcome is Outcome.not_reached
        elif number < current:
            assert item.outcome in KNOWN
        elif session.ending in (None, Ending.finished):
            assert item.outcome is Outcome.not_reached
        else:
            assert item.outcome is Outcome.stopped
    if session.ending is Ending.finished:
        assert all(item.outcome in KNOWN for item in session.items)
