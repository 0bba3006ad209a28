"""A routine as a list of timed segments: the one timing model in corecli.

The planner sums it for its estimate and the timer plays it, so the estimate a
plan prints is exactly how long ``corecli run`` takes without pauses.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

from corecli.models import Routine, SessionDose
from corecli.vocab import Side

if TYPE_CHECKING:
    from corecli.catalogue import Catalogue


class SegmentKind(StrEnum):
    prep = "prep"  # get ready before the first exercise
    transition = "transition"  # get into position for the next exercise
    hold = "hold"  # hold a position still
    rep = "rep"  # one paced moving rep
    rest = "rest"  # between reps
    set_rest = "set-rest"  # between sets
    switch = "switch"  # change to the other side
    done = "done"  # the end; takes no time

    @property
    def is_work(self) -> bool:
        return self in (SegmentKind.hold, SegmentKind.rep)


class TimelineSettings(NamedTuple):
    """Durations of the segments that are not part of any exercise's dose."""

    prep_s: int = 10  # time to get from the keyboard down onto the mat
    transition_s: int = 10
    switch_s: int = 5


DEFAULT_SETTINGS = TimelineSettings()


class TimedItem(NamedTuple):
    """What the timeline needs of a routine item: which exercise, its dose, and for a
    per-side dose the side its steps describe first."""

    exercise: str
    dose: SessionDose
    first_side: Side = Side.left


class Segment(NamedTuple):
    """One stretch of time with one instruction: hold, rest, switch sides …"""

    kind: SegmentKind
    duration_s: int
    start_s: int
    item: int | None = None  # index into the routine's items
    exercise: str | None = None
    set_no: int = 0  # 1-based; 0 where it does not apply
    sets: int = 0
    rep_no: int = 0
    reps: int = 0
    side: Side | None = None

    @property
    def end_s(self) -> int:
        return self.start_s + self.duration_s


def routine_items(routine: Routine, catalogue: Catalogue) -> list[TimedItem]:
    """The routine's items as the timeline sees them (hand edits included), each per-side
    item starting on the side its steps describe."""
    items = []
    for item in routine.items:
        exercise = catalogue.get(item.exercise)
        first = exercise.start_side if exercise is not None else Side.left
        items.append(TimedItem(item.exercise, item, first))
    return items


def build_timeline(
    items: Sequence[TimedItem], settings: TimelineSettings = DEFAULT_SETTINGS
) -> list[Segment]:
    """Every segment of a session in order, with start times from 0."""
    segments: list[Segment] = []
    clock = 0
    for segment in _walk(items, settings):
        segments.append(segment._replace(start_s=clock))
        clock += segment.duration_s
    return segments


def timed_walk(exercise: str, seconds: int, prep_s: int) -> list[Segment]:
    """A walk (or a ride) on the timer: get ready, then one stretch of time counted
    down, longer than any hold a dose allows."""
    return [
        Segment(SegmentKind.prep, prep_s, 0),
        Segment(SegmentKind.hold, seconds, prep_s, 0, exercise, 1, 1, 1, 1),
        Segment(SegmentKind.done, 0, prep_s + seconds),
    ]


def total_s(items: Sequence[TimedItem], settings: TimelineSettings = DEFAULT_SETTINGS) -> int:
    """The planned length of a session in seconds (the end of its timeline)."""
    return sum(segment.duration_s for segment in _walk(items, settings))


def item_s(dose: SessionDose, settings: TimelineSettings = DEFAULT_SETTINGS) -> int:
    """Seconds one item adds to a session, its transition included.

    The same sum as walking the item's segments (a test holds the two equal), in
    closed form because the planner asks it thousands of times.
    """
    sides = 2 if dose.per_side else 1
    side_s = dose.reps * (dose.hold_s or dose.rep_s) + (dose.reps - 1) * dose.rest_s
    set_s = sides * side_s + (sides - 1) * settings.switch_s
    return settings.transition_s + dose.sets * set_s + (dose.sets - 1) * dose.set_rest_s


def _walk(items: Sequence[TimedItem], settings: TimelineSettings) -> Iterator[Segment]:
    yield Segment(SegmentKind.prep, settings.prep_s, 0)
    for index, item in enumerate(items):
        dose = item.dose
        at = Segment(SegmentKind.transition, settings.transition_s, 0, index, item.exercise)
        yield at
        first = item.first_side
        sides: list[Side | None] = [first, first.other] if dose.per_side else [None]
        work_kind = SegmentKind.hold if dose.hold_s else SegmentKind.rep
        work_s = dose.hold_s or dose.rep_s
        for set_no in range(1, dose.sets + 1):
            if set_no > 1 and dose.set_rest_s:
                yield at._replace(
                    kind=SegmentKind.set_rest,
                    duration_s=dose.set_rest_s,
                    set_no=set_no - 1,
                    sets=dose.sets,
                )
            for side_index, side in enumerate(sides):
                if side_index and settings.switch_s:
                    yield at._replace(
                        kind=SegmentKind.switch,
                        duration_s=settings.switch_s,
                        set_no=set_no,
                        sets=dose.sets,
                        side=side,
                    )
                for rep_no in range(1, dose.reps + 1):
                    rep = at._replace(
                        kind=work_kind,
                        duration_s=work_s,
                        set_no=set_no,
                        sets=dose.sets,
                        rep_no=rep_no,
                        reps=dose.reps,
                        side=side,
                    )
                    if rep_no > 1 and dose.rest_s:
                        yield rep._replace(kind=SegmentKind.rest, duration_s=dose.rest_s)
                    yield rep
    yield Segment(SegmentKind.done, 0, 0)
