"""The pieces every Rich view is built from.

Text that came from a file is passed through :func:`literal` so that Rich markup
or terminal escape sequences in it are printed as plain characters.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text

from corecli.errors import visible


def literal(text: str, style: str = "") -> Text:
    """A Text that shows ``text`` exactly: no markup, control characters made visible."""
    return Text(visible(text, one_line=False), style=style)


MARKER_COLUMNS = 4  # the marker column and the space after it


def numbered(markers: Sequence[str], lines: Sequence[str], style: str = "") -> Table:
    """Lines with a marker column, so wrapped text keeps its hanging indent."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", min_width=MARKER_COLUMNS - 1)
    grid.add_column()
    for marker, line in zip(markers, lines, strict=True):
        grid.add_row(marker, literal(line, style))
    return grid


def numbered_steps(steps: Sequence[str], style: str = "") -> Table:
    """``1. …``, ``2. …``: an exercise's steps."""
    return numbered([f"{number}." for number in range(1, len(steps) + 1)], steps, style)
