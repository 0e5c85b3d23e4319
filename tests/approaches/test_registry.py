"""The approach registry: lookup by name, and every registered approach's chain from labels to decoded events."""

import pytest
import torch

import omr.approaches
from omr.approaches import approach_names, get_approach, register
from omr.approaches.regression import RegressionApproach
from omr.data import collate, load_split, SampleDataset
from omr.decode import Decoded
from omr.models import ModelConfig, load_checkpoint
from omr.music.events import SymbolicNote, SymbolicRest
from omr.decode.config import RecognizeConfig
from omr.train import RegimeConfig, TrainConfig, TrainRun, train

TINY = ModelConfig(encoder="tu-mobilenetv3_small_050")


def test_built_in_approaches_are_registered_in_order():
    assert approach_names()[:3] == ("segmentation", "regression", "detection")


@pytest.mark.parametrize("name", approach_names())
def test_every_registered_approach_round_trips_by_name(name):
    approach = get_approach(name)
    assert approach.name == name
    assert approach.losses and approach.primary_metric and approach.secondary_metric


def test_unknown_approach_error_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown approach 'nope'") as raised:
        get_approach("nope")
    for name in approach_names():
        assert repr(name) in str(raised.value)


def test_a_name_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="already registered"):
        register(RegressionApproach())


@pytest.mark.parametrize("name", approach_names())
def test_each_approach_runs_from_labels_to_decoded_events_on_a_tiny_batch(name, tiny_dataset):
    approach = get_approach(name)
    samples = load_split(tiny_dataset, "val")[:2]
    class_names = approach.class_names([s.label for s in samples])
    torch.manual_seed(0)
    model = approach.build_model(TINY, class_names).eval()
    batch = collate([SampleDataset(samples)[i] for i in range(len(samples))])
    with torch.no_grad():
        outputs = approach.outputs(model, class_names, batch.images, batch.valid, batch.sizes)
    assert len(outputs) == len(samples)
    for output, sample in zip(outputs, samples):
        image = sample.image[0].numpy()
        decoded = approach.decode(output, image, RecognizeConfig())
        assert isinstance(decoded, Decoded)
        assert all(isinstance(event, (SymbolicNote, SymbolicRest)) for event in decoded.events)
        assert output.to_image(1.0, image.shape) is output  # no rescale: the output is already the image's


class _CountingApproach(RegressionApproach):
    """A regression under another name whose per-sample target is the pitch vector; records what it saw."""

    name = "counting"

    def __init__(self):
        self.losses_seen = []

    def staff_normalized(self, config):
        return False  # ModelConfig has no `counting` section

    def sample_target(self, label, class_names):
        return torch.tensor(label.pitch_vector, dtype=torch.float32)

    def loss(self, model, loss_fn, batch):
        self.losses_seen.append(batch.targets)
        return loss_fn(model(batch.images, batch.valid), torch.stack(batch.targets))


def test_engine_trains_an_approach_registered_at_run_time_with_its_targets(tmp_path, tiny_dataset, monkeypatch):
    monkeypatch.setattr(omr.approaches, "_REGISTRY", dict(omr.approaches._REGISTRY))  # restored after the test
    approach = register(_CountingApproach())
    run = TrainRun(
        approach="counting", regime="tiny", regime_config=RegimeConfig(dataset="tiny"), model_config=TINY,
        train_config=TrainConfig(loss="smoothed_bce", steps=2, batch_size=4, schedule="constant", threads=1),
        dataset_dir=tiny_dataset, checkpoint_path=tmp_path / "counting-tiny.pt", device="cpu", progress=False,
    )
    result = train(run)
    assert len(approach.losses_seen) == 2
    assert all(len(targets) == 4 and targets[0].shape == (52,) for targets in approach.losses_seen)
    assert set(result.best) == {"set_exact_match", "vector_micro_f1", "step"}
    assert load_checkpoint(run.checkpoint_path).approach == "counting"


def test_engine_refuses_a_loss_the_registered_approach_does_not_offer(tmp_path, tiny_dataset):
    config = TrainConfig(loss="jaccard", steps=1, batch_size=4)
    run = TrainRun("detection", "tiny", RegimeConfig(dataset="tiny"), TINY, config, tiny_dataset, tmp_path / "d.pt",
                   device="cpu", progress=False)
    with pytest.raises(ValueError, match=r"train.detection.loss: expected one of \['ssd'\]"):
        train(run)
