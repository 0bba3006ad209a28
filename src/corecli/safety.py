"""The red-flag screen: signs that back pain needs a doctor, not exercises.

Each question has a grade. Emergency: the signs of pressure on the nerves at the
base of the spine (cauda equina) or a fast-failing nerve, which need care within
hours. Doctor: signs of a cause other than a strained back (a tumour, an
infection, a fracture, inflammation), to be checked before exercising; a
clinician can clear one, and corecli then asks again after three months or when
the answer changes. Physio: things a physiotherapist would want to know that
change the plan (osteoporosis: no loaded or end-range bending forward) without
stopping it. The rows follow CLINICAL.md §3.1 (NICE NG59 and CKS, the IFOMPT
framework of Finucane et al. 2020); the words are corecli's own.

Asked before the first session, a week after the last, after a "yes" not yet
cleared, and when the history says so (a red session, a morning of 7 or more,
three ambers in a row).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import NamedTuple

from corecli.vocab import Group, Light

VALID_FOR = timedelta(days=7)
CLEARED_FOR = timedelta(days=91)  # about three months
HIGH_MORNING = 7  # a next-morning score this high brings the screen back
AMBERS_IN_A_ROW = 3


class Grade(StrEnum):
    emergency = "emergency"  # get emergency care now
    doctor = "doctor"  # see a doctor soon, before exercising
    physio = "physio"  # tell your physiotherapist; the plan changes


class RedFlag(NamedTuple):
    id: str
    question: str
    grade: Grade
    covers: str  # the recognised flag it asks about, for --list


RED_FLAGS = (
    RedFlag(
        "bladder",
        "Any new change in passing urine: trouble starting or stopping, a weak flow,"
        " not feeling it pass or not feeling your bladder is full, or leaking?",
        Grade.emergency,
        "bladder dysfunction (cauda equina)",
    ),
    RedFlag(
        "bowel",
        "Any new loss of control of your bowels, or not feeling when you need to go?",
        Grade.emergency,
        "bowel dysfunction (cauda equina)",
    ),
    RedFlag(
        "saddle",
        "Numbness or pins and needles between your legs, around your back passage or"
        " genitals, or on your inner thighs?",
        Grade.emergency,
        "saddle numbness (cauda equina)",
    ),
    RedFlag(
        "sexual",
        "A new loss of sexual function or feeling, such as in erections or sensation?",
        Grade.emergency,
        "sexual dysfunction, genital numbness (cauda equina)",
    ),
    RedFlag(
        "both-legs",
        "Pain, numbness or weakness in both legs that is new, or getting worse?"
        " (Long-standing symptoms in both legs that are not changing are not this.)",
        Grade.emergency,
        "new or worsening symptoms in both legs (cauda equina)",
    ),
    RedFlag(
        "weakness",
        "A leg or foot getting weaker quickly, such as a foot that drops or catches as"
        " you walk, or numbness that keeps spreading?",
        Grade.emergency,
        "progressive weakness, foot drop, spreading numbness",
    ),
    RedFlag(
        "cancer",
        "Have you ever had cancer?",
        Grade.doctor,
        "a past cancer",
    ),
    RedFlag(
        "weight-loss",
        "Have you lost weight without trying or knowing why?",
        Grade.doctor,
        "unexplained weight loss",
    ),
    RedFlag(
        "unwell",
        "A fever or chills, or feeling generally unwell, along with this back pain?",
        Grade.doctor,
        "fever, feeling unwell",
    ),
    RedFlag(
        "infection",
        "Do you inject drugs, or have a weakened immune system (HIV, chemotherapy,"
        " medicines after a transplant), or a recent infection or spinal procedure?",
        Grade.doctor,
        "infection risks",
    ),
    RedFlag(
        "trauma",
        "Did the pain start with a fall, accident or blow, or, if your bones are thin,"
        " with even a small fall, a heavy lift or a strong cough?",
        Grade.doctor,
        "significant trauma, or minor trauma with osteoporosis",
    ),
    RedFlag(
        "age",
        "Is this back pain new to you, and are you under 20 or over 50?",
        Grade.doctor,
        "new pain under 20 or over 50",
    ),
    RedFlag(
        "night-pain",
        "Pain that never lets up and keeps getting worse, at night too, whatever"
        " position you lie in?",
        Grade.doctor,
        "constant, progressive night pain",
    ),
    RedFlag(
        "upper-back",
        "Is the pain mainly in your upper or middle back, around or below your shoulder blades?",
        Grade.doctor,
        "upper or middle back pain",
    ),
    RedFlag(
        "gait-hands",
        "New unsteadiness when you walk, or clumsiness or numbness in your hands?",
        Grade.doctor,
        "gait disturbance or hand symptoms (the spinal cord)",
    ),
    RedFlag(
        "osteoporosis",
        "Do you have osteoporosis, or have you taken steroid tablets for three months or more?",
        Grade.physio,
        "osteoporosis, long-term steroids",
    ),
    RedFlag(
        "inflammatory",
        "Did the pain start before 45 and last over 3 months, with morning stiffness over"
        " half an hour that eases with movement, or waking in the second half of the"
        " night? Or do you have psoriasis, bowel inflammation or eye inflammation?",
        Grade.physio,
        "inflammatory back pain (axial spondyloarthritis)",
    ),
)
BY_ID = {flag.id: flag for flag in RED_FLAGS}
CLEARABLE = frozenset(flag.id for flag in RED_FLAGS if flag.grade is Grade.doctor)

EMERGENCY_ADVICE = (
    "Get emergency care now: call your local emergency number or go to an emergency"
    " department. These signs can mean pressure on the nerves at the base of the spine,"
    " which needs treatment within hours. Do not exercise."
)
DOCTOR_ADVICE = (
    "See a doctor before you exercise, today or as soon as you can, and tell them about"
    " your back pain and this sign. Exercises can wait until they have checked you."
)


def doctor_advice(blocking: Sequence[str]) -> str:
    """The advice for doctor-level signs, saying how to record a clinician's clearance."""
    cleared = " ".join(f"--cleared {flag}" for flag in blocking)
    return (
        f"{DOCTOR_ADVICE} If a clinician has checked it and cleared you to exercise,"
        f" record that with: corecli screen {cleared}"
    )


PHYSIO_NOTES = {
    "osteoporosis": "Osteoporosis or steroids: plans leave out loaded and end-range bending"
    " forward. Tell your physiotherapist or doctor.",
    "inflammatory": "These can be signs of inflammatory back pain, which is treatable: ask"
    " your doctor about it at a routine appointment. Exercise suits it well; carry on.",
}


class Screening(NamedTuple):
    """One answering of the screen: when, and question id -> True for "yes"."""

    at: datetime
    answers: dict[str, bool]

    @property
    def clear(self) -> bool:
        return not any(self.answers.values())

    def yes(self, grade: Grade) -> list[RedFlag]:
        return [flag for flag in RED_FLAGS if self.answers.get(flag.id) and flag.grade is grade]


class Clearance(NamedTuple):
    """A clinician checked a "yes" and cleared exercise, on ``on``."""

    flag: str
    on: date

    @property
    def until(self) -> date:
        return self.on + CLEARED_FOR


def live(clearances: Iterable[Clearance], today: date) -> dict[str, Clearance]:
    """The clearances still in date, by question."""
    return {c.flag: c for c in clearances if c.on <= today < c.until}


class Verdict(NamedTuple):
    """What the answers mean: stop (with advice) or go on, and notes for the plan."""

    advice: str | None  # None: go on
    grade: Grade | None
    notes: list[str]
    blocking: tuple[str, ...] = ()  # doctor-level signs not cleared


def verdict(answers: Mapping[str, bool], cleared: Mapping[str, Clearance]) -> Verdict:
    """Emergency signs stop everything; a doctor-level "yes" stops unless a clinician
    cleared it; physio-level ones only change the plan."""
    yes = [flag for flag in RED_FLAGS if answers.get(flag.id)]
    notes = [PHYSIO_NOTES[flag.id] for flag in yes if flag.grade is Grade.physio]
    if any(flag.grade is Grade.emergency for flag in yes):
        return Verdict(EMERGENCY_ADVICE, Grade.emergency, notes)
    blocking = tuple(f.id for f in yes if f.grade is Grade.doctor and f.id not in cleared)
    if blocking:
        return Verdict(doctor_advice(blocking), Grade.doctor, notes, blocking)
    return Verdict(None, None, notes)


class Recent(NamedTuple):
    """What the history says since the last screen, oldest first."""

    lights: Sequence[Light | None] = ()
    mornings: Sequence[int | None] = ()
    last_red: date | None = None


NOTHING_RECENT = Recent()


def screen_due(
    last: Screening | None,
    now: datetime,
    cleared: Mapping[str, Clearance] | None = None,
    recent: Recent = NOTHING_RECENT,
) -> str | None:
    """Why the screen is due now, or None: never answered, a week gone, a "yes" that
    still stops exercise, or the history since (a red, a bad morning, ambers)."""
    if last is None:
        return "before your first session"
    if verdict(last.answers, cleared or {}).advice is not None:
        return "a sign from last time has not been cleared"
    if now - last.at >= VALID_FOR:
        return "a week since the last time"
    if recent.last_red is not None:
        return f"after the red session of {recent.last_red.day} {recent.last_red:%b}"
    if any(m is not None and m >= HIGH_MORNING for m in recent.mornings):
        return f"after a morning of {HIGH_MORNING} or more"
    judged = [light for light in recent.lights if light is not None]
    if len(judged) >= AMBERS_IN_A_ROW and all(
        light is Light.amber for light in judged[-AMBERS_IN_A_ROW:]
    ):
        return "after three amber sessions in a row"
    return None


def all_clear() -> dict[str, bool]:
    """Answers for a person who says none of the signs apply (``--screened``)."""
    return {flag.id: False for flag in RED_FLAGS}


def groups_from(answers: Mapping[str, bool]) -> frozenset[Group]:
    """The programme groups a "yes" adds (osteoporosis, as in corecli start)."""
    return frozenset({Group.osteoporosis} if answers.get("osteoporosis") else set())
