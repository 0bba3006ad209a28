"""Start-up time of corecli's everyday commands against a bare two-command Typer app.

What it measures: the wall time of whole processes, from launch to exit, of

* ``corecli --help`` against ``trivial --help``, and
* ``corecli list``, ``show bridge``, ``plan --seed 1``, ``run --dry-run --seed 1``,
  ``history``, ``stats`` and ``config show`` against ``trivial hello``,

where ``trivial`` is a two-command Typer app (``hello`` and ``bye``) written to a
temporary file. Both run under this interpreter and the same kind of launch:
``python <venv>/bin/corecli ...`` (the script pip installs, which is what a person
runs) and ``python trivial.py ...``. The cases run round-robin, one of each per
round, after one untimed warm-up round. Each run gets an empty ``CORECLI_HOME`` of
its own (a new user: no history, no settings) and ``COLUMNS=100``.

Target: each median ratio corecli / trivial is at most 1.15×.

Run:  python bench/startup.py [--runs N] [--instructions] [--quick]
      (N at least 5, default 15; --quick: 2 runs, for CI)

``--instructions`` adds instruction counts from valgrind, which do not move with
the machine's load the way wall time does. It reports and exits 0 whatever the
ratios; a command that fails is an error (exit 1).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import _common

DEFAULT_RUNS = 15
MIN_RUNS = 5
TARGET_RATIO = 1.15

# The baseline app; `hello` is filled in below.
APP_TEMPLATE = textwrap.dedent(
    '''\
    """A bare two-command Typer app: the baseline corecli's start-up is compared with."""

    import typer

    app = typer.Typer(add_completion=False)


    @app.command()
    def hello() -> None:
        """Say hello."""
    {hello}


    @app.command()
    def bye() -> None:
        """Say goodbye."""
        typer.echo("Bye!")


    if __name__ == "__main__":
        app()
    '''
)
TRIVIAL_APP = APP_TEMPLATE.format(hello='    typer.echo("Hello!")')
# The same app whose `hello` prints a Rich table the size of a plan's: the floor for
# any command that shows a table, for reference (not a target).
TRIVIAL_TABLE_APP = APP_TEMPLATE.format(
    hello=textwrap.indent(
        textwrap.dedent(
            """\
            from rich.console import Console
            from rich.table import Table

            table = Table(box=None)
            for heading in ("#", "exercise · why", "dose", "time"):
                table.add_column(heading)
            for n in range(1, 9):
                table.add_row(str(n), f"Exercise {n}\\nwhy", "2 × 20 s hold, each side", "1 min")
            Console().print(table)"""
        ),
        "    ",
    )
)
# The everyday commands, each compared with the trivial app's `hello`.
EVERYDAY = (
    ("list",),
    ("show", "bridge"),
    ("plan", "--seed", "1"),
    ("run", "--dry-run", "--seed", "1"),
    ("history",),
    ("stats",),
    ("config", "show"),
)


@dataclass(frozen=True)
class Case:
    """One command line to time."""

    label: str
    argv: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    """A corecli case and the trivial app's case it is measured against."""

    subject: Case
    baseline: Case


def instructions_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="also count instructions with valgrind (slow: about 10 s per case)",
    )


def report(
    times: Mapping[Case, list[float]],
    comparisons: Sequence[Comparison],
    reference: Comparison,
) -> None:
    runs = len(next(iter(times.values())))
    print("corecli start-up against a bare two-command Typer app")
    print(_common.versions("typer", "rich", "pydantic"))
    print(f"{runs} interleaved runs of each case after one warm-up round; COLUMNS=100\n")

    width = max(len(case.label) for case in times)
    print(f"{'case':<{width}}  {'median':>9}  {'min':>9}  {'max':>9}")
    for case, samples in times.items():
        print(
            f"{case.label:<{width}}  {_common.ms(_common.median(samples))}  "
            f"{_common.ms(min(samples))}  {_common.ms(max(samples))}"
        )

    print(f"\nratios of medians (target ≤ {TARGET_RATIO:.2f}×)")
    labels = [f"{c.subject.label} / {c.baseline.label}" for c in comparisons]
    width = max(len(label) for label in labels)
    for label, comparison in zip(labels, comparisons, strict=True):
        ratio = _common.median(times[comparison.subject]) / _common.median(
            times[comparison.baseline]
        )
        verdict = "ok" if ratio <= TARGET_RATIO else f"over by {ratio / TARGET_RATIO - 1:.0%}"
        print(f"{label:<{width}}  {ratio:5.2f}×  {verdict}")
    floor = _common.median(times[reference.subject]) / _common.median(times[reference.baseline])
    print(
        f"\nfor reference: {reference.subject.label} / {reference.baseline.label}  {floor:5.2f}×"
        "\n(the bare app printing an 8-row Rich table: the least a command that shows a"
        " table can reach)"
    )


def report_instructions(
    cases: Sequence[Case], comparisons: Sequence[Comparison], homes: _common.Homes
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
        env = {**homes.fresh(), "PYTHONHASHSEED": "0"}
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
        print(f"{label:<{width}}  {counts[comparison.subject] / counts[comparison.baseline]:5.2f}×")


def main(argv: Sequence[str] | None = None) -> int:
    args = _common.parse_args(
        "Time corecli's everyday commands against a bare two-command Typer app.",
        argv,
        runs=DEFAULT_RUNS,
        quick_runs=2,
        min_runs=MIN_RUNS,
        extra=instructions_option,
    )
    _common.compile_corecli()
    with tempfile.TemporaryDirectory(prefix="corecli-bench-") as tmp:
        root = Path(tmp)
        trivial = root / "trivial.py"
        trivial.write_text(TRIVIAL_APP, encoding="utf-8")
        trivial_table = root / "trivial_table.py"
        trivial_table.write_text(TRIVIAL_TABLE_APP, encoding="utf-8")
        corecli = _common.corecli_command()
        bare = (sys.executable, str(trivial))
        trivial_help = Case("trivial --help", (*bare, "--help"))
        trivial_hello = Case("trivial hello", (*bare, "hello"))
        reference = Comparison(
            Case("trivial-table hello", (sys.executable, str(trivial_table), "hello")),
            trivial_hello,
        )
        comparisons = [Comparison(Case("corecli --help", (*corecli, "--help")), trivial_help)]
        comparisons += [
            Comparison(Case(f"corecli {' '.join(words)}", (*corecli, *words)), trivial_hello)
            for words in EVERYDAY
        ]
        cases = [
            trivial_help,
            trivial_hello,
            reference.subject,
            *(c.subject for c in comparisons),
        ]
        homes = _common.Homes(root)
        times = _common.round_robin(
            cases,
            args.runs,
            warm_up=lambda case: _common.run_checked(case.label, case.argv, homes.fresh()),
            timed=lambda case: _common.time_once(case.label, case.argv, homes.fresh()),
        )
        report(times, comparisons, reference)
        if args.instructions:
            report_instructions(cases, [reference, *comparisons], homes)
    return 0


if __name__ == "__main__":
    sys.exit(_common.main(main))
