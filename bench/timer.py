"""The session timer at real speed in a pseudo-terminal: punctuality, CPU and memory.

What it measures, on a 20-second routine written to a temporary file (two catalogue
exercises with 1-second holds and rests, ``--prep 2 --transition 3``: 16 segments,
the schedule taken from ``corecli run ROUTINE --dry-run``):

* Segment starts. ``corecli run ROUTINE --plain --no-sound`` runs in a pseudo-terminal
  (so stdin is a tty and the raw-key reader is active), and every line is stamped with
  ``time.monotonic()`` as it arrives. A segment's offset is its arrival minus (the first
  segment's arrival + its scheduled start): the first line is the zero point, so the
  15 other segments of each run count. Reported: p50, p99 and max of |offset| over all
  runs, and the signed median (positive = late). The same for the live screen: each
  redraw starts at the top left (ESC [ H); a segment starts with the first frame whose
  words (all but the large letters and digits, the bar and the time done) differ from
  the frame before.
* Total wall time: from the first segment line to the "Session complete." summary line,
  against the planned 20 s; then once more with a pause (space pressed 8.5 s in,
  pressed again 1.0 s later), against planned + the time between the two key presses.
* CPU while counting: the child's CPU time (``/proc/PID/task/*/schedstat``, in ns)
  sampled every 0.25 s, from 1 s after its first output (start-up excluded) to 0.5 s
  before the planned end, divided by the wall time between those samples. Measured for
  the plain mode (the same runs as above) and the full-screen live mode (a 24×80
  pseudo-terminal, output read and discarded). The same-run baselines: a Python loop of
  ``time.sleep(1)`` × 20 and, if it is installed, ``termdown 20``; they run alongside
  the paused run (they are idle or nearly so). The whole process's CPU seconds
  (start-up and exit included) come from ``/proc/PID/stat`` once it has exited.
* Peak memory: ``VmHWM`` from ``/proc/PID/status`` (a high-water mark), sampled with the
  CPU and at every output chunk; the last sample before exit is the peak.

Targets (from the issues): every plain segment within 15 ms of its scheduled time, and
each segment's first live frame within 10 ms at p99; total wall time within 50 ms of
planned + paused; CPU while counting at most 1 % of one core, and on the live screen at
most a third of termdown's in the same run (when termdown is installed:
``pip install termdown``); peak memory under 80 MiB. Runs pass ``--no-wait``: there is
nobody on the mat to press space.

Every child gets an empty ``CORECLI_HOME`` of its own; corecli runs under this
interpreter (``python -m corecli``). Linux only (it reads ``/proc``).

Run:  python bench/timer.py [--runs N] [--quick]
      (default 3 runs, about (2N + 1) × 21 s; --quick: one of each on a 7-second
      routine, for CI)

It reports and exits 0 whatever the timings; a broken run is an error (exit 1): a child
that fails or hangs, or plain output with a different number of segment lines than the
timeline has segments.
"""

from __future__ import annotations

import codecs
import math
import os
import platform
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pexpect  # type: ignore[import-untyped]

import _common

DEFAULT_RUNS = 3

SEGMENT_TARGET_MS = 15.0
LIVE_P99_TARGET_MS = 10.0  # on the live screen, each segment's first frame, at p99
TERMDOWN_SHARE_TARGET = 1 / 3  # of termdown's CPU while counting, in the same run
TOTAL_TARGET_MS = 50.0
CPU_TARGET_PCT = 1.0
TERMDOWN_QUOTED_PCT = 1.5
MEMORY_TARGET_MIB = 80.0

PAUSE_S = 1.0
SAMPLE_EVERY_S = 0.25
COUNTING_FROM_S = 1.0  # after the first output: start-up is over
COUNTING_UNTIL_S = 0.5  # before the planned end: no summary, no exit
SLACK_S = 30.0  # how long past its planned end a child may take before it counts as hung
DIMENSIONS = (24, 80)


@dataclass(frozen=True)
class Mode:
    """The routine a run measures, and when the paused run pauses."""

    routine_toml: str
    prep_s: int
    transition_s: int
    pause_at_s: float  # after the first segment line: the middle of a 1-second rest
    baseline_s: int  # how long the sleep(1) loop and termdown run beside the paused run


def routine_toml(title: str, reps: tuple[int, int]) -> str:
    """Two catalogue exercises with 1-second holds and rests."""
    return textwrap.dedent(
        f"""\
        schema_version = 1
        name = "{title}"
        phase = "acute"
        condition = "general"
        minutes = 5
        seed = 0
        created = 2026-01-01
        estimated_s = 20

        [[items]]
        exercise = "pelvic-tilt"
        sets = 1
        reps = {reps[0]}
        hold_s = 1
        rest_s = 1

        [[items]]
        exercise = "standing-cat-stretch"
        sets = 1
        reps = {reps[1]}
        hold_s = 1
        rest_s = 1
        """
    )


FULL = Mode(routine_toml("Timer benchmark, 20 s", (4, 3)), 2, 3, 8.5, 20)
QUICK = Mode(routine_toml("Timer benchmark, quick", (2, 1)), 1, 1, 3.5, 7)

TIMELINE_LINE = re.compile(r"^\s*(\d+):(\d{2})\s+(\S+)\s+(\d+) s\b")
TOTAL_LINE = re.compile(r"^Total: .*\((\d+) s\)$")
SEGMENT_LINE = re.compile(r"^\d{2}:\d{2} · ")
SUMMARY = "Session complete."
# CSI and other escape sequences, the bell, carriage returns: what a plain line is not.
CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]|[\a\r]")


HOME = "\x1b[H"  # cursor to the top left: where the live screen starts each frame
# What changes every second on the live screen: the large letters and digits, the bar,
# and the line with the time done and left. The rest says which segment is shown.
TICKING = re.compile(r"[█▀▄━╸╺]|^─+$| done · ")


def frame_words(frame: str) -> str:
    """A live frame's text without what ticks: the same for all of one segment's frames."""
    panel = CONTROL.sub("", frame).split("╰")[0]  # what follows the panel is no frame
    lines = (line.strip("│ \r") for line in panel.split("\n"))
    return "\n".join(line for line in lines if line and not TICKING.search(line))


class BrokenRun(Exception):
    """A child failed, hung or printed something other than the timeline."""


@dataclass(frozen=True)
class Schedule:
    """The timeline as ``--dry-run`` prints it."""

    starts: tuple[int, ...]
    kinds: tuple[str, ...]
    total_s: int


@dataclass(frozen=True)
class Sample:
    """One look at a running child."""

    at: float
    cpu_s: float | None
    hwm_kib: int | None


@dataclass
class PtyChild:
    """A program in a pseudo-terminal, its output stamped on arrival and its /proc sampled."""

    label: str
    argv: Sequence[str]
    env: dict[str, str]
    keys: list[tuple[float, bytes]] = field(default_factory=list)  # s after the first segment
    process: Any = None
    spawned: float = math.nan
    first_output: float | None = None
    anchor: float | None = None  # arrival of the first segment line (plain mode)
    lines: list[tuple[float, str]] = field(default_factory=list)
    output_bytes: int = 0
    samples: list[Sample] = field(default_factory=list)
    sent: list[float] = field(default_factory=list)
    ended: float | None = None
    exit_status: int | None = None
    signal_status: int | None = None
    total_cpu_s: float | None = None
    frames: list[tuple[float, str]] = field(default_factory=list)  # live: arrival, what it says
    _partial: bytes = b""
    _screen: str = ""
    _held: str = ""
    _screen_at: float = math.nan
    _decoder: Any = field(default_factory=lambda: codecs.getincrementaldecoder("utf-8")("replace"))

    def start(self) -> None:
        self.process = pexpect.spawn(
            self.argv[0], list(self.argv[1:]), env=self.env, dimensions=DIMENSIONS
        )
        self.spawned = time.monotonic()

    @property
    def running(self) -> bool:
        return self.ended is None

    @property
    def fd(self) -> int:
        return int(self.process.child_fd)

    def next_key_at(self) -> float | None:
        if self.anchor is None or len(self.sent) >= len(self.keys):
            return None
        return self.anchor + self.keys[len(self.sent)][0]

    def send_due_keys(self, now: float) -> None:
        while (at := self.next_key_at()) is not None and now >= at:
            self.process.send(self.keys[len(self.sent)][1])
            self.sent.append(time.monotonic())

    def receive(self, data: bytes, at: float) -> None:
        if self.first_output is None:
            self.first_output = at
        self.output_bytes += len(data)
        text = self._held + self._decoder.decode(data)
        # A redraw's start may be cut between two reads: keep its first bytes for the next.
        cut = next((n for n in (2, 1) if text.endswith(HOME[:n])), 0)
        text, self._held = (text[:-cut], text[-cut:]) if cut else (text, "")
        first, *begun = text.split(HOME)
        self._screen += first
        for frame in begun:  # each redraw of the live screen starts at the top left
            self._close_frame()
            self._screen, self._screen_at = frame, at
        *complete, self._partial = (self._partial + data).split(b"\n")
        for raw in complete:
            text = CONTROL.sub("", raw.decode("utf-8", "replace")).strip()
            self.lines.append((at, text))
            if self.anchor is None and SEGMENT_LINE.match(text):
                self.anchor = at
        self.sample(at)

    def _close_frame(self) -> None:
        if frame_words(self._screen) and not math.isnan(self._screen_at):
            self.frames.append((self._screen_at, frame_words(self._screen)))
        self._screen = ""

    def sample(self, at: float) -> None:
        self.samples.append(Sample(at, _cpu_s(self.process.pid), _hwm_kib(self.process.pid)))

    def finish(self, at: float) -> None:
        """The pty reached end of file: note the total CPU time, then reap the child."""
        if self._partial:
            self.lines.append((at, CONTROL.sub("", self._partial.decode("utf-8", "replace"))))
        self._close_frame()
        self.ended = at
        self.total_cpu_s = _zombie_cpu_s(self.process.pid)
        self.process.wait()
        self.exit_status = self.process.exitstatus
        self.signal_status = self.process.signalstatus
        self.process.close()

    def kill(self) -> None:
        if self.running:
            self.process.terminate(force=True)
            self.process.close()
            self.ended = time.monotonic()

    def check_exit(self) -> None:
        if self.exit_status != 0:
            how = (
                f"exited with {self.exit_status}"
                if self.signal_status is None
                else f"was killed by signal {self.signal_status}"
            )
            tail = "\n".join(text for _, text in self.lines[-8:] if text) or "(no output)"
            raise BrokenRun(
                f"`{self.label}` {how}; its last output:\n{textwrap.indent(tail, '    ')}"
            )


def _cpu_s(pid: int) -> float | None:
    """CPU time of all the process's threads so far, in seconds (ns resolution)."""
    try:
        total_ns = 0
        for task in Path(f"/proc/{pid}/task").iterdir():
            total_ns += int((task / "schedstat").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total_ns / 1e9


def _hwm_kib(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _zombie_cpu_s(pid: int, wait_s: float = 2.0) -> float | None:
    """utime + stime of an exited, not yet reaped process (clock-tick resolution)."""
    give_up = time.monotonic() + wait_s
    while time.monotonic() < give_up:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return None
        if fields[0] == "Z":  # fields[0] is field 3 of stat(5): the state
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        time.sleep(0.005)
    return None


def watch(children: Sequence[PtyChild], limit_s: float) -> None:
    """Run children side by side until all have closed their terminal; read everything."""
    for child in children:
        child.start()
    by_fd = {child.fd: child for child in children}
    give_up = time.monotonic() + limit_s
    next_sample = time.monotonic()
    try:
        while running := [child for child in children if child.running]:
            now = time.monotonic()
            if now >= next_sample:
                for child in running:
                    child.sample(now)
                next_sample = now + SAMPLE_EVERY_S
            for child in running:
                child.send_due_keys(now)
            if now >= give_up:
                raise BrokenRun(
                    "no end after "
                    f"{limit_s:.0f} s: {', '.join(f'`{child.label}`' for child in running)}"
                )
            wakes = [next_sample, give_up]
            wakes += [at for child in running if (at := child.next_key_at()) is not None]
            timeout = max(0.0, min(wakes) - time.monotonic())
            ready, _, _ = select.select([child.fd for child in running], [], [], timeout)
            for fd in ready:
                child = by_fd[fd]
                try:
                    data = os.read(fd, 65536)
                except OSError:  # EIO: the other end is closed
                    data = b""
                if data:
                    child.receive(data, time.monotonic())
                else:
                    child.finish(time.monotonic())
    finally:
        for child in children:
            child.kill()


# --- The routine and its schedule ----------------------------------------------------------


def corecli(*args: str) -> list[str]:
    return [*_common.corecli_command(), *args]


def read_schedule(routine: Path, mode: Mode, homes: _common.Homes) -> Schedule:
    timing = ("--prep", str(mode.prep_s), "--transition", str(mode.transition_s))
    argv = corecli("run", str(routine), *timing, "--dry-run")
    result = subprocess.run(argv, capture_output=True, text=True, env=homes.fresh(), check=False)
    if result.returncode != 0:
        raise BrokenRun(
            f"`corecli run --dry-run` exited with {result.returncode}:\n{result.stderr}"
        )
    starts: list[int] = []
    kinds: list[str] = []
    total_s: int | None = None
    for line in result.stdout.splitlines():
        if match := TIMELINE_LINE.match(line):
            starts.append(int(match[1]) * 60 + int(match[2]))
            kinds.append(match[3])
        elif match := TOTAL_LINE.match(line):
            total_s = int(match[1])
    if not starts or total_s is None or kinds[-1] != "done":
        raise BrokenRun(f"cannot read the timeline from --dry-run:\n{result.stdout}")
    return Schedule(tuple(starts), tuple(kinds), total_s)


# --- What the runs show --------------------------------------------------------------------


@dataclass(frozen=True)
class PlainRun:
    offsets_ms: tuple[float, ...]  # signed, segments after the first
    done_ms: float  # Done line against planned (+ paused)
    summary_ms: float  # "Session complete." against planned (+ paused)
    paused_s: float
    cpu_pct: float | None
    total_cpu_s: float | None
    peak_mib: float | None


@dataclass(frozen=True)
class Usage:
    cpu_pct: float | None
    total_cpu_s: float | None
    peak_mib: float | None
    output_kib: float


def counting_cpu_pct(child: PtyChild, start: float, planned_s: float) -> float | None:
    """CPU seconds per wall second between 1 s after ``start`` and 0.5 s before the end."""
    window = [
        s
        for s in child.samples
        if s.cpu_s is not None
        and start + COUNTING_FROM_S <= s.at <= start + planned_s - COUNTING_UNTIL_S
    ]
    if len(window) < 2 or window[-1].at - window[0].at < planned_s / 2:
        return None
    first, last = window[0], window[-1]
    assert first.cpu_s is not None and last.cpu_s is not None
    return 100 * (last.cpu_s - first.cpu_s) / (last.at - first.at)


def peak_mib(child: PtyChild) -> float | None:
    marks = [s.hwm_kib for s in child.samples if s.hwm_kib is not None]
    return max(marks) / 1024 if marks else None


def usage(child: PtyChild, planned_s: float) -> Usage:
    start = child.first_output if child.first_output is not None else child.spawned
    return Usage(
        counting_cpu_pct(child, start, planned_s),
        child.total_cpu_s,
        peak_mib(child),
        child.output_bytes / 1024,
    )


def analyse_plain(child: PtyChild, schedule: Schedule, pause_at_s: float) -> PlainRun:
    child.check_exit()
    segments = [(at, text) for at, text in child.lines if SEGMENT_LINE.match(text)]
    if len(segments) != len(schedule.starts):
        shown = "\n".join(text for _, text in child.lines) or "(no output)"
        raise BrokenRun(
            f"`{child.label}` printed {len(segments)} segment lines; the timeline has "
            f"{len(schedule.starts)}:\n{textwrap.indent(shown, '    ')}"
        )
    summary = next((at for at, text in child.lines if text == SUMMARY), None)
    if summary is None:
        raise BrokenRun(f"`{child.label}` printed no {SUMMARY!r} line")
    anchor = segments[0][0]
    paused_s = child.sent[1] - child.sent[0] if len(child.sent) == 2 else 0.0
    offsets = []
    for (at, _), start in zip(segments[1:], schedule.starts[1:], strict=True):
        shift = paused_s if start > pause_at_s else 0.0
        offsets.append((at - (anchor + start + shift)) * 1000)
    planned = schedule.total_s + paused_s
    return PlainRun(
        offsets_ms=tuple(offsets),
        done_ms=(segments[-1][0] - anchor - planned) * 1000,
        summary_ms=(summary - anchor - planned) * 1000,
        paused_s=paused_s,
        cpu_pct=counting_cpu_pct(child, anchor, schedule.total_s) if not paused_s else None,
        total_cpu_s=child.total_cpu_s,
        peak_mib=peak_mib(child),
    )


def analyse_live(child: PtyChild, schedule: Schedule) -> tuple[float, ...]:
    """Signed offsets (ms) of each segment's first frame on the live screen after the first,
    against the schedule; the first frame is the zero point."""
    child.check_exit()
    if not any(SUMMARY in text for _, text in child.lines):
        raise BrokenRun(f"`{child.label}` showed no {SUMMARY!r} at the end")
    starts: list[float] = []
    shown = None
    for at, words in child.frames:
        if words != shown:
            starts.append(at)
            shown = words
    timed = schedule.starts[:-1]  # the end is the summary, not a frame
    if len(starts) != len(timed):
        raise BrokenRun(
            f"`{child.label}` showed {len(starts)} segments; the timeline has {len(timed)}"
        )
    return tuple(
        (at - (starts[0] + start)) * 1000 for at, start in zip(starts, timed, strict=True) if start
    )


def percentile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


# --- Report --------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _median(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def _pct(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:5.2f} %"


def _mib(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:5.1f} MiB"


def _cpu_total(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f} s"


def report(
    mode: Mode,
    schedule: Schedule,
    plain: Sequence[PlainRun],
    paused: PlainRun,
    live_runs: tuple[Sequence[Usage], Sequence[float]],
    baselines: tuple[Usage, Usage | str],
    load: tuple[float, float],
) -> None:
    runs = len(plain)
    live, live_offsets = live_runs
    sleeper, termdown = baselines
    print("corecli session timer at real speed, in a pseudo-terminal")
    print(
        f"Python {sys.version.split()[0]} ({sys.executable}), corecli {version('corecli')}, "
        f"pexpect {version('pexpect')}, {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"routine: {len(schedule.starts)} segments, {schedule.total_s} s planned "
        f"(--prep {mode.prep_s} --transition {mode.transition_s});"
        f" {runs} plain + {runs} live runs, 1 paused run"
    )
    print(f"load average (1 min): {load[0]:.2f} before, {load[1]:.2f} after")
    if sys.dont_write_bytecode or os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print(
            "PYTHONDONTWRITEBYTECODE is set: modules without a cached .pyc compile at each import"
        )
    print()

    offsets = [abs(o) for run in plain for o in run.offsets_ms]
    signed = [o for run in plain for o in run.offsets_ms]
    worst = max(offsets)
    print(
        f"Segment starts against the schedule (--plain; {len(offsets)} starts = "
        f"{len(schedule.starts) - 1} × {runs} runs; the first line is the zero point)"
    )
    print(
        f"  |offset|  p50 {percentile(offsets, 50):5.1f} ms   p99 {percentile(offsets, 99):5.1f} ms"
        f"   max {worst:5.1f} ms     target: each ≤ {SEGMENT_TARGET_MS:.0f} ms  "
        f"{mark(worst <= SEGMENT_TARGET_MS)}"
    )
    print(f"  signed median {statistics.median(signed):+.1f} ms (+ = late)")
    worst_each = []
    for run in plain:
        index = max(range(len(run.offsets_ms)), key=lambda i: abs(run.offsets_ms[i]))
        kind = schedule.kinds[index + 1]
        worst_each.append(
            f"{run.offsets_ms[index]:+.1f} ms ({kind} at {schedule.starts[index + 1]} s)"
        )
    print("  worst per run: " + ", ".join(worst_each))
    pause_offsets = [abs(o) for o in paused.offsets_ms]
    print(
        f"  paused run: p50 {percentile(pause_offsets, 50):.1f} ms, "
        f"max {max(pause_offsets):.1f} ms (schedule shifted by the pause)"
    )
    on_screen = [abs(o) for o in live_offsets]
    live_p99 = percentile(on_screen, 99)
    print(
        f"  live screen, each segment's first frame ({len(on_screen)} starts):"
        f" p50 {percentile(on_screen, 50):5.1f} ms   p99 {live_p99:5.1f} ms"
        f"   max {max(on_screen):5.1f} ms     target: p99 ≤ {LIVE_P99_TARGET_MS:.0f} ms  "
        f"{mark(live_p99 <= LIVE_P99_TARGET_MS)}"
    )
    print(f"  signed median {statistics.median(live_offsets):+.1f} ms (+ = late)\n")

    print(
        f"Total wall time: first segment line → {SUMMARY!r}, against planned (+ paused); "
        f"target within {TOTAL_TARGET_MS:.0f} ms"
    )
    for number, run in enumerate(plain, 1):
        print(
            f"  run {number}          {schedule.total_s + run.summary_ms / 1000:8.3f} s  "
            f"{run.summary_ms:+6.1f} ms  {mark(abs(run.summary_ms) <= TOTAL_TARGET_MS)}"
            f"   (Done line {run.done_ms:+.1f} ms)"
        )
    planned_paused = schedule.total_s + paused.paused_s
    print(
        f"  paused {paused.paused_s:.3f} s {planned_paused + paused.summary_ms / 1000:8.3f} s  "
        f"{paused.summary_ms:+6.1f} ms  {mark(abs(paused.summary_ms) <= TOTAL_TARGET_MS)}"
        f"   (Done line {paused.done_ms:+.1f} ms; planned + paused = {planned_paused:.3f} s)"
    )
    gaps = [run.summary_ms - run.done_ms for run in [*plain, paused]]
    print(
        f"  Done line → {SUMMARY!r}: median {statistics.median(gaps):.1f} ms, "
        f"max {max(gaps):.1f} ms\n"
    )

    plain_cpu = _median([r.cpu_pct for r in plain])
    live_cpu = _median([u.cpu_pct for u in live])
    print(
        f"CPU while counting: CPU s per wall s, {COUNTING_FROM_S:g} s after the first output to "
        f"{COUNTING_UNTIL_S:g} s before the end; median of runs; target ≤ {CPU_TARGET_PCT:g} %"
    )
    rows: list[tuple[str, float | None, str, str]] = [
        (
            "corecli --plain",
            plain_cpu,
            mark(plain_cpu is not None and plain_cpu <= CPU_TARGET_PCT),
            ", ".join(_pct(r.cpu_pct).strip() for r in plain),
        ),
        (
            "corecli (live screen)",
            live_cpu,
            mark(live_cpu is not None and live_cpu <= CPU_TARGET_PCT),
            ", ".join(_pct(u.cpu_pct).strip() for u in live),
        ),
        ("baseline: sleep(1) loop", sleeper.cpu_pct, "", "1 run"),
    ]
    if isinstance(termdown, Usage):
        rows.append((f"baseline: termdown {mode.baseline_s}", termdown.cpu_pct, "", "1 run"))
    for label, value, verdict, detail in rows:
        print(f"  {label:<24} {_pct(value)}  {verdict:1}   ({detail})")
    if isinstance(termdown, Usage) and termdown.cpu_pct and live_cpu is not None:
        share = live_cpu / termdown.cpu_pct
        print(
            f"  live screen against termdown: {share:.2f} of its CPU; target ≤ "
            f"{TERMDOWN_SHARE_TARGET:.2f}  {mark(share <= TERMDOWN_SHARE_TARGET)}"
        )
    if isinstance(termdown, str):
        print(
            f"  baseline: termdown        {termdown}; the issue quotes about "
            f"{TERMDOWN_QUOTED_PCT:g} % for it"
        )
    print(
        "  whole process, start-up and exit included (CPU s, median): "
        f"plain {_cpu_total(_median([r.total_cpu_s for r in plain]))}, "
        f"live {_cpu_total(_median([u.total_cpu_s for u in live]))}, "
        f"sleep loop {_cpu_total(sleeper.total_cpu_s)}"
    )
    print(
        f"  live screen output: {statistics.median(u.output_kib for u in live):.1f} KiB "
        "per session (median)\n"
    )

    plain_mem = max((r.peak_mib for r in plain if r.peak_mib is not None), default=None)
    live_mem = max((u.peak_mib for u in live if u.peak_mib is not None), default=None)
    print(f"Peak memory (VmHWM, highest of the runs); target < {MEMORY_TARGET_MIB:g} MiB")
    print(
        f"  corecli --plain          {_mib(plain_mem)}  "
        f"{mark(plain_mem is not None and plain_mem < MEMORY_TARGET_MIB)}"
    )
    print(
        f"  corecli (live screen)    {_mib(live_mem)}  "
        f"{mark(live_mem is not None and live_mem < MEMORY_TARGET_MIB)}"
    )
    print(f"  baseline: sleep(1) loop  {_mib(sleeper.peak_mib)}")
    if isinstance(termdown, Usage):
        print(f"  baseline: termdown {mode.baseline_s}    {_mib(termdown.peak_mib)}")


# --- Main ----------------------------------------------------------------------------------


def measure(runs: int, mode: Mode, root: Path) -> None:
    homes = _common.Homes(
        root, columns=None, extra={"TERM": os.environ.get("TERM", "xterm-256color")}
    )
    routine = root / "routine.toml"
    routine.write_text(mode.routine_toml, encoding="utf-8")
    load_before = os.getloadavg()[0]
    schedule = read_schedule(routine, mode, homes)
    timing = ("--prep", str(mode.prep_s), "--transition", str(mode.transition_s), "--no-sound")
    timing += ("--screened", "--no-check-in", "--no-wait")  # no questions, no gate
    limit_s = schedule.total_s + PAUSE_S + SLACK_S

    plain: list[PlainRun] = []
    live: list[Usage] = []
    live_offsets: list[float] = []
    for number in range(1, runs + 1):
        print(f"run {number}/{runs}: plain, then live …", file=sys.stderr, flush=True)
        child = PtyChild(
            "corecli run --plain", corecli("run", str(routine), *timing, "--plain"), homes.fresh()
        )
        watch([child], limit_s)
        plain.append(analyse_plain(child, schedule, mode.pause_at_s))
        child = PtyChild("corecli run", corecli("run", str(routine), *timing), homes.fresh())
        watch([child], limit_s)
        live_offsets += analyse_live(child, schedule)
        live.append(usage(child, schedule.total_s))

    print("paused run, with the baselines alongside …", file=sys.stderr, flush=True)
    pausing = PtyChild(
        "corecli run --plain (paused)",
        corecli("run", str(routine), *timing, "--plain"),
        homes.fresh(),
        keys=[(mode.pause_at_s, b" "), (mode.pause_at_s + PAUSE_S, b" ")],
    )
    sleeper = PtyChild(
        "sleep(1) loop",
        [sys.executable, "-c", f"import time; [time.sleep(1) for _ in range({mode.baseline_s})]"],
        homes.fresh(),
    )
    together = [pausing, sleeper]
    termdown_path = shutil.which("termdown")
    termdown: PtyChild | None = None
    if termdown_path is not None:
        termdown = PtyChild(
            f"termdown {mode.baseline_s}", [termdown_path, str(mode.baseline_s)], homes.fresh()
        )
        together.append(termdown)
    watch(together, limit_s)
    paused = analyse_plain(pausing, schedule, mode.pause_at_s)
    if len(pausing.sent) != 2:
        raise BrokenRun("the paused run ended before both key presses were sent")
    sleeper.check_exit()
    termdown_usage: Usage | str = "not installed"
    if termdown is not None:
        if termdown.exit_status == 0:
            termdown_usage = usage(termdown, mode.baseline_s)
        else:
            termdown_usage = f"failed (exit {termdown.exit_status})"
    load = (load_before, os.getloadavg()[0])
    baselines = (usage(sleeper, mode.baseline_s), termdown_usage)
    report(mode, schedule, plain, paused, (live, live_offsets), baselines, load)


def main(argv: Sequence[str] | None = None) -> int:
    args = _common.parse_args(
        "Measure corecli's session timer at real speed in a pseudo-terminal.",
        argv,
        runs=DEFAULT_RUNS,
    )
    if not Path("/proc/self/schedstat").exists():
        raise _common.BenchError("this benchmark reads /proc (Linux, schedstats)")
    _common.compile_corecli()
    try:
        with tempfile.TemporaryDirectory(prefix="corecli-bench-") as tmp:
            measure(args.runs, QUICK if args.quick else FULL, Path(tmp))
    except BrokenRun as error:
        raise _common.BenchError(str(error)) from None
    return 0


if __name__ == "__main__":
    sys.exit(_common.main(main))
