"""The package's layers import only downward, and no two modules import each other.

Order (docs/architecture.md): the engine (variables, layers, activations, losses,
optimizers, ...) < data and models < the faces (keras, tensorflow, book) < the lab.
Imports inside functions count too: a lazy import still ties two modules together.
"""

import ast
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
RANKS = {"datasets": 1, "models": 1, "keras": 2, "tensorflow": 2, "book": 2, "lab": 3}
STDLIB = set(sys.stdlib_module_names)


def _modules():
    mods = {}
    for path in (SRC / "scratchdl").rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        mods[".".join(parts)] = path
    return mods


MODULES = _modules()


def _resolve(name):
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(path):
    """(scratchdl modules, other top-level packages) imported anywhere in the file."""
    ours, others = set(), set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [f"{node.module}.{a.name}" for a in node.names] or [node.module]
        else:
            continue
        for name in names:
            if name.startswith("scratchdl"):
                ours.add(_resolve(name))
            else:
                others.add(name.split(".")[0])
    return ours - {None}, others


GRAPH = {m: _imports(p) for m, p in MODULES.items()}


def _rank(module):
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # scratchdl/__init__.py: only __version__, imports nothing
    if parts[1] == "__main__":
        return 4  # ``python -m scratchdl`` runs the lab
    return RANKS.get(parts[1], 0)


def test_the_package_root_imports_nothing_of_its_own():
    assert GRAPH["scratchdl"][0] == set()


def test_every_import_points_down_or_sideways():
    upward = [
        f"{m} (rank {_rank(m)}) imports {t} (rank {_rank(t)})"
        for m, (ours, _) in GRAPH.items()
        for t in ours
        if _rank(t) > _rank(m)
    ]
    assert upward == []


def test_no_import_cycles():
    edges = {m: {t for t in ours if t != m} for m, (ours, _) in GRAPH.items()}
    state, cycles = {}, []

    def visit(m, stack):
        state[m] = "open"
        for t in sorted(edges[m]):
            if state.get(t) == "open":
                cycles.append(stack[stack.index(t) :] + [t])
            elif t not in state:
                visit(t, stack + [t])
        state[m] = "done"

    for m in sorted(edges):
        if m not in state:
            visit(m, [m])
    assert cycles == []


@pytest.mark.parametrize("module", sorted(m for m in MODULES if _rank(m) == 0))
def test_the_engine_imports_only_numpy_and_the_standard_library(module):
    _, others = GRAPH[module]
    assert others - STDLIB - {"numpy", "__future__"} == set()


def test_the_checks_can_see_an_upward_import(tmp_path):
    fake = tmp_path / "m.py"
    fake.write_text("def f():\n    from scratchdl.lab.cli import main\n")
    ours, _ = _imports(fake)
    assert ours == {"scratchdl.lab.cli"} and _rank("scratchdl.lab.cli") > _rank("scratchdl.layers")
