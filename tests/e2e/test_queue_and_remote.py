"""Scaling out with DVC on tiny params (docs/scaling.md): queued experiments run side by side, and a shared remote
lets a second clone pull datasets and models instead of rebuilding them.

Each test keeps to one dataset (v01) and one two-step training (regression), the cheapest model the pipeline has.
"""

import json
import re
import subprocess
import time

import pytest

TARGET = "train@regression-v01"
TINY_REGRESSION = {"train.regression.steps": 2, "train.regression.batch_size": 4, "train.regression.val_every": 0,
                   "train.regression.log_every": 1}
METRICS = "metrics/train/regression-v01.json"
QUEUE_TIMEOUT_S = 240


def _tiny_regression(project) -> None:
    project.set_params(TINY_REGRESSION)
    project.commit("tiny regression training")


def _wait_for_queue(project) -> str:
    """`dvc queue status` once nothing is queued or running (the workers `queue start` spawned run in background)."""
    deadline = time.monotonic() + QUEUE_TIMEOUT_S
    while True:
        status = project.dvc("queue", "status").stdout
        if not re.search(r"\b(Queued|Running)\b", status):
            return status
        if time.monotonic() > deadline:
            project.dvc("queue", "kill", "--all", check=False)
            raise AssertionError(f"queued experiments still running after {QUEUE_TIMEOUT_S} s:\n{status}")
        time.sleep(1)


def _experiments(shown: list[dict]) -> dict[str, dict]:
    """{experiment name: its data (params, metrics)} of every experiment under the committed baseline."""
    found = {}
    for baseline in shown:
        for experiment in baseline.get("experiments") or []:
            for rev in experiment["revs"]:
                found[rev["name"]] = rev["data"]
    return found


@pytest.mark.slow
@pytest.mark.xdist_group("dvc")
def test_two_queued_experiments_run_in_parallel_and_both_show_their_params_and_metrics(dvc_project):
    _tiny_regression(dvc_project)
    # The dataset is built once and committed (dvc.lock): queued runs see only what git or DVC track, and they
    # check it out of the cache instead of rebuilding it.
    dvc_project.dvc("repro", "generate@v01")
    dvc_project.commit("v01 generated")
    for lr in ("0.01", "0.001"):
        dvc_project.dvc("exp", "run", "--queue", "-S", f"train.regression.lr={lr}", TARGET)
    try:
        dvc_project.dvc("queue", "start", "-j", "2")
        status = _wait_for_queue(dvc_project)
    finally:
        dvc_project.dvc("queue", "stop", check=False)
    assert len(re.findall(r"\bSuccess\b", status)) == 2, status
    experiments = _experiments(json.loads(dvc_project.dvc("exp", "show", "--json").stdout))
    assert len(experiments) == 2
    learning_rates = {data["params"]["params.yaml"]["data"]["train"]["regression"]["lr"] for data in experiments.values()}
    assert learning_rates == {0.01, 0.001}
    for data in experiments.values():
        figures = data["metrics"][METRICS]["data"]
        assert figures["step"] == 2 and 0.0 <= figures["vector_micro_f1"] <= 1.0
    log = dvc_project.dvc("queue", "logs", next(iter(experiments))).stdout
    assert f"Running stage '{TARGET}'" in log and "Running stage 'generate@v01'" not in log


@pytest.mark.slow
@pytest.mark.xdist_group("dvc")
def test_a_second_clone_pulls_data_and_models_from_the_shared_remote_and_has_nothing_to_rerun(dvc_project, tmp_path):
    _tiny_regression(dvc_project)
    dvc_project.dvc("repro", TARGET)
    remote = tmp_path / "shared-remote"
    dvc_project.dvc("remote", "add", "-d", "shared", str(remote))
    dvc_project.commit("v01 and its regression model, shared remote")
    pushed = dvc_project.dvc("push", TARGET, "--with-deps").stdout
    assert re.search(r"\d+ files? pushed", pushed), pushed
    model = (dvc_project.path / "models/regression-v01.pt").read_bytes()

    clone = type(dvc_project)(tmp_path / "clone")  # conftest's DvcProject, on the clone
    subprocess.run(["git", "clone", "-q", str(dvc_project.path), str(clone.path)], check=True, capture_output=True)
    assert not (clone.path / "models/regression-v01.pt").exists()
    lock = (clone.path / "dvc.lock").read_text()
    clone.dvc("pull", TARGET, "--with-deps")
    assert (clone.path / "models/regression-v01.pt").read_bytes() == model
    assert (clone.path / "data/datasets/v01/meta.json").is_file()
    status = clone.dvc("status", TARGET, "--with-deps").stdout
    assert "up to date" in status, status
    rerun = clone.dvc("repro", TARGET).stdout
    assert "Running stage" not in rerun, rerun
    assert f"Stage '{TARGET}' didn't change, skipping" in rerun
    assert (clone.path / "dvc.lock").read_text() == lock
    assert clone.git("status", "--porcelain").stdout == ""
