"""A guided workout: the safety screen, pain before, the session played and recorded
as it goes, its traffic light, pain after.

Everything a workout talks through is passed in (:class:`Devices`): the questions
and the lines it says, the keys and the screen (open only while the session
plays), the sound and the clocks; and the session log it writes to. The CLI passes
a terminal; tests pass scripted stand-ins and a fake clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import NamedTuple, Protocol

from corecli.errors import UsageProblem
from corecli.keys import KeySource
from corecli.models import SessionRecord
from corecli.player import Screen, Sound, play, summary_lines
from corecli.programme import traffic_light
from corecli.safety import advice_for, all_clear, screen_due
from corecli.script import Script
from corecli.store.history import SessionLog
from corecli.timeline import Segment
from corecli.vocab import Ending, Light


class Prompts(Protocol):
    """The questions a workout asks and the lines it says."""

    def ask_pain(self, when: str) -> int | None:
        """A pain score, 0 to 10; None if skipped, or if nobody is there to answer."""

    def ask_screen(self) -> dict[str, bool] | None:
        """Each red-flag question's answer (True for "yes"); None if nobody can answer."""

    def say(self, line: str) -> None:
        """A line of the summary."""

    def show_light(self, light: Light) -> None:
        """The session's traffic light and what it means."""

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


class WorkoutResult(NamedTuple):
    """How a workout ended: the session's record and light, or the screen's advice."""

    record: SessionRecord | None  # None: the safety screen stopped it first
    light: Light | None = None
    advice: str | None = None  # after a "yes" on the safety screen

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
            on_start=lambda started: log.begin(started, before),
            on_item=log.item,
        )
    after = workout.pain_after
    light = traffic_light(before, after)
    log.end(record, after, light)
    for line in summary_lines(record, workout.script, saved=log.saved):
        prompts.say(line)
    if after is None and workout.check_in and record.ending in (Ending.finished, Ending.quit):
        after = prompts.ask_pain("now, at the end")
        light = traffic_light(before, after)
        log.pain_after(after, light)
    if light is not None:
        prompts.show_light(light)
    if log.problem:
        prompts.warn(f"History not saved: {log.problem}")
    return WorkoutResult(record, light)


def safety_check(
    log: SessionLog, prompts: Prompts, now: datetime, *, screened: bool, always: bool = False
) -> str | None:
    """Ask the red-flag questions when due (or ``always``) and keep the answers.

    Returns the advice after any "yes", else None. With nobody to answer and no
    ``screened`` (the person has read them and none applies), a due screen is a
    UsageProblem.
    """
    if not always and not screen_due(log.last_screening(), now):
        return None
    answers = all_clear() if screened else prompts.ask_screen()
    if answers is None:
        raise UsageProblem(
            "the weekly safety screen needs answers and there is no terminal to ask them:"
            + (
                " add --screened if you have read the questions above and none apply"
                if always
                else " run corecli screen, or add --screened if you have read its questions"
                " (corecli screen --list) and none apply"
            )
        )
    log.add_screening(now, answers)
    return advice_for(answers)
