import re

import pytest

from omr.samples import read_meta

DATASETS = ("v01", "v02", "v01_3notes", "long", "v03")


def stages_run(output: str) -> set[str]:
    return set(re.findall(r"Running stage '([^']+)'", output))


@pytest.mark.slow
@pytest.mark.xdist_group("dvc")
def test_generate_stages_build_all_datasets_rerun_nothing_and_follow_their_params(dvc_project):
    first = dvc_project.dvc("repro", "generate", "contact_sheets")
    assert stages_run(first.stdout) == {f"generate@{name}" for name in DATASETS} | {"engraved_real", "contact_sheets"}
    assert read_meta(dvc_project.path / "data/datasets/v03")["splits"] == {"train": 8, "val": 4, "test": 4}
    assert read_meta(dvc_project.path / "data/datasets/v02")["splits"] == {"train": 12, "val": 4, "test": 4}
    assert (dvc_project.path / "plots/datasets/long.png").stat().st_size > 1000

    second = dvc_project.dvc("repro", "generate", "contact_sheets")
    assert stages_run(second.stdout) == set()
    assert "Data and pipelines are up to date" in second.stdout

    dvc_project.git("add", "-A")
    dvc_project.git("commit", "-q", "-m", "datasets generated")
    experiment = dvc_project.dvc("exp", "run", "-S", "datasets.v02.max_notes=8", "generate", "contact_sheets")
    assert stages_run(experiment.stdout) == {"generate@v02", "contact_sheets"}
    meta = read_meta(dvc_project.path / "data/datasets/v02")
    assert meta["params"]["max_notes"] == 8
