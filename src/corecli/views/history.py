"""Past sessions as ``corecli history`` prints them: a table, JSON or CSV.

Rows come from ``store/history.py``; this module only lays them out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from corecli.errors import visible
from corecli.programme import WALK_GOAL_MAX, walking_goals, week_start
from corecli.store.history import SessionRow
from corecli.text import format_duration
from corecli.vocab import Ending, Light

LIGHT_STYLE = {Light.green: "green", Light.amber: "yellow", Light.red: "bold red"}
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


def light_text(light: Light | None) -> Text:
    if light is None:
        return Text("")
    return Text(light.value, style=LIGHT_STYLE[light])


def history_table(rows: Sequence[SessionRow]) -> Table:
    table = Table(box=None, header_style="bold", pad_edge=False, padding=(0, 1, 0, 0))
    table.add_column("date", no_wrap=True)
    table.add_column("routine", overflow="fold", ratio=1, min_width=12)
    table.add_column("phase", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("done", no_wrap=True)
    table.add_column("pain", no_wrap=True)
    table.add_column("light")
    for row in rows:
        table.add_row(
            f"{row.started:%d %b %Y %H:%M}",
            Text(visible(row.routine)),
            row.phase.value,
            _minutes(row.total_s) if row.ending else "–",
            completion_text(row),
            pain_text(row),
            light_text(row.light),
        )
    return table


def _minutes(seconds: float) -> str:
    """Whole minutes from a minute up (``12 min``), seconds below (``45 s``)."""
    return format_duration(round(seconds) if seconds < 60 else round(seconds / 60) * 60)


def history_page(
    rows: Sequence[SessionRow],
    total: int,
    walked: dict[date, int],
    today: date,
    *,
    paged: bool,
) -> RenderableType:
    """``corecli history``: the sessions shown (``paged``: the newest 20 by default) with a
    footer counting them, and this week's walking."""
    parts: list[RenderableType] = []
    if not rows:
        parts.append(
            Text(
                "No sessions yet. Start one with: corecli run"
                if not total
                else "No sessions in that time."
            )
        )
    else:
        footer = f"{len(rows)} of {total} sessions"
        if paged and len(rows) < total:
            footer += " · more with --limit N or --since DATE"
        parts += [history_table(rows), Text(footer, style="dim")]
    if walked:
        parts.append(Text(walking_line(walked, today)))
    return Group(*parts)


def walking_line(walked: dict[date, int], today: date) -> str:
    """``Walking this week: 40 of 75 minutes (building up to 150 a week)``."""
    this_week = week_start(today)
    goal = walking_goals(walked, today)[this_week]
    line = f"Walking this week: {walked.get(this_week, 0)} of {goal} minutes"
    return line if goal == WALK_GOAL_MAX else f"{line} (building up to {WALK_GOAL_MAX} a week)"
