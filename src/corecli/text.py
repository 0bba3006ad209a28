"""Numbers, durations, days and lists written the way a person reads them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date


def format_duration(seconds: int) -> str:
    """``45`` -> ``45 s``, ``600`` -> ``10 min``, ``90`` -> ``1 min 30 s``."""
    if seconds < 60:
        return f"{seconds} s"
    minutes, rest = divmod(seconds, 60)
    if minutes >= 60:
        hours, minutes = divmod(minutes, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def format_span(low: int, high: int | None) -> str:
    """A duration or a range to build up to: ``10–60 s``, ``2–5 min``, ``30 s–3 min``."""
    if high is None or high == low:
        return format_duration(low)
    if high <= 120:
        return f"{low}–{high} s"
    if low % 60 == 0 and high % 60 == 0 and high < 3600:
        return f"{low // 60}–{high // 60} min"
    return f"{format_duration(low)}–{format_duration(high)}"


def times_a_day(count: int) -> str:
    return {1: "once a day", 2: "twice a day"}.get(count, f"{count} times a day")


def format_day(day: date) -> str:
    """``18 Nov``: a recent day in a sentence."""
    return f"{day.day} {day:%b}"


def plural(count: int, word: str) -> str:
    """``1 exercise``, ``3 exercises``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def or_list(words: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " or " + words[-1]
