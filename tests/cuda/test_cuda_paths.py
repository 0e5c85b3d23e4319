"""The CUDA path: training with amp (bfloat16, and float16 through the grad scaler), pinned batches, evaluation and
`omr transcribe` with the model and every input on the GPU. Skipped, with the reason, on a machine without CUDA.

Run on a GPU machine: .venv/bin/python -m pytest -q -m cuda tests/cuda   (docs/scaling.md)
"""

import csv
import math

import pytest
import torch
from PIL import Image

import omr.models
from omr.approaches import get_approach
from omr.cli import main
from omr.data import load_split
from omr.evaluate.runner import EvaluateConfig, evaluate_model
from omr.models import Checkpoint, ModelConfig, build_model, load_checkpoint, load_predictor, save_checkpoint
from omr.music.events import SymbolicNote
from omr.decode.config import RecognizeConfig
from omr.render import render_staff, staff_from_notes
from omr.train import RegimeConfig, TrainConfig, TrainRun, train
from omr.train.engine import Precision, training_loader, with_targets

pytestmark = [pytest.mark.cuda,
              pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine (docs/scaling.md)")]

LOSS = {"segmentation": "jaccard_ce", "regression": "smoothed_bce", "detection": "ssd", "sequence": "ctc"}
ENCODER = ModelConfig(encoder="tu-mobilenetv3_small_050")


def _run(tmp_path, dataset_dir, approach: str, **overrides) -> TrainRun:
    settings = dict(loss=LOSS[approach], steps=12, batch_size=4, lr=0.003, schedule="constant", log_every=1,
                    threads=2, amp=True, workers="auto")
    settings.update(overrides)
    return TrainRun(approach=approach, regime="tiny", regime_config=RegimeConfig(dataset="tiny", augmentation="ssd"),
                    model_config=ENCODER, train_config=TrainConfig(**settings), dataset_dir=dataset_dir,
                    checkpoint_path=tmp_path / "models" / f"{approach}-tiny.pt", live_dir=tmp_path / "live",
                    device="cuda", progress=False)


def _losses(live_dir) -> list[float]:
    with open(live_dir / "plots" / "metrics" / "train" / "loss.tsv") as handle:
        return [float(row["loss"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.mark.parametrize("approach", ["segmentation", "regression", "detection", "sequence"])
def test_amp_training_on_cuda_learns_and_keeps_float32_weights_on_the_cpu(tmp_path, tiny_dataset, approach):
    run = _run(tmp_path, tiny_dataset, approach, grad_clip=5.0 if approach == "sequence" else None)
    assert Precision.of(run.train_config, torch.device("cuda")).dtype in (torch.bfloat16, torch.float16)
    result = train(run)
    losses = _losses(run.live_dir)
    assert len(losses) == 12 and all(math.isfinite(loss) for loss in losses)
    if approach != "sequence":  # CTC's first steps on a fresh LSTM go up before they go down
        assert sum(losses[-3:]) / 3 < 0.8 * sum(losses[:3]) / 3
    checkpoint = load_checkpoint(run.checkpoint_path)
    assert checkpoint.step == result.best["step"]
    floats = [t for t in checkpoint.state_dict.values() if t.is_floating_point()]
    assert {t.dtype for t in floats} == {torch.float32} and {t.device.type for t in floats} == {"cpu"}
    assert all(torch.isfinite(t).all() for t in floats)


def test_float16_amp_trains_through_the_grad_scaler_with_clipping(tmp_path, tiny_dataset, monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_bf16_supported", lambda *a, **k: False)  # as on a pre-Ampere GPU
    run = _run(tmp_path, tiny_dataset, "sequence", steps=6, grad_clip=5.0)
    assert Precision.of(run.train_config, torch.device("cuda")).scaler is not None
    train(run)
    assert all(math.isfinite(loss) for loss in _losses(run.live_dir))
    state = load_checkpoint(run.checkpoint_path).state_dict
    assert all(torch.isfinite(t).all() for t in state.values() if t.is_floating_point())


def test_cuda_loader_hands_over_pinned_batches_that_copy_to_the_gpu(tiny_dataset):
    approach = get_approach("regression")
    samples = with_targets(approach, load_split(tiny_dataset, "train"), approach.class_names([]))
    config = TrainConfig(loss="smoothed_bce", batch_size=4, workers="auto")
    loader = training_loader(approach, samples, "ssd", ENCODER, config, torch.Generator().manual_seed(0),
                             torch.device("cuda"))
    batch = next(iter(loader))
    assert batch.images.is_pinned() and batch.pitch_vectors.is_pinned()
    on_gpu = batch.to(torch.device("cuda"))
    assert on_gpu.images.is_cuda and on_gpu.valid.is_cuda and on_gpu.pitch_vectors.is_cuda


@pytest.fixture(scope="module")
def trained_regression(tmp_path_factory, tiny_dataset):
    """A regression checkpoint trained a few steps on CUDA with amp (its weights saved as float32 on the CPU)."""
    tmp_path = tmp_path_factory.mktemp("cuda-regression")
    run = _run(tmp_path, tiny_dataset, "regression", steps=6)
    train(run)
    return run.checkpoint_path


def _input_devices(predictor) -> set[str]:
    """Records the device of every batch the predictor's network is given."""
    devices: set[str] = set()
    predictor.model.register_forward_pre_hook(lambda module, args: devices.add(args[0].device.type))
    return devices


def test_predictor_on_cuda_runs_there_and_gives_the_cpu_figures(trained_regression, tiny_dataset):
    gpu, cpu = load_predictor(trained_regression, device="cuda"), load_predictor(trained_regression, device="cpu")
    assert {p.device.type for p in gpu.model.parameters()} == {"cuda"}
    devices = _input_devices(gpu)
    images = [s.image.squeeze(0).mul(255).round().to(torch.uint8).numpy() for s in load_split(tiny_dataset, "val")]
    on_gpu, on_cpu = gpu.predict_batch(images), cpu.predict_batch(images)
    assert devices == {"cuda"}
    for a, b in zip(on_gpu, on_cpu):  # float32 both ways; only kernel order differs
        assert abs(a.probabilities - b.probabilities).max() < 1e-3


def test_evaluation_on_cuda_scores_every_set_like_the_cpu(trained_regression, tiny_dataset):
    config = EvaluateConfig(datasets=(tiny_dataset.name,), split="val", batch_size=4, bootstrap_resamples=10)
    gpu = load_predictor(trained_regression, device="cuda")
    devices = _input_devices(gpu)
    on_gpu = evaluate_model(gpu, tiny_dataset.parent, config, RecognizeConfig())
    on_cpu = evaluate_model(load_predictor(trained_regression, device="cpu"), tiny_dataset.parent, config,
                            RecognizeConfig())
    assert devices == {"cuda"}
    assert on_gpu.keys() == on_cpu.keys() == {tiny_dataset.name}
    assert on_gpu[tiny_dataset.name].keys() == on_cpu[tiny_dataset.name].keys()


def test_transcribe_reads_a_staff_with_the_model_on_cuda(tmp_path, monkeypatch, capsys):
    checkpoint = tmp_path / "detection-test.pt"
    class_names = get_approach("detection").default_class_names()
    save_checkpoint(checkpoint, Checkpoint("detection", "test", ModelConfig(), class_names,
                                           build_model("detection", ModelConfig()).state_dict(), 0))
    image = tmp_path / "melody.png"
    Image.fromarray(render_staff(staff_from_notes((SymbolicNote("C", 4), SymbolicNote("G", 4)))).image).save(image)
    loaded = []

    def recording_loader(path, device="auto"):
        loaded.append(load_predictor(path, device=device))
        loaded.append(_input_devices(loaded[0]))
        return loaded[0]

    monkeypatch.setattr(omr.models, "load_predictor", recording_loader)
    code = main(["transcribe", str(image), "--model", str(checkpoint), "--out", str(tmp_path / "out"),
                 "--device", "cuda"])
    assert code == 0 and capsys.readouterr().out.startswith("melody.png staff 1/1 ")
    predictor, devices = loaded
    assert predictor.device.type == "cuda" and devices == {"cuda"}
    assert (tmp_path / "out" / "melody.musicxml").is_file()
