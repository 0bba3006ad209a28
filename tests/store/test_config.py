"""config.toml: defaults when absent, one clear line for each mistake, atomic saves."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from corecli.errors import FileProblem, UsageProblem
from corecli.models import Config
from corecli.store.config import (
    HEADER,
    KEYS,
    Setting,
    config_path,
    describe_settings,
    load_config,
    parse_value,
    set_value,
    unset_value,
)
from corecli.vocab import Equipment, Level, PlanCondition, SoundMode

DEFAULT_SETTINGS = [
    Setting("prep", "10", "default"),
    Setting("transition", "10", "default"),
    Setting("sound", "tones", "default"),
    Setting("voice", "false", "default"),
    Setting("equipment", "unset (a mat)", "default"),
    Setting("condition", "unset (general)", "default"),
    Setting("minutes", "unset (the phase's default)", "default"),
    Setting("level", "unset (any level)", "default"),
    Setting("floor", "true", "default"),
    Setting("plain", "false", "default"),
]

SET_CASES = [
    # (key, text typed, value in Python, value as the file holds it)
    ("prep", "0", 0, 0),
    ("prep", " 120 ", 120, 120),
    ("transition", "15", 15, 15),
    ("sound", "off", SoundMode.off, "off"),
    ("sound", "Bell", SoundMode.bell, "bell"),
    ("sound", "tones", SoundMode.tones, "tones"),
    ("sound", "YES", SoundMode.tones, "tones"),  # as when it was on or off
    ("sound", "0", SoundMode.off, "off"),
    ("voice", "on", True, True),
    ("voice", "True", True, True),
    ("voice", "no", False, False),
    ("equipment", "mat,strap", [Equipment.mat, Equipment.strap], ["mat", "strap"]),
    ("equipment", "mat strap", [Equipment.mat, Equipment.strap], ["mat", "strap"]),
    (
        "equipment",
        "Exercise-Ball, bench",
        [Equipment.exercise_ball, Equipment.bench],
        ["exercise-ball", "bench"],
    ),
    ("equipment", "mat,mat", [Equipment.mat], ["mat"]),
    ("equipment", "none", [], []),
    ("equipment", "NONE", [], []),
    ("condition", "disc", PlanCondition.disc, "disc"),
    ("condition", "General", PlanCondition.general, "general"),
    ("minutes", "5", 5, 5),
    ("minutes", "20", 20, 20),
    ("minutes", "60", 60, 60),
    ("level", "beginner", Level.beginner, "beginner"),
    ("level", "advanced", Level.advanced, "advanced"),
    ("floor", "no", False, False),
    ("floor", "true", True, True),
]

EQUIPMENT_ALLOWED = (
    "none, or one or more of mat, exercise-ball, strap, bench, back-extension-station, chair,"
    " wall, dowel, resistance-band, exercise-bike (such as mat,strap)"
)
BAD_VALUES = [
    # (key, text typed, the whole message)
    ("minutes", "90", "minutes must be a whole number from 5 to 60, not '90'"),
    ("minutes", "4", "minutes must be a whole number from 5 to 60, not '4'"),
    ("minutes", "twenty", "minutes must be a whole number from 5 to 60, not 'twenty'"),
    ("minutes", "20.5", "minutes must be a whole number from 5 to 60, not '20.5'"),
    ("minutes", "9" * 30, f"minutes must be a whole number from 5 to 60, not '{'9' * 30}'"),
    ("minutes", "", "minutes must be a whole number from 5 to 60, not ''"),
    ("prep", "-1", "prep must be a whole number from 0 to 120, not '-1'"),
    ("transition", "121", "transition must be a whole number from 0 to 120, not '121'"),
    ("sound", "maybe", "sound must be off, bell or tones, not 'maybe'"),
    ("voice", "2", "voice must be true or false, not '2'"),
    ("floor", "bed", "floor must be true or false, not 'bed'"),
    ("level", "expert", "level must be beginner, intermediate or advanced, not 'expert'"),
    (
        "condition",
        "flu",
        "condition must be general, disc, stenosis, sciatica, spasm, arthritis, osteoporosis"
        " or spondylolisthesis, not 'flu'",
    ),
    ("equipment", "mat,yoga-block", f"equipment must be {EQUIPMENT_ALLOWED}, not 'yoga-block'"),
    ("equipment", "none,mat", f"equipment must be {EQUIPMENT_ALLOWED}, not 'none,mat'"),
    ("equipment", " , ", f"equipment must be {EQUIPMENT_ALLOWED}, not ','"),
]

SETTINGS_LIST = (
    "Settings: prep, transition, sound, voice, equipment, condition, minutes, level, floor, plain"
)
UNKNOWN_KEYS = [
    ("minuts", f"no setting 'minuts'; did you mean 'minutes'? {SETTINGS_LIST}"),
    ("prep_s", f"no setting 'prep_s'; did you mean 'prep'? {SETTINGS_LIST}"),
    ("colour", f"no setting 'colour'. {SETTINGS_LIST}"),
]

BROKEN_FILES = [
    # (name, file content, the problem expected after the file's path)
    ("malformed TOML", "prep = 5\nlevel = beginner\n", ":2:9: invalid TOML: Invalid value"),
    ("key twice", "prep = 5\nprep = 6\n", ":2:9: invalid TOML: Cannot overwrite a value"),
    ("minutes as text", 'minutes = "20"\n', ": minutes: must be a whole number (got '20')"),
    ("prep as a float", "prep = 5.0\n", ": prep: must be a whole number (got 5.0)"),
    ("sound as a number", "sound = 1\n", ": sound: 1 is not allowed; use 'off', 'bell' or 'tones'"),
    (
        "equipment as one word",
        'equipment = "mat"\n',
        ": equipment: must be a list in square brackets (got 'mat')",
    ),
    (
        "unknown key",
        "minuts = 20\n",
        ": minuts: is not a known field; did you mean 'minutes'?",
    ),
    ("out of range", "prep = 121\n", ": prep: must be at most 120 (got 121)"),
    ("below range", "minutes = 4\n", ": minutes: must be at least 5 (got 4)"),
    (
        "unknown level",
        'level = "expert"\n',
        ": level: 'expert' is not allowed; use 'beginner', 'intermediate' or 'advanced'",
    ),
]


def write_config(home: Path, text: str) -> Path:
    path = config_path(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def file_data(home: Path) -> dict[str, Any]:
    return tomllib.loads(config_path(home).read_text(encoding="utf-8"))


def test_keys_follow_the_documented_order() -> None:
    assert KEYS == (
        "prep",
        "transition",
        "sound",
        "voice",
        "equipment",
        "condition",
        "minutes",
        "level",
        "floor",
        "plain",
    )


def test_no_file_means_defaults(isolated: Path) -> None:
    config = load_config(isolated)
    assert config == Config()
    assert config.model_fields_set == set()
    assert describe_settings(config) == DEFAULT_SETTINGS
    assert not config_path(isolated).exists()


@pytest.mark.parametrize("text", ["", "  \n\n", "\ufeff", "# every setting removed\n"])
def test_blank_file_means_defaults(isolated: Path, text: str) -> None:
    write_config(isolated, text)
    config = load_config(isolated)
    assert config == Config()
    assert describe_settings(config) == DEFAULT_SETTINGS


@pytest.mark.parametrize(("key", "text", "value", "stored"), SET_CASES)
def test_set_and_read_back(
    isolated: Path, key: str, text: str, value: object, stored: object
) -> None:
    assert parse_value(key, text) == value
    config = set_value(isolated, key, text)
    assert getattr(config, key) == value
    assert config.model_fields_set == {key}

    raw = config_path(isolated).read_text(encoding="utf-8")
    assert raw.startswith(HEADER)
    assert tomllib.loads(raw) == {key: stored}

    again = load_config(isolated)
    assert again == config
    assert again.model_fields_set == {key}


def test_parse_value_gives_the_key_type() -> None:
    assert parse_value("sound", "1") is SoundMode.tones
    assert parse_value("voice", "off") is False
    assert type(parse_value("minutes", "+20")) is int
    assert parse_value("level", "beginner") is Level.beginner
    assert parse_value("condition", "disc") is PlanCondition.disc


def test_round_trip_of_every_key(isolated: Path) -> None:
    typed = {
        "level": "intermediate",
        "minutes": "25",
        "prep": "8",
        "voice": "true",
        "equipment": "strap mat",
        "condition": "stenosis",
        "sound": "bell",
        "transition": "0",
        "floor": "off",
        "plain": "yes",
    }
    for key, text in typed.items():  # out of order on purpose
        config = set_value(isolated, key, text)

    assert list(file_data(isolated)) == list(typed)  # each new key after those before it
    assert file_data(isolated) == {
        "prep": 8,
        "transition": 0,
        "sound": "bell",
        "voice": True,
        "equipment": ["strap", "mat"],
        "condition": "stenosis",
        "minutes": 25,
        "level": "intermediate",
        "floor": False,
        "plain": True,
    }
    assert load_config(isolated) == config
    assert describe_settings(load_config(isolated)) == [
        Setting("prep", "8", "config.toml"),
        Setting("transition", "0", "config.toml"),
        Setting("sound", "bell", "config.toml"),
        Setting("voice", "true", "config.toml"),
        Setting("equipment", "strap,mat", "config.toml"),
        Setting("condition", "stenosis", "config.toml"),
        Setting("minutes", "25", "config.toml"),
        Setting("level", "intermediate", "config.toml"),
        Setting("floor", "false", "config.toml"),
        Setting("plain", "true", "config.toml"),
    ]


def test_a_key_set_to_its_default_is_kept(isolated: Path) -> None:
    set_value(isolated, "prep", "5")
    assert file_data(isolated) == {"prep": 5}
    assert describe_settings(load_config(isolated))[0] == Setting("prep", "5", "config.toml")


def test_setting_a_key_keeps_the_others(isolated: Path) -> None:
    write_config(isolated, 'level = "beginner"\nvoice = true\n')
    config = set_value(isolated, "minutes", "30")
    assert file_data(isolated) == {"voice": True, "minutes": 30, "level": "beginner"}
    assert (config.level, config.voice, config.minutes) == (Level.beginner, True, 30)


def test_sound_from_before_there_were_modes_still_reads(isolated: Path) -> None:
    write_config(isolated, "sound = false\n")
    assert load_config(isolated).sound is SoundMode.off
    write_config(isolated, "sound = true\n")
    assert load_config(isolated).sound is SoundMode.tones


@pytest.mark.parametrize(("key", "text", "message"), BAD_VALUES)
def test_bad_values(isolated: Path, key: str, text: str, message: str) -> None:
    with pytest.raises(UsageProblem) as raised:
        parse_value(key, text)
    assert str(raised.value) == message
    with pytest.raises(UsageProblem):
        set_value(isolated, key, text)
    assert not config_path(isolated).exists()


@pytest.mark.parametrize(("key", "message"), UNKNOWN_KEYS)
def test_unknown_key(isolated: Path, key: str, message: str) -> None:
    for attempt in (
        lambda: parse_value(key, "20"),
        lambda: set_value(isolated, key, "20"),
        lambda: unset_value(isolated, key),
    ):
        with pytest.raises(UsageProblem) as raised:
            attempt()
        assert str(raised.value) == message
    assert not config_path(isolated).exists()


@pytest.mark.parametrize(
    ("text", "problem"), [case[1:] for case in BROKEN_FILES], ids=[case[0] for case in BROKEN_FILES]
)
def test_broken_file_is_reported_and_never_overwritten(
    isolated: Path, text: str, problem: str
) -> None:
    path = write_config(isolated, text)
    before = path.read_bytes()
    for attempt in (
        lambda: load_config(isolated),
        lambda: set_value(isolated, "minutes", "20"),
        lambda: unset_value(isolated, "prep"),
    ):
        with pytest.raises(FileProblem) as raised:
            attempt()
        assert str(raised.value) == f"{path}{problem}"
    assert path.read_bytes() == before
    assert sorted(p.name for p in isolated.iterdir()) == ["config.toml"]


def test_config_that_is_a_folder(isolated: Path) -> None:
    config_path(isolated).mkdir(parents=True)
    with pytest.raises(FileProblem, match="is a folder"):
        load_config(isolated)
    with pytest.raises(FileProblem, match="is a folder"):
        set_value(isolated, "prep", "3")


def test_unset(isolated: Path) -> None:
    set_value(isolated, "minutes", "20")
    set_value(isolated, "level", "beginner")

    config = unset_value(isolated, "minutes")
    assert config.minutes is None
    assert config.level is Level.beginner
    assert file_data(isolated) == {"level": "beginner"}
    assert load_config(isolated) == config

    before = config_path(isolated).read_bytes()
    assert unset_value(isolated, "minutes") == config  # not set: nothing to do
    assert config_path(isolated).read_bytes() == before

    unset_value(isolated, "level")
    assert config_path(isolated).read_text(encoding="utf-8") == HEADER
    assert load_config(isolated) == Config()


def test_unset_without_a_file_creates_none(isolated: Path) -> None:
    assert unset_value(isolated, "sound") == Config()
    assert not config_path(isolated).exists()


def test_saves_leave_no_temporary_files(isolated: Path) -> None:
    for key, text in [("prep", "3"), ("equipment", "mat"), ("prep", "4"), ("voice", "on")]:
        set_value(isolated, key, text)
    unset_value(isolated, "equipment")
    assert sorted(p.name for p in isolated.iterdir()) == ["config.toml"]
    assert file_data(isolated) == {"prep": 4, "voice": True}


def test_no_equipment_differs_from_unset(isolated: Path) -> None:
    config = set_value(isolated, "equipment", "none")
    assert config.equipment == []
    assert file_data(isolated) == {"equipment": []}
    assert describe_settings(load_config(isolated))[4] == Setting(
        "equipment", "none", "config.toml"
    )

    config = unset_value(isolated, "equipment")
    assert config.equipment is None
    assert describe_settings(load_config(isolated))[4] == Setting(
        "equipment", "unset (a mat)", "default"
    )


def test_none_written_by_hand_means_no_equipment(isolated: Path) -> None:
    write_config(isolated, 'equipment = "none"\n')
    config = load_config(isolated)
    assert config.equipment == []
    assert config.model_fields_set == {"equipment"}


def test_setting_and_unsetting_keep_the_persons_comments_and_layout(isolated: Path) -> None:
    mine = (
        "# My corecli settings (see the physio's sheet)\n"
        "\n"
        "minutes = 20   # all I have before work\n"
        "\n"
        "# the mat lives under the bed\n"
        'equipment = ["mat"]\n'
    )
    write_config(isolated, mine)
    set_value(isolated, "minutes", "25")
    set_value(isolated, "level", "beginner")
    unset_value(isolated, "equipment")
    assert config_path(isolated).read_text(encoding="utf-8") == (
        "# My corecli settings (see the physio's sheet)\n"
        "\n"
        "minutes = 25   # all I have before work\n"
        "\n"
        "# the mat lives under the bed\n"
        'level = "beginner"\n'
    )


def test_edits_at_the_same_time_all_land(isolated: Path) -> None:
    """Each edit reads, changes and writes under a lock: none is lost."""
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from corecli.store.config import set_value\n"
        "key, value = sys.argv[2], sys.argv[3]\n"
        "for _ in range(10):\n"
        "    set_value(Path(sys.argv[1]), key, value)\n"
    )
    edits = [("prep", "7"), ("transition", "4"), ("minutes", "25"), ("level", "beginner")]
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(isolated), key, value])
        for key, value in edits
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0] * len(edits)
    config = load_config(isolated)
    assert (config.prep, config.transition, config.minutes, config.level) == (
        7,
        4,
        25,
        Level.beginner,
    )
    assert sorted(p.name for p in isolated.iterdir()) == ["config.toml"]
