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


def numbered(markers: Sequence[str], lines: Sequence[str]) -> Table:
    """Lines with a marker column, so wrapped text keeps its hanging indent."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", min_width=3)
    grid.add_column()
    for marker, line in zip(markers, lines, strict=True):
        grid.add_row(marker, literal(line))
    return grid
