"""The programme as the history records it: where a person stands, and moving it
on after each session and each next-morning answer.

``programme.py`` holds the rules and ``pain.py`` the light; this module reads
what they need from the history and writes their decisions back, in one place,
for ``run``, ``log``, ``checkin`` and ``start`` alike.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from corecli.pain import Judgement, PainReport, judge
from corecli.programme import (
    Decision,
    Judged,
    Progress,
    Standing,
    catch_up,
    decide,
    flare,
    gentle_start,
)
from corecli.safety import Screening, groups_from
from corecli.store.history import History, SessionRow
from corecli.vocab import Change, Group, Light

CHECKIN_DAYS = 7  # a next-morning question is still asked this many days after


class Settled(NamedTuple):
    """A session's light now, and the programme's decision if this settled it."""

    judgement: Judgement
    decision: Decision | None = None


def due_decisions(history: History, today: date) -> list[Decision]:
    latest = history.decisions(limit=1)
    return catch_up(latest[0] if latest else None, history.last_counted_day(), today)


def standing(history: History, today: date) -> tuple[Standing, str] | None:
    """Where the person stands today and why (None: no programme yet)."""
    due = due_decisions(history, today)
    latest = due[-1:] or history.decisions(limit=1)
    if not latest:
        return None
    return latest[0].standing, latest[0].reason


def read_progress(history: History, today: date) -> Progress:
    """What the next plan depends on, with any due decision worked out but not stored."""
    where = standing(history, today)
    return Progress(
        standing=where[0] if where else None,
        reason=where[1] if where else "",
        flags=history.flags(),
        done_yesterday=frozenset(history.done_on(today - timedelta(days=1))),
        setup=history.profile(),
        legs=history.legs_report(),
        screen_groups=screen_groups(history.last_screening()),
    )


def screen_groups(last: Screening | None) -> frozenset[Group]:
    """The groups the latest screen's answers put the person in (osteoporosis)."""
    return groups_from(last.answers) if last else frozenset()


def commit(history: History, today: date) -> Standing:
    """Store the due decisions before a session that counts, starting the programme
    gently if it was never set up; the standing after them."""
    if not history.decisions(limit=1):
        history.add_decision(gentle_start(today))
    for decision in due_decisions(history, today):
        history.add_decision(decision)
    return history.decisions(limit=1)[0].standing


def report(history: History, row: SessionRow) -> PainReport:
    setup = history.profile()
    return PainReport(
        before=row.pain_before,
        after=row.pain_after,
        usual=setup.usual_pain if setup else None,
        next_morning=row.pain_next_day,
        hurt=row.hurt,
        legs=row.legs,
    )


def settle(history: History, session_id: int, today: date) -> Settled:
    """Judge a session afresh from what is recorded, store its light, and let the
    programme decide once the light is final: at once for a red, else when the
    next morning's answer is in. A session is decided once, and only if it counts."""
    row = history.session(session_id)
    if row is None:
        return Settled(Judgement(None, ()))
    told = report(history, row)
    judgement = judge(told)
    history.set_light(session_id, judgement.light)
    morning = judge(told._replace(after=None, hurt=0, legs=None))
    morning_red = row.pain_next_day is not None and morning.red
    final = judgement.red or row.pain_next_day is not None
    if not (row.counts and judgement.light and final):
        return Settled(judgement)
    earlier = history.decisions_of(session_id)
    # Decided once; a red still red the next morning gets a second, further cut.
    again = morning_red and len(earlier) == 1 and earlier[0].day == row.day < today
    if earlier and not again:
        return Settled(judgement)
    current = commit(history, today)
    previous = history.decisions(limit=1, judged=True)
    judged = Judged(
        session_id,
        today,
        judgement.light,
        finished=row.completed,
        morning_red=morning_red,
        why="; ".join(judgement.reasons),
        session_day=row.day,
    )
    decision = decide(current, judged, previous[0].light if previous else None)
    history.add_decision(decision)
    return Settled(judgement, decision)


def pending_checkin(history: History, today: date) -> SessionRow | None:
    """The session whose next-morning question is still open: the latest of a day
    before today, of the programme's plan, asked about neither yet, and recent."""
    row = history.latest_before(today, counted=True)
    if row is None or row.next_day_on is not None:
        return None
    if (today - row.day).days > CHECKIN_DAYS:
        return None
    return row


def check_in(history: History, row: SessionRow, pain: int | None, morning: date) -> Settled:
    """Record a next-morning answer (None: skipped) and settle the session with it."""
    history.check_in(row.id, pain, morning)
    return settle(history, row.id, morning)


def note_flare(history: History, today: date) -> Decision | None:
    """Log a flare-up (once a day) for a person with a programme; None if there is none
    or it is noted already."""
    latest = history.decisions(limit=1)
    if not latest or (latest[0].change is Change.flare and latest[0].day == today):
        return None
    current = commit(history, today)
    decision = flare(current, today)
    history.add_decision(decision)
    return decision


REVIEW_AFTER_DAYS = 28  # about four weeks without a two-point fall in usual pain
REVIEW_FALL = 2
REVIEW_LIGHTS = 4  # this many amber or red sessions in a row


def review_advice(history: History, today: date) -> str | None:
    """Advice to see a clinician when the back is not improving: four weeks or more
    without a two-point fall in the pain a person starts sessions with, or several
    amber and red sessions in a row (CLINICAL.md M4)."""
    lights = [d.light for d in history.decisions(limit=REVIEW_LIGHTS, judged=True)]
    if len(lights) == REVIEW_LIGHTS and all(light in (Light.amber, Light.red) for light in lights):
        return (
            f"Your last {REVIEW_LIGHTS} sessions were amber or red. Ask a doctor or"
            " physiotherapist to review your back and these exercises."
        )
    began = history.programme_began()
    if began is None or (today - began).days < REVIEW_AFTER_DAYS:
        return None
    setup = history.profile()
    first = history.pains_before(began, began + timedelta(days=6))
    start = setup.usual_pain if setup else (round(sum(first) / len(first)) if first else None)
    lately = history.pains_before(today - timedelta(days=6), today)
    if start is None or not lately:
        return None
    now = round(sum(lately) / len(lately))
    if start - now >= REVIEW_FALL:
        return None
    weeks = (today - began).days // 7
    return (
        f"After {weeks} weeks your pain has not eased by 2 points (from {start} to about {now})."
        " Ask a doctor or physiotherapist to review it: not improving after a month of care"
        " is something they will want to check."
    )
