"""Plain output shared by the commands: JSON, raw bytes, notes on stderr."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable

import typer

# C0 and C1 control characters, DEL included: json.dumps leaves C1 (U+0080-U+009F) raw,
# and U+009B alone starts a terminal control sequence.
CONTROLS = re.compile("[\x7f-\x9f]")


def print_json(data: object) -> None:
    """JSON with text kept as typed, but never a control character a terminal would obey."""
    import json  # only the JSON outputs need it

    text = json.dumps(data, indent=2, ensure_ascii=False)
    typer.echo(CONTROLS.sub(lambda match: f"\\u{ord(match.group()):04x}", text))


def write_bytes(data: bytes) -> None:
    """Write UTF-8 output as is (typer.echo would scan megabytes of JSON for colour codes)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def tell(lines: Iterable[str]) -> None:
    """Notes beside the output (why this phase, what was left out): on stderr."""
    for line in lines:
        typer.echo(line, err=True)
