"""The exercise catalogue: the bundled file, a person's own files, and lookups.

Loading validates each file against :class:`~corecli.models.CatalogueFile`,
merges them in order (a later entry with the same id replaces an earlier one)
and then checks what only the merged whole can tell: unique names and aliases,
variants that exist, and progressions that do not go round in circles.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from pydantic import ValidationError

from corecli.errors import FileProblem, UnknownExercise
from corecli.models import CatalogueFile, CatalogueHeader, Exercise
from corecli.store.toml_files import read_toml
from corecli.store.validation import cap_problems, describe_errors, field_names, validate
from corecli.vocab import Condition, Direction, Equipment, Kind, Level, Phase, Position, Target

BUNDLED_PATH = Path(__file__).parent / "data" / "exercises.toml"
LINKS = (("progression", "regression"), ("regression", "progression"))
USER_CATALOGUE_NAME = "exercises.toml"


class Origin(NamedTuple):
    """Where an exercise was defined: a file and its position in that file."""

    path: Path
    position: int
    bundled: bool

    def where(self, field_path: str = "") -> str:
        return f"exercises[{self.position}]" + (f".{field_path}" if field_path else "")


class Catalogue:
    """An ordered, validated set of exercises with lookup by id, name or alias."""

    def __init__(self, exercises: Iterable[Exercise], origins: dict[str, Origin] | None = None):
        self._by_id: dict[str, Exercise] = {exercise.id: exercise for exercise in exercises}
        self._origins = origins or {}
        self._by_key: dict[str, str] = {}
        by_key = self._by_key
        for exercise in self._by_id.values():
            exercise_id = exercise.id
            for key in (exercise_id, exercise.name, *exercise.aliases):
                if by_key.setdefault(_key(key), exercise_id) != exercise_id:
                    self._clash(key, exercise)
        self._check_variants()

    def __len__(self) -> int:
        return len(self._by_id)

    def __iter__(self) -> Iterator[Exercise]:
        return iter(self._by_id.values())

    def __contains__(self, exercise_id: object) -> bool:
        return exercise_id in self._by_id

    def get(self, exercise_id: str) -> Exercise | None:
        return self._by_id.get(exercise_id)

    def ladder(self, exercise: Exercise) -> list[Exercise]:
        """The whole ladder ``exercise`` stands on, easiest first: itself alone if it has
        no easier or harder variant. Links are checked both ways and never loop."""
        bottom = exercise
        while bottom.regression is not None and (easier := self.get(bottom.regression)):
            bottom = easier
        steps = [bottom]
        while steps[-1].progression is not None and (harder := self.get(steps[-1].progression)):
            steps.append(harder)
        return steps

    def origin(self, exercise_id: str) -> Origin | None:
        return self._origins.get(exercise_id)

    def is_user(self, exercise_id: str) -> bool:
        origin = self._origins.get(exercise_id)
        return origin is not None and not origin.bundled

    def find(self, query: str) -> Exercise:
        """The exercise with this id, name or alias (any case), or UnknownExercise."""
        exercise_id = self._by_key.get(_key(query))
        if exercise_id is None:
            raise UnknownExercise(query, self.suggest(query))
        return self._by_id[exercise_id]

    def suggest(self, query: str, limit: int = 3) -> list[str]:
        """Ids of exercises whose id, name or alias is close to ``query``."""
        wanted = _key(query)
        close = difflib.get_close_matches(wanted, self._by_key, n=limit * 3, cutoff=0.6)
        contained = [key for key in self._by_key if wanted and wanted in key]
        ids: list[str] = []
        for key in [*close, *contained]:
            exercise_id = self._by_key[key]
            if exercise_id not in ids:
                ids.append(exercise_id)
        return ids[:limit]

    def _clash(self, key: str, exercise: Exercise) -> None:
        owner = self._by_key[_key(key)]
        role = "id" if _key(owner) == _key(key) else "name or an alias"
        self._fail(exercise.id, "aliases", f"{key!r} is already the {role} of {owner!r}")

    def _check_variants(self) -> None:
        """Every easier and harder variant exists, names this one back, and no ladder loops."""
        by_id = self._by_id
        for exercise in by_id.values():
            for field_name, back_field in LINKS:
                target = getattr(exercise, field_name)
                if target is None:
                    continue
                if target not in by_id:
                    close = difflib.get_close_matches(target, by_id, n=1)
                    hint = f"; did you mean {close[0]!r}?" if close else ""
                    self._fail(exercise.id, field_name, f"no exercise has the id {target!r}{hint}")
                back = getattr(by_id[target], back_field)
                if back != exercise.id:
                    self._unlinked(exercise.id, field_name, target, back_field, back)
        self._check_no_loop("progression")

    def _unlinked(
        self, exercise_id: str, field_name: str, target: str, back_field: str, back: str | None
    ) -> None:
        """A ladder that links one way only: name the person's own entry where one is."""
        if self.is_user(target) and not self.is_user(exercise_id):
            self._fail(
                target,
                back_field,
                f"should be {exercise_id!r}, which names {target!r} as its {field_name}",
            )
        named = f"names {back!r} as its {back_field}" if back else f"has no {back_field}"
        self._fail(
            exercise_id,
            field_name,
            f"{target!r} {named}; a ladder links both ways"
            f" (set {back_field} = {exercise_id!r} there)",
        )

    def _check_no_loop(self, field_name: str) -> None:
        following = {
            exercise_id: getattr(exercise, field_name)
            for exercise_id, exercise in self._by_id.items()
        }
        finished: set[str] = set()
        for start in following:
            chain: dict[str, int] = {}  # id -> position, for an O(1) "seen on this walk?"
            current: str | None = start
            while current is not None and current not in finished:
                if current in chain:
                    loop = [*list(chain)[chain[current] :], current]
                    self._fail(loop[0], field_name, "goes round in a loop: " + " -> ".join(loop))
                chain[current] = len(chain)
                current = following[current]
            finished.update(chain)

    def _fail(self, exercise_id: str, field_path: str, message: str) -> None:
        origin = self._origins.get(exercise_id)
        if origin is None:
            raise FileProblem("catalogue", f"{exercise_id}.{field_path}: {message}")
        raise FileProblem(origin.path, f"{origin.where(field_path)}: {message}")


def _key(text: str) -> str:
    """Case and spacing folded, so "Knees  to Chest" finds "knees to chest"."""
    folded = text.casefold()
    if "  " in folded or folded != folded.strip() or "\t" in folded or "\n" in folded:
        folded = " ".join(folded.split())
    return folded


def load_catalogue(
    paths: Sequence[Path] = (), *, home: Path | None = None, bundled: bool = True
) -> Catalogue:
    """The bundled catalogue, then ``home/exercises.toml`` if present, then ``paths``.

    Raises FileProblem for the first file that cannot be read or is invalid.
    """
    sources: list[tuple[Path, bool]] = [(BUNDLED_PATH, True)] if bundled else []
    if home is not None and (home / USER_CATALOGUE_NAME).exists():
        sources.append((home / USER_CATALOGUE_NAME, False))
    sources.extend((path, False) for path in paths)

    merged: dict[str, Exercise] = {}
    origins: dict[str, Origin] = {}
    for path, is_bundled in sources:
        for index, exercise in enumerate(read_catalogue_file(path)):
            merged.pop(exercise.id, None)  # a replacement takes the new file's place in order
            merged[exercise.id] = exercise
            origins[exercise.id] = Origin(path, index, is_bundled)
    return Catalogue(merged.values(), origins)


def read_catalogue_file(path: Path) -> list[Exercise]:
    """Parse and validate one catalogue file; ids must be unique within it.

    Entries are validated one by one and each parsed table is released as its
    model is made, so a big file is never held twice over in memory.
    """
    data = read_toml(path)
    entries = data.get("exercises")
    if not isinstance(entries, list):
        return validate(CatalogueFile, data, path).exercises
    # The header alone: building CatalogueFile's validator as well would cost every
    # command that plans about 10 ms more.
    validate(CatalogueHeader, {key: data[key] for key in data if key != "exercises"}, path)
    exercises: list[Exercise] = []
    problems: list[str] = []
    for index, entry in enumerate(entries):
        try:
            exercises.append(Exercise.model_validate(entry))
        except ValidationError as error:
            problems += describe_errors(error, data, EXERCISE_FIELDS, prefix=("exercises", index))
        entries[index] = None
    if problems:
        raise FileProblem(path, cap_problems(problems))
    first_index: dict[str, int] = {}
    for index, exercise in enumerate(exercises):
        earlier = first_index.setdefault(exercise.id, index)
        if earlier != index:
            raise FileProblem(
                path,
                f"exercises[{index}].id: {exercise.id!r} is already used by exercises[{earlier}]",
            )
    return exercises


EXERCISE_FIELDS = field_names(CatalogueFile)


@dataclass(frozen=True)
class ExerciseFilter:
    """What a person is looking for; empty sets mean "any"."""

    phases: frozenset[Phase] = frozenset()
    kinds: frozenset[Kind] = frozenset()
    positions: frozenset[Position] = frozenset()
    directions: frozenset[Direction] = frozenset()
    targets: frozenset[Target] = frozenset()
    max_level: Level | None = None
    equipment: frozenset[Equipment] | None = None  # what the person has; None = don't filter
    conditions: frozenset[Condition] = frozenset()
    text: str = ""
    _words: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_words", tuple(self.text.casefold().split()))

    def matches(self, exercise: Exercise) -> bool:
        if self.phases and self.phases.isdisjoint(exercise.phases):
            return False
        if self.kinds and exercise.kind not in self.kinds:
            return False
        if self.positions and exercise.position not in self.positions:
            return False
        if self.directions and exercise.direction not in self.directions:
            return False
        if self.targets and self.targets.isdisjoint(exercise.targets):
            return False
        if self.max_level is not None and exercise.level.rank > self.max_level.rank:
            return False
        if self.equipment is not None and not self.equipment.issuperset(exercise.equipment):
            return False
        if not self.conditions.isdisjoint(exercise.avoid_if):
            return False
        if self._words:
            haystack = " ".join((exercise.id, exercise.name, *exercise.aliases, exercise.summary))
            return all(word in haystack.casefold() for word in self._words)
        return True

    def select(self, catalogue: Iterable[Exercise]) -> list[Exercise]:
        return [exercise for exercise in catalogue if self.matches(exercise)]
