"""The red-flag screen's grades and when it is due, against CLINICAL.md §3.1."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from corecli.safety import (
    BY_ID,
    CLEARABLE,
    DOCTOR_ADVICE,
    EMERGENCY_ADVICE,
    RED_FLAGS,
    Clearance,
    Grade,
    Recent,
    Screening,
    all_clear,
    live,
    screen_due,
    verdict,
)
from corecli.vocab import Light

NOW = datetime(2026, 11, 18, 9, 30)

# Every row of CLINICAL.md §3.1's table, and the questions that ask about it.
ROWS = {
    "bladder dysfunction": ["bladder"],
    "bowel dysfunction": ["bowel"],
    "saddle numbness": ["saddle"],
    "sexual dysfunction, genital numbness": ["sexual"],
    "new or worsening symptoms in both legs": ["both-legs"],
    "progressive weakness, foot drop, spreading numbness": ["weakness"],
    "age under 20 or over 50 with new pain": ["age"],
    "history of cancer": ["cancer"],
    "unexplained weight loss": ["weight-loss"],
    "fever, feeling unwell": ["unwell"],
    "drugs injected, weak immunity, recent infection or procedure": ["infection"],
    "trauma, or minor trauma with osteoporosis": ["trauma"],
    "long-term steroids, osteoporosis": ["osteoporosis"],
    "constant night pain": ["night-pain"],
    "thoracic pain": ["upper-back"],
    "inflammatory back pain": ["inflammatory"],
    "gait disturbance or hand symptoms": ["gait-hands"],
}
GRADES = {
    Grade.emergency: {"bladder", "bowel", "saddle", "sexual", "both-legs", "weakness"},
    Grade.doctor: {
        *("cancer", "weight-loss", "unwell", "infection", "trauma", "age"),
        *("night-pain", "upper-back", "gait-hands"),
    },
    Grade.physio: {"osteoporosis", "inflammatory"},
}


def test_every_row_of_the_table_is_asked_and_graded() -> None:
    asked = [flag for row in ROWS.values() for flag in row]
    assert sorted(asked) == sorted(flag.id for flag in RED_FLAGS)
    for grade, ids in GRADES.items():
        assert {f.id for f in RED_FLAGS if f.grade is grade} == ids
    assert all(flag.question.endswith("?") or flag.question.endswith(".)") for flag in RED_FLAGS)


def test_both_legs_asks_about_new_or_worsening_symptoms_not_long_standing_stenosis() -> None:
    question = BY_ID["both-legs"].question
    assert "new, or getting worse" in question
    assert "Long-standing symptoms in both legs that are not changing are not this" in question


@pytest.mark.parametrize("flag", [f.id for f in RED_FLAGS])
def test_each_yes_gets_the_advice_of_its_grade(flag: str) -> None:
    found = verdict(all_clear() | {flag: True}, {})
    grade = BY_ID[flag].grade
    if grade is Grade.emergency:
        assert (found.advice, found.grade) == (EMERGENCY_ADVICE, Grade.emergency)
    elif grade is Grade.doctor:
        assert found.advice is not None and found.advice.startswith(DOCTOR_ADVICE)
        assert found.advice.endswith(f"corecli screen --cleared {flag}")
        assert found.blocking == (flag,)
    else:  # physio: a note, and exercise goes on
        assert found.advice is None
        assert len(found.notes) == 1


def test_an_emergency_sign_stops_even_with_everything_else_cleared() -> None:
    cleared = {flag: Clearance(flag, NOW.date()) for flag in CLEARABLE}
    answers = dict.fromkeys(BY_ID, True)
    assert verdict(answers, cleared).advice == EMERGENCY_ADVICE
    assert verdict(answers | dict.fromkeys(GRADES[Grade.emergency], False), cleared).advice is None


def test_a_clearance_holds_three_months() -> None:
    clearance = Clearance("cancer", date(2026, 11, 18))
    assert clearance.until == date(2027, 2, 17)
    assert live([clearance], date(2027, 2, 16)) == {"cancer": clearance}
    assert live([clearance], date(2027, 2, 17)) == {}


def screening(days_ago: int, **yes: bool) -> Screening:
    return Screening(NOW - timedelta(days=days_ago), all_clear() | yes)


@pytest.mark.parametrize(
    ("last", "cleared", "recent", "due"),
    [
        (None, {}, Recent(), "before your first session"),
        (screening(6), {}, Recent(), None),
        (screening(7), {}, Recent(), "a week since the last time"),
        (screening(1, cancer=True), {}, Recent(), "a sign from last time has not been cleared"),
        (screening(1, cancer=True), {"cancer": Clearance("cancer", NOW.date())}, Recent(), None),
        (screening(1, osteoporosis=True), {}, Recent(), None),  # changes the plan only
        (
            screening(2),
            {},
            Recent([Light.green, Light.red], [3, None], date(2026, 11, 17)),
            "after the red session of 17 Nov",
        ),
        (screening(2), {}, Recent([Light.green], [7]), "after a morning of 7 or more"),
        (screening(2), {}, Recent([Light.green], [6]), None),
        (
            screening(3),
            {},
            Recent([Light.green, Light.amber, Light.amber, None, Light.amber]),
            "after three amber sessions in a row",
        ),
        (screening(3), {}, Recent([Light.amber, Light.amber, Light.green]), None),
    ],
)
def test_when_the_screen_is_due(
    last: Screening | None,
    cleared: dict[str, Clearance],
    recent: Recent,
    due: str | None,
) -> None:
    assert screen_due(last, NOW, cleared, recent) == due
