"""The voice coach: what is said aloud at each moment of a session, for a person on
the floor who cannot see the screen.

The phrases are a pure function of the segment and the time into it; ``Coach``
speaks them through espeak-ng, spd-say or say, as an argument list (never a
shell), with the text after ``--`` so it is never read as an option. Speech
never waits: a program is started and the clock goes on. It never talks over
itself either: a phrase for a new segment cuts off one still being spoken, and a
phrase about time left is dropped if the last one is still going.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Protocol, runtime_checkable

from corecli.script import Script, side_label
from corecli.timeline import Segment, SegmentKind

VOICES = ("espeak-ng", "spd-say", "say")
HALFWAY_FROM_S = 20  # holds this long hear "halfway"
LEFT_FROM_S = 30  # holds this long hear the time left ...
LEFT_EVERY_S = 15  # ... every 15 s
WALK_FROM_S = 300  # and walks, every minute


@runtime_checkable
class Speaking(Protocol):
    def poll(self) -> int | None: ...

    def terminate(self) -> None: ...


def segment_phrase(segment: Segment, script: Script) -> str | None:
    """What is said as a segment starts (None: nothing)."""
    info = script.item(segment)
    if segment.kind is SegmentKind.prep:
        first = script.items[0].name if script.items else "the first exercise"
        return f"Get ready. First up: {first}."
    if info is None:  # the end among them: the summary says it (Coach.finished)
        return None
    if segment.kind is SegmentKind.transition:
        step = info.steps[0] if info.steps else ""
        return f"{info.name}. {step}".strip()
    if segment.kind is SegmentKind.switch:
        return f"Switch sides. {side_label(segment, script)}."
    if segment.kind is SegmentKind.rest:
        return "Relax."
    if segment.kind is SegmentKind.set_rest:
        return f"Rest. Set {segment.set_no} of {segment.sets} done."
    side = f"{side_label(segment, script)}. " if segment.side and segment.rep_no == 1 else ""
    last = segment.reps > 1 and segment.rep_no == segment.reps
    if segment.kind is SegmentKind.hold:
        if info.aerobic:
            return f"Off you go: {info.name.lower()}, at an easy pace."
        return f"{side}{'Last one. ' if last else ''}Hold."
    return f"{side}{'Last one.' if last else segment.rep_no}"  # a paced rep, counted


def time_phrase(segment: Segment, into_s: float) -> str | None:
    """What is said at a whole second ``into_s`` into a long hold: halfway, time left."""
    if segment.kind is not SegmentKind.hold:
        return None
    length, whole = segment.duration_s, math.floor(into_s)
    left = length - whole
    if whole <= 0 or left <= 5:
        return None
    if length >= WALK_FROM_S:
        return f"{left // 60} minutes left." if left % 60 == 0 else None
    if length >= HALFWAY_FROM_S and whole == length // 2 and length % 2 == 0:
        return "Halfway."
    if length >= LEFT_FROM_S and left % LEFT_EVERY_S == 0:
        return f"{left} seconds left."
    return None


def summary_phrase(done: int, items: int, active_s: float, finished: bool) -> str:
    minutes = round(active_s / 60)
    work = f"{minutes} minutes of work" if minutes != 1 else "1 minute of work"
    if finished:
        return f"That's the whole routine. Well done: {done} of {items} exercises, {work}."
    return f"Session stopped: {done} of {items} exercises, {work}."


class Coach:
    """Speaks the phrases through one speech program."""

    def __init__(self, program: str, spawn: Callable[[list[str]], object]) -> None:
        self._program = program
        self._spawn = spawn
        self._speaking: object = None
        self._said: tuple[int, int] | None = None  # the last time phrase: (segment, second)

    def segment_started(self, segment: Segment, script: Script) -> None:
        phrase = segment_phrase(segment, script)
        if phrase:
            self.say(phrase, urgent=True)

    def tick(self, index: int, segment: Segment, into_s: float) -> None:
        phrase = time_phrase(segment, into_s)
        mark = (index, math.floor(into_s))
        if phrase and mark != self._said:
            self._said = mark
            self.say(phrase)

    def say(self, text: str, *, urgent: bool = False) -> None:
        running = self._speaking
        if isinstance(running, Speaking) and running.poll() is None:
            if not urgent:
                return  # never over itself: this one can wait for no one
            running.terminate()
        self._speaking = self._spawn([self._program, "--", text])
