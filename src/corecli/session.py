"""The timer's state machine: where a session is, given the time and the keys pressed.

No I/O and no clock of its own: every method takes ``now`` (seconds on any
monotonic clock). Each segment ends at an absolute deadline; the next one
starts at that deadline, not at whatever moment the loop noticed, so nothing
drifts. Pausing moves the deadline.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from corecli.timeline import Segment, SegmentKind
from corecli.vocab import Ending, Outcome

BACK_AGAIN_S = 2.0  # "back" within this long of a segment's start goes to the previous one


class Command(StrEnum):
    """What a person can ask of a running session."""

    pause = "pause"  # pause or resume
    next = "next"  # end this segment now
    back = "back"  # restart this segment, or go to the previous one
    skip = "skip"  # skip the rest of this exercise
    hurt = "hurt"  # this hurts: stop this exercise and note it
    quit = "quit"  # end the session


@dataclass
class ItemProgress:
    exercise: str
    planned_s: int
    active_s: float = 0.0
    outcome: Outcome = Outcome.not_reached


@dataclass
class Session:
    """A timeline being played. Create with :meth:`start`."""

    timeline: Sequence[Segment]
    self_paced: bool = False
    index: int = 0
    segment_start: float = 0.0
    deadline: float = math.inf
    paused_at: float | None = None
    paused_s: float = 0.0
    started_at: float = 0.0
    ended_at: float | None = None
    ending: Ending | None = None
    gated: bool = False  # waiting at the start gate: nothing runs until space
    items: list[ItemProgress] = field(default_factory=list)
    _work_started: float | None = None

    @classmethod
    def start(
        cls,
        timeline: Sequence[Segment],
        now: float,
        *,
        self_paced: bool = False,
        gated: bool = False,
    ) -> Session:
        """A session at its first segment; ``gated``: waiting for space before it runs."""
        if not timeline or timeline[-1].kind is not SegmentKind.done:
            raise ValueError("a timeline ends with a done segment")
        planned: dict[int, ItemProgress] = {}
        for segment in timeline:
            if segment.item is not None:
                progress = planned.setdefault(segment.item, ItemProgress(segment.exercise or "", 0))
                progress.planned_s += segment.duration_s
        session = cls(timeline, self_paced, started_at=now)
        session.items = [planned[i] for i in sorted(planned)]
        session._enter(0, now)
        if gated and session.segment.kind is not SegmentKind.done:
            session.gated, session.deadline = True, math.inf
        return session

    # --- What is happening now -----------------------------------------------------------

    @property
    def segment(self) -> Segment:
        return self.timeline[self.index]

    @property
    def finished(self) -> bool:
        return self.ending is not None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def waiting(self) -> bool:
        """A self-paced rep or the start gate: it ends when the person says so, not on a
        timer."""
        return self.deadline == math.inf and not self.finished

    def into_segment(self, now: float) -> float:
        """Seconds the current segment has run (frozen while paused)."""
        at = self.paused_at if self.paused_at is not None else now
        return max(0.0, at - self.segment_start)

    def remaining(self, now: float) -> float:
        """Seconds left in this segment (frozen while paused)."""
        if self.waiting:
            return 0.0
        at = self.paused_at if self.paused_at is not None else now
        return max(0.0, self.deadline - at)

    def elapsed(self, now: float) -> float:
        """Seconds of the session so far, pauses (and the start gate) excluded."""
        if self.gated:
            return 0.0
        end = self.ended_at if self.ended_at is not None else now
        paused = self.paused_s + (end - self.paused_at if self.paused_at is not None else 0.0)
        return max(0.0, end - self.started_at - paused)

    def planned_remaining(self, now: float) -> float:
        """Seconds of the plan still ahead, this segment's remainder included."""
        ahead = sum(s.duration_s for s in self.timeline[self.index + 1 :])
        current = self.segment.duration_s if self.waiting else self.remaining(now)
        return ahead + current

    def next_change(self, now: float) -> float:
        """When what is shown next changes: the next whole second or the deadline."""
        if self.finished or self.paused or self.waiting:
            return math.inf
        remaining = self.remaining(now)
        step = remaining - math.floor(remaining) or 1.0
        return now + min(step, remaining)

    # --- Moving on ------------------------------------------------------------------------

    def advance(self, now: float) -> list[Segment]:
        """Move past every segment whose deadline has passed; returns the segments entered."""
        entered: list[Segment] = []
        while not self.finished and not self.paused and now >= self.deadline:
            entered.append(self._enter(self.index + 1, self.deadline))
        return entered

    def command(self, command: Command, now: float) -> list[Segment]:
        """Apply a key press; returns the segments entered as a result."""
        if self.finished:
            return []
        if command is Command.pause:
            if self.gated:  # on the mat: the session begins now
                return [self._enter(self.index, now)]
            if self.waiting:  # in self-paced reps, space means "done that rep"
                return [self._enter(self.index + 1, now)]
            self._toggle_pause(now)
            return []
        if command is Command.quit:
            self.stop(now, Ending.quit)
            return []
        if self.gated and command is not Command.next:
            return []  # nothing to go back to, skip or mark before the session begins
        self._resume(now)
        if command is Command.next:
            return [self._enter(self.index + 1, now)]
        if command is Command.back:
            into = now - self.segment_start
            target = self.index - 1 if into < BACK_AGAIN_S and self.index > 0 else self.index
            return [self._enter(target, now, back=True)]
        # skip or hurt: leave the current exercise for the next one
        item = self.segment.item
        if item is None:
            return [self._enter(self.index + 1, now)]
        self._close_work(now)
        if self.items[item].outcome is not Outcome.hurt:  # an x mark is never undone
            self.items[item].outcome = Outcome.hurt if command is Command.hurt else Outcome.skipped
        following = next(
            (i for i in range(self.index + 1, len(self.timeline)) if self.timeline[i].item != item),
            len(self.timeline) - 1,
        )
        return [self._enter(following, now)]

    def stop(self, now: float, ending: Ending) -> None:
        """End the session early (q, Ctrl-C, SIGTERM); the item in progress is 'stopped'."""
        if self.finished:
            return
        if self.gated:  # stopped before it began: no time at all
            self.gated, self.started_at = False, now
        self._resume(now)
        self._close_work(now)
        item = self.segment.item
        if item is not None and self.items[item].outcome is Outcome.not_reached:
            self.items[item].outcome = Outcome.stopped
        self.ending, self.ended_at = ending, now

    def hold(self, at: float) -> None:
        """Pause as of ``at`` (time the player did not see: a stopped process, a stall);
        nothing from then on counts until the person resumes."""
        if not (self.finished or self.paused or self.waiting):
            self._toggle_pause(at)

    # --- Internals ------------------------------------------------------------------------

    def _toggle_pause(self, now: float) -> None:
        if self.paused_at is None:
            self._close_work(now)
            self.paused_at = now
        else:
            self._resume(now)

    def _resume(self, now: float) -> None:
        if self.paused_at is None:
            return
        gap = now - self.paused_at
        self.paused_s += gap
        self.deadline += gap
        self.segment_start += gap
        self.paused_at = None
        if self.segment.kind.is_work:
            self._work_started = now

    def _close_work(self, now: float) -> None:
        if self._work_started is not None and self.segment.item is not None:
            self.items[self.segment.item].active_s += max(0.0, now - self._work_started)
        self._work_started = None

    def _enter(self, index: int, at: float, *, back: bool = False) -> Segment:
        if self.gated:  # any move past the gate opens it: the session starts from here
            self.gated, self.started_at = False, at
        self._close_work(at)
        leaving = self.timeline[self.index].item
        self.index = min(index, len(self.timeline) - 1)
        segment = self.segment
        if leaving is not None and segment.item != leaving and not back:
            progress = self.items[leaving]
            if progress.outcome is Outcome.not_reached:
                progress.outcome = Outcome.done
        if segment.item is not None and back:
            progress = self.items[segment.item]
            if progress.outcome is not Outcome.hurt:  # "this hurts" stays, whatever follows
                progress.outcome = Outcome.not_reached
        self.segment_start = at
        if segment.kind is SegmentKind.done:
            self.deadline = math.inf
            self.ending, self.ended_at = Ending.finished, at
        elif self.self_paced and segment.kind is SegmentKind.rep:
            self.deadline = math.inf
        else:
            self.deadline = at + segment.duration_s
        if segment.kind.is_work:
            self._work_started = at
        return segment
