"""Sounds that say what is happening, for a person who is not looking at the screen.

Each moment of a session has its own cue: a rising pair of notes as work starts,
a falling pair for rest, a see-saw for switching sides, a short blip for each of
the last three seconds, a double blip halfway through a long hold, and a
four-note chord at the end. The tones are generated here (a few kilobytes of WAV
each, into a temporary folder removed at exit once the last cue has played) and
played through a player found on the system, as an argument list and never
through a shell. Playing never waits: the player is started and the clock goes on.
"""

from __future__ import annotations

import array
import math
import shutil
import subprocess
import sys
import tempfile
import time
import wave
import weakref
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

from corecli.timeline import Segment, SegmentKind

RATE = 22_050  # samples a second: plenty for tones this simple
VOLUME = 0.4  # of full scale: a cue, not an alarm
# Players tried in this order, with the arguments that keep each one quiet.
PLAYERS: tuple[tuple[str, ...], ...] = (("paplay",), ("pw-play",), ("aplay", "-q"), ("afplay",))
HALFWAY_FROM_S = 20  # holds this long hear the halfway cue
COUNTDOWN_ABOVE_S = 6  # segments longer than this mark their last three seconds
LAST_CUE_WAIT_S = 2.0  # at exit, how long the cues still playing (the end chord) may finish


class Cue(StrEnum):
    ready = "ready"  # getting ready, getting into position
    work = "work"  # a hold or the first rep begins
    rep = "rep"  # each later paced rep
    rest = "rest"
    switch = "switch"
    tick = "tick"  # each of the last three seconds
    halfway = "halfway"
    end = "end"


# Each cue as notes: (frequency in Hz, or 0 for silence; seconds).
NOTES: dict[Cue, tuple[tuple[float, float], ...]] = {
    Cue.ready: ((440.0, 0.18),),
    Cue.work: ((523.3, 0.12), (0, 0.03), (784.0, 0.22)),
    Cue.rep: ((659.3, 0.08),),
    Cue.rest: ((659.3, 0.14), (0, 0.03), (440.0, 0.28)),
    Cue.switch: ((587.3, 0.1), (784.0, 0.1), (587.3, 0.1), (784.0, 0.1)),
    Cue.tick: ((1046.5, 0.06),),
    Cue.halfway: ((880.0, 0.07), (0, 0.07), (880.0, 0.07)),
    Cue.end: ((523.3, 0.16), (659.3, 0.16), (784.0, 0.16), (1046.5, 0.45)),
}


def start_cue(segment: Segment) -> Cue:
    """The cue as a segment begins."""
    kind = segment.kind
    if kind is SegmentKind.done:
        return Cue.end
    if kind in (SegmentKind.rest, SegmentKind.set_rest):
        return Cue.rest
    if kind is SegmentKind.switch:
        return Cue.switch
    if kind.is_work:
        return Cue.rep if segment.kind is SegmentKind.rep and segment.rep_no > 1 else Cue.work
    return Cue.ready


def second_cue(segment: Segment, second_left: int, whole_into: int) -> Cue | None:
    """The cue, if any, as a segment reaches ``second_left`` (``whole_into`` seconds in)."""
    length = segment.duration_s
    if length > COUNTDOWN_ABOVE_S and 1 <= second_left <= 3:
        return Cue.tick
    halfway = segment.kind is SegmentKind.hold and length >= HALFWAY_FROM_S
    if halfway and length % 2 == 0 and whole_into == length // 2:
        return Cue.halfway
    return None


def samples(notes: Sequence[tuple[float, float]]) -> array.array[int]:
    """16-bit mono samples for the notes, each faded in and out so it never clicks."""
    out = array.array("h")
    for frequency, seconds in notes:
        count = int(RATE * seconds)
        fade = max(1, min(count // 4, int(RATE * 0.01)))
        for n in range(count):
            if frequency == 0:
                out.append(0)
                continue
            envelope = min(1.0, n / fade, (count - n) / fade)
            value = VOLUME * envelope * math.sin(2 * math.pi * frequency * n / RATE)
            out.append(int(value * 32767))
    return out


def write_wav(path: Path, notes: Sequence[tuple[float, float]]) -> None:
    data = samples(notes)
    if sys.byteorder == "big":
        data.byteswap()  # WAV is little-endian
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(data.tobytes())


def find_player(which: Callable[[str], str | None] = shutil.which) -> tuple[str, ...] | None:
    """The first player on PATH, as the start of an argument list; None when there is none."""
    return next((argv for argv in PLAYERS if which(argv[0])), None)


class Tones:
    """The cues as files, played through one player."""

    def __init__(self, player: Sequence[str], spawn: Callable[[list[str]], object]) -> None:
        self._player = list(player)
        self._spawn = spawn
        self._playing: list[subprocess.Popen[bytes]] = []
        folder = Path(tempfile.mkdtemp(prefix="corecli-sounds-"))
        weakref.finalize(self, _remove, folder, self._playing)
        self.files: dict[Cue, Path] = {}
        for cue, notes in NOTES.items():
            path = folder / f"{cue.value}.wav"
            write_wav(path, notes)
            self.files[cue] = path

    def play(self, cue: Cue) -> None:
        self._playing[:] = [player for player in self._playing if player.poll() is None]
        started = self._spawn([*self._player, str(self.files[cue])])
        if isinstance(started, subprocess.Popen):
            self._playing.append(started)


def _remove(folder: Path, playing: list[subprocess.Popen[bytes]]) -> None:
    """Remove the cue files once the players still at them are done, so the end chord,
    started just before corecli exits, is heard to its last note."""
    deadline = time.monotonic() + LAST_CUE_WAIT_S
    for player in playing:
        try:
            player.wait(max(deadline - time.monotonic(), 0))
        except subprocess.TimeoutExpired:
            break  # a player that hangs: the files go anyway
    shutil.rmtree(folder, ignore_errors=True)
