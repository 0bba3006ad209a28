"""``corecli run`` as a person types it: the dry run, a plain session end to end, and refusals."""

from __future__ import annotations

import itertools
import json
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from corecli import player
from tests.conftest import Run, catalogue_toml, exercise_toml

Write = Callable[[str, str], Path]

# --screened: the weekly safety screen has its own tests; here it is taken as read.
FAST = (
    "--plain",
    "--speed",
    "100",
    "--no-sound",
    "--prep",
    "0",
    "--transition",
    "0",
    "--screened",
)
SEGMENT_LINE = re.compile(r"^ *(\d+):(\d\d)  (\S+) +(\d+) s(  .*)?$")
TOTAL_LINE = re.compile(r"^Total: .+ \((\d+) s\)$")


def timeline_of(result: Result) -> list[tuple[int, str, int]]:
    """(start seconds, kind, duration) for each segment line of a dry run."""
    rows = []
    for line in result.stdout.splitlines():
        if found := SEGMENT_LINE.match(line):
            minutes, seconds, kind, duration, _ = found.groups()
            rows.append((int(minutes) * 60 + int(seconds), kind, int(duration)))
    return rows


def total_of(result: Result) -> int:
    last = result.stdout.splitlines()[-1]
    found = TOTAL_LINE.match(last)
    assert found, last
    return int(found.group(1))


def home_catalogue(*exercises: str) -> None:
    home = Path(os.environ["CORECLI_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    (home / "exercises.toml").write_text(catalogue_toml(*exercises), encoding="utf-8")


# --- A plain session, end to end --------------------------------------------------------------


def test_a_plain_session_runs_to_the_end(run: Run) -> None:
    result = run("run", "--exercise", "piriformis-stretch", *FAST)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    session, card = result.stdout.split("\n\n")  # then one of corecli learn's cards
    assert card.endswith("More: corecli learn)\n")
    note, *lines = session.splitlines()
    assert note == (
        "Practice: this does not change your programme (one exercise, chosen with --exercise)."
    )
    # hold, rest, hold, switch, hold, rest, hold, done; then the summary (the 0 s get-ready
    # and transition are not announced)
    assert len(lines) == 8 + 3
    for line in lines[:8]:
        assert re.match(r"^\d\d:\d\d · ", line), line
    # The steps describe the right leg crossed over, so the right hip comes first.
    assert " · Piriformis stretch · Hold 20 s · Rep 1/2 · Right hip: " in f" · {lines[0][8:]}"
    assert lines[0].endswith("Stop if it makes your back or leg symptoms worse.")
    assert "Switch sides 5 s · Left hip: Now your left hip." in lines[3]
    assert lines[7].endswith("Done: Well done. That's the whole routine.")
    assert lines[8:] == [
        "Session complete.",
        "Done 1 of 1 exercises · skipped 0 · marked as hurting 0",
        "Active time 1 min 20 s · total time 1 min 35 s",
    ]


@pytest.mark.parametrize("no_color", [True, False])
def test_plain_output_has_no_escape_sequences(
    run: Run, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    if not no_color:
        monkeypatch.delenv("NO_COLOR")
        monkeypatch.setenv("TERM", "xterm-256color")
    home_catalogue(exercise_toml("short-hold"))  # 3 holds of 10 s
    result = run(
        "run",
        "--exercise",
        "short-hold",
        "--plain",
        "--speed",
        "1000",
        "--sound",
        "bell",
        "--screened",
    )
    assert result.exit_code == 0
    assert "\x1b" not in result.output
    assert "\a" not in result.output  # no bell unless on a terminal
    assert "Session complete." in result.stdout


def test_plain_output_shows_control_characters_from_a_catalogue_as_text(run: Run) -> None:
    home_catalogue(exercise_toml("odd-one", "Odd \\u001b[2J\\u001b[31mone"))
    result = run(
        "run", "--exercise", "odd-one", "--plain", "--speed", "1000", "--no-sound", "--screened"
    )
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "[31mone" in result.stdout


def test_voice_without_a_speech_program_gives_one_notice(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(player.shutil, "which", lambda name: None)
    home_catalogue(exercise_toml("short-hold"))
    result = run(
        "run", "--exercise", "short-hold", "--plain", "--speed", "1000", "--voice", "--screened"
    )
    assert result.exit_code == 0
    assert result.stderr == (
        "No speech program found (espeak-ng, spd-say or say); going on without voice.\n"
    )
    assert "Session complete." in result.stdout


def test_self_paced_without_a_keyboard_is_refused_rather_than_waiting_forever(
    run: Run,
) -> None:
    """stdin is not a terminal, so nobody can press space to end a rep."""
    home_catalogue(exercise_toml("moving", extra="").replace("hold_s = 10", "hold_s = 0"))
    result = run("run", "--exercise", "moving", "--self-paced", "--plain", "--screened")
    assert result.exit_code == 2
    assert result.stderr == (
        "Error: --self-paced waits for the space bar, so it needs a keyboard\n"
    )
    assert result.stdout == ""


# --- The dry run ------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--exercise", "bridge"], ["--phase", "recovery"], []])
def test_a_dry_run_writes_nothing(run: Run, isolated: Path, args: list[str]) -> None:
    result = run("run", *args, "--dry-run")
    assert result.exit_code == 0, result.output
    assert not isolated.exists()  # not even the folder


@pytest.mark.parametrize(
    "args",
    [
        ["plan"],
        ["plan", "--format", "json"],
        ["list"],
        ["show", "bridge"],
        ["today"],
        ["history"],
        ["stats"],
        ["config", "show"],
    ],
    ids=" ".join,
)
def test_commands_that_only_look_make_no_files(run: Run, isolated: Path, args: list[str]) -> None:
    assert run(*args).exit_code == 0
    assert not isolated.exists()  # not even the folder


def test_viewing_a_routine_makes_no_files(run: Run, isolated: Path, tmp_path: Path) -> None:
    routine = tmp_path / "today.toml"
    assert run("plan", "--seed", "2", "-o", routine).exit_code == 0
    assert run("view", routine).exit_code == 0
    assert not isolated.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["today.toml"]


def test_dry_run_prints_the_timeline_with_start_times(run: Run) -> None:
    result = run("run", "--exercise", "piriformis-stretch", "--dry-run")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Piriformis stretch: 1 exercise"
    assert lines[1:4] == [
        "  0:00  prep         10 s",
        "  0:10  transition   10 s  Piriformis stretch",
        "  0:20  hold         20 s  Piriformis stretch · Rep 1/2 · Right hip",
    ]
    assert lines[-1] == "Total: 1 min 55 s (115 s)"
    rows = timeline_of(result)
    assert [kind for _, kind, _ in rows] == [
        "prep",
        "transition",
        "hold",
        "rest",
        "hold",
        "switch",
        "hold",
        "rest",
        "hold",
        "done",
    ]
    for (start, _, duration), (following, _, _) in itertools.pairwise(rows):
        assert following == start + duration
    assert rows[-1][0] == total_of(result)
    assert "Session" not in result.stdout  # nothing was played


@pytest.mark.parametrize(
    ("planning", "minutes_budget"),
    [
        (["--phase", "recovery", "--seed", "3"], 15),
        (["--phase", "acute", "--seed", "11"], 10),
        (["--phase", "maintenance", "--minutes", "30", "--seed", "5"], 30),
    ],
)
def test_dry_run_total_is_the_planners_estimate(
    run: Run, planning: list[str], minutes_budget: int
) -> None:
    planned = run("plan", *planning, "--format", "json")
    assert planned.exit_code == 0
    estimate = json.loads(planned.stdout)["estimated_s"]
    dry = run("run", "--dry-run", *planning)
    assert dry.exit_code == 0
    assert total_of(dry) == estimate
    assert 0 < estimate <= minutes_budget * 60


def test_dry_run_of_a_saved_routine_totals_its_estimate(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "today.toml"
    assert run("plan", "--phase", "recovery", "--seed", "7", "-o", path).exit_code == 0
    saved = tomllib.loads(path.read_text(encoding="utf-8"))
    result = run("run", path, "--dry-run")
    assert result.exit_code == 0
    assert total_of(result) == saved["estimated_s"]
    items = len(saved["items"])
    assert result.stdout.splitlines()[0].endswith(f": {items} exercises")

    # shorter get-ready and transitions: 8 s less at the start, 6 s less per exercise
    shorter = run("run", path, "--dry-run", "--prep", "2", "--transition", "4")
    assert total_of(shorter) == saved["estimated_s"] - 8 - 6 * items


@pytest.mark.parametrize(
    ("options", "total_s"),
    [
        ([], 115),
        (["--prep", "2"], 107),
        (["--transition", "4"], 109),
        (["--prep", "2", "--transition", "4"], 101),
        (["--prep", "0", "--transition", "0"], 95),
        (["--prep", "120"], 225),
    ],
)
def test_prep_and_transition_change_the_timeline(
    run: Run, options: list[str], total_s: int
) -> None:
    result = run("run", "--exercise", "piriformis-stretch", "--dry-run", *options)
    assert result.exit_code == 0
    assert total_of(result) == total_s


# --- Refusals ---------------------------------------------------------------------------------


@pytest.fixture
def routine_file(run: Run, tmp_path: Path) -> Path:
    path = tmp_path / "routine.toml"
    assert run("plan", "--seed", "1", "-o", path).exit_code == 0
    return path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{file}", "--exercise", "bridge"], "give a routine file or --exercise, not both"),
        (["{file}", "--phase", "acute"], "planning options (--phase, --minutes …) make a new plan"),
        (["{file}", "--seed", "3"], "planning options (--phase, --minutes …) make a new plan"),
        (["--exercise", "bridge", "--minutes", "20"], "planning options (--phase, --minutes …)"),
    ],
)
def test_options_that_do_not_go_together(
    run: Run, routine_file: Path, args: list[str], message: str
) -> None:
    result = run("run", *[arg.format(file=routine_file) for arg in args], "--dry-run")
    assert result.exit_code == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: " + message)


def test_an_unknown_exercise_gets_suggestions(run: Run) -> None:
    result = run("run", "--exercise", "bridg", "--dry-run")
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Error: no exercise called 'bridg'; did you mean 'bridge'")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('schema_version = 1\nname = "x"\n', "phase: is required but missing"),
        ("not toml [[[", "invalid TOML"),
        (None, "no such file"),
    ],
)
def test_a_broken_routine_file_is_refused(
    run: Run, tmp_path: Path, text: str | None, problem: str
) -> None:
    path = tmp_path / "broken.toml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    result = run("run", path, "--plain", "--no-sound", "--screened")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path}")
    assert problem in result.stderr
    assert "Traceback" not in result.stderr


def test_a_routine_with_an_exercise_not_in_the_catalogue_is_refused(
    run: Run, routine_file: Path
) -> None:
    text = routine_file.read_text(encoding="utf-8")
    first = tomllib.loads(text)["items"][0]["exercise"]
    routine_file.write_text(text.replace(f'"{first}"', '"bridgee"', 1), encoding="utf-8")
    result = run("run", routine_file, "--dry-run")
    assert result.exit_code == 2
    assert "items[0].exercise: no exercise 'bridgee'" in result.stderr


@pytest.mark.parametrize(
    ("option", "allowed"),
    [
        (["--speed", "0"], "a number from 0.01 to 1000"),
        (["--prep", "-1"], "a whole number from 0 to 120"),
        (["--transition", "121"], "a whole number from 0 to 120"),
        (["--minutes", "4"], "a whole number from 5 to 60"),
        (["--minutes", "ten"], "a whole number from 5 to 60"),
    ],
)
def test_out_of_range_numbers_are_usage_errors(run: Run, option: list[str], allowed: str) -> None:
    result = run("run", *option, "--dry-run")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {option[0]} takes {allowed}, not {option[1]!r}\n"


def test_text_from_files_cannot_drive_the_terminal_in_markdown_or_json(
    run: Run, tmp_path: Path
) -> None:
    from tests.conftest import catalogue_toml, exercise_toml

    hostile = "Bridge \\u001bc \\u009b31m"  # a full reset, then a C1 control sequence
    catalogue = tmp_path / "mine.toml"
    catalogue.write_text(
        catalogue_toml(exercise_toml("odd-one", f'"{hostile}"'.strip('"'), kind="mobility"))
    )
    listed = run("list", "--catalog", catalogue, "--json", "odd")
    assert listed.exit_code == 0, listed.output
    assert "\x1b" not in listed.stdout and "\x9b" not in listed.stdout
    assert json.loads(listed.stdout)[0]["name"] == "Bridge \x1bc \x9b31m"  # kept, as JSON
    for output in ("markdown", "json"):
        planned = run("plan", "--catalog", catalogue, "--include", "odd-one", "--format", output)
        assert planned.exit_code == 0, planned.output
        assert "\x1b" not in planned.stdout and "\x9b" not in planned.stdout, output


def test_a_routine_over_two_hours_needs_long(run: Run, tmp_path: Path, isolated: Path) -> None:
    routine = tmp_path / "long.toml"
    assert run("plan", "--seed", "1", "-o", routine).exit_code == 0
    text = routine.read_text()
    first = text.index("[[items]]")
    edited = text[:first] + text[first:].replace("sets = 1", "sets = 10", 1)
    edited = re.sub(r"(\[\[items\]\][^\[]*?)reps = \d+", r"\1reps = 50", edited, count=1)
    edited = re.sub(r"(\[\[items\]\][^\[]*?)hold_s = \d+", r"\1hold_s = 30", edited, count=1)
    routine.write_text(edited)
    refused = run("run", routine, "--plain", "--no-sound", "--screened", "--no-check-in")
    assert refused.exit_code == 2, refused.output
    (line,) = refused.stderr.splitlines()
    assert line.startswith("Error: this routine takes ")
    assert line.endswith("more than two hours; check its doses, or add --long to run it as it is")
    assert refused.stdout == ""
    assert not isolated.exists()  # refused before the history was made
    ran = run("run", routine, "--long", "--plain", "--no-sound", "--screened", "--no-check-in")
    assert ran.exit_code == 0, ran.output


def test_a_file_name_with_an_escape_is_shown_literally_when_refused(
    run: Run, tmp_path: Path
) -> None:
    odd = tmp_path / "today\x1bc.toml"
    odd.write_text("already here")
    result = run("plan", "-o", odd)
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr
    assert (
        result.stderr
        == f"Error: {tmp_path}/today\\x1bc.toml already exists; add --force to replace it\n"
    )
    folder = tmp_path / "dir\x9b"
    folder.mkdir()
    refused = run("plan", "-o", folder)
    assert "\x9b" not in refused.stderr and "dir\\x9b is a folder" in refused.stderr
