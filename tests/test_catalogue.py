"""The bundled catalogue keeps the safety rules of its sources; the API finds, merges, filters."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corecli import catalogue
from corecli.catalogue import BUNDLED_PATH, ExerciseFilter, load_catalogue
from corecli.errors import FileProblem, UnknownExercise
from corecli.models import Exercise
from corecli.vocab import (
    Condition,
    Direction,
    Equipment,
    Kind,
    Level,
    Phase,
    Position,
    Target,
)
from tests.conftest import catalogue_toml, exercise_toml

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = load_catalogue()
EXERCISES = list(BUNDLED)


def ids_of(exercises: list[Exercise]) -> list[str]:
    return [exercise.id for exercise in exercises]


def each(predicate: Callable[[Exercise], bool] = lambda _: True) -> pytest.MarkDecorator:
    """Parametrize ``exercise`` over the bundled exercises that satisfy ``predicate``."""
    chosen = [exercise for exercise in EXERCISES if predicate(exercise)]
    assert chosen, "the predicate selects no bundled exercise; the test would check nothing"
    return pytest.mark.parametrize("exercise", chosen, ids=ids_of(chosen))


# --- the bundled catalogue ------------------------------------------------------------------

# Every exercise the source articles describe.
EXPECTED_IDS = {
    "modified-curl-up",
    "seated-hamstring-stretch",
    "lower-back-rotation",
    "bridge",
    "bridge-with-knee-lift",
    "pelvic-tilt",
    "superman",
    "prone-cobra",
    "standing-cat-stretch",
    "abdominal-draw-in",
    "dead-bug",
    "ball-dead-bug",
    "plank",
    "side-plank",
    "back-extension",
    "ball-pike",
    "ball-knee-tuck",
    "reverse-hip-raise",
    "ball-reverse-hip-raise",
    "double-knee-to-chest",
    "prone-on-elbows",
    "piriformis-stretch",
    "strap-hamstring-stretch",
    "walking",
}


def test_bundled_catalogue_has_the_exercises_of_the_sources() -> None:
    missing = EXPECTED_IDS - set(ids_of(EXERCISES))
    assert not missing, f"missing from the bundled catalogue: {sorted(missing)}"
    assert len(BUNDLED) == len(EXERCISES) >= len(EXPECTED_IDS)


def test_walking_is_the_aerobic_exercise() -> None:
    walking = BUNDLED.get("walking")
    assert walking is not None
    assert walking.kind is Kind.aerobic
    assert walking.equipment == []


def test_bundled_exercises_are_not_marked_as_the_users() -> None:
    assert [e.id for e in EXERCISES if BUNDLED.is_user(e.id)] == []
    origin = BUNDLED.origin("bridge")
    assert origin is not None
    assert origin.bundled
    assert origin.path == BUNDLED_PATH


def test_ids_are_unique_and_kept_in_file_order() -> None:
    raw = tomllib.loads(BUNDLED_PATH.read_text(encoding="utf-8"))
    file_ids = [entry["id"] for entry in raw["exercises"]]
    assert len(file_ids) == len(set(file_ids)), "an id appears twice in data/exercises.toml"
    assert ids_of(EXERCISES) == file_ids


@each(lambda e: e.kind is Kind.strength)
def test_strength_exercises_are_not_for_the_acute_phase(exercise: Exercise) -> None:
    assert Phase.acute not in exercise.phases


@each(
    lambda e: (
        e.kind is Kind.strength and Target.abdominals in e.targets and Phase.recovery in e.phases
    )
)
def test_abdominal_strength_work_in_recovery_keeps_the_trunk_still_in_neutral(
    exercise: Exercise,
) -> None:
    assert exercise.dose.hold_s > 0 or exercise.trunk_still, (
        "recovery abdominal work is isometric: a hold, or limbs moving round a braced trunk"
    )
    assert exercise.direction is Direction.neutral


@each(lambda e: e.progression is not None or e.regression is not None)
def test_progressions_and_regressions_point_at_each_other(exercise: Exercise) -> None:
    if exercise.progression is not None:
        harder = BUNDLED.get(exercise.progression)
        assert harder is not None
        assert harder.regression == exercise.id
    if exercise.regression is not None:
        easier = BUNDLED.get(exercise.regression)
        assert easier is not None
        assert easier.progression == exercise.id


@each(lambda e: e.direction is Direction.flexion and e.kind is not Kind.aerobic)
def test_flexion_exercises_are_avoided_with_a_disc_problem_at_least_while_acute(
    exercise: Exercise,
) -> None:
    assert Condition.disc in {*exercise.avoid_if, *exercise.avoid_if_acute}


@each(lambda e: e.direction is Direction.extension)
def test_extension_is_avoided_with_stenosis_and_spondylolisthesis(exercise: Exercise) -> None:
    assert {Condition.stenosis, Condition.spondylolisthesis} <= set(exercise.avoid_if)


@each(lambda e: e.direction is Direction.extension and e.kind is not Kind.stretch)
def test_repeated_or_loaded_extension_is_avoided_with_arthritis(exercise: Exercise) -> None:
    assert Condition.arthritis in exercise.avoid_if


@each(lambda e: e.direction is Direction.extension and e.kind is Kind.strength)
def test_extension_strength_exercises_are_avoided_with_stenosis(exercise: Exercise) -> None:
    assert Condition.stenosis in exercise.avoid_if


FULL_CRUNCHES = {"crunch", "crunches", "sit-up", "sit-ups", "situp", "situps", "sit up", "sit ups"}


@each()
def test_nothing_is_a_full_crunch_or_sit_up(exercise: Exercise) -> None:
    names = {" ".join(text.casefold().split()) for text in (exercise.name, *exercise.aliases)}
    names.add(exercise.id)
    assert names.isdisjoint(FULL_CRUNCHES)


@each()
def test_dose_builds_up_from_where_it_starts(exercise: Exercise) -> None:
    dose = exercise.dose
    if dose.reps_max is not None:
        assert dose.reps_max >= dose.reps
    if dose.hold_max_s is not None:
        assert dose.hold_s > 0
        assert dose.hold_max_s >= dose.hold_s


@each()
def test_every_exercise_has_a_point_to_watch(exercise: Exercise) -> None:
    assert exercise.cues
    assert all(cue.strip() for cue in exercise.cues)


@each()
def test_every_exercise_says_when_to_stop_in_its_own_field(exercise: Exercise) -> None:
    rule = exercise.stop
    assert rule is not None, "the stop rule is what the timer keeps on screen"
    assert re.search(r"\b(stop|ease off|lower|come out)\b", rule, re.IGNORECASE), rule
    symptoms = r"\b(pain|symptoms|hurts?|aches?|tingl\w*|numb\w*|pinch\w*|faint)\b"
    assert re.search(symptoms, rule, re.IGNORECASE), rule
    assert all(rule not in cue for cue in exercise.cues), "said once, in its own field"


@each()
def test_every_exercise_names_its_sources(exercise: Exercise) -> None:
    assert exercise.sources
    assert all(source.strip() for source in exercise.sources)


@each(lambda e: bool(e.dose.convention))
def test_a_dose_from_convention_names_fields_the_dose_sets(exercise: Exercise) -> None:
    fields = type(exercise.dose).model_fields
    assert set(exercise.dose.convention) <= set(fields), exercise.dose.convention


@each(lambda e: e.dose.per_side)
def test_the_first_side_is_the_one_the_steps_describe(exercise: Exercise) -> None:
    steps = " ".join(exercise.steps).casefold()
    first = exercise.start_side.value
    if "left" in steps or "right" in steps:
        assert exercise.first_side is not None, "the steps name a side: say which comes first"
        assert first in steps, f"the steps never mention the {first} side"


def test_the_catalogue_goes_beyond_the_articles_with_the_exercises_a_physio_expects() -> None:
    added = set(ids_of(EXERCISES)) - EXPECTED_IDS
    assert len(added) >= 20, sorted(added)
    expected = {
        "bird-dog",
        "mcgill-curl-up",
        "side-bridge-knees",
        "cat-camel",
        "nerve-slider",
        "prone-press-up",
        "clamshell",
        "hip-hinge",
        "sit-to-stand",
    }
    assert expected <= added


def test_the_review_tags_hold() -> None:
    """The physiotherapist's corrections (CLINICAL.md W2, W3, W6, W7, W13)."""
    superman, strap, plank = (
        BUNDLED.find(i) for i in ("superman", "strap-hamstring-stretch", "plank")
    )
    assert superman.phases == [Phase.maintenance]
    assert superman.level is not Level.beginner
    assert Condition.sciatica in strap.avoid_if
    assert Condition.disc in strap.avoid_if_acute
    assert Target.back_extensors not in plank.targets
    hollowing, bracing = BUNDLED.find("abdominal-draw-in"), BUNDLED.find("abdominal-brace")
    assert hollowing.id != bracing.id
    assert "abdominal-brace" not in BUNDLED.ladder(hollowing)


@pytest.mark.parametrize(
    ("exercise_id", "ladder"),
    [
        (
            "supine-marching",
            [
                "abdominal-draw-in",
                "heel-slides",
                "supine-marching",
                "dead-bug",
                "ball-dead-bug",
            ],
        ),
        ("bird-dog", ["half-bird-dog", "bird-dog", "superman", "prone-cobra"]),
        ("side-plank", ["side-bridge-knees", "side-plank"]),
        ("bridge", ["bridge", "bridge-with-knee-lift"]),
        ("walking", ["walking"]),
    ],
)
def test_ladders_run_from_the_easiest_step(exercise_id: str, ladder: list[str]) -> None:
    assert ids_of(BUNDLED.ladder(BUNDLED.find(exercise_id))) == ladder


def test_a_format_1_catalogue_still_loads_and_format_2_adds_the_new_fields(
    tmp_path: Path,
) -> None:
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    old.write_text(catalogue_toml(exercise_toml("my-stretch")), encoding="utf-8")
    extra = 'stop = "Stop if it hurts."\nsources = ["My physio"]\noff_floor = true\n'
    new.write_text(
        catalogue_toml(exercise_toml("my-other", extra=extra), version=2), encoding="utf-8"
    )
    loaded = load_catalogue([old, new])
    mine, other = loaded.find("my-stretch"), loaded.find("my-other")
    assert (mine.sources, mine.stop, mine.off_floor) == ([], None, False)
    assert mine.stop_rule  # the general rule stands in for one the file does not give
    assert (other.sources, other.stop_rule, other.off_floor) == (
        ["My physio"],
        "Stop if it hurts.",
        True,
    )


SEEDCOPY = Path("/work/shared/tools/seedcopy.py")


def test_bundled_catalogue_is_written_in_our_own_words() -> None:
    if not SEEDCOPY.exists():
        pytest.skip(f"{SEEDCOPY} is not available here; the source articles are not shipped")
    checked = subprocess.run(
        [sys.executable, str(SEEDCOPY), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "data/exercises.toml" not in checked.stdout, checked.stdout
    assert "Traceback" not in checked.stderr, checked.stderr


# --- Catalogue.find and suggest -------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected_id"),
    [
        ("bridge", "bridge"),
        ("Bridge with knee lift", "bridge-with-knee-lift"),
        ("sphinx", "prone-on-elbows"),
        ("  Knees To Chest ", "double-knee-to-chest"),
        ("FOREARM\t plank", "plank"),
        ("Figure 4 Stretch", "piriformis-stretch"),
        ("DEAD-BUG", "dead-bug"),
    ],
    ids=["id", "name", "alias", "padded any case", "tab and spaces", "alias any case", "id caps"],
)
def test_find_by_id_name_or_alias_in_any_case(query: str, expected_id: str) -> None:
    assert BUNDLED.find(query).id == expected_id


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        ("dead bugg", "dead-bug"),
        ("plnk", "plank"),
        ("brige", "bridge"),
        ("sphnix", "prone-on-elbows"),
    ],
)
def test_find_unknown_suggests_the_closest(query: str, suggested: str) -> None:
    with pytest.raises(UnknownExercise) as caught:
        BUNDLED.find(query)
    assert caught.value.suggestions[0] == suggested
    assert caught.value.exit_code == 1
    assert f"did you mean {suggested!r}" in str(caught.value)


def test_find_unknown_without_anything_close_points_to_list() -> None:
    with pytest.raises(UnknownExercise) as caught:
        BUNDLED.find("xyzzy")
    assert caught.value.suggestions == []
    assert caught.value.lines() == ["no exercise called 'xyzzy'; 'corecli list' shows them all"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hamstring", {"seated-hamstring-stretch", "strap-hamstring-stretch"}),
        ("cobra", {"prone-cobra"}),
        ("Tuck", {"ball-knee-tuck"}),
    ],
)
def test_suggest_finds_keys_containing_the_text(query: str, expected: set[str]) -> None:
    assert set(BUNDLED.suggest(query)) == expected


def test_suggest_returns_at_most_the_limit_without_repeats() -> None:
    suggestions = BUNDLED.suggest("ball", limit=2)
    assert len(suggestions) == 2
    assert len(set(BUNDLED.suggest("ball"))) == len(BUNDLED.suggest("ball")) <= 3


# --- a person's own catalogues --------------------------------------------------------------

WALL_SIT = exercise_toml("wall-sit", "Wall sit")
# The bundled bridge leads on to the bridge with knee lift, which names it back.
MY_BRIDGE = exercise_toml("bridge", "My bridge", extra='progression = "bridge-with-knee-lift"')


def write_home(home: Path, *exercises: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "exercises.toml"
    path.write_text(catalogue_toml(*exercises), encoding="utf-8")
    return path


def test_home_catalogue_is_loaded_after_the_bundled_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = write_home(home, WALL_SIT)
    catalogue = load_catalogue(home=home)
    assert len(catalogue) == len(BUNDLED) + 1
    assert ids_of(list(catalogue)) == [*ids_of(EXERCISES), "wall-sit"]
    assert catalogue.is_user("wall-sit")
    origin = catalogue.origin("wall-sit")
    assert origin is not None
    assert (origin.path, origin.position, origin.bundled) == (path, 0, False)


def test_a_bundled_id_in_the_home_catalogue_replaces_the_bundled_entry(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_home(home, MY_BRIDGE, WALL_SIT)
    catalogue = load_catalogue(home=home)
    bridge = catalogue.get("bridge")
    assert bridge is not None
    assert bridge.name == "My bridge"
    assert catalogue.find("my bridge").id == "bridge"
    assert catalogue.is_user("bridge")
    assert len(catalogue) == len(BUNDLED) + 1
    bundled_rest = [i for i in ids_of(EXERCISES) if i != "bridge"]
    assert ids_of(list(catalogue)) == [*bundled_rest, "bridge", "wall-sit"]
    assert [i for i in bundled_rest if catalogue.is_user(i)] == []


def test_a_replacement_that_drops_a_ladder_link_says_what_to_write(tmp_path: Path) -> None:
    home = tmp_path / "home"
    path = write_home(home, exercise_toml("bridge", "My bridge"))
    with pytest.raises(FileProblem) as caught:
        load_catalogue(home=home)
    assert caught.value.lines() == [
        f"{path}: exercises[0].progression: should be 'bridge-with-knee-lift',"
        " which names 'bridge' as its regression"
    ]


@pytest.mark.parametrize(
    ("order", "winner"),
    [(["a", "b"], "B wall sit"), (["b", "a"], "A wall sit")],
    ids=["b last", "a last"],
)
def test_catalog_files_apply_after_the_home_file_and_later_wins(
    tmp_path: Path, order: list[str], winner: str
) -> None:
    home = tmp_path / "home"
    write_home(home, exercise_toml("wall-sit", "Home wall sit"))
    files = {}
    for label in ("a", "b"):
        files[label] = tmp_path / f"{label}.toml"
        files[label].write_text(
            catalogue_toml(exercise_toml("wall-sit", f"{label.upper()} wall sit")),
            encoding="utf-8",
        )
    catalogue = load_catalogue([files[label] for label in order], home=home)
    assert catalogue.find("wall-sit").name == winner
    origin = catalogue.origin("wall-sit")
    assert origin is not None
    assert origin.path == files[order[-1]]


def test_catalog_file_overrides_the_home_file_but_keeps_its_other_entries(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    write_home(home, WALL_SIT, exercise_toml("knee-hug"))
    extra = tmp_path / "extra.toml"
    extra.write_text(catalogue_toml(exercise_toml("wall-sit", "Deeper wall sit")), "utf-8")
    catalogue = load_catalogue([extra], home=home)
    assert catalogue.find("wall-sit").name == "Deeper wall sit"
    assert catalogue.find("knee-hug").name == "Knee Hug"


@pytest.mark.parametrize("make_home", [False, True], ids=["no home folder", "empty home folder"])
def test_a_missing_home_catalogue_is_fine(tmp_path: Path, make_home: bool) -> None:
    home = tmp_path / "home"
    if make_home:
        home.mkdir()
    catalogue = load_catalogue(home=home)
    assert ids_of(list(catalogue)) == ids_of(EXERCISES)
    assert not any(catalogue.is_user(i) for i in ids_of(EXERCISES))


# --- ExerciseFilter -------------------------------------------------------------------------


def haystack(exercise: Exercise) -> str:
    return " ".join((exercise.id, exercise.name, *exercise.aliases, exercise.summary)).casefold()


FILTERS = [
    # (label, filter, what must hold for exactly the exercises it keeps)
    (
        "acute phase",
        ExerciseFilter(phases=frozenset({Phase.acute})),
        lambda e: Phase.acute in e.phases,
    ),
    (
        "acute or recovery",
        ExerciseFilter(phases=frozenset({Phase.acute, Phase.recovery})),
        lambda e: Phase.acute in e.phases or Phase.recovery in e.phases,
    ),
    (
        "strength",
        ExerciseFilter(kinds=frozenset({Kind.strength})),
        lambda e: e.kind is Kind.strength,
    ),
    (
        "stretch or aerobic",
        ExerciseFilter(kinds=frozenset({Kind.stretch, Kind.aerobic})),
        lambda e: e.kind in {Kind.stretch, Kind.aerobic},
    ),
    (
        "standing or seated",
        ExerciseFilter(positions=frozenset({Position.standing, Position.seated})),
        lambda e: e.position in {Position.standing, Position.seated},
    ),
    (
        "extension",
        ExerciseFilter(directions=frozenset({Direction.extension})),
        lambda e: e.direction is Direction.extension,
    ),
    (
        "works obliques or hip rotators",
        ExerciseFilter(targets=frozenset({Target.obliques, Target.hip_rotators})),
        lambda e: Target.obliques in e.targets or Target.hip_rotators in e.targets,
    ),
    (
        "beginner",
        ExerciseFilter(max_level=Level.beginner),
        lambda e: e.level is Level.beginner,
    ),
    (
        "intermediate or easier",
        ExerciseFilter(max_level=Level.intermediate),
        lambda e: e.level in {Level.beginner, Level.intermediate},
    ),
    (
        "no equipment",
        ExerciseFilter(equipment=frozenset()),
        lambda e: e.equipment == [],
    ),
    (
        "a mat only",
        ExerciseFilter(equipment=frozenset({Equipment.mat})),
        lambda e: set(e.equipment) <= {Equipment.mat},
    ),
    (
        "disc problem",
        ExerciseFilter(conditions=frozenset({Condition.disc})),
        lambda e: Condition.disc not in e.avoid_if,
    ),
    (
        "stenosis and spasm",
        ExerciseFilter(conditions=frozenset({Condition.stenosis, Condition.spasm})),
        lambda e: not {Condition.stenosis, Condition.spasm} & set(e.avoid_if),
    ),
    ("text knee", ExerciseFilter(text="knee"), lambda e: "knee" in haystack(e)),
    ("text KNEE", ExerciseFilter(text="  KNEE "), lambda e: "knee" in haystack(e)),
    (
        "two words in any order",
        ExerciseFilter(text="tuck Ball"),
        lambda e: "tuck" in haystack(e) and "ball" in haystack(e),
    ),
    (
        "combined",
        ExerciseFilter(
            phases=frozenset({Phase.recovery}),
            kinds=frozenset({Kind.strength}),
            equipment=frozenset({Equipment.mat}),
            conditions=frozenset({Condition.stenosis}),
            max_level=Level.beginner,
        ),
        lambda e: (
            Phase.recovery in e.phases
            and e.kind is Kind.strength
            and set(e.equipment) <= {Equipment.mat}
            and Condition.stenosis not in e.avoid_if
            and e.level is Level.beginner
        ),
    ),
]


@pytest.mark.parametrize(("label", "chosen", "holds"), FILTERS, ids=[f[0] for f in FILTERS])
def test_filter_keeps_exactly_the_exercises_that_match(
    label: str, chosen: ExerciseFilter, holds: Callable[[Exercise], bool]
) -> None:
    selected = chosen.select(BUNDLED)
    assert selected, f"{label}: nothing selected, so the filter is not really tested"
    assert len(selected) < len(BUNDLED), f"{label}: the filter did not narrow anything"
    assert all(holds(exercise) for exercise in selected)
    assert ids_of(selected) == [e.id for e in EXERCISES if holds(e)]


def test_text_search_is_found_in_aliases_and_summaries() -> None:
    assert ids_of(ExerciseFilter(text="sphinx").select(BUNDLED)) == ["prone-on-elbows"]
    assert ids_of(ExerciseFilter(text="dog lead").select(BUNDLED)) == []  # steps are not searched
    assert "walking" in ids_of(ExerciseFilter(text="HABIT").select(BUNDLED))


def test_empty_filter_keeps_everything_in_order() -> None:
    assert ExerciseFilter().select(BUNDLED) == EXERCISES


def matches_every_criterion(chosen: ExerciseFilter, exercise: Exercise) -> bool:
    """ExerciseFilter.matches, written out plainly: each field on its own."""
    levels = list(Level)
    words = chosen.text.casefold().split()
    return all(
        [
            not chosen.phases or any(phase in chosen.phases for phase in exercise.phases),
            not chosen.kinds or exercise.kind in chosen.kinds,
            not chosen.positions or exercise.position in chosen.positions,
            not chosen.directions or exercise.direction in chosen.directions,
            not chosen.targets or any(target in chosen.targets for target in exercise.targets),
            chosen.max_level is None
            or levels.index(exercise.level) <= levels.index(chosen.max_level),
            chosen.equipment is None
            or all(item in chosen.equipment for item in exercise.equipment),
            not any(condition in chosen.conditions for condition in exercise.avoid_if),
            all(word in haystack(exercise) for word in words),
        ]
    )


def some_of(vocabulary: type[StrEnum]) -> st.SearchStrategy[frozenset[Any]]:
    return st.frozensets(st.sampled_from(list(vocabulary)))


filters = st.builds(
    ExerciseFilter,
    phases=some_of(Phase),
    kinds=some_of(Kind),
    positions=some_of(Position),
    directions=some_of(Direction),
    targets=some_of(Target),
    max_level=st.none() | st.sampled_from(list(Level)),
    equipment=st.none() | some_of(Equipment),
    conditions=some_of(Condition),
    text=st.sampled_from(["", "knee", "BALL", "hold stretch", "bridge", " Dead  bug ", "zzz"])
    | st.text(alphabet="abcekn -", max_size=5),
)


@settings(max_examples=300, deadline=None)
@given(chosen=filters)
def test_select_returns_exactly_the_exercises_meeting_every_criterion(
    chosen: ExerciseFilter,
) -> None:
    expected = [exercise for exercise in EXERCISES if matches_every_criterion(chosen, exercise)]
    assert chosen.select(BUNDLED) == expected


# --- The bundled catalogue is validated like any other file ----------------------------


def test_a_changed_bundled_file_is_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edited = tmp_path / "exercises.toml"
    edited.write_text(
        BUNDLED_PATH.read_text(encoding="utf-8").replace("sets = 1", "sets = 99", 1),
        encoding="utf-8",
    )
    monkeypatch.setattr(catalogue, "BUNDLED_PATH", edited)
    with pytest.raises(FileProblem, match=r"dose\.sets"):
        load_catalogue()
