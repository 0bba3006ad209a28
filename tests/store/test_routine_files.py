"""Routine files: saved atomically, loaded strictly, shown by ``corecli view``."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomli_w

from corecli.catalogue import load_catalogue
from corecli.errors import FileProblem, UsageProblem
from corecli.models import Item, Routine
from corecli.planner import PlanRequest, plan_routine
from corecli.store.routine_files import load_routine, routine_toml, save_routine
from corecli.timeline import routine_items, total_s
from corecli.vocab import Phase, PlanCondition
from tests.conftest import Run

BUNDLED = load_catalogue()
TOP_LEVEL = [
    "schema_version",
    "name",
    "phase",
    "condition",
    "minutes",
    "seed",
    "created",
    "estimated_s",
    "advice",
]


def planned(
    phase: Phase = Phase.recovery,
    condition: PlanCondition = PlanCondition.general,
    name: str | None = None,
) -> Routine:
    request = PlanRequest(phase=phase, condition=condition, seed=42, name=name)
    return plan_routine(BUNDLED, request, date(2024, 5, 1))


def names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def keys_in_order(text: str) -> list[str]:
    return re.findall(r"^([a-z_]+) = ", text, flags=re.MULTILINE)


# --- Save and load ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phase", "condition", "name"),
    [
        (Phase.acute, PlanCondition.general, None),
        (Phase.recovery, PlanCondition.disc, None),
        (Phase.maintenance, PlanCondition.stenosis, None),
        (Phase.recovery, PlanCondition.general, 'Ana\'s "back" [red]routine[/red] \\ ü'),
    ],
)
def test_plan_save_load_round_trip(
    tmp_path: Path, phase: Phase, condition: PlanCondition, name: str | None
) -> None:
    routine = planned(phase, condition, name)
    path = tmp_path / "routine.toml"
    save_routine(routine, path)
    loaded = load_routine(path, BUNDLED)
    assert loaded == routine
    assert path.read_text(encoding="utf-8") == routine_toml(routine)
    assert total_s(routine_items(loaded, BUNDLED)) == routine.estimated_s


def test_file_has_the_header_and_the_field_order_of_the_issue(tmp_path: Path) -> None:
    routine = planned()
    path = tmp_path / "routine.toml"
    save_routine(routine, path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# A corecli routine.")
    assert text.splitlines()[1] == "# Stop any exercise that increases your symptoms."
    head, *items = text.split("[[items]]\n")
    assert keys_in_order(head) == TOP_LEVEL
    assert len(items) == len(routine.items)
    for block, item in zip(items, routine.items, strict=True):
        keys = keys_in_order(block)
        assert keys[0] == "exercise"
        assert keys[-1] == "reason"
        assert set(keys) == set(Item.model_fields)
        assert f'exercise = "{item.exercise}"' in block
    assert tomli.loads(text)["created"] == date(2024, 5, 1)


def test_saving_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    path = tmp_path / "routine.toml"
    path.write_bytes(b"original = true\n")
    with pytest.raises(UsageProblem, match="already exists; add --force to replace it"):
        save_routine(planned(), path)
    assert path.read_bytes() == b"original = true\n"
    assert names(tmp_path) == ["routine.toml"]


def test_force_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "routine.toml"
    path.write_bytes(b"original = true\n")
    save_routine(planned(), path, force=True)
    assert load_routine(path, BUNDLED) == planned()
    assert names(tmp_path) == ["routine.toml"]


def test_saving_creates_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "back" / "2024" / "may" / "routine.toml"
    save_routine(planned(), path)
    assert load_routine(path, BUNDLED) == planned()
    assert names(path.parent) == ["routine.toml"]


@pytest.mark.parametrize("force", [False, True])
def test_saving_onto_a_folder_says_it_is_a_folder(tmp_path: Path, force: bool) -> None:
    folder = tmp_path / "routines"
    folder.mkdir()
    with pytest.raises(UsageProblem, match="is a folder"):
        save_routine(planned(), folder, force=force)
    assert folder.is_dir()


def test_saving_under_a_file_is_a_file_problem(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("not a folder", encoding="utf-8")
    with pytest.raises(FileProblem, match="cannot be written"):
        save_routine(planned(), blocker / "routine.toml")
    assert names(tmp_path) == ["notes.txt"]


def _fail_fsync(fd: int) -> None:
    raise OSError(28, "No space left on device")


def _fail_replace(self: Path, target: Any) -> Path:
    raise OSError(13, "Permission denied")


def _interrupt_fsync(fd: int) -> None:
    raise KeyboardInterrupt


@pytest.mark.parametrize(
    ("target", "name", "fake", "raised", "message"),
    [
        (os, "fsync", _fail_fsync, FileProblem, "cannot be written: the disk is full"),
        (Path, "replace", _fail_replace, FileProblem, "cannot be written: Permission denied"),
        (os, "fsync", _interrupt_fsync, KeyboardInterrupt, None),
    ],
    ids=["disk full", "rename refused", "interrupted"],
)
@pytest.mark.parametrize("existing", [True, False], ids=["replacing", "new"])
def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    target: object,
    name: str,
    fake: Callable[..., Any],
    raised: type[BaseException],
    message: str | None,
    existing: bool,
) -> None:
    path = tmp_path / "routine.toml"
    if existing:
        path.write_bytes(b"original = true\n")
    monkeypatch.setattr(target, name, fake)
    with pytest.raises(raised, match=None if message is None else re.escape(message)):
        save_routine(planned(), path, force=True)
    monkeypatch.undo()
    assert names(tmp_path) == (["routine.toml"] if existing else [])
    if existing:
        assert path.read_bytes() == b"original = true\n"


def test_a_saved_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        fresh, replaced = tmp_path / "fresh.toml", tmp_path / "replaced.toml"
        replaced.write_text("x = 1\n", encoding="utf-8")
        replaced.chmod(0o640)
        save_routine(planned(), fresh)
        save_routine(planned(), replaced, force=True)
    finally:
        os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o644  # what a plain open() would give
    assert stat.S_IMODE(replaced.stat().st_mode) == 0o640  # --force keeps the file's mode


# --- Hand-edited files --------------------------------------------------------------------------


def good_document() -> dict[str, Any]:
    return tomli.loads(routine_toml(planned()))


def edited(*changes: Callable[[dict[str, Any]], None]) -> str:
    document = good_document()
    for change in changes:
        change(document)
    return tomli_w.dumps(document)


def _set(path: tuple[str | int, ...], value: object) -> Callable[[dict[str, Any]], None]:
    def change(document: dict[str, Any]) -> None:
        target: Any = document
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value

    return change


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    return lambda document: document.pop(key)


BAD_ROUTINES = [
    # (name, file content, the problem lines expected after "<path>")
    (
        "unknown exercise",
        edited(_set(("items", 2, "exercise"), "plnk")),
        [": items[2].exercise: no exercise 'plnk'; did you mean 'plank'?"],
    ),
    (
        "two unknown exercises",
        edited(_set(("items", 0, "exercise"), "brige"), _set(("items", 1, "exercise"), "brige")),
        [
            ": items[0].exercise: no exercise 'brige'; did you mean 'bridge'?",
            ": items[1].exercise: no exercise 'brige'; did you mean 'bridge'?",
        ],
    ),
    (
        "hold too long",
        edited(_set(("items", 1, "hold_s"), 601)),
        [": items[1].hold_s: must be at most 600 (got 601)"],
    ),
    (
        "negative reps",
        edited(_set(("items", 0, "reps"), -1)),
        [": items[0].reps: must be at least 1 (got -1)"],
    ),
    (
        "reps as text",
        edited(_set(("items", 0, "reps"), "ten")),
        [": items[0].reps: must be a whole number (got 'ten')"],
    ),
    (
        "misspelt dose field",
        edited(_set(("items", 0, "hold"), 5)),
        [": items[0].hold: is not a known field; did you mean 'hold_s'?"],
    ),
    ("no items", edited(_drop("items")), [": items: is required but missing"]),
    ("empty items", edited(_set(("items",), [])), [": items: needs at least 1 entries"]),
    (
        "wrong phase",
        edited(_set(("phase",), "chronic")),
        [": phase: 'chronic' is not allowed; use 'acute', 'recovery' or 'maintenance'"],
    ),
    (
        "minutes out of range",
        edited(_set(("minutes",), 90)),
        [": minutes: must be at most 60 (got 90)"],
    ),
    (
        "future schema",
        edited(_set(("schema_version",), 2)),
        [": schema_version: must be 1 (got 2)"],
    ),
    ("malformed TOML", 'schema_version = 1\nname = "unclosed\n', [":2:17: invalid TOML: "]),
    ("empty file", "", [": the file is empty"]),
]


@pytest.mark.parametrize(
    ("name", "content", "expected"), BAD_ROUTINES, ids=[c[0] for c in BAD_ROUTINES]
)
def test_hand_edited_routines_are_checked_on_load(
    tmp_path: Path, name: str, content: str, expected: list[str]
) -> None:
    path = tmp_path / "routine.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileProblem) as caught:
        load_routine(path, BUNDLED)
    lines = caught.value.lines()
    assert len(lines) == len(expected), lines
    for line, wanted in zip(lines, expected, strict=True):
        assert line.startswith(f"{path}{wanted}"), line


@pytest.mark.parametrize(
    ("name", "content", "expected"), BAD_ROUTINES, ids=[c[0] for c in BAD_ROUTINES]
)
def test_view_reports_each_problem_on_one_error_line(
    run: Run, tmp_path: Path, name: str, content: str, expected: list[str]
) -> None:
    path = tmp_path / "routine.toml"
    path.write_text(content, encoding="utf-8")
    result = run("view", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == len(expected), lines
    assert all(line.startswith(f"Error: {path}") for line in lines), lines
    assert "Traceback" not in result.stderr


def test_hand_edits_that_stay_valid_are_accepted(tmp_path: Path) -> None:
    document = good_document()
    document["items"].reverse()
    document["items"][0]["reps"] = 1
    document["items"][0]["reason"] = "my physio said so"
    path = tmp_path / "routine.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    routine = load_routine(path, BUNDLED)
    assert [i.exercise for i in routine.items] == [i.exercise for i in planned().items][::-1]
    assert routine.items[0].reason == "my physio said so"


# --- corecli view, plan -o, schema ----------------------------------------------------------


@pytest.fixture
def saved(tmp_path: Path) -> tuple[Path, Routine]:
    routine = planned(Phase.maintenance)
    path = tmp_path / "routine.toml"
    save_routine(routine, path)
    return path, routine


def test_view_shows_a_table(run: Run, saved: tuple[Path, Routine]) -> None:
    path, routine = saved
    result = run("view", path)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith(routine.name + "\n")
    assert f"of {routine.minutes} min · seed 42" in result.stdout
    for item in routine.items:
        exercise = BUNDLED.get(item.exercise)
        assert exercise is not None
        assert exercise.name in result.stdout
    assert "Stop any exercise that increases your symptoms." in result.stdout


def test_view_markdown_is_a_printable_sheet(run: Run, saved: tuple[Path, Routine]) -> None:
    path, routine = saved
    result = run("view", path, "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"# {routine.name}"
    boxes = [line for line in lines if line.startswith("- [ ] **")]
    assert len(boxes) == len(routine.items)
    for box, item in zip(boxes, routine.items, strict=True):
        exercise = BUNDLED.get(item.exercise)
        assert exercise is not None
        dose = item.describe(timed=exercise.timed_word)
        assert box.startswith(f"- [ ] **{exercise.name}**: {dose}")
        assert all(often in box for often in exercise.dose.how_often())
        # Under the box: every step, every cue, then the stop rule in bold.
        block = lines[lines.index(box) + 1 :]
        block = block[: block.index("")]
        steps = [f"    {n}. {step}" for n, step in enumerate(exercise.steps, 1)]
        cues = [f"    - {cue}" for cue in exercise.cues]
        assert block[: len(steps) + len(cues) + 1] == [
            *steps,
            *cues,
            f"    **{exercise.stop_rule}**",
        ]
    assert "## Advice" in lines


def test_the_sheet_and_the_table_say_how_often(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "twice.toml"
    result = run("plan", "--include", "piriformis-stretch", "--seed", "3", "-o", path)
    assert result.exit_code == 0, result.output
    assert "2 × 20 s hold, each side, twice a day" in result.stdout
    sheet = run("view", path, "--format", "markdown").stdout
    assert "**Piriformis stretch**: 2 × 20 s hold, each side, twice a day" in sheet


def test_view_json_is_the_model(run: Run, saved: tuple[Path, Routine]) -> None:
    path, routine = saved
    result = run("view", path, "--format", "json")
    assert json.loads(result.stdout) == routine.model_dump(mode="json")
    assert Routine.model_validate(json.loads(result.stdout)) == routine


def test_view_toml_is_the_file(run: Run, saved: tuple[Path, Routine]) -> None:
    path, routine = saved
    result = run("view", path, "--format", "toml")
    assert result.stdout == path.read_text(encoding="utf-8") == routine_toml(routine)


def test_plan_output_writes_a_file_that_view_accepts(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "new" / "today.toml"
    result = run("plan", "--phase", "recovery", "--seed", "3", "-o", path, "--format", "toml")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith(f"Saved to {path}")
    assert result.stdout == path.read_text(encoding="utf-8")
    shown = run("view", path, "--format", "toml")
    assert shown.exit_code == 0
    assert shown.stdout == result.stdout


def test_plan_output_refuses_to_overwrite_then_force_replaces(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "today.toml"
    path.write_bytes(b"mine\n")
    refused = run("plan", "-o", path)
    assert refused.exit_code == 2
    assert refused.stdout == ""
    assert refused.stderr == f"Error: {path} already exists; add --force to replace it\n"
    assert path.read_bytes() == b"mine\n"
    replaced = run("plan", "--seed", "1", "-o", path, "--force")
    assert replaced.exit_code == 0, replaced.stderr
    assert load_routine(path, BUNDLED).seed == 1


@pytest.mark.parametrize(("which", "key"), [("routine", "items"), ("catalog", "exercises")])
def test_schema_prints_json_schema(run: Run, which: str, key: str) -> None:
    result = run("schema", which)
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert key in schema["properties"]
    assert "schema_version" in schema["required"]
    assert schema["type"] == "object"
    # Named so that editors that check TOML against a schema (taplo, VS Code) can tell them
    # apart, and in the dialect pydantic writes.
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"urn:corecli:schema:{which}:{2 if which == 'catalog' else 1}"


def test_the_catalogue_schema_knows_format_2_and_accepts_format_1(run: Run) -> None:
    schema = json.loads(run("schema", "catalog").stdout)
    assert set(schema["properties"]["schema_version"]["enum"]) == {1, 2}
    exercise = schema["$defs"]["Exercise"]["properties"]
    for field in ("stop", "sources", "avoid_if_acute", "first_side", "side_part", "off_floor"):
        assert field in exercise, field
