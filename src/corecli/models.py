"""The data contracts: pydantic models for the files a person reads and edits.

Everything here is validated strictly (unknown keys are errors, vocabularies are
enums, numbers are bounded) because these models sit at the edge where files
written by hand come in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from corecli.text import format_span, times_a_day
from corecli.vocab import (
    Condition,
    Direction,
    Ending,
    Equipment,
    Kind,
    Level,
    Outcome,
    Phase,
    PlanCondition,
    Position,
    Side,
    SidePart,
    SoundMode,
    Target,
)

SCHEMA_VERSION = 2  # of catalogue files; version 1 files (without the newer fields) still load
# What to do at once whatever the exercise: the sources' first rule.
STOP_RULE = "Stop if it makes your symptoms worse."
DoseField = Literal[
    "sets",
    "reps",
    "hold_s",
    "rep_s",
    "rest_s",
    "set_rest_s",
    "per_day",
    "days_per_week",
    "reps_max",
    "hold_max_s",
]

ExerciseId = Annotated[
    str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", min_length=1, max_length=64)
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Sentence = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=400)]


class Strict(BaseModel):
    # defer_build: the validators are compiled on first use, not at import,
    # which keeps `corecli --help` as fast as a bare Typer app.
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class SessionDose(Strict):
    """What one session does of an exercise: the part of a dose the timer needs."""

    sets: int = Field(1, strict=True, ge=1, le=10, description="Sets.")
    reps: int = Field(
        1, strict=True, ge=1, le=50, description="Reps per set (per side when per_side)."
    )
    hold_s: int = Field(
        0, strict=True, ge=0, le=600, description="Seconds to hold each rep; 0 = a moving rep."
    )
    rep_s: int = Field(3, strict=True, ge=1, le=30, description="Seconds per moving rep.")
    rest_s: int = Field(0, strict=True, ge=0, le=300, description="Rest between reps, seconds.")
    set_rest_s: int = Field(0, strict=True, ge=0, le=600, description="Rest between sets, seconds.")
    per_side: bool = Field(False, strict=True, description="Done on the left and the right.")

    def describe(self, *, timed: str = "hold") -> str:
        """One session's work at a glance: ``2 sets of 10 × 5 s hold, each side``."""
        reps_max, hold_max_s = self.build_up()
        reps = f"{self.reps}" if reps_max in (None, self.reps) else f"{self.reps}–{reps_max}"
        if self.hold_s:
            hold = f"{format_span(self.hold_s, hold_max_s)} {timed}".rstrip()
            text = hold if reps == "1" else f"{reps} × {hold}"
        else:
            text = f"{reps} rep" if reps == "1" else f"{reps} reps"
        if self.sets > 1:
            text = f"{self.sets} sets of {text}"
        return text + (", each side" if self.per_side else "")

    def build_up(self) -> tuple[int | None, int | None]:
        """Reps and hold to build up to, where a range is given."""
        return None, None


class Dose(SessionDose):
    """How much of an exercise: sets of reps, each a hold or a paced movement, and how often."""

    per_day: int = Field(1, strict=True, ge=1, le=6, description="Times a day.")
    days_per_week: int = Field(7, strict=True, ge=1, le=7, description="Days a week.")
    reps_max: int | None = Field(None, strict=True, ge=1, le=50, description="Reps to build up to.")
    hold_max_s: int | None = Field(
        None, strict=True, ge=0, le=600, description="Hold to build up to."
    )
    convention: list[DoseField] = Field(
        [],
        description="The fields no source gives, set by a conservative convention instead.",
    )

    @model_validator(mode="after")
    def _ranges_build_up(self) -> Dose:
        if self.reps_max is not None and self.reps_max < self.reps:
            raise ValueError(f"reps_max ({self.reps_max}) is below reps ({self.reps})")
        if self.hold_max_s is not None:
            if self.hold_s == 0:
                raise ValueError("hold_max_s needs a hold: set hold_s above 0")
            if self.hold_max_s < self.hold_s:
                raise ValueError(f"hold_max_s ({self.hold_max_s}) is below hold_s ({self.hold_s})")
        if len(self.convention) > 1 and len(set(self.convention)) != len(self.convention):
            raise ValueError("convention lists a field twice")
        return self

    def build_up(self) -> tuple[int | None, int | None]:
        return self.reps_max, self.hold_max_s

    def session_fields(self, step: int = 0, steps: int = 1) -> dict[str, Any]:
        """The fields a routine item copies: what one session does, ``step`` of ``steps``
        of the way from the base dose to the top of the build-up ranges."""
        fields = self.model_dump(include=set(SessionDose.model_fields))
        share = min(max(step, 0), steps) / steps
        if self.reps_max is not None:
            fields["reps"] = self.reps + round((self.reps_max - self.reps) * share)
        if self.hold_max_s is not None and 0 < share < 1:
            between = _round_hold(self.hold_s + (self.hold_max_s - self.hold_s) * share)
            fields["hold_s"] = min(max(between, self.hold_s), self.hold_max_s)
        elif self.hold_max_s is not None and share == 1:
            fields["hold_s"] = self.hold_max_s
        return fields

    def describe(self, *, timed: str = "hold") -> str:
        """The dose with how often: ``2 × 20 s hold, each side, twice a day``."""
        return ", ".join([super().describe(timed=timed), *self.how_often()])

    def how_often(self) -> list[str]:
        """``["twice a day", "3 days a week"]``; empty for once a day, every day."""
        parts = [times_a_day(self.per_day)] if self.per_day > 1 else []
        if self.days_per_week < 7:
            parts.append(f"{self.days_per_week} days a week")
        return parts


def _round_hold(seconds: float) -> int:
    """Holds in whole 5 s past 10 s, so a stepped dose reads 25 s rather than 23 s."""
    return round(seconds) if seconds < 10 else 5 * round(seconds / 5)


LIST_FIELDS = ("aliases", "phases", "equipment", "targets", "avoid_if", "avoid_if_acute", "sources")


class Exercise(Strict):
    """One exercise of the catalogue, with its usual dose."""

    id: ExerciseId
    name: Label
    aliases: list[Label] = []
    summary: Sentence
    kind: Kind
    phases: list[Phase] = Field(min_length=1)
    direction: Direction
    position: Position
    equipment: list[Equipment] = []
    level: Level
    targets: list[Target] = []
    steps: list[Sentence] = Field(min_length=2)
    cues: list[Sentence] = []
    stop: Sentence | None = Field(
        None, description="When to stop at once; shown all through every hold and rep."
    )
    avoid_if: list[Condition] = []
    avoid_if_acute: list[Condition] = Field(
        [], description="Conditions to avoid it with while pain is acute only."
    )
    first_side: Side | None = Field(
        None, description="For a per-side dose: the side the steps describe (default left)."
    )
    side_part: SidePart = Field(
        SidePart.side, description='What each side works: the timer says "Right leg".'
    )
    off_floor: bool = Field(
        False,
        strict=True,
        description="Can be done without getting down: in a chair, standing or on a bed.",
    )
    trunk_still: bool = Field(
        False,
        strict=True,
        description="The trunk is braced still while the arms or legs move (heel slides,"
        " marching, dead bug): isometric abdominal work, as a hold is.",
    )
    progression: ExerciseId | None = None
    regression: ExerciseId | None = None
    sources: list[Sentence] = Field(
        [], description="Where the exercise and its dose come from: an article or a citation."
    )
    dose: Dose

    @model_validator(mode="after")
    def _consistent(self) -> Exercise:
        # One check per exercise rather than a validator per list: a 10,000-entry
        # catalogue would otherwise make 50,000 extra calls.
        lists: tuple[Sequence[str], ...] = (
            self.aliases,
            self.phases,
            self.equipment,
            self.targets,
            self.avoid_if,
            self.avoid_if_acute,
            self.sources,
        )
        for field, values in zip(LIST_FIELDS, lists, strict=True):
            if len(values) > 1 and len(set(values)) != len(values):
                twice = next(v for i, v in enumerate(values) if v in values[:i])
                raise ValueError(f"{field} lists {str(twice)!r} twice")
        if self.id in (self.progression, self.regression):
            field = "progression" if self.progression == self.id else "regression"
            raise ValueError(f"{field} cannot be the exercise itself ({self.id!r})")
        if self.progression is not None and self.progression == self.regression:
            raise ValueError("progression and regression name the same exercise")
        if self.first_side is not None and not self.dose.per_side:
            raise ValueError("first_side is for a per-side dose: set per_side = true, or drop it")
        return self

    @property
    def start_side(self) -> Side:
        """The side a per-side dose starts on: the one its steps describe."""
        return self.first_side or Side.left

    @property
    def stop_rule(self) -> str:
        """When to stop at once: the exercise's own rule, or the sources' general one."""
        return self.stop or STOP_RULE

    @property
    def is_hold(self) -> bool:
        return self.dose.hold_s > 0

    @property
    def is_isometric(self) -> bool:
        """The trunk works without moving: a still hold, or limbs moving round a braced trunk."""
        return self.is_hold or self.trunk_still

    @property
    def timed_word(self) -> str:
        """What a timed rep is called: a hold, or nothing for a walk ("10 min")."""
        return "" if self.kind is Kind.aerobic else "hold"

    def dose_summary(self) -> str:
        return self.dose.describe(timed=self.timed_word)

    def describe_item(self, item: SessionDose) -> str:
        """A routine item's dose in this exercise's words, with how often the catalogue
        says to do it: ``2 × 20 s hold, each side, twice a day``."""
        return ", ".join([item.describe(timed=self.timed_word), *self.dose.how_often()])


class CatalogueHeader(Strict):
    """A catalogue file without its exercises, which are checked one by one."""

    schema_version: Literal[1, 2] = Field(
        description="Format version of this file: 2 (files written as 1 still load)."
    )


class CatalogueFile(CatalogueHeader):
    """The layout of ``exercises.toml``: the bundled catalogue and a person's own."""

    exercises: list[Exercise] = []


class Item(SessionDose):
    """One exercise of a routine: its catalogue id, the dose for this routine, and why."""

    exercise: ExerciseId = Field(description="Catalogue id of the exercise.")
    reason: str = Field("", max_length=200, description="Why the planner chose it.")


class Routine(Strict):
    """A saved routine: what ``corecli plan`` writes and ``corecli run`` plays."""

    schema_version: Literal[1] = Field(description="Format version of this file; always 1.")
    name: Label
    phase: Phase
    condition: PlanCondition = PlanCondition.general
    minutes: int = Field(strict=True, ge=5, le=60, description="Time budget asked for.")
    seed: int = Field(0, strict=True, ge=0, le=2**32 - 1, description="Seed for variety.")
    created: date
    estimated_s: int = Field(strict=True, ge=0, le=24 * 3600, description="Planned seconds.")
    advice: list[Sentence] = []
    items: list[Item] = Field(min_length=1)


class ItemRecord(Strict):
    """What happened to one exercise of a session."""

    exercise: ExerciseId
    outcome: Outcome
    planned_s: int = Field(ge=0)
    active_s: float = Field(ge=0, description="Seconds spent holding or moving.")


class SessionRecord(Strict):
    """One session as it happened: what the history stores."""

    routine: str
    phase: Phase
    condition: PlanCondition
    started: datetime
    ended: datetime
    ending: Ending
    planned_s: int = Field(ge=0)
    active_s: float = Field(ge=0, description="Seconds spent holding or moving.")
    paused_s: float = Field(ge=0)
    total_s: float = Field(ge=0, description="Session seconds from start to end, pauses included.")
    items: list[ItemRecord]

    @property
    def completed(self) -> bool:
        return self.ending is Ending.finished

    def count(self, outcome: Outcome) -> int:
        return sum(item.outcome is outcome for item in self.items)


class Config(Strict):
    """Defaults for corecli's commands, as ``config.toml`` holds them.

    ``model_fields_set`` names the keys the file sets; the others are built-in defaults.
    """

    prep: int = Field(
        10, strict=True, ge=0, le=120, description="Seconds to get ready before the first exercise."
    )
    transition: int = Field(
        10, strict=True, ge=0, le=120, description="Seconds to get into each position."
    )
    sound: SoundMode = Field(
        SoundMode.tones,
        description="off, bell, or tones: a distinct sound for each change (else the bell).",
    )
    voice: bool = Field(False, strict=True, description="A voice coach talks you through.")
    equipment: list[Equipment] | None = Field(
        None, description='What you have to exercise with; "none" or [] for nothing.'
    )
    condition: PlanCondition | None = Field(None, description="Your diagnosis, if you have one.")
    minutes: int | None = Field(
        None, strict=True, ge=5, le=60, description="Minutes you have for a planned routine."
    )
    level: Level | None = Field(None, description="Plan exercises of this level or easier.")
    floor: bool = Field(
        True,
        strict=True,
        description="Plan floor work; false plans only chair, standing and bed-friendly work.",
    )
    plain: bool = Field(
        False, strict=True, description="One line per step, no full screen (screen readers)."
    )

    @field_validator("sound", mode="before")
    @classmethod
    def _sound_was_on_or_off(cls, value: Any) -> Any:
        # Files from before there were modes say sound = true or false.
        if isinstance(value, bool):
            return SoundMode.tones if value else SoundMode.off
        return value

    @field_validator("equipment", mode="before")
    @classmethod
    def _none_means_nothing(cls, value: Any) -> Any:
        return [] if value == "none" else value


JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def json_schema(kind: Literal["catalog", "routine"]) -> dict[str, Any]:
    """The JSON Schema of a catalogue or routine file, named so that editors that check
    TOML against a schema (taplo, VS Code) can tell which one it is."""
    model, version = (CatalogueFile, SCHEMA_VERSION) if kind == "catalog" else (Routine, 1)
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:corecli:schema:{kind}:{version}",
        **model.model_json_schema(),
    }
