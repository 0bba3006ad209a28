"""The session log: SQLite at ``$CORECLI_HOME/history.sqlite3``.

A session row is written when ``corecli run`` starts, with one row per planned
exercise, and each exercise's row is committed as it ends, so a crash or a kill
loses at most the exercise in progress. WAL mode and a busy timeout let two
sessions write at once. The schema is versioned with ``PRAGMA user_version``
and migrated forward when the file is opened; corecli never deletes the file.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from corecli.errors import CorecliError, visible
from corecli.programme import Decision, Flag, LegsReport, Setup, Standing, week_start
from corecli.safety import Clearance, Recent, Screening
from corecli.stats import OutcomeCount, SessionMark
from corecli.vocab import (
    Change,
    Ending,
    Group,
    Legs,
    Level,
    Light,
    Outcome,
    PainSpan,
    Phase,
    PlanCondition,
)

if TYPE_CHECKING:  # the models need pydantic, which reading the history does not
    from corecli.models import ItemRecord, SessionRecord

BUSY_TIMEOUT_MS = 10_000


def _one_of(column: str, kind: type[StrEnum], *, optional: bool = False) -> str:
    names = ", ".join(f"'{member.value}'" for member in kind)
    test = f"{column} IN ({names})"
    return f"{column} IS NULL OR {test}" if optional else test


def _when(column: str, function: str = "datetime", *, optional: bool = False) -> str:
    # Not a bare number (a Julian day), nor a day before corecli could have kept one.
    iso = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"
    test = f"typeof({column}) = 'text' AND {column} GLOB '{iso}'"
    test += f" AND {column} BETWEEN '2000' AND '2200'"
    test += f" AND {function}({column}) IS NOT NULL"
    return f"{column} IS NULL OR ({test})" if optional else test


def _number(column: str, *, whole: bool = True, optional: bool = False, most: int = 0) -> str:
    kinds = "('integer')" if whole else "('integer', 'real')"
    test = f"typeof({column}) IN {kinds}"
    if most:
        test += f" AND {column} BETWEEN 0 AND {most}"
    return f"{column} IS NULL OR ({test})" if optional else test


# How a row is found again in the tables without an id column.
ROW_KEYS = {"items": "session_id", "flags": "rowid"}
# What each column must hold: checked whenever the history is opened.
ROW_CHECKS: dict[str, tuple[tuple[str, str], ...]] = {
    "sessions": (
        ("started", _when("started")),
        ("routine", "typeof(routine) = 'text'"),
        ("ended", _when("ended", optional=True)),
        ("ending", _one_of("ending", Ending, optional=True)),
        ("phase", _one_of("phase", Phase)),
        ("condition", _one_of("condition", PlanCondition)),
        ("planned_s", _number("planned_s")),
        ("active_s", _number("active_s", whole=False)),
        ("total_s", _number("total_s", whole=False)),
        ("pain_before", _number("pain_before", optional=True, most=10)),
        ("pain_after", _number("pain_after", optional=True, most=10)),
        ("pain_next_day", _number("pain_next_day", optional=True, most=10)),
        ("light", _one_of("light", Light, optional=True)),
        ("next_day_on", _when("next_day_on", "date", optional=True)),
        ("legs", _one_of("legs", Legs, optional=True)),
    ),
    "items": (
        ("exercise", "typeof(exercise) = 'text'"),
        ("outcome", _one_of("outcome", Outcome)),
        ("planned_s", _number("planned_s")),
        ("active_s", _number("active_s", whole=False)),
    ),
    "flags": (("exercise", "typeof(exercise) = 'text'"), ("since", _when("since", "date"))),
    "decisions": (
        ("day", _when("day", "date")),
        ("phase", _one_of("phase", Phase)),
        ("level", _one_of("level", Level)),
        ("began", _when("began", "date")),
        ("change", _one_of("change", Change)),
        ("light", _one_of("light", Light, optional=True)),
    ),
    "screenings": (("at", _when("at")), ("answers", "json_valid(answers)")),
    "walks": (("at", _when("at")), ("minutes", _number("minutes", most=7 * 24 * 60))),
}

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
    # 3: the programme: which sessions count, the next morning's day, leg symptoms,
    # the answers of corecli start, and the log of decisions. Older sessions count
    # for nothing; the programme carries over their last phase.
    (
        "ALTER TABLE sessions ADD COLUMN counts INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE sessions ADD COLUMN logged INTEGER NOT NULL DEFAULT 0",  # 1: corecli log
        "ALTER TABLE sessions ADD COLUMN next_day_on TEXT",  # the morning asked about
        "ALTER TABLE sessions ADD COLUMN legs TEXT",
        """CREATE TABLE profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            at TEXT NOT NULL,
            span TEXT NOT NULL,
            usual_pain INTEGER NOT NULL,
            groups TEXT NOT NULL  -- JSON list
        )""",
        """CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            day TEXT NOT NULL,
            phase TEXT NOT NULL,
            level TEXT NOT NULL,
            dose_step INTEGER NOT NULL,
            began TEXT NOT NULL,
            sessions INTEGER NOT NULL,
            change TEXT NOT NULL,
            reason TEXT NOT NULL,
            session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL,
            light TEXT
        )""",
        "CREATE INDEX decisions_by_session ON decisions (session_id)",
        # An older history starts the programme at its latest session's phase.
        """INSERT INTO decisions (day, phase, level, dose_step, began, sessions, change, reason)
            SELECT substr(started, 1, 10), phase,
                CASE phase WHEN 'maintenance' THEN 'intermediate' ELSE 'beginner' END,
                0, substr(started, 1, 10), 0, 'start',
                phase || ': carried over from your sessions up to ' || substr(started, 1, 10)
            FROM sessions ORDER BY started DESC, id DESC LIMIT 1""",
    ),
    # 4: a clinician's clearance of a screen question.
    ("CREATE TABLE clearances (flag TEXT PRIMARY KEY, cleared_on TEXT NOT NULL)",),
)
SCHEMA_VERSION = len(MIGRATIONS)


F = TypeVar("F", bound=Callable[..., Any])


class HistoryProblem(CorecliError):
    """The history file cannot be opened, read or written (exit 1; damaged: exit 2).

    ``damaged``: the file is not one this corecli can use (corrupt, or from a newer
    version), as opposed to a disk or folder that cannot be written just now.
    """

    def __init__(self, message: str, *, damaged: bool = False) -> None:
        super().__init__(message)
        self.damaged = damaged
        if damaged:
            self.exit_code = 2  # a file corecli cannot use, as a broken TOML file is


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
    counts: bool = False  # a session of the programme's own plan
    logged: bool = False  # recorded with corecli log, not timed
    next_day_on: date | None = None  # the morning asked about (answered or skipped)
    legs: Legs | None = None
    hurt: int = 0  # exercises marked "this hurts"

    @property
    def completed(self) -> bool:
        return self.ending is Ending.finished

    @property
    def day(self) -> date:
        return self.started.date()


def _format_of(connection: sqlite3.Connection) -> tuple[int, int]:
    """The history format and how many tables and indexes the file holds, in one
    statement, so one snapshot: another process may be creating the file now."""
    version, tables = connection.execute(
        "SELECT (SELECT user_version FROM pragma_user_version),"
        " (SELECT count(*) FROM sqlite_master)"
    ).fetchone()
    return int(version), int(tables)


def _damaged(path: Path, table: str, row: object, reason: str) -> HistoryProblem:
    where = visible(str(path))
    which = f"row {row}" if isinstance(row, int) else f"a row {row}" if row else "a row"
    return HistoryProblem(
        f"{where}: {which} of table {table} holds a value corecli cannot use"
        f" ({visible(reason)}). corecli has left the file as it is: move it aside"
        f" (mv {where} {where}.damaged) to start a new history, or put back a copy you kept",
        damaged=True,
    )


def _checked(table: str) -> Callable[[F], F]:
    """Name the file, the table and the row when a read finds a value that does not fit,
    instead of failing somewhere later with a traceback."""

    def wrap(read: F) -> F:
        @functools.wraps(read)
        def checked(self: History, *args: Any, **kwargs: Any) -> Any:
            try:
                return read(self, *args, **kwargs)
            except _Damaged as damage:
                raise _damaged(self.path, damage.table, damage.row, str(damage)) from None
            except (ValueError, TypeError, KeyError, AttributeError) as error:
                raise _damaged(self.path, table, None, str(error)) from None

        return checked  # type: ignore[return-value]

    return wrap


class History:
    """An open history database. Use :meth:`open` as a context manager."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, *, create: bool = True, looking: bool = False) -> History:
        """Open (and create or migrate) the history; raise HistoryProblem if it can't be.

        ``create=False``: a missing file gives an empty history in memory, and no
        file or folder is made (for commands that only look). ``looking``: opened
        read-only, so it reads on a read-only folder or a full disk too.
        """
        if not create and not path.exists():
            connection = sqlite3.connect(":memory:", isolation_level=None)
            history = cls(connection, path)
            history._migrate()
            return history
        if looking:
            opened = cls._open_to_look(path)
            if opened is not None:
                return opened
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # A session's writes run on a thread of their own, one thread at a time.
            connection = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
        except (OSError, sqlite3.Error) as error:
            raise _problem(path, error) from None
        history = cls(connection, path)
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA foreign_keys = ON")
            version, tables = _format_of(connection)
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
            history._check_rows()  # before anything is written into it
        except sqlite3.Error as error:
            connection.close()
            raise _problem(path, error) from None
        except BaseException:
            connection.close()
            raise
        return history

    @classmethod
    def _open_to_look(cls, path: Path) -> History | None:
        """The history opened read-only; None when it must be migrated (or made) first."""
        # Where no -shm file can be made (a read-only folder, a full disk), only an
        # immutable open reads a WAL database; nobody can be writing to it then.
        for flags in ("mode=ro", "mode=ro&immutable=1"):
            uri = f"{path.absolute().as_uri()}?{flags}"
            try:
                connection = sqlite3.connect(
                    uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None
                )
            except sqlite3.Error as error:
                raise _problem(path, error) from None
            try:
                version, tables = _format_of(connection)
            except sqlite3.OperationalError as error:
                connection.close()
                if "immutable" not in flags:  # no -shm to be had (CANTOPEN, or IOERR if full)
                    continue
                raise _problem(path, error) from None
            except sqlite3.Error as error:
                connection.close()
                raise _problem(path, error) from None
            if version != SCHEMA_VERSION or not tables:
                connection.close()
                return None  # older, newer or not ours: the usual open says or migrates
            history = cls(connection, path)
            try:
                history._check_rows()
            except BaseException as error:
                connection.close()
                if isinstance(error, sqlite3.Error):
                    raise _problem(path, error) from None
                raise
            return history
        raise _problem(path, sqlite3.OperationalError("unable to open database file"))

    def close(self) -> None:
        self._db.close()

    def _check_rows(self) -> None:
        """Stop, naming the table, row and column, if a value does not fit (a hand edit,
        a bit flip): no command then writes into the file. One pass per table, in SQL."""
        for table, checks in ROW_CHECKS.items():
            cases = " ".join(f"WHEN NOT ({test}) THEN '{column}'" for column, test in checks)
            key = ROW_KEYS.get(table, "id")
            found = self._db.execute(
                f"SELECT {key}, bad FROM (SELECT {key}, CASE {cases} END AS bad FROM {table})"
                " WHERE bad IS NOT NULL LIMIT 1"
            ).fetchone()
            if found is not None:
                row_id, column = found
                (value,) = self._db.execute(
                    f"SELECT {column} FROM {table} WHERE {key} = ? AND NOT"
                    f" ({dict(checks)[column]}) LIMIT 1",
                    (row_id,),
                ).fetchone()
                row = f"of session {row_id}" if table == "items" else row_id
                raise _damaged(self.path, table, row, f"{column} {str(value)[:40]!r}")

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
        counts: bool = False,
        logged: bool = False,
    ) -> int:
        """Record a session as started, with its exercises not reached yet; returns its id.

        ``counts``: a session of the programme's own plan, which can move it."""
        with self._writing():
            cursor = self._execute(
                "INSERT INTO sessions (started, routine, phase, condition, planned_s, pain_before,"
                " counts, logged) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    _stamp(started),
                    routine,
                    phase.value,
                    condition.value,
                    planned_s,
                    pain_before,
                    int(counts),
                    int(logged),
                ),
            )
            session_id = int(cursor.lastrowid or 0)
            for position, item in enumerate(items):
                self._execute(
                    "INSERT INTO items (session_id, position, exercise, outcome, planned_s,"
                    " active_s) VALUES (?, ?, ?, ?, ?, ?)",
                    (session_id, position, item.exercise, item.outcome.value, item.planned_s, 0.0),
                )
        return session_id

    def begin_record(
        self,
        record: SessionRecord,
        pain_before: int | None,
        *,
        counts: bool,
        logged: bool = False,
    ) -> int:
        """Record the start of the session ``record`` describes; returns its id."""
        return self.begin_session(
            started=record.started,
            routine=record.routine,
            phase=record.phase,
            condition=record.condition,
            planned_s=record.planned_s,
            items=record.items,
            pain_before=pain_before,
            counts=counts,
            logged=logged,
        )

    def record_session(
        self,
        record: SessionRecord,
        pain_before: int | None,
        pain_after: int | None,
        legs: Legs | None,
        *,
        counts: bool,
    ) -> int:
        """Record a whole session at once (``corecli log``); returns its id."""
        session_id = self.begin_record(record, pain_before, counts=counts, logged=True)
        self.end_session(session_id, record, pain_after)
        self.set_legs(session_id, legs)
        return session_id

    def save_item(self, session_id: int, position: int, item: ItemRecord, day: date) -> None:
        """Commit what happened to one exercise of a running session (``day``: its date)."""
        with self._writing():
            self._save_item(session_id, position, item, day)

    def end_session(
        self,
        session_id: int,
        record: SessionRecord,
        pain_after: int | None,
    ) -> None:
        """Record how a session ended and every exercise's outcome."""
        with self._writing():
            self._execute(
                "UPDATE sessions SET ended = ?, ending = ?, active_s = ?, paused_s = ?,"
                " total_s = ?, pain_after = ? WHERE id = ?",
                (
                    _stamp(record.ended),
                    record.ending.value,
                    record.active_s,
                    record.paused_s,
                    record.total_s,
                    pain_after,
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

    def set_pain_after(self, session_id: int, pain_after: int | None) -> None:
        self._write("UPDATE sessions SET pain_after = ? WHERE id = ?", (pain_after, session_id))

    def check_in(self, session_id: int, pain: int | None, morning: date) -> None:
        """Record the pain on the morning after a session (None: the question was skipped)."""
        self._write(
            "UPDATE sessions SET pain_next_day = ?, next_day_on = ? WHERE id = ?",
            (pain, morning.isoformat(), session_id),
        )

    def set_light(self, session_id: int, light: Light | None) -> None:
        self._write(
            "UPDATE sessions SET light = ? WHERE id = ?",
            (light.value if light else None, session_id),
        )

    def set_legs(self, session_id: int, legs: Legs | None) -> None:
        self._write(
            "UPDATE sessions SET legs = ? WHERE id = ?",
            (legs.value if legs else None, session_id),
        )

    @_checked("sessions")
    def session(self, session_id: int) -> SessionRow | None:
        rows = self.sessions(ids=(session_id,))
        return rows[0] if rows else None

    @_checked("sessions")
    def latest_before(self, day: date, *, counted: bool = False) -> SessionRow | None:
        """The latest session of a day before ``day``: what that morning's check-in is about
        (``counted``: of the programme's own plan)."""
        rows = self.sessions(before=day, counted=counted, limit=1)
        return rows[0] if rows else None

    @_checked("sessions")
    def last_counted_day(self) -> date | None:
        row = self._execute("SELECT max(substr(started, 1, 10)) FROM sessions WHERE counts = 1")
        day = row.fetchone()[0]
        return date.fromisoformat(day) if day else None

    @_checked("items")
    def done_on(self, day: date) -> dict[str, int]:
        """Each exercise done on ``day``, and in how many of that day's sessions."""
        rows = self._execute(
            "SELECT i.exercise, count(DISTINCT s.id) FROM items i"
            " JOIN sessions s ON s.id = i.session_id"
            " WHERE substr(s.started, 1, 10) = ? AND i.outcome = ? GROUP BY i.exercise",
            (day.isoformat(), Outcome.done.value),
        )
        return {exercise: int(times) for exercise, times in rows}

    @_checked("sessions")
    def legs_report(self) -> LegsReport | None:
        """The latest session with an answer about the legs, and the exercises it had done."""
        row = self._execute(
            "SELECT id, legs, substr(started, 1, 10) FROM sessions WHERE legs IS NOT NULL"
            " ORDER BY started DESC, id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        session_id, legs, day = row
        done = self._execute(
            "SELECT exercise FROM items WHERE session_id = ? AND outcome = ? ORDER BY position",
            (session_id, Outcome.done.value),
        )
        exercises = tuple(exercise for (exercise,) in done)
        return LegsReport(Legs(legs), date.fromisoformat(day), exercises)

    # --- The programme --------------------------------------------------------------------

    @_checked("profile")
    def profile(self) -> Setup | None:
        row = self._execute("SELECT span, usual_pain, groups FROM profile").fetchone()
        if row is None:
            return None
        span, usual, groups = row
        return Setup(PainSpan(span), usual, frozenset(Group(g) for g in json.loads(groups)))

    def set_profile(self, setup: Setup, at: datetime) -> None:
        self._write(
            "INSERT OR REPLACE INTO profile (id, at, span, usual_pain, groups)"
            " VALUES (1, ?, ?, ?, ?)",
            (
                _stamp(at),
                setup.span.value,
                setup.usual_pain,
                json.dumps(sorted(g.value for g in setup.groups)),
            ),
        )

    def add_decision(self, decision: Decision) -> None:
        standing = decision.standing
        self._write(
            "INSERT INTO decisions (day, phase, level, dose_step, began, sessions, change,"
            " reason, session_id, light) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                decision.day.isoformat(),
                standing.phase.value,
                standing.level.value,
                standing.dose_step,
                standing.began.isoformat(),
                standing.sessions,
                decision.change.value,
                decision.reason,
                decision.session_id,
                decision.light.value if decision.light else None,
            ),
        )

    @_checked("decisions")
    def decisions(self, *, limit: int | None = None, judged: bool = False) -> list[Decision]:
        """The programme's decisions newest first (``judged``: only those about a session)."""
        sql = f"SELECT {DECISION_COLUMNS} FROM decisions"
        if judged:
            sql += " WHERE session_id IS NOT NULL"
        sql += " ORDER BY id DESC"
        parameters: list[object] = []
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        return [_decision(row) for row in self._execute(sql, parameters)]

    @_checked("decisions")
    def programme_began(self) -> date | None:
        day = self._execute("SELECT min(day) FROM decisions").fetchone()[0]
        return date.fromisoformat(day) if day else None

    @_checked("sessions")
    def pains_before(self, since: date, until: date) -> list[int]:
        """The scores before each session from one day to another (both included)."""
        rows = self._execute(
            "SELECT pain_before FROM sessions WHERE pain_before IS NOT NULL"
            " AND substr(started, 1, 10) BETWEEN ? AND ? ORDER BY started",
            (since.isoformat(), until.isoformat()),
        )
        return [int(pain) for (pain,) in rows]

    @_checked("decisions")
    def decisions_of(self, session_id: int) -> list[Decision]:
        """The decisions that judged one session, oldest first."""
        rows = self._execute(
            f"SELECT {DECISION_COLUMNS} FROM decisions WHERE session_id = ? ORDER BY id",
            (session_id,),
        )
        return [_decision(row) for row in rows]

    @_checked("sessions")
    def sessions(
        self,
        *,
        since: date | None = None,
        before: date | None = None,
        ids: Sequence[int] = (),
        counted: bool = False,
        limit: int | None = None,
    ) -> list[SessionRow]:
        """Sessions newest first: from a day on, before a day, by id, at most ``limit``."""
        sql = (
            "SELECT s.id, s.started, s.ended, s.ending, s.routine, s.phase, s.condition,"
            " s.planned_s, s.active_s, s.total_s, s.pain_before, s.pain_after,"
            " s.pain_next_day, s.light,"
            " (SELECT count(*) FROM items i WHERE i.session_id = s.id AND i.outcome = 'done'),"
            " (SELECT count(*) FROM items i WHERE i.session_id = s.id),"
            " s.counts, s.logged, s.next_day_on, s.legs,"
            " (SELECT count(*) FROM items i WHERE i.session_id = s.id AND i.outcome = 'hurt')"
            " FROM sessions s"
        )
        parameters: list[object] = []
        where = []
        if since is not None:
            where.append("s.started >= ?")
            parameters.append(since.isoformat())
        if before is not None:
            where.append("s.started < ?")
            parameters.append(before.isoformat())
        if ids:
            where.append(f"s.id IN ({', '.join('?' * len(ids))})")
            parameters.extend(ids)
        if counted:
            where.append("s.counts = 1")
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY s.started DESC, s.id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            parameters.append(limit)
        return [_session_row(row) for row in self._execute(sql, parameters)]

    def session_count(self) -> int:
        return int(self._execute("SELECT count(*) FROM sessions").fetchone()[0])

    @_checked("sessions")
    def session_marks(self) -> list[SessionMark]:
        """Every session's day and pain after, oldest first: what the stats count."""
        rows = self._execute(
            "SELECT substr(started, 1, 10), pain_after FROM sessions ORDER BY started, id"
        )
        return [SessionMark(date.fromisoformat(day), pain) for day, pain in rows]

    @_checked("items")
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

    # --- Safety screen, walks, flags ------------------------------------------------------

    def add_screening(self, at: datetime, answers: dict[str, bool]) -> None:
        self._write(
            "INSERT INTO screenings (at, answers, clear) VALUES (?, ?, ?)",
            (_stamp(at), json.dumps(answers), int(not any(answers.values()))),
        )

    @_checked("screenings")
    def last_screening(self) -> Screening | None:
        row = self._execute(
            "SELECT at, answers FROM screenings ORDER BY at DESC, id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        answers = json.loads(row[1])
        if not isinstance(answers, dict) or not all(
            isinstance(k, str) and type(v) is bool for k, v in answers.items()
        ):
            raise ValueError(f"answers {visible(str(row[1])[:40])!r} are not yes/no answers")
        return Screening(datetime.fromisoformat(row[0]), answers)

    @_checked("clearances")
    def clearances(self) -> list[Clearance]:
        rows = self._execute("SELECT flag, cleared_on FROM clearances ORDER BY flag")
        return [Clearance(flag, date.fromisoformat(on)) for flag, on in rows]

    def clear(self, flag: str, on: date) -> None:
        """Record that a clinician cleared exercise despite a "yes" to ``flag``."""
        self._write(
            "INSERT OR REPLACE INTO clearances (flag, cleared_on) VALUES (?, ?)",
            (flag, on.isoformat()),
        )

    def unclear(self, flags: Sequence[str]) -> None:
        """Drop clearances whose answer has changed."""
        with self._writing():
            for flag in flags:
                self._execute("DELETE FROM clearances WHERE flag = ?", (flag,))

    @_checked("sessions")
    def since_screening(self, at: datetime) -> Recent:
        """The lights, next-morning scores and latest red of sessions since ``at``."""
        rows = self._execute(
            "SELECT light, pain_next_day, substr(started, 1, 10) FROM sessions"
            " WHERE started >= ? OR next_day_on > ? ORDER BY started, id",
            (_stamp(at), at.date().isoformat()),
        ).fetchall()
        lights = [Light(light) if light else None for light, _, _ in rows]
        reds = [day for light, _, day in rows if light == Light.red.value]
        return Recent(
            lights,
            [morning for _, morning, _ in rows],
            date.fromisoformat(reds[-1]) if reds else None,
        )

    def add_walk(self, at: datetime, minutes: int) -> None:
        self._write("INSERT INTO walks (at, minutes) VALUES (?, ?)", (_stamp(at), minutes))

    @_checked("walks")
    def walk_minutes_by_week(self) -> dict[date, int]:
        """Walking minutes in each week with a walk (keys are Mondays)."""
        totals: dict[date, int] = {}
        rows = self._execute("SELECT substr(at, 1, 10), sum(minutes) FROM walks GROUP BY 1")
        for day, minutes in rows:
            monday = week_start(date.fromisoformat(day))
            totals[monday] = totals.get(monday, 0) + int(minutes)
        return totals

    @_checked("flags")
    def flags(self) -> list[Flag]:
        rows = self._execute("SELECT exercise, since FROM flags ORDER BY exercise")
        return [Flag(exercise, date.fromisoformat(since)) for exercise, since in rows]

    def unflag(self, exercise: str) -> bool:
        """Clear a "this hurts" flag; False if the exercise was not flagged."""
        return self._write("DELETE FROM flags WHERE exercise = ?", (exercise,)).rowcount > 0


def _stamp(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


def _session_row(row: Any) -> SessionRow:
    try:
        return _session_fields(row)
    except (ValueError, TypeError) as error:
        raise _Damaged("sessions", row[0], error) from None


def _session_fields(row: Any) -> SessionRow:
    (id_, started, ended, ending, routine, phase, condition, planned_s, active_s, total_s) = row[
        :10
    ]
    pain_before, pain_after, pain_next_day, light, done, items = row[10:16]
    counts, logged, next_day_on, legs, hurt = row[16:]
    return SessionRow(
        id=id_,
        started=datetime.fromisoformat(started),
        ended=datetime.fromisoformat(ended) if ended else None,
        ending=Ending(ending) if ending else None,
        routine=_text(routine),
        phase=Phase(phase),
        condition=PlanCondition(condition),
        planned_s=_whole(planned_s),
        active_s=_seconds(active_s),
        total_s=_seconds(total_s),
        done=_whole(done),
        items=_whole(items),
        pain_before=_pain(pain_before),
        pain_after=_pain(pain_after),
        pain_next_day=_pain(pain_next_day),
        light=Light(light) if light else None,
        counts=bool(counts),
        logged=bool(logged),
        next_day_on=date.fromisoformat(next_day_on) if next_day_on else None,
        legs=Legs(legs) if legs else None,
        hurt=_whole(hurt),
    )


def _text(value: object) -> str:
    if type(value) is not str:
        raise ValueError(f"{value!r} where text belongs")
    return value


def _whole(value: object) -> int:
    if type(value) is not int:
        raise ValueError(f"{value!r} where a whole number belongs")
    return value


def _seconds(value: object) -> float:
    if type(value) not in (int, float):
        raise ValueError(f"{value!r} where seconds belong")
    return float(value)  # type: ignore[arg-type]


def _pain(value: object) -> int | None:
    if value is not None and (type(value) is not int or not 0 <= value <= 10):
        raise ValueError(f"{value!r} where a pain score 0-10 belongs")
    return value


class _Damaged(Exception):
    """A value read back from the history that does not fit (a hand edit, a bit flip)."""

    def __init__(self, table: str, row: object, error: BaseException) -> None:
        super().__init__(str(error))
        self.table, self.row = table, row


DECISION_COLUMNS = (
    "day, phase, level, dose_step, began, sessions, change, reason, session_id, light"
)


def _decision(row: Any) -> Decision:
    try:
        return _decision_fields(row)
    except (ValueError, TypeError) as error:
        raise _Damaged("decisions", f"of {row[0]!r}", error) from None


def _decision_fields(row: Any) -> Decision:
    day, phase, level, dose_step, began, sessions, change, reason, session_id, light = row
    standing = Standing(Phase(phase), Level(level), dose_step, date.fromisoformat(began), sessions)
    return Decision(
        date.fromisoformat(day),
        standing,
        Change(change),
        reason,
        session_id,
        Light(light) if light else None,
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
    number = getattr(error, "errno", None)
    if code.startswith("SQLITE_FULL") or number == errno.ENOSPC or _full(path):
        return HistoryProblem(f"{where} cannot be written: the disk is full")
    if not _writable(path.parent):
        return HistoryProblem(f"{where} cannot be written: the corecli folder is read-only")
    if code.startswith("SQLITE_READONLY") or isinstance(error, PermissionError):
        return HistoryProblem(f"{where} cannot be written: the file is read-only ({reason})")
    return HistoryProblem(f"{where} cannot be used ({reason}); check the file and its folder")


def _writable(folder: Path) -> bool:
    """Whether files can be made in ``folder`` (or in the nearest folder above that exists)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return os.access(folder, os.W_OK) and not os.statvfs(folder).f_flag & os.ST_RDONLY
    except (OSError, AttributeError):  # no statvfs on Windows
        return True  # cannot tell: say what SQLite said


def _full(path: Path) -> bool:
    """Whether the disk holding the history has no room left (under 64 KiB free)."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < 64 * 1024
    except OSError:
        return False
