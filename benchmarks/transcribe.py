"""Milliseconds per image for `omr transcribe`'s work after start-up, per approach, on v02-sized images (128 x ~400).

Per image: find and crop the staff, rescale if needed, predict, decode, MusicXML through music21, re-render, and
write the three output files (exactly what the command does per image). Uses models/<approach>-v02_aug.pt where it
exists; otherwise an untrained network of the same architecture (same cost, meaningless notes; the table says so).

    .venv/bin/python benchmarks/transcribe.py [--images 20] [--device cpu]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from omr.config import build_config, load_params
from omr.io import atomic_write_bytes
from omr.render import render_staff
from omr.render.dataset import DatasetConfig, sample_rng
from omr.transcription import transcribe

APPROACHES = ("segmentation", "regression", "detection")
TARGET_MS = 100.0


def predictor_for(approach: str, params: dict, device: str):
    """(predictor, where it came from): the trained checkpoint if present, else fresh weights of the same network."""
    from omr.models import APPROACHES as KNOWN, Checkpoint, ModelConfig, Predictor, build_model, load_predictor
    from omr.models.registry import DEFAULT_CLASS_NAMES

    assert approach in KNOWN
    path = Path("models") / f"{approach}-v02_aug.pt"
    if path.is_file():
        return load_predictor(path, device=device), str(path)
    config = build_config(ModelConfig, params.get("model", {}), "model")
    names = tuple(DEFAULT_CLASS_NAMES[approach])
    checkpoint = Checkpoint(approach, "untrained", config, names, build_model(approach, config, names).state_dict())
    return Predictor(checkpoint, device=device), "untrained (no checkpoint yet)"


def time_approach(predictor, images, out_dir: Path, warmup: int = 3) -> list[float]:
    timings = []
    for index, image in enumerate(images[:warmup] + images):
        start = time.perf_counter()
        transcription = transcribe(predictor, image)
        for name, data in transcription.files(f"{index:04d}").items():
            atomic_write_bytes(out_dir / name, data)
        if index >= warmup:
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=20)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    args = parser.parse_args()
    params = load_params(args.params)
    v02 = build_config(DatasetConfig, params["datasets"]["v02"], "datasets.v02")
    images = [render_staff(v02.random(sample_rng(v02.seed, "test", i))).image for i in range(args.images)]
    width = statistics.mean(image.shape[1] for image in images)
    print(f"{args.images} v02 test images, 128 x {width:.0f} px on average, device {args.device}")
    print(f"{'approach':<13} {'median ms':>10} {'p90 ms':>8}  {'target':>7}  model")
    with tempfile.TemporaryDirectory() as tmp:
        for approach in APPROACHES:
            predictor, source = predictor_for(approach, params, args.device)
            timings = sorted(time_approach(predictor, images, Path(tmp)))
            median, p90 = statistics.median(timings), timings[int(0.9 * (len(timings) - 1))]
            verdict = "ok" if median <= TARGET_MS else "SLOW"
            print(f"{approach:<13} {median:>10.1f} {p90:>8.1f}  {verdict:>7}  {source}")


if __name__ == "__main__":
    main()
