"""``corecli today`` as lines of text: plain, so it reads the same in a pipe."""

from __future__ import annotations

from corecli.agenda import Agenda
from corecli.errors import visible
from corecli.learn import card_lines
from corecli.text import format_day


def today_lines(agenda: Agenda) -> list[str]:
    day = agenda.day
    standing = agenda.standing
    where = standing.describe() if standing else "acute, base dose (not set up yet)"
    reason = agenda.reason.removeprefix(f"{where}: ")
    lines = [
        f"Today, {day:%a} {format_day(day)}",
        f"Programme: {where}"
        + (f" (in {standing.phase} since {format_day(standing.began)})" if standing else ""),
        f"  Why: {visible(reason)}",
        "",
        "Due today:",
    ]
    for item in agenda.due:
        mark = "done" if item.done else "to do"
        command = "" if item.done else f"  ({item.command})"
        lines.append(f"  [{mark}] {visible(item.label)}{command}")
    lines.extend(f"  {visible(note)}" for note in agenda.notes if not note.startswith("Left out"))
    if agenda.checkin is not None:
        lines += ["", f"Check-in: {agenda.checkin.question()}", f"  {agenda.checkin.command(day)}"]
    for cleared in agenda.cleared:
        lines.append(
            f"Cleared by a clinician: {cleared.flag} on {format_day(cleared.on)};"
            f" asked again from {format_day(cleared.until)}"
        )
    if agenda.review:
        lines += ["", f"Review: {agenda.review}"]
    if agenda.card is not None:
        lines += ["", *card_lines(agenda.card)]
    return lines
