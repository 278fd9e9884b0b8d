"""The house plan: one package per stage, imports only downward, the core free of Dagster."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PIPELINES = Path(__file__).resolve().parents[1] / "pipelines"
# Lowest first: a module may import its own layer and the ones before it, never one after.
LAYERS = ["warehouse", "runtime", "ingest", "text", "extract", "entities", "pipeline", "orchestration", "entry"]
ENTRY = {"definitions", "cli", "workers", "__main__", "__init__"}  # workers: the forkserver's entry
CORE = {"warehouse", "runtime", "ingest", "text", "extract", "entities", "pipeline"}


def layer_of(module: str) -> str:
    """``pipelines.text.stage`` -> ``text``; top-level entry modules -> ``entry``."""
    parts = module.split(".")
    return "entry" if len(parts) < 2 or parts[1] in ENTRY else parts[1]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PIPELINES.rglob("*.py")):
        relative = path.relative_to(PIPELINES.parent).with_suffix("")
        parts = list(relative.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(path: Path) -> set[str]:
    """Every module an import statement in ``path`` names (function-level imports included)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


MODULES = modules()


def internal_imports(path: Path) -> set[str]:
    """The pipelines modules ``path`` imports (``from pkg import module`` resolved to the module)."""
    return {name for name in imports_of(path) if name in MODULES}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_run_downward(module):
    own = LAYERS.index(layer_of(module))
    upward = sorted(
        name for name in internal_imports(MODULES[module])
        if LAYERS.index(layer_of(name)) > own
    )
    assert upward == [], f"{module} ({layer_of(module)}) imports a higher layer: {upward}"


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer_of(m) in CORE))
def test_the_core_knows_nothing_of_dagster(module):
    names = imports_of(MODULES[module])
    assert not {n for n in names if n == "dagster" or n.startswith(("dagster.", "dagster_"))}, module
    assert not {n for n in names if n.startswith("pipelines.orchestration")}, module


def test_no_import_cycles():
    graph = {module: internal_imports(path) - {module} for module, path in MODULES.items()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, "import cycle: " + " -> ".join([*visiting[visiting.index(module):], module])
        visiting.append(module)
        for name in sorted(graph[module]):
            visit(name)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


def test_every_package_says_what_it_takes_in_and_gives_out():
    for package in [p for p in PIPELINES.iterdir() if (p / "__init__.py").is_file()]:
        docstring = ast.get_docstring(ast.parse((package / "__init__.py").read_text(encoding="utf-8")))
        assert docstring and len(docstring) > 60, f"{package.name}/__init__.py has no docstring"


def test_the_checker_sees_a_violation(tmp_path):
    """The rules above are not vacuous: an upward import is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("from pipelines.orchestration.resources import WarehouseResource\n", encoding="utf-8")
    assert {name for name in internal_imports(bad)} == {"pipelines.orchestration.resources"}
    assert LAYERS.index(layer_of("pipelines.orchestration.resources")) > LAYERS.index(layer_of("pipelines.text.x"))
