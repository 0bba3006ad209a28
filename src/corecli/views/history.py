"""Past sessions as plain text and data: JSON and CSV, the cells of the history
table, and ``corecli history``'s one-line messages. No Rich is needed here, so
exports and a history with nothing in it print at once."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from corecli.errors import visible
from corecli.programme import WALK_GOAL_MAX, walking_goals, week_start
from corecli.store.history import SessionRow
from corecli.vocab import Ending

ENDING_WORD = {  # short: the history table must fit 80 columns
    Ending.finished: "",
    Ending.quit: "stopped",
    Ending.interrupted: "stopped",
    Ending.terminated: "stopped",
}
NO_END = "cut off"  # no end recorded: the process died (or is still running)
FIELDS = (
    "id",
    "started",
    "ended",
    "ending",
    "routine",
    "phase",
    "condition",
    "planned_s",
    "active_s",
    "total_s",
    "done",
    "items",
    "pain_before",
    "pain_after",
    "pain_next_day",
    "light",
)


def session_record(row: SessionRow) -> dict[str, object]:
    """One session as plain data for JSON and CSV, in FIELDS order."""
    return {
        "id": row.id,
        "started": row.started.isoformat(),
        "ended": row.ended.isoformat() if row.ended else None,
        "ending": row.ending.value if row.ending else None,
        "routine": row.routine,
        "phase": row.phase.value,
        "condition": row.condition.value,
        "planned_s": row.planned_s,
        "active_s": row.active_s,
        "total_s": row.total_s,
        "done": row.done,
        "items": row.items,
        "pain_before": row.pain_before,
        "pain_after": row.pain_after,
        "pain_next_day": row.pain_next_day,
        "light": row.light.value if row.light else None,
    }


def sessions_csv(rows: Sequence[SessionRow]) -> str:
    """CSV of the sessions; control characters in names are written out (``\\x1b``)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(session_record(row) | {"routine": visible(row.routine)})
    return out.getvalue()


def pain_text(row: SessionRow) -> str:
    """``2 → 3``, with the next morning's score when there is one: ``2 → 3 → 4``."""
    scores = [row.pain_before, row.pain_after]
    if row.pain_next_day is not None:
        scores.append(row.pain_next_day)
    if all(score is None for score in scores):
        return ""
    return " → ".join("–" if score is None else str(score) for score in scores)


def completion_text(row: SessionRow) -> str:
    text = f"{row.done}/{row.items}"
    if row.ending is None:
        return f"{text} {NO_END}"
    word = ENDING_WORD[row.ending]
    return f"{text} {word}" if word else text


def walking_line(walked: dict[date, int], today: date) -> str:
    """``Walking this week: 40 of 75 minutes (building up to 150 a week)``."""
    this_week = week_start(today)
    goal = walking_goals(walked, today)[this_week]
    line = f"Walking this week: {walked.get(this_week, 0)} of {goal} minutes"
    return line if goal == WALK_GOAL_MAX else f"{line} (building up to {WALK_GOAL_MAX} a week)"


def nothing_shown(total: int) -> str:
    """What ``corecli history`` says when no session is shown."""
    return "No sessions in that time." if total else "No sessions yet. Start one with: corecli run"
