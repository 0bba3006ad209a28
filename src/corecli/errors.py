"""The exceptions corecli raises on purpose.

Core code raises these with a message a person can act on; only the CLI turns
them into ``Error: ...`` lines on stderr and an exit code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from corecli.text import or_list

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_LAYOUT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str, *, one_line: bool = True) -> str:
    """``text`` with control characters written out (``\\x1b``), so a terminal shows them
    as plain characters; with ``one_line=False`` tabs and newlines are kept."""
    pattern = _CONTROL if one_line else _CONTROL_BUT_LAYOUT
    return pattern.sub(lambda match: repr(match.group())[1:-1], text)


class CorecliError(Exception):
    """Base class: an expected failure, reported without a traceback."""

    exit_code = 1

    def lines(self) -> list[str]:
        """The message as the lines to print, one problem per line."""
        return str(self).splitlines() or [type(self).__name__]


class FileProblem(CorecliError):
    """A file a person gave us cannot be read, parsed or validated (exit 2)."""

    exit_code = 2

    def __init__(self, path: Path | str, problems: Sequence[str] | str) -> None:
        self.path = Path(path)
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        where = visible(str(path))
        super().__init__("\n".join(f"{where}: {visible(problem)}" for problem in self.problems))


class WriteProblem(FileProblem):
    """A file cannot be written just now: a read-only folder, a full disk (exit 1, as
    for a history that cannot be written; what was typed was fine)."""

    exit_code = 1


class UsageProblem(CorecliError):
    """Options that cannot work together or values out of range (exit 2)."""

    exit_code = 2


class UnknownExercise(CorecliError):
    """No exercise has this id, name or alias (exit 1)."""

    def __init__(self, query: str, suggestions: Sequence[str] = ()) -> None:
        self.query = query
        self.suggestions = list(suggestions)
        message = f"no exercise called {query!r}"
        if self.suggestions:
            message += "; did you mean " + or_list([repr(s) for s in self.suggestions]) + "?"
        else:
            message += "; 'corecli list' shows them all"
        super().__init__(message)


class PlanProblem(CorecliError):
    """No plan can satisfy the options; the message names the constraint (exit 1)."""
