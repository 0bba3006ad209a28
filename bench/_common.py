"""What the benchmarks share: how corecli is started, the children's environments,
whole processes timed round-robin, and the units of the reports.

Each benchmark runs as ``python bench/NAME.py``, which puts this folder on
``sys.path``: ``import _common`` finds this module. Every benchmark takes
``--quick``: a few seconds on small inputs, so CI can check that it still runs
(its figures then say nothing about the targets).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Hashable, Mapping, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import TypeVar

CaseT = TypeVar("CaseT", bound=Hashable)
ResultT = TypeVar("ResultT")


class BenchError(Exception):
    """A command under measurement failed: the benchmark exits 1 with this message."""


def parse_args(
    description: str,
    argv: Sequence[str] | None,
    *,
    runs: int,
    quick_runs: int = 1,
    min_runs: int = 1,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.Namespace:
    """``--runs N`` and ``--quick`` (and whatever ``extra`` adds); ``args.runs`` is set
    for the mode chosen."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--runs",
        type=int,
        metavar="N",
        help=f"timed runs of each case (at least {min_runs}; default {runs}, {quick_runs} quick)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a few seconds on small inputs: checks the benchmark runs, not the targets",
    )
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = quick_runs if args.quick else runs
    elif args.runs < min_runs:
        parser.error(f"--runs must be at least {min_runs} for a meaningful median")
    return args


def corecli_command() -> tuple[str, ...]:
    """How a person starts corecli: the ``corecli`` script pip installed beside this Python.

    Run as ``python <script>``, the same kind of launch as ``python app.py``;
    ``python -m corecli`` would add runpy's import machinery. Falls back to ``-m``.
    """
    script = Path(sys.executable).parent / "corecli"
    if script.is_file():
        return (sys.executable, str(script))
    return (sys.executable, "-m", "corecli")


def compile_corecli() -> None:
    """Compile corecli's bytecode, as pip does when it installs a package: an editable
    checkout under PYTHONDONTWRITEBYTECODE would otherwise compile at every start."""
    spec = importlib.util.find_spec("corecli")
    if spec is None or spec.origin is None:
        raise BenchError("corecli is not installed in this environment")
    compileall.compile_dir(str(Path(spec.origin).parent), quiet=1)


class Homes:
    """Child environments: the caller's, with COLUMNS set and a CORECLI_HOME of their own."""

    def __init__(
        self, root: Path, *, columns: str | None = "100", extra: Mapping[str, str] | None = None
    ) -> None:
        self._root = root
        self._base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        if columns is not None:
            self._base["COLUMNS"] = columns
        self._base.update(extra or {})

    def fresh(self, copy: Path | None = None) -> dict[str, str]:
        """A new, empty home; holding a copy of the file ``copy`` if given."""
        home = Path(tempfile.mkdtemp(prefix="home-", dir=self._root))
        if copy is not None:
            shutil.copyfile(copy, home / copy.name)
        return {**self._base, "CORECLI_HOME": str(home)}


def run_checked(label: str, argv: Sequence[str], env: Mapping[str, str]) -> str:
    """Run a command once, untimed, and return its output; BenchError if it fails."""
    result = subprocess.run(argv, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        shown = textwrap.indent(result.stderr.rstrip() or "(no output)", "    ")
        raise BenchError(f"`{label}` exited with {result.returncode}:\n{shown}")
    return result.stdout


def time_once(label: str, argv: Sequence[str], env: Mapping[str, str]) -> float:
    """Wall time of one run of a command, from launch to exit, in seconds."""
    start = time.perf_counter()
    result = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        run_checked(label, argv, env)  # once more, to show what it printed
        raise BenchError(f"`{label}` exited with {result.returncode}")
    return elapsed


def round_robin(
    cases: Sequence[CaseT],
    runs: int,
    warm_up: Callable[[CaseT], object],
    timed: Callable[[CaseT], ResultT],
) -> dict[CaseT, list[ResultT]]:
    """One untimed round, then ``runs`` rounds of one run of each case in turn, so that
    a machine's drift hits every case alike."""
    for case in cases:
        warm_up(case)
    results: dict[CaseT, list[ResultT]] = {case: [] for case in cases}
    for _ in range(runs):
        for case in cases:
            results[case].append(timed(case))
    return results


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def versions(*packages: str) -> str:
    """``Python 3.11.7 (/path/python), corecli 0.1.0, typer 0.29.2``."""
    named = ", ".join(f"{name} {version(name)}" for name in ("corecli", *packages))
    return f"Python {sys.version.split()[0]} ({sys.executable}), {named}"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f} ms"


def mb(size: float) -> str:
    return f"{size / 1e6:.1f} MB"


def ratio(top: float, bottom: float) -> str:
    return f"{top / bottom:5.2f}×" if bottom > 0 else "  n/a"


def verdict(met: bool, *, quick: bool = False) -> str:
    """``met`` or ``MISSED``; in quick mode the inputs are too small for either."""
    if quick:
        return "(quick run: not the target's size)"
    return "met" if met else "MISSED"


def main(measure: Callable[[], int]) -> int:
    """Run a benchmark; a failed command is one ``error:`` line and exit status 1."""
    try:
        return measure()
    except BenchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
