"""The traffic light against the person's own baseline (CLINICAL.md §3.2), written out
by hand: the change from before (else from usual pain), the next morning, the x key
and, for disc and sciatica, where leg symptoms went."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corecli.pain import Judgement, PainReport, change, judge, light_line
from corecli.vocab import Legs, Light

GREEN, AMBER, RED = Light.green, Light.amber, Light.red

CASES = [
    # (report, light, first reason)
    (PainReport(2, 3), GREEN, "pain up 1, from 2 to 3 after the session"),
    (PainReport(6, 6), GREEN, "pain unchanged at 6 after the session"),  # persistent pain
    (PainReport(7, 4), GREEN, "pain down 3, from 7 to 4 after the session"),
    (PainReport(5, 4), GREEN, "pain down 1, from 5 to 4 after the session"),
    (PainReport(3, 5), AMBER, "pain up 2, from 3 to 5 after the session"),
    (PainReport(1, 4), RED, "pain up 3, from 1 to 4 after the session"),
    (PainReport(8, 8), AMBER, "pain unchanged at 8 after the session, but high"),
    # No score before: the person's usual pain is the baseline.
    (PainReport(None, 6, usual=6), GREEN, "pain unchanged at 6 after, against your usual pain"),
    (PainReport(None, 8, usual=5), RED, "pain up 3, from 5 to 8 after, against your usual pain"),
    # Nothing to compare with: the clinic's absolute zones.
    (PainReport(None, 3), GREEN, "pain 3 after the session"),
    (PainReport(None, 5), AMBER, "pain 5 after the session"),
    (PainReport(None, 6), RED, "pain 6 after the session"),
    # The next morning: settled, or not.
    (PainReport(4, 4, next_morning=4), GREEN, "pain unchanged at 4 after the session"),
    (PainReport(4, 4, next_morning=6), RED, "not settled by the next morning (up 2, from 4 to 6)"),
    (PainReport(4, 5, next_morning=5), GREEN, "pain up 1, from 4 to 5 after the session"),
    (PainReport(None, 2, next_morning=9), RED, "pain 9 the next morning"),  # U1: never green
    (PainReport(None, None, next_morning=9), RED, "pain 9 the next morning"),
    (PainReport(6, 6, next_morning=7), AMBER, "the next morning up 1, from 6 to 7, and high"),
    # The x key and the legs.
    (PainReport(3, 3, hurt=1), AMBER, "you marked one exercise as hurting"),
    (PainReport(3, 3, hurt=2), RED, "you marked 2 exercises as hurting"),
    (PainReport(4, 5, legs=Legs.further), RED, "leg symptoms spread further down the leg"),
    (PainReport(4, 5, legs=Legs.back), GREEN, "pain up 1, from 4 to 5 after the session"),
]


@pytest.mark.parametrize(("report", "light", "reason"), CASES)
def test_the_light_and_its_first_reason(report: PainReport, light: Light, reason: str) -> None:
    judgement = judge(report)
    assert judgement.light is light
    assert judgement.reasons[0] == reason


def test_good_news_about_the_legs_is_said() -> None:
    judgement = judge(PainReport(5, 6, legs=Legs.back))
    assert judgement.reasons == (
        "pain up 1, from 5 to 6 after the session",
        "leg symptoms moved toward the back, a good sign",
    )


def test_nothing_said_gives_no_light() -> None:
    assert judge(PainReport()) == Judgement(None, ())
    assert judge(PainReport(before=4, usual=3)) == Judgement(None, ())
    assert light_line(Judgement(None, ())) == "No pain scores given, so no light for this session."


def test_the_line_says_why_and_what_to_do() -> None:
    assert light_line(judge(PainReport(3, 5))) == (
        "Amber: pain up 2, from 3 to 5 after the session. Keep to this dose until it settles;"
        " it is fine to go on."
    )


@given(st.integers(0, 10), st.integers(0, 10))
def test_rose_is_never_said_when_pain_fell(start: int, end: int) -> None:
    words = change(start, end)
    if end < start:
        assert words.startswith("down ")
    elif end > start:
        assert words.startswith("up ")
    else:
        assert words == f"unchanged at {end}"
    line = light_line(judge(PainReport(start, end)))
    assert "rose" not in line
    if end <= start and end < 7:
        assert line.startswith("Green: ")
