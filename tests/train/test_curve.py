"""The learning curve per CPU-second (train.<approach>.curve_every): recorded as asked, and invisible to training."""

from __future__ import annotations

import dataclasses

import torch

from omr.models import ModelConfig, load_checkpoint
from omr.train import RegimeConfig, TrainConfig, TrainRun, train


def _run(tmp_path, tiny_dataset, name: str, **overrides) -> TrainRun:
    settings = dict(loss="ctc", steps=6, batch_size=4, lr=0.003, schedule="constant", log_every=1, threads=2,
                    val_every=3, grad_clip=5.0)
    settings.update(overrides)
    return TrainRun(
        approach="sequence",
        regime="tiny",
        regime_config=RegimeConfig(dataset="tiny", augmentation="ssd"),
        model_config=ModelConfig(encoder="tu-mobilenetv3_small_050"),
        train_config=TrainConfig(**settings),
        dataset_dir=tiny_dataset,
        checkpoint_path=tmp_path / name / "sequence-tiny.pt",
        live_dir=None,
        device="cpu",
        progress=False,
    )


def test_curve_records_ser_at_each_pass_against_growing_cpu_seconds(tmp_path, tiny_dataset):
    result = train(_run(tmp_path, tiny_dataset, "curve", curve_every={"tiny": 2}, curve_samples=3))
    assert [point["step"] for point in result.curve] == [2, 4, 6]
    seconds = [point["cpu_seconds"] for point in result.curve]
    assert 0 < seconds[0] < seconds[1] < seconds[2]
    assert all(point["ser"] >= 0 for point in result.curve)  # above 1.0 where a model inserts more than the truth


def test_regime_not_listed_draws_no_curve(tmp_path, tiny_dataset):
    result = train(_run(tmp_path, tiny_dataset, "none", steps=2, curve_every={"v03_aug": 1}))
    assert result.curve == ()


def test_curve_passes_change_neither_weights_nor_kept_checkpoint(tmp_path, tiny_dataset):
    plain = _run(tmp_path, tiny_dataset, "plain")
    probed = dataclasses.replace(
        _run(tmp_path, tiny_dataset, "probed"),
        train_config=dataclasses.replace(plain.train_config, curve_every={"tiny": 1}, curve_samples=4))
    first, second = train(plain), train(probed)
    assert len(second.curve) == 6 and first.best == second.best
    a, b = load_checkpoint(plain.checkpoint_path), load_checkpoint(probed.checkpoint_path)
    assert a.step == b.step
    assert a.state_dict.keys() == b.state_dict.keys()
    assert all(torch.equal(a.state_dict[k], b.state_dict[k]) for k in a.state_dict)


def test_resumed_run_keeps_the_curve_and_its_cpu_seconds(tmp_path, tiny_dataset, monkeypatch):
    from omr.train import engine

    run = dataclasses.replace(_run(tmp_path, tiny_dataset, "resume", curve_every={"tiny": 1}, curve_samples=2),
                              resume=True)
    real_validate, calls = engine.validate, {"n": 0}

    def interrupt_on_second(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_validate(*args, **kwargs)

    monkeypatch.setattr(engine, "validate", interrupt_on_second)
    try:
        train(run)
    except KeyboardInterrupt:
        pass
    monkeypatch.setattr(engine, "validate", real_validate)
    result = train(run)
    assert [point["step"] for point in result.curve] == [1, 2, 3, 4, 5, 6]
    seconds = [point["cpu_seconds"] for point in result.curve]
    assert seconds == sorted(seconds) and seconds[3] > seconds[2]
