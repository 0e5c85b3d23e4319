"""DVC stage evaluate@<approach>-<regime>: one trained model, every seed of it, on every test set -> metrics/eval/<model>.json.

The seeds are those its training wrote (models/<model>.seeds/seeds.json); the file holds their mean, spread and
intervals (omr.evaluate.runner.evaluate_seeds)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from omr.config import ConfigError, build_config, load_params, section
from omr.evaluate.runner import EvaluateConfig, evaluate_seeds
from omr.io import atomic_write_text
from omr.decode.config import RecognizeConfig


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", help="<approach>-<regime>, e.g. detection-v02_aug (reads models/<model>.pt)")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--datasets", type=Path, default=Path("data/datasets"))
    parser.add_argument("--out", type=Path, default=Path("metrics/eval"))
    args = parser.parse_args(argv)
    try:
        params = load_params(args.params)
        recognize_config = build_config(RecognizeConfig, section(params, "decode"), "decode")
        config = build_config(EvaluateConfig, section(params, "evaluate"), "evaluate")
        device = str(section(params, "device"))
    except ConfigError as error:
        print(f"evaluate: error: {error}", file=sys.stderr)
        return 1
    from omr.models import load_predictor  # torch loads only once the params are known to be good
    from omr.models.seeds import read_seed_index

    try:
        predictors = {seed: load_predictor(path, device=device)
                      for seed, path in read_seed_index(args.models, args.model).items()}
    except (ValueError, FileNotFoundError) as error:
        print(f"evaluate: error: {error}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    results = evaluate_seeds(
        predictors,
        args.datasets,
        config,
        recognize_config,
        on_dataset=lambda name, count: print(f"evaluate {args.model}: {name} ({count} images)", flush=True),
    )
    atomic_write_text(args.out / f"{args.model}.json", json.dumps(results, indent=2, allow_nan=False) + "\n")
    summary = ", ".join(f"{name} note_f1 {values['note_f1']:.3f}" for name, values in results.items())
    print(f"evaluate {args.model} ({len(predictors)} seeds): {summary} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
