"""Help is an artefact: every command and subcommand, read at 80 columns, has a
one-line summary, an example, plain usage lines and its choices in full; every
mistake on the command line is one ``Error:`` line."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from corecli.cli import app
from corecli.cli.help import summary
from tests.conftest import Run

ROOT = typer.main.get_command(app)
PLACEHOLDERS = ("<", ">", "{", "}", "[default", "<=x", "x>=")


def walk(
    group: TyperGroup, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], TyperCommand]]:
    """Every command below ``group``, with the words that invoke it."""
    ctx = typer.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        yield (*path, name), command
        if isinstance(command, TyperGroup):
            yield from walk(command, (*path, name))


assert isinstance(ROOT, TyperGroup)
COMMANDS = list(walk(ROOT))
IDS = [" ".join(path) for path, _ in COMMANDS]


@pytest.fixture(autouse=True)
def columns_80(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "80")


EVERY_COMMAND = [
    *("list", "show", "schema", "plan", "flare", "view", "run"),
    *("start", "today", "log", "checkin", "learn"),
    *("history", "stats", "walk", "unflag", "screen"),
    *("config", "config show", "config set", "config unset"),
]


def test_every_command_is_walked() -> None:
    assert IDS == EVERY_COMMAND


def help_of(run: Run, *path: str) -> list[str]:
    result = run(*path, "--help")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout.splitlines()


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_help_has_a_summary_an_example_and_plain_usage(
    run: Run, path: tuple[str, ...], command: TyperCommand
) -> None:
    lines = help_of(run, *path)
    assert lines[0].startswith(f"Usage: corecli {' '.join(path)} [OPTIONS]")
    assert not any(mark in lines[0] for mark in PLACEHOLDERS), lines[0]
    assert all(len(line) <= 80 for line in lines), max(lines, key=len)
    stripped = [line.strip() for line in lines]
    assert summary(command.help or "") in stripped, "the summary reads as one line"
    assert any(line.startswith(f"Example: corecli {' '.join(path)}") for line in stripped)
    options = "\n".join(lines[lines.index("Options:") :])
    assert not any(mark in options for mark in PLACEHOLDERS), options


@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=IDS)
def test_the_command_list_gives_each_summary_on_one_line(
    run: Run, path: tuple[str, ...], command: TyperCommand
) -> None:
    parent = help_of(run, *path[:-1])
    rows = [line.split(None, 1) for line in parent if line.startswith("  ")]
    assert [path[-1], summary(command.help or "")] in rows


def choice_params(command: TyperCommand) -> list[TyperArgument | TyperOption]:
    return [
        param
        for param in command.params
        if isinstance(param, TyperArgument | TyperOption) and param.type_descriptor.choices
    ]


CHOOSERS = [(path, command) for path, command in COMMANDS if choice_params(command)]


@pytest.mark.parametrize(("path", "command"), CHOOSERS, ids=[" ".join(p) for p, _ in CHOOSERS])
def test_every_choice_is_listed_in_full(
    run: Run, path: tuple[str, ...], command: TyperCommand
) -> None:
    text = " ".join(" ".join(help_of(run, *path)).split())
    for param in choice_params(command):
        for choice in param.type_descriptor.choices or ():
            assert f" {choice.value}" in text, (param.name, choice)


def test_the_top_level_help_says_what_corecli_is_and_is_not(run: Run) -> None:
    text = " ".join(" ".join(help_of(run)).split())
    assert "corecli gives exercise guidance, not a diagnosis." in text
    assert "Stop any exercise that increases your symptoms" in text


USAGE_ERRORS = [
    # (arguments, the one line on stderr)
    (["lst"], "Error: corecli has no command 'lst'; did you mean 'list'?"),
    (["dance"], "Error: corecli has no command 'dance'; see corecli --help"),
    (["config", "sett"], "Error: corecli config has no command 'sett'; did you mean 'set'?"),
    (
        ["list", "--phas", "acute"],
        "Error: corecli list has no option --phas; did you mean --phase?",
    ),
    (["list", "--bogus"], "Error: corecli list has no option --bogus; see corecli list --help"),
    (["list", "--level"], "Error: --level needs a value"),
    (["walk"], "Error: corecli walk needs MINUTES; see corecli walk --help"),
    (["walk", "0"], "Error: MINUTES takes a whole number from 1 to 600, not '0'"),
    (["checkin", "11"], "Error: PAIN takes a whole number from 0 to 10, not '11'"),
    (["history", "--limit", "0"], "Error: --limit takes a whole number from 1 to 1000000, not '0'"),
    (
        ["plan", "--seed", "99999999999"],
        "Error: --seed takes a whole number from 0 to 4294967295, not '99999999999'",
    ),
    (["run", "--speed", "fast"], "Error: --speed takes a number from 0.01 to 1000, not 'fast'"),
    (
        ["plan", "--phase", "late"],
        "Error: --phase takes acute, recovery or maintenance, not 'late'",
    ),
    (["schema", "sheet"], "Error: corecli schema takes routine or catalog, not 'sheet'"),
    (["show", "bridge", "extra", "--json", "--json"], None),  # fine: a name of several words
]


@pytest.mark.parametrize(("args", "line"), USAGE_ERRORS, ids=[" ".join(a) for a, _ in USAGE_ERRORS])
def test_a_command_line_mistake_is_one_error_line(
    run: Run, args: list[str], line: str | None
) -> None:
    result = run(*args)
    if line is None:
        assert result.exit_code == 1, result.output  # no exercise called so: not a usage error
        return
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == line + "\n"


@pytest.mark.parametrize(
    ("raised", "said"),
    [(KeyboardInterrupt(), ""), (typer.Abort(), "Cancelled.\n")],
    ids=["ctrl-c-while-working", "abort"],
)
def test_ctrl_c_anywhere_ends_with_130_and_no_traceback(
    run: Run, monkeypatch: pytest.MonkeyPatch, raised: BaseException, said: str
) -> None:
    """As at corecli's own questions: the shell's code for an interrupt. Typer ends
    work cut short so, silently; an Abort (Click's Ctrl-C or end of input) says it."""

    def interrupted(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr("corecli.catalogue.load_catalogue", interrupted)
    result = run("list")
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", said)
