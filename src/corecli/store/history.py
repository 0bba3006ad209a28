"""The session log: SQLite at ``$CORECLI_HOME/history.sqlite3``.

A session row is written when ``corecli run`` starts, with one row per planned
exercise, and each exercise's row is committed as it ends, so a crash or a kill
loses at most the exercise in progress. WAL mode and a busy timeout let two
sessions write at once. The schema is versioned with ``PRAGMA user_version``
and migrated forward when the file is opened; corecli never deletes the file.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from corecli.errors import CorecliError, visible
from corecli.programme import Flag, PastSession, Progress, week_start
from corecli.safety import Screening
from corecli.stats import OutcomeCount, SessionMark
from corecli.vocab import Ending, Light, Outcome, Phase, PlanCondition

if TYPE_CHECKING:  # the models need pydantic, which reading the history does not
    from corecli.models import ItemRecord, SessionRecord

BUSY_TIMEOUT_MS = 10_000

# MIGRATIONS[n] brings a database from user_version n to n + 1.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1: sessions as the timer records them.
    (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            started TEXT NOT NULL,  -- local time, ISO 8601
            ended TEXT,             -- NULL: running, or the process died
            ending TEXT,
            routine TEXT NOT NULL,
            phase TEXT NOT NULL,
            condition TEXT NOT NULL,
            planned_s INTEGER NOT NULL,
            active_s REAL NOT NULL DEFAULT 0,
            paused_s REAL NOT NULL DEFAULT 0,
            total_s REAL NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX sessions_by_start ON sessions (started)",
        """CREATE TABLE items (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            exercise TEXT NOT NULL,
            outcome TEXT NOT NULL,
            planned_s INTEGER NOT NULL,
            active_s REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (session_id, position)
        ) WITHOUT ROWID""",
    ),
    # 2: pain check-ins and their light, the safety screen, walks, "this hurts" flags.
    (
        "ALTER TABLE sessions ADD COLUMN pain_before INTEGER",
        "ALTER TABLE sessions ADD COLUMN pain_after INTEGER",
        "ALTER TABLE sessions ADD COLUMN pain_next_day INTEGER",
        "ALTER TABLE sessions ADD COLUMN light TEXT",
        """CREATE TABLE screenings (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            answers TEXT NOT NULL,  -- JSON: question id -> true for "yes"
            clear INTEGER NOT NULL  -- 1: every answer was "no"
        )""",
        "CREATE TABLE walks (id INTEGER PRIMARY KEY, at TEXT NOT NULL, minutes INTEGER NOT NULL)",
        "CREATE INDEX walks_by_time ON walks (at)",
        """CREATE TABLE flags (
            exercise TEXT PRIMARY KEY,
            since TEXT NOT NULL,
            session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryProblem(CorecliError):
    """The history file cannot be opened, read or written (exit 1).

    ``damaged``: the file is not one this corecli can use (corrupt, or from a newer
    version), as opposed to a disk or folder that cannot be written just now.
    """

    def __init__(self, message: str, *, damaged: bool = False) -> None:
        super().__init__(message)
        self.damaged = damaged


class SessionRow(NamedTuple):
    """One session as ``corecli history`` lists it."""

    id: int
    started: datetime
    ended: datetime | None
    ending: Ending | None  # None: no end was recorded (the process died, or it is running)
    routine: str
    phase: Phase
    condition: PlanCondition
    planned_s: int
    active_s: float
    total_s: float
    done: int
    items: int
    pain_before: int | None
    pain_after: int | None
    pain_next_day: int | None
    light: Light | None

    @property
    def completed(self) -> bool:
        return self.ending is Ending.finished


class SessionLog:
    """The history as a session sees it: what the plan and the screen read before it
    starts, and the writes as it goes, which never stop the session.

    If the history cannot be written (a read-only folder, a full disk), the
    session goes on and ``problem`` says why it was not saved.
    """

    def __init__(self, history: History | None, problem: str | None = None) -> None:
        self._history = history
        self.problem = problem if history is None else None
        self.session_id: int | None = None
        self._day: date | None = None  # the session's date, for flags

    @property
    def saved(self) -> bool:
        return self._history is not None and self.session_id is not None

    def progress(self) -> Progress:
        """What the next plan depends on (nothing without a history)."""
        return Progress() if self._history is None else self._history.progress()

    def flags(self) -> list[Flag]:
        """The exercises marked as hurting so far (none without a history)."""
        return [] if self._history is None else self._history.flags()

    def last_screening(self) -> Screening | None:
        return None if self._history is None else self._history.last_screening()

    def add_screening(self, at: datetime, answers: dict[str, bool]) -> None:
        """Keep the answers; if they cannot be kept, the screen is simply asked again."""
        if self._history is not None:
            with contextlib.suppress(HistoryProblem):
                self._history.add_screening(at, answers)

    def begin(self, record: SessionRecord, pain_before: int | None) -> None:
        """Record the session as started; ``record`` lists its items, none reached yet."""
        self._day = record.started.date()
        if self._history is None:
            return
        try:
            self.session_id = self._history.begin_session(
                started=record.started,
                routine=record.routine,
                phase=record.phase,
                condition=record.condition,
                planned_s=record.planned_s,
                items=record.items,
                pain_before=pain_before,
            )
        except HistoryProblem as problem:
            self._give_up(problem)

    def item(self, position: int, item: ItemRecord) -> None:
        session_id, day = self.session_id, self._day
        if session_id is not None and day is not None:
            self._try(lambda history: history.save_item(session_id, position, item, day))

    def end(self, record: SessionRecord, pain_after: int | None, light: Light | None) -> None:
        if self.session_id is not None:
            session_id = self.session_id
            self._try(
                lambda history: history.end_session(
                    session_id, record, pain_after=pain_after, light=light
                )
            )

    def pain_after(self, pain_after: int | None, light: Light | None) -> None:
        if self.session_id is not None:
            session_id = self.session_id
            self._try(lambda history: history.set_pain_after(session_id, pain_after, light))

    def _try(self, write: Callable[[History], object]) -> None:
        if self._history is None:
            return
        try:
            write(self._history)
        except HistoryProblem as problem:
            self._give_up(problem)

    def _give_up(self, problem: HistoryProblem) -> None:
        """Stop writing: the rest of the session runs unsaved, and says why."""
        self.problem = str(problem)
        self._history = None


class History:
    """An open history database. Use :meth:`open` as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> History:
        """Open (and create or migrate) the history; raise HistoryProblem if it can't be.

        ``create=False``: a missing file gives an empty history in memory, and no
        file or folder is made (for commands that only look).
        """
        if not create and not path.exists():
            connection = sqlite3.connect(":memory:", isolation_level=None)
            history = cls(connection, path)
            history._migrate()
            return history
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except (OSError, sqlite3.Error) as error:
            raise _problem(path, error) from None
        history = cls(connection, path)
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
            # One statement, one snapshot: another process may be creating the file now.
            version, tables = connection.execute(
                "SELECT (SELECT user_version FROM pragma_user_version),"
                " (SELECT count(*) FROM sqlite_master)"
            ).fetchone()
            if version > SCHEMA_VERSION:
                raise HistoryProblem(
                    f"{visible(str(path))} was written by a newer corecli (history format"
                    f" {version}; this one reads up to {SCHEMA_VERSION}). Upgrade corecli;"
                    " the file has not been changed.",
                    damaged=True,
                )
            if version == 0 and tables:
                raise HistoryProblem(
                    f"{visible(str(path))} is an SQLite database, but not a corecli history."
                    " corecli has left it as it is: move it aside or set CORECLI_HOME to"
                    " another folder",
                    damaged=True,
                )
            history._use_wal()
            history._migrate()
        except sqlite3.Error as error:
            connection.close()
            raise _problem(path, error) from None
        except BaseException:
            connection.close()
            raise
        return history

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- Schema ---------------------------------------------------------------------------

    def _version(self) -> int:
        row = self._db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _use_wal(self) -> None:
        """Switch to WAL once; the busy timeout does not cover this, so wait by hand."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as error:
                busy = str(getattr(error, "sqlite_errorname", "")).startswith("SQLITE_BUSY")
                if not busy or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _migrate(self) -> None:
        if self._version() >= SCHEMA_VERSION:
            return
        with self._writing():
            # Checked again inside the lock: another process may have migrated meanwhile.
            for version in range(self._version(), SCHEMA_VERSION):
                for statement in MIGRATIONS[version]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One write transaction, taking the write lock at once (no upgrade deadlocks)."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _problem(self.path, error) from None
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise _problem(self.path, error) from None

    def _write(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        with self._writing():
            return self._execute(sql, parameters)

    def _execute(self, sql: str, parameters: Sequence[object] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, parameters)
        except sqlite3.Error as error:
            raise _problem(self.path, error) from None

    # --- Sessions -------------------------------------------------------------------------

    def begin_session(
        self,
        *,
        started: datetime,
        routine: str,
        phase: Phase,
        condition: PlanCondition,
        planned_s: int,
        items: Sequence[ItemRecord],
        pain_before: int | None,
    ) -> int:
        """Record a session as started, with its exercises not reached yet; returns its id."""
        with self._writing():
            cursor = self._execute(
                "INSERT INTO sessions (started, routine, phase, condition, planned_s, pain_before)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (_stamp(started), routine, phase.value, condition.value, planned_s, pain_before),
            )
            session_id = int(cursor.lastrowid or 0)
            for position, item in enumerate(items):
                self._execute(
                    "INSERT INTO items (session_id, position, exercise, outcome, planned_s,"
                    " active_s) VALUES (?, ?, ?, ?, ?, ?)",
                    (session_id, position, item.exercise, item.outcome.value, item.planned_s, 0.0),
                )
        return session_id

    def save_item(self, session_id: int, position: int, item: ItemRecord, day: date) -> None:
        """Commit what happened to one exercise of a running session (``day``: its date)."""
        with self._writing():
            self._save_item(session_id, position, item, day)

    def end_session(
        self,
        session_id: int,
        record: SessionRecord,
        *,
        pain_after: int | None,
        light: Light | None,
    ) -> None:
        """Record how a session ended and every exercise's outcome."""
        with self._writing():
            self._execute(
                "UPDATE sessions SET ended = ?, ending = ?, active_s = ?, paused_s = ?,"
                " total_s = ?, pain_after = ?, light = ? WHERE id = ?",
                (
                    _stamp(record.ended),
                    record.ending.value,
                    record.active_s,
                    record.paused_s,
                    record.total_s,
                    pain_after,
                    light.value if light else None,
                    session_id,
                ),
            )
            for position, item in enumerate(record.items):
                self._save_item(session_id, position, item, record.started.date())

    def _save_item(self, session_id: int, position: int, item: ItemRecord, day: date) -> None:
        """Update an item; "this hurts" also flags the exercise for later plans."""
        self._execute(
            "UPDATE items SET outcome = ?, active_s = ? WHERE session_id = ? AND position = ?",
            (item.outcome.value, item.active_s, session_id, position),
        )
        if item.outcome is Outcome.hurt:
            self._execute(
                "INSERT OR IGNORE INTO flags (exercise, since, session_id) VALUES (?, ?, ?)",
                (item.exercise, day.isoformat(), session_id),
            )

    def set_pain_after(self, session_id: int, pain_after: int | None, light: Light | None) -> None:
        self._write(
            "UPDATE sessions SET pain_after = ?, light = ? WHERE id = ?",
            (pain_after, light.value if light else None, session_id),
        )

    def check_in(self, session_id: int, pain: int, light: Light | None) -> None:
        """Record the morning-after pain score of a session, and its light again."""
        self._write(
            "UPDATE sessions SET pain_next_day = ?, light = ? WHERE id = ?",
            (pain, light.value if light else None, session_id),
        )

    def sessions(self, *, since: date | None = None, limit: int | None = None) -> list[SessionRow]:
        """Sessions newest first, optionally from a day on and at most ``limit`` of them."""
        sql = (
            "SELECT s.id, s.started, s.ended, s.ending, s.routine, s.phase, s.condition,"
            " s.planned_s, s.active_s, s.total_s, s.pain_before, s.pain_after,"
            " s.pain_next_day, s.light,"
            " (SELECT count(*) FROM items i WHERE i.session_id = s.id AND i.outcome = 'done'),"
            " (SELECT count(*) FROM items i WHERE i.session_id = s.id)"
            " FROM sessions s"
        )
        parameters: list[object] = []
        if since is not None:
            sql += " WHERE s.started >= ?"
            parameters.append(since.isoformat())
        sql += " ORDER BY s.started DESC, s.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        return [_session_row(row) for row in self._execute(sql, parameters)]

    def session_count(self) -> int:
        return int(self._execute("SELECT count(*) FROM sessions").fetchone()[0])

    def session_marks(self) -> list[SessionMark]:
        """Every session's day and pain after, oldest first: what the stats count."""
        rows = self._execute(
            "SELECT substr(started, 1, 10), pain_after FROM sessions ORDER BY started, id"
        )
        return [SessionMark(date.fromisoformat(day), pain) for day, pain in rows]

    def outcome_counts(self) -> list[OutcomeCount]:
        """How often each exercise was skipped or marked as hurting, over every session."""
        rows = self._execute(
            "SELECT exercise, outcome, count(*) FROM items WHERE outcome IN (?, ?)"
            " GROUP BY exercise, outcome",
            (Outcome.skipped.value, Outcome.hurt.value),
        )
        return [
            OutcomeCount(exercise, Outcome(outcome), count) for exercise, outcome, count in rows
        ]

    def progress(self, limit: int = 200) -> Progress:
        """The latest ``limit`` sessions as the phase rules see them, and the flags.

        The phase rules look back over a few weeks, so 200 sessions are plenty.
        """
        sessions = [
            PastSession(row.started.date(), row.phase, row.light, row.completed)
            for row in reversed(self.sessions(limit=limit))
        ]
        return Progress(sessions, self.flags())

    # --- Safety screen, walks, flags ------------------------------------------------------

    def add_screening(self, at: datetime, answers: dict[str, bool]) -> None:
        self._write(
            "INSERT INTO screenings (at, answers, clear) VALUES (?, ?, ?)",
            (_stamp(at), json.dumps(answers), int(not any(answers.values()))),
        )

    def last_screening(self) -> Screening | None:
        row = self._execute(
            "SELECT at, answers FROM screenings ORDER BY at DESC, id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return Screening(datetime.fromisoformat(row[0]), json.loads(row[1]))

    def add_walk(self, at: datetime, minutes: int) -> None:
        self._write("INSERT INTO walks (at, minutes) VALUES (?, ?)", (_stamp(at), minutes))

    def walk_minutes_by_week(self) -> dict[date, int]:
        """Walking minutes in each week with a walk (keys are Mondays)."""
        totals: dict[date, int] = {}
        rows = self._execute("SELECT substr(at, 1, 10), sum(minutes) FROM walks GROUP BY 1")
        for day, minutes in rows:
            monday = week_start(date.fromisoformat(day))
            totals[monday] = totals.get(monday, 0) + int(minutes)
        return totals

    def flags(self) -> list[Flag]:
        rows = self._execute("SELECT exercise, since FROM flags ORDER BY exercise")
        return [Flag(exercise, date.fromisoformat(since)) for exercise, since in rows]

    def unflag(self, exercise: str) -> bool:
        """Clear a "this hurts" flag; False if the exercise was not flagged."""
        return self._write("DELETE FROM flags WHERE exercise = ?", (exercise,)).rowcount > 0


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _session_row(row: Any) -> SessionRow:
    (id_, started, ended, ending, routine, phase, condition, planned_s, active_s, total_s) = row[
        :10
    ]
    pain_before, pain_after, pain_next_day, light, done, items = row[10:]
    return SessionRow(
        id=id_,
        started=datetime.fromisoformat(started),
        ended=datetime.fromisoformat(ended) if ended else None,
        ending=Ending(ending) if ending else None,
        routine=routine,
        phase=Phase(phase),
        condition=PlanCondition(condition),
        planned_s=planned_s,
        active_s=active_s,
        total_s=total_s,
        done=done,
        items=items,
        pain_before=pain_before,
        pain_after=pain_after,
        pain_next_day=pain_next_day,
        light=Light(light) if light else None,
    )


def _problem(path: Path, error: BaseException) -> HistoryProblem:
    """A message naming the file and what to do, for an SQLite or OS error."""
    where = visible(str(path))
    reason = str(error) or type(error).__name__
    # Extended codes (SQLITE_CORRUPT_INDEX, SQLITE_BUSY_RECOVERY …) share their primary's name.
    code = str(getattr(error, "sqlite_errorname", ""))
    if code.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in reason:
        return HistoryProblem(
            f"{where} is damaged or not a corecli history ({reason}). corecli has left it"
            f" as it is: move it aside (mv {where} {where}.damaged) to start a new history;"
            " the sqlite3 tool's .recover command may rescue what it holds",
            damaged=True,
        )
    if code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return HistoryProblem(
            f"{where} is locked by another program ({reason}); try again when it has finished"
        )
    if code.startswith("SQLITE_FULL"):
        return HistoryProblem(f"{where} cannot be written: the disk is full")
    if code.startswith("SQLITE_READONLY") or isinstance(error, PermissionError):
        return HistoryProblem(f"{where} cannot be written ({reason}); check its permissions")
    return HistoryProblem(f"{where} cannot be used ({reason}); check the file and its folder")
