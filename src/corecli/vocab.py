"""The closed vocabularies of the catalogue.

Kept apart from the pydantic models so the CLI can name its choices without
paying for model construction on ``--help``.
"""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    stretch = "stretch"
    mobility = "mobility"
    strength = "strength"
    aerobic = "aerobic"


class Phase(StrEnum):
    """Stage of recovery: acute pain, settling, and keeping it away."""

    acute = "acute"
    recovery = "recovery"
    maintenance = "maintenance"


class Direction(StrEnum):
    flexion = "flexion"
    extension = "extension"
    rotation = "rotation"
    lateral = "lateral"
    neutral = "neutral"
    mixed = "mixed"  # moving between flexion and extension, as in the cat-camel


class Position(StrEnum):
    supine = "supine"
    prone = "prone"
    side_lying = "side-lying"
    seated = "seated"
    standing = "standing"
    quadruped = "quadruped"
    kneeling = "kneeling"


class Equipment(StrEnum):
    mat = "mat"
    exercise_ball = "exercise-ball"
    strap = "strap"
    bench = "bench"
    back_extension_station = "back-extension-station"
    chair = "chair"
    wall = "wall"
    dowel = "dowel"  # a broom handle does
    resistance_band = "resistance-band"
    exercise_bike = "exercise-bike"


class Level(StrEnum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"

    @property
    def rank(self) -> int:
        return list(Level).index(self)


class Target(StrEnum):
    abdominals = "abdominals"
    obliques = "obliques"
    back_extensors = "back-extensors"
    glutes = "glutes"
    hamstrings = "hamstrings"
    hip_rotators = "hip-rotators"
    hip_flexors = "hip-flexors"
    hip_abductors = "hip-abductors"
    quadriceps = "quadriceps"
    spine = "spine"
    nerve = "nerve"  # the sciatic nerve, moved gently along its path


class Condition(StrEnum):
    """Diagnoses an exercise can be unsuitable for."""

    disc = "disc"
    stenosis = "stenosis"
    sciatica = "sciatica"
    spasm = "spasm"
    arthritis = "arthritis"
    osteoporosis = "osteoporosis"
    spondylolisthesis = "spondylolisthesis"


class PlanCondition(StrEnum):
    """A person's condition as the planner sees it; ``general`` means no diagnosis."""

    general = "general"
    disc = "disc"
    stenosis = "stenosis"
    sciatica = "sciatica"
    spasm = "spasm"
    arthritis = "arthritis"
    osteoporosis = "osteoporosis"
    spondylolisthesis = "spondylolisthesis"

    @property
    def avoided(self) -> Condition | None:
        """The catalogue's ``avoid_if`` value this condition rules out, if any."""
        return None if self is PlanCondition.general else Condition(self.value)


class Side(StrEnum):
    left = "left"
    right = "right"

    @property
    def other(self) -> Side:
        return Side.right if self is Side.left else Side.left


class SidePart(StrEnum):
    """What a per-side exercise works on each side: the screen says "Right leg"."""

    side = "side"
    leg = "leg"
    arm = "arm"
    knee = "knee"
    hip = "hip"


class Outcome(StrEnum):
    """How an exercise of a session went."""

    done = "done"
    skipped = "skipped"
    hurt = "hurt"  # the person pressed "this hurts"
    stopped = "stopped"  # the session ended during it
    not_reached = "not-reached"


class Ending(StrEnum):
    """How a session ended."""

    finished = "finished"
    quit = "quit"
    interrupted = "interrupted"  # Ctrl-C
    terminated = "terminated"  # SIGTERM


class Light(StrEnum):
    """How a session went by the pain-monitoring model: go on, hold, or back off."""

    green = "green"
    amber = "amber"
    red = "red"


class Legs(StrEnum):
    """Where leg symptoms went during a session, for disc and sciatica (McKenzie's
    centralisation): further down the leg is a warning, toward the back good news."""

    further = "further"  # spread further down the leg
    same = "same"
    back = "toward-back"  # retreated toward the back


class PainSpan(StrEnum):
    """How long this bout of back pain has lasted."""

    new = "under-6-weeks"
    subacute = "6-12-weeks"
    chronic = "over-12-weeks"


class Group(StrEnum):
    """Groups of people the programme takes care with."""

    osteoporosis = "osteoporosis"  # or long-term steroid tablets
    pregnancy = "pregnancy"
    surgery = "surgery"  # spinal surgery in the last year
    spondylolisthesis = "spondylolisthesis"


class Change(StrEnum):
    """What one programme decision did."""

    start = "start"  # set up, or carried over from an older history
    up = "up"
    down = "down"
    hold = "hold"
    flare = "flare"  # a bad day: back to the base dose, to climb back to where it was


class SoundMode(StrEnum):
    off = "off"
    bell = "bell"  # the terminal bell at every cue
    tones = "tones"  # a distinct tone for each cue; the bell when no player is found

    @classmethod
    def _missing_(cls, value: object) -> SoundMode | None:
        # Settings files from before there were modes said sound = true / false.
        if isinstance(value, str) and value.lower() in {"true", "yes", "on", "1"}:
            return cls.tones
        if isinstance(value, str) and value.lower() in {"false", "no", "0"}:
            return cls.off
        return None
