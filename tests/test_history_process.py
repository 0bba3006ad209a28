"""The history as real ``corecli run`` processes leave it: killed, terminated, side by side,
and with the safety screen and pain check-ins answered at a real terminal."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from corecli.catalogue import load_catalogue
from corecli.planner import PlanRequest, plan_routine
from corecli.safety import EMERGENCY_ADVICE, RED_FLAGS
from corecli.store.history import History
from corecli.store.home import history_path
from corecli.timeline import TimelineSettings
from tests.conftest import Run

pexpect = pytest.importorskip("pexpect")

TIMEOUT_S = 10
# A planned routine (seven exercises, 7 min from an empty history) in about 4 s; no keyboard,
# so no questions: the screen is taken as read and pain is not asked.
PLANNED = [sys.executable, "-m", "corecli", "run", "--plain", "--no-sound", "--screened"]
PLANNED += ["--no-check-in", "--prep", "0", "--transition", "0", "--speed", "100", "--seed", "1"]
# That plan (the seed fixes it whatever the date): how many exercises, how many seconds.
_PLAN = plan_routine(
    load_catalogue(),
    PlanRequest(seed=1, settings=TimelineSettings(prep_s=0, transition_s=0)),
    date(2026, 1, 1),
)
ITEMS = len(_PLAN.items)
PLANNED_S = _PLAN.estimated_s
# One exercise (3.5 min) at its real pace, for a person at a terminal who quits with q.
BRIDGE = [sys.executable, "-m", "corecli", "run", "--exercise", "bridge"]
BRIDGE += ["--prep", "1", "--transition", "1", "--no-sound", "--no-wait"]
# How a session's exercises can end up after an unfinished session, in the order they come.
OUTCOME_ORDER = ["done", "stopped", "not-reached"]
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


# --- Reading the history behind the program's back ----------------------------------------


def query(home: Path, sql: str, *parameters: object) -> list[tuple[Any, ...]] | None:
    """Rows from the history opened read-only, or None while it is not there or not ready."""
    uri = history_path(home).as_uri() + "?mode=ro"
    try:
        with contextlib.closing(sqlite3.connect(uri, uri=True, timeout=1)) as db:
            return db.execute(sql, parameters).fetchall()
    except sqlite3.Error:  # not created yet, or still being migrated
        return None


def outcomes(home: Path, session_id: int) -> list[str]:
    rows = query(
        home, "SELECT outcome FROM items WHERE session_id = ? ORDER BY position", session_id
    )
    assert rows is not None
    return [outcome for (outcome,) in rows]


def sessions(home: Path) -> list[dict[str, Any]]:
    """Every session row as stored, oldest first."""
    with contextlib.closing(sqlite3.connect(history_path(home))) as db:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM sessions ORDER BY id")]


def screenings(home: Path) -> list[dict[str, Any]]:
    with contextlib.closing(sqlite3.connect(history_path(home))) as db:
        rows = db.execute("SELECT answers, clear FROM screenings ORDER BY id").fetchall()
    return [{"answers": json.loads(answers), "clear": clear} for answers, clear in rows]


def wait_for_done_items(home: Path, process: subprocess.Popen[bytes], log: Path) -> set[int]:
    """Positions of the exercises committed as done, once there is at least one."""
    deadline = time.monotonic() + TIMEOUT_S
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        rows = query(home, "SELECT position FROM items WHERE outcome = 'done'")
        if rows:
            return {position for (position,) in rows}
        time.sleep(0.02)
    raise AssertionError(f"no exercise done within {TIMEOUT_S} s:\n{log.read_text()}")


def in_order(found: list[str]) -> bool:
    """Done exercises first, then at most the one in progress, then those never reached."""
    return found == sorted(found, key=OUTCOME_ORDER.index) and found.count("stopped") <= 1


@contextlib.contextmanager
def planned_session(home: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """``corecli run`` in the background, its output in ``log``; killed if still running."""
    with log.open("wb") as output:
        process = subprocess.Popen(  # inherits CORECLI_HOME from the `isolated` fixture
            PLANNED, stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=TIMEOUT_S)


# --- Killed, terminated, and two at once -------------------------------------------------


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_session_killed_midway_keeps_the_exercises_it_finished(
    isolated: Path, tmp_path: Path, run: Run
) -> None:
    log = tmp_path / "run.log"
    with planned_session(isolated, log) as process:
        done_before = wait_for_done_items(isolated, process, log)
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=TIMEOUT_S) == -signal.SIGKILL

    [session] = sessions(isolated)
    assert (session["ended"], session["ending"]) == (None, None)
    found = outcomes(isolated, session["id"])
    # Nothing is written after SIGKILL: no exercise "stopped", only what was committed.
    done = found.count("done")
    assert found == ["done"] * done + ["not-reached"] * (len(found) - done), found
    assert done_before <= set(range(done))
    assert len(found) == ITEMS
    assert 1 <= done < ITEMS

    with History.open(history_path(isolated), create=False) as history:
        [row] = history.sessions()
    assert (row.ended, row.ending, row.done, row.items) == (None, None, done, ITEMS)

    listed = run("history")
    assert listed.exit_code == 0
    assert "cut off" in listed.stdout
    assert f"{done}/{ITEMS}" in listed.stdout


@pytest.mark.slow
@pytest.mark.parametrize("name", ["SIGTERM", "SIGHUP", "SIGQUIT"])
def test_a_stop_signal_midway_closes_the_session_as_terminated(
    isolated: Path, tmp_path: Path, name: str
) -> None:
    if not hasattr(signal, name):
        pytest.skip(f"no {name} here")
    log = tmp_path / "run.log"
    with planned_session(isolated, log) as process:
        done_before = wait_for_done_items(isolated, process, log)
        process.send_signal(getattr(signal, name))
        assert process.wait(timeout=TIMEOUT_S) == 143, log.read_text()

    output = log.read_text()
    assert "Session ended by a signal." in output
    assert "Traceback" not in output
    [session] = sessions(isolated)
    assert session["ending"] == "terminated"
    assert session["ended"] is not None
    assert session["total_s"] > 0
    found = outcomes(isolated, session["id"])
    assert in_order(found), found
    assert done_before <= {n for n, outcome in enumerate(found) if outcome == "done"}
    assert f"Done {found.count('done')} of {ITEMS} exercises" in output


@pytest.mark.slow
def test_two_sessions_at_once_are_both_recorded_whole(isolated: Path, tmp_path: Path) -> None:
    # Created first: two first runs racing to create the file are tests/test_history.py's.
    History.open(history_path(isolated)).close()
    logs = [tmp_path / "one.log", tmp_path / "two.log"]
    with planned_session(isolated, logs[0]) as one, planned_session(isolated, logs[1]) as two:
        codes = [one.wait(timeout=4 * TIMEOUT_S), two.wait(timeout=4 * TIMEOUT_S)]
    assert codes == [0, 0], [log.read_text() for log in logs]
    for log in logs:
        assert "Session complete." in log.read_text()

    first, second = sessions(isolated)
    assert first["ending"] == second["ending"] == "finished"
    # They overlapped: each started before the other ended (a session lasts about 4 s).
    assert first["started"] < second["ended"] and second["started"] < first["ended"]
    for session in (first, second):
        found = outcomes(isolated, session["id"])
        assert found == ["done"] * len(found) and found, found


@pytest.mark.slow
def test_a_twenty_second_lock_loses_nothing_and_never_freezes_the_session(
    isolated: Path, tmp_path: Path
) -> None:
    """Another program holds the history locked for 20 s mid-session: the timer goes on
    as if nothing happened, and every write lands once the lock is gone."""
    History.open(history_path(isolated)).close()
    log = tmp_path / "run.log"
    speed = PLANNED_S / 25  # the session takes 25 s: the lock starts in its first second
    slower = [
        *PLANNED[: PLANNED.index("--speed") + 1],
        f"{speed:.2f}",
        *PLANNED[PLANNED.index("--speed") + 2 :],
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(slower, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while not query(isolated, "SELECT id FROM sessions"):
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.02)
        with contextlib.closing(
            sqlite3.connect(history_path(isolated), isolation_level=None)
        ) as db:
            db.execute("BEGIN EXCLUSIVE")  # nobody else reads or writes until it ends
            time.sleep(20)
            db.execute("ROLLBACK")
        assert process.poll() is None, "the session should outlast the lock"
        assert process.wait(timeout=4 * TIMEOUT_S) == 0, log.read_text()
    finally:
        if process.poll() is None:
            process.kill()
    assert "Session complete." in log.read_text()
    (session,) = sessions(isolated)
    # Never frozen: a stall of the loop would have become a pause, and with no keyboard to
    # resume it, the end of the session.
    assert (session["ending"], session["paused_s"]) == ("finished", 0)
    found = outcomes(isolated, session["id"])
    assert found == ["done"] * ITEMS, found


# --- Questions at a real terminal ---------------------------------------------------------


def terminal_env(home: Path) -> dict[str, str]:
    """A colour terminal, as a person would have, with a private corecli home (as test_pty)."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COLUMNS", "LINES")}
    env.update(CORECLI_HOME=str(home), TERM="xterm-256color")
    return env


def spawn(home: Path, *extra: str, command: Sequence[str] = BRIDGE) -> pexpect.spawn:
    """``corecli run`` (or ``command``) at an 80×24 terminal; afterwards its exit code and
    ``stty -a``."""
    script = f"{shlex.join([*command, *extra])}; echo EXIT=$?; stty -a"
    return pexpect.spawn(
        "bash",
        ["--norc", "--noprofile", "-c", script],
        env=terminal_env(home),
        dimensions=(24, 80),
        encoding="utf-8",
        timeout=TIMEOUT_S,
        preexec_fn=ctrl_c_works,
    )


def ctrl_c_works() -> None:
    """Undo an ignored SIGINT inherited from a runner (``pytest &`` in a script), which the
    program would inherit too, so that Ctrl-C at its terminal stops it as it would a person's."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def expect_exit(child: pexpect.spawn, code: int) -> str:
    """Wait for the exit code and check the terminal is back in line mode.

    Returns what was printed since the last thing expected.
    """
    child.expect(r"EXIT=(\d+)")
    output = child.before
    assert int(child.match.group(1)) == code, output
    child.expect(pexpect.EOF)
    flags = set(re.split(r"[\s;]+", child.before))
    assert {"icanon", "echo"} <= flags, child.before
    assert not {"-icanon", "-echo"} & flags
    return output


def answer_screen(child: pexpect.spawn, answers: str) -> None:
    child.expect_exact("Before you exercise (before your first session): do any of these apply?")
    for flag, answer in zip(RED_FLAGS, answers, strict=True):
        child.expect_exact(f"{flag.question} [y/n] ")
        child.sendline(answer)


def cancel_at_prompt(child: pexpect.spawn) -> None:
    """Ctrl-C at a question, pressed again if need be: a SIGINT that lands between Python's
    writing the prompt and its read() is only acted on at the next key (CPython's input()), a
    gap no person's finger hits but a test on a busy machine can."""
    for _ in range(3):
        child.sendintr()
        if child.expect_exact(["Cancelled.", pexpect.TIMEOUT], timeout=2) == 0:
            return
    raise AssertionError(f"Ctrl-C did not cancel the question:\n{child.before}")


def quit_session(child: pexpect.spawn) -> None:
    child.expect(["Get into position", "Hold ·"])
    child.send("q")
    child.expect_exact("Session stopped early.")
    child.expect_exact("Done 0 of 1 exercises")


@pytest.mark.slow
def test_check_ins_at_a_terminal_are_recorded_and_the_screen_is_asked_once(
    isolated: Path,
) -> None:
    child = spawn(isolated)
    try:
        answer_screen(child, "n" * len(RED_FLAGS))
        child.expect_exact("Pain now, 0-10")
        child.sendline("3")
        quit_session(child)
        child.expect_exact("Pain now, at the end, 0-10")
        child.sendline("4")
        # Judged against the score before: one point up is within noise.
        child.expect_exact("Green: pain up 1, from 3 to 4 after the session.")
        expect_exit(child, 0)
    finally:
        child.close(force=True)

    [session] = sessions(isolated)
    assert (session["pain_before"], session["pain_after"]) == (3, 4)
    assert (session["light"], session["ending"]) == ("green", "quit")
    all_no = {flag.id: False for flag in RED_FLAGS}
    assert screenings(isolated) == [{"answers": all_no, "clear": 1}]

    again = spawn(isolated)
    try:
        # An all-clear screen holds for a week: the first question is the pain score.
        assert again.expect([r"\[y/n\]", r"Pain now, 0-10"]) == 1, again.before
        cancel_at_prompt(again)
        expect_exit(again, 130)
    finally:
        again.close(force=True)
    assert len(sessions(isolated)) == 1  # Ctrl-C before the start records no session


@pytest.mark.slow
def test_a_yes_on_the_screen_stops_with_advice_and_is_asked_again(isolated: Path) -> None:
    child = spawn(isolated)
    try:
        answer_screen(child, "y" + "n" * (len(RED_FLAGS) - 1))
        output = expect_exit(child, 1)
    finally:
        child.close(force=True)
    assert "Get emergency care now" in output
    # Rich wraps the advice at 80 columns, in bold; the words are all there, in order.
    assert " ".join(EMERGENCY_ADVICE.split()) in " ".join(ESCAPE.sub("", output).split())
    assert "Pain now" not in output

    assert sessions(isolated) == []
    [screening] = screenings(isolated)
    assert screening["clear"] == 0
    assert [flag for flag, yes in screening["answers"].items() if yes] == [RED_FLAGS[0].id]

    again = spawn(isolated)
    try:
        assert again.expect([r"\[y/n\]", r"Pain now, 0-10"]) == 0, again.before
        cancel_at_prompt(again)
        expect_exit(again, 130)
    finally:
        again.close(force=True)
    assert len(screenings(isolated)) == 1  # a screen cut short stores nothing


# 10 sets of 50 ten-minute holds: far over the two hours a routine may take unasked.
LONG_ROUTINE = """\
schema_version = 1
name = "Long"
phase = "acute"
minutes = 10
created = 2026-01-01
estimated_s = 0

[[items]]
exercise = "pelvic-tilt"
sets = 10
reps = 50
hold_s = 600
"""


@pytest.mark.slow
def test_a_routine_over_two_hours_is_asked_about_at_a_terminal(
    isolated: Path, tmp_path: Path
) -> None:
    routine = tmp_path / "long.toml"
    routine.write_text(LONG_ROUTINE, encoding="utf-8")
    command = [*BRIDGE[:4], str(routine), "--screened", "--no-sound"]
    declined = spawn(isolated, command=command)
    try:
        declined.expect_exact("Run it? [y/n] ")
        declined.sendline("")
        declined.expect_exact("Please answer y or n.")
        declined.expect_exact("Run it? [y/n] ")
        declined.sendline("n")
        expect_exit(declined, 1)
    finally:
        declined.close(force=True)
    cancelled = spawn(isolated, command=command)
    try:
        cancelled.expect_exact("Run it? [y/n] ")
        cancel_at_prompt(cancelled)  # as at every question: "Cancelled.", 130
        expect_exit(cancelled, 130)
    finally:
        cancelled.close(force=True)
    assert not isolated.exists()  # no session began: no history was made


@pytest.mark.slow
def test_ctrl_c_at_the_pain_prompts(isolated: Path) -> None:
    before = spawn(isolated, "--screened")
    try:
        before.expect_exact("Pain now, 0-10")
        cancel_at_prompt(before)
        assert expect_exit(before, 130).strip() == ""  # nothing after it: no session
    finally:
        before.close(force=True)
    assert sessions(isolated) == []

    after = spawn(isolated, "--screened", "--pain-before", "2")
    try:
        quit_session(after)
        after.expect_exact("Pain now, at the end, 0-10")
        cancel_at_prompt(after)
        assert expect_exit(after, 130).strip() == ""  # no light without a score
    finally:
        after.close(force=True)
    [session] = sessions(isolated)
    assert (session["ending"], session["pain_before"], session["pain_after"]) == ("quit", 2, None)
    assert session["light"] is None
    assert session["ended"] is not None


def start_at_a_terminal(home: Path) -> pexpect.spawn:
    return spawn(home, command=[sys.executable, "-m", "corecli", "start"])


@pytest.mark.slow
def test_start_at_a_terminal_asks_each_question_and_keeps_the_answers(isolated: Path) -> None:
    child = start_at_a_terminal(isolated)
    try:
        for prompt, answer in [
            ("How long has this bout of back pain lasted?", "3"),
            ("Your usual pain on most days, 0-10", "11"),  # refused, asked again
            ("Please type a whole number from 0 to 10, not '11'.", "4"),
            ("Has a clinician named your back problem?", "3"),  # stenosis
            ("Osteoporosis, or steroid tablets", "n"),
            ("Are you pregnant?", "n"),
            ("Spinal surgery in the last year?", "n"),
            ("Spondylolisthesis", "y"),
            ("What do you have to exercise with?", "mat, chair"),
            ("Is getting down to the floor and up again fine?", "y"),
        ]:
            child.expect_exact(prompt)
            child.sendline(answer)
        child.expect_exact("Your programme: recovery, beginner level, base dose")
        output = expect_exit(child, 0)
    finally:
        child.close(force=True)
    assert "Spondylolisthesis: plans leave out bending backward." in " ".join(output.split())
    assert query(isolated, "SELECT span, usual_pain, groups FROM profile") == [
        ("over-12-weeks", 4, '["spondylolisthesis"]')
    ]
    config = tomllib.loads((isolated / "config.toml").read_text())
    assert config == {"condition": "stenosis", "equipment": ["chair", "mat"], "floor": True}


@pytest.mark.slow
def test_ctrl_c_during_start_saves_nothing(isolated: Path) -> None:
    child = start_at_a_terminal(isolated)
    try:
        child.expect_exact("How long has this bout of back pain lasted?")
        child.sendline("1")
        child.expect_exact("Your usual pain on most days")
        child.sendcontrol("c")
        expect_exit(child, 130)
    finally:
        child.close(force=True)
    assert not (isolated / "config.toml").exists()
    assert not history_path(isolated).exists()
