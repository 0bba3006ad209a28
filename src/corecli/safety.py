"""The red-flag screen: signs that back pain needs a doctor, not exercises.

Asked before the first session and again once a week has passed since the last
all-clear. Any "yes" stops corecli with advice to get care; the first three
signs can mean pressure on the nerves at the base of the spine, which is an
emergency.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

VALID_FOR = timedelta(days=7)


class RedFlag(NamedTuple):
    id: str
    question: str
    emergency: bool


RED_FLAGS = (
    RedFlag("bladder-bowel", "Any new trouble controlling your bladder or bowels?", True),
    RedFlag(
        "saddle-numbness",
        "Any numbness or tingling between your legs, around your buttocks or inner thighs?",
        True,
    ),
    RedFlag("leg-weakness", "A leg getting weaker, or pain running down both legs?", True),
    RedFlag("fever-weight-loss", "A fever, or weight loss you cannot explain?", False),
    RedFlag("fall-accident", "A recent fall, accident or blow to your back?", False),
    RedFlag("cancer", "Have you ever had cancer?", False),
    RedFlag("night-pain", "Pain at night that never lets up, whatever position you lie in?", False),
)


class Screening(NamedTuple):
    """One answering of the screen: when, and question id -> True for "yes"."""

    at: datetime
    answers: dict[str, bool]

    @property
    def clear(self) -> bool:
        return not any(self.answers.values())


EMERGENCY_ADVICE = (
    "Get emergency care now: call your local emergency number or go to an emergency"
    " department. These signs can mean pressure on the nerves at the base of the spine,"
    " which needs treatment within hours. Do not exercise."
)
DOCTOR_ADVICE = (
    "See a doctor before you exercise, today or as soon as you can, and tell them about"
    " your back pain and this sign. Exercises can wait until they have checked you."
)


def screen_due(last: Screening | None, now: datetime) -> bool:
    """A screen is due with none on record, after a "yes", or a week after the last one."""
    return last is None or not last.clear or now - last.at >= VALID_FOR


def advice_for(answers: dict[str, bool]) -> str | None:
    """What to do after the screen: None when every answer is "no"."""
    yes = [flag for flag in RED_FLAGS if answers.get(flag.id)]
    if not yes:
        return None
    return EMERGENCY_ADVICE if any(flag.emergency for flag in yes) else DOCTOR_ADVICE


def all_clear() -> dict[str, bool]:
    """Answers for a person who says none of the signs apply (``--screened``)."""
    return {flag.id: False for flag in RED_FLAGS}
