"""The history as a session sees it: what the plan and the screen read before it
starts, and the writes as it goes, which never stop the session.

If the history cannot be written (a read-only folder, a full disk), the session
goes on and ``problem`` says why it was not saved. While a session plays, its
writes go to a thread of their own, in order, so a history locked by another
program never freezes the timer, and a write refused is tried again until the
session ends: a lock held for a while loses nothing.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, TypeVar

from corecli.programme import Flag, Progress
from corecli.progress import Settled, check_in, commit, pending_checkin, read_progress, settle
from corecli.safety import Clearance, Recent, Screening
from corecli.store.history import History, HistoryProblem, SessionRow
from corecli.vocab import Legs

if TYPE_CHECKING:  # the models need pydantic, which reading the history does not
    from corecli.models import ItemRecord, SessionRecord

T = TypeVar("T")
RETRY_S = 0.25  # between tries of a write the history refused (locked, busy)
Write = Callable[[History], object]


class Writer:
    """A running session's writes, in order, on a thread of their own."""

    def __init__(self, history: History) -> None:
        self._history = history
        self._writes: queue.Queue[Write | None] = queue.Queue()
        self._ending = threading.Event()
        self.problem: HistoryProblem | None = None
        self._thread = threading.Thread(target=self._run, name="corecli-history", daemon=True)
        self._thread.start()

    def put(self, write: Write) -> None:
        self._writes.put(write)

    def flush(self) -> None:
        """Wait until every write queued so far is done (or given up)."""
        self._writes.join()

    def finish(self) -> HistoryProblem | None:
        """The session is over: each write left gets its last try; wait for them all."""
        self._ending.set()
        self._writes.put(None)
        self._thread.join()
        return self.problem

    def _run(self) -> None:
        while (write := self._writes.get()) is not None:
            try:
                self._write(write)
            finally:
                self._writes.task_done()
        self._writes.task_done()

    def _write(self, write: Write) -> None:
        while self.problem is None:
            try:
                write(self._history)
                return
            except HistoryProblem as problem:
                if problem.damaged or self._ending.is_set():
                    self.problem = problem
                else:
                    time.sleep(RETRY_S)  # locked or busy: again, until the session ends
            except Exception as error:  # never let the thread die with the writes
                self.problem = HistoryProblem(f"the history could not be written ({error})")


class SessionLog:
    """The history a session writes to, or None with the reason it cannot."""

    def __init__(self, history: History | None, problem: str | None = None) -> None:
        self._history = history
        self.problem = problem if history is None else None
        self.session_id: int | None = None
        self._day: date | None = None  # the session's date, for flags
        self._writer: Writer | None = None  # while the session plays

    @property
    def saved(self) -> bool:
        return self._history is not None and self.session_id is not None

    def progress(self, today: date) -> Progress:
        """What the next plan depends on (nothing without a history)."""
        return Progress() if self._history is None else read_progress(self._history, today)

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

    def clearances(self) -> list[Clearance]:
        return [] if self._history is None else self._history.clearances()

    def since_screening(self, at: datetime) -> Recent:
        return Recent() if self._history is None else self._history.since_screening(at)

    def clear(self, flag: str, on: date) -> None:
        """Keep a clinician's clearance; if it cannot be kept, it is simply asked again."""
        if self._history is not None:
            with contextlib.suppress(HistoryProblem):
                self._history.clear(flag, on)

    def unclear(self, flags: list[str]) -> None:
        if self._history is not None and flags:
            with contextlib.suppress(HistoryProblem):
                self._history.unclear(flags)

    def new_person(self) -> bool:
        """No session and no programme yet: the one to offer corecli start to."""
        history = self._history
        return (
            history is not None and history.session_count() == 0 and not history.decisions(limit=1)
        )

    def pending_checkin(self, today: date) -> SessionRow | None:
        return None if self._history is None else pending_checkin(self._history, today)

    def check_in(self, row: SessionRow, pain: int | None, morning: date) -> Settled | None:
        history = self._history
        if history is None:
            return None
        return self._try(lambda h: check_in(h, row, pain, morning))

    def begin(self, record: SessionRecord, pain_before: int | None, *, counts: bool) -> None:
        """Record the session as started; ``record`` lists its items, none reached yet.
        A session that counts first stores the programme's due decisions."""
        self._day = record.started.date()
        if self._history is None:
            return
        try:
            if counts:
                commit(self._history, self._day)
            self.session_id = self._history.begin_record(record, pain_before, counts=counts)
        except HistoryProblem as problem:
            self._give_up(problem)
            return
        self._writer = Writer(self._history)

    def item(self, position: int, item: ItemRecord) -> None:
        """Queue one exercise's outcome: it never waits for the history."""
        session_id, day, writer = self.session_id, self._day, self._writer
        if session_id is not None and day is not None and writer is not None:
            writer.put(lambda history: history.save_item(session_id, position, item, day))

    def end(self, record: SessionRecord, pain_after: int | None) -> None:
        """Record how the session ended, after every write queued before it."""
        session_id, writer = self.session_id, self._writer
        if session_id is not None and writer is not None:
            writer.put(lambda history: history.end_session(session_id, record, pain_after))
        self.close()

    def flush(self) -> None:
        """Wait until the session's writes so far are in the history."""
        if self._writer is not None:
            self._writer.flush()

    def close(self) -> None:
        """Wait for the session's writes (safe to call more than once)."""
        writer, self._writer = self._writer, None
        if writer is not None and (problem := writer.finish()) is not None:
            self._give_up(problem)

    def after(self, pain_after: int | None, legs: Legs | None) -> None:
        """The answers asked once the session is over."""
        if self.session_id is not None:
            session_id = self.session_id
            self._try(lambda history: history.set_pain_after(session_id, pain_after))
            self._try(lambda history: history.set_legs(session_id, legs))

    def settle(self) -> Settled | None:
        """The session's light and the programme's decision, once its answers are in."""
        session_id, day = self.session_id, self._day
        if session_id is None or day is None:
            return None
        return self._try(lambda history: settle(history, session_id, day))

    def _try(self, write: Callable[[History], T]) -> T | None:
        if self._history is None:
            return None
        try:
            return write(self._history)
        except HistoryProblem as problem:
            self._give_up(problem)
            return None

    def _give_up(self, problem: HistoryProblem) -> None:
        """Stop writing: the rest of the session runs unsaved, and says why."""
        self.problem = str(problem)
        self._history = None
