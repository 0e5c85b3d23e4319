"""`seeds` in params.yaml: the train stage trains every seed in turn, evaluation scores them all and keeps their spread."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import torch
import yaml

from omr.models import load_checkpoint

REPO = Path(__file__).resolve().parents[2]


def _stage(name: str):
    spec = importlib.util.spec_from_file_location(f"stage_{name}", REPO / "stages" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _params(tmp_path: Path, seeds) -> Path:
    params = yaml.safe_load((REPO / "params.yaml").read_text())
    params["seeds"] = seeds
    params["regimes"]["tiny"] = {"dataset": "tiny", "augmentation": "none"}
    params["train"]["regression"].update(steps=2, batch_size=4, val_every=0, log_every=1)
    params["evaluate"].update(datasets=["tiny"], split="val", bootstrap_resamples=50)
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params))
    return path


def _train(tmp_path: Path, dataset: Path, params: Path) -> int:
    return _stage("train").main(["regression", "tiny", "--dataset-dir", str(dataset), "--params", str(params),
                                 "--models", str(tmp_path / "models"), "--live", str(tmp_path / "live"),
                                 "--metrics", str(tmp_path / "metrics"), "--curves", str(tmp_path / "curves"),
                                 "--no-progress"])


@pytest.mark.slow
def test_two_seeds_train_two_models_and_evaluation_reports_their_mean_and_spread(tmp_path, tiny_dataset):
    params = _params(tmp_path, [3, 5])
    assert _train(tmp_path, tiny_dataset, params) == 0
    models = tmp_path / "models"
    first, second = load_checkpoint(models / "regression-tiny.pt"), load_checkpoint(models / "regression-tiny.seeds/s5.pt")
    assert any(not torch.equal(first.state_dict[k], second.state_dict[k]) for k in first.state_dict)
    index = json.loads((models / "regression-tiny.seeds/seeds.json").read_text())
    assert index == {"seeds": [3, 5], "checkpoints": {"3": "../regression-tiny.pt", "5": "s5.pt"}}
    summary = json.loads((tmp_path / "metrics/regression-tiny.json").read_text())
    assert set(summary["per_seed"]) == {"3", "5"} and summary["step"] == summary["per_seed"]["3"]["step"]
    assert (tmp_path / "live/regression-tiny").is_dir() and not (tmp_path / "live/regression-tiny.seeds").exists()

    out = tmp_path / "eval"
    assert _stage("evaluate").main(["regression-tiny", "--params", str(params), "--models", str(models),
                                    "--datasets", str(tiny_dataset.parent), "--out", str(out)]) == 0
    cell = json.loads((out / "regression-tiny.json").read_text())["tiny"]
    assert cell["seed_count"] == 2 and set(cell["per_seed"]) == {"3", "5"}
    per_seed = [cell["per_seed"][s]["note_f1"] for s in ("3", "5")]
    assert cell["note_f1"] == pytest.approx(sum(per_seed) / 2, abs=1e-6)
    assert cell["note_f1_std"] == pytest.approx(abs(per_seed[0] - per_seed[1]) / 2 ** 0.5, abs=1e-6)
    low, high = cell["ser_ci95"]
    assert low <= cell["ser"] <= high


def test_a_per_approach_seed_left_in_params_is_refused_naming_the_key(tmp_path, tiny_dataset, capsys):
    params = _params(tmp_path, [0])
    data = yaml.safe_load(params.read_text())
    data["train"]["regression"]["seed"] = 1
    params.write_text(yaml.safe_dump(data))
    assert _train(tmp_path, tiny_dataset, params) == 1
    assert "train.regression.seed" in capsys.readouterr().err
    assert not (tmp_path / "models").exists()


@pytest.mark.parametrize("seeds", [[], [0, 0], "0", [-1], [True], None])
def test_a_bad_seeds_list_is_refused_before_anything_trains(tmp_path, tiny_dataset, capsys, seeds):
    assert _train(tmp_path, tiny_dataset, _params(tmp_path, seeds)) == 1
    assert "params.yaml: seeds" in capsys.readouterr().err
    assert not (tmp_path / "models").exists()
