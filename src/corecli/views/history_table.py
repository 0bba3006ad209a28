"""``corecli history`` as a table: one row per session, a footer counting them, and
this week's walking."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from corecli.errors import visible
from corecli.store.history import SessionRow
from corecli.text import format_duration
from corecli.views.history import completion_text, pain_text, walking_line
from corecli.vocab import Light

LIGHT_STYLE = {Light.green: "green", Light.amber: "yellow", Light.red: "bold red"}


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
    footer = f"{len(rows)} of {total} sessions"
    if paged and len(rows) < total:
        footer += " · more with --limit N or --since DATE"
    parts: list[RenderableType] = [history_table(rows), Text(footer, style="dim")]
    if walked:
        parts.append(Text(walking_line(walked, today)))
    return Group(*parts)
