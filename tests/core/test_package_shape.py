"""The package keeps its shape (STYLE.md 2, 14): imports form a tree, never a ring; no module imports another's
private `_name`; src/omr holds few loose modules; render and decode never import torch.

Every import counts: module level, inside functions, under TYPE_CHECKING. `import omr.a.b` and `from omr.a import b`
(b a module) import module omr.a.b; `from omr.a import name` imports omr.a; a package's `__init__` is module omr.a.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "omr"
MAX_LOOSE_MODULES = 6
TORCH_FREE = ("omr.render", "omr.decode")  # numpy only: the report and the decoders run without torch


@dataclass(frozen=True)
class Import:
    importer: str
    target: str  # the omr module imported
    name: str | None  # the name taken from it (`from target import name`), None for `import target`
    line: int


def omr_modules(src: Path = SRC) -> dict[str, Path]:
    """Module name -> file, for every .py under src/omr (a package's __init__.py is the package's module)."""
    modules = {}
    for path in sorted((src / "omr").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


def _absolute(module: str, path: Path, node: ast.ImportFrom) -> str:
    """The module a `from ... import` names, relative imports resolved against the importer."""
    if not node.level:
        return node.module or ""
    base = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def imports_of(module: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import of an omr module in the file, wherever it stands."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                # `import omr.a.b` loads omr.a.b (or, for a name that is no module, the longest module prefix)
                target = next((".".join(parts[:k]) for k in range(len(parts), 0, -1)
                               if ".".join(parts[:k]) in modules), None)
                if target is not None and target != "omr":
                    found.append(Import(module, target, None, node.lineno))
        elif isinstance(node, ast.ImportFrom):
            source = _absolute(module, path, node)
            for alias in node.names:
                if f"{source}.{alias.name}" in modules:
                    found.append(Import(module, f"{source}.{alias.name}", None, node.lineno))
                elif source in modules:
                    found.append(Import(module, source, alias.name, node.lineno))
    return found


def all_imports(src: Path = SRC) -> list[Import]:
    modules = omr_modules(src)
    return [found for module, path in modules.items() for found in imports_of(module, path, modules)]


def import_rings(edges: dict[str, set[str]]) -> list[list[str]]:
    """One ring (a -> ... -> a, as a list of modules) per strongly connected group of modules (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = set()
            while True:
                member = stack.pop()
                group.add(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                groups.append(group)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return [_ring_through(group, edges) for group in groups]


def _ring_through(group: set[str], edges: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, inside the group."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(edges.get(node, set()) & group):
                if nxt == start:
                    return paths[node] + [start]
                if nxt not in paths:
                    paths[nxt] = paths[node] + [nxt]
                    following.append(nxt)
        frontier = following
    return sorted(group)


def test_ring_finder_names_every_module_of_a_ring():
    edges = {"omr.a": {"omr.b"}, "omr.b": {"omr.c"}, "omr.c": {"omr.a", "omr.d"}, "omr.d": set()}
    assert import_rings(edges) == [["omr.a", "omr.b", "omr.c", "omr.a"]]
    assert import_rings({"omr.a": {"omr.b"}, "omr.b": set()}) == []


def test_omr_imports_form_a_tree_without_rings():
    edges: dict[str, set[str]] = {}
    where: dict[tuple[str, str], int] = {}
    for found in all_imports():
        if found.target != found.importer:
            edges.setdefault(found.importer, set()).add(found.target)
            where.setdefault((found.importer, found.target), found.line)
    rings = import_rings(edges)
    described = [" -> ".join(ring) + "  (" + ", ".join(f"{a} line {where[a, b]}" for a, b in zip(ring, ring[1:])) + ")"
                 for ring in rings]
    assert not rings, ("import rings (move the shared type or registry below its users):\n  "
                       + "\n  ".join(described))


def test_no_module_imports_another_modules_private_names():
    private = [f"{found.importer} (line {found.line}) imports {found.name} from {found.target}"
               for found in all_imports()
               if found.name is not None and found.name.startswith("_") and not found.name.startswith("__")]
    assert not private, ("private names imported across modules (make them public where they belong, or move "
                         "them):\n  " + "\n  ".join(private))


def test_src_omr_top_level_holds_at_most_six_loose_modules():
    loose = sorted(path.name for path in PACKAGE.glob("*.py") if path.name != "__init__.py")
    assert len(loose) <= MAX_LOOSE_MODULES, (
        f"src/omr holds {len(loose)} loose modules {loose}; at most {MAX_LOOSE_MODULES}: move one into its package")


def test_render_and_decode_never_import_torch():
    offenders = []
    for module, path in omr_modules().items():
        if not module.startswith(TORCH_FREE):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            offenders += [f"{module} (line {node.lineno}) imports {name}" for name in names
                          if name.split(".")[0] in ("torch", "torchvision", "torchmetrics")]
    assert not offenders, "omr.render and omr.decode are numpy only (STYLE.md 2):\n  " + "\n  ".join(offenders)
