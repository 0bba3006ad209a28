"""Short education cards: what the evidence says about back pain, in a few lines each,
with the source named. One is shown at natural moments (the end of a session,
``corecli today``); ``corecli learn`` lists them all.

The words are corecli's own; each card names where its facts come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from corecli.vocab import PlanCondition


class Card(NamedTuple):
    id: str
    title: str
    text: str
    source: str
    only_for: frozenset[PlanCondition] = frozenset()  # empty: for everyone


CARDS = (
    Card(
        "common",
        "Back pain is common, and rarely serious",
        "Most people have low back pain at some time. It nearly always comes from the"
        " muscles, joints and ligaments of the back, not from damage that needs an"
        " operation, and scans are seldom needed to treat it.",
        "NICE guideline NG59, 2016",
    ),
    Card(
        "hurt-not-harm",
        "Hurt is not harm",
        "Pain is an alarm, and with a sore back the alarm is often set too sensitive."
        " Feeling some pain as you move does not mean you are doing damage: move within"
        " what you can manage, and let it settle by the next morning.",
        "Moseley and Butler, Explain Pain, 2013",
    ),
    Card(
        "keep-active",
        "Keep active",
        "Carrying on with your day, work included, helps back pain settle sooner than"
        " resting it. Bed rest slows recovery; short spells lying down to ease the pain"
        " are fine.",
        "NICE guideline NG59, 2016; Cochrane review of bed rest, Dahm et al. 2010",
    ),
    Card(
        "walking",
        "Walking helps",
        "In a large trial, people who built up to regular walks over six months went"
        " about twice as long before their back pain came back as those who did not.",
        "WalkBack trial, Pocovi et al., Lancet 2024",
    ),
    Card(
        "pacing",
        "Pace a bad day",
        "On a bad day do less, but keep doing something: shorter sessions and shorter"
        " walks, more often. Then build back up in small steps set in advance, not by"
        " how the pain feels from hour to hour.",
        "Graded activity: Lindström et al. 1992; Macedo et al. 2012",
    ),
    Card(
        "sitting",
        "Break up long sitting",
        "Stand up and move for a minute or two every half hour to an hour of sitting."
        " Changing position often matters more than finding one perfect posture.",
        "NICE guideline NG59, 2016 (staying active)",
    ),
    Card(
        "sleep",
        "Sleep in the position that eases you",
        "No one sleeping position is best for everyone. A pillow between the knees when"
        " lying on your side, or under the knees on your back, eases many backs.",
        "Cary, Briffa and McKenna, a scoping review of sleep posture, BMJ Open 2019",
    ),
    Card(
        "stenosis-walking",
        "Walking with stenosis",
        "If walking upright brings on leg pain or heaviness, bending a little forward"
        " eases it: lean on a trolley or use walking poles, or cycle. Both count toward"
        " your walking.",
        "North American Spine Society guideline on lumbar stenosis, 2011",
        frozenset({PlanCondition.stenosis, PlanCondition.spondylolisthesis}),
    ),
)
BY_ID = {card.id: card for card in CARDS}


def cards_for(condition: PlanCondition) -> list[Card]:
    return [card for card in CARDS if not card.only_for or condition in card.only_for]


def card_of_the_day(day: date, condition: PlanCondition) -> Card:
    """One card, the same all day, a different one the next (the condition's own too)."""
    cards = cards_for(condition)
    return cards[day.toordinal() % len(cards)]


def card_lines(card: Card) -> list[str]:
    return [f"{card.title}: {card.text}", f"  (Source: {card.source}. More: corecli learn)"]


def all_lines(cards: Sequence[Card]) -> list[str]:
    lines: list[str] = []
    for card in cards:
        lines += [f"{card.title}  [{card.id}]", f"  {card.text}", f"  Source: {card.source}", ""]
    return lines[:-1]
