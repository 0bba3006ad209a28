"""The history as a session sees it: what the plan and the screen read before it
starts, and the writes as it goes, which never stop the session.

If the history cannot be written (a read-only folder, a full disk), the session
goes on and ``problem`` says why it was not saved.
"""

from __future__ import annotations

import contextlib
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


class SessionLog:
    """The history a session writes to, or None with the reason it cannot."""

    def __init__(self, history: History | None, problem: str | None = None) -> None:
        self._history = history
        self.problem = problem if history is None else None
        self.session_id: int | None = None
        self._day: date | None = None  # the session's date, for flags

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

    def item(self, position: int, item: ItemRecord) -> None:
        session_id, day = self.session_id, self._day
        if session_id is not None and day is not None:
            self._try(lambda history: history.save_item(session_id, position, item, day))

    def end(self, record: SessionRecord, pain_after: int | None) -> None:
        if self.session_id is not None:
            session_id = self.session_id
            self._try(lambda history: history.end_session(session_id, record, pain_after))

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
