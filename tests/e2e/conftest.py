"""A throw-away copy of the project for tests that drive DVC: tracked files, tiny params, its own git repo.

Usage (any test under tests/e2e):
    def test_x(dvc_project):
        dvc_project.set_params({"datasets.v01.train": 8})
        dvc_project.commit()
        result = dvc_project.dvc("repro", "generate@v01")
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
# Generated or machine-specific paths never copied: outputs are what the tests make.
SKIPPED = ("dvc.lock", "data/", "models/", "dvclive/", "metrics/", "plots/", ".dvc/cache", ".dvc/tmp")

TINY_DATASETS = {
    "datasets.v01.train": 12, "datasets.v01.val": 4, "datasets.v01.test": 4,
    "datasets.v02.train": 12, "datasets.v02.val": 4, "datasets.v02.test": 4,
    "datasets.v01_3notes.test": 4, "datasets.long.test": 2,
    "datasets.v03.train": 8, "datasets.v03.val": 4, "datasets.v03.test": 4,
    "engraved.windows": 3, "engraved_real.windows": 3,
}


class DvcProject:
    def __init__(self, path: Path):
        self.path = path
        bin_dir = str(Path(sys.executable).parent)
        self.env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
                    "PYTHONPATH": str(path / "src"), "DVC_NO_ANALYTICS": "1", "GIT_AUTHOR_NAME": "t",
                    "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(command, cwd=self.path, env=self.env, capture_output=True, text=True)
        if check and result.returncode != 0:
            raise AssertionError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run("git", "-c", "user.name=t", "-c", "user.email=t@t", *args, check=check)

    def dvc(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return self.run(sys.executable, "-m", "dvc", *args, check=check)

    def set_params(self, overrides: dict[str, object]) -> None:
        """Set dotted keys (e.g. 'datasets.v01.train') in the copy's params.yaml."""
        params_path = self.path / "params.yaml"
        params = yaml.safe_load(params_path.read_text())
        for dotted, value in overrides.items():
            *parents, leaf = dotted.split(".")
            node = params
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = value
        params_path.write_text(yaml.safe_dump(params, sort_keys=False))

    def commit(self, message: str = "test state") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)


def copy_tracked_files(destination: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    for name in filter(None, listed.split("\0")):
        if name.startswith(SKIPPED) or not (REPO / name).is_file():
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target)


@pytest.fixture
def dvc_project(tmp_path) -> DvcProject:
    """A committed git + DVC copy of the project's tracked files, with tiny dataset sizes."""
    project = DvcProject(tmp_path / "project")
    project.path.mkdir()
    copy_tracked_files(project.path)
    project.git("init", "-q")
    project.dvc("config", "core.analytics", "false")
    project.set_params(TINY_DATASETS)
    project.commit("tiny copy of the project")
    return project
