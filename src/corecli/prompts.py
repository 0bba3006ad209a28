"""Questions asked at the terminal: pain scores and the red-flag screen.

``read`` shows a prompt and returns the line typed (``input`` by default) and
``say`` prints a line, so tests can answer in place of a person.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from corecli.safety import RED_FLAGS, RedFlag
from corecli.vocab import Legs

Read = Callable[[str], str]
Say = Callable[[str], None]
YES = {"y", "yes"}
NO = {"n", "no"}


def ask_pain(when: str, read: Read = input, say: Say = print) -> int | None:
    """A pain score from 0 (none) to 10 (worst imaginable), or None if skipped with Enter."""
    while True:
        answer = read(f"Pain {when}, 0-10 (0 none, 10 worst; Enter to skip): ").strip()
        if not answer:
            return None
        if answer.isascii() and answer.isdigit() and int(answer) <= 10:
            return int(answer)
        say(f"Please type a whole number from 0 to 10, not {answer!r}.")


def ask_yes_no(question: str, read: Read = input, say: Say = print) -> bool:
    while True:
        answer = read(f"{question} [y/n] ").strip().lower()
        if answer in YES:
            return True
        if answer in NO:
            return False
        say("Please answer y or n.")


def ask_screen(reason: str = "", read: Read = input, say: Say = print) -> dict[str, bool]:
    """Ask every red-flag question; returns question id -> True for "yes"."""
    why = f" ({reason})" if reason else ""
    say(f"Before you exercise{why}: do any of these apply? (y or n for each)")
    return {flag.id: ask_yes_no(flag.question, read, say) for flag in RED_FLAGS}


def ask_cleared(flag: RedFlag, read: Read = input, say: Say = print) -> bool:
    return ask_yes_no(
        f"Has a doctor or physiotherapist checked this ({flag.covers}) and cleared you to"
        " exercise?",
        read,
        say,
    )


LEG_ANSWERS = {"f": Legs.further, "s": Legs.same, "b": Legs.back}


def ask_legs(read: Read = input, say: Say = print) -> Legs | None:
    """Where leg symptoms went during the session, or None if skipped with Enter (or
    there were none)."""
    say("Leg pain, tingling or numbness during the session: did it")
    while True:
        answer = (
            read(
                "  spread further down the leg (f), stay the same (s), or move up toward your"
                " back (b)? Enter if you had none: "
            )
            .strip()
            .lower()
        )
        if not answer:
            return None
        if answer[:1] in LEG_ANSWERS and answer.isascii():
            return LEG_ANSWERS[answer[:1]]
        say("Please type f, s or b, or press Enter.")


def ask_choice(question: str, choices: dict[str, str], read: Read = input, say: Say = print) -> str:
    """One of ``choices`` (answer -> what it means), by its number or its key."""
    keys = list(choices)
    say(question)
    for number, meaning in enumerate(choices.values(), 1):
        say(f"  {number}. {meaning}")
    while True:
        answer = read(f"Type 1-{len(keys)}: ").strip().lower()
        if answer.isascii() and answer.isdigit() and 1 <= int(answer) <= len(keys):
            return keys[int(answer) - 1]
        if answer in choices:
            return answer
        say(f"Please type a number from 1 to {len(keys)}.")


def ask_score(question: str, read: Read = input, say: Say = print) -> int:
    """A score from 0 to 10 that must be given."""
    while True:
        answer = read(f"{question}, 0-10 (0 none, 10 worst): ").strip()
        if answer.isascii() and answer.isdigit() and int(answer) <= 10:
            return int(answer)
        say(f"Please type a whole number from 0 to 10, not {answer!r}.")


def ask_words(
    question: str, allowed: list[str], default: list[str], read: Read = input, say: Say = print
) -> list[str]:
    """Words from ``allowed`` (or ``none``), separated by commas or spaces; Enter keeps
    ``default``."""
    say(textwrap.fill(", ".join(allowed), initial_indent="  ", subsequent_indent="  "))
    while True:
        answer = read(f"{question} [Enter: {', '.join(default) or 'none'}]: ").strip().lower()
        if not answer:
            return default
        words = [word for word in answer.replace(",", " ").split() if word]
        if words == ["none"]:
            return []
        unknown = [word for word in words if word not in allowed]
        if not unknown:
            return list(dict.fromkeys(words))
        say(f"Not one of the choices: {', '.join(unknown)}.")
