"""The real program at a terminal with a fake sound player and a fake speech program on PATH:
what is played and said, in order and on time, as a person on the mat would hear it."""

from __future__ import annotations

import gc
import os
import sys
from datetime import date
from pathlib import Path

import pytest

from corecli.catalogue import load_catalogue
from corecli.planner import single_exercise_routine
from corecli.player import spawn_quietly
from corecli.script import Script
from corecli.sounds import Cue, Tones, start_cue
from corecli.timeline import SegmentKind, TimelineSettings, build_timeline, routine_items
from corecli.voice import segment_phrase

pexpect = pytest.importorskip("pexpect")

SPEED = 10  # ten times real speed: a 50 s exercise in about 5 s
FAKE = """#!/bin/sh
# Note the time and the arguments, one per line, then pretend to play or speak.
{{ date +%s.%N; for a in "$@"; do printf '%s\\n' "$a"; done; echo --end--; }} >> {log}
"""


def fake_program(folder: Path, name: str, log: Path) -> None:
    path = folder / name
    path.write_text(FAKE.format(log=log), encoding="utf-8")
    path.chmod(0o755)


def calls(log: Path) -> list[tuple[float, list[str]]]:
    """Each call of a fake program: when, and its arguments."""
    found: list[tuple[float, list[str]]] = []
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    while "--end--" in lines:
        end = lines.index("--end--")
        found.append((float(lines[0]), lines[1:end]))
        lines = lines[end + 1 :]
    return found


@pytest.mark.slow
def test_tones_and_voice_follow_the_timeline(isolated: Path, tmp_path: Path) -> None:
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    fake_program(bin_folder, "aplay", tmp_path / "played.log")
    fake_program(bin_folder, "espeak-ng", tmp_path / "said.log")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(
        CORECLI_HOME=str(isolated),
        TERM="xterm-256color",
        PATH=f"{bin_folder}{os.pathsep}/usr/bin{os.pathsep}/bin",
    )
    args = ["-m", "corecli", "run", "--exercise", "dead-bug", "--prep", "3", "--transition", "8"]
    args += [
        "--sound",
        "tones",
        "--voice",
        "--speed",
        str(SPEED),
        "--screened",
        "--no-check-in",
        "--no-wait",
    ]
    child = pexpect.spawn(
        sys.executable, args, env=env, dimensions=(24, 80), encoding="utf-8", timeout=60
    )
    try:
        child.expect("Session complete.")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)

    catalogue = load_catalogue()
    routine = single_exercise_routine(catalogue.find("dead-bug"), date(2026, 1, 1))
    timeline = build_timeline(
        routine_items(routine, catalogue), TimelineSettings(prep_s=3, transition_s=8)
    )
    script = Script.for_routine(routine, catalogue)
    # Each segment is announced as it starts; one that takes no time only if it is the end.
    announced = [s for s in timeline if s.duration_s or s.kind is SegmentKind.done]

    played = calls(tmp_path / "played.log")
    assert all(argv[0] == "-q" and argv[1].endswith(".wav") for _, argv in played)
    cues = [Path(argv[1]).stem for _, argv in played]
    starts = [start_cue(segment).value for segment in announced]
    assert [cue for cue in cues if cue not in ("tick", "halfway")] == starts
    # On time: each start cue within half a second (real) of its place in the timeline.
    begun = played[0][0]
    start_times = [
        when - begun for when, argv in played if Path(argv[1]).stem not in ("tick", "halfway")
    ]
    for segment, when in zip(announced, start_times, strict=True):
        assert abs(when - segment.start_s / SPEED) < 0.5, (segment, when)

    said = [argv for _, argv in calls(tmp_path / "said.log")]
    assert all(argv[0] == "--" for argv in said)  # the text is never read as an option
    expected = [segment_phrase(segment, script) for segment in announced]
    phrases = [argv[1] for argv in said]
    at_starts = [p for p in phrases if not p.endswith("left.") and p != "Halfway."]
    assert at_starts[:-1] == [p for p in expected if p]
    assert phrases[-1].startswith("That's the whole routine. Well done: 1 of 1 exercises")


SLOW_PLAYER = """
import sys, time
time.sleep(0.5)  # a player slow to open its file, as the session has already ended
with open(sys.argv[2], "wb") as out:
    out.write(open(sys.argv[1], "rb").read())
"""


def test_the_last_cue_is_played_to_the_end_before_its_file_is_removed(tmp_path: Path) -> None:
    """The end chord starts just before corecli exits; its file must outlive the exit."""
    script = tmp_path / "player.py"
    script.write_text(SLOW_PLAYER, encoding="utf-8")
    heard = tmp_path / "heard.wav"

    def spawn(argv: list[str]) -> object:
        *player, wav = argv
        return spawn_quietly([*player, wav, str(heard)])

    tones = Tones([sys.executable, str(script)], spawn)
    ending = tones.files[Cue.end].read_bytes()
    folder = tones.files[Cue.end].parent
    tones.play(Cue.end)
    del tones  # as at exit: the finalizer waits for the player, then removes the files
    gc.collect()
    assert heard.read_bytes() == ending
    assert not folder.exists()
