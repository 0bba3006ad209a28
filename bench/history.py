"""How ``corecli history`` and ``corecli stats`` scale with a long history: wall time.

What it measures: generates, in temporary folders, the history of one person
with 10,000 sessions and of one with 100, and times whole processes, from
launch to exit, of

* ``corecli history`` (the 20 newest sessions as a table) and ``corecli stats``
  on each history,
* ``corecli history --csv`` (all 10,000 rows; for information, no target), and
* ``corecli --version`` with an empty ``CORECLI_HOME``: the baseline, the cost of
  starting corecli at all.

The six cases run round-robin, one of each per round, after one untimed warm-up
round. Every run gets a ``CORECLI_HOME`` of its own holding a fresh copy of the
generated ``history.sqlite3``: the commands open it for writing (set WAL, migrate),
so each starts from the same file, with no ``-wal`` or ``-shm`` left by a run before.
It reports medians, min and max, each median against the baseline's, and how the
cost above the baseline grows from 100 to 10,000 sessions.

The histories are written through corecli's own ``History`` (``begin_session``,
``end_session``, ``check_in``, ``add_walk``, ``add_screening``, ``unflag``), on
one connection with ``PRAGMA synchronous = NORMAL``: in WAL mode that syncs at
checkpoints only, not at each of the ~26,000 commits (with the default FULL,
10,000 sessions would take about 90 s, from 9.4 s for 1,000; with NORMAL, 4-7 s).

Day by day, ending today: 1-3 sessions a day (rest days now and then, none in the
last 14 days), so 10,000 sessions go back about 15 years; routines named as the
planner names them (``Core routine, 20 min``) or as a person might; the phase
the programme's (``corecli.progress``, as ``corecli run`` moves it: each session
counts and is settled, so the log of decisions grows with the history); 5-9 exercises
of the bundled catalogue that suit the phase, mostly done, some skipped, now and
then "this hurts" (flagging the exercise until it is unflagged 1-4 weeks later) and
sessions quit or interrupted part-way; pain before and after following a slowly
easing baseline with flare-ups, the light from ``corecli.pain``; next-morning
check-ins after a quarter of the days; a walk on most days; a safety screen weekly.

Before timing, it checks once that ``corecli history --json --limit 5`` lists 5
sessions and that ``corecli stats`` says ``10000 in all``; if not it exits 1 (a
correctness check, not a timing assertion).

Targets (from the issue): with 10,000 sessions stored, ``corecli history`` and
``corecli stats`` each finish in under 0.5 s (median wall time).

Run:  python bench/history.py [--runs N] [--quick]
      (default 7 runs; --quick: 1 run on histories of 20 and 500 sessions, for CI)

It reports and exits 0 whether or not the targets are met; a command that fails is
an error (exit 1).
"""

from __future__ import annotations

import json
import random
import sqlite3
import sys
import tempfile
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import _common
from corecli.models import ItemRecord, SessionRecord
from corecli.planner import default_name
from corecli.progress import check_in, settle, standing
from corecli.safety import RED_FLAGS, Grade
from corecli.store.history import History
from corecli.store.home import HISTORY_NAME
from corecli.vocab import Ending, Outcome, Phase, PlanCondition

DEFAULT_RUNS = 7
SIZES = (100, 10_000)
QUICK_SIZES = (20, 500)
TARGET_SECONDS = 0.5
SEED = 20240611


# The person being simulated.
SESSIONS_A_DAY = {1: 30, 2: 45, 3: 25}  # weights: 2 a day on average
REST_DAY = 0.06  # chance of a day without a session ...
ACTIVE_RECENTLY_DAYS = 14  # ... except in the last 14 days, so the streak has data
MINUTES = {Phase.acute: (10, 10, 15), Phase.recovery: (10, 15, 20), Phase.maintenance: (15, 20, 30)}
OWN_NAMES = ("Morning core", "Desk break", "Evening stretch", "Before the run", "Physio's list")
OWN_NAME = 0.15  # chance a session runs one of the person's own routines
ITEMS = (5, 9)
ENDINGS = {
    Ending.finished: 0.92,
    Ending.quit: 0.05,
    Ending.interrupted: 0.025,
    Ending.terminated: 0.003,
    None: 0.002,  # the process died: no end recorded
}
SKIPPED = 0.05
HURT = 0.006
FLAGGED_DAYS = (7, 28)  # how long a "this hurts" flag stays before the person unflags it
PAIN_BEFORE = 0.85  # chance a session has a pain score before
PAIN_AFTER = 0.85  # ... and after, when it got that far
PAIN_RISE = {-2: 8, -1: 30, 0: 42, 1: 14, 2: 5, 3: 1}  # weights: after - before
CHECK_IN = 0.25  # chance of a next-morning check-in after a day's last session
NEXT_MORNING = {-2: 10, -1: 30, 0: 45, 1: 15}  # weights: next morning - before
FLARE_UP = 1 / 150  # chance a day starts a flare-up ...
FLARE_PAIN = 3.0  # ... of this much extra pain, easing by half every FLARE_HALF_LIFE days
FLARE_HALF_LIFE = 4.0
WALK = 0.8  # chance of a walk on a day
SCREEN_EVERY = timedelta(days=7)
SCREEN_YES = 0.02  # chance a screen has a "yes" (then it is asked again the next day)


@dataclass(frozen=True)
class Case:
    """One command line to time, and the history (if any) each run gets a copy of."""

    label: str
    argv: tuple[str, ...]
    history: Path | None = None


@dataclass(frozen=True)
class Generated:
    """A generated history file and what went into it."""

    path: Path
    sessions: int
    first: date
    items: int
    check_ins: int
    walks: int
    screenings: int
    flags: int
    seconds: float

    @property
    def days(self) -> int:
        return (date.today() - self.first).days + 1


# --- generating histories ----------------------------------------------------------------------


def bundled_exercises() -> dict[Phase, tuple[str, ...]]:
    """The bundled catalogue's floor exercises (no walking) for each phase, by id."""
    text = files("corecli").joinpath("data", "exercises.toml").read_text(encoding="utf-8")
    entries: list[dict[str, Any]] = tomllib.loads(text).get("exercises", [])
    return {
        phase: tuple(
            entry["id"]
            for entry in entries
            if phase.value in entry["phases"] and entry.get("kind") != "aerobic"
        )
        for phase in Phase
    }


def days_with_sessions(count: int, rng: random.Random, today: date) -> list[tuple[date, int]]:
    """(day, sessions that day) oldest first, ending today, ``count`` sessions in all."""
    days: list[tuple[date, int]] = []
    left, day = count, today
    while left:
        rest = (today - day).days >= ACTIVE_RECENTLY_DAYS and rng.random() < REST_DAY
        if not rest:
            n = 1 if day == today else _weighted(rng, SESSIONS_A_DAY)
            days.append((day, min(n, left)))
            left -= days[-1][1]
        day -= timedelta(days=1)
    return days[::-1]


@dataclass
class Person:
    """The state the simulation carries from one day to the next."""

    rng: random.Random
    exercises: dict[Phase, tuple[str, ...]]
    first: date
    flare: float = 0.0
    flagged: dict[str, date] = field(default_factory=dict)  # exercise -> day it is unflagged
    last_screen: datetime | None = None
    screen_clear: bool = True

    def pain_today(self, day: date) -> float:
        """From about 6 at the start easing to about 1.5 over a year, plus any flare-up."""
        months = (day - self.first).days / 30.4
        if self.rng.random() < FLARE_UP:
            self.flare = FLARE_PAIN
        else:
            self.flare *= 0.5 ** (1 / FLARE_HALF_LIFE)
        return 1.5 + 4.5 * 0.75**months + self.flare

    def score(self, pain: float) -> int:
        return min(max(round(pain + self.rng.gauss(0, 0.8)), 0), 10)


def generate(path: Path, count: int, seed: int = SEED) -> Generated:
    """Write a history of ``count`` sessions ending today through corecli's History."""
    started_at = time.perf_counter()
    rng = random.Random(seed)
    now = datetime.now().replace(microsecond=0)
    days = days_with_sessions(count, rng, now.date())
    person = Person(rng, bundled_exercises(), first=days[0][0])
    totals = {"items": 0, "check_ins": 0, "walks": 0, "screenings": 0}
    with History.open(path) as history:
        history._db.execute("PRAGMA synchronous = NORMAL")
        for day, sessions in days:
            for exercise in [e for e, until in person.flagged.items() if until <= day]:
                history.unflag(exercise)
                del person.flagged[exercise]
            pain = person.pain_today(day)
            for number, started in enumerate(session_times(day, sessions, now, rng)):
                _screen_if_due(history, person, started - timedelta(minutes=1), totals)
                totals["items"] += _session(history, person, started, pain)
                if number == sessions - 1 and rng.random() < CHECK_IN:
                    _check_in(history, person, pain)
                    totals["check_ins"] += 1
            if rng.random() < WALK:
                _walk(history, person, day, now)
                totals["walks"] += 1
        stored, flags = history.session_count(), len(history.flags())
    if stored != count:
        raise SystemExit(f"error: generated {count} sessions but the history holds {stored}")
    left_over = [p.name for p in path.parent.iterdir() if p.name != HISTORY_NAME]
    if left_over:
        raise SystemExit(f"error: generation left {', '.join(left_over)} beside the history")
    return Generated(
        path, count, days[0][0], flags=flags, seconds=time.perf_counter() - started_at, **totals
    )


def session_times(day: date, count: int, now: datetime, rng: random.Random) -> list[datetime]:
    """When a day's sessions start: morning, midday, evening; today's before now."""
    if day == now.date():
        return [max(_midnight(day), now - timedelta(minutes=45))]
    windows = ((7, 90), (12, 90), (18, 180))  # from this hour, within this many minutes
    return [
        _midnight(day) + timedelta(hours=windows[slot][0], minutes=rng.randrange(windows[slot][1]))
        for slot in sorted(rng.sample(range(len(windows)), count))
    ]


def _walk(history: History, person: Person, day: date, now: datetime) -> None:
    """A walk in the day, as ``corecli walk`` records it; longer as the months go by."""
    rng = person.rng
    walked_at = _midnight(day) + timedelta(hours=rng.randint(10, 19), minutes=rng.randrange(60))
    longest = min(45, 20 + (day - person.first).days // 15)
    history.add_walk(min(walked_at, now), rng.randint(10, longest))


def _session(history: History, person: Person, started: datetime, pain: float) -> int:
    """Record one session from start to end; returns its number of exercises."""
    rng = person.rng
    where = standing(history, started.date())
    phase = where[0].phase if where else Phase.acute
    minutes = rng.choice(MINUTES[phase])
    name = rng.choice(OWN_NAMES) if rng.random() < OWN_NAME else default_name(phase, minutes)
    pool = [e for e in person.exercises[phase] if e not in person.flagged]
    chosen = rng.sample(pool, min(rng.randint(*ITEMS), len(pool)))
    planned = [round(minutes * 60 * 0.8 / len(chosen) * rng.uniform(0.8, 1.2)) for _ in chosen]
    ending = _weighted(rng, ENDINGS)
    pain_before = person.score(pain) if rng.random() < PAIN_BEFORE else None
    session_id = history.begin_session(
        started=started,
        routine=name,
        phase=phase,
        condition=PlanCondition.general,
        planned_s=minutes * 60,
        items=[
            ItemRecord(exercise=e, outcome=Outcome.not_reached, planned_s=s, active_s=0.0)
            for e, s in zip(chosen, planned, strict=True)
        ],
        pain_before=pain_before,
        counts=True,
    )
    if ending is None:  # the process died: only the start is recorded
        return len(chosen)
    stop_at = len(chosen) if ending is Ending.finished else rng.randrange(len(chosen))
    items = [
        _item(exercise, planned_s, position, stop_at, rng)
        for position, (exercise, planned_s) in enumerate(zip(chosen, planned, strict=True))
    ]
    for item in items:
        if item.outcome is Outcome.hurt:
            person.flagged.setdefault(
                item.exercise, started.date() + timedelta(days=rng.randint(*FLAGGED_DAYS))
            )
    active_s = sum(item.active_s for item in items)
    paused_s = 0.0 if rng.random() < 0.8 else rng.uniform(5, 120)
    total_s = active_s + paused_s + sum(rng.uniform(5, 12) for _ in items)
    record = SessionRecord(
        routine=name,
        phase=phase,
        condition=PlanCondition.general,
        started=started,
        ended=started + timedelta(seconds=total_s),
        ending=ending,
        planned_s=minutes * 60,
        active_s=active_s,
        paused_s=paused_s,
        total_s=total_s,
        items=items,
    )
    pain_after = None
    if ending in (Ending.finished, Ending.quit) and rng.random() < PAIN_AFTER:
        rise = _weighted(rng, PAIN_RISE) + any(i.outcome is Outcome.hurt for i in items)
        pain_after = min(
            max((pain_before if pain_before is not None else person.score(pain)) + rise, 0), 10
        )
    history.end_session(session_id, record, pain_after=pain_after)
    settle(history, session_id, started.date())
    return len(chosen)


def _item(
    exercise: str, planned_s: int, position: int, stop_at: int, rng: random.Random
) -> ItemRecord:
    """What happened to one exercise; the session ended during the one at ``stop_at``."""
    if position > stop_at:
        outcome, share = Outcome.not_reached, 0.0
    elif position == stop_at:
        outcome, share = Outcome.stopped, rng.uniform(0, 0.9)
    elif (draw := rng.random()) < HURT:
        outcome, share = Outcome.hurt, rng.uniform(0.05, 0.6)
    elif draw < HURT + SKIPPED:
        outcome, share = Outcome.skipped, rng.uniform(0, 0.2)
    else:
        outcome, share = Outcome.done, rng.uniform(0.92, 1.05)
    return ItemRecord(
        exercise=exercise,
        outcome=outcome,
        planned_s=planned_s,
        active_s=round(planned_s * share, 1),
    )


def _check_in(history: History, person: Person, pain: float) -> None:
    """Next-morning pain for the day's last session, as ``corecli checkin`` records it."""
    latest = history.sessions(limit=1)[0]
    before = latest.pain_before if latest.pain_before is not None else person.score(pain)
    next_morning = min(max(before + _weighted(person.rng, NEXT_MORNING), 0), 10)
    check_in(history, latest, next_morning, latest.day + timedelta(days=1))


def _screen_if_due(history: History, person: Person, at: datetime, totals: dict[str, int]) -> None:
    """The safety screen, weekly and again the day after a "yes", as ``corecli run`` asks it."""
    if person.screen_clear and person.last_screen and at - person.last_screen < SCREEN_EVERY:
        return
    answers = {flag.id: False for flag in RED_FLAGS}
    if person.rng.random() < SCREEN_YES:
        answers[person.rng.choice([f.id for f in RED_FLAGS if f.grade is Grade.doctor])] = True
    history.add_screening(at, answers)
    person.last_screen, person.screen_clear = at, not any(answers.values())
    totals["screenings"] += 1


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --- running corecli ---------------------------------------------------------------------------


def check_output(big: Generated, homes: _common.Homes) -> list[str]:
    """Check the big history reads back right; return what was checked, for the report."""
    corecli = _common.corecli_command()
    listed = json.loads(
        _common.run_checked(
            "corecli history --json --limit 5",
            (*corecli, "history", "--json", "--limit", "5"),
            homes.fresh(big.path),
        )
    )
    if not isinstance(listed, list) or len(listed) != 5:
        size = len(listed) if isinstance(listed, list) else "no list"
        raise _common.BenchError(f"`corecli history --json --limit 5` gave {size}, not 5 sessions")
    expected = f"{big.sessions} in all"
    shown = _common.run_checked("corecli stats", (*corecli, "stats"), homes.fresh(big.path))
    if expected not in shown:
        raise _common.BenchError(f"`corecli stats` did not say {expected!r}:\n{shown}")
    return ["`history --json --limit 5` listed 5 sessions", f"`stats` said {expected!r}"]


# --- the report ----------------------------------------------------------------------------


def report(
    times: Mapping[Case, list[float]],
    histories: Sequence[Generated],
    checked: Sequence[str],
    baseline: Case,
    scaling: Sequence[tuple[str, Case, Case]],
    *,
    quick: bool,
) -> None:
    runs = len(next(iter(times.values())))
    print("corecli history and stats with a long history ($CORECLI_HOME/history.sqlite3)")
    print(f"{_common.versions('typer', 'rich')}, SQLite {sqlite3.sqlite_version}")
    runs_text = f"{runs} interleaved run{'s' if runs != 1 else ''}"
    print(f"{runs_text} of each case after one warm-up round; COLUMNS=100")
    print("each run gets a fresh copy of the history in a CORECLI_HOME of its own")
    print(f"output checked: {'; '.join(checked)}\n")

    print("histories (written through corecli's History, synchronous=NORMAL)")
    print(
        f"  {'sessions':>8}  {'from':>10}  {'days':>5}  {'items':>6}  {'check-ins':>9}  "
        f"{'walks':>5}  {'screens':>7}  {'flags':>5}  {'file':>7}  {'generated':>9}"
    )
    for h in histories:
        print(
            f"  {h.sessions:>8,}  {h.first.isoformat():>10}  {h.days:>5,}  {h.items:>6,}  "
            f"{h.check_ins:>9,}  {h.walks:>5,}  {h.screenings:>7,}  {h.flags:>5}  "
            f"{_common.mb(h.path.stat().st_size):>7}  {h.seconds:>7.1f} s"
        )

    base = _common.median(times[baseline])
    width = max(len(case.label) for case in times)
    print(f"\n{'case':<{width}}  {'median':>9}  {'min':>9}  {'max':>9}  {'/ baseline':>10}")
    for case, samples in times.items():
        median = _common.median(samples)
        print(
            f"{case.label:<{width}}  {_common.ms(median)}  {_common.ms(min(samples))}  "
            f"{_common.ms(max(samples))}  {median / base:9.2f}×"
        )

    print("\ncost above the baseline (corecli --version), medians")
    few, many = f"{histories[0].sessions:,}", f"{histories[-1].sessions:,}"
    print(f"  {'command':<9}  {few + ' sessions':>12}  {many:>9}  {f'{many} / {few}':>12}")
    for label, small, big in scaling:
        net_small = _common.median(times[small]) - base
        net_big = _common.median(times[big]) - base
        print(
            f"  {label:<9}  {_common.ms(net_small):>12}  {_common.ms(net_big)}  "
            f"{_common.ratio(net_big, net_small):>12}"
        )

    print(f"\ntargets for {SIZES[-1]:,} sessions (median < {TARGET_SECONDS} s)")
    for label, _, big in scaling:
        median = _common.median(times[big])
        met = _common.verdict(median < TARGET_SECONDS, quick=quick)
        print(f"  corecli {label:<9}  {median:5.2f} s   {met}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _common.parse_args(
        "Time `corecli history` and `corecli stats` with 100 and 10,000 sessions.",
        argv,
        runs=DEFAULT_RUNS,
    )
    _common.compile_corecli()
    with tempfile.TemporaryDirectory(prefix="corecli-bench-") as tmp:
        root = Path(tmp)
        histories = []
        for count in QUICK_SIZES if args.quick else SIZES:
            folder = root / f"history-{count}"
            folder.mkdir()
            histories.append(generate(folder / HISTORY_NAME, count))
        small, big = histories
        homes = _common.Homes(root)
        checked = check_output(big, homes)

        corecli = _common.corecli_command()
        few, many = f"{small.sessions:,} sessions", f"{big.sessions:,} sessions"
        baseline = Case("corecli --version (baseline)", (*corecli, "--version"))
        history_small = Case(f"history, {few}", (*corecli, "history"), small.path)
        history_big = Case(f"history, {many}", (*corecli, "history"), big.path)
        stats_small = Case(f"stats, {few}", (*corecli, "stats"), small.path)
        stats_big = Case(f"stats, {many}", (*corecli, "stats"), big.path)
        csv_big = Case(f"history --csv, {many}", (*corecli, "history", "--csv"), big.path)
        cases = [baseline, history_small, history_big, stats_small, stats_big, csv_big]
        times = _common.round_robin(
            cases,
            args.runs,
            warm_up=lambda case: _common.run_checked(
                case.label, case.argv, homes.fresh(case.history)
            ),
            timed=lambda case: _common.time_once(case.label, case.argv, homes.fresh(case.history)),
        )
        report(
            times,
            histories,
            checked,
            baseline,
            [("history", history_small, history_big), ("stats", stats_small, stats_big)],
            quick=args.quick,
        )
    return 0


if __name__ == "__main__":
    sys.exit(_common.main(main))
