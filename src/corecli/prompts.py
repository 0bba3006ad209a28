"""Questions asked at the terminal: pain scores and the red-flag screen.

``read`` shows a prompt and returns the line typed (``input`` by default) and
``say`` prints a line, so tests can answer in place of a person.
"""

from __future__ import annotations

from collections.abc import Callable

from corecli.safety import RED_FLAGS

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


def ask_screen(read: Read = input, say: Say = print) -> dict[str, bool]:
    """Ask every red-flag question; returns question id -> True for "yes"."""
    say("Before you exercise: do you have any of these? (y/n for each)")
    return {flag.id: ask_yes_no(flag.question, read, say) for flag in RED_FLAGS}
