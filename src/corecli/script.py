"""What a session says at each moment: the names, steps, cues and stop rules of a
routine, and the heading and instruction for each segment of its timeline.

Shared by every way a session is shown (the live screen, plain lines, the voice),
so they all say the same thing.
"""

from __future__ import annotations

from typing import NamedTuple

from corecli.catalogue import Catalogue
from corecli.models import STOP_RULE, Routine
from corecli.timeline import Segment, SegmentKind
from corecli.vocab import Kind, Phase, PlanCondition, SidePart

CUE_EVERY_S = 10  # a long hold moves on to the next cue this often


class ItemInfo(NamedTuple):
    """What the screen says about one exercise of the routine."""

    name: str
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    stop: str = STOP_RULE  # shown all through every hold and rep
    side_part: SidePart = SidePart.side  # "Right leg", "Left side"
    aerobic: bool = False  # walking or cycling: timed, but not a hold


class Script(NamedTuple):
    """Everything a screen needs besides the session: names and instructions."""

    routine: str
    phase: Phase
    condition: PlanCondition
    items: tuple[ItemInfo, ...]

    @classmethod
    def for_routine(cls, routine: Routine, catalogue: Catalogue) -> Script:
        """Names and instructions for each item, from the catalogue (the id if it is gone)."""
        items = []
        for item in routine.items:
            found = catalogue.get(item.exercise)
            items.append(
                ItemInfo(
                    found.name,
                    tuple(found.steps),
                    tuple(found.cues),
                    found.stop_rule,
                    found.side_part,
                    found.kind is Kind.aerobic,
                )
                if found
                else ItemInfo(item.exercise, (), ())
            )
        return cls(routine.name, routine.phase, routine.condition, tuple(items))

    def item(self, segment: Segment) -> ItemInfo | None:
        return None if segment.item is None else self.items[segment.item]


# The start gate: nothing runs until the person, on the mat, presses space.
GATE = ("On the mat?", "Press space when you are in place, and the get-ready countdown starts.")
GATE_SPOKEN = "Press space when you are on the mat."


def describe(
    segment: Segment, script: Script, *, self_paced: bool = False, into_s: float = 0.0
) -> tuple[str, str]:
    """A heading and one instruction for a segment: what to do now. ``into_s``, the
    seconds the segment has run, moves a long hold on through the cues."""
    info = script.item(segment)
    name = info.name if info else ""
    if segment.kind is SegmentKind.prep:
        first = script.items[0].name if script.items else "the first exercise"
        return "Get ready", f"First up: {first}."
    if segment.kind is SegmentKind.transition:
        return "Get into position", info.steps[0] if info and info.steps else name
    if segment.kind is SegmentKind.switch:
        return "Switch sides", f"Now your {side_label(segment, script).lower()}."
    if segment.kind is SegmentKind.rest:
        return "Rest", f"Relax. Next: rep {segment.rep_no} of {segment.reps}."
    if segment.kind is SegmentKind.set_rest:
        return "Rest", f"Set {segment.set_no} of {segment.sets} done. Breathe and relax."
    if segment.kind is SegmentKind.done:
        return "Done", "Well done. That's the whole routine."
    cue = ""
    if info and info.cues:
        turn = segment.rep_no - 1 + int(max(0.0, into_s) // CUE_EVERY_S)
        cue = info.cues[turn % len(info.cues)]
    if segment.kind is SegmentKind.hold and info is not None and info.aerobic:
        return "Keep going", cue or "At an easy pace: you can still talk."
    if segment.kind is SegmentKind.hold:
        return "Hold", cue or "Hold the position and breathe."
    heading = "Move: press space after each rep" if self_paced else "Move"
    return heading, cue or "Move slowly and smoothly."


def stop_rule(segment: Segment, script: Script) -> str | None:
    """The rule to stop by, for the segments where the person is working."""
    info = script.item(segment)
    return info.stop if info is not None and segment.kind.is_work else None


def side_label(segment: Segment, script: Script) -> str:
    """``Right leg``, ``Left side``: the side a segment works, or nothing."""
    if segment.side is None:
        return ""
    info = script.item(segment)
    part = info.side_part if info is not None else SidePart.side
    return f"{segment.side.value.capitalize()} {part.value}"


def counts(segment: Segment, script: Script) -> str:
    """``Set 1/2 · Rep 3/10 · Left side`` (only the parts that apply)."""
    parts = []
    if segment.sets > 1:
        parts.append(f"Set {segment.set_no}/{segment.sets}")
    if segment.reps > 1 and segment.rep_no:
        parts.append(f"Rep {segment.rep_no}/{segment.reps}")
    if segment.side is not None:
        parts.append(side_label(segment, script))
    return " · ".join(parts)
