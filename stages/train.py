"""DVC stage train@<approach>-<regime>: train one model, keep its best checkpoint, write its validation summary.

Reads params.yaml `model`, `device`, `regimes.<regime>` and `train.<approach>` (all declared in dvc.yaml).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from omr.approaches import approach_names, get_approach
from omr.config import ConfigError, build_config, load_params, section
from omr.io import atomic_write_text
from omr.models import ModelConfig
from omr.train import RegimeConfig, TrainConfig, TrainRun, train


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("approach", choices=approach_names())
    parser.add_argument("regime", help="a key under `regimes:` in params.yaml (v01, v01_aug, v02_aug)")
    parser.add_argument("--dataset-dir", type=Path, help="default: data/datasets/<regimes.<regime>.dataset>")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--live", type=Path, default=Path("dvclive"))
    parser.add_argument("--metrics", type=Path, default=Path("metrics/train"))
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run of the same params and data")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    name = f"{args.approach}-{args.regime}"
    try:
        run = _run(args, name)
    except ConfigError as error:
        print(f"train: error: {error}", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore", category=UserWarning)
    try:
        result = train(run)
    except (FileNotFoundError, ValueError) as error:
        print(f"train: error: {error}", file=sys.stderr)
        return 1
    summary = {
        **{k: round(v, 5) if isinstance(v, float) else v for k, v in result.best.items()},
        "encoder": run.model_config.encoder_for(args.approach),
        "seconds": round(result.seconds, 1),
        "data_wait_share": round(result.data_wait_share, 4),
    }
    atomic_write_text(args.metrics / f"{name}.json", json.dumps(summary, indent=2) + "\n")
    print(f"train: {name}: {json.dumps(summary)}")
    return 0


def _run(args: argparse.Namespace, name: str) -> TrainRun:
    params = load_params(args.params)
    regime_key = f"regimes.{args.regime}"
    regime = build_config(RegimeConfig, section(params, regime_key), regime_key)
    train_key = f"train.{args.approach}"
    train_config = build_config(TrainConfig, section(params, train_key), train_key)
    try:
        get_approach(args.approach).check_train_config(train_config, train_key)
        train_config.steps_for(args.regime, train_key)
    except ValueError as error:
        raise ConfigError(str(error)) from error
    model_config = build_config(ModelConfig, section(params, "model"), "model")
    device = section(params, "device")
    if not isinstance(device, str):
        raise ConfigError(f"params.yaml: device: expected auto, cpu or cuda, got {device!r}")
    dataset_dir = args.dataset_dir or Path("data/datasets") / regime.dataset
    if dataset_dir.name != regime.dataset:
        raise ConfigError(f"params.yaml: {regime_key}.dataset is {regime.dataset!r} but the stage was given {dataset_dir}")
    return TrainRun(
        approach=args.approach,
        regime=args.regime,
        regime_config=regime,
        model_config=model_config,
        train_config=train_config,
        dataset_dir=dataset_dir,
        checkpoint_path=args.models / f"{name}.pt",
        live_dir=args.live / name,
        device=device,
        resume=args.resume,
        progress=not args.no_progress,
    )


if __name__ == "__main__":
    sys.exit(main())
