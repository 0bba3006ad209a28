"""The documentation's examples run as shown: the README's tour of commands, in
order, as one new person would type them; its example catalogue entry with the
mistake it quotes; and the example at the end of every command's --help."""

from __future__ import annotations

import re
import shlex
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cli.test_help import COMMANDS as EVERY_COMMAND
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


# What the --help examples that need something before them are given first.
GIVEN = {
    "view": ["corecli plan -o ~/back/today.toml"],
    "run": ["corecli plan -o today.toml"],
    "checkin": ["corecli log --on yesterday --pain-before 3 --pain-after 3"],
    "unflag": [
        "corecli plan --phase recovery --include bird-dog -o hurt.toml",
        "corecli log hurt.toml --hurt bird-dog",
    ],
}


def blocks(language: str) -> list[str]:
    return [body for lang, body in BLOCK.findall(TEXT) if lang == language]


def command_lines(lines: list[str]) -> list[str]:
    """The ``corecli …`` commands on these lines, in order: comments and redirections
    dropped, ``a && b`` taken as two."""
    found = []
    for line in lines:
        code = line.split(" #", 1)[0]
        for part in code.split("&&"):
            part = part.split(" > ", 1)[0].strip()
            if part.startswith("corecli "):
                found.append(part)
    return found


def as_typed(line: str) -> list[str]:
    """A command line's arguments after ``corecli``, with ``~`` expanded as a shell would,
    and the answers the commands that ask at a terminal would be given there."""
    words = shlex.split(line)[1:]
    words = [str(Path(w).expanduser()) if w.startswith("~") else w for w in words]
    if words[0] in ANSWERS and "--dry-run" not in words:
        words += ANSWERS[words[0]]
    return words


COMMANDS = command_lines([line for body in blocks("sh") for line in body.splitlines()])
EXAMPLES = [
    (" ".join(path), command_lines([line.split("Example:", 1)[-1] for line in lines]))
    for path, command in EVERY_COMMAND
    if (lines := [line for line in (command.help or "").splitlines() if "Example:" in line])
]


def test_the_readme_shows_the_commands_a_newcomer_needs() -> None:
    firsts = {shlex.split(line)[1] for line in COMMANDS}
    everyday = {"list", "show", "plan", "view", "run", "start", "today", "checkin", "log"}
    assert everyday | {"history", "stats", "walk", "flare", "screen", "learn"} <= firsts


def test_the_readme_tour_runs_in_order(
    run: Run, clock: FakeClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # -o today.toml, then view today.toml
    for line in COMMANDS:
        words = as_typed(line)
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


def test_an_example_is_read_from_every_commands_help() -> None:
    assert [name for name, _ in EXAMPLES] == [" ".join(path) for path, _ in EVERY_COMMAND]


@pytest.mark.parametrize(("name", "lines"), EXAMPLES, ids=[name for name, _ in EXAMPLES])
def test_the_example_in_each_help_runs_as_shown(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, lines: list[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))  # ~/back/today.toml
    for line in GIVEN.get(name, []):
        assert run(*as_typed(line)).exit_code == 0, line
    for line in lines:
        result = run(*as_typed(line))
        assert result.exit_code == 0, f"{line}\n{result.output}"
        assert "Error" not in result.stderr, line
