"""Every public function in the covered part of the package is fully annotated.

"Public" means a module-level function or a method whose name does not start with
``_`` -- plus ``__init__`` and ``__call__``, which users call all the time. Methods of
a private class count too: a private base (``_Crossentropy``) hands them to public
subclasses. "Fully annotated" means every parameter except a method's ``self``/``cls``
has an annotation, ``*args``/``**kwargs`` included, and the function declares its
return type (``-> None`` for ``__init__``). Functions nested in functions are skipped.

The check reads the source (``ast``), so it runs without importing anything. To cover
more of the package, add its paths to ``COVERED`` (or list the whole package as
``("",)``) and take the files out of ``NOT_YET_COVERED``.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "scratchdl"

# Files and folders of src/scratchdl whose public functions must be annotated: all of it.
COVERED = ("",)

# Files (or folders) inside COVERED left out for now: none.
NOT_YET_COVERED: tuple[str, ...] = ()

PUBLIC_DUNDERS = {"__init__", "__call__"}


def _covered_files():
    skipped = [PACKAGE / p for p in NOT_YET_COVERED]
    for path in skipped:
        assert path.exists(), f"NOT_YET_COVERED names {path}: no such file or folder"
    files = set()
    for entry in COVERED:
        path = PACKAGE / entry
        found = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        assert found and all(p.exists() for p in found), f"COVERED names {entry!r}: no such file"
        files.update(p for p in found if not any(p == s or s in p.parents for s in skipped))
    return sorted(files)


def _is_public(name):
    return not name.startswith("_") or name in PUBLIC_DUNDERS


def _is_static(func):
    return any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in func.decorator_list)


def _missing(func, in_class):
    """Names of the unannotated parts of ``func`` ('return' for the return type)."""
    a = func.args
    positional = a.posonlyargs + a.args
    if in_class and not _is_static(func):
        positional = positional[1:]  # self or cls
    params = positional + a.kwonlyargs + [p for p in (a.vararg, a.kwarg) if p]
    missing = [p.arg for p in params if p.annotation is None]
    if func.returns is None:
        missing.append("return")
    return missing


def _public_functions(body, prefix=""):
    """(qualified name, node, defined in a class) for each public function in ``body``."""
    in_class = bool(prefix)
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_public(node.name):
            yield prefix + node.name, node, in_class
        elif isinstance(node, ast.ClassDef):  # a private base still gives public methods
            yield from _public_functions(node.body, f"{prefix}{node.name}.")
        elif isinstance(node, ast.If):  # e.g. definitions under ``if sys.version_info ...``
            yield from _public_functions(node.body + node.orelse, prefix)


def unannotated(source, filename="<source>"):
    """'file:line name (missing: ...)' for each public function in ``source`` lacking hints."""
    tree = ast.parse(source, filename=filename)
    return [
        f"{filename}:{node.lineno} {name} (missing: {', '.join(missing)})"
        for name, node, in_class in _public_functions(tree.body)
        if (missing := _missing(node, in_class))
    ]


def test_the_package_ships_a_py_typed_marker():
    marker = PACKAGE / "py.typed"
    assert marker.is_file(), "src/scratchdl/py.typed is missing (PEP 561 marker)"


def test_the_covered_paths_exist():
    assert _covered_files()


@pytest.mark.parametrize("path", _covered_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_public_function_is_annotated(path):
    problems = unannotated(path.read_text(), str(path.relative_to(PACKAGE.parent)))
    assert problems == [], "public functions without full type hints:\n" + "\n".join(problems)


def test_the_checker_sees_a_missing_annotation():
    source = (
        "class Layer:\n"
        "    def __init__(self, units: int): ...\n"
        "    def forward(self, x, training: bool = False) -> int: ...\n"
        "    def _private(self, x): ...\n"
        "    @staticmethod\n"
        "    def make(a: int, *args, **kwargs: int) -> None: ...\n"
        "class _Hidden:\n"
        "    def run(self, x): ...\n"
        "    def _helper(self, x): ...\n"
        "def helper(a: int, *, b) -> None:\n"
        "    def inner(c): ...\n"
        "def fine(a: int, /, b: str = '', *c: int, d: float, **e: str) -> None: ...\n"
    )
    problems = [p.split(" ", 1)[1] for p in unannotated(source)]
    assert problems == [
        "Layer.__init__ (missing: return)",
        "Layer.forward (missing: x)",
        "Layer.make (missing: args)",
        "_Hidden.run (missing: x, return)",
        "helper (missing: b)",
    ]
