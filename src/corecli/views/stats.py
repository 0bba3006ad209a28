"""``corecli stats``: the streak, weekly bars, the pain sparkline, walking and trouble spots."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from corecli.errors import visible
from corecli.programme import Decision
from corecli.stats import Stats

SPARKS = "▁▂▃▄▅▆▇█"
BAR_WIDTH = 30


def sparkline(values: Sequence[int], top: int = 10) -> str:
    """One block character per value, 0 to ``top``."""
    last = len(SPARKS) - 1
    return "".join(SPARKS[round(min(max(v, 0), top) / top * last)] for v in values)


def bar(value: int, most: int, width: int = BAR_WIDTH) -> str:
    if most <= 0 or value <= 0:
        return ""
    return "█" * max(1, round(value / most * width))


DECISIONS_SHOWN = 10
CHANGE_WORDS = {"start": "start", "up": "up", "down": "down", "hold": "held", "flare": "flare"}


def stats_view(
    stats: Stats, name_of: dict[str, str], decisions: Sequence[Decision] = ()
) -> RenderableType:
    """`corecli stats`: streak, weekly bars, the pain sparkline, walking, trouble spots,
    and the programme's latest decisions (``decisions`` newest first)."""
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
    if decisions:
        parts.append(Text("\nProgramme decisions (newest first)", style="bold"))
        parts.append(_decisions(decisions[:DECISIONS_SHOWN]))
    return Group(*parts)


def _decisions(decisions: Sequence[Decision]) -> Table:
    table = Table.grid(padding=(0, 2))
    for decision in decisions:
        table.add_row(
            f"{decision.day:%d %b}", CHANGE_WORDS[decision.change.value], visible(decision.reason)
        )
    return table


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
