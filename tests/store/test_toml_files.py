"""Every bad catalogue file gives one clear, located line — never a traceback."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path
from typing import Any

import pytest
import tomli
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corecli.catalogue import load_catalogue
from corecli.errors import FileProblem, WriteProblem
from corecli.store.toml_files import (
    SMALL_LIMIT,
    Exists,
    parse_toml,
    read_toml,
    write_atomically,
)
from tests.conftest import Run, catalogue_toml, exercise_toml

GOOD = exercise_toml("knee-hug", aliases=["hug"])

BAD_FILES = [
    # (name, file content, the problem expected after "<path>")
    ("empty", "", ": the file is empty"),
    ("blank", "  \n\n", ": the file is empty"),
    ("syntax", "schema_version = 1\n[[exercises]\n", ":2:12: invalid TOML: Expected ']]'"),
    ("unclosed string", 'schema_version = "1\n', ":1:20: invalid TOML: "),
    ("huge integer", "schema_version = " + "9" * 5000 + "\n", ": invalid TOML: "),
    ("no version", GOOD, ": schema_version: is required but missing"),
    ("future version", "schema_version = 3\n", ": schema_version: must be 1 or 2 (got 3)"),
    (
        "exercises not a list",
        'schema_version = 1\nexercises = "x"\n',
        ": exercises: must be a list",
    ),
    (
        "unknown top-level key",
        "schema_version = 1\nexercise = []\n",
        ": exercise: is not a known field; did you mean 'exercises'?",
    ),
    (
        "hold too long",
        catalogue_toml(GOOD.replace("hold_s = 10", "hold_s = 601")),
        ": exercises[0].dose.hold_s: must be at most 600 (got 601) (in 'knee-hug')",
    ),
    (
        "reps as text",
        catalogue_toml(GOOD.replace("reps = 3", 'reps = "3"')),
        ": exercises[0].dose.reps: must be a whole number (got '3') (in 'knee-hug')",
    ),
    (
        "negative rest",
        catalogue_toml(GOOD.replace("hold_s = 10", "hold_s = 10\nrest_s = -5")),
        ": exercises[0].dose.rest_s: must be at least 0 (got -5) (in 'knee-hug')",
    ),
    (
        "per_side as number",
        catalogue_toml(GOOD.replace("hold_s = 10", "hold_s = 10\nper_side = 1")),
        ": exercises[0].dose.per_side: must be true or false (got 1) (in 'knee-hug')",
    ),
    (
        "misspelt dose field",
        catalogue_toml(GOOD.replace("hold_s = 10", "hold = 10")),
        ": exercises[0].dose.hold: is not a known field; did you mean 'hold_s'?",
    ),
    (
        "unknown kind",
        catalogue_toml(GOOD.replace('kind = "stretch"', 'kind = "crunch"')),
        ": exercises[0].kind: 'crunch' is not allowed; use 'stretch', 'mobility', 'strength' or "
        "'aerobic' (in 'knee-hug')",
    ),
    (
        "id not kebab-case",
        catalogue_toml(exercise_toml("Knee_Hug")),
        ": exercises[0].id: 'Knee_Hug' must be kebab-case",
    ),
    (
        "one step only",
        catalogue_toml(GOOD.replace('"Lie down.", ', "")),
        ": exercises[0].steps: needs at least 2 entries (in 'knee-hug')",
    ),
    (
        "no phases",
        catalogue_toml(GOOD.replace('["acute", "recovery", "maintenance"]', "[]")),
        ": exercises[0].phases: needs at least 1 entries (in 'knee-hug')",
    ),
    (
        "reps_max below reps",
        catalogue_toml(GOOD.replace("reps = 3", "reps = 3\nreps_max = 2")),
        ": exercises[0].dose: reps_max (2) is below reps (3) (in 'knee-hug')",
    ),
    (
        "equipment twice",
        catalogue_toml(GOOD.replace('equipment = ["mat"]', 'equipment = ["mat", "mat"]')),
        ": exercises[0]: equipment lists 'mat' twice (in 'knee-hug')",
    ),
    (
        "dose missing",
        catalogue_toml(GOOD.split("[exercises.dose]")[0]),
        ": exercises[0].dose: is required but missing (in 'knee-hug')",
    ),
    (
        "duplicate id",
        catalogue_toml(GOOD, exercise_toml("knee-hug", "Other")),
        ": exercises[1].id: 'knee-hug' is already used by exercises[0]",
    ),
    (
        "duplicate alias",
        catalogue_toml(GOOD, exercise_toml("twist", aliases=["Hug"])),
        ": exercises[1].aliases: 'Hug' is already the name or an alias of 'knee-hug'",
    ),
    (
        "alias equal to another id",
        catalogue_toml(GOOD, exercise_toml("twist", aliases=["knee-hug"])),
        ": exercises[1].aliases: 'knee-hug' is already the id of 'knee-hug'",
    ),
    (
        "dangling progression",
        catalogue_toml(exercise_toml("knee-hug", extra='progression = "knee-hugs"')),
        ": exercises[0].progression: no exercise has the id 'knee-hugs'; did you mean 'knee-hug'?",
    ),
    (
        "progression loop",
        catalogue_toml(
            exercise_toml("a-one", extra='progression = "b-two"\nregression = "c-three"'),
            exercise_toml("b-two", extra='progression = "c-three"\nregression = "a-one"'),
            exercise_toml("c-three", extra='progression = "a-one"\nregression = "b-two"'),
        ),
        ": exercises[0].progression: goes round in a loop: a-one -> b-two -> c-three -> a-one",
    ),
    (
        "own progression",
        catalogue_toml(exercise_toml("a-one", extra='progression = "a-one"')),
        ": exercises[0]: progression cannot be the exercise itself ('a-one')",
    ),
]


@pytest.mark.parametrize(("name", "content", "expected"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_catalogue_is_one_located_line(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    path = tmp_path / "my.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileProblem) as caught:
        load_catalogue([path], bundled=False)
    lines = caught.value.lines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{path}{expected}"), lines[0]


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda p: None, "no such file"),
        (lambda p: p.mkdir(), "is a folder; expected a TOML file"),
        (lambda p: p.write_bytes(b"\x00\x01binary\xff"), "looks like a binary file, not TOML text"),
        (
            lambda p: p.write_bytes(b"name = '\xe9t\xe9'"),
            "is not UTF-8 text (bad byte at offset 8)",
        ),
    ],
    ids=["missing", "folder", "binary", "latin-1"],
)
def test_unreadable_files(tmp_path: Path, make, expected: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "my.toml"
    make(path)
    with pytest.raises(FileProblem) as caught:
        load_catalogue([path], bundled=False)
    assert caught.value.lines() == [f"{path}: {expected}"]


def test_many_problems_are_listed_one_per_line_and_capped(tmp_path: Path) -> None:
    bad = GOOD.replace('kind = "stretch"', 'kind = "x"')
    path = tmp_path / "my.toml"
    path.write_text(
        catalogue_toml(*(bad.replace("knee-hug", f"e-{i}") for i in range(12))), encoding="utf-8"
    )
    with pytest.raises(FileProblem) as caught:
        load_catalogue([path], bundled=False)
    lines = caught.value.lines()
    assert len(lines) == 11
    assert lines[-1] == f"{path}: ... and 2 more problems"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + catalogue_toml(GOOD).encode())
    assert [e.id for e in load_catalogue([path], bundled=False)] == ["knee-hug"]


# Random TOML values: the loader either accepts the document or raises our own error.
toml_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.booleans(),
    st.text(max_size=20),
    st.floats(allow_nan=False),
    st.sampled_from(["stretch", "acute", "supine", "mat", "disc", "neutral", "beginner"]),
)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["id", "name", "summary", "kind", "phases", "steps", "dose", "sets", "hold_s", "aliases", "x"]
)
exercise_like = st.dictionaries(field_names, toml_values, max_size=8)
documents = st.fixed_dictionaries(
    {},
    optional={
        "schema_version": st.sampled_from([1, 1, 2, "1", True]),
        "exercises": st.lists(exercise_like, max_size=3),
        "extra": toml_values,
    },
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(document=documents)
def test_random_documents_load_or_raise_our_error(
    tmp_path: Path, document: dict[str, object]
) -> None:
    path = tmp_path / "random.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    try:
        load_catalogue([path], bundled=False)
    except FileProblem as problem:
        assert all(line.startswith(str(path)) for line in problem.lines())


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=200))
def test_random_text_loads_or_raises_our_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "random.toml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        load_catalogue([path], bundled=False)
    except FileProblem as problem:
        assert problem.lines()


def test_a_big_file_with_a_late_mistake_still_names_its_line(tmp_path: Path) -> None:
    entries = [exercise_toml(id=f"entry-{n:05d}", name=f"Entry {n}") for n in range(1000)]
    path = tmp_path / "big.toml"
    path.write_text(catalogue_toml(*entries) + "[[exercises]]\nid = = 1\n", encoding="utf-8")
    line = path.read_text().count("\n")
    with pytest.raises(FileProblem, match=rf"big.toml:{line}:6: invalid TOML"):
        load_catalogue([path], bundled=False)


def test_crlf_files_read_as_tomli_reads_them(tmp_path: Path) -> None:
    text = 'a = """\r\none\r\ntwo"""\r\nb = 1\r\n'
    assert (
        parse_toml(text, tmp_path / "crlf.toml") == tomli.loads(text) == {"a": "one\ntwo", "b": 1}
    )


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("special", ["/dev/zero", "/dev/null", "fifo"])
def test_devices_and_pipes_are_refused_before_reading(tmp_path: Path, special: str) -> None:
    path = Path(special)
    if special == "fifo":
        path = tmp_path / "pipe.toml"
        os.mkfifo(path)  # no writer: reading it would wait for ever
    with pytest.raises(FileProblem) as caught:
        load_catalogue([path], bundled=False)
    assert caught.value.lines() == [
        f"{path}: is not a regular file (a device or a pipe); expected TOML"
    ]


def test_a_file_over_the_limit_is_refused_with_its_size(tmp_path: Path, run: Run) -> None:
    routine = tmp_path / "huge.toml"
    routine.write_text("x = 1\n" * 200_000)  # 1.2 MB: no routine is that long
    result = run("view", routine)
    assert result.exit_code == 2
    assert result.stderr == f"Error: {routine}: is 1.1 MB, more than the 1.0 MB corecli reads\n"
    with pytest.raises(FileProblem, match=r"is 1\.1 MB, more than the 1\.0 MB corecli reads"):
        read_toml(routine, SMALL_LIMIT)
    with pytest.raises(FileProblem, match="invalid TOML"):  # read: a catalogue may be larger
        read_toml(routine)


# --- Saving -----------------------------------------------------------------------------------


def test_saving_through_a_symlink_replaces_its_target_and_keeps_the_link(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    (dotfiles / "corecli.toml").write_text("old\n", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(dotfiles / "corecli.toml")
    write_atomically(link, "new\n")
    assert link.is_symlink()
    assert (dotfiles / "corecli.toml").read_text(encoding="utf-8") == "new\n"
    assert sorted(p.name for p in dotfiles.iterdir()) == ["corecli.toml"]  # no temporary left


def test_a_dangling_link_is_written_through_and_a_loop_is_refused(tmp_path: Path) -> None:
    dangling = tmp_path / "today.toml"
    dangling.symlink_to(tmp_path / "routines" / "today.toml")  # its folder does not exist yet
    write_atomically(dangling, "new\n")
    assert dangling.is_symlink() and dangling.read_text(encoding="utf-8") == "new\n"

    loop = tmp_path / "loop.toml"
    loop.symlink_to(loop)
    with pytest.raises(FileProblem, match="is a link that leads round in a loop, never to a file"):
        write_atomically(loop, "x")
    assert loop.is_symlink()


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_only_regular_files_are_written(tmp_path: Path) -> None:
    with pytest.raises(FileProblem, match="is not a regular file; corecli writes only to files"):
        write_atomically(Path("/dev/null"), "x")
    with pytest.raises(FileProblem, match="is a folder"):
        write_atomically(tmp_path, "x")
    link = tmp_path / "to-null"
    link.symlink_to("/dev/null")
    with pytest.raises(FileProblem, match="is not a regular file"):
        write_atomically(link, "x")
    assert link.is_symlink()


def test_a_new_file_is_created_only_if_nothing_is_there_at_that_moment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "routine.toml"
    real_mkstemp = tempfile.mkstemp

    def someone_else_writes_first(*args: Any, **kwargs: Any) -> tuple[int, str]:
        path.write_text("theirs\n", encoding="utf-8")  # after the check, before ours lands
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", someone_else_writes_first)
    with pytest.raises(Exists):
        write_atomically(path, "ours\n", replace=False)
    assert path.read_text(encoding="utf-8") == "theirs\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["routine.toml"]


def test_the_folder_is_synced_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[bool] = []
    real_fsync = os.fsync

    def fsync(handle: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(handle).st_mode))
        real_fsync(handle)

    monkeypatch.setattr(os, "fsync", fsync)
    write_atomically(tmp_path / "config.toml", "x = 1\n")
    assert synced == [False, True]  # the file's data, then the folder's new name


def test_a_full_disk_and_a_read_only_folder_are_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full)
    with pytest.raises(WriteProblem, match=r"cannot be written: the disk is full$") as raised:
        write_atomically(tmp_path / "a.toml", "x")
    assert raised.value.exit_code == 1  # not a mistake in what was typed

    def read_only(*args: Any, **kwargs: Any) -> Any:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    with pytest.raises(WriteProblem, match=r"cannot be written: its folder is read-only$"):
        write_atomically(tmp_path / "a.toml", "x")
