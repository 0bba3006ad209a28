"""Build a routine from the catalogue that follows the sources' rules.

The rules, in short: while pain is acute, stretching and gentle mobility only;
later, a balance of stretching and strengthening; every abdominal exercise
matched by one for the back extensors; abdominal work in recovery held still in
a neutral spine; nothing a person's condition argues against; and the whole
fitting the time they have. ``plan_routine`` is a pure function of the
catalogue, the request and the date.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple, NoReturn

from corecli.catalogue import Catalogue
from corecli.errors import PlanProblem, UnknownExercise, UsageProblem
from corecli.models import Config, Exercise, Item, Routine, SessionDose
from corecli.programme import DOSE_STEPS, Guidance, LegsReport, Progress, plan_guidance
from corecli.text import format_day, format_duration
from corecli.timeline import TimedItem, TimelineSettings, item_s, total_s
from corecli.vocab import (
    Condition,
    Direction,
    Equipment,
    Group,
    Kind,
    Legs,
    Level,
    Phase,
    PlanCondition,
    Position,
    Target,
)

MIN_MINUTES, MAX_MINUTES = 5, 60
NAME_MAX = 80  # the routine file's limit
FILL_TARGET = 0.7  # a plan should use at least this share of the time asked for
MIN_ATTEMPTS, MAX_ATTEMPTS = 24, 160  # random orders tried, within the search budget below
SEARCH_BUDGET = 4_000  # exercises looked at, summed over attempts
SWAP_CANDIDATES = 200  # unused exercises tried as swaps when a plan is short
FRONT = frozenset({Target.abdominals, Target.obliques})
DEFAULT_EQUIPMENT = frozenset({Equipment.mat})
LEG_CONDITIONS = frozenset({PlanCondition.disc, PlanCondition.sciatica})
EASY_POSITIONS = frozenset({Position.supine, Position.side_lying, Position.prone})
FLARE_MINUTES = 15
STRENGTH_DAYS = 4  # strengthening dosed this many days a week or fewer: not two days running
NEVER = frozenset({"crunch", "crunches", "sit-up", "sit-ups", "situp", "situps", "full crunch"})


def default_minutes(phase: Phase) -> int:
    return 10 if phase is Phase.acute else 15


def seed_for(day: date) -> int:
    """The default seed: the same all day, so a day's plan is stable."""
    return day.year * 10_000 + day.month * 100 + day.day


class PlanRequest(NamedTuple):
    """What a person asks ``corecli plan`` for."""

    phase: Phase = Phase.acute
    minutes: int | None = None  # None: the phase's default
    equipment: frozenset[Equipment] = DEFAULT_EQUIPMENT
    condition: PlanCondition = PlanCondition.general
    max_level: Level | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    flagged: frozenset[str] = frozenset()  # marked "this hurts" in a session; left out
    seed: int | None = None  # None: derived from the date
    name: str | None = None
    settings: TimelineSettings = TimelineSettings()
    floor: bool = True  # False: only what can be done in a chair, standing or on a bed
    dose_step: int = 0  # the programme's dose: 0 is each exercise's base dose
    prefer_level: Level | None = None  # the programme's level: that rung of each ladder
    strength: bool = True  # False: a rest day for strengthening, stretches only
    groups: frozenset[Group] = frozenset()  # from corecli start: pregnancy, osteoporosis …
    spread: Direction | None = None  # leg symptoms spread after this direction: left out
    ease: bool = False  # a flare-up: favour lying positions, where a sore back rests
    eased: Direction | None = None  # ... or eased toward the back: favoured

    @property
    def budget_minutes(self) -> int:
        return self.minutes if self.minutes is not None else default_minutes(self.phase)


# --- What the person asked for, config.toml and the history --------------------------------


class PlanOptions(NamedTuple):
    """What a person asked of a plan on the command line. ``None`` means "not given":
    then ``config.toml`` decides, and failing that the built-in default."""

    phase: Phase | None = None
    minutes: int | None = None
    equipment: frozenset[Equipment] | None = None  # empty: nothing but the floor
    condition: PlanCondition | None = None
    level: Level | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    seed: int | None = None
    name: str | None = None
    floor: bool | None = None  # False: --no-floor
    groups: frozenset[Group] = frozenset()  # osteoporosis given beside another condition

    def given(self) -> bool:
        """Whether any option was given: they make a new plan, so go with no other routine."""
        return self != PlanOptions()


class LeftOut(NamedTuple):
    """An exercise suited to the phase that an option or the condition kept out, and why."""

    exercise: str
    option: str
    reason: str


class NextPlan(NamedTuple):
    """A routine for the next session, the lines that say why it is this one, and the
    request it was planned from (``left_out`` lists what that request kept out)."""

    routine: Routine
    notes: list[str]
    request: PlanRequest


# The settings config.toml can give a plan, by their PlanOptions and Config names.
CONFIGURABLE = ("minutes", "equipment", "condition", "level", "floor")


def plan_next(
    catalogue: Catalogue,
    options: PlanOptions,
    config: Config,
    progress: Progress,
    today: date,
    settings: TimelineSettings | None = None,
) -> NextPlan:
    """Plan the next session from the options, ``config.toml`` and the history.

    The history gives the phase (unless ``options.phase`` does) and the exercises
    flagged as hurting, left out unless included. A plan refused because of a
    setting from ``config.toml`` says so, since the person did not type it.
    """
    flags = [
        flag
        for flag in progress.flags
        if flag.exercise in catalogue and flag.exercise not in options.include
    ]
    guidance = plan_guidance(progress._replace(flags=flags), phase=options.phase)
    request = plan_request(options, config, guidance, settings or TimelineSettings())
    if progress.legs is not None and request.condition in LEG_CONDITIONS:
        request, line = legs_rule(catalogue, request, progress.legs)
        guidance.lines.extend(line)
    if options.phase is None and request.phase is not Phase.acute:
        rested = strength_rest(catalogue, progress.done_yesterday)
        if rested is not None:
            request = request._replace(strength=False)
            guidance.lines.append(rested)
    try:
        routine = plan_routine(catalogue, request, today)
    except PlanProblem as problem:
        from_config = [
            key
            for key in CONFIGURABLE
            if getattr(options, key) is None and key in config.model_fields_set
        ]
        if not from_config:
            raise
        raise PlanProblem(
            f"{problem} ({' and '.join(from_config)} from config.toml: see corecli config show)"
        ) from None
    return NextPlan(routine, guidance.lines, request)


def plan_request(
    options: PlanOptions, config: Config, guidance: Guidance, settings: TimelineSettings
) -> PlanRequest:
    """The planner's request: each setting from the options, else config.toml, else built in."""
    equipment = options.equipment
    if equipment is None:
        equipment = frozenset(config.equipment) if config.equipment is not None else None
    return PlanRequest(
        phase=guidance.phase,
        minutes=options.minutes if options.minutes is not None else config.minutes,
        equipment=DEFAULT_EQUIPMENT if equipment is None else equipment,
        condition=options.condition or config.condition or PlanCondition.general,
        max_level=options.level or config.level or guidance.level,
        prefer_level=None if options.level or config.level else guidance.level,
        dose_step=guidance.dose_step,
        groups=guidance.groups | options.groups,
        include=options.include,
        exclude=options.exclude,
        flagged=guidance.flagged,
        seed=options.seed,
        name=options.name,
        settings=settings,
        floor=config.floor if options.floor is None else options.floor,
    )


def legs_rule(
    catalogue: Catalogue, request: PlanRequest, report: LegsReport
) -> tuple[PlanRequest, list[str]]:
    """Disc and sciatica (McKenzie): leg symptoms spreading further down the leg count
    against the direction that session worked in, which is left out until a session in
    which they stay or ease; easing toward the back favours that direction."""
    directions = [
        exercise.direction
        for exercise_id in report.exercises
        if (exercise := catalogue.get(exercise_id)) is not None
        and exercise.direction in (Direction.extension, Direction.flexion)
    ]
    if not directions:
        return request, []
    direction = max(sorted(set(directions)), key=directions.count)
    if report.legs is Legs.back:
        return request._replace(eased=direction), []
    if report.legs is not Legs.further:
        return request, []
    return request._replace(spread=direction), [
        f"Left out: {direction} exercises, since leg symptoms spread further down the leg"
        f" after the session of {format_day(report.day)} (back once a session leaves them"
        " the same or easing)"
    ]


def strength_rest(catalogue: Catalogue, done_yesterday: Iterable[str]) -> str | None:
    """Why today is a rest day for strengthening, if it is: yesterday's session had
    strengthening dosed for a few days a week, and muscles need the day between."""
    rested = [
        exercise.name
        for exercise_id in done_yesterday
        if (exercise := catalogue.get(exercise_id)) is not None
        and is_strength(exercise)
        and exercise.dose.days_per_week <= STRENGTH_DAYS
    ]
    if not rested:
        return None
    return (
        f"Today: stretches only. Strengthening ({', '.join(sorted(rested))}) was yesterday,"
        " and it is done on alternate days (--phase plans it anyway, outside the programme)"
    )


# --- Which exercises may appear ------------------------------------------------------------
#
# Each check returns why an exercise is out, or None. They run in this order, and
# the option each belongs to is named when a check empties the pool.


class Check(NamedTuple):
    option: str
    test: Callable[[Exercise, PlanRequest], str | None]


def _kind_check(exercise: Exercise, request: PlanRequest) -> str | None:
    if exercise.kind is Kind.aerobic:
        return "walking is done on its own, not in a floor routine (the plan's advice covers it)"
    names = {exercise.id, exercise.name.casefold(), *(a.casefold() for a in exercise.aliases)}
    if names & NEVER:
        return "full crunches and sit-ups strain the lower back and are never planned"
    return None


def _phase_check(exercise: Exercise, request: PlanRequest) -> str | None:
    phase = request.phase
    if phase not in exercise.phases:
        return f"it is not meant for the {phase} phase"
    if phase is Phase.acute and exercise.kind is Kind.strength:
        return "acute plans are stretching and gentle mobility only"
    if (
        phase is Phase.recovery
        and exercise.kind is Kind.strength
        and Target.abdominals in exercise.targets
        and not (exercise.is_isometric and exercise.direction is Direction.neutral)
    ):
        return "abdominal work in recovery must keep the spine still and neutral"
    return None


def _equipment_check(exercise: Exercise, request: PlanRequest) -> str | None:
    have = request.equipment
    if not request.floor and exercise.off_floor:
        have = have | {Equipment.mat}  # a bed stands in for the mat
    missing = [item.value for item in exercise.equipment if item not in have]
    return f"it needs {', '.join(missing)}" if missing else None


def _level_check(exercise: Exercise, request: PlanRequest) -> str | None:
    level = request.max_level
    if level is not None and exercise.level.rank > level.rank:
        return f"it is {exercise.level}, above {level}"
    return None


# Conditions that backward bending tends to aggravate.
EXTENSION_INTOLERANT = frozenset({PlanCondition.stenosis, PlanCondition.spondylolisthesis})


def _condition_check(exercise: Exercise, request: PlanRequest) -> str | None:
    condition = request.condition
    avoided = condition.avoided
    if avoided in exercise.avoid_if:
        return f"it is best avoided with {condition}"
    if request.phase is Phase.acute and avoided in exercise.avoid_if_acute:
        return f"it is best avoided with {condition} while pain is acute"
    early = request.phase in (Phase.acute, Phase.recovery)
    if condition is PlanCondition.disc and early and exercise.direction is Direction.flexion:
        return "bending forward tends to aggravate a disc problem while it settles"
    if condition in EXTENSION_INTOLERANT and exercise.direction is Direction.extension:
        return f"arching back tends to aggravate {condition}"
    return None


def _group_check(exercise: Exercise, request: PlanRequest) -> str | None:
    groups = request.groups
    if Group.osteoporosis in groups and Condition.osteoporosis in exercise.avoid_if:
        return "it is best avoided with osteoporosis or long-term steroids"
    if Group.spondylolisthesis in groups and (
        Condition.spondylolisthesis in exercise.avoid_if
        or exercise.direction is Direction.extension
    ):
        return "it is best avoided with spondylolisthesis"
    if Group.pregnancy in groups and exercise.position is Position.prone:
        return "lying face down is not for pregnancy"
    return None


def _spread_check(exercise: Exercise, request: PlanRequest) -> str | None:
    if request.spread is not None and exercise.direction is request.spread:
        return f"leg symptoms spread further after {request.spread} work"
    return None


def _rest_check(exercise: Exercise, request: PlanRequest) -> str | None:
    if not request.strength and is_strength(exercise):
        return "a rest day for strengthening"
    return None


def _floor_check(exercise: Exercise, request: PlanRequest) -> str | None:
    if not request.floor and not exercise.off_floor:
        return "it is done on the floor"
    return None


def _exclude_check(exercise: Exercise, request: PlanRequest) -> str | None:
    return "you excluded it" if exercise.id in request.exclude else None


def _flag_check(exercise: Exercise, request: PlanRequest) -> str | None:
    if exercise.id in request.flagged:
        return f"you marked it as hurting; corecli unflag {exercise.id} brings it back"
    return None


# What makes an exercise one for the phase at all, then what the person's options,
# condition and flags keep out of it.
SUITED = (Check("the catalogue", _kind_check), Check("--phase", _phase_check))
KEPT_OUT = (
    Check("--no-floor", _floor_check),
    Check("--equipment", _equipment_check),
    Check("--level", _level_check),
    Check("--condition", _condition_check),
    Check("your answers to corecli start", _group_check),
    Check("where your leg symptoms went", _spread_check),
    Check("a rest day for strengthening", _rest_check),
    Check("--exclude", _exclude_check),
    Check("your 'this hurts' flags", _flag_check),
)
CHECKS = SUITED + KEPT_OUT


def why_not(exercise: Exercise, request: PlanRequest) -> str | None:
    """Why this exercise cannot be in the plan, or None if it can."""
    for check in CHECKS:
        reason = check.test(exercise, request)
        if reason is not None:
            return reason
    return None


def left_out(catalogue: Catalogue, request: PlanRequest) -> list[LeftOut]:
    """The exercises meant for the request's phase that an option, the condition or a
    flag keeps out of its plans, each with the option and the reason."""
    kept_out: list[LeftOut] = []
    for exercise in catalogue:
        if any(check.test(exercise, request) is not None for check in SUITED):
            continue
        for check in KEPT_OUT:
            reason = check.test(exercise, request)
            if reason is not None:
                kept_out.append(LeftOut(exercise.id, check.option, reason))
                break
    return kept_out


# --- Roles and order -----------------------------------------------------------------------


def is_strength(exercise: Exercise) -> bool:
    return exercise.kind is Kind.strength


def is_stretch(exercise: Exercise) -> bool:
    """Stretching in the wide sense: stretches and gentle mobility."""
    return exercise.kind in (Kind.stretch, Kind.mobility)


def is_front(exercise: Exercise) -> bool:
    """Works the front of the trunk (abdominals or obliques)."""
    return not FRONT.isdisjoint(exercise.targets)


def is_mobility(exercise: Exercise) -> bool:
    return exercise.kind is Kind.mobility


def _balanced(chosen: Sequence[Exercise]) -> bool:
    """Each abdominal strengthening exercise is matched by back-extensor strengthening.

    The sources' rule is about strengthening: a gentle mobility drill that happens
    to work the abdominals (the pelvic tilt) needs no partner, and a back stretch
    never stands in for back strengthening.
    """
    strength = [e for e in chosen if is_strength(e)]
    abdominal = sum(Target.abdominals in e.targets for e in strength)
    return abdominal <= sum(Target.back_extensors in e.targets for e in strength)


def is_upright(exercise: Exercise) -> bool:
    """Done standing or sitting on a chair (or a bike): no getting down to the floor."""
    if exercise.position is Position.standing:
        return True
    seats = {Equipment.chair, Equipment.exercise_bike}
    return exercise.position is Position.seated and not seats.isdisjoint(exercise.equipment)


# The order of positions within the floor part and within the upright part of a plan.
POSITION_ORDER = (
    Position.standing,
    Position.seated,
    Position.supine,
    Position.side_lying,
    Position.prone,
    Position.quadruped,
    Position.kneeling,
)
ROLE_ORDER = (Kind.mobility, Kind.strength, Kind.stretch, Kind.aerobic)


def arrange(chosen: Iterable[Exercise]) -> list[Exercise]:
    """Open with gentle mobility; keep the upright and the floor work each in one
    part, so a person gets down to the floor (or up from it) once at most; within a
    part, group by position, mobility before strengthening before stretches, with
    strengthening alternating front and back."""
    ordered = _alternated(list(chosen))
    upright = [e for e in ordered if is_upright(e)]
    floor = [e for e in ordered if not is_upright(e)]
    first, second = (upright, floor) if any(is_mobility(e) for e in upright) else (floor, upright)
    opener = next((e for e in first if is_mobility(e)), None)
    return _grouped(first, opener) + _grouped(second, None)


def _grouped(part: list[Exercise], opener: Exercise | None) -> list[Exercise]:
    """The part grouped by position, the opener and its position first."""
    lead = opener.position if opener is not None else None

    def key(exercise: Exercise) -> tuple[bool, int, int]:
        position = POSITION_ORDER.index(exercise.position)
        return exercise.position is not lead, position, ROLE_ORDER.index(exercise.kind)

    rest = sorted((e for e in part if e is not opener), key=key)
    return rest if opener is None else [opener, *rest]


def _alternated(chosen: list[Exercise]) -> list[Exercise]:
    """The exercises with their strengthening alternating front and back (sorts later
    keep this order where they can)."""
    front = [e for e in chosen if is_strength(e) and is_front(e)]
    back = [e for e in chosen if is_strength(e) and not is_front(e)]
    first, second = (back, front) if len(back) >= len(front) else (front, back)
    strength: list[Exercise] = []
    for index in range(len(first)):
        strength.append(first[index])
        if index < len(second):
            strength.append(second[index])
    return [e for e in chosen if not is_strength(e)] + strength


# --- Choosing --------------------------------------------------------------------------------


def _weight(exercise: Exercise, request: PlanRequest) -> float:
    """How strongly the person's condition favours an exercise (1 = neutral)."""
    favoured = {
        PlanCondition.disc: Direction.extension,
        PlanCondition.stenosis: Direction.flexion,
        PlanCondition.spondylolisthesis: Direction.flexion,
    }.get(request.condition, Direction.neutral)
    # Stenosis eases with gentle bending forward, not with loaded flexion on a ball.
    favours = exercise.direction is favoured and (
        favoured is not Direction.flexion or is_stretch(exercise)
    )
    weight = 3.0 if favours else 1.0
    if request.ease and exercise.position in EASY_POSITIONS:
        weight *= 3.0
    if request.eased is not None and exercise.direction is request.eased:
        weight *= 2.0  # leg symptoms eased toward the back after this direction
    if Target.nerve in exercise.targets:  # a nerve slider is for sciatica, not for everyone
        weight *= 3.0 if request.condition is PlanCondition.sciatica else 0.3
    if request.prefer_level not in (None, Level.beginner):
        if exercise.level is request.prefer_level:  # the programme's rung of each ladder
            weight *= 3.0
    elif request.phase is Phase.recovery and exercise.level is Level.beginner:
        weight *= 1.5
    return weight


def _shuffled(pool: Sequence[Exercise], request: PlanRequest, rng: random.Random) -> list[Exercise]:
    # Weighted random order (Efraimidis-Spirakis): favoured exercises tend to come first.
    keyed = [(rng.random() ** (1.0 / _weight(e, request)), e.id, e) for e in pool]
    keyed.sort(key=lambda entry: (-entry[0], entry[1]))
    return [entry[2] for entry in keyed]


@dataclass
class _Draft:
    budget_s: int
    prep_s: int
    cost: dict[str, int]
    ladders: dict[str, str]  # a strengthening exercise's id -> the bottom of its ladder
    chosen: list[Exercise] = field(default_factory=list)

    @property
    def used_s(self) -> int:
        return self.prep_s + sum(self.cost[e.id] for e in self.chosen)

    def fits(self, exercise: Exercise) -> bool:
        if exercise in self.chosen or self.used_s + self.cost[exercise.id] > self.budget_s:
            return False
        if _same_ladder(exercise, self.chosen, self.ladders):
            return False
        return _balanced([*self.chosen, exercise]) or _repairs(exercise)

    def count(self, strength: bool) -> int:
        return sum(is_strength(e) == strength for e in self.chosen)


def _same_ladder(exercise: Exercise, chosen: Iterable[Exercise], ladders: dict[str, str]) -> bool:
    """Whether a strengthening exercise is an easier or harder step of one already chosen:
    a session works at one step of each ladder. (Stretches may share one: lying face
    down, then on the elbows, then pressing up is one session's sequence.)"""
    ladder = ladders.get(exercise.id)
    return ladder is not None and any(ladders.get(e.id) == ladder for e in chosen)


def _repairs(exercise: Exercise) -> bool:
    """Works the back extensors and not the abdominals: it can balance abdominal work."""
    return Target.back_extensors in exercise.targets and Target.abdominals not in exercise.targets


def _fill(
    draft: _Draft, stretch_pool: list[Exercise], strength_pool: list[Exercise], mixed: bool
) -> None:
    """Add exercises in turn, keeping stretching and strengthening level when ``mixed``.

    Included exercises may leave abdominal work unbalanced; then the next pick is
    the back-extensor exercise that balances it, before anything else.
    """
    while True:
        if not _balanced(draft.chosen):
            strength_short = not _balanced([e for e in draft.chosen if is_strength(e)])
            queue = strength_pool if strength_short else [*strength_pool, *stretch_pool]
            candidate = next((e for e in queue if _repairs(e) and draft.fits(e)), None)
            if candidate is None:
                return
            draft.chosen.append(candidate)
            continue
        if mixed:
            want_strength = draft.count(True) <= draft.count(False)
            queues = (
                [strength_pool, stretch_pool] if want_strength else [stretch_pool, strength_pool]
            )
            if abs(draft.count(True) - draft.count(False)) >= 1:
                queues = queues[:1]  # adding to the larger side would unbalance the plan
        else:
            queues = [stretch_pool]
        added = False
        for queue in queues:
            candidate = _next_fitting(draft, queue)
            if candidate is not None:
                draft.chosen.append(candidate)
                added = True
                break
        if not added:
            return


def _next_fitting(draft: _Draft, queue: list[Exercise]) -> Exercise | None:
    strength_queue = bool(queue) and is_strength(queue[0])
    if strength_queue:
        # Alternate front and back: take the side the plan has fewer of, if one fits.
        fronts = sum(is_front(e) for e in draft.chosen if is_strength(e))
        backs = draft.count(True) - fronts
        prefer_front = fronts < backs
        for exercise in queue:
            if is_front(exercise) == prefer_front and draft.fits(exercise):
                return exercise
    for exercise in queue:
        if draft.fits(exercise):
            return exercise
    return None


def plan_routine(catalogue: Catalogue, request: PlanRequest, today: date) -> Routine:
    """A routine for ``request`` that obeys every planning rule, or PlanProblem saying why not."""
    minutes = request.budget_minutes
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        raise PlanProblem(f"--minutes must be from {MIN_MINUTES} to {MAX_MINUTES}, not {minutes}")
    if request.name is not None and not 1 <= len(request.name.strip()) <= NAME_MAX:
        raise UsageProblem(f"--name must be 1 to {NAME_MAX} characters of text")
    seed = request.seed if request.seed is not None else seed_for(today)
    for exercise_id in (*request.include, *request.exclude):
        if exercise_id not in catalogue:
            raise UnknownExercise(exercise_id, catalogue.suggest(exercise_id))
    forced = [_included(catalogue.get(i), request) for i in dict.fromkeys(request.include)]
    pool = [e for e in catalogue if why_not(e, request) is None and e not in forced]
    mixed = request.phase is not Phase.acute and request.strength
    _require_roles(catalogue, request, forced + pool, mixed)
    opens = any(is_mobility(e) for e in [*forced, *pool])

    settings = request.settings
    cost = {e.id: _item_cost(e, request) for e in [*forced, *pool]}
    ladders = {e.id: catalogue.ladder(e)[0].id for e in [*forced, *pool] if is_strength(e)}
    budget_s = minutes * 60
    stretch_pool = [e for e in pool if not is_strength(e)]
    strength_pool = [e for e in pool if is_strength(e)]
    rng = random.Random(seed)

    best: list[Exercise] | None = None
    best_used = -1
    # Small pools are searched harder; a huge one still gets a fair number of tries.
    attempts = max(MIN_ATTEMPTS, min(MAX_ATTEMPTS, SEARCH_BUDGET // max(1, len(pool))))
    for _ in range(attempts):
        draft = _Draft(budget_s, settings.prep_s, cost, ladders, list(forced))
        if draft.used_s > budget_s:
            raise PlanProblem(
                f"the exercises you included take {math.ceil(draft.used_s / 60)} minutes,"
                f" more than --minutes {minutes}"
            )
        strength_order = _shuffled(strength_pool, request, rng)
        stretch_order = _shuffled(stretch_pool, request, rng)
        _open(draft, stretch_order)
        _fill(draft, stretch_order, strength_order, mixed)
        if not draft.chosen or not _valid(draft.chosen, mixed, opens):
            continue  # nothing fitted at all, or the rules are not met
        if draft.used_s > best_used:  # the same for any order: arrange only the one kept
            best, best_used = draft.chosen, draft.used_s
        if best_used >= FILL_TARGET * budget_s:
            break
    if best is None:
        _explain_failure(catalogue, request, forced, pool, mixed)
        shortest = min(cost.values()) + settings.prep_s
        raise PlanProblem(
            f"no plan that follows the rules fits in {minutes} minutes"
            f" (the shortest exercise alone takes {format_duration(shortest)});"
            " try a larger --minutes"
        )
    chosen = best
    if best_used < FILL_TARGET * budget_s:
        chosen = _improve(
            _Draft(budget_s, settings.prep_s, cost, ladders, chosen),
            forced,
            pool,
            mixed=mixed,
            opens=opens,
        )
    return _routine(arrange(chosen), request, minutes, seed, today)


def _item_cost(exercise: Exercise, request: PlanRequest) -> int:
    if request.dose_step == 0:  # the common case, without building a dose
        return item_s(exercise.dose, request.settings)
    fields = exercise.dose.session_fields(request.dose_step, DOSE_STEPS)
    return item_s(SessionDose.model_construct(**fields), request.settings)


def _open(draft: _Draft, stretch_order: Sequence[Exercise]) -> None:
    """Start the draft with gentle mobility, unless an included exercise already is."""
    if any(is_mobility(e) for e in draft.chosen):
        return
    opener = next((e for e in stretch_order if is_mobility(e) and draft.fits(e)), None)
    if opener is not None:
        draft.chosen.append(opener)


def _improve(
    best: _Draft,
    forced: Sequence[Exercise],
    pool: Sequence[Exercise],
    *,
    mixed: bool,
    opens: bool,
) -> list[Exercise]:
    """Swap one exercise at a time for an unused one of the same kind while that fills more.

    Random orders can miss a fuller plan that differs by a single exercise; this
    finds it. Candidates are capped so a huge catalogue stays quick.
    """
    chosen, cost, used = best.chosen, best.cost, best.used_s
    candidates = [e for e in pool if e not in chosen][:SWAP_CANDIDATES]
    improved = True
    while improved and used < FILL_TARGET * best.budget_s:
        improved = False
        for out in [e for e in chosen if e not in forced]:
            for into in candidates:
                if into in chosen or is_strength(into) != is_strength(out):
                    continue
                trial_used = used - cost[out.id] + cost[into.id]
                if not used < trial_used <= best.budget_s:
                    continue
                others = [e for e in chosen if e is not out]
                if _same_ladder(into, others, best.ladders) or not _valid(
                    [*others, into], mixed, opens
                ):
                    continue
                chosen, used, improved = [*others, into], trial_used, True
                break
            if improved:
                break
    return chosen


def _explain_failure(
    catalogue: Catalogue,
    request: PlanRequest,
    forced: Sequence[Exercise],
    pool: Sequence[Exercise],
    mixed: bool,
) -> None:
    """Raise PlanProblem naming the option to blame when the rules, not time, failed."""
    allowed = [*forced, *pool]
    only_abdominal = not any(is_strength(e) and Target.abdominals not in e.targets for e in allowed)
    if mixed and only_abdominal and not any(_repairs_strength(e) for e in allowed):
        _blame(
            catalogue,
            request,
            "back-extensor strengthening to balance the abdominal work",
            _repairs_strength,
        )
    for exercise in forced:
        if Target.abdominals not in exercise.targets:
            continue
        # Abdominal strengthening needs back-extensor strengthening; other work, any kind.
        balances = _repairs_strength if is_strength(exercise) else _repairs
        if not any(balances(e) for e in allowed):
            _blame(
                catalogue, request, f"back-extensor exercise to balance {exercise.id!r}", balances
            )


def _repairs_strength(exercise: Exercise) -> bool:
    return is_strength(exercise) and _repairs(exercise)


def _included(exercise: Exercise | None, request: PlanRequest) -> Exercise:
    assert exercise is not None  # unknown ids were reported above
    reason = why_not(exercise, request)
    if reason is not None and reason != "you excluded it":
        raise PlanProblem(f"cannot include {exercise.id!r}: {reason}")
    if reason is not None:
        raise PlanProblem(f"{exercise.id!r} is both included and excluded")
    return exercise


def _valid(chosen: Sequence[Exercise], mixed: bool, opens: bool) -> bool:
    """Balanced, with both kinds level when ``mixed``, and with gentle mobility to open
    with when ``opens`` (whenever the options leave any)."""
    if (opens and not any(is_mobility(e) for e in chosen)) or not _balanced(chosen):
        return False
    if not mixed:
        return not any(is_strength(e) for e in chosen)
    strength = sum(is_strength(e) for e in chosen)
    stretching = len(chosen) - strength
    return strength >= 1 and stretching >= 1 and abs(strength - stretching) <= 1


def _require_roles(
    catalogue: Catalogue, request: PlanRequest, allowed: Sequence[Exercise], mixed: bool
) -> None:
    """Fail early, naming the option that left a needed kind of exercise with nothing."""
    roles: list[tuple[str, Callable[[Exercise], bool]]] = [("stretching or mobility", is_stretch)]
    if mixed:
        roles.append(("strengthening", is_strength))
    for label, belongs in roles:
        if not any(belongs(e) for e in allowed):
            _blame(catalogue, request, label, belongs)


def _blame(
    catalogue: Catalogue, request: PlanRequest, label: str, belongs: Callable[[Exercise], bool]
) -> NoReturn:
    """Raise PlanProblem naming the first option after which no ``label`` exercise is left."""
    survivors = [e for e in catalogue if belongs(e)]
    for check in CHECKS:
        before = survivors
        survivors = [e for e in survivors if check.test(e, request) is None]
        if before and not survivors:
            example = check.test(before[0], request)
            raise PlanProblem(
                f"no {label} is left after {check.option}: it rules out all"
                f" {len(before)} that remained ({before[0].id}: {example})"
            )
    raise PlanProblem(f"the catalogue has no {label} for the {request.phase} phase")


# --- Writing the routine ---------------------------------------------------------------------


def _routine(
    chosen: list[Exercise],
    request: PlanRequest,
    minutes: int,
    seed: int,
    today: date,
) -> Routine:
    items = [
        Item(
            exercise=e.id,
            reason=_reason(e, chosen, request),
            **e.dose.session_fields(request.dose_step, DOSE_STEPS),
        )
        for e in chosen
    ]
    estimated = total_s([TimedItem(i.exercise, i) for i in items], request.settings)
    return Routine(
        schema_version=1,
        name=request.name or default_name(request.phase, minutes),
        phase=request.phase,
        condition=request.condition,
        minutes=minutes,
        seed=seed,
        created=today,
        estimated_s=estimated,
        advice=advice(request.phase, request.condition),
        items=items,
    )


def default_name(phase: Phase, minutes: int) -> str:
    label = {
        Phase.acute: "Gentle stretches",
        Phase.recovery: "Recovery routine",
        Phase.maintenance: "Core routine",
    }[phase]
    return f"{label}, {minutes} min"


def _reason(exercise: Exercise, chosen: Sequence[Exercise], request: PlanRequest) -> str:
    if exercise.id in request.include:
        return "you asked for it"
    if exercise.kind is Kind.mobility:
        first = exercise is chosen[0]
        return "gentle mobility to start" if first else f"moves your {_targets(exercise)} gently"
    if is_strength(exercise):
        partner = _partner(exercise, chosen)
        if partner is not None:
            return f"balances the {partner.name.lower()}: works your back extensors"
        if is_front(exercise) and request.phase is Phase.recovery:
            return f"holds your {_targets(exercise)} firm with the spine still"
        return f"strengthens your {_targets(exercise)}"
    note = _condition_note(exercise, request.condition)
    return f"stretches your {_targets(exercise)}" + (f"; {note}" if note else "")


def _partner(exercise: Exercise, chosen: Sequence[Exercise]) -> Exercise | None:
    """The abdominal exercise this back exercise balances: the n-th back with the n-th front."""
    strength = [e for e in chosen if is_strength(e)]
    abdominal = [e for e in strength if Target.abdominals in e.targets]
    back = [e for e in strength if Target.back_extensors in e.targets and e not in abdominal]
    if exercise not in back:
        return None
    index = back.index(exercise)
    return abdominal[index] if index < len(abdominal) else None


TARGET_WORDS = {Target.nerve: "sciatic nerve"}


def _targets(exercise: Exercise) -> str:
    words = [TARGET_WORDS.get(t, t.value.replace("-", " ")) for t in exercise.targets] or ["core"]
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _condition_note(exercise: Exercise, condition: PlanCondition) -> str:
    if condition is PlanCondition.disc and exercise.direction is Direction.extension:
        return "arching back tends to suit a disc problem"
    if condition is PlanCondition.stenosis and exercise.direction is Direction.flexion:
        return "bending forward tends to ease stenosis"
    return ""


WALKING = {
    Phase.acute: "Take short, easy walks, a few minutes at a time, and add more as pain allows.",
    Phase.recovery: "Walk most days, building up gradually toward 30 minutes at a time.",
    Phase.maintenance: "Keep walking: about 30 minutes on most days helps keep back pain away.",
}
FLEXION_EASES = frozenset({PlanCondition.stenosis, PlanCondition.spondylolisthesis})
# No one sleeping position suits everyone (W10); these are the ones that tend to ease.
SLEEP = {
    "flexion": "To sleep, lying on your side with hips and knees bent, or on your back with a"
    " pillow under your knees, tends to ease this kind of back pain.",
    "any": "No one sleeping position is best: sleep in the one that eases your back, such as"
    " on your side with a pillow between your knees, or on your back with one under them.",
}
STENOSIS_WALKING = (
    "If walking upright brings on leg symptoms, cycle, or walk with a slight forward lean"
    " (a trolley or walking poles help); both count toward your walking."
)
SCREEN_POINTER = "Signs that need a doctor before exercising: corecli screen --list."


def advice(phase: Phase, condition: PlanCondition) -> list[str]:
    """The lines every plan carries, drawn from the sources' advice."""
    lines = ["Stop any exercise that increases your symptoms.", SCREEN_POINTER, WALKING[phase]]
    if condition in FLEXION_EASES:
        lines.append(STENOSIS_WALKING)
    if phase is Phase.acute:
        lines.append("While pain is acute, stretch; add strengthening once it settles.")
    lines.append(SLEEP["flexion" if condition in FLEXION_EASES else "any"])
    if condition is PlanCondition.general:
        lines.append(
            "Get a diagnosis if pain persists or spreads down a leg: disc problems and stenosis"
            " need different exercises."
        )
    else:
        lines.append("See a clinician if symptoms persist, spread down a leg or get worse.")
    return lines


FLARE_ADVICE = (
    "Stop any exercise that increases your symptoms.",
    "A flare-up is common, usually settles over days to a few weeks, and rarely means new damage.",
    "Keep moving gently: walk for a few minutes every hour or two rather than once for long.",
    "For the next few days, avoid long spells sitting or lying in bed, heavy lifting and"
    " your strengthening; take them up again as it settles.",
    "Warmth (a bath, or a wrapped hot-water bottle) can ease the pain for a while.",
    "Get help if it has not begun to settle within a week or spreads down a leg, and at"
    " once for any emergency sign on corecli screen --list.",
)


def flare_plan(
    catalogue: Catalogue,
    options: PlanOptions,
    config: Config,
    progress: Progress,
    today: date,
) -> NextPlan:
    """A short, gentle routine for a bad day: stretching and mobility only, in lying
    positions of ease for the person's condition, at base doses, at most 15 minutes."""
    minutes = options.minutes if options.minutes is not None else 10
    if minutes > FLARE_MINUTES:
        raise UsageProblem(f"a flare-up routine is at most {FLARE_MINUTES} minutes")
    guidance = plan_guidance(progress._replace(standing=None), phase=Phase.acute)
    request = plan_request(
        options._replace(minutes=minutes, phase=Phase.acute), config, guidance, TimelineSettings()
    )._replace(strength=False, ease=True, max_level=Level.beginner, prefer_level=None)
    routine = plan_routine(catalogue, request, today)
    name = options.name or f"Bad-day routine, {minutes} min"
    routine = routine.model_copy(update={"name": name, "advice": list(FLARE_ADVICE)})
    return NextPlan(routine, guidance.lines, request)


def single_exercise_routine(exercise: Exercise, today: date) -> Routine:
    """A routine of one exercise at its catalogue dose, for ``corecli run --exercise``."""
    item = Item(exercise=exercise.id, reason="you chose it", **exercise.dose.session_fields())
    return Routine(
        schema_version=1,
        name=exercise.name,
        phase=exercise.phases[0],
        minutes=MIN_MINUTES,
        created=today,
        estimated_s=total_s([TimedItem(exercise.id, item)]),
        advice=advice(exercise.phases[0], PlanCondition.general),
        items=[item],
    )
