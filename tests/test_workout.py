"""A guided workout with scripted answers, a fake clock and a real history in a
temporary folder: what is asked, in which order, what is played and what is kept."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from corecli.errors import UsageProblem
from corecli.keys import KeySource, NoKeys
from corecli.models import SessionDose
from corecli.player import Screen
from corecli.progress import read_progress
from corecli.safety import DOCTOR_ADVICE, RED_FLAGS, Clearance, RedFlag, all_clear
from corecli.script import ItemInfo, Script
from corecli.session import Session
from corecli.session_log import SessionLog
from corecli.store.history import History
from corecli.store.home import history_path
from corecli.timeline import Segment, TimedItem, TimelineSettings, build_timeline
from corecli.vocab import Ending, Group, Legs, Light, Phase, PlanCondition
from corecli.workout import Devices, Workout, guided_workout, safety_check
from tests.conftest import FakeClock

TIMELINE = build_timeline(
    [TimedItem("knee-hug", SessionDose(reps=2, hold_s=20, rest_s=5))], TimelineSettings(prep_s=5)
)
SCRIPT = Script(
    "Gentle stretches",
    Phase.acute,
    PlanCondition.general,
    (ItemInfo("Knee hug", ("Lie on your back.", "Hug one knee."), ()),),
)
SESSION_S = 5 + 10 + 20 + 5 + 20  # get ready, into position, hold, rest, hold


class ScriptedPrompts:
    """Answers typed in advance; every question and line goes into ``events``."""

    interactive = True

    def __init__(
        self,
        events: list[str],
        pains: Sequence[int | None] = (),
        screen: dict[str, bool] | None = None,
        legs: Legs | None = None,
        cleared: bool = False,
    ) -> None:
        self.events = events
        self.pains = list(pains)
        self.screen = screen
        self.legs = legs
        self.cleared = cleared

    def ask_pain(self, when: str) -> int | None:
        self.events.append(f"asked pain {when}")
        return self.pains.pop(0) if self.pains else None

    def ask_screen(self, reason: str) -> dict[str, bool] | None:
        self.events.append(f"asked the screen ({reason})")
        return self.screen

    def ask_cleared(self, flag: RedFlag) -> bool:
        self.events.append(f"asked if {flag.id} is cleared")
        return self.cleared

    def say(self, line: str) -> None:
        self.events.append(f"said {line}")

    def ask_legs(self) -> Legs | None:
        self.events.append("asked legs")
        return self.legs

    def show_light(self, light: Light, line: str) -> None:
        self.events.append(f"light {light}: {line}")

    def show_advice(self, advice: str) -> None:
        self.events.append(f"advice {advice}")

    def warn(self, line: str) -> None:
        self.events.append(f"warned {line}")


class QuietScreen:
    def segment_started(self, session: Session, segment: Segment, now: float) -> None:
        return None

    def show(
        self, session: Session, now: float, *, help_shown: bool, steps_shown: bool = False
    ) -> None:
        return None

    def notice(self, text: str, now: float) -> None:
        return None

    def close(self) -> None:
        return None


class InterruptingKeys:
    """Ctrl-C once the clock reaches ``at_s``."""

    def __init__(self, clock: FakeClock, at_s: float) -> None:
        self.clock, self.at_s = clock, at_s

    keyboard = True

    def read(self, timeout_s: float) -> str | None:
        if self.clock.monotonic() + timeout_s >= self.at_s:
            raise KeyboardInterrupt
        self.clock.sleep(timeout_s)
        return None


def devices(prompts: ScriptedPrompts, clock: FakeClock, keys: KeySource | None = None) -> Devices:
    @contextmanager
    def stage() -> Iterator[tuple[KeySource, Screen]]:
        prompts.events.append("stage opened")
        yield keys or NoKeys(sleep=clock.sleep), QuietScreen()
        prompts.events.append("stage closed")

    return Devices(prompts, stage, None, clock=clock.monotonic, wall=clock.now)


@pytest.fixture
def history(isolated: Path) -> Iterator[History]:
    with History.open(history_path(isolated)) as opened:
        yield opened


def summary(events: list[str]) -> list[str]:
    return [event for event in events if event.startswith("said ")]


def test_a_first_workout_screens_asks_plays_records_and_judges(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    prompts = ScriptedPrompts(events, pains=[2, 3], screen=all_clear())
    result = guided_workout(Workout(TIMELINE, SCRIPT), devices(prompts, clock), SessionLog(history))

    assert result.record is not None and result.record.ending is Ending.finished
    assert result.light is Light.green
    assert result.advice is None
    assert events[-3:-1] == ["said ", events[-2]]  # a card of corecli learn to end with
    assert events[-1].startswith("said   (Source: ")
    assert events[:-3] == [
        "asked the screen (before your first session)",
        "asked pain now",
        "stage opened",
        "stage closed",
        "said Session complete.",
        "said Done 1 of 1 exercises · skipped 0 · marked as hurting 0",
        "said Active time 40 s · total time 1 min",
        "asked pain now, at the end",
        "light green: Green: pain up 1, from 2 to 3 after the session. Carry on as planned.",
    ]
    assert clock.monotonic() == SESSION_S
    (row,) = history.sessions()
    assert (row.pain_before, row.pain_after, row.light, row.done) == (2, 3, Light.green, 1)
    assert row.started == clock.now() - timedelta(seconds=SESSION_S)
    screening = history.last_screening()
    assert screening is not None and screening.clear


def test_a_yes_on_the_screen_stops_before_anything_is_played(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    answers = all_clear() | {"cancer": True}
    prompts = ScriptedPrompts(events, pains=[2], screen=answers)
    result = guided_workout(Workout(TIMELINE, SCRIPT), devices(prompts, clock), SessionLog(history))

    advice = f"{DOCTOR_ADVICE} If a clinician has checked it and cleared you to exercise,"
    advice += " record that with: corecli screen --cleared cancer"
    assert (result.record, result.advice) == (None, advice)
    assert events == [
        "asked the screen (before your first session)",
        "asked if cancer is cleared",
        f"advice {advice}",
    ]
    assert history.sessions() == []
    screening = history.last_screening()
    assert screening is not None and screening.answers["cancer"]


def test_the_screen_is_asked_again_only_when_due(history: History, clock: FakeClock) -> None:
    log = SessionLog(history)
    events: list[str] = []
    prompts = ScriptedPrompts(events, screen=all_clear())
    assert safety_check(log, prompts, clock.now(), screened=False) is None
    clock.advance(days=6)
    assert safety_check(log, prompts, clock.now(), screened=False) is None
    clock.advance(days=1)
    assert safety_check(log, prompts, clock.now(), screened=False) is None
    assert events == [  # first, then a week on
        "asked the screen (before your first session)",
        "asked the screen (a week since the last time)",
    ]


def test_screened_answers_no_to_every_question_without_asking(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    workout = Workout(TIMELINE, SCRIPT, pain_before=1, pain_after=1, screened=True)
    result = guided_workout(workout, devices(ScriptedPrompts(events), clock), SessionLog(history))
    assert result.light is Light.green
    assert "asked the screen" not in events
    assert not any(event.startswith("asked pain") for event in events)
    screening = history.last_screening()
    assert screening is not None and screening.answers == {f.id: False for f in RED_FLAGS}


def test_with_nobody_to_answer_a_due_screen_is_refused(history: History, clock: FakeClock) -> None:
    prompts = ScriptedPrompts([], screen=None)
    with pytest.raises(UsageProblem, match="add --screened if you have read its questions"):
        guided_workout(Workout(TIMELINE, SCRIPT), devices(prompts, clock), SessionLog(history))
    assert history.sessions() == []


def test_ctrl_c_during_the_session_keeps_a_partial_record_and_asks_nothing_more(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    prompts = ScriptedPrompts(events, pains=[4, 9])
    keys = InterruptingKeys(clock, at_s=25.0)
    workout = Workout(TIMELINE, SCRIPT, screened=True)
    result = guided_workout(workout, devices(prompts, clock, keys), SessionLog(history))

    assert result.ending is Ending.interrupted
    assert result.light is None  # no pain after: it is not asked after Ctrl-C
    assert summary(events)[0] == "said Session interrupted."
    assert events.count("asked pain now, at the end") == 0
    (row,) = history.sessions()
    assert (row.ending, row.pain_before, row.pain_after) == (Ending.interrupted, 4, None)


def test_without_check_ins_nothing_is_asked_and_there_is_no_light(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    workout = Workout(TIMELINE, SCRIPT, check_in=False, screened=True)
    result = guided_workout(workout, devices(ScriptedPrompts(events), clock), SessionLog(history))
    assert result.light is None
    assert not any(event.startswith(("asked", "light")) for event in events)


def test_a_history_that_cannot_be_written_only_warns(clock: FakeClock) -> None:
    events: list[str] = []
    workout = Workout(TIMELINE, SCRIPT, pain_before=2, pain_after=6, screened=True)
    log = SessionLog(None, "history.sqlite3 cannot be written: the disk is full")
    result = guided_workout(workout, devices(ScriptedPrompts(events), clock), log)
    assert result.light is Light.red
    assert [e for e in events if not e.startswith("said")][-2:] == [
        "light red: Red: pain up 4, from 2 to 6 after the session. The next plan cuts the dose."
        " If it has not settled within a day or two, see a doctor or physiotherapist.",
        "warned History not saved: history.sqlite3 cannot be written: the disk is full",
    ]


# --- The programme: counted sessions, the legs, the open next-morning question ----------


def test_a_counted_red_session_cuts_the_dose_at_once_and_says_so(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    workout = Workout(TIMELINE, SCRIPT, pain_before=2, pain_after=6, screened=True, counts=True)
    result = guided_workout(workout, devices(ScriptedPrompts(events), clock), SessionLog(history))
    assert result.settled is not None and result.settled.decision is not None
    # A new person starts gently; at the gentlest place a red holds.
    (decision, start) = history.decisions()
    assert start.reason.startswith("acute, base dose: the gentle start")
    assert decision.reason.startswith("acute, base dose: already the gentlest")
    assert decision.session_id == history.sessions()[0].id
    assert history.sessions()[0].counts


def test_a_green_session_waits_for_the_next_morning_which_is_asked_first_next_time(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    first = Workout(TIMELINE, SCRIPT, pain_before=3, pain_after=3, screened=True, counts=True)
    guided_workout(first, devices(ScriptedPrompts(events), clock), SessionLog(history))
    assert [d.change.value for d in history.decisions()] == ["start"]  # not decided yet
    clock.advance(days=1)
    events.clear()
    again = first._replace(pain_before=None, pain_after=None)
    prompts = ScriptedPrompts(events, pains=[3, 3, 3])
    guided_workout(again, devices(prompts, clock), SessionLog(history))
    assert events[0] == "asked pain on the morning after your session of Wednesday 18 Nov"
    assert events[1].startswith("light green: Green: ")
    assert events[2] == (
        "said Programme: acute, dose step 1 of 3: up one step after green on 18 Nov (pain"
        " unchanged at 3 after the session; settled by the next morning (unchanged at 3))."
    )
    assert history.sessions()[1].pain_next_day == 3


def test_legs_are_asked_only_when_the_condition_needs_them(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    prompts = ScriptedPrompts(events, pains=[3, 3], legs=Legs.further)
    workout = Workout(TIMELINE, SCRIPT, screened=True, ask_legs=True)
    result = guided_workout(workout, devices(prompts, clock), SessionLog(history))
    assert "asked legs" in events
    assert result.light is Light.red
    assert history.sessions()[0].legs is Legs.further
    events.clear()
    plain = Workout(TIMELINE, SCRIPT, screened=True, pain_before=3, pain_after=3)
    guided_workout(plain, devices(ScriptedPrompts(events), clock), SessionLog(history))
    assert "asked legs" not in events


# --- The screen's grades at work ---------------------------------------------------------


def test_a_clinicians_clearance_given_in_the_screen_lets_the_session_go_on(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    answers = all_clear() | {"cancer": True}
    prompts = ScriptedPrompts(events, pains=[2, 2], screen=answers, cleared=True)
    result = guided_workout(Workout(TIMELINE, SCRIPT), devices(prompts, clock), SessionLog(history))
    assert result.advice is None and result.record is not None
    assert "asked if cancer is cleared" in events
    assert history.clearances() == [Clearance("cancer", clock.today)]
    # A later "no" is a changed answer: the clearance goes, and a "yes" needs a new one.
    clock.advance(days=8)
    no = ScriptedPrompts([], pains=[2, 2], screen=all_clear())
    guided_workout(Workout(TIMELINE, SCRIPT), devices(no, clock), SessionLog(history))
    assert history.clearances() == []


def test_physio_signs_change_the_plan_and_do_not_stop_it(
    history: History, clock: FakeClock
) -> None:
    events: list[str] = []
    answers = all_clear() | {"osteoporosis": True, "inflammatory": True}
    prompts = ScriptedPrompts(events, pains=[2, 2], screen=answers)
    result = guided_workout(Workout(TIMELINE, SCRIPT), devices(prompts, clock), SessionLog(history))
    assert result.advice is None and result.record is not None
    assert "said Osteoporosis or steroids: plans leave out loaded and end-range bending" in (
        " ".join(events)
    )
    assert read_progress(history, clock.today).screen_groups == {Group.osteoporosis}
