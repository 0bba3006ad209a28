"""What a session says at each moment: the names, steps and cues of a routine, and
the heading and instruction for each segment of its timeline.

Shared by every way a session is shown (the live screen, plain lines, the voice),
so they all say the same thing.
"""

from __future__ import annotations

from typing import NamedTuple

from corecli.catalogue import Catalogue
from corecli.models import Routine
from corecli.timeline import Segment, SegmentKind
from corecli.vocab import Phase, PlanCondition


class ItemInfo(NamedTuple):
    """What the screen says about one exercise of the routine."""

    name: str
    steps: tuple[str, ...]
    cues: tuple[str, ...]


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
                ItemInfo(found.name, tuple(found.steps), tuple(found.cues))
                if found
                else ItemInfo(item.exercise, (), ())
            )
        return cls(routine.name, routine.phase, routine.condition, tuple(items))

    def item(self, segment: Segment) -> ItemInfo | None:
        return None if segment.item is None else self.items[segment.item]


def describe(segment: Segment, script: Script, *, self_paced: bool = False) -> tuple[str, str]:
    """A heading and one instruction for a segment: what to do now."""
    info = script.item(segment)
    name = info.name if info else ""
    if segment.kind is SegmentKind.prep:
        first = script.items[0].name if script.items else "the first exercise"
        return "Get ready", f"First up: {first}."
    if segment.kind is SegmentKind.transition:
        return "Get into position", info.steps[0] if info and info.steps else name
    if segment.kind is SegmentKind.switch:
        return "Switch sides", f"Now your {segment.side} side."
    if segment.kind is SegmentKind.rest:
        return "Rest", f"Relax. Next: rep {segment.rep_no} of {segment.reps}."
    if segment.kind is SegmentKind.set_rest:
        return "Rest", f"Set {segment.set_no} of {segment.sets} done. Breathe and relax."
    if segment.kind is SegmentKind.done:
        return "Done", "Well done. That's the whole routine."
    cue = ""
    if info and info.cues:
        cue = info.cues[(segment.rep_no - 1) % len(info.cues)]
    if segment.kind is SegmentKind.hold:
        return "Hold", cue or "Hold the position and breathe."
    heading = "Move: press space after each rep" if self_paced else "Move"
    return heading, cue or "Move slowly and smoothly."


def counts(segment: Segment) -> str:
    """``Set 1/2 · Rep 3/10 · Left side`` (only the parts that apply)."""
    parts = []
    if segment.sets > 1:
        parts.append(f"Set {segment.set_no}/{segment.sets}")
    if segment.reps > 1 and segment.rep_no:
        parts.append(f"Rep {segment.rep_no}/{segment.reps}")
    if segment.side is not None:
        parts.append(f"{segment.side.value.capitalize()} side")
    return " · ".join(parts)
