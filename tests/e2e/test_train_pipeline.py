import json
import re

import pytest

from omr.models import load_predictor

TINY_TRAINING = {
    f"train.{approach}.{key}": value
    for approach in ("segmentation", "regression", "detection", "sequence")
    for key, value in {"steps": 4, "batch_size": 4, "val_every": 0, "log_every": 1}.items()
}
TARGETS = ("train@segmentation-v01", "train@regression-v02_aug", "train@detection-v01_aug", "train@sequence-v03_aug")


@pytest.mark.slow
@pytest.mark.xdist_group("dvc")
def test_exp_run_with_another_encoder_retrains_each_approach_with_it(dvc_project):
    dvc_project.set_params(TINY_TRAINING)
    dvc_project.commit("tiny training")
    result = dvc_project.dvc("exp", "run", "-S", "model.encoder=tu-lcnet_050", *TARGETS)
    ran = set(re.findall(r"Running stage '([^']+)'", result.stdout))
    assert set(TARGETS) <= ran
    for target in TARGETS:
        name = target.split("@")[1]
        summary = json.loads((dvc_project.path / f"metrics/train/{name}.json").read_text())
        assert summary["encoder"] == "tu-lcnet_050"
        assert summary["step"] >= 1 and summary["seconds"] > 0
        predictor = load_predictor(dvc_project.path / f"models/{name}.pt", device="cpu")
        assert predictor.approach == name.split("-")[0]
        assert (dvc_project.path / f"dvclive/{name}/plots/metrics/train/loss.tsv").is_file()
    shown = json.loads(dvc_project.dvc("exp", "show", "--json").stdout)
    assert "tu-lcnet_050" in json.dumps(shown)
    assert "train/loss" in dvc_project.dvc("plots", "show", "--json", "dvclive/segmentation-v01/plots/metrics").stdout
