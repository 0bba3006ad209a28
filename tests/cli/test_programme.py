"""corecli start, today, log and checkin as a script uses them: no terminal, every
answer an option, one clear line for a mistake."""

from __future__ import annotations

import json
import tempfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import FakeClock, Run

SESSION = ("run", "--plain", "--no-sound", "--screened")
CHRONIC = ("start", "--pain-for", "over-12-weeks", "--usual-pain", "4", "--no-groups")


def today(run: Run) -> dict[str, Any]:
    result = run("today", "--json")
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def error_line(result: Any, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ")
    return str(line)


# --- corecli start ----------------------------------------------------------------------------


def test_start_without_a_terminal_needs_the_two_answers_that_choose_the_phase(run: Run) -> None:
    line = error_line(run("start", "--no-groups"))
    assert line == (
        "Error: corecli start needs --pain-for and --usual-pain when there is no terminal to ask"
    )
    assert error_line(run(*CHRONIC, "--group", "pregnancy")) == (
        "Error: give --group or --no-groups, not both"
    )


def test_start_keeps_the_answers_and_settings_and_says_where_it_begins(
    run: Run, isolated: Path
) -> None:
    result = run(
        "start",
        "--pain-for",
        "6-12-weeks",
        "--usual-pain",
        "5",
        "--condition",
        "sciatica",
        "--group",
        "pregnancy",
        "--equipment",
        "mat",
        "--equipment",
        "chair",
        "--no-floor",
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Your programme: recovery, beginner level, base dose: pain for 6 to 12 weeks at a usual"
        " 5: strengthening from the start, gently.",
        "Pregnancy: plans leave out lying face down. Ask your midwife or physiotherapist before"
        " exercises on your back after the first three months.",
        "Next: corecli today shows what is due; corecli run starts a session.",
    ]
    config = tomllib.loads((isolated / "config.toml").read_text())
    assert config == {"equipment": ["chair", "mat"], "condition": "sciatica", "floor": False}
    now = today(run)
    assert (now["phase"], now["level"], now["dose_step"], now["set_up"]) == (
        "recovery",
        "beginner",
        0,
        True,
    )


def test_today_json_has_the_keys_scripts_rely_on(run: Run) -> None:
    assert run(*CHRONIC).exit_code == 0
    now = today(run)
    assert {"phase", "level", "reason", "due", "checkin_pending"} <= now.keys()
    assert (now["phase_began"], now["counted_in_phase"]) == ("2026-11-18", 0)
    assert now["checkin_pending"] is False
    assert now["due"][0]["what"] == "session"
    assert now["due"][-1] == {
        "what": "walk",
        "label": "Walking: 50 of 50 minutes left this week",
        "done": False,
        "command": "corecli walk MINUTES",
        "walked": 0,
        "goal": 50,
        "minutes_left": 50,
    }


def test_today_as_text(run: Run, clock: FakeClock) -> None:
    assert run(*CHRONIC).exit_code == 0
    assert run("walk", "20").exit_code == 0
    lines = run("today").stdout.splitlines()
    assert lines[:3] == [
        "Today, Wed 18 Nov",
        "Programme: recovery, beginner level, base dose (in recovery since 18 Nov)",
        "  Why: pain for over 12 weeks at a usual 4: strengthening from the start, gently",
    ]
    assert "  [to do] Walking: 30 of 50 minutes left this week  (corecli walk MINUTES)" in lines


# --- corecli log ------------------------------------------------------------------------------


def test_log_records_todays_plan_and_counts_like_a_timed_session(
    run: Run, clock: FakeClock
) -> None:
    assert run(*CHRONIC).exit_code == 0
    plan = json.loads(run("plan", "--format", "json").stdout)
    first, second = plan["items"][0]["exercise"], plan["items"][1]["exercise"]
    result = run(
        "log", "--pain-before", "4", "--pain-after", "4", "--skipped", first, "--hurt", second
    )
    assert result.exit_code == 0, result.output
    count = len(plan["items"])
    assert result.stdout.splitlines()[0] == (
        f"Logged session 1: Recovery routine, 15 min on Wed 18 Nov, {count - 2} of {count}"
        " exercises done."
    )
    assert (
        "Amber: you marked one exercise as hurting; pain unchanged at 4 after the session."
        in result.stdout
    )
    (session,) = json.loads(run("history", "--json").stdout)
    assert (session["ending"], session["done"], session["light"]) == (
        "finished",
        count - 2,
        "amber",
    )
    assert today(run)["session_done"] is True
    flagged = json.loads(run("plan", "--format", "json", "--seed", "7").stdout)
    assert second not in [item["exercise"] for item in flagged["items"]]  # it hurt


def test_log_a_past_day_then_check_in_for_it(run: Run, clock: FakeClock) -> None:
    assert run(*CHRONIC).exit_code == 0
    assert run("log", "--on", "yesterday", "--pain-before", "3", "--pain-after", "3").exit_code == 0
    result = run("checkin", "3")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1].startswith(
        "Programme: recovery, beginner level, dose step 1 of 3: up one step after green on 17 Nov"
    )


def test_log_of_a_routine_for_another_phase_is_saved_but_does_not_count(
    run: Run, tmp_path: Path
) -> None:
    assert run(*CHRONIC).exit_code == 0
    routine = tmp_path / "acute.toml"
    assert run("plan", "--phase", "acute", "-o", routine).exit_code == 0
    result = run("log", routine, "--pain-after", "2")
    assert result.exit_code == 0, result.output
    assert (
        "It does not change your programme (a routine for acute, and your programme is in"
        " recovery)." in result.stdout
    )
    assert (json.loads(run("history", "--json").stdout))[0]["phase"] == "acute"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--on", "tomorrow"], "--on takes"),
        (["--on", "²d"], "--on takes a date such as"),  # a superscript is not a number
        (["--on", "٣d"], "--on takes a date such as"),  # nor an Arabic-Indic digit
        (["--on", "2026-02-30"], "--on takes a date such as"),
        (["--on", "2026-12-25"], "Error: --on 2026-12-25 is in the future"),
        (["--skipped", "superman"], "Error: --skipped superman: not in this routine ("),
        (["--skipped", "no-such-thing"], "Error: no exercise called 'no-such-thing'"),
        (["--pain-after", "11"], "Error: --pain-after takes a whole number from 0 to 10"),
    ],
)
def test_log_mistakes_are_one_line(run: Run, args: list[str], message: str) -> None:
    assert run(*CHRONIC).exit_code == 0
    result = run("log", *args)
    assert result.exit_code != 0
    (line,) = result.stderr.splitlines()
    assert message in line, line
    assert json.loads(run("history", "--json").stdout) == []


def test_log_skipped_and_hurt_at_once_is_refused(run: Run) -> None:
    assert run(*CHRONIC).exit_code == 0
    first = json.loads(run("plan", "--format", "json").stdout)["items"][0]["exercise"]
    line = error_line(run("log", "--skipped", first, "--hurt", first))
    assert line == "Error: an exercise is either --skipped or --hurt, not both"


# --- Sessions that do not count ------------------------------------------------------------------


@settings(max_examples=12, deadline=None, derandomize=True)
@given(
    exercise=st.sampled_from(["side-plank", "pelvic-tilt", "bird-dog", "cat-camel", "dead-bug"]),
    before=st.integers(0, 10),
    after=st.integers(0, 10),
)
def test_one_exercise_runs_never_change_the_programme(
    exercise: str, before: int, after: int
) -> None:
    with tempfile.TemporaryDirectory() as home, pytest.MonkeyPatch.context() as patch:
        patch.setenv("CORECLI_HOME", home)  # each example a new person
        clock = FakeClock()
        run = Run(clock)
        assert run(*CHRONIC).exit_code == 0
        was = today(run)
        pains = ("--pain-before", str(before), "--pain-after", str(after))
        ran = run(*SESSION, "-e", exercise, *pains)
        assert ran.exit_code == 0, ran.output
        assert "Practice: this does not change your programme" in ran.stdout
        clock.advance(days=1)
        assert run("checkin", str(after)).exit_code == 0  # recorded, and nothing moves
        now = today(run)
        assert [now[key] for key in ("phase", "level", "dose_step")] == [
            was[key] for key in ("phase", "level", "dose_step")
        ]


def test_a_phase_chosen_by_hand_and_practice_runs_do_not_count(run: Run, clock: FakeClock) -> None:
    assert run(*CHRONIC).exit_code == 0
    for options in (["--phase", "maintenance"], ["--practice"]):
        result = run(*SESSION, *options, "--pain-before", "2", "--pain-after", "1")
        assert result.exit_code == 0, result.output
        assert "Practice: this does not change your programme" in result.stdout
    clock.advance(days=1)
    assert today(run)["checkin_pending"] is False  # nothing of the programme's to ask about
    assert (today(run)["phase"], today(run)["dose_step"]) == ("recovery", 0)


def test_leg_symptoms_spreading_are_red_and_the_next_plan_leaves_that_direction_out(
    run: Run, clock: FakeClock
) -> None:
    disc = ("start", "--pain-for", "under-6-weeks", "--usual-pain", "4", "--condition", "disc")
    assert run(*disc, "--no-groups").exit_code == 0
    planned = json.loads(run("plan", "--format", "json").stdout)
    result = run(*SESSION, "--pain-before", "4", "--pain-after", "4", "--legs", "further")
    assert result.exit_code == 0, result.output
    assert "Red: leg symptoms spread further down the leg; pain unchanged at 4" in result.stdout
    clock.advance(days=1)
    again = run("plan", "--format", "json")
    assert again.exit_code == 0, again.output
    assert "since leg symptoms spread further down the leg after the session of 18 Nov" in (
        again.stderr
    )
    assert planned["items"] != json.loads(again.stdout)["items"]
