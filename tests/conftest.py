"""Shared fixtures: every test gets its own CORECLI_HOME, no colour, a fixed width,
and a clock of its own that starts on a fixed day and moves only when told to."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corecli.cli import app
from corecli.cli.context import Context

# The day every CLI test runs on: a Wednesday morning. Tests never read the real date.
PINNED = datetime(2026, 11, 18, 9, 30)

# One valid exercise in TOML, for tests that build small catalogues of their own.
EXERCISE_TOML = """
[[exercises]]
id = "{id}"
name = "{name}"
aliases = {aliases}
summary = "A test exercise."
kind = "{kind}"
phases = ["acute", "recovery", "maintenance"]
direction = "neutral"
position = "supine"
equipment = ["mat"]
level = "beginner"
targets = ["spine"]
steps = ["Lie down.", "Breathe out slowly."]
{extra}
[exercises.dose]
sets = 1
reps = 3
hold_s = 10
"""


def exercise_toml(
    id: str,
    name: str | None = None,
    *,
    aliases: list[str] | None = None,
    kind: str = "stretch",
    extra: str = "",
) -> str:
    alias_list = "[" + ", ".join(f'"{alias}"' for alias in aliases or []) + "]"
    return EXERCISE_TOML.format(
        id=id, name=name or id.replace("-", " ").title(), aliases=alias_list, kind=kind, extra=extra
    )


def catalogue_toml(*exercises: str, version: int = 1) -> str:
    return f"schema_version = {version}\n" + "".join(exercises)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private CORECLI_HOME per test, and output that does not depend on the terminal."""
    home = tmp_path / "home"
    monkeypatch.setenv("CORECLI_HOME", str(home))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TERM", "dumb")
    return home


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a dedented text file under the test's temporary folder."""

    def _write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return _write


class FakeClock:
    """Wall and monotonic time that move only when a test says so, or when the code
    under test sleeps: a ten-minute session then takes no time at all."""

    def __init__(self, start: datetime = PINNED) -> None:
        self._start = start
        self._elapsed = 0.0

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        return self._elapsed

    def sleep(self, seconds: float) -> None:
        self._elapsed += max(0.0, seconds)

    def advance(self, **delta: float) -> None:
        """Move time on, as ``timedelta`` takes it: ``advance(days=2, hours=3)``."""
        self._elapsed += timedelta(**delta).total_seconds()

    def advance_to(self, moment: datetime) -> None:
        """Move time on to ``moment`` (never back: the clock is monotonic)."""
        step = (moment - self.now()).total_seconds()
        assert step >= 0, f"{moment} is before {self.now()}"
        self._elapsed += step

    @property
    def today(self) -> date:
        return self.now().date()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


class Run:
    """Invoke the CLI in-process with the test's clock and CORECLI_HOME; exceptions
    propagate so failures are loud."""

    def __init__(self, clock: FakeClock) -> None:
        self.runner = CliRunner()
        self.clock = clock

    def __call__(self, *args: str | Path, input: str | None = None):  # type: ignore[no-untyped-def]
        context = Context(Path(os.environ["CORECLI_HOME"]), clock=self.clock)
        return self.runner.invoke(
            app, [str(arg) for arg in args], input=input, catch_exceptions=False, obj=context
        )


@pytest.fixture
def run(clock: FakeClock) -> Run:
    return Run(clock)
