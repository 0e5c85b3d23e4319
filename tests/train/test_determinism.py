"""Training is deterministic on one machine: the same run twice in one process gives bit-identical weights."""

import dataclasses

import pytest
import torch

from omr.models import ModelConfig, load_checkpoint
from omr.train import RegimeConfig, TrainConfig, TrainRun, train

LOSS = {"regression": "smoothed_bce", "sequence": "ctc"}


def _run(tmp_path, dataset_dir, approach: str, augmentation: str) -> TrainRun:
    # Augmented and with a shuffled, seeded loader: the randomness a real regime draws, on a few tiny steps.
    config = TrainConfig(loss=LOSS[approach], steps=4, batch_size=4, lr=0.003, schedule="constant", log_every=1,
                         val_every=0, threads=2, seed=3)
    return TrainRun(
        approach=approach,
        regime="tiny",
        regime_config=RegimeConfig(dataset="tiny", augmentation=augmentation),
        model_config=ModelConfig(encoder="tu-mobilenetv3_small_050"),
        train_config=config,
        dataset_dir=dataset_dir,
        checkpoint_path=tmp_path / "models" / f"{approach}-tiny.pt",
        live_dir=tmp_path / "live",
        device="cpu",
        progress=False,
    )


def _weights(tmp_path, dataset_dir, approach: str, augmentation: str) -> dict[str, torch.Tensor]:
    run = _run(tmp_path, dataset_dir, approach, augmentation)
    train(run)
    return load_checkpoint(run.checkpoint_path).state_dict


@pytest.mark.parametrize("approach", ["regression", "sequence"])
def test_training_twice_gives_bit_identical_weights(tmp_path, tiny_dataset, approach):
    first = _weights(tmp_path / "first", tiny_dataset, approach, "ssd")
    torch.manual_seed(12345)  # whatever the process's global generator holds, a run starts from its own seed
    second = _weights(tmp_path / "second", tiny_dataset, approach, "ssd")
    assert first.keys() == second.keys() and len(first) > 10
    changed = [name for name in first if not torch.equal(first[name], second[name])]
    assert changed == []


def test_another_seed_gives_other_weights(tmp_path, tiny_dataset):
    """The comparison above can fail: a different seed moves the weights."""
    run = _run(tmp_path / "a", tiny_dataset, "regression", "ssd")
    other = _run(tmp_path / "b", tiny_dataset, "regression", "ssd")
    other = dataclasses.replace(other, train_config=dataclasses.replace(other.train_config, seed=4))
    train(run)
    train(other)
    first = load_checkpoint(run.checkpoint_path).state_dict
    second = load_checkpoint(other.checkpoint_path).state_dict
    assert any(not torch.equal(first[name], second[name]) for name in first)
