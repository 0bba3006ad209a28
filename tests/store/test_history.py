"""The session log: schema and migrations, damaged files, crashes, concurrency, statistics.

Where it matters what reached the disk, the test looks with a second, independent
sqlite3 connection, so state cached in the History object cannot fool it.
"""

from __future__ import annotations

import contextlib
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from corecli.errors import CorecliError
from corecli.models import ItemRecord, SessionRecord
from corecli.programme import Change, Decision, Flag, Setup, Standing
from corecli.session_log import RETRY_S, SessionLog
from corecli.stats import OutcomeCount, SessionMark
from corecli.store.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    History,
    HistoryProblem,
    _problem,
)
from corecli.store.home import history_path
from corecli.vocab import Ending, Group, Level, Light, Outcome, PainSpan, Phase, PlanCondition

EXERCISES = ("pelvic-tilt", "bird-dog", "dead-bug")
MONDAY = datetime(2024, 3, 4, 7, 30)  # a Monday morning


# --- Helpers ----------------------------------------------------------------------------


@pytest.fixture
def path(isolated: Path) -> Path:
    return history_path(isolated)


@pytest.fixture
def history(path: Path) -> Iterator[History]:
    with History.open(path) as opened:
        yield opened


@contextlib.contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection that knows nothing of corecli."""
    connection = sqlite3.connect(path)
    try:
        yield connection
    finally:
        connection.close()


def item(exercise: str, outcome: Outcome = Outcome.not_reached, active_s: float = 0) -> ItemRecord:
    return ItemRecord(exercise=exercise, outcome=outcome, planned_s=60, active_s=active_s)


def begin(
    history: History,
    started: datetime,
    *,
    exercises: tuple[str, ...] = EXERCISES,
    routine: str = "daily",
    pain_before: int | None = None,
) -> int:
    return history.begin_session(
        started=started,
        routine=routine,
        phase=Phase.recovery,
        condition=PlanCondition.general,
        planned_s=60 * len(exercises),
        items=[item(exercise) for exercise in exercises],
        pain_before=pain_before,
    )


def record(
    started: datetime,
    outcomes: list[Outcome],
    *,
    ended: datetime | None = None,
    ending: Ending = Ending.finished,
) -> SessionRecord:
    items = [
        item(exercise, outcome, 50.0 if outcome is Outcome.done else 0.0)
        for exercise, outcome in zip(EXERCISES, outcomes, strict=True)
    ]
    ended = ended or started + timedelta(minutes=4)
    return SessionRecord(
        routine="daily",
        phase=Phase.recovery,
        condition=PlanCondition.general,
        started=started,
        ended=ended,
        ending=ending,
        planned_s=180,
        active_s=sum(i.active_s for i in items),
        paused_s=15.0,
        total_s=(ended - started).total_seconds(),
        items=items,
    )


def stored_outcomes(path: Path, session_id: int) -> list[str]:
    with raw(path) as connection:
        rows = connection.execute(
            "SELECT outcome FROM items WHERE session_id = ? ORDER BY position", (session_id,)
        )
        return [outcome for (outcome,) in rows]


def version_1_database(path: Path) -> None:
    """A history as the first released schema wrote it: one finished session."""
    with raw(path) as connection:
        for statement in MIGRATIONS[0]:
            connection.execute(statement)
        connection.execute("PRAGMA user_version = 1")
        connection.execute(
            "INSERT INTO sessions (id, started, ended, ending, routine, phase, condition,"
            " planned_s, active_s, paused_s, total_s) VALUES (1, '2023-11-20T08:00:00',"
            " '2023-11-20T08:15:00', 'finished', 'old', 'recovery', 'disc', 900, 600, 30, 900)"
        )
        connection.executemany(
            "INSERT INTO items (session_id, position, exercise, outcome, planned_s, active_s)"
            " VALUES (1, ?, ?, ?, 300, ?)",
            [
                (0, "pelvic-tilt", "done", 280),
                (1, "bird-dog", "skipped", 0),
                (2, "dead-bug", "done", 290),
            ],
        )
        connection.commit()


def real_database(path: Path, sessions: int = 40) -> None:
    """A history with a few pages of sessions in it."""
    with History.open(path) as history:
        for n in range(sessions):
            session_id = begin(history, MONDAY + timedelta(days=n), routine="r" * 400)
            history.end_session(
                session_id, record(MONDAY + timedelta(days=n), [Outcome.done] * 3), pain_after=None
            )


# --- Creating and migrating -------------------------------------------------------------


def test_a_new_history_is_created_at_the_current_version_in_wal_mode(path: Path) -> None:
    assert not path.parent.exists()

    with History.open(path) as history:
        assert history.sessions() == []

    with raw(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {
            name
            for (name,) in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
        }
    assert tables == {
        *("sessions", "items", "screenings", "walks", "flags"),
        *("profile", "decisions", "clearances"),
    }


def test_an_empty_file_is_a_new_history(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.touch()  # what an interrupted first run can leave

    with History.open(path) as history:
        begin(history, MONDAY)
        assert history.session_count() == 1


def test_an_old_history_is_migrated_and_keeps_its_sessions(path: Path) -> None:
    path.parent.mkdir(parents=True)
    version_1_database(path)

    with History.open(path) as history:
        [old] = history.sessions()
        assert old.id == 1
        assert old.started == datetime(2023, 11, 20, 8, 0)
        assert old.ended == datetime(2023, 11, 20, 8, 15)
        assert old.ending is Ending.finished
        assert old.completed
        assert old.condition is PlanCondition.disc
        assert (old.done, old.items) == (2, 3)
        assert (old.pain_before, old.pain_after, old.pain_next_day, old.light) == (
            None,
            None,
            None,
            None,
        )
        # The programme starts where the old history's latest session was, and the
        # old session counts for nothing.
        assert history.decisions() == [
            Decision(
                date(2023, 11, 20),
                Standing(Phase.recovery, Level.beginner, 0, date(2023, 11, 20)),
                Change.start,
                "recovery: carried over from your sessions up to 2023-11-20",
            )
        ]
        assert not old.counts
        assert history.profile() is None
        # The tables and columns the migration added work.
        history.add_walk(datetime(2023, 11, 21, 12, 0), 20)
        history.add_screening(datetime(2023, 11, 21, 12, 5), {"numbness": False})
        history.set_pain_after(1, 3)
        history.set_light(1, Light.green)
        history.save_item(1, 1, item("bird-dog", Outcome.hurt), date(2023, 11, 20))
        assert history.walk_minutes_by_week() == {date(2023, 11, 20): 20}
        assert history.last_screening() is not None
        assert history.flags() == [Flag("bird-dog", date(2023, 11, 20))]
        assert (history.sessions()[0].pain_after, history.sessions()[0].light) == (3, Light.green)

    with raw(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_opening_again_changes_nothing(path: Path) -> None:
    path.parent.mkdir(parents=True)
    version_1_database(path)
    with History.open(path):
        pass
    migrated = path.read_bytes()

    with History.open(path) as history:
        assert [row.id for row in history.sessions()] == [1]

    assert path.read_bytes() == migrated
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_failed_migration_leaves_the_old_schema_whole(path: Path) -> None:
    path.parent.mkdir(parents=True)
    version_1_database(path)
    with raw(path) as connection:
        connection.execute("CREATE TABLE walks (x)")  # makes the last step of migration 2 fail
        connection.commit()

    with pytest.raises(HistoryProblem) as caught:
        History.open(path)

    assert str(path) in str(caught.value)
    with raw(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 1
        columns = [row[1] for row in connection.execute("PRAGMA table_info(sessions)")]
    assert "pain_before" not in columns  # the ALTERs before the failure were rolled back


# --- Files corecli cannot use -----------------------------------------------------------


@pytest.mark.parametrize("create", [True, False], ids=["open", "look"])
def test_a_history_from_a_newer_corecli_is_left_alone(path: Path, create: bool) -> None:
    path.parent.mkdir(parents=True)
    with raw(path) as connection:
        connection.execute("CREATE TABLE future (x)")
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        connection.commit()
    before = path.read_bytes()

    with pytest.raises(HistoryProblem) as caught:
        History.open(path, create=create)

    assert caught.value.damaged
    message = str(caught.value)
    assert str(path) in message
    assert "newer corecli" in message
    assert "Upgrade corecli" in message
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def _random_bytes(tmp_path: Path) -> bytes:
    return random.Random(7).randbytes(8192)


def _text(tmp_path: Path) -> bytes:
    return b"garbage\n"


def _truncated(tmp_path: Path) -> bytes:
    whole = tmp_path / "whole.sqlite3"
    real_database(whole)
    data = whole.read_bytes()
    assert len(data) >= 8 * 4096
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    "contents", [_random_bytes, _text, _truncated], ids=["random-bytes", "text", "truncated"]
)
def test_a_damaged_file_is_reported_and_kept(
    path: Path, tmp_path: Path, contents: Callable[[Path], bytes]
) -> None:
    data = contents(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_bytes(data)

    with pytest.raises(HistoryProblem) as caught:
        History.open(path)

    assert caught.value.damaged
    message = str(caught.value)
    assert str(path) in message
    assert "move it aside" in message
    assert caught.value.__suppress_context__  # raised "from None": no chained traceback
    assert path.read_bytes() == data
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_folder_where_the_file_should_be_is_a_plain_problem(path: Path) -> None:
    path.mkdir(parents=True)

    with pytest.raises(HistoryProblem) as caught:
        History.open(path)

    assert isinstance(caught.value, CorecliError)
    assert not caught.value.damaged
    assert str(path) in str(caught.value)
    assert caught.value.__suppress_context__
    assert path.is_dir()


@pytest.mark.parametrize("create", [True, False], ids=["open", "look"])
def test_a_foreign_sqlite_file_is_reported_as_damaged_and_kept(path: Path, create: bool) -> None:
    path.parent.mkdir(parents=True)
    with raw(path) as connection:
        connection.execute("CREATE TABLE sessions (name TEXT)")  # some other program's file
        connection.commit()
    before = path.read_bytes()

    with pytest.raises(HistoryProblem) as caught:
        History.open(path, create=create)

    assert caught.value.damaged
    message = str(caught.value)
    assert str(path) in message
    assert "not a corecli history" in message
    assert "move it aside" in message
    assert path.read_bytes() == before  # not even switched to WAL
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_history_migrated_by_another_process_meanwhile_is_not_foreign(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_connect = sqlite3.connect
    raced: list[bool] = []
    version_read: list[bool] = []

    class Racing(sqlite3.Connection):
        """Lets "another process" create the history just after open() has read the version."""

        def execute(self, sql: str, *args: Any) -> sqlite3.Cursor:
            if version_read and not raced:
                raced.append(True)
                History.open(path).close()
            if "user_version" in sql and not raced:
                version_read.append(True)
            return super().execute(sql, *args)

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = real_connect(*args, factory=Racing, **kwargs)
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect)

    with History.open(path) as history:
        assert raced == [True]
        assert history.session_count() == 0


@pytest.mark.parametrize(
    ("name", "damaged", "words"),
    [("SQLITE_CORRUPT_INDEX", True, "move it aside"), ("SQLITE_BUSY_RECOVERY", False, "locked")],
)
def test_extended_result_codes_are_classified_like_their_primary_code(
    path: Path, name: str, damaged: bool, words: str
) -> None:
    error = sqlite3.DatabaseError("database disk image is malformed")
    error.sqlite_errorname = name

    problem = _problem(path, error)

    assert problem.damaged is damaged
    assert words in str(problem)


# --- A session's life -------------------------------------------------------------------


def test_begin_session_records_every_exercise_as_not_reached(path: Path, history: History) -> None:
    session_id = begin(history, MONDAY, pain_before=4)

    assert stored_outcomes(path, session_id) == ["not-reached"] * 3
    [row] = history.sessions()
    assert row.id == session_id
    assert row.started == MONDAY
    assert (row.ended, row.ending, row.completed) == (None, None, False)
    assert (row.done, row.items, row.planned_s) == (0, 3, 180)
    assert row.pain_before == 4


def test_save_item_is_committed_at_once(path: Path, history: History) -> None:
    session_id = begin(history, MONDAY)

    history.save_item(session_id, 1, item("bird-dog", Outcome.done, 42.5), MONDAY.date())

    # Visible to another connection while this History is still open.
    assert stored_outcomes(path, session_id) == ["not-reached", "done", "not-reached"]
    with raw(path) as connection:
        assert connection.execute(
            "SELECT active_s FROM items WHERE session_id = ? AND position = 1", (session_id,)
        ).fetchone() == (42.5,)
    assert history.flags() == []


def test_an_exercise_that_hurt_is_flagged_from_its_first_day(history: History) -> None:
    first = begin(history, MONDAY)
    history.save_item(first, 2, item("dead-bug", Outcome.hurt), MONDAY.date())
    assert history.flags() == [Flag("dead-bug", MONDAY.date())]

    later = begin(history, MONDAY + timedelta(days=2))
    history.save_item(later, 2, item("dead-bug", Outcome.hurt), date(2024, 3, 6))

    assert history.flags() == [Flag("dead-bug", MONDAY.date())]
    assert history.unflag("dead-bug") is True
    assert history.unflag("dead-bug") is False
    assert history.flags() == []


def test_end_session_records_the_ending_and_every_exercise(path: Path, history: History) -> None:
    started = datetime(2024, 3, 4, 23, 50)
    session_id = begin(history, started, pain_before=5)
    history.save_item(session_id, 0, item("pelvic-tilt", Outcome.done, 50), started.date())
    finished = record(
        started,
        [Outcome.done, Outcome.hurt, Outcome.stopped],
        ended=datetime(2024, 3, 5, 0, 20),
        ending=Ending.quit,
    )

    history.end_session(session_id, finished, pain_after=3)

    assert stored_outcomes(path, session_id) == ["done", "hurt", "stopped"]
    [row] = history.sessions()
    assert row.ended == datetime(2024, 3, 5, 0, 20)
    assert row.ending is Ending.quit
    assert not row.completed
    assert (row.active_s, row.total_s) == (50.0, 1800.0)
    assert (row.done, row.items) == (1, 3)
    assert (row.pain_before, row.pain_after, row.pain_next_day) == (5, 3, None)
    assert (row.light, row.hurt) == (None, 1)  # the light is set by settling the session
    assert history.flags() == [Flag("bird-dog", date(2024, 3, 4))]  # the day it started
    with raw(path) as connection:
        assert connection.execute(
            "SELECT paused_s FROM sessions WHERE id = ?", (session_id,)
        ).fetchone() == (15.0,)


def test_sessions_are_listed_newest_first_and_filtered(history: History) -> None:
    starts = [
        datetime(2024, 1, 3, 7, 0),
        datetime(2024, 1, 1, 9, 0),
        datetime(2024, 1, 3, 18, 0),
        datetime(2024, 1, 2, 12, 0),
        datetime(2024, 1, 3, 18, 0),  # the same second as the one before: later id first
    ]
    ids = {}
    for n, started in enumerate(starts):
        ids[n] = begin(history, started)
    history.end_session(
        ids[3], record(starts[3], [Outcome.done, Outcome.done, Outcome.skipped]), pain_after=None
    )

    listed = history.sessions()
    assert [row.id for row in listed] == [ids[4], ids[2], ids[0], ids[3], ids[1]]
    assert [(row.done, row.items) for row in listed] == [(0, 3), (0, 3), (0, 3), (2, 3), (0, 3)]
    assert [row.id for row in history.sessions(since=date(2024, 1, 2))] == [
        ids[4],
        ids[2],
        ids[0],
        ids[3],
    ]
    assert [row.id for row in history.sessions(since=date(2024, 1, 3))] == [ids[4], ids[2], ids[0]]
    assert [row.id for row in history.sessions(limit=2)] == [ids[4], ids[2]]
    assert [row.id for row in history.sessions(since=date(2024, 1, 2), limit=10)][-1] == ids[3]
    assert history.sessions(since=date(2024, 1, 4)) == []
    assert history.session_count() == 5


def test_set_pain_after(history: History) -> None:
    session_id = begin(history, MONDAY)
    history.end_session(session_id, record(MONDAY, [Outcome.done] * 3), pain_after=None)

    history.set_pain_after(session_id, 6)
    history.set_light(session_id, Light.red)

    [row] = history.sessions()
    assert (row.pain_after, row.light) == (6, Light.red)


# --- The log a running session writes through ------------------------------------------


def test_a_session_log_records_a_whole_session(path: Path, history: History) -> None:
    log = SessionLog(history)
    assert not log.saved

    log.begin(record(MONDAY, [Outcome.not_reached] * 3), pain_before=4, counts=False)
    log.item(0, item("pelvic-tilt", Outcome.done, 50))
    log.item(1, item("bird-dog", Outcome.hurt))
    log.flush()  # written as the session goes, off the timer's loop
    assert stored_outcomes(path, log.session_id or 0) == ["done", "hurt", "not-reached"]
    log.end(record(MONDAY, [Outcome.done, Outcome.hurt, Outcome.done]), pain_after=3)
    log.after(2, None)
    settled = log.settle()
    assert settled is not None and settled.decision is None  # it does not count

    assert log.saved
    assert log.problem is None
    [row] = history.sessions()
    assert (row.id, row.done, row.items, row.ending) == (log.session_id, 2, 3, Ending.finished)
    # down 2, but one exercise hurt: amber
    assert (row.pain_before, row.pain_after, row.light) == (4, 2, Light.amber)
    assert history.flags() == [Flag("bird-dog", MONDAY.date())]


def test_a_session_log_without_a_history_only_says_why(history: History) -> None:
    log = SessionLog(None, "the history folder is read-only")

    log.begin(record(MONDAY, [Outcome.not_reached] * 3), pain_before=None, counts=False)
    log.item(0, item("pelvic-tilt", Outcome.done, 50))
    log.end(record(MONDAY, [Outcome.done] * 3), pain_after=None)

    assert not log.saved
    assert log.problem == "the history folder is read-only"
    assert history.session_count() == 0


def test_a_lock_held_for_a_while_freezes_nothing_and_loses_nothing(
    path: Path, history: History
) -> None:
    log = SessionLog(history)
    log.begin(record(MONDAY, [Outcome.not_reached] * 3), pain_before=None, counts=False)
    holder = History.open(path)
    history._db.execute("PRAGMA busy_timeout = 20")  # each try gives up quickly
    try:
        holder._db.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        started = time.monotonic()
        log.item(0, item("pelvic-tilt", Outcome.done, 50))  # queued: returns at once
        log.item(1, item("bird-dog", Outcome.done, 50))
        assert time.monotonic() - started < 0.5
        time.sleep(3 * RETRY_S)  # tried, refused, tried again …
        assert stored_outcomes(path, log.session_id or 0) == ["not-reached"] * 3
        holder._db.execute("ROLLBACK")  # … until the lock goes
    finally:
        holder.close()
    log.end(record(MONDAY, [Outcome.done, Outcome.done, Outcome.skipped]), pain_after=None)
    assert log.problem is None
    assert stored_outcomes(path, log.session_id or 0) == ["done", "done", "skipped"]
    assert history.sessions()[0].ending is Ending.finished


def test_a_lock_still_held_when_the_session_ends_is_reported_once(
    path: Path, history: History
) -> None:
    log = SessionLog(history)
    log.begin(record(MONDAY, [Outcome.not_reached] * 3), pain_before=None, counts=False)
    holder = History.open(path)
    history._db.execute("PRAGMA busy_timeout = 20")
    try:
        holder._db.execute("BEGIN IMMEDIATE")
        log.item(0, item("pelvic-tilt", Outcome.done, 50))
        log.end(record(MONDAY, [Outcome.done] * 3), pain_after=None)  # last tries: refused
        assert log.problem is not None
        assert "locked by another program" in log.problem
        assert not log.saved
    finally:
        holder._db.execute("ROLLBACK")
        holder.close()
    assert stored_outcomes(path, log.session_id or 0) == ["not-reached"] * 3
    assert history.sessions()[0].ending is None


# --- Crashes ----------------------------------------------------------------------------


def test_a_session_that_never_ended_keeps_what_was_saved(path: Path) -> None:
    history = History.open(path)
    session_id = begin(history, MONDAY)
    history.save_item(session_id, 0, item("pelvic-tilt", Outcome.done, 50), MONDAY.date())
    history.close()  # no end_session: the process went away

    with History.open(path) as reopened:
        [row] = reopened.sessions()
    assert (row.id, row.ended, row.ending) == (session_id, None, None)
    assert (row.done, row.items) == (1, 3)
    assert stored_outcomes(path, session_id) == ["done", "not-reached", "not-reached"]


CRASH = """
import os, signal, sys
from datetime import date, datetime
from pathlib import Path
from corecli.store.history import History
from corecli.models import ItemRecord
from corecli.vocab import Outcome, Phase, PlanCondition

history = History.open(Path(sys.argv[1]))
items = [ItemRecord(exercise=e, outcome=Outcome.not_reached, planned_s=60, active_s=0)
         for e in ("pelvic-tilt", "bird-dog", "dead-bug")]
session_id = history.begin_session(
    started=datetime(2024, 3, 4, 7, 30), routine="daily", phase=Phase.recovery,
    condition=PlanCondition.general, planned_s=180, items=items, pain_before=None)
history.save_item(session_id, 0, items[0].model_copy(update={"outcome": Outcome.done}),
                  date(2024, 3, 4))
os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_killed_process_loses_nothing_it_saved(path: Path) -> None:
    killed = subprocess.run(
        [sys.executable, "-c", CRASH, str(path)], capture_output=True, timeout=30
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    with History.open(path) as history:
        [row] = history.sessions()
    assert (row.ended, row.ending, row.done, row.items) == (None, None, 1, 3)
    assert stored_outcomes(path, row.id) == ["done", "not-reached", "not-reached"]


# --- Two writers at once ----------------------------------------------------------------


def write_sessions(history: History, first_day: datetime, count: int) -> None:
    for n in range(count):
        started = first_day + timedelta(hours=n)
        session_id = begin(history, started)
        history.save_item(session_id, 0, item("pelvic-tilt", Outcome.done, 50), started.date())
        history.end_session(session_id, record(started, [Outcome.done] * 3), pain_after=2)


def test_two_histories_on_one_file_interleave(path: Path) -> None:
    with History.open(path) as one, History.open(path) as two:
        first = begin(one, MONDAY)
        second = begin(two, MONDAY + timedelta(minutes=1))
        one.save_item(first, 0, item("pelvic-tilt", Outcome.done, 50), MONDAY.date())
        two.end_session(second, record(MONDAY, [Outcome.done] * 3), pain_after=None)
        one.end_session(first, record(MONDAY, [Outcome.skipped] * 3), pain_after=None)

        assert [(row.id, row.done) for row in two.sessions()] == [(second, 3), (first, 0)]


def test_a_reader_is_not_blocked_and_a_blocked_writer_is_told_why(path: Path) -> None:
    with History.open(path) as holder, History.open(path) as other:
        begin(holder, MONDAY)
        holder._db.execute("BEGIN IMMEDIATE")
        holder._db.execute("DELETE FROM sessions")  # not committed
        other._db.execute("PRAGMA busy_timeout = 50")  # fail fast instead of in 10 s

        assert other.session_count() == 1  # WAL: readers see the last commit
        with pytest.raises(HistoryProblem) as caught:
            other.add_walk(MONDAY, 10)
        assert not caught.value.damaged
        assert "locked by another program" in str(caught.value)
        assert str(path) in str(caught.value)

        holder._db.execute("ROLLBACK")
        other.add_walk(MONDAY, 10)
        assert other.walk_minutes_by_week() == {MONDAY.date(): 10}


def test_two_threads_write_at_once(path: Path) -> None:
    History.open(path).close()  # creating the file at once is the next test's business
    failures: list[BaseException] = []

    def work(first_day: datetime) -> None:
        try:
            with History.open(path) as history:
                write_sessions(history, first_day, 50)
        except BaseException as error:  # reported below, not lost in the thread
            failures.append(error)

    threads = [
        threading.Thread(target=work, args=(MONDAY + timedelta(days=10 * n),)) for n in range(2)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert failures == []
    with History.open(path) as history:
        assert history.session_count() == 100
        assert all(
            (row.done, row.items, row.ending) == (3, 3, Ending.finished)
            for row in history.sessions()
        )


WRITER = """
import sys
from datetime import datetime, timedelta
from pathlib import Path
from corecli.store.history import History
from corecli.models import ItemRecord, SessionRecord
from corecli.vocab import Ending, Outcome, Phase, PlanCondition

path, worker, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
exercises = ("pelvic-tilt", "bird-dog", "dead-bug")
print("ready", flush=True)
sys.stdin.readline()  # start together
with History.open(path) as history:
    for n in range(count):
        started = datetime(2024, 3, 4) + timedelta(days=100 * worker, hours=n)
        planned = [ItemRecord(exercise=e, outcome=Outcome.not_reached, planned_s=60, active_s=0)
                   for e in exercises]
        session_id = history.begin_session(
            started=started, routine=f"worker-{worker}", phase=Phase.recovery,
            condition=PlanCondition.general, planned_s=180, items=planned, pain_before=None)
        done = [i.model_copy(update={"outcome": Outcome.done, "active_s": 50.0}) for i in planned]
        history.save_item(session_id, 0, done[0], started.date())
        history.end_session(session_id, SessionRecord(
            routine=f"worker-{worker}", phase=Phase.recovery, condition=PlanCondition.general,
            started=started, ended=started + timedelta(minutes=4), ending=Ending.finished,
            planned_s=180, active_s=150.0, paused_s=0.0, total_s=240.0, items=done),
            pain_after=None)
print("done", flush=True)
"""


@pytest.mark.slow
def test_two_processes_write_at_once(path: Path) -> None:
    History.open(path).close()  # see the tests below for two first runs at once
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(worker), "50"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for worker in range(2)
    ]
    try:
        for writer in writers:
            assert writer.stdout is not None
            assert writer.stdout.readline() == "ready\n"
        for writer in writers:
            assert writer.stdin is not None
            writer.stdin.write("go\n")
            writer.stdin.flush()
        results = [writer.communicate(timeout=30) for writer in writers]
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
                writer.wait()

    for writer, (out, err) in zip(writers, results, strict=True):
        assert (writer.returncode, out, err) == (0, "done\n", "")
    with History.open(path) as history:
        rows = history.sessions()
    assert len(rows) == 100
    assert sorted({row.routine for row in rows}) == ["worker-0", "worker-1"]
    assert all((row.done, row.items, row.ending) == (3, 3, Ending.finished) for row in rows)


def test_opening_a_new_file_waits_for_another_writer(path: Path) -> None:
    path.parent.mkdir(parents=True)
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # e.g. another corecli creating the history just now
    release = threading.Timer(0.1, other.execute, ("COMMIT",))
    release.start()
    try:
        with History.open(path) as history:
            assert history.session_count() == 0
    finally:
        release.join()
        other.close()


# --- A full disk ------------------------------------------------------------------------


def test_a_full_disk_is_reported_and_earlier_sessions_are_kept(path: Path) -> None:
    with History.open(path) as history:
        write_sessions(history, MONDAY, 3)
        history.add_walk(MONDAY, 25)
        page_count = history._db.execute("PRAGMA page_count").fetchone()[0]
        history._db.execute(f"PRAGMA max_page_count = {page_count}")

        written = 0
        with pytest.raises(HistoryProblem) as caught:
            for n in range(500):
                begin(history, MONDAY + timedelta(days=1, minutes=n), routine="x" * 1000)
                written += 1

        assert "disk is full" in str(caught.value)
        assert str(path) in str(caught.value)
        assert not caught.value.damaged
        # The session that did not fit was rolled back whole: no session without its items.
        assert history.session_count() == 3 + written
        assert all(row.items == 3 for row in history.sessions())

    with History.open(path) as reopened:  # the limit belonged to that connection only
        assert reopened.session_count() == 3 + written
        assert [row.done for row in reopened.sessions(limit=3 + written)][-3:] == [3, 3, 3]
        assert reopened.walk_minutes_by_week() == {MONDAY.date(): 25}
        reopened.add_walk(MONDAY, 5)


# --- Statistics -------------------------------------------------------------------------


def test_walk_minutes_are_added_up_by_monday(history: History) -> None:
    for at, minutes in [
        (datetime(2024, 12, 30, 8, 0), 10),  # Monday
        (datetime(2024, 12, 30, 18, 0), 5),
        (datetime(2025, 1, 5, 23, 59), 20),  # Sunday of the same week, in the new year
        (datetime(2025, 1, 6, 0, 0), 30),  # the next Monday
        (datetime(2025, 1, 8, 12, 0), 15),
    ]:
        history.add_walk(at, minutes)

    assert history.walk_minutes_by_week() == {date(2024, 12, 30): 35, date(2025, 1, 6): 45}


def test_session_marks_are_every_session_oldest_first(history: History) -> None:
    for started, pain in [
        (datetime(2024, 3, 6, 18, 0), 2),
        (datetime(2024, 3, 4, 7, 0), None),
        (datetime(2024, 3, 6, 7, 0), 5),
        (datetime(2024, 2, 29, 21, 0), 1),
    ]:
        session_id = begin(history, started)
        history.set_pain_after(session_id, pain)

    assert history.session_marks() == [
        SessionMark(date(2024, 2, 29), 1),
        SessionMark(date(2024, 3, 4), None),
        SessionMark(date(2024, 3, 6), 5),
        SessionMark(date(2024, 3, 6), 2),
    ]


def test_outcome_counts_count_skips_and_hurts_over_every_session(history: History) -> None:
    outcomes = [
        [Outcome.skipped, Outcome.skipped, Outcome.done],
        [Outcome.skipped, Outcome.skipped, Outcome.skipped],
        [Outcome.done, Outcome.skipped, Outcome.skipped],
        [Outcome.skipped, Outcome.done, Outcome.hurt],
    ]
    for n, session in enumerate(outcomes):
        started = MONDAY + timedelta(days=n)
        history.end_session(begin(history, started), record(started, session), pain_after=None)

    assert sorted(history.outcome_counts()) == [
        OutcomeCount("bird-dog", Outcome.skipped, 3),
        OutcomeCount("dead-bug", Outcome.hurt, 1),
        OutcomeCount("dead-bug", Outcome.skipped, 2),
        OutcomeCount("pelvic-tilt", Outcome.skipped, 3),
    ]


def test_the_programme_keeps_its_setup_and_an_append_only_log(history: History) -> None:
    assert history.profile() is None
    assert history.decisions() == []
    setup = Setup(PainSpan.chronic, 5, frozenset({Group.pregnancy}))
    history.set_profile(setup, datetime(2024, 3, 4, 8, 0))
    assert history.profile() == setup
    first = Decision(
        date(2024, 3, 4),
        Standing(Phase.recovery, Level.beginner, 0, date(2024, 3, 4)),
        Change.start,
        "recovery, beginner level, base dose: set up",
    )
    session_id = begin(history, MONDAY)
    second = Decision(
        date(2024, 3, 6),
        Standing(Phase.recovery, Level.beginner, 1, date(2024, 3, 4), 1),
        Change.up,
        "up one step",
        session_id,
        Light.green,
    )
    history.add_decision(first)
    history.add_decision(second)
    assert history.decisions() == [second, first]  # newest first
    assert history.decisions(judged=True) == [second]
    assert history.decisions_of(session_id) == [second]
    history.set_profile(setup._replace(usual_pain=3), datetime(2024, 3, 8, 8, 0))
    assert history.profile() == setup._replace(usual_pain=3)  # one profile, replaced


def test_check_in_records_the_morning_and_a_skip(history: History) -> None:
    earlier = begin(history, MONDAY)
    latest = begin(history, MONDAY + timedelta(days=1))

    history.check_in(latest, 4, date(2024, 3, 6))
    history.check_in(earlier, None, date(2024, 3, 5))  # asked, and skipped

    rows = {row.id: row for row in history.sessions()}
    assert (rows[latest].pain_next_day, rows[latest].next_day_on) == (4, date(2024, 3, 6))
    assert (rows[earlier].pain_next_day, rows[earlier].next_day_on) == (None, date(2024, 3, 5))


def test_last_screening_is_the_newest(history: History) -> None:
    assert history.last_screening() is None

    history.add_screening(datetime(2024, 3, 6, 8, 0), {"numbness": False, "fever": True})
    history.add_screening(datetime(2024, 3, 4, 8, 0), {"numbness": False, "fever": False})

    newest = history.last_screening()
    assert newest is not None
    assert newest.at == datetime(2024, 3, 6, 8, 0)
    assert newest.answers == {"numbness": False, "fever": True}
    assert not newest.clear

    history.add_screening(datetime(2024, 3, 7, 8, 0), {"numbness": False, "fever": False})
    cleared = history.last_screening()
    assert cleared is not None
    assert cleared.clear


# --- Reading only -----------------------------------------------------------------------


def test_reading_a_missing_history_creates_nothing(path: Path, isolated: Path) -> None:
    with History.open(path, create=False) as history:
        assert history.sessions() == []
        assert history.session_count() == 0
        assert history.flags() == []
        assert history.last_screening() is None
        assert history.walk_minutes_by_week() == {}

    assert not path.exists()
    assert not isolated.exists()


def test_reading_an_existing_history(path: Path) -> None:
    real_database(path, sessions=2)

    with History.open(path, create=False) as history:
        assert [row.started for row in history.sessions()] == [
            MONDAY + timedelta(days=1),
            MONDAY,
        ]


# --- Looking without writing ------------------------------------------------------------------


def test_looking_opens_read_only_and_reads_what_is_there(path: Path) -> None:
    History.open(path).close()
    before = path.read_bytes()
    with History.open(path, looking=True) as looking:
        assert looking.flags() == []
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            looking._db.execute("CREATE TABLE spare (x INTEGER)")
    assert path.read_bytes() == before


def test_looking_at_an_older_history_migrates_it_first(path: Path) -> None:
    path.parent.mkdir(parents=True)
    with raw(path) as db:
        for statement in MIGRATIONS[0]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
    with History.open(path, looking=True) as opened:
        assert opened._version() == SCHEMA_VERSION


@pytest.mark.parametrize(
    ("error", "full", "writable", "said"),
    [
        (sqlite3.OperationalError("database or disk is full"), True, True, "the disk is full"),
        (OSError(28, "No space left on device"), False, True, "the disk is full"),
        (
            sqlite3.OperationalError("attempt to write a readonly database"),
            False,
            False,
            "the corecli folder is read-only",
        ),
        (
            sqlite3.OperationalError("unable to open database file"),
            False,
            False,
            "the corecli folder is read-only",
        ),
    ],
)
def test_writes_that_cannot_happen_say_why_precisely(
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
    full: bool,
    writable: bool,
    said: str,
) -> None:
    from corecli.store import history as module

    monkeypatch.setattr(module, "_full", lambda _: full)
    monkeypatch.setattr(module, "_writable", lambda _: writable)
    assert str(_problem(path, error)) == f"{path} cannot be written: {said}"
