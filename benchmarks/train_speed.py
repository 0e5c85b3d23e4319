"""Training speed per approach: images/second, the share of step time spent waiting for data (target < 10%) and
what preparing the batches costs per image (one thread, no network).

Usage: .venv/bin/python benchmarks/train_speed.py [--dataset data/datasets/v02] [--augmentation ssd] [--steps 20]
                                                 [--regime v03_aug] [--approaches sequence,detection]
                                                 [--loaders 0/2,1/1,1/2] [--encoder efficientnet-b3]
                                                 [--warmup 3] [--no-prep]
Uses params.yaml `model` and `train.<approach>` (batch size, threads, workers, crop_width, grad_clip), like the
train stage, and every registered approach unless --approaches names some; --regime takes the training set and the
augmentation from params.yaml `regimes.<regime>` instead of --dataset/--augmentation. --loaders measures other
DataLoader workers/torch threads pairs instead (on 2 cores a worker process competes with the model's threads: the
share of waiting falls, but images/s may fall too). --encoder times every approach with that backbone instead of
params.yaml's (`model.encoder` and the per-approach overrides: what `dvc exp run -S model.encoder=...` changes);
s/step is wall seconds per optimizer step (README "What an encoder costs"). A step is the engine's: the approach's targets, model and loss
(omr.approaches), the engine's loader, gradient clipping where the approach's section sets it.
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

from omr.approaches import approach_names, get_approach
from omr.config import build_config, load_params, section
from omr.data import load_split
from omr.models import ModelConfig
from omr.train import TrainConfig
from omr.train.config import RegimeConfig
from omr.train.engine import _loss, training_loader, with_targets

WARMUP_STEPS = 3  # the first steps pay for allocator warm-up and are not timed (--warmup)


def _prepared(approach_name: str, dataset: Path, params: dict):
    """The approach, its configs and its training samples with their targets, as the engine prepares them."""
    approach = get_approach(approach_name)
    config = build_config(TrainConfig, section(params, f"train.{approach_name}"), f"train.{approach_name}")
    model_config = build_config(ModelConfig, section(params, "model"), "model")
    samples = load_split(dataset, "train")
    class_names = approach.class_names([s.label for s in samples])
    return approach, config, model_config, class_names, with_targets(approach, samples, class_names)


def measure(approach_name: str, dataset: Path, augmentation: str, steps: int, params: dict,
            warmup: int = WARMUP_STEPS) -> tuple[float, float]:
    """(images/s, share of step time waiting for the next batch) over `steps` timed training steps after `warmup`."""
    approach, config, model_config, class_names, samples = _prepared(approach_name, dataset, params)
    torch.set_num_threads(config.threads)
    torch.manual_seed(0)
    model = approach.build_model(model_config, class_names).to(memory_format=torch.channels_last).train()
    loss_fn = approach.build_loss(config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    # The train stage's loader: staff normalisation, crop windows and loader processes from params.
    loader = training_loader(approach, samples, augmentation, model_config, config, torch.Generator().manual_seed(0))
    batches = iter(loader)
    wait = total = 0.0
    for step in range(steps + warmup):
        start = time.perf_counter()
        try:
            batch = next(batches)
        except StopIteration:
            batches = iter(loader)
            batch = next(batches)
        got = time.perf_counter()
        loss = _loss(approach, model, loss_fn, batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if config.grad_clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_clip)
        optimizer.step()
        if step >= warmup:
            wait += got - start
            total += time.perf_counter() - start
    return steps * config.batch_size / total, wait / total


def preparation_cost(approach_name: str, dataset: Path, augmentation: str, params: dict, batches: int = 50) -> float:
    """Milliseconds per image to make training batches (transforms, collate, batch transforms) in one thread, no
    network: what an in-process loader adds to every step."""
    approach, config, model_config, _, samples = _prepared(approach_name, dataset, params)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    config = dataclasses.replace(config, workers=0)
    loader = iter(training_loader(approach, samples, augmentation, model_config, config, torch.Generator().manual_seed(0)))
    next(loader)
    start = time.perf_counter()
    for _ in range(batches):
        next(loader)
    return (time.perf_counter() - start) * 1000 / (batches * config.batch_size)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", type=Path, default=Path("data/datasets/v02"))
    parser.add_argument("--augmentation", default="ssd")
    parser.add_argument("--regime", help="a key of params.yaml `regimes` (sets --dataset and --augmentation)")
    parser.add_argument("--approaches", help="comma-separated registered approaches (default: all of them)")
    parser.add_argument("--steps", type=int, default=20, help="timed steps per measurement (>= 1)")
    parser.add_argument("--loaders", help="comma-separated workers/threads pairs, e.g. 0/2,1/1 (default: params)")
    parser.add_argument("--encoder", help="time every approach with this encoder (default: params.yaml's)")
    parser.add_argument("--warmup", type=int, default=WARMUP_STEPS, help="untimed steps first")
    parser.add_argument("--no-prep", action="store_true", help="skip the batch preparation cost")
    args = parser.parse_args()
    if args.steps < 1:
        parser.error(f"--steps: must be >= 1, got {args.steps}")
    args.approaches = tuple(args.approaches.split(",")) if args.approaches else approach_names()
    for name in args.approaches:
        if name not in approach_names():
            parser.error(f"--approaches: unknown {name!r}; expected some of {list(approach_names())}")
    return args


def _training_set(args: argparse.Namespace, params: dict) -> tuple[Path, str]:
    """The dataset folder and augmentation preset to time (a fresh clone without data: a small v02-like set)."""
    dataset, augmentation = args.dataset, args.augmentation
    if args.regime:
        key = f"regimes.{args.regime}"
        regime = build_config(RegimeConfig, section(params, key), key)
        dataset, augmentation = Path("data/datasets") / regime.dataset, regime.augmentation
    if not (dataset / "meta.json").is_file():
        from omr.render.dataset import DatasetConfig, write_dataset

        dataset = Path(tempfile.mkdtemp()) / "v02"
        write_dataset(dataset, DatasetConfig(accidental_probability=0.35, stem_directions=("up", "down"), seed=2,
                                             train=256, val=8))
    return dataset, augmentation


def main() -> None:
    args = _arguments()
    warnings.filterwarnings("ignore")
    params = load_params()
    if args.encoder:
        params = _with_encoder(params, args.encoder)
    dataset, augmentation = _training_set(args, params)
    print(f"dataset {dataset} augmentation {augmentation} encoder {section(params, 'model.encoder')} "
          f"steps {args.steps}")
    print(f"{'approach':<14}{'workers':>8}{'threads':>8}{'images/s':>10}{'s/step':>8}{'data wait':>11}"
          f"{'prep ms/img':>13}")
    for approach in args.approaches:
        own = build_config(TrainConfig, section(params, f"train.{approach}"), f"train.{approach}")
        pairs = [tuple(int(v) for v in pair.split("/")) for pair in args.loaders.split(",")] if args.loaders else [
            (own.workers, own.threads)]
        prep = float("nan") if args.no_prep else preparation_cost(approach, dataset, augmentation, params)
        for workers, threads in pairs:
            setting = copy.deepcopy(params)
            setting["train"][approach].update(workers=workers, threads=threads)
            speed, wait = measure(approach, dataset, augmentation, args.steps, setting, args.warmup)
            print(f"{approach:<14}{workers:>8}{threads:>8}{speed:>10.1f}{own.batch_size / speed:>8.3f}{wait:>10.1%}"
                  f"{prep:>13.2f}", flush=True)


def _with_encoder(params: dict, encoder: str) -> dict:
    """params with `model.encoder` set and every per-approach override cleared, as `-S model.encoder=...` would
    leave them (their default is null)."""
    params = copy.deepcopy(params)
    params["model"]["encoder"] = encoder
    for value in params["model"].values():
        if isinstance(value, dict) and "encoder" in value:
            value["encoder"] = None
    return params


if __name__ == "__main__":
    main()
