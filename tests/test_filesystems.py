"""A corecli folder on a real read-only mount and on a real full disk.

The other tests fake these errors; here the kernel makes them. Each case runs real
``corecli`` processes inside a private mount namespace (``unshare --mount``, as an
unprivileged user with ``--map-root-user``), so nothing outside the test sees the
mounts, and it is skipped where the system allows no such namespace.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import pytest

from corecli.store.home import history_path

CORECLI = [sys.executable, "-m", "corecli"]
# Commands that only look: they must work however the folder is.
LOOKING = [
    ["history"],
    ["stats"],
    ["plan", "--seed", "1"],
    ["today"],
    ["run", "--dry-run", "--seed", "1"],
    ["config", "show"],
]
# Run inside the namespace for each command: its outcome as one JSON line.
REPORT = (
    "import json, subprocess, sys\n"
    "done = subprocess.run(\n"
    "    sys.argv[1:], capture_output=True, text=True, stdin=subprocess.DEVNULL\n"
    ")\n"
    "print(json.dumps([sys.argv[1:], done.returncode, done.stdout, done.stderr]))\n"
)


class Outcome(NamedTuple):
    code: int
    stdout: str
    stderr: str


# What the tests do, tried once: a read-only bind mount, then a small tmpfs over it.
PROBE = (
    'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1"'
    ' && mount -t tmpfs -o size=64k tmpfs "$1"'
)


def _namespace() -> list[str] | None:
    """How to enter a private mount namespace here, or None if the system allows none."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        for command in ([unshare, "--mount", "--map-root-user"], [unshare, "--mount"]):
            tried = subprocess.run(
                [*command, "sh", "-c", PROBE, "probe", folder], capture_output=True, check=False
            )
            if tried.returncode == 0:
                return command
    return None


NAMESPACE = _namespace()
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(NAMESPACE is None, reason="no private mount namespace here"),
]


def in_namespace(
    home: Path, mount: str, commands: Sequence[Sequence[str]]
) -> dict[tuple[str, ...], Outcome]:
    """Run ``mount`` (shell), then each of ``commands`` against ``home``, all in one
    private mount namespace; each command's exit code and output."""
    assert NAMESPACE is not None
    report = home.parent / "report.py"
    report.write_text(REPORT, encoding="utf-8")
    lines = [f"export CORECLI_HOME={shlex.quote(str(home))} COLUMNS=100 NO_COLOR=1", mount]
    for command in commands:
        argv = " ".join(shlex.quote(part) for part in [*CORECLI, *command])
        lines.append(f"{shlex.quote(sys.executable)} {shlex.quote(str(report))} {argv}")
    done = subprocess.run(
        [*NAMESPACE, "sh", "-e", "-c", "\n".join(lines)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcomes = {}
    for line in done.stdout.splitlines():
        argv, code, stdout, stderr = json.loads(line)
        outcomes[tuple(argv[len(CORECLI) :])] = Outcome(code, stdout, stderr)
    return outcomes


def corecli(home: Path, *words: str) -> None:
    """One command run normally, to set the folder up."""
    done = subprocess.run(
        [*CORECLI, *words],
        env={"CORECLI_HOME": str(home), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def snapshot(home: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(home.iterdir()) if path.is_file()}


WRITING = [["walk", "5"], ["config", "set", "minutes", "20"]]


def looks_and_refuses(home: Path, mount: str, history_why: str, config_why: str) -> None:
    """After ``mount``, every looking command works from what is stored, and each write
    stops with one line saying why, exit 1."""
    outcomes = in_namespace(home, mount, [*LOOKING, *WRITING])
    for command in LOOKING:
        outcome = outcomes[tuple(command)]
        assert outcome.code == 0, (command, outcome.stderr)
        assert "Error" not in outcome.stderr, command
    assert "15 min" in outcomes[("plan", "--seed", "1")].stdout  # the settings were read
    assert "10 of " in outcomes[("history",)].stdout  # and the history's walk
    walked, setting = (outcomes[tuple(command)] for command in WRITING)
    assert (walked.code, walked.stderr) == (
        1,
        f"Error: {history_path(home)} cannot be written: {history_why}\n",
    )
    assert (setting.code, setting.stderr) == (
        1,
        f"Error: {home / 'config.toml'}: cannot be written: {config_why}\n",
    )


def test_a_read_only_folder_can_be_looked_at_and_says_why_it_cannot_be_written(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    corecli(home, "walk", "10")
    corecli(home, "config", "set", "minutes", "15")
    before = snapshot(home)
    quoted = shlex.quote(str(home))
    remount = f"mount --bind {quoted} {quoted}; mount -o remount,ro,bind {quoted}"
    looks_and_refuses(home, remount, "the corecli folder is read-only", "its folder is read-only")
    assert snapshot(home) == before


def test_a_full_disk_can_be_looked_at_and_says_the_disk_is_full(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    quoted = shlex.quote(str(home))
    # A 512 KB disk with a history and settings on it, then filled to the last byte.
    fill = [
        f"mount -t tmpfs -o size=512k tmpfs {quoted}",
        f"{shlex.join([*CORECLI, 'walk', '10'])} >/dev/null",
        f"{shlex.join([*CORECLI, 'config', 'set', 'minutes', '15'])} >/dev/null",
        f"dd if=/dev/zero of={quoted}/filler bs=4k 2>/dev/null || true",
        f"dd if=/dev/zero of={quoted}/filler2 bs=1 2>/dev/null || true",
    ]
    looks_and_refuses(home, "\n".join(fill), "the disk is full", "the disk is full")
