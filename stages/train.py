"""DVC stage train@<approach>-<regime>: train one model once per seed, keep each best checkpoint, write the summary.

Reads params.yaml `seeds`, `model`, `device`, `decode` (how the learning curve decodes), `regimes.<regime>` and
`train.<approach>` (all declared in dvc.yaml).
One stage trains every seed in turn (not a stage per seed): a model keeps one name, one dataset dependency and one
`models/<model>.pt` (its first seed's) that people run; further seeds go to `models/<model>.seeds/` (omr.models.seeds).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import warnings
from pathlib import Path

from omr.approaches import approach_names, get_approach
from omr.config import ConfigError, build_config, load_params, section, seed_list
from omr.io import atomic_write_text
from omr.decode.config import RecognizeConfig
from omr.models import ModelConfig
from omr.models.seeds import seed_checkpoint_paths, write_seed_index
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
    parser.add_argument("--curves", type=Path, default=Path("plots/curves"),
                        help="learning curve per CPU-second: <curves>/<model>.json, [] where none is asked")
    parser.add_argument("--resume", action="store_true", help="continue an interrupted run of the same params and data")
    parser.add_argument("--no-progress", action="store_true")
    args = parser.parse_args(argv)
    name = f"{args.approach}-{args.regime}"
    try:
        first_run, seeds = _run(args, name)
    except ConfigError as error:
        print(f"train: error: {error}", file=sys.stderr)
        return 1
    warnings.filterwarnings("ignore", category=UserWarning)
    summaries, curves = {}, {}
    for seed, checkpoint_path in seed_checkpoint_paths(args.models, name, seeds).items():
        run = dataclasses.replace(
            first_run, train_config=dataclasses.replace(first_run.train_config, seed=seed),
            checkpoint_path=checkpoint_path,
            live_dir=first_run.live_dir if seed == seeds[0] else None)  # curves of the first seed (dvc.yaml plots)
        try:
            result = train(run)
        except (FileNotFoundError, ValueError) as error:
            print(f"train: error: {error}", file=sys.stderr)
            return 1
        summaries[seed] = _summary(result, run)
        curves[seed] = result.curve
        print(f"train: {name} seed {seed}: {json.dumps(summaries[seed])}")
    write_seed_index(args.models, name, seeds)
    summary = dict(summaries[seeds[0]])  # the first seed's figures, as before seeds; the others beside them
    if len(seeds) > 1:
        summary["per_seed"] = {str(seed): figures for seed, figures in summaries.items()}
    atomic_write_text(args.metrics / f"{name}.json", json.dumps(summary, indent=2) + "\n")
    # The first seed's curve (train.<approach>.curve_every); every model writes its file so dvc.yaml's foreach can
    # declare one per item.
    rows = [json.dumps(point) for point in curves[seeds[0]]]  # one pass a line: small diffs in git
    atomic_write_text(args.curves / f"{name}.json", "[" + ",\n ".join(rows) + "]\n")
    return 0


def _summary(result, run: TrainRun) -> dict:
    return {
        **{k: round(v, 5) if isinstance(v, float) else v for k, v in result.best.items()},
        "encoder": run.model_config.encoder_for(run.approach),
        "seconds": round(result.seconds, 1),
        "data_wait_share": round(result.data_wait_share, 4),
    }


def _run(args: argparse.Namespace, name: str) -> tuple[TrainRun, tuple[int, ...]]:
    """The first seed's run and every seed to train."""
    params = load_params(args.params)
    seeds = seed_list(section(params, "seeds"))
    regime_key = f"regimes.{args.regime}"
    regime = build_config(RegimeConfig, section(params, regime_key), regime_key)
    train_key = f"train.{args.approach}"
    if isinstance(section(params, train_key), dict) and "seed" in section(params, train_key):
        raise ConfigError(f"params.yaml: {train_key}.seed: the seeds are the top-level `seeds` list now (e.g. seeds: [0])")
    train_config = build_config(TrainConfig, section(params, train_key), train_key)
    try:
        get_approach(args.approach).check_train_config(train_config, train_key)
        train_config.steps_for(args.regime, train_key)
    except ValueError as error:
        raise ConfigError(str(error)) from error
    model_config = build_config(ModelConfig, section(params, "model"), "model")
    recognize_config = build_config(RecognizeConfig, section(params, "decode"), "decode")
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
        recognize_config=recognize_config,
    ), seeds


if __name__ == "__main__":
    sys.exit(main())
