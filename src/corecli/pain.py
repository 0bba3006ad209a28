"""A session's traffic light, judged against the person's own pain.

The pain-monitoring model physiotherapists use (Silbernagel et al. 2007, adapted
for back pain): pain may rise a little during exercise if it settles by the next
morning. What matters is the change from where the person started (the score
before the session, else their usual pain), not an absolute ceiling, so someone
whose back always sits at 6 can still progress. A rise of 2 points is about the
smallest change a person notices (Childs et al. 2005), so 1 point is noise.
"""

from __future__ import annotations

from typing import NamedTuple

from corecli.vocab import Legs, Light

RED_RISE = 3  # points above the start after the session
AMBER_RISE = 2
MORNING_RED_RISE = 2  # points above the start the next morning: not settled
HIGH = 7  # pain this high after a session holds the dose, whatever the change
SEVERE = 9  # a morning this bad is red on its own
FALLBACK_AMBER = 4  # with nothing to compare with: the clinic's absolute zones
FALLBACK_RED = 6

SEVERITY = {Light.green: 0, Light.amber: 1, Light.red: 2}


class PainReport(NamedTuple):
    """What a person said about one session, 0-10 scores, None where not given."""

    before: int | None = None
    after: int | None = None
    usual: int | None = None  # their usual pain, from corecli start
    next_morning: int | None = None
    hurt: int = 0  # exercises marked "this hurts" (x)
    legs: Legs | None = None  # asked for disc and sciatica only

    @property
    def start(self) -> int | None:
        """What the session is compared with: the score before it, else usual pain."""
        return self.before if self.before is not None else self.usual


class Judgement(NamedTuple):
    """A light and the plain reasons for it, worst first."""

    light: Light | None  # None: nothing was said to judge by
    reasons: tuple[str, ...]

    @property
    def red(self) -> bool:
        return self.light is Light.red


def change(start: int, end: int) -> str:
    """``up 2, from 4 to 6``, ``down 3, from 7 to 4``, ``unchanged at 5``: never "rose"
    when it fell."""
    if end == start:
        return f"unchanged at {end}"
    way = "up" if end > start else "down"
    return f"{way} {abs(end - start)}, from {start} to {end}"


def judge(report: PainReport) -> Judgement:
    """The light for one session: red to cut the dose, amber to hold, green to go on."""
    found: list[tuple[Light, str]] = []
    start = report.start
    if report.after is not None:
        found.append(_after(start, report.after, usual=report.before is None))
    if report.next_morning is not None:
        found.append(_morning(start, report.next_morning))
    if report.hurt:
        hurt_light = Light.red if report.hurt >= 2 else Light.amber
        what = "one exercise" if report.hurt == 1 else f"{report.hurt} exercises"
        found.append((hurt_light, f"you marked {what} as hurting"))
    if report.legs is Legs.further:
        found.append((Light.red, "leg symptoms spread further down the leg"))
    elif report.legs is Legs.back:
        found.append((Light.green, "leg symptoms moved toward the back, a good sign"))
    if not found:
        return Judgement(None, ())
    found.sort(key=lambda pair: -SEVERITY[pair[0]])
    return Judgement(found[0][0], tuple(reason for _, reason in found))


def _after(start: int | None, after: int, *, usual: bool) -> tuple[Light, str]:
    if start is None:  # no score before and no usual pain: the clinic's absolute zones
        light = (
            Light.red
            if after >= FALLBACK_RED
            else Light.amber
            if after >= FALLBACK_AMBER
            else Light.green
        )
        return light, f"pain {after} after the session"
    words = change(start, after)
    where = "after, against your usual pain" if usual else "after the session"
    rise = after - start
    if rise >= RED_RISE:
        return Light.red, f"pain {words} {where}"
    if rise >= AMBER_RISE:
        return Light.amber, f"pain {words} {where}"
    if after >= HIGH:
        return Light.amber, f"pain {words} {where}, but high"
    return Light.green, f"pain {words} {where}"


def _morning(start: int | None, morning: int) -> tuple[Light, str]:
    if morning >= SEVERE:
        return Light.red, f"pain {morning} the next morning"
    if start is None:
        light = Light.red if morning >= FALLBACK_RED else Light.green
        return light, f"pain {morning} the next morning"
    words = change(start, morning)
    if morning - start >= MORNING_RED_RISE:
        return Light.red, f"not settled by the next morning ({words})"
    if morning >= HIGH and morning > start:
        return Light.amber, f"the next morning {words}, and high"
    return Light.green, f"settled by the next morning ({words})"


ADVICE = {
    Light.green: "Carry on as planned.",
    Light.amber: "Keep to this dose until it settles; it is fine to go on.",
    Light.red: "The next plan cuts the dose. If it has not settled within a day or two,"
    " see a doctor or physiotherapist.",
}


def light_line(judgement: Judgement) -> str:
    """``Amber: pain up 2, from 3 to 5 after the session. Keep to this dose …``"""
    if judgement.light is None:
        return "No pain scores given, so no light for this session."
    reasons = "; ".join(judgement.reasons)
    return f"{judgement.light.value.title()}: {reasons}. {ADVICE[judgement.light]}"
