"""DVC stage report: metrics/eval/*.json + dvclive curves + sample predictions -> plots/report/*.png, reports/report.md."""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path

from omr.config import ConfigError, build_config, load_params, section
from omr.evaluate.runner import EvaluateConfig
from omr.io import atomic_directory, atomic_write_text
from omr.decode.config import RecognizeConfig
from omr.approaches import approach_names
from omr.report.build import ReportConfig, grid_plan, grid_rows, read_results, summary_metrics, write_report
from omr.report.compute import read_learning_curves
from omr.report.document import REAL_NOTATION_REGIME, model_name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--metrics", type=Path, default=Path("metrics/eval"))
    parser.add_argument("--dvclive", type=Path, default=Path("dvclive"))
    parser.add_argument("--curves", type=Path, default=Path("plots/curves"), help="learning curves per CPU-second")
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--datasets", type=Path, default=Path("data/datasets"))
    parser.add_argument("--plots", type=Path, default=Path("plots/report"))
    parser.add_argument("--out", type=Path, default=Path("reports/report.md"))
    parser.add_argument("--summary", type=Path, default=Path("metrics/summary.json"))
    args = parser.parse_args(argv)
    try:
        params = load_params(args.params)
        config = build_config(ReportConfig, section(params, "report"), "report")
        evaluate = build_config(EvaluateConfig, section(params, "evaluate"), "evaluate")
        recognize_config = build_config(RecognizeConfig, section(params, "decode"), "decode")
        device = str(section(params, "device"))
        results, missing = read_results(args.metrics)
        learning_curves = read_learning_curves(
            args.curves, [model_name(a, REAL_NOTATION_REGIME) for a in approach_names()])
    except (ConfigError, ValueError) as error:
        print(f"report: error: {error}", file=sys.stderr)
        return 1
    grids = sample_grids(args, config, evaluate, recognize_config, device)
    with atomic_directory(args.plots) as plots_dir:  # the folder appears whole or not at all
        figures = write_report(results, missing, evaluate.datasets, config, args.dvclive, grids,
                               recognize_config.score_threshold, plots_dir, args.out, link_dir=args.plots,
                               learning_curves=learning_curves)
    # {model: {test set: ser}}: the short table of `dvc metrics show` and `dvc exp show` (dvc.yaml metrics).
    atomic_write_text(args.summary, json.dumps(summary_metrics(results), indent=2) + "\n")
    print(f"report: wrote {args.out}, {args.summary} and {len(figures)} figures in {args.plots}"
          + (f" ({len(missing)} models not evaluated: {', '.join(missing)})" if missing else ""))
    return 0


def sample_grids(args, config: ReportConfig, evaluate: EvaluateConfig, recognize_config: RecognizeConfig, device: str):
    """(model, dataset) -> grid rows, for each model of build.grid_plan whose checkpoint exists, on each of its
    test sets that was generated."""
    from omr.models import load_predictor  # torch only when there are grids to draw

    grids = {}
    for model, datasets in grid_plan(config.regime, evaluate.datasets).items():
        checkpoint = args.models / f"{model}.pt"
        if not checkpoint.is_file():
            warnings.warn(f"{checkpoint}: missing, no sample grids for {model}", stacklevel=2)
            continue
        predictor = load_predictor(checkpoint, device=device)
        for dataset in datasets:
            if (args.datasets / dataset / "meta.json").is_file():
                grids[(model, dataset)] = grid_rows(
                    predictor, args.datasets / dataset, config.grid_samples, recognize_config
                )
    return grids


if __name__ == "__main__":
    sys.exit(main())
