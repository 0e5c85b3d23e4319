"""Mixed precision (train.<approach>.amp) and the loader's CUDA settings (pinned memory, workers "auto"), as far as a
CPU machine can check them: amp changes nothing on CPU, and the CUDA choices are made from the resolved device.
The CUDA runs themselves: tests/cuda/test_cuda_paths.py."""

import dataclasses

import pytest
import torch

from omr.approaches import get_approach
from omr.config import ConfigError, build_config
from omr.data import load_split
from omr.models import ModelConfig, load_checkpoint
from omr.train import RegimeConfig, TrainConfig, TrainRun, train
from omr.train import engine
from omr.train.engine import Float32Loss, Precision, training_loader

CUDA = torch.device("cuda")  # a device object only: nothing here touches a GPU
CPU = torch.device("cpu")


def _run(tmp_path, dataset_dir, **overrides) -> TrainRun:
    config = TrainConfig(loss="smoothed_bce", steps=3, batch_size=4, lr=0.003, schedule="constant", log_every=1,
                         threads=2, seed=3, **overrides)
    return TrainRun(approach="regression", regime="tiny", regime_config=RegimeConfig(dataset="tiny", augmentation="ssd"),
                    model_config=ModelConfig(encoder="tu-mobilenetv3_small_050"), train_config=config,
                    dataset_dir=dataset_dir, checkpoint_path=tmp_path / "models" / "regression-tiny.pt",
                    device="cpu", progress=False)


def test_amp_on_cpu_trains_bit_identical_weights_to_amp_off(tmp_path, tiny_dataset):
    plain, mixed = _run(tmp_path / "plain", tiny_dataset), _run(tmp_path / "amp", tiny_dataset, amp=True)
    train(plain)
    train(mixed)
    first = load_checkpoint(plain.checkpoint_path).state_dict
    second = load_checkpoint(mixed.checkpoint_path).state_dict
    assert len(first) > 10
    assert [name for name in first if not torch.equal(first[name], second[name])] == []


def test_amp_is_off_by_default_and_read_as_a_boolean_naming_its_key():
    assert build_config(TrainConfig, {"loss": "ctc"}, "train.sequence").amp is False
    assert build_config(TrainConfig, {"loss": "ctc", "amp": True}, "train.sequence").amp is True
    with pytest.raises(ConfigError, match=r"train\.sequence\.amp: expected true or false"):
        build_config(TrainConfig, {"loss": "ctc", "amp": "yes"}, "train.sequence")


def test_precision_is_float32_unless_amp_is_on_and_the_device_is_cuda(monkeypatch):
    on, off = TrainConfig(loss="ctc", amp=True), TrainConfig(loss="ctc")
    assert Precision.of(on, CPU) == Precision() and Precision.of(off, CUDA) == Precision()
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: True)
    bf16 = Precision.of(on, CUDA)
    assert (bf16.dtype, bf16.device_type, bf16.scaler) == (torch.bfloat16, "cuda", None)
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)
    fp16 = Precision.of(on, CUDA)
    assert fp16.dtype == torch.float16 and isinstance(fp16.scaler, torch.amp.GradScaler)


def test_float32_precision_leaves_the_loss_function_itself():
    loss_fn = torch.nn.CTCLoss()
    assert Precision().full_precision_loss(loss_fn) is loss_fn
    assert isinstance(Precision(torch.bfloat16, "cuda").full_precision_loss(loss_fn), Float32Loss)
    assert Precision(torch.bfloat16, "cuda").full_precision_loss(None) is None  # SSD computes its own losses


def test_float32_loss_gives_ctc_the_float32_figure_of_half_precision_log_probs():
    torch.manual_seed(0)
    log_probs = torch.randn(12, 2, 5).log_softmax(-1).to(torch.bfloat16)  # T x B x C, as the sequence model gives
    targets, input_lengths, target_lengths = torch.tensor([1, 2, 3, 2, 4]), torch.tensor([12, 10]), torch.tensor([3, 2])
    ctc = torch.nn.CTCLoss(blank=0, zero_infinity=True)
    wrapped = Float32Loss(ctc, "cpu")(log_probs, targets, input_lengths, target_lengths)
    assert wrapped.dtype == torch.float32
    assert torch.equal(wrapped, ctc(log_probs.float(), targets, input_lengths, target_lengths))


def test_float32_loss_passes_integer_targets_and_keyword_inputs_unchanged():
    seen = {}

    def loss_fn(logits, target, valid=None):
        seen.update(logits=logits.dtype, target=target.dtype, valid=valid.dtype)
        return logits.sum()

    Float32Loss(loss_fn, "cpu")(torch.ones(2, 3, dtype=torch.float16), torch.ones(2, dtype=torch.long),
                                valid=torch.ones(2, dtype=torch.bool))
    assert seen == {"logits": torch.float32, "target": torch.int64, "valid": torch.bool}


@pytest.mark.parametrize("cores, expected", [(16, 4), (5, 4), (3, 2), (2, 1), (1, 0), (None, 0)])
def test_auto_workers_on_cuda_leave_one_core_and_stop_at_four(monkeypatch, cores, expected):
    monkeypatch.setattr("omr.train.config.os.cpu_count", lambda: cores)
    assert TrainConfig(loss="ctc", workers="auto").loader_workers(cuda=True) == expected


def test_auto_workers_on_cpu_load_in_the_training_process_and_a_number_is_kept(monkeypatch):
    monkeypatch.setattr("omr.train.config.os.cpu_count", lambda: 16)
    assert TrainConfig(loss="ctc", workers="auto").loader_workers(cuda=False) == 0
    assert TrainConfig(loss="ctc", workers=3).loader_workers(cuda=True) == 3
    assert TrainConfig(loss="ctc", workers=3).loader_workers(cuda=False) == 3


@pytest.mark.parametrize("value, message", [("many", "train.regression.workers: expected an integer"),
                                            (-1, "workers: must be >= 0 or auto")])
def test_workers_other_than_a_count_or_auto_are_refused_naming_the_key(value, message):
    with pytest.raises(ConfigError, match=message):
        build_config(TrainConfig, {"loss": "smoothed_bce", "workers": value}, "train.regression")
    assert build_config(TrainConfig, {"loss": "smoothed_bce", "workers": "auto"}, "train.regression").workers == "auto"


def _loader(tiny_dataset, device, workers):
    approach = get_approach("regression")
    samples = engine.with_targets(approach, load_split(tiny_dataset, "train"), approach.class_names([]))
    config = TrainConfig(loss="smoothed_bce", batch_size=4, workers=workers)
    return training_loader(approach, samples, "none", ModelConfig(), config, torch.Generator().manual_seed(0), device)


def test_loader_pins_memory_and_sizes_auto_workers_only_for_cuda(tiny_dataset, monkeypatch):
    monkeypatch.setattr("omr.train.config.os.cpu_count", lambda: 8)
    cuda = _loader(tiny_dataset, CUDA, "auto")  # built, never iterated: pinning needs a GPU
    assert (cuda.pin_memory, cuda.num_workers) == (True, 4)
    for device in (CPU, None):  # None: callers that name no device (benchmarks/train_speed.py) get today's loader
        plain = _loader(tiny_dataset, device, "auto")
        assert (plain.pin_memory, plain.num_workers) == (False, 0)
    assert _loader(tiny_dataset, CPU, 2).num_workers == 2


def test_a_run_saved_without_amp_is_not_resumed_with_it(tmp_path, tiny_dataset):
    # The resume fingerprint holds amp: a float16 run never continues from float32 optimizer state or the reverse.
    assert engine._fingerprint(_run(tmp_path, tiny_dataset)) != engine._fingerprint(_run(tmp_path, tiny_dataset, amp=True))
