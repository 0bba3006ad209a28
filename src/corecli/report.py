"""Looking back: the history table, its JSON and CSV, and the stats view.

Figures come from ``history.py`` and rules from ``progress.py``; this module
only lays them out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from corecli.errors import visible
from corecli.history import SessionRow
from corecli.units import format_duration
from corecli.vocab import Ending, Light

LIGHT_STYLE = {Light.green: "green", Light.amber: "yellow", Light.red: "bold red"}
ENDING_WORD = {  # short: the history table must fit 80 columns
    Ending.finished: "",
    Ending.quit: "stopped",
    Ending.interrupted: "stopped",
    Ending.terminated: "stopped",
}
NO_END = "cut off"  # no end recorded: the process died (or is still running)
SPARKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 30
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


def sparkline(values: Sequence[int], top: int = 10) -> str:
    """One block character per value, 0 to ``top``."""
    last = len(SPARKS) - 1
    return "".join(SPARKS[round(min(max(v, 0), top) / top * last)] for v in values)


def bar(value: int, most: int, width: int = BAR_WIDTH) -> str:
    if most <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(value / most * width))


@dataclass(frozen=True)
class Stats:
    """Everything ``corecli stats`` shows, already counted."""

    sessions: int
    streak_days: int
    per_week: dict[date, int]  # Monday -> sessions, oldest first
    pain_after: list[int]  # oldest first
    walking: dict[date, tuple[int, int]]  # Monday -> (minutes, goal), oldest first
    skipped: list[tuple[str, int]]
    hurt: list[tuple[str, int]]
    flagged: list[str]


def stats_view(stats: Stats, name_of: dict[str, str]) -> RenderableType:
    """`corecli stats`: streak, weekly bars, the pain sparkline, walking, trouble spots."""
    parts: list[RenderableType] = []
    days = "day" if stats.streak_days == 1 else "days"
    parts.append(
        Text.assemble(
            ("Sessions: ", "bold"),
            f"{stats.sessions} in all · current streak {stats.streak_days} {days} in a row",
        )
    )
    parts.append(Text("\nSessions per week", style="bold"))
    if stats.sessions:
        parts.append(_week_bars(stats.per_week))
    else:
        parts.append(Text("No sessions yet: corecli run starts one.", style="dim"))
    parts.append(Text("\nPain after sessions (0-10, oldest first)", style="bold"))
    if stats.pain_after:
        recent = stats.pain_after[-40:]
        parts.append(
            Text(
                f"{sparkline(recent)}  last {recent[-1]}, lowest {min(recent)},"
                f" highest {max(recent)} over {len(recent)} check-ins"
            )
        )
    else:
        parts.append(Text("No pain check-ins yet.", style="dim"))
    parts.append(Text("\nWalking per week (minutes against the goal)", style="bold"))
    walked = {week: figures for week, figures in stats.walking.items() if figures[0]}
    if walked:  # from the first week with a walk
        first = min(walked)
        parts.append(_walking({w: f for w, f in stats.walking.items() if w >= first}))
    else:
        parts.append(Text("No walks logged yet: corecli walk MINUTES.", style="dim"))
    for title, counted in (("Most skipped", stats.skipped), ("Most often hurt", stats.hurt)):
        if counted:
            listed = ", ".join(f"{visible(name_of.get(e, e))} ({n})" for e, n in counted)
            parts.append(Text.assemble((f"\n{title}: ", "bold"), listed))
    if stats.flagged:
        listed = ", ".join(visible(name_of.get(e, e)) for e in stats.flagged)
        parts.append(
            Text.assemble(("\nLeft out of plans: ", "bold"), listed, " (corecli unflag ID)")
        )
    return Group(*parts)


def _week_bars(weeks: dict[date, int]) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    most = max(weeks.values(), default=0)
    for monday, count in weeks.items():
        table.add_row(f"{monday:%d %b}", str(count), bar(count, most))
    return table


def _walking(weeks: dict[date, tuple[int, int]]) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    for monday, (minutes, goal) in weeks.items():
        filled = min(BAR_WIDTH, round(minutes / goal * BAR_WIDTH)) if goal else 0
        met = "met" if minutes >= goal else ""
        table.add_row(
            f"{monday:%d %b}",
            f"{minutes} / {goal} min",
            Text("█" * filled, style="green" if met else "")
            + Text("░" * (BAR_WIDTH - filled), style="dim"),
            met,
        )
    return table
