"""Hostile input through the public commands: random values in every history column, in
routine and config files, and in date and number options. Nothing may escape but a clean
exit: a result, or one ``Error:`` line (exceptions propagate through ``run``, so any
traceback fails the test)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from corecli.store.home import history_path
from tests.conftest import Run

FAST = ("--plain", "--speed", "1000", "--no-sound", "--prep", "0", "--transition", "0")
SESSION = ("run", "--exercise", "bridge", *FAST, "--screened", "--no-check-in")
FUZZ = settings(
    # CORECLI_FUZZ_EXAMPLES=5000 for a longer hunt than the suite's quick pass.
    max_examples=int(os.environ.get("CORECLI_FUZZ_EXAMPLES", "100")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALUES = st.one_of(
    st.none(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=24),
    st.binary(max_size=8),
    st.sampled_from(["2026-13-45", "42", "{}", "[1]", '{"a": 2}', "acute", "green", ""]),
)
LOOKING = (["history", "--json"], ["stats"], ["plan"], ["today"])


def clean(result: Any) -> None:
    """A result, or a refusal: one ``Error:`` line for each mistake found."""
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code:
        lines = result.stderr.splitlines()
        assert lines and all(line.startswith("Error: ") for line in lines), result.stderr


@pytest.fixture
def kept(run: Run, isolated: Path, tmp_path: Path) -> Path:
    """A history with a session, its items and a walk, kept aside to start each example."""
    assert run(*SESSION).exit_code == 0
    assert run("walk", "20").exit_code == 0
    copy = tmp_path / "kept.sqlite3"
    with sqlite3.connect(history_path(isolated)) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(history_path(isolated), copy)
    return copy


def columns(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return [
            (table, column)
            for table in tables
            for _, column, *_ in db.execute(f"PRAGMA table_info({table})")
        ]


@FUZZ
@given(data=st.data(), value=VALUES)
def test_any_value_in_any_history_column(
    run: Run, isolated: Path, kept: Path, data: st.DataObject, value: object
) -> None:
    table, column = data.draw(st.sampled_from(columns(kept)), label="column")
    path = history_path(isolated)
    for stale in path.parent.glob(f"{path.name}-*"):
        stale.unlink()
    shutil.copy(kept, path)
    with sqlite3.connect(path) as db:
        try:
            db.execute(f"UPDATE {table} SET {column} = ?", (value,))
        except sqlite3.Error:
            assume(False)  # a constraint refused it: not a file corecli could meet
    db.close()
    for command in LOOKING:
        clean(run(*command))


ROUTINE_KEYS = st.sampled_from(
    ["name", "phase", "condition", "minutes", "seed", "created", "estimated_s", "schema_version"]
)
ITEM_KEYS = st.sampled_from(["exercise", "sets", "reps", "hold_s", "rest_s", "reason", "extra"])
TOML_VALUES = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text(max_size=30),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@FUZZ
@given(top=st.tuples(ROUTINE_KEYS, TOML_VALUES), item=st.tuples(ITEM_KEYS, TOML_VALUES))
def test_any_value_in_a_routine_file(
    run: Run, tmp_path: Path, top: tuple[str, Any], item: tuple[str, Any]
) -> None:
    path = tmp_path / "routine.toml"
    if not path.exists():
        assert run("plan", "--seed", "1", "-o", path).exit_code == 0
        (tmp_path / "good.toml").write_bytes(path.read_bytes())
    data = tomllib.loads((tmp_path / "good.toml").read_text(encoding="utf-8"))
    data[top[0]] = top[1]
    data["items"][0][item[0]] = item[1]
    path.write_text(tomli_w.dumps(data), encoding="utf-8")
    clean(run("view", path))
    clean(run("run", path, "--dry-run"))


SETTINGS = ("prep", "transition", "sound", "voice", "equipment", "condition", "minutes")
CONFIG_KEYS = st.sampled_from([*SETTINGS, "level", "floor", "plain", "colour"])  # no colour


@FUZZ
@given(key=CONFIG_KEYS, value=TOML_VALUES)
def test_any_value_in_config_toml(run: Run, isolated: Path, key: str, value: Any) -> None:
    isolated.mkdir(exist_ok=True)
    (isolated / "config.toml").write_text(tomli_w.dumps({key: value}), encoding="utf-8")
    before = (isolated / "config.toml").read_bytes()
    for command in (["config", "show"], ["plan"], ["config", "set", "minutes", "20"]):
        clean(run(*command))
    result = run("config", "show")
    if result.exit_code:  # refused: never written over
        assert (isolated / "config.toml").read_bytes() == before


OPTION_TEXT = st.one_of(
    st.text(max_size=12),
    st.from_regex(r"\A-?[0-9]{1,25}[dw]?\Z"),
    st.sampled_from(["²d", "٣d", "9" * 40, "-1", "0", "2026-02-30", "yesterday", " 3d "]),
)


@FUZZ
@given(text=OPTION_TEXT)
def test_any_text_in_date_and_number_options(run: Run, text: str) -> None:
    assume("\x00" not in text)  # no argv can hold a NUL
    clean(run("history", "--since", text))
    clean(run("history", "--limit", text))
    clean(run("walk", "10", "--on", text))
    clean(run("walk", text))
    clean(run("plan", "--minutes", text))
