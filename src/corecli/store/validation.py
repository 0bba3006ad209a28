"""Validation errors in the files a person writes, as one line each.

A pydantic ``ValidationError`` becomes lines such as
``exercises[3].dose.hold_s: must be at most 600 (got 900) (in 'wall-sit')``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from corecli.errors import FileProblem

MAX_PROBLEMS_SHOWN = 10

ModelT = TypeVar("ModelT", bound=BaseModel)


def validate(model: type[ModelT], data: Mapping[str, Any], path: Path) -> ModelT:
    """Validate parsed TOML against a model, reporting each problem by field path."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problems = describe_errors(error, data, field_names(model))
        raise FileProblem(path, cap_problems(problems)) from None


def describe_errors(
    error: ValidationError,
    data: Mapping[str, Any],
    known_fields: Iterable[str] = (),
    *,
    prefix: tuple[int | str, ...] = (),
) -> list[str]:
    """Readable ``field.path: what is wrong`` lines for a pydantic ValidationError.

    ``prefix`` is where the validated value sits in ``data`` when it is a part of it.
    """
    known = sorted(set(known_fields))
    lines = []
    for detail in error.errors(include_url=False):
        loc = (*prefix, *detail["loc"])
        line = f"{format_location(loc)}: {_explain(detail, known)}"
        lines.append(line + _which_entry(loc, data))
    return lines


def cap_problems(lines: list[str]) -> list[str]:
    """At most MAX_PROBLEMS_SHOWN lines, then a count of the rest."""
    if len(lines) <= MAX_PROBLEMS_SHOWN:
        return lines
    hidden = len(lines) - MAX_PROBLEMS_SHOWN
    return [*lines[:MAX_PROBLEMS_SHOWN], f"... and {hidden} more problems"]


def format_location(loc: tuple[int | str, ...]) -> str:
    """``('exercises', 3, 'dose', 'hold_s')`` -> ``exercises[3].dose.hold_s``."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text or "(top level)"


def field_names(model: type[BaseModel]) -> set[str]:
    """Every field name of a model and the models nested in it, for suggestions."""
    names: set[str] = set()
    pending: list[type[BaseModel]] = [model]
    while pending:
        current = pending.pop()
        for name, info in current.model_fields.items():
            names.add(name)
            nested = info.annotation
            for candidate in (nested, *getattr(nested, "__args__", ())):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    pending.append(candidate)
    return names


def _explain(detail: Any, known_fields: list[str]) -> str:
    kind = detail["type"]
    ctx = detail.get("ctx") or {}
    given = detail.get("input")
    if kind == "missing":
        return "is required but missing"
    if kind == "extra_forbidden":
        field = str(detail["loc"][-1])
        close = difflib.get_close_matches(field, known_fields, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"is not a known field{hint}"
    if kind == "less_than_equal":
        return f"must be at most {ctx['le']} (got {given!r})"
    if kind == "greater_than_equal":
        return f"must be at least {ctx['ge']} (got {given!r})"
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return f"must be a whole number (got {given!r})"
    if kind in {"bool_type", "bool_parsing"}:
        return f"must be true or false (got {given!r})"
    if kind == "string_type":
        return f"must be text in quotes (got {given!r})"
    if kind == "list_type":
        return f"must be a list in square brackets (got {given!r})"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "must be a table of keys and values"
    if kind == "enum":
        return f"{given!r} is not allowed; use {ctx['expected']}"
    if kind == "literal_error":
        return f"must be {ctx['expected']} (got {given!r})"
    if kind == "string_pattern_mismatch":
        return f"{given!r} must be kebab-case: lowercase letters and digits joined by hyphens"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {ctx['max_length']} characters)"
    if kind == "too_short":
        return f"needs at least {ctx['min_length']} entries"
    if kind == "value_error":
        return str(ctx.get("error", detail["msg"]))
    return str(detail["msg"])


def _which_entry(loc: tuple[int | str, ...], data: Mapping[str, Any]) -> str:
    """Name the entry an error sits in, since TOML array tables have no visible index."""
    if len(loc) < 2 or not isinstance(loc[0], str) or not isinstance(loc[1], int):
        return ""
    entries = data.get(loc[0])
    if not isinstance(entries, list) or not 0 <= loc[1] < len(entries):
        return ""
    entry = entries[loc[1]]
    if not isinstance(entry, dict):
        return ""
    label = entry.get("id", entry.get("exercise"))
    about_label = len(loc) > 2 and loc[2] in {"id", "exercise"}
    return f" (in {label!r})" if isinstance(label, str) and not about_label else ""
