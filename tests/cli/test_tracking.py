"""Keeping track, as a person types it: pain check-ins and lights, the safety screen,
the phase and flags the history gives the next plan, walks, history, stats, settings,
and a history file that is damaged or cannot be written.

Sessions are either run through the CLI (stdin is not a terminal under CliRunner, so
nothing is asked: pain comes from --pain-before / --pain-after) or written straight
into the history with the History API, as an earlier run would have.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import Result

from corecli import prompts
from corecli.errors import visible
from corecli.models import ItemRecord, SessionRecord
from corecli.programme import week_start
from corecli.store.config import KEYS
from corecli.store.history import History, HistoryProblem
from corecli.store.home import history_path
from corecli.views.history import FIELDS
from corecli.vocab import Ending, Light, Outcome, Phase, PlanCondition
from tests.conftest import FakeClock, Run

# A session that plays in a fraction of a second and prints one line per step.
FAST = ("--plain", "--speed", "1000", "--no-sound", "--prep", "0", "--transition", "0")
PIRIFORMIS = ("run", "--exercise", "piriformis-stretch", *FAST)
SCREEN_ERROR = (
    "Error: the safety screen is due (before your first session) and there is no terminal"
    " to ask it: run corecli screen, or add --screened if you have read its questions"
    " (corecli screen --list) and none apply\n"
)
PRACTICE = "Practice: this does not change your programme (one exercise, chosen with --exercise)."
GREEN_2_3 = "Green: pain up 1, from 2 to 3 after the session. Carry on as planned."
MARCH = datetime(2026, 3, 1, 8, 0)  # phase rules look at the days between sessions, not today


# --- Helpers ----------------------------------------------------------------------------


@pytest.fixture
def store(isolated: Path) -> Iterator[History]:
    """The history the CLI reads, open for writing sessions as an earlier run would."""
    with History.open(history_path(isolated)) as history:
        yield history


def add_session(
    history: History,
    started: datetime,
    *,
    phase: Phase = Phase.acute,
    light: Light | None = Light.green,
    ending: Ending = Ending.finished,
    outcomes: dict[str, Outcome] | None = None,
    routine: str = "Gentle stretches",
    pain_before: int | None = 2,
    pain_after: int | None = 3,
) -> int:
    """One session, begun and ended, with an item per exercise in ``outcomes``."""
    outcomes = outcomes or {"pelvic-tilt": Outcome.done}
    planned = [
        ItemRecord(exercise=exercise, outcome=Outcome.not_reached, planned_s=60, active_s=0)
        for exercise in outcomes
    ]
    session_id = history.begin_session(
        started=started,
        routine=routine,
        phase=phase,
        condition=PlanCondition.general,
        planned_s=60 * len(planned),
        items=planned,
        pain_before=pain_before,
    )
    ended = started + timedelta(minutes=len(planned))
    items = [
        ItemRecord(
            exercise=exercise,
            outcome=outcome,
            planned_s=60,
            active_s=60.0 if outcome is Outcome.done else 0.0,
        )
        for exercise, outcome in outcomes.items()
    ]
    history.end_session(
        session_id,
        SessionRecord(
            routine=routine,
            phase=phase,
            condition=PlanCondition.general,
            started=started,
            ended=ended,
            ending=ending,
            planned_s=60 * len(items),
            active_s=sum(item.active_s for item in items),
            paused_s=0,
            total_s=(ended - started).total_seconds(),
            items=items,
        ),
        pain_after=pain_after,
    )
    return session_id


def recorded(run: Run) -> list[dict[str, object]]:
    result = run("history", "--json")
    assert result.exit_code == 0, result.output
    sessions: list[dict[str, object]] = json.loads(result.stdout)
    return sessions


def one_error(result: Result, exit_code: int) -> str:
    """The single ``Error:`` line of a refused command (no traceback, nothing else)."""
    assert result.exit_code == exit_code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    return lines[0]


def advice(result: Result) -> str:
    """The light's advice after a session's summary (Rich wraps it at the width)."""
    lines = result.stdout.splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("Active time "))
    end = lines.index("", start) if "" in lines[start:] else len(lines)  # then the card
    return " ".join(lines[start + 1 : end])


def planned_ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.output
    return [item["exercise"] for item in json.loads(result.stdout)["items"]]


def table_rows(result: Result) -> list[list[str]]:
    """The data rows of ``corecli history``: the lines between the header and the footer."""
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["date", "routine", "phase", "time", "done", "pain", "light"]
    return [line.split() for line in lines[1:-1]]


# --- Pain check-ins and the traffic light -----------------------------------------------


def test_a_session_with_pain_scores_gets_a_green_light(run: Run) -> None:
    result = run(*PIRIFORMIS, "--screened", "--pain-before", "2", "--pain-after", "3")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.splitlines()[0] == PRACTICE
    session, card = result.stdout.split("\n\n")
    assert card.startswith(("Walking helps: ", "Hurt is not harm: ", "Back pain is common"))
    assert session.splitlines()[-4:] == [
        "Session complete.",
        "Done 1 of 1 exercises · skipped 0 · marked as hurting 0",
        "Active time 1 min 20 s · total time 1 min 35 s",
        GREEN_2_3,
    ]
    (session,) = recorded(run)
    assert session["ending"] == "finished"
    assert session["done"] == session["items"] == 1
    assert (session["pain_before"], session["pain_after"]) == (2, 3)
    assert session["pain_next_day"] is None
    assert session["light"] == "green"


@pytest.mark.parametrize(
    ("before", "after", "light", "words"),
    [
        (2, 3, Light.green, "pain up 1, from 2 to 3 after the session"),  # within noise
        (2, 4, Light.amber, "pain up 2, from 2 to 4 after the session"),  # a change one notices
        (1, 4, Light.red, "pain up 3, from 1 to 4 after the session"),
        (6, 6, Light.green, "pain unchanged at 6 after the session"),  # persistent pain
        (7, 4, Light.green, "pain down 3, from 7 to 4 after the session"),
        (8, 8, Light.amber, "pain unchanged at 8 after the session, but high"),
    ],
)
def test_the_light_follows_the_change_from_before(
    run: Run, before: int, after: int, light: Light, words: str
) -> None:
    result = run(
        *PIRIFORMIS, "--screened", "--pain-before", str(before), "--pain-after", str(after)
    )
    assert result.exit_code == 0, result.output
    assert advice(result).startswith(f"{light.value.title()}: {words}. ")
    assert [s["light"] for s in recorded(run)] == [light.value]
    (row,) = table_rows(run("history"))
    assert row[-4:] == [str(before), "→", str(after), light.value]


@pytest.mark.parametrize(
    "pain", [("--pain-before", "3"), ("--pain-after", "3")], ids=["before", "after"]
)
def test_no_check_in_with_a_pain_score_is_a_usage_error(run: Run, pain: tuple[str, str]) -> None:
    result = run(*PIRIFORMIS, "--screened", "--no-check-in", *pain)
    line = one_error(result, 2)
    assert line == "Error: --no-check-in asks no pain questions; drop it or the pain options"
    assert result.stdout == ""
    assert recorded(run) == []


@pytest.mark.parametrize("options", [(), ("--no-check-in",)], ids=["no-terminal", "no-check-in"])
def test_without_pain_scores_nothing_is_asked_and_there_is_no_light(
    run: Run, options: tuple[str, ...]
) -> None:
    result = run(*PIRIFORMIS, "--screened", *options)
    assert result.exit_code == 0, result.output
    assert "Pain" not in result.output
    session, _card = result.stdout.split("\n\n")
    assert session.splitlines()[-1].startswith("Active time ")
    assert not any(word in result.stdout for word in ("Green:", "Amber:", "Red:"))
    (session,) = recorded(run)
    assert session["pain_before"] is session["pain_after"] is session["light"] is None


# --- The safety screen ------------------------------------------------------------------


def test_a_session_without_a_terminal_needs_screened_and_records_nothing(run: Run) -> None:
    result = run(*PIRIFORMIS, "--pain-before", "2", "--pain-after", "3")
    assert result.exit_code == 2
    assert result.stderr == SCREEN_ERROR
    assert result.stdout == ""
    assert recorded(run) == []


def test_screened_lasts_a_week(run: Run) -> None:
    assert run(*PIRIFORMIS, "--screened").exit_code == 0
    second = run(*PIRIFORMIS)  # within the week: not asked again
    assert second.exit_code == 0, second.output
    assert len(recorded(run)) == 2


def test_a_dry_run_never_asks_for_the_screen(run: Run) -> None:
    result = run("run", "--exercise", "piriformis-stretch", "--dry-run")
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"Total: .+ \(\d+ s\)", result.stdout.splitlines()[-1])
    assert result.stderr == ""


# --- The questions themselves, answered by a script -------------------------------------


def scripted(*answers: str) -> tuple[prompts.Read, list[str], list[str]]:
    """A ``read`` that types ``answers`` in turn, and lists of the prompts and lines said."""
    typed = iter(answers)
    asked: list[str] = []
    said: list[str] = []

    def read(prompt: str) -> str:
        asked.append(prompt)
        return next(typed)

    return read, asked, said


@pytest.mark.parametrize(
    ("answers", "score", "complaints"),
    [
        (["3"], 3, 0),
        ([" 10 "], 10, 0),
        ([""], None, 0),  # Enter skips
        (["   "], None, 0),
        (["11", "-1", "two", "2.5", "0"], 0, 4),
    ],
)
def test_ask_pain_asks_again_until_it_gets_0_to_10(
    answers: list[str], score: int | None, complaints: int
) -> None:
    read, asked, said = scripted(*answers)
    assert prompts.ask_pain("now", read=read, say=said.append) == score
    assert len(asked) == len(answers)
    assert asked[0] == "Pain now, 0-10 (0 none, 10 worst; Enter to skip): "
    assert len(said) == complaints
    if complaints:
        assert said[0] == "Please type a whole number from 0 to 10, not '11'."


def test_ask_pain_asks_again_after_a_superscript_digit() -> None:
    read, _, said = scripted("²", "2")
    assert prompts.ask_pain("now", read=read, say=said.append) == 2
    assert len(said) == 1


@pytest.mark.parametrize(
    ("answers", "expected"),
    [(["y"], True), ([" YES "], True), (["n"], False), (["No"], False), (["", "maybe", "y"], True)],
)
def test_ask_yes_no_takes_only_y_or_n(answers: list[str], expected: bool) -> None:
    read, asked, said = scripted(*answers)
    assert prompts.ask_yes_no("Any fever?", read=read, say=said.append) is expected
    assert asked == ["Any fever? [y/n] "] * len(answers)
    assert said == ["Please answer y or n."] * (len(answers) - 1)


# --- The phase the history gives the next plan ------------------------------------------


def plan_phase(result: Result) -> str:
    assert result.exit_code == 0, result.output
    phase: str = json.loads(result.stdout)["phase"]
    return phase


GENTLE = "Programme: acute, base dose: the gentle start (corecli start sets it up)\n"
TIP = "Tip: corecli start sets your programme up (how long the pain has lasted, and more).\n"


def test_with_no_history_the_plan_starts_acute_and_says_why(run: Run, isolated: Path) -> None:
    result = run("plan", "--format", "json")
    assert plan_phase(result) == "acute"
    assert result.stderr == GENTLE + TIP
    assert not isolated.exists()  # a plan creates no files


def test_a_phase_given_is_not_explained(run: Run, store: History) -> None:
    add_session(store, MARCH, phase=Phase.recovery)
    result = run("plan", "--phase", "maintenance", "--format", "json")
    assert plan_phase(result) == "maintenance"
    assert "Programme:" not in result.stderr


def test_a_planned_run_says_where_the_programme_is_too(run: Run, store: History) -> None:
    add_session(store, MARCH, phase=Phase.recovery)  # an older session: nothing to carry over
    result = run("run", "--dry-run", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert result.stderr == GENTLE


# --- "This hurts" flags -----------------------------------------------------------------

FLAGGED = "piriformis-stretch"
LEFT_OUT = (
    "Left out: piriformis-stretch, marked as hurting on 1 Mar"
    " (corecli unflag piriformis-stretch brings it back)"
)


@pytest.fixture
def hurt(store: History) -> None:
    """A session in which piriformis-stretch was marked with x ("this hurts")."""
    add_session(store, MARCH, outcomes={"pelvic-tilt": Outcome.done, FLAGGED: Outcome.hurt})


def plans(run: Run, *options: str) -> list[list[str]]:
    return [
        planned_ids(run("plan", "--phase", "acute", "--seed", seed, "--format", "json", *options))
        for seed in ("1", "2", "3", "4", "5")
    ]


def test_acute_plans_usually_hold_the_exercise_flagged_below(run: Run) -> None:
    """Without this, leaving it out would prove nothing."""
    assert any(FLAGGED in ids for ids in plans(run))


@pytest.mark.usefixtures("hurt")
def test_a_flagged_exercise_is_left_out_and_the_plan_says_so(run: Run) -> None:
    assert not any(FLAGGED in ids for ids in plans(run))
    result = run("plan", "--format", "json")
    assert result.stderr.splitlines()[-1] == LEFT_OUT


@pytest.mark.usefixtures("hurt")
def test_include_brings_a_flagged_exercise_back_for_one_plan(run: Run) -> None:
    result = run("plan", "--phase", "acute", "--include", FLAGGED, "--format", "json")
    assert FLAGGED in planned_ids(result)
    assert "Left out" not in result.stderr
    assert FLAGGED not in planned_ids(run("plan", "--phase", "acute", "--format", "json"))


@pytest.mark.usefixtures("hurt")
@pytest.mark.parametrize(
    "name", [["piriformis-stretch"], ["Piriformis", "Stretch"], ["figure-four stretch"]]
)
def test_unflag_by_id_name_or_alias_lets_it_be_planned_again(run: Run, name: list[str]) -> None:
    result = run("unflag", *name)
    assert result.exit_code == 0, result.output
    assert result.stdout == "piriformis-stretch will be planned again. Stop it if it hurts.\n"
    assert any(FLAGGED in ids for ids in plans(run))
    assert "Left out" not in run("plan").stderr


@pytest.mark.parametrize(
    ("hurting", "flagged"), [(False, "none"), (True, "piriformis-stretch")], ids=["none", "one"]
)
def test_unflag_of_an_exercise_not_flagged_lists_the_flagged_ones(
    run: Run, store: History, hurting: bool, flagged: str
) -> None:
    if hurting:
        add_session(store, MARCH, outcomes={FLAGGED: Outcome.hurt})
    line = one_error(run("unflag", "pelvic-tilt"), 1)
    assert line == f"Error: pelvic-tilt is not flagged (flagged: {flagged})"


# --- Walks ------------------------------------------------------------------------------


def test_a_walk_counts_towards_this_weeks_goal(run: Run) -> None:
    result = run("walk", "30")  # on Wednesday 18 Nov 2026
    assert result.exit_code == 0
    assert result.stdout == "Logged a 30-minute walk. Week of 16 Nov: 30 of 50 minutes walked.\n"


@pytest.mark.parametrize(
    ("on", "week", "walked"),
    [
        ("2026-11-17", "16 Nov", 50),  # Tuesday: this week, with today's 30 minutes
        ("yesterday", "16 Nov", 50),
        ("2026-11-15", "09 Nov", 20),  # Sunday: the week before
        ("3d", "09 Nov", 20),
    ],
)
def test_a_walk_on_another_day_counts_in_that_week(
    run: Run, on: str, week: str, walked: int
) -> None:
    assert run("walk", "30").exit_code == 0
    result = run("walk", "20", "--on", on)
    assert result.exit_code == 0
    assert result.stdout == (
        f"Logged a 20-minute walk. Week of {week}: {walked} of 50 minutes walked.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["10", "--on", "2999-01-01"], "Error: --on 2999-01-01 is in the future"),
        (
            ["10", "--on", "notadate"],
            "Error: --on takes a date such as 2026-11-01, today, yesterday, or 30d / 4w for"
            " days or weeks ago, not 'notadate'",
        ),
    ],
)
def test_a_walk_on_a_day_that_is_not_past_is_refused(
    run: Run, isolated: Path, args: list[str], message: str
) -> None:
    assert one_error(run("walk", *args), 2) == message
    assert not history_path(isolated).exists()


@pytest.mark.parametrize("minutes", ["0", "601", "ten"])
def test_a_walk_of_0_or_over_600_minutes_is_refused(run: Run, minutes: str) -> None:
    line = one_error(run("walk", minutes), 2)
    assert line == f"Error: MINUTES takes a whole number from 1 to 600, not {minutes!r}"


@pytest.mark.parametrize("pain", ["11", "-1"])
def test_a_checkin_outside_0_to_10_is_one_error_line(run: Run, pain: str) -> None:
    line = one_error(run("checkin", "--", pain), 2)
    assert line == f"Error: PAIN takes a whole number from 0 to 10, not {pain!r}"


# --- Next-morning check-ins -------------------------------------------------------------


def test_checkin_with_no_session_is_refused(run: Run) -> None:
    line = one_error(run("checkin", "4"), 2)
    assert line == "Error: there is no session before 18 Nov to check in for"


def test_checkin_refuses_the_sessions_own_day_and_attaches_to_the_one_before(
    run: Run, clock: FakeClock
) -> None:
    assert run(*PIRIFORMIS, "--screened", "--pain-before", "2", "--pain-after", "3").exit_code == 0
    line = one_error(run("checkin", "4"), 2)
    assert line == (
        "Error: your session was on 18 Nov itself; the check-in is for the morning after it"
        " (corecli checkin PAIN, tomorrow)"
    )
    clock.advance(days=1)
    result = run("checkin", "5")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Recorded pain 5 on the morning of Thu 19 Nov, for session 1 (Piriformis stretch)"
        " of Wed 18 Nov.",
        "Red: not settled by the next morning (up 3, from 2 to 5); pain up 1, from 2 to 3 after"
        " the session. The next plan cuts the dose. If it has not settled within a day or two,"
        " see a doctor or physiotherapist.",
    ]
    (session,) = recorded(run)
    assert (session["pain_next_day"], session["light"]) == (5, "red")
    assert table_rows(run("history"))[0][-6:] == ["2", "→", "3", "→", "5", "red"]

    again = one_error(run("checkin", "2"), 2)  # the first answer stands
    assert again == (
        "Error: session 1 of 18 Nov already has its next-morning answer (pain 5);"
        " the first answer is kept"
    )


def test_checkin_on_a_past_morning_and_not_too_long_after(run: Run, clock: FakeClock) -> None:
    assert run(*PIRIFORMIS, "--screened", "--pain-before", "2", "--pain-after", "3").exit_code == 0
    clock.advance(days=4)
    line = one_error(run("checkin", "3"), 2)
    assert line == (
        "Error: the last session before 22 Nov was on 18 Nov, 4 days earlier; a check-in is for"
        " the morning after a session (--on 2026-11-19)"
    )
    result = run("checkin", "2", "--on", "2026-11-19")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Recorded pain 2 on the morning of Thu 19 Nov, for session 1")
    assert "settled by the next morning (unchanged at 2)" in result.stdout
    future = one_error(run("checkin", "2", "--on", "2026-11-30"), 2)
    assert future == "Error: --on 2026-11-30 is in the future"


# --- corecli history --------------------------------------------------------------------


def test_history_with_no_sessions_says_how_to_start(run: Run, isolated: Path) -> None:
    result = run("history")
    assert result.exit_code == 0
    assert result.stdout == "No sessions yet. Start one with: corecli run\n"
    assert run("history", "--json").stdout == "[]\n"
    assert run("history", "--csv").stdout == ",".join(FIELDS) + "\n"
    assert not history_path(isolated).exists()  # reading creates nothing


# (options, rows shown, footer) for 25 sessions a day apart, 1-25 March 2026
TABLE_PAGES = [
    ((), 20, "20 of 25 sessions · more with --limit N or --since DATE"),
    (("--limit", "5"), 5, "5 of 25 sessions"),
    (("--limit", "30"), 25, "25 of 25 sessions"),
    (("--since", "2026-03-20"), 6, "6 of 25 sessions"),
    (("--since", "2026-03-20", "--limit", "2"), 2, "2 of 25 sessions"),
]


def test_history_table_shows_the_newest_with_a_footer(run: Run, store: History) -> None:
    for n in range(25):  # seeded once for every row of the table: 25 writes take a while
        add_session(store, MARCH + timedelta(days=n))
    for options, shown, footer in TABLE_PAGES:
        result = run("history", *options)
        assert result.exit_code == 0, options
        rows = table_rows(result)
        assert len(rows) == shown, options
        assert rows[0][:3] == ["25", "Mar", "2026"], options  # newest first
        assert result.stdout.splitlines()[-1] == footer


def test_history_since_days_ago(run: Run, store: History, clock: FakeClock) -> None:
    for days in range(7):
        add_session(store, clock.now() - timedelta(days=days))
    result = run("history", "--since", "3d")
    assert len(table_rows(result)) == 4  # today and the three days before
    assert result.stdout.splitlines()[-1] == "4 of 7 sessions"
    assert len(recorded(run)) == 7


def test_history_since_a_date_is_inclusive(run: Run, store: History) -> None:
    for started in ("2025-12-30", "2025-12-31", "2026-01-01", "2026-01-02"):
        add_session(store, datetime.fromisoformat(f"{started}T23:00"))
    json_out = json.loads(run("history", "--since", "2026-01-01", "--json").stdout)
    assert [s["started"][:10] for s in json_out] == ["2026-01-02", "2026-01-01"]
    later = run("history", "--since", "2026-02-01")
    assert later.stdout == "No sessions in that time.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--since", "bogus"],
            "Error: --since takes a date such as 2026-11-01, today, yesterday, or 30d / 4w"
            " for days or weeks ago, not 'bogus'",
        ),
        (["--json", "--csv"], "Error: choose --json or --csv, not both"),
    ],
)
def test_history_usage_errors(run: Run, args: list[str], message: str) -> None:
    result = run("history", *args)
    assert one_error(result, 2) == message
    assert result.stdout == ""


@pytest.mark.parametrize("option", [["--csv"]])
def test_history_json_and_csv_hold_every_field_in_the_same_order(
    run: Run, store: History, option: list[str]
) -> None:
    add_session(store, MARCH, pain_after=None)
    add_session(
        store,
        MARCH + timedelta(days=1),
        outcomes={"pelvic-tilt": Outcome.done, "bridge": Outcome.skipped},
        ending=Ending.quit,
    )
    as_json = recorded(run)
    assert [list(session) for session in as_json] == [list(FIELDS)] * 2
    as_csv = run("history", *option).stdout
    assert as_csv.splitlines()[0] == ",".join(FIELDS)
    rows = list(csv.DictReader(io.StringIO(as_csv)))
    assert rows == [
        {key: "" if value is None else str(value) for key, value in session.items()}
        for session in as_json
    ]
    assert (as_json[0]["done"], as_json[0]["items"], as_json[0]["ending"]) == (1, 2, "quit")


ODD_NAME = "[red]Mine\x1b[31m odd"


def test_a_routine_name_with_markup_or_an_escape_prints_literally(run: Run, store: History) -> None:
    add_session(store, MARCH, routine=ODD_NAME)
    result = run("history")
    assert "\x1b" not in result.output
    assert "[red]Mine\\x1b[31m odd" in result.stdout
    assert recorded(run)[0]["routine"] == ODD_NAME  # JSON keeps it exactly


def test_csv_keeps_a_routine_name_with_an_escape(run: Run, store: History) -> None:
    add_session(store, MARCH, routine=ODD_NAME)
    (row,) = csv.DictReader(io.StringIO(run("history", "--csv").stdout))
    assert row["routine"] in (ODD_NAME, visible(ODD_NAME))


# --- corecli stats ----------------------------------------------------------------------


def test_stats_with_no_history(run: Run, isolated: Path) -> None:
    result = run("stats")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Sessions: 0 in all · current streak 0 days in a row"
    assert "No pain check-ins yet." in lines
    assert "Most skipped" not in result.stdout
    assert not history_path(isolated).exists()


def section(stdout: str, title: str) -> list[str]:
    """The lines under a stats heading, up to the blank line after them."""
    lines = stdout.splitlines()
    start = lines.index(title) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_stats_streak_weeks_pain_trend_walks_and_trouble_spots(
    run: Run, store: History, clock: FakeClock
) -> None:
    today = clock.now()  # the streak and the weeks count back from today
    days_ago = {0: 10, 1: 5, 2: 0, 5: None}  # 5 days ago breaks the streak
    for days, pain_after in sorted(days_ago.items(), reverse=True):
        outcomes = {"pelvic-tilt": Outcome.done, "bridge": Outcome.skipped}
        if days == 1:
            outcomes["plank"] = Outcome.skipped
        add_session(store, today - timedelta(days=days), pain_after=pain_after, outcomes=outcomes)
    assert run("walk", "30").exit_code == 0

    result = run("stats")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.splitlines()[0] == "Sessions: 4 in all · current streak 3 days in a row"

    per_week: dict[date, int] = {}
    for days in days_ago:
        monday = week_start((today - timedelta(days=days)).date())
        per_week[monday] = per_week.get(monday, 0) + 1
    weeks = section(out, "Sessions per week")
    assert len(weeks) == 8
    for line in weeks:
        found = re.fullmatch(r"(\d\d \w\w\w) +(\d+)(  █+)? *", line)
        assert found, line
        counted = [n for monday, n in per_week.items() if f"{monday:%d %b}" == found.group(1)]
        assert int(found.group(2)) == (counted[0] if counted else 0), line
        assert bool(found.group(3)) == bool(counted), line

    (trend,) = section(out, "Pain after sessions (0-10, oldest first)")
    assert trend == "▁▅█  last 10, lowest 0, highest 10 over 3 check-ins"

    walking = section(out, "Walking per week (minutes against the goal)")
    assert re.fullmatch(r"\d\d \w\w\w +30 / 50 min  █+░+ *", walking[-1])

    assert "Most skipped: Bridge (4), Forearm plank (1)" in out.splitlines()


# --- Settings ---------------------------------------------------------------------------


def plan_minutes(run: Run, *options: str) -> int:
    result = run("plan", "--phase", "acute", "--format", "json", *options)
    assert result.exit_code == 0, result.output
    minutes: int = json.loads(result.stdout)["minutes"]
    return minutes


def test_minutes_from_the_config_and_the_option_that_overrides_it(run: Run) -> None:
    assert plan_minutes(run) == 10
    assert run("config", "set", "minutes", "20").stdout == "minutes = 20\n"
    assert plan_minutes(run) == 20
    assert plan_minutes(run, "--minutes", "15") == 15
    unset = run("config", "unset", "minutes")
    assert unset.stdout == "minutes is back to its default: unset (the phase's default)\n"
    assert plan_minutes(run) == 10


def test_floor_false_in_the_config_plans_off_the_floor_until_floor_overrides_it(
    run: Run,
) -> None:
    off_floor = {e["id"] for e in json.loads(run("list", "--json").stdout) if e["off_floor"]}
    assert run("config", "set", "floor", "no").stdout == "floor = false\n"
    for seed in ("1", "2", "3"):
        planned = planned_ids(run("plan", "--seed", seed, "--format", "json"))
        assert set(planned) <= off_floor, set(planned) - off_floor
    on_floor = set()
    for seed in ("1", "2", "3"):
        on_floor |= set(planned_ids(run("plan", "--floor", "--seed", seed, "--format", "json")))
    assert on_floor - off_floor, "--floor brings floor work back"


def test_no_floor_on_the_command_line_and_the_json_says_what_it_left_out(run: Run) -> None:
    result = run("plan", "--no-floor", "--seed", "2", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    left = {entry["exercise"]: entry for entry in data["left_out"]}
    assert left["prone-lying"] == {
        "exercise": "prone-lying",
        "option": "--no-floor",
        "reason": "it is done on the floor",
    }
    assert not left.keys() & {item["exercise"] for item in data["items"]}


def test_equipment_none_plans_exercises_that_need_nothing(run: Run) -> None:
    assert run("config", "set", "equipment", "none").stdout == "equipment = none\n"
    bare = {e["id"] for e in json.loads(run("list", "--equipment", "none", "--json").stdout)}
    for seed in ("1", "2", "3"):
        result = run("plan", "--phase", "acute", "--seed", seed, "--format", "json")
        assert set(planned_ids(result)) <= bare, seed


def dry_run_total(run: Run, routine: Path) -> tuple[int, int]:
    """Total seconds of a dry run, and how many transitions it has."""
    result = run("run", routine, "--dry-run")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    total = re.fullmatch(r"Total: .+ \((\d+) s\)", lines[-1])
    assert total, lines[-1]
    return int(total.group(1)), sum(" transition " in line for line in lines)


def test_prep_and_transition_settings_change_a_dry_run(run: Run, tmp_path: Path) -> None:
    routine = tmp_path / "today.toml"
    assert run("plan", "--phase", "acute", "--seed", "1", "-o", routine).exit_code == 0
    total, transitions = dry_run_total(run, routine)
    assert transitions > 1
    run("config", "set", "prep", "0")
    assert dry_run_total(run, routine) == (total - 10, transitions)
    run("config", "set", "transition", "0")
    assert dry_run_total(run, routine)[0] == total - 10 - 10 * transitions
    assert run("run", routine, "--dry-run", "--transition", "10").stdout.endswith(
        f"({total - 10} s)\n"
    )


def test_a_bad_value_is_refused(run: Run, isolated: Path) -> None:
    line = one_error(run("config", "set", "sound", "maybe"), 2)
    assert line == "Error: sound must be off, bell or tones, not 'maybe'"
    assert not (isolated / "config.toml").exists()


def test_config_show_lists_every_key_and_where_it_comes_from(run: Run, isolated: Path) -> None:
    run("config", "set", "minutes", "20")
    run("config", "set", "sound", "off")
    result = run("config", "show")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[-1] == f"File: {isolated / 'config.toml'}"
    keys = list(KEYS)  # their order is tests/store/test_config.py's to check
    assert [line.split()[0] for line in lines[:-1]] == keys
    sources = {line.split()[0]: line.split()[-1] for line in lines[:-1]}
    assert sources == {
        k: "(config.toml)" if k in ("minutes", "sound") else "(default)" for k in keys
    }
    assert lines[2].split()[:2] == ["sound", "off"]


@pytest.mark.parametrize(
    "command", [["plan"], ["config", "set", "prep", "3"], ["config", "unset", "minutes"]]
)
def test_a_broken_config_stops_and_is_never_overwritten(
    run: Run, isolated: Path, command: list[str]
) -> None:
    path = isolated / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'minutes = "x"\n')
    line = one_error(run(*command), 2)
    assert line == f"Error: {path}: minutes: must be a whole number (got 'x')"
    assert path.read_bytes() == b'minutes = "x"\n'


# --- A damaged history, and one that cannot be written ----------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["history"],
        ["stats"],
        ["plan"],
        [*PIRIFORMIS, "--screened"],
        ["walk", "10"],
        ["checkin", "3"],
        ["unflag", "bridge"],
        ["screen", "--screened"],
    ],
    ids=lambda command: command[0],
)
def test_a_damaged_history_stops_with_what_to_do_and_is_kept(
    run: Run, isolated: Path, command: list[str]
) -> None:
    path = history_path(isolated)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a database")
    result = run(*command)
    line = one_error(result, 2)
    assert str(path) in line
    assert "move it aside" in line
    assert "Session complete." not in result.stdout
    assert path.read_bytes() == b"not a database"
    assert sorted(p.name for p in isolated.iterdir()) == ["history.sqlite3"]


def disk_full(*args: object, **kwargs: object) -> None:
    raise HistoryProblem("history.sqlite3 cannot be written: the disk is full")


@pytest.mark.parametrize("method", ["begin_session", "save_item", "end_session"])
def test_a_history_that_cannot_be_written_does_not_stop_the_session(
    run: Run, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    monkeypatch.setattr(History, method, disk_full)
    result = run(*PIRIFORMIS, "--screened", "--pain-before", "2", "--pain-after", "3")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "Session complete." in lines
    assert advice(result) == GREEN_2_3
    assert result.stderr == (
        "History not saved: history.sqlite3 cannot be written: the disk is full\n"
    )


def test_a_history_that_cannot_be_opened_does_not_stop_the_session(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    def read_only(*args: object, **kwargs: object) -> History:
        raise HistoryProblem("history.sqlite3 cannot be written (readonly); check its permissions")

    monkeypatch.setattr(History, "open", read_only)
    result = run(*PIRIFORMIS, "--screened", "--pain-before", "2", "--pain-after", "3")
    assert result.exit_code == 0, result.output
    assert "Session complete." in result.stdout
    assert advice(result) == GREEN_2_3
    assert result.stderr == (
        "History not saved: history.sqlite3 cannot be written (readonly); check its permissions\n"
    )


def test_a_full_disk_during_a_session_keeps_what_was_saved(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session row was written before the disk filled; it stays, with no end."""
    with monkeypatch.context() as patched:
        patched.setattr(History, "end_session", disk_full)
        assert run(*PIRIFORMIS, "--screened").exit_code == 0
    (session,) = recorded(run)
    assert session["ending"] is None
    assert "cut off" in run("history").stdout


def test_history_shows_this_weeks_walking_against_its_goal(run: Run) -> None:
    assert run("walk", "20").exit_code == 0
    result = run("history")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "No sessions yet. Start one with: corecli run",
        "Walking this week: 20 of 50 minutes (building up to 150 a week)",
    ]


def test_a_plan_refused_because_of_a_setting_names_config_toml(run: Run) -> None:
    assert run("config", "set", "equipment", "none").exit_code == 0
    result = run("plan", "--phase", "recovery")
    assert one_error(result, 1).endswith("(equipment from config.toml: see corecli config show)")
    assert run("plan", "--phase", "recovery", "--equipment", "mat").exit_code == 0


def test_a_home_that_cannot_hold_files_runs_the_session_unsaved(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CORECLI_HOME below a plain file: nothing can be written there, yet the session runs."""
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("CORECLI_HOME", str(blocker / "home"))
    result = run(*PIRIFORMIS, "--screened", "--pain-before", "2", "--pain-after", "2")
    assert result.exit_code == 0, result.output
    assert "Session complete." in result.stdout
    assert result.stderr.startswith("History not saved: ")
    assert len(result.stderr.splitlines()) == 1


def test_walk_on_yesterday_and_history_since_today(run: Run) -> None:
    assert run("walk", "15", "--on", "yesterday").exit_code == 0
    assert run("history", "--since", "today", "--json").stdout.strip() == "[]"


def test_a_huge_history_limit_is_one_error_line(run: Run) -> None:
    line = one_error(run("history", "--limit", "100000000000000000000"), 2)
    assert line == (
        "Error: --limit takes a whole number from 1 to 1000000, not '100000000000000000000'"
    )


def test_config_set_through_a_dotfiles_link_keeps_the_link(
    run: Run, isolated: Path, tmp_path: Path
) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "corecli.toml").write_text("minutes = 20\n", encoding="utf-8")
    isolated.mkdir()
    (isolated / "config.toml").symlink_to(dotfiles / "corecli.toml")
    assert run("config", "set", "level", "beginner").exit_code == 0
    assert (isolated / "config.toml").is_symlink()
    saved = (dotfiles / "corecli.toml").read_text(encoding="utf-8")
    assert "minutes = 20" in saved and 'level = "beginner"' in saved


@pytest.mark.parametrize(
    ("failure", "words"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "its folder is read-only"),
    ],
)
@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["config", "set", "minutes", "20"], "config.toml"),
        (["plan", "-o", "today.toml"], "today.toml"),
    ],
    ids=["config set", "plan -o"],
)
def test_a_file_that_cannot_be_written_says_why_and_exits_1(
    run: Run,
    isolated: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    name: str,
    failure: int,
    words: str,
) -> None:
    """What was typed was fine, so not exit 2: the same code as a history that
    cannot be written."""

    def cannot(*args: object, **kwargs: object) -> None:
        raise OSError(failure, errno.errorcode[failure])

    monkeypatch.chdir(isolated.parent)
    monkeypatch.setattr(tempfile, "mkstemp", cannot)
    line = one_error(run(*command), 1)
    assert line.startswith("Error: ") and line.endswith(f"{name}: cannot be written: {words}")


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_plan_never_writes_over_a_device(run: Run) -> None:
    line = one_error(run("plan", "-o", "/dev/null", "--force"), 2)
    assert line == "Error: /dev/null: is not a regular file; corecli writes only to files"


# --- A damaged history --------------------------------------------------------------------

DAMAGE = [
    # (what a hand edit or a bit flip did, the table and row named, the value named)
    ("UPDATE sessions SET phase = 'bogus'", "row 1 of table sessions", "bogus"),
    ("UPDATE sessions SET started = 'garbage'", "row 1 of table sessions", "garbage"),
    ("UPDATE sessions SET planned_s = 'x'", "row 1 of table sessions", "'x'"),
    ("UPDATE sessions SET pain_before = 42", "row 1 of table sessions", "42"),
    ("UPDATE items SET outcome = 'meh'", "session 1 of table items", "meh"),
    (
        "INSERT INTO screenings (at, answers, clear) VALUES ('2026-01-01T07:00:00', '{x', 1)",
        "of table screenings",
        "{x",
    ),
    ("INSERT INTO walks (at, minutes) VALUES ('42', 10)", "of table walks", "42"),
]


@pytest.mark.parametrize(("damage", "where", "value"), DAMAGE, ids=[d[0][:40] for d in DAMAGE])
@pytest.mark.parametrize(
    "command",
    [
        ["stats"],
        ["history"],
        ["plan"],
        ["today"],
        ["walk", "5"],
        ["run", "--exercise", "bridge", *FAST, "--screened", "--no-check-in"],
    ],
    ids=" ".join,
)
def test_a_damaged_history_stops_with_one_line_and_is_never_written(
    run: Run, isolated: Path, damage: str, where: str, value: str, command: list[str]
) -> None:
    assert run("run", "--exercise", "bridge", *FAST, "--screened", "--no-check-in").exit_code == 0
    path = history_path(isolated)
    with sqlite3.connect(path) as db:
        db.execute(damage)
    db.close()
    before = path.read_bytes()
    result = run(*command)
    if result.exit_code == 0:  # a command that never reads that value has nothing to say
        assert command[0] in ("stats", "history"), result.output
        return
    line = one_error(result, 2)
    assert str(path) in line and where in line and value in line, line
    assert "move it aside" in line
    assert path.read_bytes() == before
