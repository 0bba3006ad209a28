"""The README's examples run as shown: its tour of commands, in order, as one new
person would type them, and its example catalogue entry with the mistake it quotes."""

from __future__ import annotations

import re
import shlex
from datetime import timedelta
from pathlib import Path

import pytest

from tests.conftest import FakeClock, Run

README = Path(__file__).parents[1] / "README.md"
TEXT = README.read_text(encoding="utf-8")
BLOCK = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)

# What a person at a terminal answers when these commands ask; the tests have no
# terminal, so the answers come as the options the commands take for them.
ANSWERS = {
    "run": ("--screened", "--pain-before", "3", "--pain-after", "3", "--plain", "--no-sound"),
    "start": ("--pain-for", "under-6-weeks", "--usual-pain", "4", "--no-groups"),
}


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(TEXT) if lang == language]


def command_lines() -> list[str]:
    """Every ``corecli …`` command in the README's shell blocks, in order, comments and
    redirections dropped, ``a && b`` taken as two."""
    found = []
    for body in blocks("sh"):
        for line in body.splitlines():
            code = line.split(" #", 1)[0]
            for part in code.split("&&"):
                part = part.split(" > ", 1)[0].strip()
                if part.startswith("corecli "):
                    found.append(part)
    return found


COMMANDS = command_lines()


def test_the_readme_shows_the_commands_a_newcomer_needs() -> None:
    firsts = {shlex.split(line)[1] for line in COMMANDS}
    everyday = {"list", "show", "plan", "view", "run", "start", "today", "checkin", "log"}
    assert everyday | {"history", "stats", "walk", "flare", "screen", "learn"} <= firsts


def test_the_readme_tour_runs_in_order(
    run: Run, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # -o today.toml, then view today.toml
    for line in COMMANDS:
        words = shlex.split(line)[1:]
        if words[0] in ANSWERS and "--dry-run" not in words:
            words += ANSWERS[words[0]]
        if line.endswith("checkin 2"):  # "next morning"
            clock.advance_to(clock.now().replace(hour=8) + timedelta(days=1))
        result = run(*words)
        assert result.exit_code == 0, f"{line}\n{result.output}"
        assert "Error" not in result.stderr, line


def test_the_readme_catalogue_entry_loads_and_its_mistake_reads_as_quoted(
    run: Run, tmp_path: Path
) -> None:
    [entry] = blocks("toml")
    mine = tmp_path / "my.toml"
    mine.write_text(entry, encoding="utf-8")
    listed = run("list", "--catalog", mine, "hip circles")
    assert listed.exit_code == 0, listed.output
    assert "hip-circles" in listed.stdout
    assert "* from your own catalogue" in listed.stdout

    [errors] = blocks("text")
    quoted = errors.splitlines()[0]
    mine.write_text(entry.replace("rep_s = 4", "hold_s = 900"), encoding="utf-8")
    refused = run("list", "--catalog", mine)
    assert refused.exit_code == 2
    assert refused.stderr.splitlines() == [quoted.replace("my.toml", str(mine))]
