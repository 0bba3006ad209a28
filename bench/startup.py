"""Start-up time of corecli against a bare two-command Typer app.

What it measures: the wall time of whole processes, from launch to exit, for

* ``corecli --help`` against ``trivial --help``, and
* ``corecli list`` (the bundled catalogue rendered as a table) against ``trivial hello``,
* ``corecli plan --seed 1`` (a plan from the bundled catalogue) against ``trivial hello``,

where ``trivial`` is a two-command Typer app (``hello`` and ``bye``) written to a
temporary file. Both run under this same interpreter (``sys.executable``) and
the same kind of launch: ``python <venv>/bin/corecli ...`` (the script pip
installs, which is what a person runs) and ``python trivial.py ...``.
The cases are run round-robin, one of each per round, so that background noise
hits them all alike; one untimed warm-up round comes first. Each subprocess gets
an empty ``CORECLI_HOME`` of its own and ``COLUMNS=100``.

Targets: each median ratio corecli / trivial is at most 1.25x; for plan, 1.3x.

Run:  python bench/startup.py [--runs N] [--instructions]      (N >= 7, default 9)

``--instructions`` adds instruction counts from valgrind, which do not move
with the machine's load the way wall time does.

It reports and exits 0 whatever the ratios; a command that fails is an error (exit 1).
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

DEFAULT_RUNS = 9
MIN_RUNS = 7
TARGET_RATIO = 1.25
PLAN_TARGET_RATIO = 1.3  # the planner issue's target for `corecli plan`

TRIVIAL_APP = textwrap.dedent(
    '''\
    """A bare two-command Typer app: the baseline corecli's start-up is compared with."""

    import typer

    app = typer.Typer(add_completion=False)


    @app.command()
    def hello() -> None:
        """Say hello."""
        typer.echo("Hello!")


    @app.command()
    def bye() -> None:
        """Say goodbye."""
        typer.echo("Bye!")


    if __name__ == "__main__":
        app()
    '''
)


@dataclass(frozen=True)
class Case:
    """One command line to time."""

    label: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """A corecli case and the trivial-app case it is measured against."""

    subject: Case
    baseline: Case
    target: float = TARGET_RATIO


def corecli_spec_origin() -> str:
    spec = importlib.util.find_spec("corecli")
    if spec is None or spec.origin is None:
        raise SystemExit("error: corecli is not installed in this environment")
    return spec.origin


def corecli_command() -> tuple[str, ...]:
    """How a person starts corecli: the ``corecli`` script pip installed beside this Python.

    Run as ``python <script>``, the same kind of launch as ``python trivial.py``.
    (``python -m corecli`` would add runpy and importlib.util, about 10 ms, that
    neither the script nor the trivial app pays.) Falls back to ``-m`` without it.
    """
    script = Path(sys.executable).parent / "corecli"
    if script.is_file():
        return (sys.executable, str(script))
    return (sys.executable, "-m", "corecli")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time corecli's start-up against a bare two-command Typer app."
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=DEFAULT_RUNS,
        metavar="N",
        help=f"timed runs of each case, interleaved (at least {MIN_RUNS}; default {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions with valgrind (slow: about 10 s per case)",
    )
    args = parser.parse_args(argv)
    if args.runs < MIN_RUNS:
        parser.error(f"--runs must be at least {MIN_RUNS} for a meaningful median")
    return args


class Environments:
    """Child environments: the caller's, plus COLUMNS=100 and a fresh, empty CORECLI_HOME."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._base = {**os.environ, "COLUMNS": "100"}

    def fresh(self) -> dict[str, str]:
        home = tempfile.mkdtemp(prefix="home-", dir=self._root)
        return {**self._base, "CORECLI_HOME": home}


def check_runs(case: Case, env: Mapping[str, str]) -> None:
    """Run a case once, untimed; exit 1 with its error output if it fails."""
    result = subprocess.run(case.argv, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        print(f"error: `{case.label}` exited with {result.returncode}:", file=sys.stderr)
        print(textwrap.indent(result.stderr.rstrip() or "(no output)", "    "), file=sys.stderr)
        raise SystemExit(1)


def time_once(case: Case, env: Mapping[str, str]) -> float:
    """Wall time of one run of a case, in seconds."""
    start = time.perf_counter()
    result = subprocess.run(
        case.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        print(f"error: `{case.label}` exited with {result.returncode}", file=sys.stderr)
        raise SystemExit(1)
    return elapsed


def measure(cases: Sequence[Case], runs: int, envs: Environments) -> dict[Case, list[float]]:
    """Time every case ``runs`` times, round-robin, after one untimed warm-up round."""
    for case in cases:
        check_runs(case, envs.fresh())
    times: dict[Case, list[float]] = {case: [] for case in cases}
    for _ in range(runs):
        for case in cases:
            times[case].append(time_once(case, envs.fresh()))
    return times


def report(times: Mapping[Case, list[float]], comparisons: Sequence[Comparison]) -> None:
    runs = len(next(iter(times.values())))
    print("corecli start-up against a bare two-command Typer app")
    print(
        f"Python {sys.version.split()[0]} ({sys.executable}), typer {version('typer')}, "
        f"corecli {version('corecli')}"
    )
    print(f"{runs} interleaved runs of each case after one warm-up round; COLUMNS=100\n")

    width = max(len(case.label) for case in times)
    print(f"{'case':<{width}}  {'median':>9}  {'min':>9}  {'max':>9}")
    for case, samples in times.items():
        print(
            f"{case.label:<{width}}  {_ms(statistics.median(samples))}  "
            f"{_ms(min(samples))}  {_ms(max(samples))}"
        )

    print("\nratios of medians")
    labels = [f"{c.subject.label} / {c.baseline.label}" for c in comparisons]
    width = max(len(label) for label in labels)
    for label, comparison in zip(labels, comparisons, strict=True):
        ratio = statistics.median(times[comparison.subject]) / statistics.median(
            times[comparison.baseline]
        )
        verdict = "ok" if ratio <= comparison.target else "over target"
        print(f"{label:<{width}}  {ratio:5.2f}×  (target ≤ {comparison.target:.2f}×)  {verdict}")


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:6.1f} ms"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    # An installed package has its bytecode compiled by pip; an editable checkout may
    # not (PYTHONDONTWRITEBYTECODE), so compile it here to measure what users get.
    compileall.compile_dir(str(Path(corecli_spec_origin()).parent), quiet=1)
    with tempfile.TemporaryDirectory(prefix="corecli-bench-") as tmp:
        root = Path(tmp)
        trivial = root / "trivial.py"
        trivial.write_text(TRIVIAL_APP, encoding="utf-8")

        corecli = corecli_command()
        bare = (sys.executable, str(trivial))
        corecli_help = Case("corecli --help", (*corecli, "--help"))
        trivial_help = Case("trivial --help", (*bare, "--help"))
        corecli_list = Case("corecli list", (*corecli, "list"))
        trivial_hello = Case("trivial hello", (*bare, "hello"))
        corecli_plan = Case("corecli plan", (*corecli, "plan", "--seed", "1"))

        cases = [corecli_help, trivial_help, corecli_list, trivial_hello, corecli_plan]
        comparisons = [
            Comparison(corecli_help, trivial_help),
            Comparison(corecli_list, trivial_hello),
            Comparison(corecli_plan, trivial_hello, PLAN_TARGET_RATIO),
        ]
        envs = Environments(root)
        times = measure(cases, args.runs, envs)
        report(times, comparisons)
        if args.instructions:
            report_instructions(cases, comparisons, envs)
    return 0


def report_instructions(
    cases: Sequence[Case], comparisons: Sequence[Comparison], envs: Environments
) -> None:
    """Instructions executed, counted by valgrind: the same every run, whatever the load.

    Wall time on a shared machine drifts by tens of percent between runs; the
    count does not (PYTHONHASHSEED is fixed), so it shows whether a change helped.
    It weighs process start-up (exec, loading libraries) less than wall time does,
    so its ratios run higher.
    """
    if shutil.which("valgrind") is None:
        print("\ninstruction counts: valgrind is not installed")
        return
    counts = {}
    for case in cases:
        env = {**envs.fresh(), "PYTHONHASHSEED": "0"}
        result = subprocess.run(
            ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *case.argv],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        found = re.search(r"Collected : (\d+)", result.stderr)
        if result.returncode != 0 or found is None:
            print(f"\ninstruction counts: valgrind failed on `{case.label}`")
            return
        counts[case] = int(found.group(1))
    print("\ninstructions (valgrind callgrind, one run each, for information)")
    width = max(len(case.label) for case in cases)
    for case, count in counts.items():
        print(f"{case.label:<{width}}  {count / 1e6:8.1f} M")
    labels = [f"{c.subject.label} / {c.baseline.label}" for c in comparisons]
    width = max(len(label) for label in labels)
    for label, comparison in zip(labels, comparisons, strict=True):
        ratio = counts[comparison.subject] / counts[comparison.baseline]
        print(f"{label:<{width}}  {ratio:5.2f}×")


if __name__ == "__main__":
    sys.exit(main())
