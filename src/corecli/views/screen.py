"""``corecli screen --list``: the questions, each with its grade, as lines or JSON."""

from __future__ import annotations

import json

from corecli.safety import RED_FLAGS, Grade

GRADE_WORDS = {
    Grade.emergency: "emergency care now",
    Grade.doctor: "see a doctor first",
    Grade.physio: "tell your physio; the plan changes",
}


def screen_lines() -> list[str]:
    lines = []
    for number, flag in enumerate(RED_FLAGS, 1):
        lines.append(f"{number}. {flag.question}")
        lines.append(f"   [{GRADE_WORDS[flag.grade]}; id {flag.id}: {flag.covers}]")
    return lines


def screen_json() -> str:
    rows = [
        {"id": f.id, "question": f.question, "grade": f.grade.value, "covers": f.covers}
        for f in RED_FLAGS
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)
