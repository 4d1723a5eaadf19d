"""The shape of the code: graph/ is one subpackage per stage, no module of it is past 800
lines, and no tagjack module imports itself back through others.

The import graph is read from the source with ``ast``: every ``import`` counts, those
inside functions and under ``TYPE_CHECKING`` too, as a lazy import closes a circle as
surely as an eager one (it only waits longer to fail).
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MAX_LINES = 800
STAGES = {"ingest", "store", "analytics", "outputs", "simulation"}
# Which stages each stage may import: data flows one way, reader -> store -> analytics
# -> outputs; the simulator only writes input files; all share model, errors and times.
MAY_IMPORT = {
    "ingest": {"ingest", "store"},
    "store": {"store"},
    "analytics": {"analytics", "store"},
    "outputs": {"outputs", "analytics", "store"},
    "simulation": {"simulation"},
}


def package_dirs() -> dict[str, Path]:
    """Each top-level package of pyproject's package-dir, as its folder in the repository."""
    setuptools = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    return {name: REPO / folder for name, folder in setuptools["package-dir"].items()
            if name.count(".") <= 1}


def modules() -> dict[str, Path]:
    """Every tagjack module by dotted name (a package by its ``__init__``)."""
    found: dict[str, Path] = {}
    for package, folder in package_dirs().items():
        for path in folder.rglob("*.py"):
            parts = path.relative_to(folder).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join((package, *parts))] = path
    return found


def imports_of(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The tagjack modules ``name`` imports (``from pkg import mod`` names the module)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
    return {m for m in found if m in known and m != name}


def import_graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def first_circle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle as [a, b, ..., a], or None if the graph is acyclic."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            if nxt not in state and (circle := visit(nxt)):
                return circle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (circle := visit(start)):
            return circle
    return None


def stage(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 3 and parts[1] == "graph" and parts[2] in STAGES else None


def test_the_import_graph_is_read_whole():
    graph = import_graph()
    assert "tagjack.graph.analytics.pipeline" in graph["tagjack.cli.analyze"]
    # `from tagjack.graph.simulation import scenario` names the module, not the package
    assert "tagjack.graph.simulation.scenario" in graph["tagjack.graph.simulation.world"]
    assert len(graph) > 60


def test_no_import_circle():
    circle = first_circle(import_graph())
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_a_circle_is_found():
    assert first_circle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert first_circle({"a": {"b"}, "b": set()}) is None


def test_stages_import_only_upstream():
    wrong = [f"{module} imports {target}" for module, targets in import_graph().items()
             for target in targets
             if stage(module) and stage(target) and stage(target) not in MAY_IMPORT[stage(module)]]
    assert not wrong, "\n".join(wrong)


def test_graph_is_one_folder_per_stage():
    folders = {p.name for p in (REPO / "graph").iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == STAGES
    assert {p.name for p in (REPO / "graph").glob("*.py")} == {"__init__.py", "model.py", "errors.py",
                                                               "times.py"}


def test_no_library_module_is_past_800_lines():
    long = {str(path.relative_to(REPO)): n for path in (REPO / "graph").rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines: {long}"
