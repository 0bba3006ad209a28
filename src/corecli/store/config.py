"""A person's defaults for corecli's commands: ``$CORECLI_HOME/config.toml``.

Command-line options override these. The file holds only the keys a person set;
a key left out means the built-in default. Saving is atomic, and never replaces
a file that could not be read, so a typo never costs a person what they wrote.
"""

from __future__ import annotations

import difflib
import enum
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import NoneType, UnionType
from typing import TYPE_CHECKING, Any, NamedTuple, get_args, get_origin

from pydantic import ValidationError

from corecli.errors import UsageProblem
from corecli.models import Config
from corecli.store.toml_files import SMALL_LIMIT, read_toml, write_atomically
from corecli.store.validation import validate
from corecli.text import or_list
from corecli.vocab import Equipment, Level, PlanCondition, SoundMode

if TYPE_CHECKING:  # tomlkit is loaded by edits only; reading and planning do without it
    from tomlkit import TOMLDocument

CONFIG_NAME = "config.toml"
HEADER = (
    "# corecli settings. Edit here or with `corecli config set KEY VALUE`;\n"
    "# command-line options override these.\n\n"
)
# What a key left unset means, in the words `corecli config show` uses.
UNSET_MEANING = {
    "equipment": "a mat",
    "condition": "general",
    "minutes": "the phase's default",
    "level": "any level",
}
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}

SettingValue = int | bool | list[Equipment] | PlanCondition | Level | SoundMode


KEYS: tuple[str, ...] = tuple(Config.model_fields)


class Setting(NamedTuple):
    """One line of ``corecli config show``."""

    key: str
    value: str  # as a person would type it
    source: str  # CONFIG_NAME or "default"


class _NotAllowed(Exception):
    def __init__(self, given: str) -> None:
        super().__init__(given)
        self.given = given


def config_path(home: Path) -> Path:
    """Where the settings live: ``home/config.toml``."""
    return home / CONFIG_NAME


def load_config(home: Path) -> Config:
    """The settings in ``home/config.toml``; the built-in defaults when it is missing or blank.

    The config's ``model_fields_set`` names the keys the file sets. Raises
    FileProblem, naming the file and the line or key, when the file cannot be used.
    """
    path = config_path(home)
    try:
        blank = not path.read_bytes().strip()
    except (FileNotFoundError, NotADirectoryError):  # no file, or no folder to hold one
        return Config.model_construct()  # the defaults are valid: skip building a validator
    except OSError:
        blank = False  # read_toml says what is wrong, in the words it uses for every file
    if blank:
        # A person who deleted every line wants the defaults; that is no mistake.
        return Config.model_construct()
    return validate(Config, read_toml(path, SMALL_LIMIT), path)


def check_key(key: str) -> str:
    """``key`` if it names a setting; otherwise UsageProblem with a suggestion."""
    if key in KEYS:
        return key
    close = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else "."
    raise UsageProblem(f"no setting {key!r}{hint} Settings: {', '.join(KEYS)}")


def parse_value(key: str, text: str) -> SettingValue:
    """The value for ``key`` from what a person typed after ``corecli config set KEY``.

    ``20``; ``true``/``false`` (or yes/no, on/off, 1/0); ``disc``; ``mat,strap``
    or ``mat strap`` or ``none``. Raises UsageProblem naming the key, the text and
    what the key allows, for an unknown key or a value the key cannot take.
    """
    kind = _kind(check_key(key))
    try:
        checked = Config.model_validate({key: _read(kind, text)})
    except _NotAllowed as refusal:
        given = refusal.given
    except ValidationError:  # within the type but out of bounds
        given = text.strip()
    else:
        value: SettingValue = getattr(checked, key)
        return value
    raise UsageProblem(f"{key} must be {_allowed(key)}, not {given!r}")


def set_value(home: Path, key: str, text: str) -> Config:
    """Set ``key`` from the text a person typed, save ``config.toml`` and return the settings.

    The rest of the file (comments, order, blank lines) stays as the person wrote it.
    Raises UsageProblem for an unknown key or a bad value, and FileProblem when the
    current file cannot be read (it is then left untouched) or written.
    """
    value = parse_value(key, text)
    return update(home, {key: value})


def update(home: Path, values: dict[str, Any]) -> Config:
    """Set several checked values at once (as ``corecli start`` does) and save."""
    return _edit(home, lambda document: document.update(_stored(values)))


def unset_value(home: Path, key: str) -> Config:
    """Remove ``key`` from ``config.toml``, back to its built-in default; return the settings.

    A key the file does not set is left as it is. Raises UsageProblem for an
    unknown key and FileProblem as :func:`set_value` does.
    """
    check_key(key)
    current = load_config(home)
    if key not in current.model_fields_set:
        return current
    return _edit(home, lambda document: document.pop(key, None))


def _edit(home: Path, change: Callable[[TOMLDocument], object]) -> Config:
    """Change ``config.toml`` as a document, keeping everything else in it; save it if
    what it then holds is valid, and return those settings.

    Read, change and write happen under a lock, so two edits at once both land.
    """
    import tomlkit

    path = config_path(home)
    with _locked(home):
        load_config(home)  # a file that cannot be read is never written over
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            text = ""
        # Only the header (or nothing): start afresh, so keys come after its blank line.
        fresh = text.strip() in ("", HEADER.strip())
        document = _headed() if fresh else tomlkit.parse(text)
        change(document)
        config = validate(Config, document.unwrap(), path)
        write_atomically(path, tomlkit.dumps(document))
    return config


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    """Hold a lock on the corecli folder itself (no lock file is left behind), where
    such locks exist: not on Windows."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: one person, one edit at a time
        yield
        return
    try:
        home.mkdir(parents=True, exist_ok=True)
        handle = os.open(home, os.O_RDONLY)
    except OSError:
        yield  # a read-only folder: the write below says what is wrong
        return
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)  # and with it the lock


def _headed() -> TOMLDocument:
    import tomlkit

    document = tomlkit.document()
    for line in HEADER.strip().splitlines():
        document.add(tomlkit.comment(line.removeprefix("# ")))
    document.add(tomlkit.nl())
    return document


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """Values as config.toml holds them: enums by name, equipment as a list of names."""
    return {
        key: [item.value for item in value]
        if isinstance(value, list)
        else value.value
        if isinstance(value, enum.Enum)
        else value
        for key, value in values.items()
    }


def describe_settings(config: Config) -> list[Setting]:
    """Each key, its value as a person would type it, and whether the file or the default set it."""
    return [
        Setting(
            key,
            format_value(key, getattr(config, key)),
            CONFIG_NAME if key in config.model_fields_set else "default",
        )
        for key in KEYS
    ]


def described(config: Config, key: str) -> Setting:
    """The line ``corecli config show`` has for one key (checked, so unknown keys are refused)."""
    key = check_key(key)
    return next(setting for setting in describe_settings(config) if setting.key == key)


def format_value(key: str, value: SettingValue | None) -> str:
    """``20``, ``true``, ``mat,strap``, ``none`` for no equipment, ``unset (a mat)``."""
    if value is None:
        return f"unset ({UNSET_MEANING[key]})"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(value) or "none"
    return str(value)


def _kind(key: str) -> Any:
    """What a key holds, without its ``| None``: int, bool, an enum or ``list[Equipment]``."""
    annotation = Config.model_fields[key].annotation
    if isinstance(annotation, UnionType):
        (annotation,) = (arg for arg in get_args(annotation) if arg is not NoneType)
    return annotation


def _read(kind: Any, text: str) -> Any:
    """Text typed for a key of this kind as a value to validate; _NotAllowed when it is none."""
    word = text.strip().lower()
    if kind is bool:
        if word in _TRUE or word in _FALSE:
            return word in _TRUE
        raise _NotAllowed(text.strip())
    if kind is int:
        # Nine digits is plenty for any bound; longer text is out of range anyway.
        if not re.fullmatch(r"[+-]?[0-9]{1,9}", word):
            raise _NotAllowed(text.strip())
        return int(word)
    if get_origin(kind) is list:
        words = [part for part in re.split(r"[,\s]+", word) if part]
        if words == ["none"]:
            return []
        if not words or "none" in words:
            raise _NotAllowed(text.strip())
        (item_kind,) = get_args(kind)
        return [_choice(item_kind, part) for part in dict.fromkeys(words)]
    return _choice(kind, word)


def _choice(kind: Any, word: str) -> Any:
    try:
        return kind(word.replace("_", "-"))
    except ValueError:
        raise _NotAllowed(word) from None


def _allowed(key: str) -> str:
    kind = _kind(key)
    if kind is bool:
        return "true or false"
    if kind is int:
        rules = Config.model_fields[key].metadata
        low = next(rule.ge for rule in rules if hasattr(rule, "ge"))
        high = next(rule.le for rule in rules if hasattr(rule, "le"))
        return f"a whole number from {low} to {high}"
    if get_origin(kind) is list:
        (item_kind,) = get_args(kind)
        names = ", ".join(choice.value for choice in item_kind)
        return f"none, or one or more of {names} (such as mat,strap)"
    return or_list([choice.value for choice in kind])
