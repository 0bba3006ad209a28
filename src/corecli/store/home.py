"""Where a person's own files live: ``$CORECLI_HOME`` or the platform's data folder."""

from __future__ import annotations

import os
from pathlib import Path

HOME_VARIABLE = "CORECLI_HOME"
HISTORY_NAME = "history.sqlite3"


def corecli_home() -> Path:
    """``$CORECLI_HOME`` if set, else e.g. ``~/.local/share/corecli`` on Linux."""
    configured = os.environ.get(HOME_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_path  # only needed when the variable is unset

    return user_data_path("corecli", appauthor=False)


def history_path(home: Path) -> Path:
    """The session log in ``home`` (here, so asking whether it exists needs no SQLite)."""
    return home / HISTORY_NAME
