"""The session loop with a fake clock and scripted keys, and the frames it draws.

Nothing here sleeps: the fake key source moves the fake clock forward by the
timeout it is asked to wait, or to the moment of the next scripted key.
"""

from __future__ import annotations

import io
import os
import re
import signal
import sys
import time
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console, RenderableType
from rich.style import Style

from corecli import player
from corecli.catalogue import load_catalogue
from corecli.keys import RawKeys, Suspended, TerminalLost, Terminated, sigterm_raises
from corecli.models import Exercise, SessionDose, SessionRecord
from corecli.planner import single_exercise_routine
from corecli.player import KEYMAP, PlainScreen, Sound, play, summary_lines
from corecli.script import ItemInfo, Script, counts, describe
from corecli.session import Command, Session
from corecli.sounds import Cue, Tones, find_player, start_cue
from corecli.timeline import (
    Segment,
    SegmentKind,
    TimedItem,
    TimelineSettings,
    routine_items,
)
from corecli.timeline import build_timeline as timeline_for
from corecli.views.session import (
    KEY_HELP,
    KEY_HINTS,
    LiveScreen,
    banner,
    big_text,
    countdown_text,
    session_frame,
    stage_word,
)
from corecli.vocab import Ending, Outcome, Phase, PlanCondition


def build_timeline(items: Sequence[TimedItem]) -> list[Segment]:
    """A timeline with the 5 s get-ready these tests' times were worked out with."""
    return timeline_for(items, TimelineSettings(prep_s=5))


# The same two exercises as in test_session.py: every kind of segment, 82 s in all.
#   0 prep 0-5, 1 transition 5-15, 2 hold 15-20, 3 rest, 4 hold, 5 set-rest 28-38, 6 hold,
#   7 rest, 8 hold 46-51, 9 transition 51-61, 10 rep, 11 rest, 12 rep, 13 switch 69-74,
#   14 rep, 15 rest, 16 rep 79-82, 17 done.
TIMELINE = build_timeline(
    [
        TimedItem("bridge", SessionDose(sets=2, reps=2, hold_s=5, rest_s=3, set_rest_s=10)),
        TimedItem("leg-lift", SessionDose(reps=2, rep_s=3, rest_s=2, per_side=True)),
    ]
)
TOTAL_S = 82
ACTIVE_S = 4 * 5 + 4 * 3
BRIDGE = ItemInfo(
    "Bridge",
    ("Lie on your back, knees bent.", "Squeeze your buttocks.", "Lift your hips."),
    ("Keep your ribs down.", "Breathe out as you lift."),
)
LEG_LIFT = ItemInfo("Side-lying leg lift", ("Lie on your side.", "Lift the top leg."), ())
SCRIPT = Script("Back basics", Phase.recovery, PlanCondition.general, (BRIDGE, LEG_LIFT))
WALL_START = datetime(2024, 5, 1, 7, 30)


class FakeClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


Key = str | BaseException


class FakeKeys:
    """Scripted keys at given clock times; waiting moves the clock instead of sleeping."""

    def __init__(self, clock: FakeClock, script: Sequence[tuple[float, Key]] = ()) -> None:
        self.clock = clock
        self.script = list(script)
        self.timeouts: list[float] = []

    keyboard = True

    def read(self, timeout_s: float) -> str | None:
        self.timeouts.append(timeout_s)
        assert len(self.timeouts) < 10_000, "the loop does not move on"
        assert timeout_s >= 0
        if self.script and self.script[0][0] <= self.clock.now + timeout_s:
            at, key = self.script.pop(0)
            self.clock.now = max(self.clock.now, at)
            if isinstance(key, BaseException):
                raise key
            return key
        self.clock.now += timeout_s
        return None


@dataclass(frozen=True)
class Shown:
    index: int
    now: float
    help_shown: bool
    paused: bool
    steps_shown: bool = False


class RecordingScreen:
    """A screen that notes what it was asked to show."""

    def __init__(self) -> None:
        self.started: list[tuple[Segment, float]] = []
        self.shown: list[Shown] = []
        self.notices: list[tuple[float, str]] = []
        self.closed = 0

    def segment_started(self, session: Session, segment: Segment, now: float) -> None:
        self.started.append((segment, now))

    def show(
        self, session: Session, now: float, *, help_shown: bool, steps_shown: bool = False
    ) -> None:
        self.shown.append(Shown(session.index, now, help_shown, session.paused, steps_shown))

    def notice(self, text: str, now: float) -> None:
        self.notices.append((now, text))

    def close(self) -> None:
        self.closed += 1


@dataclass
class Played:
    record: SessionRecord
    screen: RecordingScreen
    keys: FakeKeys
    clock: FakeClock


def play_scripted(
    keys: Sequence[tuple[float, Key]] = (),
    *,
    sound: Sound | None = None,
    speed: float = 1.0,
    self_paced: bool = False,
    timeline: Sequence[Segment] = TIMELINE,
    script: Script = SCRIPT,
    screen: player.Screen | None = None,
    gate: bool = False,
) -> Played:
    clock = FakeClock()
    source = FakeKeys(clock, keys)
    recording = RecordingScreen()
    record = play(
        timeline,
        script,
        screen or recording,
        source,
        sound=sound,
        clock=clock,
        wall=lambda: WALL_START + timedelta(seconds=clock.now),
        speed=speed,
        self_paced=self_paced,
        gate=gate,
    )
    return Played(record, recording, source, clock)


def outcomes(record: SessionRecord) -> list[Outcome]:
    return [item.outcome for item in record.items]


# --- The loop -------------------------------------------------------------------------------


def test_a_whole_session_runs_to_the_end_in_fake_time() -> None:
    played = play_scripted()
    record = played.record
    assert record.ending is Ending.finished
    assert record.completed
    assert outcomes(record) == [Outcome.done, Outcome.done]
    assert record.planned_s == TOTAL_S == TIMELINE[-1].start_s
    assert record.total_s == TOTAL_S
    assert record.active_s == ACTIVE_S
    assert record.paused_s == 0
    assert [item.planned_s for item in record.items] == [46, 31]
    assert [item.active_s for item in record.items] == [20, 12]
    assert (record.started, record.ended) == (WALL_START, WALL_START + timedelta(seconds=82))
    assert (record.routine, record.phase) == ("Back basics", Phase.recovery)
    assert played.clock.now == TOTAL_S
    assert played.screen.closed == 1


def test_every_segment_is_announced_once_at_its_start() -> None:
    played = play_scripted()
    assert played.screen.started == [(segment, segment.start_s) for segment in TIMELINE]


def test_the_loop_wakes_once_a_second_and_only_then() -> None:
    """Key reads time out at the next visible change: the countdown's next whole second."""
    played = play_scripted()
    assert played.keys.timeouts == [1.0] * TOTAL_S
    assert [shown.now for shown in played.screen.shown] == list(range(TOTAL_S))


def test_a_pause_adds_its_length_to_the_total_but_not_to_active_time() -> None:
    played = play_scripted([(17.0, " "), (47.0, " ")])  # 2 s into the first hold, for 30 s
    record = played.record
    assert record.ending is Ending.finished
    assert record.total_s == TOTAL_S + 30
    assert record.paused_s == 30
    assert record.active_s == ACTIVE_S
    assert 3600.0 in played.keys.timeouts  # paused: wait for a key, no ticking
    assert [s.paused for s in played.screen.shown if s.now == 17.0] == [True]
    assert not any(s.paused for s in played.screen.shown if s.now >= 47.0)


# keys pressed at clock times → ending, outcomes, total seconds
KEY_CASES = [
    ([(30.0, "q")], Ending.quit, "stopped not-reached", 30),
    ([(30.0, "Q")], Ending.quit, "stopped not-reached", 30),
    ([(3.0, "q")], Ending.quit, "not-reached not-reached", 3),  # still getting ready
    ([(17.0, "x")], Ending.finished, "hurt done", 17 + 31),
    ([(17.0, "X")], Ending.finished, "hurt done", 17 + 31),
    ([(62.0, "s")], Ending.finished, "done skipped", 62),
    ([(17.0, "s"), (30.0, "x")], Ending.finished, "skipped hurt", 30),
    ([(17.0, "n")], Ending.finished, "done done", TOTAL_S - 3),
    ([(17.0, "right")], Ending.finished, "done done", TOTAL_S - 3),
    ([(17.0, "b")], Ending.finished, "done done", TOTAL_S + 2),  # 2 s in: this hold again
    ([(17.0, "left")], Ending.finished, "done done", TOTAL_S + 2),
    ([(17.0, "b"), (17.5, "b")], Ending.finished, "done done", 17.5 + TOTAL_S - 5),
    ([(17.0, "z"), (18.0, "escape")], Ending.finished, "done done", TOTAL_S),  # ignored
    ([(17.0, "?"), (19.0, "?")], Ending.finished, "done done", TOTAL_S),  # help only
]


@pytest.mark.parametrize(("keys", "ending", "expected", "total_s"), KEY_CASES)
def test_keys(keys: list[tuple[float, str]], ending: Ending, expected: str, total_s: float) -> None:
    record = play_scripted(keys).record
    assert record.ending is ending
    assert " ".join(outcomes(record)) == expected
    assert record.total_s == total_s


def test_the_key_map_covers_every_command() -> None:
    assert set(KEYMAP.values()) == set(Command)
    assert KEYMAP[" "] is Command.pause
    assert (KEYMAP["n"], KEYMAP["right"]) == (Command.next, Command.next)
    assert (KEYMAP["b"], KEYMAP["left"]) == (Command.back, Command.back)


@pytest.mark.parametrize(
    ("error", "ending"),
    [(KeyboardInterrupt(), Ending.interrupted), (Terminated(), Ending.terminated)],
)
def test_ctrl_c_and_sigterm_end_with_a_partial_record_returned(
    error: BaseException, ending: Ending
) -> None:
    clock = FakeClock()
    screen = RecordingScreen()
    record = play(TIMELINE, SCRIPT, screen, FakeKeys(clock, [(20.5, error)]), clock=clock)
    assert isinstance(record, SessionRecord)
    assert record.ending is ending
    assert not record.completed
    assert outcomes(record) == [Outcome.stopped, Outcome.not_reached]
    assert record.total_s == 20.5  # half a second into the first rest
    assert record.active_s == 5  # the first hold
    assert screen.closed == 1


def test_an_unexpected_error_still_closes_the_screen() -> None:
    clock = FakeClock()
    screen = RecordingScreen()
    with pytest.raises(RuntimeError, match="keyboard gone"):
        play(TIMELINE, SCRIPT, screen, FakeKeys(clock, [(9.0, RuntimeError("keyboard gone"))]))
    assert screen.closed == 1


def test_question_mark_toggles_the_help_without_pausing() -> None:
    played = play_scripted([(20.0, "?"), (25.0, "?")])
    with_help = [s.now for s in played.screen.shown if s.help_shown]
    assert with_help == [20.0, 21.0, 22.0, 23.0, 24.0]
    assert not any(s.paused for s in played.screen.shown)
    assert played.record.total_s == TOTAL_S


def test_speed_runs_the_clock_faster() -> None:
    played = play_scripted(speed=10)
    assert played.clock.now == pytest.approx(TOTAL_S / 10)
    assert played.record.total_s == TOTAL_S  # recorded in session seconds
    assert played.record.ending is Ending.finished
    assert max(played.keys.timeouts) == pytest.approx(0.1)


def test_keys_are_timed_in_wall_seconds_at_speed() -> None:
    played = play_scripted([(1.7, "q")], speed=10)  # 17 session seconds in
    assert played.record.total_s == pytest.approx(17)
    assert outcomes(played.record) == [Outcome.stopped, Outcome.not_reached]


@pytest.mark.parametrize("speed", [0, -1.0])
def test_speed_must_be_positive(speed: float) -> None:
    with pytest.raises(ValueError, match="speed"):
        play_scripted(speed=speed)


def test_self_paced_reps_wait_for_space() -> None:
    # Reps of the leg lift start at 61; this person presses space after 9, 8, 5 and 3 s.
    spaces = [(70.0, " "), (80.0, " "), (90.0, " "), (95.0, " ")]
    played = play_scripted(spaces, self_paced=True)
    record = played.record
    assert record.ending is Ending.finished
    assert record.total_s == 95  # 9 + 2 rest + 8 + 5 switch + 5 + 2 rest + 3 after 61
    assert record.paused_s == 0
    assert record.items[1].active_s == 9 + 8 + 5 + 3
    assert 3600.0 in played.keys.timeouts  # no tempo to wake up for


# --- Sound ------------------------------------------------------------------------------------


class BellStream(io.StringIO):
    """A terminal stand-in that notes the clock time of every bell."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.rung_at: list[float] = []

    def write(self, text: str) -> int:
        self.rung_at += [self.clock.now] * text.count("\a")
        return super().write(text)


def play_with_bells(keys: Sequence[tuple[float, Key]] = ()) -> BellStream:
    clock = FakeClock()
    stream = BellStream(clock)
    play(
        TIMELINE,
        SCRIPT,
        RecordingScreen(),
        FakeKeys(clock, keys),
        sound=Sound(stream),
        clock=clock,
    )
    return stream


def test_a_bell_at_each_change_and_for_the_last_three_seconds_of_longer_segments() -> None:
    stream = play_with_bells()
    changes = len(TIMELINE)  # the first segment, every one entered, and the end
    countdown = 3 * sum(1 for segment in TIMELINE if segment.duration_s > 6)
    assert stream.getvalue() == "\a" * (changes + countdown)
    assert stream.rung_at[:2] == [0.0, 5.0]  # a 5 s get-ready rings once, not all through
    assert stream.rung_at[2:6] == [12.0, 13.0, 14.0, 15.0]  # the 10 s transition, then work


def test_no_countdown_beeps_while_paused() -> None:
    # Paused at 12.5 s, in the transition after the beep for "3 left"; resumed 60 s later.
    stream = play_with_bells([(12.5, " "), (72.5, " ")])
    assert stream.rung_at[:6] == [0.0, 5.0, 12.0, 73.0, 74.0, 75.0]


class FakeTones(Tones):
    """Real cue files, played by a recording instead of a player."""

    def __init__(self, clock: FakeClock) -> None:
        self.played: list[tuple[float, Cue]] = []
        self.argv: list[list[str]] = []

        def spawn(argv: list[str]) -> None:
            self.argv.append(argv)
            self.played.append((clock.now, Cue(Path(argv[-1]).stem)))

        super().__init__(["fake-player", "-q"], spawn)


def expected_cues(timeline: Sequence[Segment]) -> list[tuple[float, Cue]]:
    """Every cue the timeline should sound, worked out from the segments alone."""
    cues: list[tuple[float, Cue]] = []
    for segment in timeline:
        cues.append((segment.start_s, start_cue(segment)))
        length = segment.duration_s
        if segment.kind is SegmentKind.hold and length >= 20:
            cues.append((segment.start_s + length / 2, Cue.halfway))
        if length > 6:
            cues += [(segment.start_s + length - left, Cue.tick) for left in (3, 2, 1)]
    return sorted(cues, key=lambda cue: cue[0])


def test_each_moment_has_its_own_tone_at_its_moment() -> None:
    long_hold = build_timeline([TimedItem("bridge", SessionDose(reps=2, hold_s=30, rest_s=5))])
    for timeline, script in ((TIMELINE, SCRIPT), (long_hold, SCRIPT)):
        clock = FakeClock()
        tones = FakeTones(clock)
        sound = Sound(io.StringIO(), tones=tones)
        play(timeline, script, RecordingScreen(), FakeKeys(clock), sound=sound, clock=clock)
        assert tones.played == expected_cues(timeline)
        assert {argv[0] for argv in tones.argv} == {"fake-player"}
    kinds = {cue for _, cue in expected_cues(TIMELINE + long_hold)}
    assert kinds == set(Cue)  # every cue is heard somewhere in these two
    assert tones.played[:3] == [(0, Cue.ready), (5, Cue.ready), (12, Cue.tick)]


def test_tones_replace_the_bell() -> None:
    clock = FakeClock()
    stream = BellStream(clock)
    play(
        TIMELINE, SCRIPT, RecordingScreen(), FakeKeys(clock), clock=clock,
        sound=Sound(stream, tones=FakeTones(clock)),
    )  # fmt: skip
    assert stream.getvalue() == ""


def test_the_cue_files_are_distinct_short_wav_files() -> None:
    tones = FakeTones(FakeClock())
    contents = set()
    for cue, path in tones.files.items():
        with wave.open(str(path)) as sound:
            assert (sound.getnchannels(), sound.getsampwidth()) == (1, 2)
            assert 0.05 < sound.getnframes() / sound.getframerate() < 1.0, cue
        contents.add(path.read_bytes())
    assert len(contents) == len(Cue)


def test_the_first_player_found_is_used_with_its_quiet_arguments() -> None:
    assert find_player(lambda name: None) is None
    assert find_player(lambda name: name if name == "aplay" else None) == ("aplay", "-q")
    assert find_player(lambda name: name)[0] == "paplay"


def test_no_stream_means_no_bell() -> None:
    sound = Sound(None)
    sound.cue(Cue.work)  # nothing to write to, and no error
    assert play_scripted(sound=sound).record.ending is Ending.finished


@pytest.fixture
def spoken(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Pretend espeak-ng is installed; collect what would have been run."""
    monkeypatch.setattr(player.shutil, "which", lambda name: f"/usr/bin/{name}")
    return []


def test_the_voice_coach_says_what_to_do_at_the_moment_it_starts(spoken: list[list[str]]) -> None:
    clock = FakeClock()
    heard: list[tuple[float, str]] = []

    def spawn(argv: list[str]) -> None:
        assert argv[:2] == ["espeak-ng", "--"]  # text after --: never read as an option
        heard.append((clock.now, argv[2]))

    sound = Sound(None, voice=True, spawn=spawn, notice=pytest.fail)
    record = play(
        TIMELINE, SCRIPT, RecordingScreen(), FakeKeys(clock), sound=sound, clock=clock,
        wall=lambda: WALL_START,
    )  # fmt: skip
    starts = {segment.start_s for segment in TIMELINE}
    assert heard == [
        (0, "Get ready. First up: Bridge."),
        (5, "Bridge. Lie on your back, knees bent."),
        (15, "Hold."),
        (20, "Relax."),
        (23, "Last one. Hold."),
        (28, "Rest. Set 1 of 2 done."),
        (38, "Hold."),
        (43, "Relax."),
        (46, "Last one. Hold."),
        (51, "Side-lying leg lift. Lie on your side."),
        (61, "Left side. 1"),  # paced reps counted at their tempo
        (64, "Relax."),
        (66, "Last one."),
        (69, "Switch sides. Right side."),
        (74, "Right side. 1"),
        (77, "Relax."),
        (79, "Last one."),
        (82, "That's the whole routine. Well done: 2 of 2 exercises, 1 minute of work."),
    ]
    assert {at for at, _ in heard[:-1]} <= starts  # each said as its segment starts
    assert record.completed


def test_long_holds_hear_halfway_and_the_time_left_and_nothing_over_itself() -> None:
    from corecli.voice import Coach, time_phrase

    hold = Segment(SegmentKind.hold, 60, 0, 0, "x", 1, 1, 1, 1)
    said = {s: time_phrase(hold, s) for s in range(61) if time_phrase(hold, s)}
    assert said == {15: "45 seconds left.", 30: "Halfway.", 45: "15 seconds left."}
    walk = Segment(SegmentKind.hold, 600, 0, 0, "walking", 1, 1, 1, 1)
    assert [time_phrase(walk, s) for s in (60, 120, 599)] == [
        "9 minutes left.", "8 minutes left.", None,
    ]  # fmt: skip

    class Busy:
        def __init__(self) -> None:
            self.running, self.stopped = True, False

        def poll(self) -> int | None:
            return None if self.running else 0

        def terminate(self) -> None:
            self.stopped = True

    started: list[str] = []
    busy = Busy()
    coach = Coach("say", lambda argv: started.append(argv[2]) or busy)
    coach.say("Hold.", urgent=True)
    coach.tick(0, hold, 30.0)  # still speaking: the time phrase is dropped
    assert started == ["Hold."] and not busy.stopped
    coach.say("Relax.", urgent=True)  # a new segment cuts the old phrase off
    assert started == ["Hold.", "Relax."] and busy.stopped


def test_voice_passes_text_as_one_argument(spoken: list[list[str]]) -> None:
    name = "Bridge; rm -rf ~ $(reboot) `id` | tee x"
    script = Script("R", Phase.acute, PlanCondition.general, (ItemInfo(name, (), ()), LEG_LIFT))
    sound = Sound(None, voice=True, spawn=spoken.append)
    play_scripted([(6.0, "q")], sound=sound, script=script)
    assert spoken[1] == ["espeak-ng", "--", f"{name}."]


@pytest.mark.parametrize(
    ("installed", "program"),
    [
        ({"espeak-ng", "spd-say", "say"}, "espeak-ng"),
        ({"spd-say", "say"}, "spd-say"),
        ({"say"}, "say"),
    ],
)
def test_the_first_speech_program_found_is_used(
    monkeypatch: pytest.MonkeyPatch, installed: set[str], program: str
) -> None:
    monkeypatch.setattr(
        player.shutil, "which", lambda name: f"/bin/{name}" if name in installed else None
    )
    spoken: list[list[str]] = []
    Sound(None, voice=True, spawn=spoken.append).say("switch sides")
    assert spoken == [[program, "--", "switch sides"]]


def test_without_a_speech_program_one_notice_and_the_session_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(player.shutil, "which", lambda name: None)
    notices: list[str] = []
    spoken: list[list[str]] = []
    sound = Sound(None, voice=True, notice=notices.append, spawn=spoken.append)
    record = play_scripted(sound=sound).record
    assert notices == [
        "No speech program found (espeak-ng, spd-say or say); going on without voice."
    ]
    assert spoken == []
    assert record.ending is Ending.finished


def test_speech_is_started_without_a_shell(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, dict[str, object]]] = []

    def popen(argv: object, **options: object) -> object:
        calls.append((argv, options))
        return None

    monkeypatch.setattr(player.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(player.subprocess, "Popen", popen)
    Sound(None, voice=True).say("rest; reboot")
    [(argv, options)] = calls
    assert argv == ["espeak-ng", "--", "rest; reboot"]
    assert not options.get("shell", False)


def test_a_speech_program_that_fails_to_start_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    def popen(argv: object, **options: object) -> object:
        raise FileNotFoundError(argv)

    monkeypatch.setattr(player.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(player.subprocess, "Popen", popen)
    Sound(None, voice=True).say("rest")  # no exception


# --- The plain screen -------------------------------------------------------------------------


class FlushCounting(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.flushes = 0
        self.unflushed = 0

    def write(self, text: str) -> int:
        self.unflushed += 1
        return super().write(text)

    def flush(self) -> None:
        self.flushes += 1
        self.unflushed = 0


def plain_lines(
    keys: Sequence[tuple[float, Key]] = (), *, script: Script = SCRIPT, self_paced: bool = False
) -> list[str]:
    stream = FlushCounting()
    screen = PlainScreen(stream, script, self_paced=self_paced)
    play_scripted(keys, screen=screen, script=script, self_paced=self_paced)
    assert stream.unflushed == 0
    assert "\x1b" not in stream.getvalue()
    return stream.getvalue().splitlines()


LINE = re.compile(r"^\d\d:\d\d( · [^·:]+)? · [A-Z][^·:]*( \d+ s)?( · [^:]+)?: \S.*$")
STEP_LINE = re.compile(r"^  \d+\. \S.*$")
STOP = "Stop if it makes your symptoms worse."


def segment_lines(lines: list[str]) -> list[str]:
    """The plain lines without the steps listed under getting into position."""
    return [line for line in lines if not STEP_LINE.match(line)]


def test_plain_output_is_one_flushed_line_per_segment_with_the_steps_below() -> None:
    lines = plain_lines()
    segments = segment_lines(lines)
    assert len(segments) == len(TIMELINE)
    for line in segments:
        assert LINE.match(line), line
    stamps = [line[:5] for line in segments]
    assert stamps == [f"{s.start_s // 60:02d}:{s.start_s % 60:02d}" for s in TIMELINE]
    # The bridge's first step ends its line; the other two follow, numbered.
    assert lines[1].endswith(": Lie on your back, knees bent.")
    assert lines[2:4] == ["  2. Squeeze your buttocks.", "  3. Lift your hips."]


@pytest.mark.parametrize(
    ("index", "line"),
    [
        (0, "00:00 · Get ready 5 s: First up: Bridge."),
        (1, "00:05 · Bridge · Get into position 10 s: Lie on your back, knees bent."),
        (2, f"00:15 · Bridge · Hold 5 s · Set 1/2 · Rep 1/2: Keep your ribs down. {STOP}"),
        (3, "00:20 · Bridge · Rest 3 s · Set 1/2 · Rep 2/2: Relax. Next: rep 2 of 2."),
        (4, f"00:23 · Bridge · Hold 5 s · Set 1/2 · Rep 2/2: Breathe out as you lift. {STOP}"),
        (5, "00:28 · Bridge · Rest 10 s · Set 1/2: Set 1 of 2 done. Breathe and relax."),
        (
            10,
            "01:01 · Side-lying leg lift · Move 3 s · Rep 1/2 · Left side: Move slowly and"
            f" smoothly. {STOP}",
        ),
        (13, "01:09 · Side-lying leg lift · Switch sides 5 s · Right side: Now your right side."),
        (17, "01:22 · Done: Well done. That's the whole routine."),
    ],
)
def test_plain_lines(index: int, line: str) -> None:
    assert segment_lines(plain_lines())[index] == line


def test_every_plain_work_line_ends_with_the_stop_rule() -> None:
    work = [
        line
        for line, segment in zip(segment_lines(plain_lines()), TIMELINE, strict=True)
        if segment.kind.is_work
    ]
    assert len(work) == 8
    assert all(line.endswith(STOP) for line in work)


def test_the_i_key_lists_the_steps_again_in_plain_output() -> None:
    lines = plain_lines([(17.0, "i")])
    at = lines.index("Steps for Bridge:")
    assert lines[at + 1 : at + 4] == [
        "  1. Lie on your back, knees bent.",
        "  2. Squeeze your buttocks.",
        "  3. Lift your hips.",
    ]
    assert lines.count("Steps for Bridge:") == 1  # shown once per press, not every second


def test_plain_time_stamps_leave_out_pauses() -> None:
    lines = segment_lines(plain_lines([(3.0, " "), (13.0, " ")]))
    assert [line[:5] for line in lines[:3]] == ["00:00", "00:05", "00:15"]


def test_plain_self_paced_reps_have_no_duration() -> None:
    lines = segment_lines(
        plain_lines([(70.0, " "), (80.0, " "), (90.0, " "), (95.0, " ")], self_paced=True)
    )
    assert lines[10] == (
        "01:01 · Side-lying leg lift · Move: press space after each rep · Rep 1/2 · Left side:"
        f" Move slowly and smoothly. {STOP}"
    )


def test_plain_output_shows_control_characters_in_names_as_text() -> None:
    """A name from a person's own catalogue must not move the cursor or change colours."""
    evil = ItemInfo("Evil \x1b[2J\x1b[31mred", ("Lie \x1b[1Adown.", "Breathe."), ())
    script = Script("R", Phase.acute, PlanCondition.general, (evil,))
    timeline = build_timeline([TimedItem("evil", SessionDose(hold_s=3))])
    stream = io.StringIO()
    clock = FakeClock()
    play(timeline, script, PlainScreen(stream, script), FakeKeys(clock), clock=clock)
    output = stream.getvalue()
    assert "\x1b" not in output
    assert "[31mred" in output  # shown as text, like views.literal does


# --- The summary ------------------------------------------------------------------------------


def test_summary_of_a_complete_session() -> None:
    record = play_scripted([(17.0, " "), (47.0, " ")]).record
    assert summary_lines(record, SCRIPT) == [
        "Session complete.",
        "Done 2 of 2 exercises · skipped 0 · marked as hurting 0",
        "Active time 32 s · total time 1 min 52 s",
    ]


@pytest.mark.parametrize(
    ("keys", "first"),
    [
        ([(30.0, "q")], "Session stopped early."),
        ([(30.0, KeyboardInterrupt())], "Session interrupted."),
        ([(30.0, Terminated())], "Session ended by a signal."),
    ],
)
def test_summary_says_how_the_session_ended(keys: list[tuple[float, Key]], first: str) -> None:
    record = play_scripted(keys).record
    lines = summary_lines(record, SCRIPT)
    assert lines[0] == first
    assert lines[1] == "Done 0 of 2 exercises · skipped 0 · marked as hurting 0"


def test_summary_gives_pain_advice_when_something_hurt() -> None:
    record = play_scripted([(17.0, "x"), (25.0, "s")]).record
    lines = summary_lines(record, SCRIPT)
    assert lines[1] == "Done 0 of 2 exercises · skipped 1 · marked as hurting 1"
    assert lines[3].startswith("You said Bridge hurt. Leave it out until the pain settles")
    assert "see a doctor or physiotherapist" in lines[3]
    assert len(lines) == 4


def test_summary_says_a_saved_hurt_is_left_out_of_plans() -> None:
    record = play_scripted([(17.0, "x"), (25.0, "s")]).record
    lines = summary_lines(record, SCRIPT, saved=True)
    assert lines[3].startswith(
        "You said Bridge hurt. Plans leave it out from now on (corecli unflag bridge brings"
        " it back); if pain persists"
    )


# --- Frames -----------------------------------------------------------------------------------

# A routine with a long per-side exercise, for frames such as "Set 1/2 · Rep 3/10 · Left side".
BIRD_DOG = ItemInfo(
    "Bird dog",
    (
        "Kneel on all fours, hands under shoulders and knees under hips.",
        "Reach one arm forward and the opposite leg back until both are level with your body.",
        "Hold, then lower them slowly and change sides.",
    ),
    ("Keep your back flat: do not let it sag or arch.",),
)
CAT_CAMEL = ItemInfo("Cat-camel", ("Kneel on all fours.", "Round, then hollow your back."), ())
FRAME_SCRIPT = Script(
    "Recovery, 15 min", Phase.recovery, PlanCondition.general, (BIRD_DOG, CAT_CAMEL)
)
FRAME_TIMELINE = build_timeline(
    [
        TimedItem(
            "bird-dog",
            SessionDose(sets=2, reps=10, hold_s=5, rest_s=3, set_rest_s=30, per_side=True),
        ),
        TimedItem("cat-camel", SessionDose(reps=8, rep_s=4)),
    ]
)


def first(kind: SegmentKind, **where: object) -> int:
    """The index of the first segment of ``kind`` with the given fields."""
    return next(
        index
        for index, segment in enumerate(FRAME_TIMELINE)
        if segment.kind is kind and all(getattr(segment, k) == v for k, v in where.items())
    )


FRAME_AT = {
    SegmentKind.prep: first(SegmentKind.prep),
    SegmentKind.transition: first(SegmentKind.transition, item=0),
    SegmentKind.hold: first(SegmentKind.hold, set_no=1, rep_no=3, side="left"),
    SegmentKind.rest: first(SegmentKind.rest, set_no=1, rep_no=3, side="left"),
    SegmentKind.switch: first(SegmentKind.switch),
    SegmentKind.set_rest: first(SegmentKind.set_rest),
    SegmentKind.rep: first(SegmentKind.rep, rep_no=3),
}


def session_at(index: int, into_s: float) -> tuple[Session, float]:
    session = Session.start(FRAME_TIMELINE, 0.0)
    now = FRAME_TIMELINE[index].start_s + into_s
    session.advance(now)
    assert session.index == index
    return session, now


def text_of(frame: RenderableType, width: int = 80) -> list[str]:
    console = Console(
        file=io.StringIO(), width=width, height=24, record=True, color_system=None, no_color=True
    )
    console.print(frame)
    return console.export_text().splitlines()


@pytest.mark.parametrize("kind", list(FRAME_AT), ids=str)
def test_each_kind_of_frame_fits_80_by_24_and_says_everything(kind: SegmentKind) -> None:
    index = FRAME_AT[kind]
    session, now = session_at(index, 0.25)
    segment = session.segment
    lines = text_of(session_frame(session, FRAME_SCRIPT, now, width=80))
    assert len(lines) <= 24
    assert max(len(line) for line in lines) <= 80
    text = "\n".join(lines)

    name = FRAME_SCRIPT.item(segment).name if segment.item is not None else "Recovery, 15 min"
    assert name in lines[0]  # the title
    heading, instruction = describe(segment, FRAME_SCRIPT)
    assert shown_large(lines, stage_word(heading, segment)) or heading.upper() in text
    assert instruction in " ".join(" ".join(line.strip("│ ").split()) for line in lines)
    digits = big_text(countdown_text(session.remaining(now)))
    for row in digits:
        assert row.strip() in text
    if counts(segment, FRAME_SCRIPT):
        assert counts(segment, FRAME_SCRIPT) in text
    assert "Next: " in text
    where = f"Exercise {segment.item + 1} of 2" if segment.item is not None else "2 exercises"
    assert where in text
    assert KEY_HINTS in text


def shown_large(lines: Sequence[str], word: str) -> bool:
    """Whether ``word`` is in a frame in large letters, row under row."""
    rows = [row.strip() for row in banner(word) or []]
    stripped = [line.strip("│ ") for line in lines]
    return any(stripped[i : i + len(rows)] == rows for i in range(len(stripped)))


def test_a_hold_frame_in_full() -> None:
    session, now = session_at(FRAME_AT[SegmentKind.hold], 1.5)
    lines = text_of(session_frame(session, FRAME_SCRIPT, now, width=80))
    assert len(lines) == 24  # the whole window, so the foot stays at the bottom
    body = [line[2:-2].rstrip() for line in lines[1:-1]]
    assert lines[0].startswith("╭") and " Bird dog " in lines[0]
    assert [row.strip() for row in body[:3]] == [row.strip() for row in banner("HOLD LEFT") or []]
    assert body[3] == ""
    assert [row.strip() for row in body[4:9]] == [row.strip() for row in big_text("4")]
    assert body[10] == "━" * 22 + "╸" + "─" * 53  # 1.5 s of 5 done: 30% of the 76 columns
    assert body[11:14] == [
        "Hold · Set 1/2 · Rep 3/10 · Left side",
        "Keep your back flat: do not let it sag or arch.",
        STOP,
    ]
    assert set(body[14:-3]) == {""}
    assert body[-3:] == [
        "Next: rest 3 s",
        "Exercise 1 of 2 · 32 s done · 6 min 13 s left",
        KEY_HINTS,
    ]


@pytest.mark.parametrize("kind", list(FRAME_AT), ids=str)
def test_the_countdown_keeps_its_place_from_stage_to_stage(kind: SegmentKind) -> None:
    """The digits stay on the same rows, so the eye finds them from the mat."""
    hold, _ = session_at(FRAME_AT[SegmentKind.hold], 0.25)
    session, now = session_at(FRAME_AT[kind], 0.25)
    hold_at = FRAME_TIMELINE[FRAME_AT[SegmentKind.hold]].start_s + 0.25
    for width, height, scale in ((80, 24, 1), (120, 40, 2)):
        tops = []
        for shown, at in ((hold, hold_at), (session, now)):
            frame = session_frame(shown, FRAME_SCRIPT, at, width=width, height=height)
            top = big_text(countdown_text(shown.remaining(at)), scale)[0].strip()
            tops.append([line.strip("│ ") for line in text_of(frame, width)].index(top))
        assert tops[0] == tops[1], (kind, width)


def test_the_counts_line_is_shown_in_colour_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress bar ends its line; the counts below it must not be cropped away."""
    monkeypatch.delenv("NO_COLOR")  # in colour, the bar's unfilled part is drawn too
    session, now = session_at(FRAME_AT[SegmentKind.hold], 1.5)
    console = Console(
        file=io.StringIO(), width=80, height=24, record=True, color_system="truecolor"
    )
    console.print(session_frame(session, FRAME_SCRIPT, now, width=80))
    body = [line[2:-2].rstrip() for line in console.export_text().splitlines()[1:-1]]
    assert "Hold · Set 1/2 · Rep 3/10 · Left side" in body
    bar = body[body.index("Hold · Set 1/2 · Rep 3/10 · Left side") - 1]
    assert len(bar) == 76
    assert set(bar) == {"━", "╸", "─"}


@pytest.mark.parametrize(
    ("remaining_s", "shown"),
    [(90.0, "1:30"), (60.0, "1:00"), (59.5, "1:00"), (59.0, "59"), (9.01, "10"), (0.2, "1")],
)
def test_the_countdown_rounds_up_and_shows_minutes_from_60_s(
    remaining_s: float, shown: str
) -> None:
    timeline = build_timeline([TimedItem("bird-dog", SessionDose(hold_s=90))])
    session = Session.start(timeline, 0.0)
    now = 15 + 90 - remaining_s  # the hold starts after 5 s prep and a 10 s transition
    session.advance(now)
    assert countdown_text(session.remaining(now)) == shown
    text = "\n".join(text_of(session_frame(session, FRAME_SCRIPT, now)))
    for row in big_text(shown):
        assert row.strip() in text


def test_the_paused_frame_says_paused() -> None:
    session, now = session_at(FRAME_AT[SegmentKind.hold], 1.0)
    session.command(Command.pause, now)
    text = "\n".join(text_of(session_frame(session, FRAME_SCRIPT, now + 30)))
    assert shown_large(text.splitlines(), "PAUSED")
    assert "Press space to go on." in text
    for row in big_text("4"):  # frozen at 4 s left
        assert row.strip() in text


def test_the_help_frame_lists_the_keys() -> None:
    session, now = session_at(FRAME_AT[SegmentKind.hold], 1.0)
    lines = text_of(session_frame(session, FRAME_SCRIPT, now, help_shown=True))
    assert len(lines) <= 24
    text = "\n".join(lines)
    for key, meaning in KEY_HELP:
        assert re.search(rf"{re.escape(key)}\s+{re.escape(meaning)}", text), key
    assert "█" not in text  # the help replaces the countdown


def test_the_self_paced_frame_shows_the_rep_number() -> None:
    session = Session.start(FRAME_TIMELINE, 0.0, self_paced=True)
    index = FRAME_AT[SegmentKind.rep]
    now = float(FRAME_TIMELINE[index].start_s)
    while session.index < index:
        session.advance(now)
        if session.waiting:
            session.command(Command.pause, now)
    text = "\n".join(text_of(session_frame(session, FRAME_SCRIPT, now + 40)))
    assert shown_large(text.splitlines(), "MOVE")
    assert "Press space after each rep." in text
    for row in big_text("3"):
        assert row.strip() in text


def test_a_wider_terminal_gets_a_wider_panel() -> None:
    session, now = session_at(FRAME_AT[SegmentKind.hold], 1.0)
    narrow = text_of(session_frame(session, FRAME_SCRIPT, now, width=80), width=80)
    wide = text_of(session_frame(session, FRAME_SCRIPT, now, width=120), width=120)
    assert len(narrow[0]) == 80
    assert len(wide[0]) > 80
    assert len(wide) <= len(narrow)


def styles(frame: RenderableType, text: str) -> set[Style]:
    """The styles of the rendered pieces that contain ``text``."""
    console = Console(
        file=io.StringIO(), width=80, height=24, color_system="truecolor", no_color=False
    )
    return {
        segment.style
        for segment in console.render(frame)
        if text in segment.text and segment.style is not None
    }


def test_the_last_three_seconds_stand_out() -> None:
    index = first(SegmentKind.transition, item=0)  # 10 s long
    session, _ = session_at(index, 0.0)
    start = FRAME_TIMELINE[index].start_s
    calm = styles(session_frame(session, FRAME_SCRIPT, start + 0.5), "██")
    final = styles(session_frame(session, FRAME_SCRIPT, start + 8.5), "██")
    assert len(calm) == len(final) == 1
    assert calm != final
    assert final == styles(session_frame(session, FRAME_SCRIPT, start + 9.5), "██")


def test_work_rest_and_get_ready_have_different_borders() -> None:
    borders = {}
    for kind in (SegmentKind.prep, SegmentKind.hold, SegmentKind.rest):
        session, now = session_at(FRAME_AT[kind], 0.5)
        [borders[kind]] = styles(session_frame(session, FRAME_SCRIPT, now), "╭")
    assert len({style.color for style in borders.values()}) == 3
    session, now = session_at(FRAME_AT[SegmentKind.rep], 0.5)
    assert styles(session_frame(session, FRAME_SCRIPT, now), "╭") == {
        borders[SegmentKind.hold]
    }  # all work looks alike


def test_frames_show_names_literally() -> None:
    evil = ItemInfo("[red]Evil[/red] \x1b[2J", ("Lie [bold]down[/bold].", "Breathe."), ())
    script = Script("R", Phase.acute, PlanCondition.general, (evil,))
    timeline = build_timeline([TimedItem("evil", SessionDose(hold_s=3))])
    session = Session.start(timeline, 0.0)
    session.advance(5.5)
    text = "\n".join(text_of(session_frame(session, script, 5.5)))
    assert "[red]Evil[/red] \\x1b[2J" in text
    assert "Lie [bold]down[/bold]." in text


# --- The live screen --------------------------------------------------------------------------


def test_the_live_screen_redraws_only_when_something_shown_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")  # Rich draws nothing live on a dumb terminal
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=80, height=24, color_system=None)
    screen = LiveScreen(console, FRAME_SCRIPT)
    try:
        session, now = session_at(FRAME_AT[SegmentKind.hold], 0.25)  # 4.75 s left: shows 5
        screen.show(session, now, help_shown=False)
        drawn = len(out.getvalue())
        assert "Hold ·" in out.getvalue()

        screen.show(session, now, help_shown=False)
        screen.show(session, now + 0.5, help_shown=False)  # 4.25 s left: still 5
        assert len(out.getvalue()) == drawn

        screen.show(session, now + 1.0, help_shown=False)  # 3.75 s left: 4
        assert len(out.getvalue()) > drawn
        drawn = len(out.getvalue())

        screen.show(session, now + 1.0, help_shown=True)
        assert len(out.getvalue()) > drawn
        assert "pause or resume" in out.getvalue()[drawn:]
        drawn = len(out.getvalue())

        screen.segment_started(session, session.segment, now + 1.0)  # forces a redraw
        screen.show(session, now + 1.0, help_shown=True)
        assert len(out.getvalue()) > drawn
    finally:
        screen.close()
    assert out.getvalue().endswith("\x1b[?25h\x1b[?1049l")  # cursor and main screen back


# --- Every bundled exercise on an 80 × 24 screen ---------------------------------------------

BUNDLED = load_catalogue()


def flat_text(lines: list[str]) -> str:
    return " ".join(" ".join(line.strip("│ ").split()) for line in lines)


@pytest.mark.parametrize("exercise", list(BUNDLED), ids=[e.id for e in BUNDLED])
def test_every_bundled_exercise_fits_80_by_24_with_its_steps_and_stop_rule(
    exercise: Exercise,
) -> None:
    routine = single_exercise_routine(exercise, date(2026, 1, 1))
    script = Script.for_routine(routine, BUNDLED)
    timeline = build_timeline(routine_items(routine, BUNDLED))
    steps = [" ".join(step.split()) for step in exercise.steps]
    work = next(i for i, s in enumerate(timeline) if s.kind.is_work)
    for index, steps_shown in ((1, False), (work, True)):
        session = Session.start(timeline, 0.0)
        now = timeline[index].start_s + 0.5
        session.advance(now)
        lines = text_of(session_frame(session, script, now, steps_shown=steps_shown))
        assert len(lines) <= 24, "\n".join(lines)
        assert max(len(line) for line in lines) <= 80
        text = flat_text(lines)
        for number, step in enumerate(steps, 1):
            assert f"{number}. {step}" in text, step
        if timeline[index].kind.is_work:
            assert " ".join(exercise.stop_rule.split()) in text


@pytest.mark.parametrize("size", [(60, 15), (50, 16)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("exercise", list(BUNDLED), ids=[e.id for e in BUNDLED])
def test_a_small_window_still_shows_the_first_step_and_the_stop_rule(
    exercise: Exercise, size: tuple[int, int]
) -> None:
    """Where not every step fits, what to do first does, even if the countdown must
    give up its large digits for it; during the work, the stop rule does, and the first
    step too once the steps are asked for."""
    width, height = size
    routine = single_exercise_routine(exercise, date(2026, 1, 1))
    script = Script.for_routine(routine, BUNDLED)
    timeline = build_timeline(routine_items(routine, BUNDLED))
    work = next(i for i, s in enumerate(timeline) if s.kind.is_work)
    first_step, rule = f"1. {exercise.steps[0]}", exercise.stop_rule
    for index, steps_shown, wanted in (
        (1, False, [first_step]),
        (work, False, [rule]),
        (work, True, [first_step, rule]),
    ):
        session = Session.start(timeline, 0.0)
        now = timeline[index].start_s + 0.5
        session.advance(now)
        frame = session_frame(
            session, script, now, steps_shown=steps_shown, width=width, height=height
        )
        lines = text_of(frame, width)
        assert len(lines) == height, "\n".join(lines)
        for text in wanted:
            assert " ".join(text.split()) in flat_text(lines), "\n".join(lines)


def test_the_timer_names_the_side_the_steps_start_with() -> None:
    piriformis = BUNDLED.find("piriformis-stretch")
    routine = single_exercise_routine(piriformis, date(2026, 1, 1))
    script = Script.for_routine(routine, BUNDLED)
    timeline = build_timeline(routine_items(routine, BUNDLED))
    sides = [counts(s, script) for s in timeline if s.kind is SegmentKind.hold]
    assert sides[0].endswith("Right hip") and sides[-1].endswith("Left hip"), sides


def test_a_long_hold_rotates_through_the_cues() -> None:
    dog = BUNDLED.find("prone-lying")
    routine = single_exercise_routine(dog, date(2026, 1, 1))
    script = Script.for_routine(routine, BUNDLED)
    hold = next(s for s in build_timeline(routine_items(routine, BUNDLED)) if s.kind.is_work)
    said = {describe(hold, script, into_s=t)[1] for t in range(0, hold.duration_s, 5)}
    assert said == set(dog.cues)


# --- Only time seen counts --------------------------------------------------------------------


class StallingKeys(FakeKeys):
    """Keys whose read at clock time ``at`` comes back ``stall_s`` late, as after Ctrl-Z
    and fg, a stopped process or a stalled write; then the scripted keys."""

    def __init__(
        self,
        clock: FakeClock,
        at: float,
        stall_s: float,
        script: Sequence[tuple[float, Key]] = (),
        *,
        keyboard: bool = True,
    ) -> None:
        super().__init__(clock, script)
        self.at, self.stall_s, self.keyboard = at, stall_s, keyboard

    def read(self, timeout_s: float) -> str | None:
        key = super().read(timeout_s)
        if self.at is not None and self.clock.now >= self.at:
            self.clock.now += self.stall_s
            self.at = None  # once
        return key


def play_stalled(keys: StallingKeys) -> SessionRecord:
    clock = keys.clock
    return play(
        TIMELINE,
        SCRIPT,
        RecordingScreen(),
        keys,
        clock=clock,
        wall=lambda: WALL_START + timedelta(seconds=clock.now),
    )


def test_time_the_loop_did_not_see_is_a_pause_never_progress() -> None:
    clock = FakeClock()
    # Stalled 60 s from 17 s in (2 s into the first 20 s hold); space at 90 s resumes.
    record = play_stalled(StallingKeys(clock, 17.0, 60.0, [(90.0, " ")]))
    assert record.ending is Ending.finished
    assert outcomes(record) == [Outcome.done, Outcome.done]
    assert record.active_s == ACTIVE_S  # the hold still had 18 s to go, and got them
    assert record.paused_s == 90 - 17
    assert record.total_s == TOTAL_S + 73


def test_a_short_lag_is_not_a_pause() -> None:
    clock = FakeClock()
    record = play_stalled(StallingKeys(clock, 17.0, 1.5))
    assert record.paused_s == 0
    assert (record.total_s, record.active_s) == (TOTAL_S, ACTIVE_S)  # time went on


def test_with_no_keyboard_to_resume_a_gap_ends_the_session_as_partial() -> None:
    clock = FakeClock()
    record = play_stalled(StallingKeys(clock, 17.0, 600.0, keyboard=False))
    assert record.ending is Ending.quit
    assert not record.completed  # so it never counts as a full session
    assert outcomes(record) == [Outcome.stopped, Outcome.not_reached]
    assert record.active_s == 2  # the 2 s of the hold seen before the gap


# --- The terminal's keys ----------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_raw_keys_turn_flow_control_off_and_restore_it() -> None:
    import termios

    leader, follower = os.openpty()
    try:
        with os.fdopen(follower, "r", closefd=False) as stream:
            before = termios.tcgetattr(follower)
            assert before[0] & termios.IXON  # a new terminal has it on
            with RawKeys(stream):
                during = termios.tcgetattr(follower)
                assert not during[0] & (termios.IXON | termios.IXOFF)  # Ctrl-S is a key
                os.write(leader, b"\x13")
                assert RawKeys(stream).read(1.0) == "\x13"
            assert termios.tcgetattr(follower) == before
    finally:
        os.close(leader)
        os.close(follower)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")
def test_a_terminal_that_goes_away_ends_the_session_instead_of_spinning() -> None:
    leader, follower = os.openpty()
    stream = os.fdopen(follower, "r", closefd=False)
    keys = RawKeys(stream)
    with keys:
        os.close(leader)  # the window closed
        with pytest.raises(TerminalLost):
            keys.read(1.0)
    os.close(follower)
    clock = FakeClock()

    class Gone:
        keyboard = True

        def read(self, timeout_s: float) -> str | None:
            raise TerminalLost

    record = play(TIMELINE, SCRIPT, RecordingScreen(), Gone(), clock=clock, wall=lambda: WALL_START)
    assert record.ending is Ending.terminated


@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGQUIT"])
def test_hanging_up_and_ctrl_backslash_end_like_sigterm(name: str) -> None:
    number = getattr(signal, name, None)
    if number is None:
        pytest.skip(f"no {name} here")
    with sigterm_raises(), pytest.raises(Terminated):
        os.kill(os.getpid(), number)
        time.sleep(1)  # the handler raises first
    assert signal.getsignal(number) is not None


def test_ctrl_z_pauses_hands_the_terminal_back_and_redraws_paused_on_fg() -> None:
    clock = FakeClock()
    events: list[str] = []

    class CtrlZKeys(FakeKeys):
        def read(self, timeout_s: float) -> str | None:
            if self.clock.now == 17.0 and "suspended" not in events:
                raise Suspended
            return super().read(timeout_s)

        def suspend(self) -> None:
            events.append("suspended")
            self.clock.now += 300  # five minutes in the background

    class Screen(RecordingScreen):
        def suspend(self) -> None:
            events.append("screen given back")

        def resume(self) -> None:
            events.append("screen taken again")

    screen = Screen()
    keys = CtrlZKeys(clock, [(400.0, " ")])
    record = play(TIMELINE, SCRIPT, screen, keys, clock=clock, wall=lambda: WALL_START)
    assert events == ["screen given back", "suspended", "screen taken again"]
    assert [s.paused for s in screen.shown if s.now == 317.0] == [True]  # drawn paused
    assert record.ending is Ending.finished
    assert record.active_s == ACTIVE_S
    assert record.paused_s == 400 - 17


def test_under_nohup_a_hang_up_stays_ignored() -> None:
    if not hasattr(signal, "SIGHUP"):
        pytest.skip("no SIGHUP here")
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        with sigterm_raises():
            assert signal.getsignal(signal.SIGHUP) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGHUP)  # ignored: nothing raised
    finally:
        signal.signal(signal.SIGHUP, before)


def test_plain_mode_says_the_time_left_every_10_s_on_a_long_hold() -> None:
    routine = single_exercise_routine(BUNDLED.find("prone-lying"), date(2026, 11, 18))  # 2 min
    timeline = build_timeline(routine_items(routine, BUNDLED))
    script = Script.for_routine(routine, BUNDLED)
    stream = io.StringIO()
    played = play_scripted(timeline=timeline, script=script, screen=PlainScreen(stream, script))
    assert played.record.completed
    told = [line for line in stream.getvalue().splitlines() if line.endswith(" s left")]
    hold = next(s for s in timeline if s.kind is SegmentKind.hold)
    assert told == [
        f"{(hold.start_s + hold.duration_s - left) // 60:02d}:"
        f"{(hold.start_s + hold.duration_s - left) % 60:02d} · Lying face down · {left} s left"
        for left in range(hold.duration_s - 10, 0, -10)
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell script as the program")
def test_a_fake_speech_program_on_path_hears_the_text_as_one_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    heard = tmp_path / "heard.txt"
    program = tmp_path / "espeak-ng"
    program.write_text(f'#!/bin/sh\nprintf "%s|" "$@" >> {heard}\necho >> {heard}\n')
    program.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    sound = Sound(None, voice=True, notice=pytest.fail)
    sound.say("Rest; $(reboot) `id`")
    for _ in range(100):  # the program runs beside the clock, which never waits for it
        if heard.exists() and heard.read_text().endswith("\n"):
            break
        time.sleep(0.02)
    assert heard.read_text() == "--|Rest; $(reboot) `id`|\n"


def test_each_key_is_confirmed_and_an_x_mark_survives_going_back() -> None:
    # x in the bridge, back into it from the next exercise's start, then s in it again
    played = play_scripted([(17.0, "x"), (18.0, "b"), (19.0, "s")])
    assert played.screen.notices == [
        (17.0, "Marked as hurting: Bridge, left out of later plans"),
        (18.0, "Back"),
        (19.0, "Skipped: Bridge"),
    ]
    assert outcomes(played.record) == [Outcome.hurt, Outcome.done]  # the x mark stays


def test_a_confirmation_takes_the_hints_line_for_a_moment() -> None:
    session = Session.start(TIMELINE, 0.0)
    shown = "\n".join(text_of(session_frame(session, SCRIPT, 1.0, notice="Skipped: Bridge")))
    plain = "\n".join(text_of(session_frame(session, SCRIPT, 1.0)))
    assert "Skipped: Bridge" in shown and KEY_HINTS not in shown
    assert KEY_HINTS in plain
    assert len(shown.splitlines()) == len(plain.splitlines())  # nothing moves


def digit_styles(frame: RenderableType) -> set[str]:
    """The styles of the big countdown's rows in a frame."""
    from rich.text import Text

    from corecli.views.session import Frame

    assert isinstance(frame, Frame)
    rows = [r for r in frame.parts if isinstance(r, Text) and "██" in r.plain]
    return {str(row.style) for row in rows}


def test_the_last_three_seconds_are_marked_but_a_short_hold_is_not_red_throughout() -> None:
    short = build_timeline([TimedItem("x", SessionDose(reps=1, hold_s=3))])
    long = build_timeline([TimedItem("x", SessionDose(reps=1, hold_s=20))])
    script = Script("R", Phase.acute, PlanCondition.general, (BRIDGE,))
    for timeline, red in ((short, False), (long, True)):
        session = Session.start(timeline, 0.0)
        hold = next(s for s in timeline if s.kind is SegmentKind.hold)
        session.advance(hold.start_s + hold.duration_s - 2)  # 2 s left
        styles = digit_styles(session_frame(session, script, hold.start_s + hold.duration_s - 2))
        assert ("bold red" in styles) is red, styles


def test_the_help_is_an_overlay_that_keeps_the_countdown_in_view() -> None:
    session = Session.start(TIMELINE, 0.0)
    shown = "\n".join(text_of(session_frame(session, SCRIPT, 1.0, help_shown=True)))
    assert "pause or resume" in shown
    assert "GET READY  4" in shown


@pytest.mark.parametrize(("width", "height", "rows"), [(80, 24, 5), (120, 40, 10), (60, 15, 5)])
def test_the_countdown_grows_with_the_window(width: int, height: int, rows: int) -> None:
    timeline = build_timeline([TimedItem("x", SessionDose(reps=1, hold_s=600))])
    script = Script("R", Phase.acute, PlanCondition.general, (BRIDGE,))
    session = Session.start(timeline, 0.0)
    hold = next(s for s in timeline if s.kind is SegmentKind.hold)
    session.advance(hold.start_s)
    frame = session_frame(session, script, hold.start_s, width=width, height=height)
    lines = text_of(frame, width)
    shown = [row.strip() for row in big_text("10:00", rows // 5)]
    digits = [line for line in lines if line.strip("│ ") in shown]
    assert len(digits) == rows  # at 120×40 at least twice as tall as at 80×24
    assert len(lines) == height  # and the frame fills the window, no more
    assert all(len(line) <= width for line in lines)  # "10:00" still fits


# --- The start gate ---------------------------------------------------------------------------


def test_nothing_runs_until_space_at_the_start_gate() -> None:
    played = play_scripted([(95.0, " ")], gate=True)
    assert played.keys.timeouts[0] == 3600.0  # waiting on the person, not on a clock
    started = [(segment.kind, at) for segment, at in played.screen.started]
    assert started[:3] == [
        (SegmentKind.prep, 0.0),  # the gate, drawn
        (SegmentKind.prep, 95.0),  # space: the get-ready countdown begins
        (SegmentKind.transition, 100.0),
    ]
    record = played.record
    assert record.ending is Ending.finished
    assert record.total_s == TOTAL_S  # the minutes at the gate are no part of the session
    assert record.active_s == ACTIVE_S


def test_at_the_gate_only_space_next_and_quit_act() -> None:
    played = play_scripted([(1.0, "b"), (2.0, "s"), (3.0, "x"), (4.0, "n")], gate=True)
    started = [(segment.kind, at) for segment, at in played.screen.started]
    assert started[:2] == [(SegmentKind.prep, 0.0), (SegmentKind.transition, 4.0)]  # n: go
    assert outcomes(played.record) == [Outcome.done, Outcome.done]  # no mark from b, s or x

    stopped = play_scripted([(30.0, "q")], gate=True).record
    assert stopped.ending is Ending.quit
    assert (stopped.total_s, stopped.active_s) == (0, 0)
    assert outcomes(stopped) == [Outcome.not_reached, Outcome.not_reached]


def test_no_gate_without_a_keyboard() -> None:
    clock = FakeClock()
    keys = FakeKeys(clock)
    keys.keyboard = False
    screen = RecordingScreen()
    record = play(TIMELINE, SCRIPT, screen, keys, clock=clock, gate=True)
    assert record.ending is Ending.finished
    assert screen.started[1][0].kind is SegmentKind.transition  # nobody to press space


def test_the_gate_frame_and_line_say_what_to_do() -> None:
    session = Session.start(TIMELINE, 0.0, gated=True)
    lines = text_of(session_frame(session, SCRIPT, 40.0))
    text = "\n".join(lines)
    assert shown_large(lines, "ON THE MAT?")
    assert "Press space when you are in place" in text
    assert "0 s done" in text  # the gate takes no time
    for row in big_text("5"):  # the get-ready to come
        assert row.strip() in text
    out = io.StringIO()
    PlainScreen(out, SCRIPT).segment_started(session, session.segment, 0.0)
    assert out.getvalue() == (
        "On the mat? Press space when you are in place, and the get-ready countdown starts.\n"
    )


# --- Frame snapshots --------------------------------------------------------------------------

SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 15)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("kind", [SegmentKind.transition, SegmentKind.hold, SegmentKind.switch])
def test_frames_match_their_snapshots(kind: SegmentKind, size: tuple[int, int]) -> None:
    """Whole frames as a person sees them; CORECLI_UPDATE_SNAPSHOTS=1 writes them afresh
    (then read the diff before committing it)."""
    width, height = size
    session, now = session_at(FRAME_AT[kind], 1.25)
    frame = session_frame(session, FRAME_SCRIPT, now, width=width, height=height)
    console = Console(
        file=io.StringIO(), width=width, height=height, record=True, color_system=None
    )
    console.print(frame)
    shown = console.export_text()
    assert len(shown.splitlines()) == height
    path = SNAPSHOTS / f"frame-{kind.value}-{width}x{height}.txt"
    if os.environ.get("CORECLI_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(shown, encoding="utf-8")
    assert shown == path.read_text(encoding="utf-8")
