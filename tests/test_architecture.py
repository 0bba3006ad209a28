"""The layout keeps its promises: no import cycles, a thin CLI that reads no clock,
and start-up that loads only what the command asked for needs."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "corecli"
CLI = PACKAGE / "cli"
MAX_BODY_LINES = 30  # a command body: parse options, call the core, render
GROUP_MODULES = {
    f"corecli.cli.{group}" for group in ("catalogue", "routines", "programme", "tracking", "config")
}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(name: str) -> set[str]:
    """Every corecli module ``name`` imports, wherever in the file (functions and
    TYPE_CHECKING blocks included): the design's dependencies, not only start-up's."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package.split(".")[: len(package.split(".")) - node.level + 1], base]
                ).strip(".")
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in MODULES else base)
    return {module for module in found if module in MODULES and module != name}


def test_there_are_no_import_cycles() -> None:
    graph = {name: imports_of(name) for name in MODULES}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        if name in path:
            cycle = [*path[path.index(name) :], name]
            pytest.fail("import cycle: " + " -> ".join(cycle))
        if name in done:
            return
        for imported in sorted(graph[name]):
            visit(imported, [*path, name])
        done.add(name)

    for name in sorted(graph):
        visit(name, [])


def test_the_core_imports_nothing_of_the_cli() -> None:
    core = [n for n in MODULES if not n.startswith("corecli.cli") and n != "corecli.__main__"]
    for name in core:
        assert not any(m.startswith("corecli.cli") for m in imports_of(name)), name


CLOCK_READS = {("datetime", "now"), ("date", "today"), ("time", "time"), ("time", "monotonic")}


@pytest.mark.parametrize(
    "path", sorted(p for p in CLI.glob("*.py") if p.name != "context.py"), ids=lambda p: p.name
)
def test_no_cli_module_reads_the_clock_itself(path: Path) -> None:
    """Only cli/context.py does, so tests can hand the commands a clock of their own."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert (node.value.id, node.attr) not in CLOCK_READS, f"{path.name}:{node.lineno}"


def command_bodies() -> list[tuple[str, int]]:
    """(name, lines of code after the docstring) for every function registered as a command."""
    bodies = []
    for path in sorted(CLI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            decorators = [d.func for d in node.decorator_list if isinstance(d, ast.Call)]
            if not any(isinstance(d, ast.Name) and d.id == "command" for d in decorators):
                continue
            body = node.body[1:] if ast.get_docstring(node) else node.body
            bodies.append((f"{path.stem}.{node.name}", body[-1].end_lineno - body[0].lineno + 1))
    return bodies


def test_command_bodies_are_short() -> None:
    bodies = command_bodies()
    # 3 in the catalogue, 4 for routines, 5 for the programme, 5 to keep track, 3 settings
    assert len(bodies) == 20
    too_long = [(name, lines) for name, lines in bodies if lines > MAX_BODY_LINES]
    assert not too_long
    assert sorted(lines for _, lines in bodies)[len(bodies) // 2] <= 20  # the median is short


def loaded_by(*argv: str) -> list[str]:
    """The modules a fresh interpreter holds after running ``corecli argv`` in process."""
    code = (
        "import sys\n"
        "from corecli.cli import app\n"
        f"try:\n    app({list(argv)!r}, prog_name='corecli')\n"
        "except SystemExit:\n    pass\n"
        "print('MODULES ' + __import__('json').dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("MODULES "), done.stdout + done.stderr
    modules: list[str] = json.loads(last.removeprefix("MODULES "))
    return modules


def test_importing_the_cli_app_loads_neither_pydantic_nor_rich() -> None:
    code = (
        "import sys, corecli.cli\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pydantic', 'rich')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_help_loads_the_command_modules_but_not_the_core() -> None:
    loaded = loaded_by("--help")
    assert GROUP_MODULES.issubset(loaded)
    assert not [m for m in loaded if m.split(".")[0] in ("rich", "pydantic")]
    assert "corecli.catalogue" not in loaded


@pytest.mark.parametrize(
    ("argv", "module", "not_loaded"),
    [
        (["list"], "corecli.cli.catalogue", ["corecli.planner", "corecli.player", "sqlite3"]),
        (["history"], "corecli.cli.tracking", ["corecli.catalogue", "corecli.player", "rich"]),
        (["history", "--csv"], "corecli.cli.tracking", ["rich", "corecli.models"]),
        (["plan", "--seed", "1"], "corecli.cli.routines", ["corecli.player", "corecli.workout"]),
        (["config", "show"], "corecli.cli.config", ["corecli.catalogue", "rich"]),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_a_command_loads_only_its_own_module(
    argv: list[str], module: str, not_loaded: list[str], isolated: Path
) -> None:
    loaded = loaded_by(*argv)
    assert GROUP_MODULES.intersection(loaded) == {module}
    for name in not_loaded:
        assert name not in loaded, name


GROUP_MODULES = {
    "corecli.cli.catalogue",
    "corecli.cli.routines",
    "corecli.cli.programme",
    "corecli.cli.tracking",
    "corecli.cli.config",
}
