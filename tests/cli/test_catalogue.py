"""The commands as a person types them: what they print, what they refuse, and the exit code."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

import corecli
from corecli.catalogue import load_catalogue
from corecli.models import Dose, Exercise
from tests.conftest import Run, catalogue_toml, exercise_toml

BUNDLED = load_catalogue()
BUNDLED_IDS = [exercise.id for exercise in BUNDLED]
TOTAL = len(BUNDLED)

Write = Callable[[str, str], Path]


def listed_ids(result: Result) -> list[str]:
    """The ids in the rows of a ``corecli list`` table, in order (without the ``*`` mark)."""
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "id", result.stdout
    rows = [line for line in lines[1:-1] if line and not line[0].isspace()]
    return [row.split()[0] for row in rows]


def footer(result: Result) -> str:
    return result.stdout.splitlines()[-1]


def flat(text: str) -> str:
    """Text with every run of whitespace as one space, so wrapped lines can be searched."""
    return " ".join(text.split())


def home_catalogue(*exercises: str) -> Path:
    """Write ``$CORECLI_HOME/exercises.toml`` (the `isolated` fixture points it at a temp dir)."""
    home = Path(os.environ["CORECLI_HOME"])
    home.mkdir(parents=True, exist_ok=True)
    path = home / "exercises.toml"
    path.write_text(catalogue_toml(*exercises), encoding="utf-8")
    return path


# --- version and help -----------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(run: Run, flag: str) -> None:
    result = run(flag)
    assert result.exit_code == 0
    assert result.stdout == f"corecli {corecli.__version__}\n"


def test_no_arguments_shows_the_help(run: Run) -> None:
    result = run()
    assert result.exit_code == 2  # Click's no_args_is_help exits 2, like any usage error
    assert "Usage: corecli [OPTIONS] COMMAND [ARGS]..." in result.stdout
    assert "not a diagnosis" in result.stdout


def test_top_level_help_gives_the_safety_note_and_the_commands(run: Run) -> None:
    result = run("--help")
    assert result.exit_code == 0
    assert "Usage: corecli" in result.stdout
    assert "corecli gives exercise guidance, not a diagnosis." in flat(result.stdout)
    assert "Stop any exercise that increases your symptoms" in flat(result.stdout)
    for summary in (
        "list List exercises, narrowed by any combination of filters.",
        "show Show one exercise: dose, steps, cues, easier and harder variants.",
    ):
        assert summary in flat(result.stdout)


COMMAND_HELP = [
    # (command, its one-line summary, its example)
    (
        "list",
        "List exercises, narrowed by any combination of filters.",
        "Example: corecli list --phase acute --equipment mat --condition disc",
    ),
    (
        "show",
        "Show one exercise: dose, steps, cues, easier and harder variants.",
        'Example: corecli show "knees to chest"',
    ),
]


@pytest.mark.parametrize("help_flag", ["--help", "-h"])
@pytest.mark.parametrize(
    ("command", "summary", "example"), COMMAND_HELP, ids=[c[0] for c in COMMAND_HELP]
)
def test_command_help_has_a_summary_line_and_an_example(
    run: Run, command: str, summary: str, example: str, help_flag: str
) -> None:
    result = run(command, help_flag)
    assert result.exit_code == 0
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert f"Usage: corecli {command}" in result.stdout
    assert summary in lines, "the summary should fit on one line of its own"
    assert example in lines


# --- list -----------------------------------------------------------------------------------


def test_list_shows_every_bundled_exercise_and_a_footer(run: Run) -> None:
    result = run("list")
    assert result.exit_code == 0
    assert listed_ids(result) == BUNDLED_IDS
    assert footer(result) == f"{TOTAL} of {TOTAL} exercises · details: corecli show ID"
    assert "*" not in result.stdout


LIST_CASES = [
    # (args, ids that must be listed, ids that must not be)
    (["--phase", "acute"], ["pelvic-tilt", "walking", "prone-on-elbows"], ["plank", "bridge"]),
    (["--kind", "strength"], ["bridge", "plank", "superman"], ["pelvic-tilt", "walking"]),
    (["--kind", "stretch", "--kind", "aerobic"], ["walking", "piriformis-stretch"], ["bridge"]),
    (
        ["--equipment", "none"],
        ["walking", "standing-cat-stretch"],
        ["bridge", "strap-hamstring-stretch"],
    ),
    (
        ["--equipment", "mat", "--equipment", "strap"],
        ["strap-hamstring-stretch", "bridge", "walking"],
        ["ball-pike", "back-extension", "reverse-hip-raise"],
    ),
    (
        ["--condition", "disc"],
        ["bridge", "walking"],
        ["double-knee-to-chest", "modified-curl-up", "ball-pike"],
    ),
    (
        ["--condition", "stenosis", "--condition", "spasm"],
        ["bridge", "plank"],
        ["superman", "side-plank", "prone-on-elbows"],
    ),
    (["--level", "beginner"], ["bridge", "walking"], ["side-plank", "plank", "dead-bug"]),
    (["--level", "intermediate"], ["plank", "dead-bug"], ["side-plank", "ball-pike"]),
    (["--direction", "rotation"], ["lower-back-rotation"], ["bridge", "walking"]),
    (["--direction", "extension"], ["superman", "prone-on-elbows"], ["bridge"]),
    (["--position", "side-lying"], ["side-plank"], ["plank"]),
    (["--position", "standing"], ["walking", "standing-cat-stretch"], ["bridge"]),
    (["--target", "obliques"], ["side-plank"], ["bridge", "plank"]),
    (["--target", "hip-rotators"], ["piriformis-stretch"], ["walking"]),
    (["bridge"], ["bridge", "bridge-with-knee-lift"], ["plank", "walking"]),
    (["BRIDGE"], ["bridge", "bridge-with-knee-lift"], ["walking"]),
    (["sphinx"], ["prone-on-elbows"], ["bridge"]),
    (["knees to chest"], ["double-knee-to-chest"], ["bridge-with-knee-lift"]),
    (
        ["--kind", "strength", "--equipment", "mat", "--level", "beginner"],
        ["bridge", "bird-dog", "abdominal-draw-in"],
        ["plank", "walking", "back-extension", "superman"],
    ),
    (
        ["--condition", "disc", "--level", "beginner"],
        ["bridge", "pelvic-tilt"],
        ["modified-curl-up", "plank"],
    ),
    (
        ["--phase", "acute", "--equipment", "mat", "--condition", "disc"],
        ["pelvic-tilt", "walking", "piriformis-stretch"],
        ["double-knee-to-chest", "seated-hamstring-stretch", "strap-hamstring-stretch"],
    ),
]


@pytest.mark.parametrize(
    ("args", "included", "excluded"), LIST_CASES, ids=[" ".join(c[0]) for c in LIST_CASES]
)
def test_list_filters_narrow_the_table(
    run: Run, args: list[str], included: list[str], excluded: list[str]
) -> None:
    result = run("list", *args)
    assert result.exit_code == 0, result.output
    ids = listed_ids(result)
    assert set(included) <= set(ids)
    assert set(excluded).isdisjoint(ids)
    assert ids == [i for i in BUNDLED_IDS if i in ids], "rows keep the catalogue's order"
    assert footer(result).startswith(f"{len(ids)} of {TOTAL} exercises")


ROWS = [
    # (id, what its row says after the id, in the folded layout of a 100-column terminal)
    ("bridge", "Bridge · strength · recovery+ · supine · mat"),
    ("walking", "Walking · aerobic · all · standing · none"),
    ("dead-bug", "Dead bug · strength · maintenance · supine · mat"),
    (
        "ball-dead-bug",
        "Dead bug with exercise ball · strength · maintenance · supine · mat, exercise-ball",
    ),
    ("back-extension", "Back extension · strength · maintenance · prone · back-extension-station"),
]


@pytest.mark.parametrize(("exercise_id", "details"), ROWS, ids=[r[0] for r in ROWS])
def test_list_row_shows_kind_phases_position_and_equipment(
    run: Run, exercise_id: str, details: str
) -> None:
    assert f"{exercise_id} {details}" in flat(run("list").stdout)


def test_phases_that_skip_one_are_listed_by_name(run: Run) -> None:
    home_catalogue(
        exercise_toml("flare-walk").replace(
            '["acute", "recovery", "maintenance"]', '["acute", "maintenance"]'
        )
    )
    assert "Flare Walk · stretch · acute, maintenance · supine" in flat(run("list").stdout)


@pytest.mark.parametrize(
    "args",
    [["zzz"], ["--kind", "aerobic", "--position", "prone"], ["walking", "--kind", "strength"]],
    ids=["unknown word", "kind and position", "query and kind"],
)
def test_list_with_no_match_says_so_and_succeeds(run: Run, args: list[str]) -> None:
    result = run("list", *args)
    assert result.exit_code == 0
    assert result.stdout == "No exercises match those filters.\n"
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("args", "allowed"),
    [
        (["--phase", "nope"], "acute, recovery or maintenance"),
        (["--kind", "crunch"], "stretch, mobility, strength or aerobic"),
        (
            ["--equipment", "mat", "--equipment", "dumbbell"],
            "none, mat, exercise-ball, strap, bench, back-extension-station, chair, wall, dowel,"
            " resistance-band or exercise-bike",
        ),
        (["--level", "expert"], "beginner, intermediate or advanced"),
        (
            ["--condition", "flu"],
            "disc, stenosis, sciatica, spasm, arthritis, osteoporosis or spondylolisthesis",
        ),
    ],
    ids=["phase", "kind", "equipment", "level", "condition"],
)
def test_list_rejects_an_invalid_choice(run: Run, args: list[str], allowed: str) -> None:
    result = run("list", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == f"Error: {args[-2]} takes {allowed}, not {args[-1]!r}\n"


DOSES = [
    ("piriformis-stretch", "2 × 20 s hold, each side, twice a day"),
    ("walking", "10 min, 5 days a week"),
    ("plank", "3 × 10–60 s hold, 3 days a week"),
    ("bridge", "2 sets of 10–15 × 5 s hold, 3 days a week"),
    ("prone-on-elbows", "30 s–3 min hold, 3 times a day"),
    ("back-extension", "2 sets of 10 reps, 3 days a week"),
    ("side-plank", "20–60 s hold, each side, 3 days a week"),
]


@pytest.mark.parametrize(("exercise_id", "dose"), DOSES, ids=[d[0] for d in DOSES])
def test_dose_is_summarised_in_list_and_show(run: Run, exercise_id: str, dose: str) -> None:
    listed = run("list", exercise_id)
    assert exercise_id in listed_ids(listed)
    assert dose in listed.stdout
    shown = run("show", exercise_id)
    assert f"Dose {dose}" in flat(shown.stdout)


def test_narrow_terminal_folds_the_table_without_cutting_anything(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("list")
    assert result.exit_code == 0
    too_long = [line for line in result.stdout.splitlines() if len(line) > 80]
    assert too_long == []
    assert "…" not in result.stdout
    assert listed_ids(result) == BUNDLED_IDS
    for exercise in BUNDLED:
        assert flat(exercise.name) in flat(result.stdout)
        assert flat(exercise.dose_summary()) in flat(result.stdout)


@pytest.mark.parametrize("query", ["ball-dead-bug", "back-extension"])
def test_narrow_terminal_show_fits(run: Run, monkeypatch: pytest.MonkeyPatch, query: str) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run("show", query)
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if len(line) > 80] == []
    assert "…" not in result.stdout


COLUMN_NAMES = ["id", "name", "kind", "phases", "position", "equipment", "dose"]


def test_wide_terminal_header_names_every_column(run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "160")
    header = run("list").stdout.splitlines()[0].split()
    assert all(name in header for name in COLUMN_NAMES), header


def test_terminal_wide_enough_for_every_row_gets_one_column_per_field(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "240")
    result = run("list")
    assert result.stdout.splitlines()[0].split() == COLUMN_NAMES
    assert listed_ids(result) == BUNDLED_IDS
    assert len(result.stdout.splitlines()) == TOTAL + 2, "one line per exercise"


# --- list --json ----------------------------------------------------------------------------

EXERCISE_FIELDS = set(Exercise.model_fields)
DOSE_FIELDS = set(Dose.model_fields)


def test_list_json_uses_the_catalogue_field_names(run: Run) -> None:
    result = run("list", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert isinstance(data, list)
    assert [entry["id"] for entry in data] == BUNDLED_IDS
    for entry, exercise in zip(data, BUNDLED, strict=True):
        assert {"id", "name", "kind", "phases", "steps", "dose"} <= set(entry)
        assert set(entry) <= EXERCISE_FIELDS
        assert {"sets", "reps", "hold_s", "rest_s", "per_side"} <= set(entry["dose"])
        assert set(entry["dose"]) <= DOSE_FIELDS
        assert Exercise.model_validate(entry) == exercise, "JSON reads back as the same exercise"


@pytest.mark.parametrize(
    ("args", "expected_ids"),
    [
        (["--kind", "aerobic"], ["walking", "stationary-cycling"]),
        (
            ["--position", "side-lying"],
            [
                "side-plank",
                "side-bridge-knees",
                "clamshell",
                "side-lying-hip-abduction",
                "open-book",
            ],
        ),
        (["sphinx"], ["prone-on-elbows"]),
        (["--direction", "rotation", "--level", "beginner"], ["lower-back-rotation", "open-book"]),
        (["zzz"], []),
        (["--kind", "aerobic", "--position", "prone"], []),
    ],
)
def test_list_json_applies_the_filters(run: Run, args: list[str], expected_ids: list[str]) -> None:
    result = run("list", "--json", *args)
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [entry["id"] for entry in data] == expected_ids
    if not expected_ids:
        assert result.stdout.strip() == "[]"


# --- show -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "name", "exercise_id"),
    [
        (["bridge"], "Bridge", "bridge"),
        (["knees", "to", "chest"], "Double knee to chest", "double-knee-to-chest"),
        (["knees to chest"], "Double knee to chest", "double-knee-to-chest"),
        (["Forearm", "PLANK"], "Forearm plank", "plank"),
        (["SPHINX"], "Prone on elbows", "prone-on-elbows"),
        (["figure-four", "stretch"], "Piriformis stretch", "piriformis-stretch"),
    ],
    ids=["id", "name unquoted", "name quoted", "name any case", "alias", "alias unquoted"],
)
def test_show_finds_by_id_name_or_alias(
    run: Run, words: list[str], name: str, exercise_id: str
) -> None:
    result = run("show", *words)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].split("  ") == [name, exercise_id]


@pytest.mark.parametrize("exercise", list(BUNDLED), ids=BUNDLED_IDS)
def test_show_prints_the_whole_card(run: Run, exercise: Exercise) -> None:
    result = run("show", exercise.id)
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert flat(exercise.summary) in text
    assert f"Phases {', '.join(phase.value for phase in exercise.phases)}" in text
    assert "Steps" in result.stdout
    for number, step in enumerate(exercise.steps, start=1):
        assert f"{number}. {flat(step)}" in text
    assert "Watch for" in result.stdout
    for cue in exercise.cues:
        assert f"• {flat(cue)}" in text
    if exercise.avoid_if:
        assert f"Avoid with {', '.join(c.value for c in exercise.avoid_if)}" in text
    else:
        assert "Avoid with" not in text
    if exercise.aliases:
        assert f"also called {flat(', '.join(exercise.aliases))}" in text
    assert flat(exercise.stop_rule) in text
    assert "Sources" in result.stdout
    for source in exercise.sources:
        assert f"• {flat(source)}" in text
    if exercise.avoid_if_acute:
        listed = ", ".join(c.value for c in exercise.avoid_if_acute)
        assert f"Avoid while acute {listed}" in text
    if exercise.dose.convention:
        assert "Set by convention (no source gives them): " in text


def test_show_draws_the_whole_ladder_with_this_step_in_brackets(run: Run) -> None:
    text = flat(run("show", "supine-marching").stdout)
    assert (
        "Ladder: Abdominal draw-in → Heel slides → [Supine marching] → Dead bug"
        " → Dead bug with exercise ball"
    ) in text
    assert "Ladder:" not in flat(run("show", "walking").stdout)
    assert "Ladder:" not in flat(run("show", "bridge").stdout), "two steps: the line above says it"


def test_show_says_which_dose_parts_no_source_gives(run: Run) -> None:
    text = flat(run("show", "open-book").stdout)
    assert "Set by convention (no source gives them): reps, hold, rest between reps." in text
    assert "Clinical convention" in text


@pytest.mark.parametrize(
    ("query", "easier", "harder"),
    [
        ("bridge", "none", "Bridge with knee lift (bridge-with-knee-lift)"),
        ("bridge-with-knee-lift", "Bridge (bridge)", "none"),
        ("superman", "Bird dog (bird-dog)", "Prone cobra (prone-cobra)"),
        ("prone-cobra", "Superman (superman)", "none"),
        ("plank", "Abdominal brace (abdominal-brace)", "none"),
        ("ball-pike", "Ball knee tuck (ball-knee-tuck)", "none"),
        ("walking", "none", "none"),
    ],
)
def test_show_gives_the_easier_and_harder_variants(
    run: Run, query: str, easier: str, harder: str
) -> None:
    result = run("show", query)
    name = BUNDLED.find(query).name
    assert f"Easier: {easier} ← {name} → Harder: {harder}" in flat(result.stdout)


@pytest.mark.parametrize("query", ["plank", "Knees To Chest", "walking"])
def test_show_json_is_the_exercise_as_one_object(run: Run, query: str) -> None:
    result = run("show", query, "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    exercise = BUNDLED.find(query)
    assert data == exercise.model_dump(mode="json", exclude_none=True)
    assert Exercise.model_validate(data) == exercise


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (
            ["dead", "bugg"],
            "Error: no exercise called 'dead bugg'; did you mean 'dead-bug' or 'ball-dead-bug'?",
        ),
        (["plnk"], "Error: no exercise called 'plnk'; did you mean 'plank'?"),
        (["xyzzy"], "Error: no exercise called 'xyzzy'; 'corecli list' shows them all"),
    ],
)
def test_show_unknown_exercise_suggests_and_exits_1(
    run: Run, words: list[str], message: str
) -> None:
    result = run("show", *words)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == message + "\n"
    assert "Traceback" not in result.output


# --- a person's own exercises ---------------------------------------------------------------

WALL_SIT = exercise_toml("wall-sit", "Wall sit")


def test_home_catalogue_entries_are_listed_with_a_star(run: Run) -> None:
    path = home_catalogue(WALL_SIT)
    result = run("list")
    assert result.exit_code == 0
    assert listed_ids(result) == [*BUNDLED_IDS, "wall-sit"]
    starred = [line for line in result.stdout.splitlines()[:-1] if " *" in line]
    assert len(starred) == 1
    assert starred[0].startswith("wall-sit *")
    total = TOTAL + 1
    assert footer(result) == (
        f"{total} of {total} exercises · * from your own catalogue · details: corecli show ID"
    )
    shown = run("show", "wall sit")
    assert flat(shown.stdout).startswith(f"Wall sit wall-sit (from {path})")


def test_footer_explains_the_star_only_when_a_starred_row_is_shown(run: Run) -> None:
    home_catalogue(WALL_SIT)
    result = run("list", "--kind", "aerobic")
    assert listed_ids(result) == ["walking", "stationary-cycling"]
    assert footer(result) == f"2 of {TOTAL + 1} exercises · details: corecli show ID"


def test_catalog_option_adds_files_and_is_repeatable(run: Run, write: Write) -> None:
    first = write("first.toml", catalogue_toml(WALL_SIT))
    second = write("second.toml", catalogue_toml(exercise_toml("knee-hug", "Knee hug")))
    result = run("list", "--catalog", first, "--catalog", second)
    assert result.exit_code == 0
    assert listed_ids(result) == [*BUNDLED_IDS, "wall-sit", "knee-hug"]
    assert "wall-sit *" in result.stdout
    assert "knee-hug *" in result.stdout
    assert run("show", "knee hug", "--catalog", second).stdout.startswith("Knee hug  knee-hug")


def test_later_catalog_files_win_over_earlier_ones_and_the_home_file(
    run: Run, write: Write
) -> None:
    home_catalogue(exercise_toml("wall-sit", "Home wall sit"))
    first = write("first.toml", catalogue_toml(exercise_toml("wall-sit", "First wall sit")))
    second = write("second.toml", catalogue_toml(exercise_toml("wall-sit", "Second wall sit")))
    assert run("show", "wall-sit").stdout.startswith("Home wall sit  wall-sit")
    assert run("show", "wall-sit", "--catalog", first).stdout.startswith("First wall sit")
    shown = run("show", "wall-sit", "--catalog", first, "--catalog", second)
    assert shown.stdout.startswith("Second wall sit  wall-sit")
    listed = run("list", "wall", "--catalog", second, "--catalog", first)
    assert "First wall sit" in listed.stdout
    assert "Second wall sit" not in listed.stdout


def test_a_bundled_id_can_be_replaced_by_your_own(run: Run) -> None:
    keep_the_ladder = 'progression = "bridge-with-knee-lift"\n'
    path = home_catalogue(exercise_toml("bridge", "My bridge", extra=keep_the_ladder))
    listed = run("list")
    assert "My bridge" in listed.stdout
    ids = listed_ids(listed)
    assert ids.count("bridge") == 1
    assert ids[-1] == "bridge", "a replacement is listed with the user's entries"
    bridge_row = next(line for line in listed.stdout.splitlines() if line.startswith("bridge "))
    assert bridge_row.startswith("bridge *")
    shown = run("show", "bridge")
    assert flat(shown.stdout).startswith(f"My bridge bridge (from {path})")
    assert "Bridge with knee lift" in run("show", "bridge-with-knee-lift").stdout


# --- text from files is shown literally -----------------------------------------------------

MARKUP_NAME = r"[red]Danger[/red] \u001b[31mX"  # TOML turns \u001b into a real ESC character


@pytest.mark.parametrize("args", [["list"], ["list", "danger"], ["show", "danger"]])
def test_markup_and_escape_sequences_in_a_file_are_printed_as_text(
    run: Run, args: list[str]
) -> None:
    home_catalogue(
        exercise_toml(
            "danger",
            MARKUP_NAME,
            aliases=["[bold]boom[/bold]"],
            extra='cues = ["[link=https://example.com]Click[/link] \\u001b]0;title\\u0007"]',
        )
    )
    result = run(*args)
    assert result.exit_code == 0, result.output
    assert "[red]Danger[/red]" in result.stdout
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert r"\x1b[31mX" in result.stdout
    if args[0] == "show":
        assert "also called [bold]boom[/bold]" in result.stdout
        assert r"• [link=https://example.com]Click[/link] \x1b]0;title\x07" in result.stdout


# --- bad files through the CLI --------------------------------------------------------------

BAD_TOML = "schema_version = 1\n[[exercises]\n"
TOO_LONG_HOLD = catalogue_toml(
    exercise_toml("wall-sit").replace("hold_s = 10", "hold_s = 900"),
)

BAD_CATALOG_FILES = [
    # (what is in my.toml: text, "folder" or None for no file; the expected error after "Error: ")
    (BAD_TOML, "{path}:2:12: invalid TOML: Expected ']]' at the end of an array declaration"),
    (
        TOO_LONG_HOLD,
        "{path}: exercises[0].dose.hold_s: must be at most 600 (got 900) (in 'wall-sit')",
    ),
    (None, "{path}: no such file"),
    ("folder", "{path}: is a folder; expected a TOML file"),
    ("", "{path}: the file is empty"),
]


@pytest.mark.parametrize("command", [["list"], ["show", "bridge"]], ids=["list", "show"])
@pytest.mark.parametrize(
    ("content", "expected"),
    BAD_CATALOG_FILES,
    ids=["invalid TOML", "schema error", "missing", "folder", "empty"],
)
def test_a_bad_catalog_file_is_one_error_line_and_exit_2(
    run: Run, tmp_path: Path, command: list[str], content: str | None, expected: str
) -> None:
    path = tmp_path / "my.toml"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    result = run(*command, "--catalog", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "Error: " + expected.format(path=path) + "\n"
    assert "Traceback" not in result.output


def test_a_broken_home_catalogue_stops_list_and_names_the_file(run: Run) -> None:
    home = Path(os.environ["CORECLI_HOME"])
    home.mkdir(parents=True)
    path = home / "exercises.toml"
    path.write_text("schema_version = 1\nexercises = [\n", encoding="utf-8")
    result = run("list")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"Error: {path}:")
    assert "invalid TOML" in lines[0]
    assert "Traceback" not in result.output


LONGEST_ID = "-".join(["long"] * 12) + "-id1"  # 64 characters, the most an id may have


def test_narrow_terminal_cuts_nothing_even_with_the_longest_allowed_id(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    home_catalogue(exercise_toml(LONGEST_ID, "Wall sit with a long name"))
    monkeypatch.setenv("COLUMNS", "80")
    result = run("list")
    assert result.exit_code == 0
    assert [line for line in result.stdout.splitlines() if len(line) > 80] == []
    assert "…" not in result.stdout
    # The id folds over consecutive lines of its column instead of being cut.
    first_column = [line.split()[0] for line in result.stdout.splitlines() if line[:1].strip()]
    assert LONGEST_ID in "".join(first_column)
    for exercise in BUNDLED:
        assert flat(", ".join(e.value for e in exercise.equipment)) in flat(result.stdout)


CONTROL_CHARACTER_FILES = [
    # (file name, content or None for no file, what the one error line must say)
    ("my.toml", 'schema_version = 1\n"\\u001b[31mevil\\nline" = 1\n', "is not a known field"),
    ("new\nline.toml", None, "no such file"),
]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    CONTROL_CHARACTER_FILES,
    ids=["key with ESC and newline", "file name with newline"],
)
def test_control_characters_in_an_error_stay_on_one_visible_line(
    run: Run, tmp_path: Path, name: str, content: str | None, expected: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run("list", "--catalog", path)
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("Error: ")
    assert expected in lines[0]
    assert "\x1b" not in result.stderr
    if "\\u001b" in (content or ""):
        # shown as visible text, as `list` and `show` do; the test runner strips raw ESC
        assert r"\x1b[31mevil" in lines[0]


def test_show_has_words_for_every_dose_field_a_convention_can_name() -> None:
    from typing import get_args

    from corecli.models import DoseField
    from corecli.views.catalogue import DOSE_WORDS

    assert set(DOSE_WORDS) == set(get_args(DoseField))
