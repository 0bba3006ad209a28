"""A guided workout: the safety screen, pain before, the session played and recorded
as it goes, its traffic light, pain after.

Everything a workout talks through is passed in (:class:`Devices`): the questions
and the lines it says, the keys and the screen (open only while the session
plays), the sound and the clocks; and the session log it writes to. The CLI passes
a terminal; tests pass scripted stand-ins and a fake clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from typing import NamedTuple, Protocol

from corecli.errors import UsageProblem
from corecli.keys import KeySource
from corecli.learn import card_lines, card_of_the_day
from corecli.models import ItemRecord, Routine, SessionRecord
from corecli.pain import Judgement, PainReport, judge, light_line
from corecli.player import Screen, Sound, play, summary_lines
from corecli.progress import Settled
from corecli.safety import (
    BY_ID,
    NOTHING_RECENT,
    Clearance,
    RedFlag,
    all_clear,
    live,
    screen_due,
    verdict,
)
from corecli.script import Script
from corecli.session_log import SessionLog
from corecli.text import format_day
from corecli.timeline import Segment
from corecli.vocab import Change, Ending, Legs, Light, Outcome


class Prompts(Protocol):
    """The questions a workout asks and the lines it says."""

    interactive: bool  # someone is there to answer

    def ask_pain(self, when: str) -> int | None:
        """A pain score, 0 to 10; None if skipped, or if nobody is there to answer."""

    def ask_screen(self, reason: str) -> dict[str, bool] | None:
        """Each red-flag question's answer (True for "yes"), asked because of
        ``reason``; None if nobody can answer."""

    def ask_cleared(self, flag: RedFlag) -> bool:
        """Whether a clinician has checked this sign and cleared exercise."""

    def say(self, line: str) -> None:
        """A line of the summary."""

    def ask_legs(self) -> Legs | None:
        """Where leg symptoms went during the session; None if skipped or nobody answers."""

    def show_light(self, light: Light, line: str) -> None:
        """The session's traffic light, and a line saying why and what it means."""

    def show_advice(self, advice: str) -> None:
        """What to do after a "yes" on the safety screen."""

    def warn(self, line: str) -> None:
        """A problem that did not stop the workout (the history could not be saved)."""


# Opens the keys and the screen for the time the session plays, and puts the terminal back.
Stage = Callable[[], AbstractContextManager[tuple[KeySource, Screen]]]


class Devices(NamedTuple):
    """What a workout talks through."""

    prompts: Prompts
    stage: Stage
    sound: Sound | None
    clock: Callable[[], float]  # monotonic seconds, for the timer
    wall: Callable[[], datetime]  # local time, for the record


class Workout(NamedTuple):
    """A session to guide, and what the person already said."""

    timeline: Sequence[Segment]
    script: Script
    pain_before: int | None = None
    pain_after: int | None = None
    check_in: bool = True  # ask for the pain scores not given
    screened: bool = False  # the person has read the safety screen and none of it applies
    self_paced: bool = False
    speed: float = 1.0
    counts: bool = False  # a session of the programme's own plan: it can move the programme
    note: str | None = None  # said once the screen is passed (why it does not count)
    ask_legs: bool = False  # disc and sciatica: ask where leg symptoms went
    legs: Legs | None = None  # given on the command line
    gate: bool = True  # wait for space before the get-ready countdown


class WorkoutResult(NamedTuple):
    """How a workout ended: the session's record and light, or the screen's advice."""

    record: SessionRecord | None  # None: the safety screen stopped it first
    light: Light | None = None
    advice: str | None = None  # after a "yes" on the safety screen
    settled: Settled | None = None

    @property
    def ending(self) -> Ending | None:
        return None if self.record is None else self.record.ending


def guided_workout(workout: Workout, devices: Devices, log: SessionLog) -> WorkoutResult:
    """Screen, ask, play, record, judge, ask again: one session from start to summary.

    Ctrl-C or SIGTERM during the session ends it as partial (see the record's
    ending); at a question they propagate, and nothing more is recorded.
    """
    prompts = devices.prompts
    advice = safety_check(log, prompts, devices.wall(), screened=workout.screened)
    if advice is not None:
        prompts.show_advice(advice)
        return WorkoutResult(None, advice=advice)
    if workout.note:
        prompts.say(workout.note)
    morning_check(log, prompts, devices.wall().date())
    before = workout.pain_before
    if before is None and workout.check_in:
        before = prompts.ask_pain("now")
    with devices.stage() as (keys, screen):
        record = play(
            workout.timeline,
            workout.script,
            screen,
            keys,
            sound=devices.sound,
            clock=devices.clock,
            wall=devices.wall,
            speed=workout.speed,
            self_paced=workout.self_paced,
            gate=workout.gate,
            on_start=lambda started: log.begin(started, before, counts=workout.counts),
            on_item=log.item,
        )
    after = workout.pain_after
    log.end(record, after)
    for line in summary_lines(record, workout.script, saved=log.saved):
        prompts.say(line)
    legs = workout.legs
    if workout.check_in and record.ending in (Ending.finished, Ending.quit):
        if after is None:
            after = prompts.ask_pain("now, at the end")
        if legs is None and workout.ask_legs:
            legs = prompts.ask_legs()
    log.after(after, legs)
    settled = log.settle() or Settled(
        judge(PainReport(before, after, hurt=record.count(Outcome.hurt), legs=legs))
    )
    show_settled(prompts, settled)
    if record.ending in (Ending.finished, Ending.quit):
        card = card_of_the_day(record.started.date(), workout.script.condition)
        for line in ["", *card_lines(card)]:
            prompts.say(line)
    if log.problem:
        prompts.warn(f"History not saved: {log.problem}")
    return WorkoutResult(record, settled.judgement.light, settled=settled)


def show_settled(prompts: Prompts, settled: Settled) -> None:
    """The light and why, then what the programme did about it."""
    judgement: Judgement = settled.judgement
    if judgement.light is not None:
        prompts.show_light(judgement.light, light_line(judgement))
    decision = settled.decision
    if decision is not None and decision.change is not Change.hold:
        prompts.say(f"Programme: {decision.reason}.")


def morning_check(log: SessionLog, prompts: Prompts, today: date) -> None:
    """Ask the next-morning question of the last session if it is still open."""
    row = log.pending_checkin(today)
    if row is None:
        return
    when = f"the morning after your session of {row.started:%A} {format_day(row.day)}"
    pain = prompts.ask_pain(f"on {when}")
    if pain is None and not prompts.interactive:
        return  # nobody to ask: it stays open, and today says so
    settled = log.check_in(row, pain, row.day + timedelta(days=1))
    if settled is not None and pain is not None:
        show_settled(prompts, settled)


def safety_check(
    log: SessionLog, prompts: Prompts, now: datetime, *, screened: bool, always: bool = False
) -> str | None:
    """Ask the red-flag questions when due (or ``always``) and keep the answers, with
    any clinician's clearance given for a "yes".

    Returns the advice after a "yes" that stops exercise, else None. With nobody to
    answer and no ``screened`` (the person has read them and none applies), a due
    screen is a UsageProblem.
    """
    last = log.last_screening()
    cleared = live(log.clearances(), now.date())
    recent = log.since_screening(last.at) if last is not None else NOTHING_RECENT
    reason = "" if always else screen_due(last, now, cleared, recent)
    if reason is None:
        return None
    # --screened: none of it applies, beyond what a clinician has cleared.
    answers = all_clear() | dict.fromkeys(cleared, True) if screened else prompts.ask_screen(reason)
    if answers is None:
        raise UsageProblem(
            "the safety screen needs answers and there is no terminal to ask them:"
            " add --screened if you have read the questions above and none apply"
            if always
            else f"the safety screen is due ({reason}) and there is no terminal to ask it:"
            " run corecli screen, or add --screened if you have read its questions"
            " (corecli screen --list) and none apply"
        )
    log.unclear([flag for flag in cleared if not answers.get(flag)])  # the answer changed
    cleared = {flag: c for flag, c in cleared.items() if answers.get(flag)}
    for flag in verdict(answers, cleared).blocking:
        if not screened and prompts.ask_cleared(BY_ID[flag]):
            cleared[flag] = Clearance(flag, now.date())
            log.clear(flag, now.date())
            until = cleared[flag].until
            prompts.say(f"Recorded; corecli asks again from {format_day(until)} {until.year}.")
    log.add_screening(now, answers)
    found = verdict(answers, cleared)
    for note in found.notes:
        prompts.say(note)
    return found.advice


def logged_record(
    routine: Routine,
    timeline: Sequence[Segment],
    started: datetime,
    skipped: Set[int],
    hurt: Set[int],
) -> SessionRecord:
    """A session done away from the screen (``corecli log``), recorded as the timer
    would have recorded it played through: every item done but those skipped or hurt."""
    planned: dict[int, list[float]] = {}
    for segment in timeline:
        if segment.item is not None:
            spent = planned.setdefault(segment.item, [0.0, 0.0])
            spent[0] += segment.duration_s
            spent[1] += segment.duration_s if segment.kind.is_work else 0.0
    items = []
    for index, item in enumerate(routine.items):
        planned_s, active_s = planned.get(index, [0.0, 0.0])
        outcome = (
            Outcome.skipped if index in skipped else Outcome.hurt if index in hurt else Outcome.done
        )
        items.append(
            ItemRecord(
                exercise=item.exercise,
                outcome=outcome,
                planned_s=int(planned_s),
                active_s=active_s if outcome is Outcome.done else 0.0,
            )
        )
    total_s = sum(segment.duration_s for segment in timeline)
    return SessionRecord(
        routine=routine.name,
        phase=routine.phase,
        condition=routine.condition,
        started=started,
        ended=started + timedelta(seconds=total_s),
        ending=Ending.finished,
        planned_s=total_s,
        active_s=sum(i.active_s for i in items),
        paused_s=0.0,
        total_s=float(total_s),
        items=items,
    )
