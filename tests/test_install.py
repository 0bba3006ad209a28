"""The built wheel carries the catalogue and works on its own, away from the source tree."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

import corecli

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE_IN_WHEEL = "corecli/data/exercises.toml"
BUNDLED_COUNT = len(
    tomllib.loads((ROOT / "data" / "exercises.toml").read_text("utf-8"))["exercises"]
)


def run_checked(
    command: Sequence[str | Path],
    *,
    timeout: float,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, fail the test with everything it printed."""
    done = subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=cwd,
        env=env,
    )
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} exited {done.returncode}\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done


def build_wheel(outdir: Path) -> Path:
    """``python -m build --wheel``, or ``pip wheel`` when an isolated build cannot be set up."""
    built = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(outdir), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if built.returncode != 0:
        run_checked(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", outdir, ROOT],
            timeout=300,
        )
    wheels = sorted(outdir.glob("corecli-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


@dataclass(frozen=True)
class Installed:
    wheel: Path
    venv: Path
    workdir: Path  # a folder outside the repository to run from
    env: dict[str, str]

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name

    def run(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        return run_checked(args, timeout=60, cwd=self.workdir, env=self.env)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel once, and install it with its dependencies into a fresh venv."""
    base = tmp_path_factory.mktemp("install")
    wheel = build_wheel(base / "dist")
    venv = base / "venv"
    run_checked([sys.executable, "-m", "venv", venv], timeout=120)
    run_checked(
        [
            venv / "bin" / "python",
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "-q",
            wheel,
        ],
        timeout=600,
        cwd=base,
    )
    workdir = base / "elsewhere"
    workdir.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH"}
    }
    env |= {"CORECLI_HOME": str(base / "home"), "NO_COLOR": "1", "COLUMNS": "100"}
    return Installed(wheel=wheel, venv=venv, workdir=workdir, env=env)


def test_wheel_holds_the_bundled_catalogue_as_a_real_file(installed: Installed) -> None:
    with zipfile.ZipFile(installed.wheel) as wheel:
        info = wheel.getinfo(CATALOGUE_IN_WHEEL)
        assert not stat.S_ISLNK(info.external_attr >> 16), "the catalogue is stored as a symlink"
        assert wheel.read(info) == (ROOT / "data" / "exercises.toml").read_bytes()


def test_installed_package_is_imported_from_the_venv(installed: Installed) -> None:
    done = installed.run(installed.bin("python"), "-c", "import corecli; print(corecli.__file__)")
    location = Path(done.stdout.strip()).resolve()
    assert location.is_relative_to(installed.venv.resolve()), location
    assert not location.is_relative_to(ROOT), location


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            ["corecli", "list"],
            ["bridge", "walking", f"{BUNDLED_COUNT} of {BUNDLED_COUNT} exercises"],
        ),
        (
            ["python", "-m", "corecli", "show", "bridge"],
            ["Bridge  bridge", "Bridge with knee lift"],
        ),
        (["corecli", "--version"], [f"corecli {corecli.__version__}"]),
    ],
    ids=["corecli list", "python -m corecli show bridge", "corecli --version"],
)
def test_installed_commands_run_outside_the_repository(
    installed: Installed, command: list[str], expected: list[str]
) -> None:
    done = installed.run(installed.bin(command[0]), *command[1:])
    for text in expected:
        assert text in done.stdout
    assert done.stderr == ""
