"""The safety net through the commands: the screen's list and grades, clearances,
screening when the history says so, osteoporosis, the flare-up plan, "not
improving", and the education cards. No terminal: nothing ever waits for one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from corecli.catalogue import load_catalogue
from corecli.safety import RED_FLAGS, Grade
from corecli.vocab import Condition, Direction, Position
from tests.conftest import FakeClock, Run

SESSION = ("run", "--plain", "--no-sound")
CHRONIC = ("start", "--pain-for", "over-12-weeks", "--usual-pain", "5", "--no-groups")
BUNDLED = load_catalogue(())


def one_error(result: Any, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    (line,) = result.stderr.splitlines()
    return str(line)


def today(run: Run) -> dict[str, Any]:
    result = run("today", "--json")
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


# --- corecli screen --list ----------------------------------------------------------------------


def test_screen_list_gives_every_question_its_grade_and_id(run: Run, isolated: Path) -> None:
    result = run("screen", "--list")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 * len(RED_FLAGS)
    assert lines[0] == f"1. {RED_FLAGS[0].question}"
    assert lines[1] == "   [emergency care now; id bladder: bladder dysfunction (cauda equina)]"
    assert sum("[see a doctor first;" in line for line in lines) == 9
    assert sum("[tell your physio; the plan changes;" in line for line in lines) == 2
    assert not isolated.exists()  # looking creates nothing


def test_screen_list_as_json(run: Run) -> None:
    rows = json.loads(run("screen", "--list", "--json").stdout)
    assert [row["id"] for row in rows] == [flag.id for flag in RED_FLAGS]
    assert {row["grade"] for row in rows} == {grade.value for grade in Grade}
    assert set(rows[0]) == {"id", "question", "grade", "covers"}
    assert one_error(run("screen", "--json")) == "Error: --json goes with --list"


def test_screen_without_a_terminal_prints_the_questions_and_never_waits(run: Run) -> None:
    result = run("screen")
    assert result.exit_code == 2
    assert len(result.stdout.splitlines()) == 2 * len(RED_FLAGS)
    assert result.stderr.startswith(
        "Error: the safety screen needs answers and there is no terminal"
    )
    assert run("screen", "--screened").stdout == (
        "Nothing here stops you exercising. corecli asks again in a week.\n"
    )


# --- Clearances --------------------------------------------------------------------------------


def test_a_cleared_sign_lets_exercise_go_on_for_three_months(run: Run, clock: FakeClock) -> None:
    assert run(*CHRONIC).exit_code == 0
    refused = run(*SESSION, "--screened", "--exercise", "bird-dog")
    assert refused.exit_code == 0  # --screened: none of it applies
    cleared = run("screen", "--cleared", "cancer")
    assert cleared.exit_code == 0, cleared.output
    assert cleared.stdout == (
        "Recorded: a clinician cleared cancer on 18 Nov. corecli asks again from"
        " 17 Feb 2027, or if the answer changes.\n"
    )
    assert today(run)["cleared"] == [
        {"id": "cancer", "on": "2026-11-18", "asked_again": "2027-02-17"}
    ]
    text = run("today").stdout
    assert "Cleared by a clinician: cancer on 18 Nov; asked again from 17 Feb" in text
    clock.advance(days=92)
    assert today(run)["cleared"] == []  # three months on: asked again


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("nonsense", "Error: --cleared 'nonsense': no such question (see --list)"),
        ("bladder", "Error: --cleared bladder: only doctor signs are cleared here"
         " (it needs care now)"),
        ("osteoporosis", "Error: --cleared osteoporosis: only doctor signs are cleared here"
         " (it stops nothing)"),
    ],
)  # fmt: skip
def test_only_doctor_signs_can_be_cleared(run: Run, flag: str, message: str) -> None:
    assert one_error(run("screen", "--cleared", flag)) == message


# --- Screening when the history says so -------------------------------------------------------


def test_a_red_session_brings_the_screen_back_before_the_next(run: Run, clock: FakeClock) -> None:
    assert run(*CHRONIC).exit_code == 0
    first = run(*SESSION, "--screened", "--pain-before", "2", "--pain-after", "6")
    assert first.exit_code == 0, first.output
    assert "Red: pain up 4" in first.stdout
    clock.advance(days=1)
    again = run(*SESSION, "--pain-before", "3", "--pain-after", "3")
    assert again.exit_code == 2
    assert (
        "Error: the safety screen is due (after the red session of 18 Nov) and there is no"
        " terminal to ask it" in again.stderr
    )


def test_a_bad_morning_brings_the_screen_back(run: Run, clock: FakeClock) -> None:
    assert run(*CHRONIC).exit_code == 0
    assert run(*SESSION, "--screened", "--pain-before", "6", "--pain-after", "6").exit_code == 0
    clock.advance(days=1)
    assert "Amber: " in run("checkin", "7").stdout  # up 1, but high: not red
    again = run(*SESSION, "--pain-before", "5", "--pain-after", "5")
    assert again.exit_code == 2
    assert "(after a morning of 7 or more)" in again.stderr


def test_plans_and_the_sheet_point_to_the_screen(run: Run) -> None:
    sheet = run("plan", "--format", "markdown").stdout
    assert "Signs that need a doctor before exercising: corecli screen --list." in sheet
    assert "corecli screen --list" in run("plan").stdout


# --- Osteoporosis -----------------------------------------------------------------------------


def flexion_avoided(ids: list[str]) -> list[str]:
    return [i for i in ids if Condition.osteoporosis in BUNDLED.find(i).avoid_if]


def test_osteoporosis_goes_with_another_condition_and_keeps_loaded_flexion_out(run: Run) -> None:
    for seed in range(8):
        result = run(
            "plan", "--phase", "maintenance", "--condition", "disc", "--condition",
            "osteoporosis", "--seed", str(seed), "--format", "json",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        routine = json.loads(result.stdout)
        assert routine["condition"] == "disc"
        assert flexion_avoided([item["exercise"] for item in routine["items"]]) == []
    two = run("plan", "--condition", "disc", "--condition", "stenosis")
    assert one_error(two) == (
        "Error: --condition takes one diagnosis, and osteoporosis beside it if it applies"
    )


# --- A flare-up -------------------------------------------------------------------------------


@pytest.mark.parametrize("condition", ["general", "disc", "stenosis", "sciatica"])
def test_a_flare_plan_is_short_gentle_and_lying_down(run: Run, condition: str) -> None:
    result = run("flare", "--condition", condition, "--format", "json")
    assert result.exit_code == 0, result.output
    routine = json.loads(result.stdout)
    assert routine["name"] == "Bad-day routine, 10 min"
    assert routine["estimated_s"] <= 10 * 60
    exercises = [BUNDLED.find(item["exercise"]) for item in routine["items"]]
    assert all(e.kind.value in ("stretch", "mobility") for e in exercises)
    lying = [e for e in exercises if e.position in (Position.supine, Position.side_lying,
                                                    Position.prone)]  # fmt: skip
    assert len(lying) >= len(exercises) / 2
    if condition == "stenosis":
        assert not [e for e in exercises if e.direction is Direction.extension]
    advice = " ".join(routine["advice"])
    for words in ("Stop any exercise", "walk for a few minutes every hour or two",
                  "heavy lifting", "corecli screen --list"):  # fmt: skip
        assert words in advice
    assert one_error(run("flare", "--minutes", "20")).startswith("Error: --minutes takes")


def test_a_flare_sends_the_programme_to_its_base_dose_and_greens_climb_back(
    run: Run, clock: FakeClock
) -> None:
    assert run(*CHRONIC).exit_code == 0
    for _ in range(2):  # two green sessions: dose step 2
        assert run(*SESSION, "--screened", "--pain-before", "5", "--pain-after", "5").exit_code == 0
        clock.advance(days=1)
        assert run("checkin", "5").exit_code == 0
        clock.advance(days=1)
    assert today(run)["dose_step"] == 2
    result = run("flare")
    assert result.exit_code == 0, result.output
    assert (
        "Programme: recovery, beginner level, base dose: a flare-up on 22 Nov; green sessions"
        " climb back to recovery, beginner level, dose step 2 of 3." in result.stderr
    )
    assert "Programme: recovery" not in run("flare").stderr  # noted once a day
    assert (today(run)["phase"], today(run)["dose_step"]) == ("recovery", 0)  # not from zero
    assert run(*SESSION, "--screened", "--pain-before", "5", "--pain-after", "5").exit_code == 0
    clock.advance(days=1)
    assert run("checkin", "5").exit_code == 0
    assert today(run)["dose_step"] == 1


# --- Not improving ------------------------------------------------------------------------------


def test_four_weeks_without_a_two_point_fall_advise_a_review(run: Run, clock: FakeClock) -> None:
    assert run(*CHRONIC).exit_code == 0  # usual pain 5
    for _ in range(14):  # every other day for four weeks, pain staying at 5 then 4
        pain = "5" if clock.today.day % 3 else "4"
        assert (
            run(*SESSION, "--screened", "--pain-before", pain, "--pain-after", pain).exit_code == 0
        )
        clock.advance(days=2)
    advice = today(run)["review"]
    assert advice == (
        "After 4 weeks your pain has not eased by 2 points (from 5 to about 5). Ask a doctor"
        " or physiotherapist to review it: not improving after a month of care is something"
        " they will want to check."
    ) or advice.startswith("After 4 weeks your pain has not eased by 2 points (from 5 to about 4)")
    assert f"Review: {advice}" in run("plan").stderr
    assert "Review: " in run("stats").stdout


def test_a_two_point_fall_gives_no_review(run: Run, clock: FakeClock) -> None:
    assert run(*CHRONIC).exit_code == 0
    for _ in range(15):
        assert run(*SESSION, "--screened", "--pain-before", "2", "--pain-after", "2").exit_code == 0
        clock.advance(days=2)
    assert today(run)["review"] is None


# --- Education ----------------------------------------------------------------------------------


def test_learn_lists_every_card_with_its_source(run: Run) -> None:
    from corecli.learn import CARDS

    result = run("learn")
    assert result.exit_code == 0, result.output
    for card in CARDS:
        assert f"{card.title}  [{card.id}]" in result.stdout
        assert f"  Source: {card.source}" in result.stdout
    one = run("learn", "walking")
    assert one.stdout.startswith("Walking helps  [walking]\n")
    assert "WalkBack trial" in one.stdout
    assert one_error(run("learn", "nope")).startswith("Error: no card 'nope'; cards: common,")
    cards = json.loads(run("learn", "--json").stdout)
    assert {card["id"] for card in cards} == {card.id for card in CARDS}


def test_a_card_is_short_and_today_shows_one(run: Run) -> None:
    from corecli.learn import CARDS

    assert all(len(card.text) <= 300 for card in CARDS)  # read in a rest, not a lecture
    card = today(run)["card"]
    assert card["id"] in {c.id for c in CARDS}
    assert "More: corecli learn" in run("today").stdout


def test_with_stenosis_the_walking_goal_offers_cycling_or_a_forward_lean(run: Run) -> None:
    assert run("config", "set", "condition", "stenosis").exit_code == 0
    walked = run("walk", "10").stdout
    assert "cycle, or walk with a slight forward lean" in walked
    walk = today(run)["due"][-1]
    assert walk["label"].endswith("(cycling, or walking with a slight forward lean, counts too)")
    sleep = " ".join(json.loads(run("plan", "--format", "json").stdout)["advice"])
    assert "lying on your side with hips and knees bent" in sleep
    general = run("plan", "--condition", "general", "--format", "json").stdout
    assert "No one sleeping position is best" in " ".join(json.loads(general)["advice"])


# --- Walking on the timer ---------------------------------------------------------------------


def test_walk_timer_counts_the_minutes_down_and_logs_a_walk(run: Run) -> None:
    result = run("walk", "20", "--timer")
    assert result.exit_code == 0, result.output
    assert "Keep going" in result.stdout  # not "Hold"
    assert "Hold " not in result.stdout
    assert result.stdout.splitlines()[-1] == (
        "Logged a 20-minute walk. Week of 16 Nov: 20 of 50 minutes walked."
    )
    assert json.loads(run("history", "--json").stdout) == []  # a walk, not a session
    assert one_error(run("walk", "20", "--timer", "--on", "yesterday")) == (
        "Error: --timer walks now; it does not go with --on"
    )


@pytest.mark.parametrize(
    ("stopped_at_s", "last_line"),
    [
        (40, "Stopped before a minute: no walk logged."),
        (10 + 5 * 60 + 20, "Logged a 5-minute walk. Week of 16 Nov: 5 of 50 minutes walked."),
    ],
)
def test_ctrl_c_ends_a_walk_with_130_and_keeps_the_minutes_walked(
    run: Run, clock: FakeClock, monkeypatch: pytest.MonkeyPatch, stopped_at_s: int, last_line: str
) -> None:
    """As for a session: what was done is kept, and the exit code says it was cut short."""
    slept = clock.sleep

    def sleep(seconds: float) -> None:
        slept(seconds)
        if clock.monotonic() >= stopped_at_s:  # the 10 s get-ready, then the walk
            raise KeyboardInterrupt

    monkeypatch.setattr(clock, "sleep", sleep)
    result = run("walk", "20", "--timer")
    assert result.exit_code == 130, result.output
    assert result.stdout.splitlines()[-1] == last_line


def test_run_exercise_walking_is_a_walk(run: Run) -> None:
    result = run("run", "--exercise", "walking", "--plain", "--no-sound")
    assert result.exit_code == 0, result.output
    assert "Walking is logged as a walk (corecli walk 10 --timer does this too)." in result.stderr
    assert result.stdout.splitlines()[-1].startswith("Logged a 10-minute walk.")
