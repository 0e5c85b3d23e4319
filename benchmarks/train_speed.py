"""Training speed per approach: images/second, the share of step time spent waiting for data (target < 10%) and
what preparing the batches costs per image (one thread, no network).

Usage: .venv/bin/python benchmarks/train_speed.py [--dataset data/datasets/v02] [--augmentation ssd] [--steps 20]
                                                 [--loaders 0/2,1/1,1/2]
Uses params.yaml `model` and `train.<approach>` (batch size, threads, workers, crop_width), like the train stage;
--loaders measures other DataLoader workers/torch threads pairs instead (on 2 cores a worker process competes with
the model's threads: the share of waiting falls, but images/s may fall too).
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import tempfile
import time
import warnings
from pathlib import Path

import torch

from omr.config import build_config, load_params, section
from omr.data import load_split
from omr.models import ModelConfig, build_model
from omr.train import TrainConfig
from omr.train.engine import _loss, training_loader
from omr.train.losses import build_loss


def measure(approach: str, dataset: Path, augmentation: str, steps: int, params: dict) -> tuple[float, float]:
    config = build_config(TrainConfig, section(params, f"train.{approach}"), f"train.{approach}")
    model_config = build_config(ModelConfig, section(params, "model"), "model")
    torch.set_num_threads(config.threads)
    torch.manual_seed(0)
    model = build_model(approach, model_config).to(memory_format=torch.channels_last).train()
    loss_fn = build_loss(approach, config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr)
    samples = load_split(dataset, "train")
    # The train stage's loader: staff normalisation (regression), crop windows and loader processes from params.
    loader = training_loader(approach, samples, augmentation, model_config, config, torch.Generator().manual_seed(0))
    batches = iter(loader)
    wait = total = 0.0
    for step in range(steps + 3):
        start = time.perf_counter()
        try:
            batch = next(batches)
        except StopIteration:
            batches = iter(loader)
            batch = next(batches)
        got = time.perf_counter()
        loss = _loss(approach, model, loss_fn, batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step >= 3:  # the first steps pay for allocator warm-up
            wait += got - start
            total += time.perf_counter() - start
    return steps * config.batch_size / total, wait / total


def preparation_cost(approach: str, dataset: Path, augmentation: str, params: dict, batches: int = 50) -> float:
    """Milliseconds per image to make training batches (transforms, collate, batch transforms) in one thread, no
    network: what an in-process loader adds to every step."""
    config = build_config(TrainConfig, section(params, f"train.{approach}"), f"train.{approach}")
    model_config = build_config(ModelConfig, section(params, "model"), "model")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    samples = load_split(dataset, "train")
    config = dataclasses.replace(config, workers=0)
    loader = iter(training_loader(approach, samples, augmentation, model_config, config, torch.Generator().manual_seed(0)))
    next(loader)
    start = time.perf_counter()
    for _ in range(batches):
        next(loader)
    return (time.perf_counter() - start) * 1000 / (batches * config.batch_size)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", type=Path, default=Path("data/datasets/v02"))
    parser.add_argument("--augmentation", default="ssd")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--loaders", help="comma-separated workers/threads pairs, e.g. 0/2,1/1 (default: params)")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    params = load_params()
    dataset = args.dataset
    if not (dataset / "meta.json").is_file():  # a fresh clone: render a small v02-like set
        from omr.render.dataset import DatasetConfig, write_dataset

        dataset = Path(tempfile.mkdtemp()) / "v02"
        write_dataset(dataset, DatasetConfig(accidental_probability=0.35, stem_directions=("up", "down"), seed=2, train=256, val=8))
    print(f"dataset {dataset} augmentation {args.augmentation} encoder {section(params, 'model.encoder')}")
    print(f"{'approach':<14}{'workers':>8}{'threads':>8}{'images/s':>10}{'data wait':>11}{'prep ms/img':>13}")
    for approach in ("segmentation", "regression", "detection"):
        own = build_config(TrainConfig, section(params, f"train.{approach}"), f"train.{approach}")
        pairs = [tuple(int(v) for v in pair.split("/")) for pair in args.loaders.split(",")] if args.loaders else [
            (own.workers, own.threads)]
        prep = preparation_cost(approach, dataset, args.augmentation, params)
        for workers, threads in pairs:
            setting = copy.deepcopy(params)
            setting["train"][approach].update(workers=workers, threads=threads)
            speed, wait = measure(approach, dataset, args.augmentation, args.steps, setting)
            print(f"{approach:<14}{workers:>8}{threads:>8}{speed:>10.1f}{wait:>10.1%}{prep:>13.2f}", flush=True)


if __name__ == "__main__":
    main()
