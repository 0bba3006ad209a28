"""Play a session: the loop joining the state machine, the keys, a screen and sound.

The loop waits for a key with a timeout up to the next visible change (the next
whole second of the countdown, or a deadline), so it wakes about once a second
and redraws only when what is shown changes. Time comes from an injected clock;
``speed`` scales it for demos and tests.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol, TextIO

from corecli.errors import visible
from corecli.keys import KeySource, Suspended, Terminated
from corecli.models import ItemRecord, SessionRecord
from corecli.script import GATE, GATE_SPOKEN, Script, counts, describe, stop_rule
from corecli.session import Command, ItemProgress, Session
from corecli.sounds import Cue, Tones, second_cue, start_cue
from corecli.text import format_duration
from corecli.timeline import Segment, SegmentKind
from corecli.vocab import Ending, Outcome
from corecli.voice import VOICES, Coach, summary_phrase

KEYMAP = {
    " ": Command.pause,
    "n": Command.next,
    "right": Command.next,
    "b": Command.back,
    "left": Command.back,
    "s": Command.skip,
    "x": Command.hurt,
    "q": Command.quit,
}
HELP_KEY = "?"
STEPS_KEY = "i"  # shows the exercise's steps again while holding or moving
# Real seconds the loop may come back late before the time it did not see (a stopped
# process, a stalled write) becomes a pause instead of progress.
GAP_S = 2.0
LONG_HOLD_S = 30  # plain mode says the time left during holds at least this long ...
TIME_LEFT_EVERY_S = 10  # ... every 10 s
LONG_WALK_S = 300  # ... and every minute on a walk this long


class Screen(Protocol):
    def segment_started(self, session: Session, segment: Segment, now: float) -> None: ...

    def show(
        self, session: Session, now: float, *, help_shown: bool, steps_shown: bool = False
    ) -> None: ...

    def notice(self, text: str, now: float) -> None:
        """Confirm a key: "Skipped: Bridge" (shown a few seconds, or printed)."""

    def suspend(self) -> None:
        """Ctrl-Z: hand the terminal back as it was (normal screen, cursor)."""

    def resume(self) -> None:
        """Back from fg: take the terminal again and draw everything afresh."""

    def close(self) -> None: ...


class Sound:
    """Cues at each change, in the last seconds and halfway; optional voice coach.

    With ``tones`` each cue has its own sound; without, the terminal bell on
    ``stream`` rings for every cue but halfway (None: no bell either).
    """

    def __init__(
        self,
        stream: TextIO | None,
        *,
        tones: Tones | None = None,
        voice: bool = False,
        notice: Callable[[str], None] = print,
        spawn: Callable[[list[str]], object] | None = None,
    ) -> None:
        self._stream = stream
        self._tones = tones
        self._coach: Coach | None = None
        self._cued: tuple[int, int] | None = None  # the last second cued: (segment, second)
        if voice:
            program = next((p for p in VOICES if shutil.which(p)), None)
            if program is None:
                notice(
                    "No speech program found (espeak-ng, spd-say or say); going on without voice."
                )
            else:
                self._coach = Coach(program, spawn or spawn_quietly)

    def cue(self, cue: Cue) -> None:
        if self._tones is not None:
            self._tones.play(cue)
        elif self._stream is not None and cue is not Cue.halfway:
            self._stream.write("\a")
            self._stream.flush()

    def say(self, text: str) -> None:
        if self._coach is not None:
            self._coach.say(text, urgent=True)

    def segment_started(self, segment: Segment, script: Script) -> None:
        self.cue(start_cue(segment))
        if self._coach is not None:
            self._coach.segment_started(segment, script)

    def tick(self, session: Session, now: float) -> None:
        """Each second of a segment: the countdown, halfway, and the coach's time left."""
        if session.paused or session.waiting:
            return
        segment = session.segment
        into = session.into_segment(now)
        mark = (session.index, math.floor(into))
        if mark != self._cued:
            self._cued = mark
            cue = second_cue(segment, math.ceil(session.remaining(now)), mark[1])
            if cue is not None:
                self.cue(cue)
        if self._coach is not None:
            self._coach.tick(session.index, segment, into)

    def finished(self, record: SessionRecord) -> None:
        if self._coach is not None:
            done = record.count(Outcome.done)
            phrase = summary_phrase(done, len(record.items), record.active_s, record.completed)
            self._coach.say(phrase, urgent=True)  # the last word: nothing else is coming


def spawn_quietly(argv: list[str]) -> object:
    try:
        # An argument list and no shell: the text is never interpreted.
        return subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except OSError:
        return None


def play(
    timeline: Sequence[Segment],
    script: Script,
    screen: Screen,
    keys: KeySource,
    *,
    sound: Sound | None = None,
    clock: Callable[[], float] = time.monotonic,
    wall: Callable[[], datetime] = datetime.now,
    speed: float = 1.0,
    self_paced: bool = False,
    gate: bool = False,
    on_start: Callable[[SessionRecord], None] | None = None,
    on_item: Callable[[int, ItemRecord], None] | None = None,
) -> SessionRecord:
    """Run a session to its end (or until stopped) and return its record.

    ``on_start(record)`` hears of the session as it starts, every exercise not
    reached yet; ``on_item(position, record)`` hears of each exercise whose outcome changes
    (done, skipped, hurt, or back to not reached), as soon as it does, so the
    history can commit it. Ctrl-C (KeyboardInterrupt) and SIGTERM (:class:`Terminated`)
    end the session as partial: the record says so in its ``ending``. With ``gate``
    and a keyboard, nothing runs until space: the person is on the mat.
    """
    if speed <= 0:
        raise ValueError("speed must be positive")

    def now() -> float:
        return clock() * speed

    started = wall()
    session = Session.start(timeline, now(), self_paced=self_paced, gated=gate and keys.keyboard)
    help_shown = steps_shown = False
    reported = [progress.outcome for progress in session.items]

    def report() -> None:
        if on_item is None:
            return
        for position, progress in enumerate(session.items):
            if progress.outcome is not reported[position]:
                reported[position] = progress.outcome
                on_item(position, _item_record(progress))

    try:
        if on_start is not None:
            on_start(_record(session, script, started, started))
        _announce(session.segment, session, script, screen, sound, now())
        seen = now()  # the latest moment the loop is known to have been watching
        while not session.finished:
            current = now()
            if (current - seen) / speed > GAP_S and not session.paused:
                session.hold(seen)  # only time seen counts
                if not keys.keyboard:  # nobody can resume it: end it here, as partial
                    session.stop(seen, Ending.quit)
                    break
            entered_at = session.deadline  # each entered segment starts where the last ended
            for segment in session.advance(current):
                _announce(segment, session, script, screen, sound, entered_at)
                entered_at += segment.duration_s
            report()
            if session.finished:
                break
            screen.show(session, current, help_shown=help_shown, steps_shown=steps_shown)
            if sound is not None:
                sound.tick(session, current)
            # Waited from now, not from before drawing: the next change is on time.
            asked = now()
            wait_s = max(0.0, session.next_change(current) - asked) / speed
            timeout_s = wait_s if math.isfinite(wait_s) else 3600.0
            try:
                key = keys.read(timeout_s)
            except Suspended:  # Ctrl-Z: paused, the terminal handed back until fg
                session.hold(now())
                screen.suspend()
                keys.suspend()
                screen.resume()
                seen = now()
                continue
            seen = min(now(), asked + timeout_s * speed)  # a read that overran saw nothing
            if key is None:
                continue
            if key == HELP_KEY:
                help_shown = not help_shown
                continue
            if key == STEPS_KEY:
                steps_shown = not steps_shown
                continue
            command = KEYMAP.get(key.lower() if len(key) == 1 else key)
            if command is not None:
                pressed = now()
                said = confirmation(command, session, script)
                for segment in session.command(command, pressed):
                    _announce(segment, session, script, screen, sound, pressed)
                report()
                if said:
                    screen.notice(said, pressed)
                seen = now()
    except KeyboardInterrupt:
        session.stop(now(), Ending.interrupted)
    except Terminated:
        session.stop(now(), Ending.terminated)
    finally:
        screen.close()
    record = _record(session, script, started, wall())
    if sound is not None:
        sound.finished(record)
    return record


def confirmation(command: Command, session: Session, script: Script) -> str | None:
    """The line that confirms a key, said before it takes effect (it names the exercise)."""
    info = script.item(session.segment)
    name = visible(info.name) if info else ""
    if command is Command.skip and info:
        return f"Skipped: {name}"
    if command is Command.hurt and info:
        return f"Marked as hurting: {name}, left out of later plans"
    if command is Command.back:
        return "Back"
    if command is Command.next:
        return "Next"
    return None


def _announce(
    segment: Segment,
    session: Session,
    script: Script,
    screen: Screen,
    sound: Sound | None,
    at: float,
) -> None:
    if session.gated:
        screen.segment_started(session, segment, at)
        if sound is not None:
            sound.say(GATE_SPOKEN)
        return
    if segment.duration_s == 0 and segment.kind is not SegmentKind.done:
        return  # e.g. --prep 0: nothing to announce
    screen.segment_started(session, segment, at)
    if sound is not None:
        sound.segment_started(segment, script)


def _item_record(progress: ItemProgress) -> ItemRecord:
    return ItemRecord(
        exercise=progress.exercise,
        outcome=progress.outcome,
        planned_s=progress.planned_s,
        active_s=round(progress.active_s, 3),
    )


def _record(session: Session, script: Script, started: datetime, ended: datetime) -> SessionRecord:
    items = [_item_record(progress) for progress in session.items]
    return SessionRecord(
        routine=script.routine,
        phase=script.phase,
        condition=script.condition,
        started=started,
        ended=max(ended, started),
        ending=session.ending or Ending.quit,
        planned_s=sum(s.duration_s for s in session.timeline),
        active_s=round(sum(p.active_s for p in session.items), 3),
        paused_s=round(session.paused_s, 3),
        total_s=round((session.ended_at or session.started_at) - session.started_at, 3),
        items=items,
    )


class PlainScreen:
    """One line per segment as it starts, flushed at once: for logs and screen readers.

    Getting into position gives the first step and lists the others below it; a hold
    or a rep line ends with the exercise's stop rule; the i key lists the steps again.
    """

    def __init__(self, stream: TextIO, script: Script, *, self_paced: bool = False) -> None:
        self._stream = stream
        self._script = script
        self._self_paced = self_paced
        self._steps_shown = False
        self._told: tuple[int, int] | None = None  # the last "time left" line

    def notice(self, text: str, now: float) -> None:
        self._write([f"{_clock_text(now)} · {text}"])

    def suspend(self) -> None:
        return None  # lines already printed stay as they are

    def resume(self) -> None:
        return None

    def segment_started(self, session: Session, segment: Segment, now: float) -> None:
        if session.gated:
            self._write([f"{GATE[0]} {GATE[1]}"])
            return
        heading, instruction = describe(segment, self._script, self_paced=self._self_paced)
        info = self._script.item(segment)
        stamp = _clock_text(session.elapsed(now))
        parts = [stamp]
        if info is not None:
            parts.append(visible(info.name))
        untimed = segment.kind is SegmentKind.done or (
            self._self_paced and segment.kind is SegmentKind.rep
        )
        label = heading if untimed else f"{heading} {segment.duration_s} s"
        parts.append(label)
        extra = counts(segment, self._script)
        if extra:
            parts.append(extra)
        said = [instruction]
        rule = stop_rule(segment, self._script)
        if rule is not None:
            said.append(rule)
        lines = [" · ".join(parts) + f": {visible(' '.join(said))}"]
        if info is not None and segment.kind is SegmentKind.transition:  # step 1 is the line's
            lines += _step_lines(info.steps, start=2)
        self._write(lines)

    def show(
        self, session: Session, now: float, *, help_shown: bool, steps_shown: bool = False
    ) -> None:
        info = self._script.item(session.segment)
        if steps_shown and not self._steps_shown and info is not None:
            self._write([f"Steps for {visible(info.name)}:", *_step_lines(info.steps)])
        self._steps_shown = steps_shown
        self._time_left(session, now)

    def _time_left(self, session: Session, now: float) -> None:
        """On a long hold, a line every 10 s with the seconds left (a reader hears them);
        every minute on a walk."""
        segment, info = session.segment, self._script.item(session.segment)
        if segment.kind is not SegmentKind.hold or segment.duration_s < LONG_HOLD_S:
            return
        left = math.ceil(session.remaining(now))
        mark = (session.index, left)
        every = 60 if segment.duration_s >= LONG_WALK_S else TIME_LEFT_EVERY_S
        due = left % every == 0 and 0 < left < segment.duration_s
        if due and not session.paused and mark != self._told and info is not None:
            stamp = _clock_text(session.elapsed(now))
            self._write([f"{stamp} · {visible(info.name)} · {left} s left"])
            self._told = mark

    def _write(self, lines: list[str]) -> None:
        self._stream.write("\n".join(lines) + "\n")
        self._stream.flush()

    def close(self) -> None:
        return None


def _step_lines(steps: Sequence[str], start: int = 1) -> list[str]:
    return [f"  {number}. {visible(step)}" for number, step in enumerate(steps[start - 1 :], start)]


def _clock_text(seconds: float) -> str:
    whole = int(seconds)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def summary_lines(record: SessionRecord, script: Script, *, saved: bool = False) -> list[str]:
    """The end-of-session summary as plain lines (``saved``: the history has the session,
    so exercises marked as hurting are now left out of plans)."""
    status = {
        Ending.finished: "Session complete.",
        Ending.quit: "Session stopped early.",
        Ending.interrupted: "Session interrupted.",
        Ending.terminated: "Session ended by a signal.",
    }[record.ending]
    lines = [
        status,
        f"Done {record.count(Outcome.done)} of {len(record.items)} exercises"
        f" · skipped {record.count(Outcome.skipped)}"
        f" · marked as hurting {record.count(Outcome.hurt)}",
        f"Active time {format_duration(round(record.active_s))}"
        f" · total time {format_duration(round(record.total_s))}",
    ]
    hurt = [
        (item.exercise, info.name)
        for item, info in zip(record.items, script.items, strict=True)
        if item.outcome is Outcome.hurt
    ]
    if hurt:
        names = ", ".join(name for _, name in hurt)
        if not saved:
            leave_out = "Leave it out until the pain settles"
        elif len(hurt) == 1:
            leave_out = (
                f"Plans leave it out from now on (corecli unflag {hurt[0][0]} brings it back)"
            )
        else:
            leave_out = "Plans leave them out from now on (corecli unflag ID brings one back)"
        lines.append(
            f"You said {names} hurt. {leave_out}; if pain persists, gets worse or spreads"
            " down a leg, see a doctor or physiotherapist."
        )
    return lines
