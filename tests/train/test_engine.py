import csv
import dataclasses

import pytest
import torch

from omr.models import ModelConfig, load_checkpoint
from omr.train import RegimeConfig, TrainConfig, TrainRun, train
from omr.train import engine
from omr.train.losses import smoothed_pitch_target

LOSS = {"segmentation": "jaccard_ce", "regression": "smoothed_bce", "detection": "ssd"}


def _run(tmp_path, tiny_dataset, approach: str, augmentation: str = "none", resume: bool = False, **overrides) -> TrainRun:
    settings = dict(loss=LOSS[approach], steps=12, batch_size=4, lr=0.003, schedule="constant", log_every=1, threads=2)
    settings.update(overrides)
    return TrainRun(
        approach=approach,
        regime="tiny",
        regime_config=RegimeConfig(dataset="tiny", augmentation=augmentation),
        model_config=ModelConfig(encoder="tu-mobilenetv3_small_050"),
        train_config=TrainConfig(**settings),
        dataset_dir=tiny_dataset,
        checkpoint_path=tmp_path / "models" / f"{approach}-tiny.pt",
        live_dir=tmp_path / "live",
        device="cpu",
        resume=resume,
        progress=False,
    )


def _losses(live_dir) -> list[float]:
    with open(live_dir / "plots" / "metrics" / "train" / "loss.tsv") as handle:
        return [float(row["loss"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.mark.parametrize("approach", ["segmentation", "regression", "detection"])
def test_a_few_steps_bring_the_training_loss_down(tmp_path, tiny_dataset, approach):
    run = _run(tmp_path, tiny_dataset, approach)
    result = train(run)
    losses = _losses(run.live_dir)
    assert len(losses) == 12
    assert sum(losses[-3:]) / 3 < 0.8 * sum(losses[:3]) / 3
    checkpoint = load_checkpoint(run.checkpoint_path)
    assert checkpoint.approach == approach and checkpoint.step == result.best["step"]
    assert 0.0 <= result.data_wait_share < 1.0


def test_augmented_training_runs_on_varying_sizes(tmp_path, tiny_dataset):
    result = train(_run(tmp_path, tiny_dataset, "segmentation", augmentation="ssd", steps=4))
    assert "notehead_iou" in result.best


def test_resume_continues_an_interrupted_run_from_its_last_validation(tmp_path, tiny_dataset, monkeypatch):
    run = _run(tmp_path, tiny_dataset, "regression", steps=6, val_every=3, resume=True)
    calls = {"n": 0}
    real_validate = engine.validate

    def interrupt_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(engine, "validate", interrupt_on_second)
    with pytest.raises(KeyboardInterrupt):
        train(run)
    assert run.state_path.is_file() and load_checkpoint(run.state_path).step == 3
    monkeypatch.setattr(engine, "validate", real_validate)
    steps_run = []
    real_loss = engine._loss
    monkeypatch.setattr(engine, "_loss", lambda *a: steps_run.append(1) or real_loss(*a))
    train(run)
    assert len(steps_run) == 3  # only steps 4..6 were trained again
    assert not run.state_path.exists()  # a finished run leaves no resume state
    assert load_checkpoint(run.checkpoint_path).step in (3, 6)


def test_resume_with_other_params_starts_from_step_zero(tmp_path, tiny_dataset, monkeypatch):
    run = _run(tmp_path, tiny_dataset, "regression", steps=4, val_every=2, resume=True)
    monkeypatch.setattr(engine, "validate", _interrupt_after_first(engine.validate))
    with pytest.raises(KeyboardInterrupt):
        train(run)
    monkeypatch.undo()
    changed = dataclasses.replace(run, train_config=dataclasses.replace(run.train_config, lr=0.001))
    steps_run = []
    real_loss = engine._loss
    monkeypatch.setattr(engine, "_loss", lambda *a: steps_run.append(1) or real_loss(*a))
    train(changed)
    assert len(steps_run) == 4


def _interrupt_after_first(validate):
    calls = {"n": 0}

    def wrapped(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt
        return validate(*args, **kwargs)

    return wrapped


def test_wrong_loss_for_the_approach_names_the_key(tmp_path, tiny_dataset):
    with pytest.raises(ValueError, match="train.regression.loss"):
        train(_run(tmp_path, tiny_dataset, "regression", loss="ssd"))


def test_smoothed_target_keeps_truth_at_one_and_decays_with_distance():
    target = torch.zeros(1, 52)
    target[0, 20] = 1
    smoothed = smoothed_pitch_target(target, sigma=0.5)[0]
    assert smoothed[20] == 1
    assert 0 < smoothed[21] == smoothed[19] < 0.5 and smoothed[22] < smoothed[21]
    assert torch.equal(smoothed_pitch_target(target, 0.0), target)
