"""Plain output shared by the commands: JSON, raw bytes, notes on stderr."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable

import typer


def print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def write_bytes(data: bytes) -> None:
    """Write UTF-8 output as is (typer.echo would scan megabytes of JSON for colour codes)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def tell(lines: Iterable[str]) -> None:
    """Notes beside the output (why this phase, what was left out): on stderr."""
    for line in lines:
        typer.echo(line, err=True)
