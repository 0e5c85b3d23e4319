"""Every DVC stage depends on all the code its command runs: a change to any module that a stage's script imports,
directly or through other modules (imports inside functions too), reruns the stage; otherwise its outputs go stale
without a word. Generic on purpose: it reads dvc.yaml and the imports, never a list of paths."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGE = "omr"
SCRIPT = re.compile(r"\bpython\s+(\S+\.py)\b")
PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


def interpolate(value, key, item):
    """`${item}`, `${item.field}` and `${key}` of a `foreach` replaced as DVC does; other `${...}` (params) kept."""
    if isinstance(value, list):
        return [interpolate(v, key, item) for v in value]
    if isinstance(value, dict):
        return {interpolate(k, key, item): interpolate(v, key, item) for k, v in value.items()}
    if not isinstance(value, str):
        return value

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name == "key":
            return str(key)
        if name == "item":
            return str(item)
        if name.startswith("item.") and isinstance(item, dict):
            return str(item[name.removeprefix("item.")])
        return match.group(0)

    return PLACEHOLDER.sub(replace, value)


def stages(dvc_yaml: Path = ROOT / "dvc.yaml") -> dict[str, dict]:
    """Stage name -> definition, each `foreach` expanded into one stage per item (`train@sequence-v03_aug`)."""
    found = {}
    for name, stage in yaml.safe_load(dvc_yaml.read_text(encoding="utf-8"))["stages"].items():
        if "foreach" not in stage:
            found[name] = stage
            continue
        items = stage["foreach"]
        for key, item in (items.items() if isinstance(items, dict) else ((i, i) for i in items)):
            found[f"{name}@{key}"] = interpolate(stage["do"], key, item)
    return found


def module_file(module: str, src: Path = SRC) -> Path | None:
    """The file that defines a dotted module name (a package's __init__.py), or None where none does."""
    base = src.joinpath(*module.split("."))
    return next((f for f in (base.with_suffix(".py"), base / "__init__.py") if f.is_file()), None)


def is_type_checking(node: ast.AST) -> bool:
    """`if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`): imports for annotations only, never run."""
    test = getattr(node, "test", None) if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def run_nodes(tree: ast.AST):
    """Every node of the tree but those under `if TYPE_CHECKING:` (its `else` runs, so it is kept)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if is_type_checking(node):
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))


def imported_names(path: Path, module: str = "") -> set[str]:
    """Every dotted name an `import` anywhere in the file (inside functions too) may load: `from a.b import c`
    gives a.b and a.b.c (kept only where that is a module); relative imports resolved against `module`, the file's
    own dotted name."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in run_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                anchor = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{anchor}.{base}" if base else anchor
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def code_closure(script: Path, src: Path = SRC, package: str = PACKAGE) -> set[Path]:
    """The files of every `package` module the script runs, transitively: importing a.b.c runs a/__init__.py and
    a/b/__init__.py too."""
    files: set[Path] = set()
    todo = [(script, "")]
    while todo:
        path, module = todo.pop()
        for name in imported_names(path, module):
            parts = name.split(".")
            if parts[0] != package:
                continue
            for end in range(1, len(parts) + 1):
                found = module_file(".".join(parts[:end]), src)
                if found is not None and found not in files:
                    files.add(found)
                    todo.append((found, ".".join(parts[:end])))
    return files


def covered(relative: str, deps: list[str]) -> bool:
    """Whether a dep names the file or a folder above it."""
    return any(relative == dep or relative.startswith(dep.rstrip("/") + "/") for dep in deps)


def dep_paths(stage: dict) -> list[str]:
    return [dep if isinstance(dep, str) else next(iter(dep)) for dep in stage.get("deps", [])]


STAGES = stages()


def test_dvc_yaml_has_stages_that_run_scripts():
    scripted = [name for name, stage in STAGES.items() if SCRIPT.search(stage["cmd"])]
    assert scripted and "report" in scripted and any(name.startswith("evaluate@") for name in scripted)


@pytest.mark.parametrize("name", sorted(STAGES))
def test_stage_depends_on_every_file_its_command_runs(name):
    stage = STAGES[name]
    deps = dep_paths(stage)
    scripts = [ROOT / script for script in SCRIPT.findall(stage["cmd"])]
    code = set(scripts).union(*(code_closure(script) for script in scripts))
    missing = sorted(path.relative_to(ROOT).as_posix() for path in code
                     if not covered(path.relative_to(ROOT).as_posix(), deps))
    assert not missing, f"dvc.yaml stage {name}: its command runs code its deps do not name: {', '.join(missing)}"


def test_closure_follows_imports_inside_functions_and_relative_ones(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from .leaf import LEAF\n")
    (package / "sub" / "leaf.py").write_text("LEAF = 1\n")
    (package / "lazy.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pkg.unused\n"
                                     "def f():\n    from pkg.sub import LEAF\n    return LEAF\n")
    (package / "unused.py").write_text("")  # imported for annotations only: never runs
    script = tmp_path / "script.py"
    script.write_text("import os\nfrom pkg.lazy import f\n")
    found = {p.relative_to(tmp_path).as_posix() for p in code_closure(script, tmp_path, "pkg")}
    assert found == {"pkg/__init__.py", "pkg/lazy.py", "pkg/sub/__init__.py", "pkg/sub/leaf.py"}
