"""Sessions done away from the screen, such as from the printed sheet (``corecli log``).

A logged session is recorded as the timer would have recorded it played through,
and judged and counted exactly like a timed one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from corecli.catalogue import Catalogue
from corecli.errors import UsageProblem, visible
from corecli.models import Config, Routine
from corecli.planner import PlanOptions, plan_next, seed_for
from corecli.programme import why_not_counted
from corecli.progress import Settled, read_progress, settle
from corecli.store.history import History
from corecli.timeline import TimelineSettings, build_timeline, routine_items
from corecli.vocab import Legs, Outcome
from corecli.workout import logged_record


class Told(NamedTuple):
    """What the person says about a session they did."""

    pain_before: int | None = None
    pain_after: int | None = None
    legs: Legs | None = None
    skipped: Sequence[str] = ()  # ids, names or aliases
    hurt: Sequence[str] = ()


class Logged(NamedTuple):
    session_id: int
    routine: Routine
    done: int  # exercises done
    aside: str | None  # why it does not count, if it does not
    settled: Settled


def log_session(
    history: History,
    catalogue: Catalogue,
    config: Config,
    routine: Routine | None,
    started: datetime,
    told: Told,
    *,
    practice: bool = False,
) -> Logged:
    """Record a session done at ``started``: ``routine``, or that day's plan."""
    day = started.date()
    progress = read_progress(history, day)
    from_file = routine is not None
    if routine is None:
        routine = plan_next(
            catalogue, PlanOptions(seed=seed_for(day)), config, progress, day
        ).routine
    skipped = positions(routine, catalogue, told.skipped, "--skipped")
    hurt = positions(routine, catalogue, told.hurt, "--hurt")
    if skipped & hurt:
        raise UsageProblem("an exercise is either --skipped or --hurt, not both")
    timing = TimelineSettings(prep_s=config.prep, transition_s=config.transition)
    timeline = build_timeline(routine_items(routine, catalogue), timing)
    record = logged_record(routine, timeline, started, skipped, hurt)
    aside = why_not_counted(
        progress.standing, routine.phase, practice=practice, from_file=from_file
    )
    session_id = history.record_session(
        record, told.pain_before, told.pain_after, told.legs, counts=aside is None
    )
    done = sum(item.outcome is Outcome.done for item in record.items)
    return Logged(session_id, routine, done, aside, settle(history, session_id, day))


def positions(
    routine: Routine, catalogue: Catalogue, queries: Sequence[str], option: str
) -> set[int]:
    """The routine's items named by ``queries`` (ids, names or aliases)."""
    ids = [item.exercise for item in routine.items]
    found: set[int] = set()
    for query in queries:
        exercise_id = catalogue.find(query).id
        if exercise_id not in ids:
            listed = ", ".join(dict.fromkeys(ids))
            raise UsageProblem(f"{option} {visible(query)}: not in this routine ({listed})")
        found.update(index for index, id_ in enumerate(ids) if id_ == exercise_id)
    return found
