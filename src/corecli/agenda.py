"""What is due today: the programme's session, stretches the dose asks for more than
once a day, walking left this week, and an open next-morning question.

A pure function of today's plan, the catalogue and what the history says was
done; ``corecli today`` prints it as text or JSON.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Any, NamedTuple

from corecli.catalogue import Catalogue
from corecli.learn import Card, card_of_the_day
from corecli.models import Config, Routine
from corecli.planner import FLEXION_EASES, PlanOptions, plan_next
from corecli.programme import DOSE_STEPS, Standing, walking_goals, week_start
from corecli.progress import pending_checkin, read_progress, review_advice
from corecli.safety import Clearance, live
from corecli.store.history import History
from corecli.text import format_day, times_a_day
from corecli.vocab import PlanCondition


class Due(NamedTuple):
    """One thing to do today."""

    what: str  # "session", "again" (an exercise dosed more than once a day) or "walk"
    label: str  # what a person reads
    done: bool
    command: str  # how to do it
    detail: dict[str, Any]  # the figures, for JSON

    def as_json(self) -> dict[str, Any]:
        shown = {"what": self.what, "label": self.label, "done": self.done}
        return shown | {"command": self.command, **self.detail}


class Checkin(NamedTuple):
    """An open next-morning question."""

    session_id: int
    session_day: date

    @property
    def morning(self) -> date:
        return self.session_day + timedelta(days=1)

    def command(self, today: date) -> str:
        on = "" if self.morning == today else f" --on {self.morning.isoformat()}"
        return f"corecli checkin PAIN{on}"

    def question(self) -> str:
        return (
            f"How was your back on the morning of {self.morning:%a} {format_day(self.morning)},"
            f" after the session of {format_day(self.session_day)}?"
        )


class Agenda(NamedTuple):
    day: date
    standing: Standing | None  # None: not set up yet
    reason: str
    due: list[Due]
    checkin: Checkin | None
    notes: list[str]  # why the plan is as it is (a rest day, left out …)
    review: str | None = None  # not improving: see a clinician
    cleared: Sequence[Clearance] = ()  # screen signs a clinician has cleared, in date
    card: Card | None = None

    @property
    def session_done(self) -> bool:
        return any(item.what == "session" and item.done for item in self.due)

    def as_json(self) -> dict[str, Any]:
        standing = self.standing
        return {
            "day": self.day.isoformat(),
            "set_up": standing is not None,
            "phase": standing.phase.value if standing else "acute",
            "level": standing.level.value if standing else "beginner",
            "dose_step": standing.dose_step if standing else 0,
            "dose_steps": DOSE_STEPS,
            "phase_began": standing.began.isoformat() if standing else None,
            "counted_in_phase": standing.sessions if standing else 0,
            "reason": self.reason,
            "due": [item.as_json() for item in self.due],
            "session_done": self.session_done,
            "checkin_pending": self.checkin is not None,
            "checkin": None
            if self.checkin is None
            else {
                "session": self.checkin.session_id,
                "session_day": self.checkin.session_day.isoformat(),
                "morning": self.checkin.morning.isoformat(),
                "command": self.checkin.command(self.day),
            },
            "notes": self.notes,
            "review": self.review,
            "cleared": [
                {"id": c.flag, "on": c.on.isoformat(), "asked_again": c.until.isoformat()}
                for c in self.cleared
            ],
            "card": None if self.card is None else self.card._asdict() | {"only_for": None},
        }


def agenda(
    *,
    day: date,
    standing: Standing | None,
    reason: str,
    plan: Routine,
    notes: Sequence[str],
    catalogue: Catalogue,
    sessions_done: int,
    done_today: Mapping[str, int],
    walked: Mapping[date, int],
    checkin: Checkin | None,
) -> Agenda:
    """Today's agenda. ``sessions_done``: full sessions of the programme today;
    ``done_today``: each exercise done today, and in how many sessions."""
    due = [
        Due(
            "session",
            f"Your session: {plan.name}",
            sessions_done > 0,
            "corecli run",
            {"routine": plan.name, "minutes": plan.minutes, "items": len(plan.items)},
        )
    ]
    for item in plan.items:
        exercise = catalogue.get(item.exercise)
        if exercise is None or exercise.dose.per_day < 2:
            continue
        times, done = exercise.dose.per_day, done_today.get(exercise.id, 0)
        due.append(
            Due(
                "again",
                f"{exercise.name}: {times_a_day(times)} by its dose ({done} of {times} today)",
                done >= times,
                f"corecli run --exercise {exercise.id}",
                {"exercise": exercise.id, "times": times, "times_done": done},
            )
        )
    week = week_start(day)
    goal = walking_goals(dict(walked), day)[week]
    minutes = walked.get(week, 0)
    left_min = max(goal - minutes, 0)
    due.append(
        Due(
            "walk",
            f"Walking: {left_min} of {goal} minutes left this week"
            if left_min
            else f"Walking: this week's {goal} minutes done",
            left_min == 0,
            "corecli walk MINUTES",
            {"walked": minutes, "goal": goal, "minutes_left": left_min},
        )
    )
    return Agenda(day, standing, reason, due, checkin, list(notes))


def today_from(history: History, catalogue: Catalogue, config: Config, day: date) -> Agenda:
    """Today's agenda from what the history holds, with today's plan made afresh."""
    progress = read_progress(history, day)
    planned = plan_next(catalogue, PlanOptions(), config, progress, day)
    open_row = pending_checkin(history, day)
    shown = agenda(
        day=day,
        standing=progress.standing,
        reason=progress.reason or "the gentle start: corecli start sets the programme up",
        plan=planned.routine,
        notes=[line for line in planned.notes if not line.startswith("Programme:")],
        catalogue=catalogue,
        sessions_done=sum(row.completed for row in history.sessions(since=day, counted=True)),
        done_today=history.done_on(day),
        walked=history.walk_minutes_by_week(),
        checkin=Checkin(open_row.id, open_row.day) if open_row else None,
    )
    condition = config.condition or PlanCondition.general
    if condition in FLEXION_EASES:  # upright walking can bring on stenosis symptoms
        shown = shown._replace(due=[stenosis_walking(item) for item in shown.due])
    return shown._replace(
        review=review_advice(history, day),
        cleared=sorted(live(history.clearances(), day).values()),
        card=card_of_the_day(day, condition),
    )


def stenosis_walking(item: Due) -> Due:
    if item.what != "walk":
        return item
    return item._replace(
        label=f"{item.label} (cycling, or walking with a slight forward lean, counts too)"
    )
