"""Assemble the report: figures into a plots folder, report.md beside them (paths relative to the report)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from omr.approaches import approach_names
from omr.evaluate.runner import recognize_all
from omr.evaluate.test_set import load_test_set
from omr.io import atomic_write_text
from omr.decode.config import RecognizeConfig
from omr.transcribe.recognize import Predictor
from omr.report.document import (
    INTERVAL_METRICS,
    METRICS,
    PAGE_SETS,
    REAL_NOTATION_REGIME,
    REAL_NOTATION_SETS,
    REGIMES,
    Results,
    headline_metric,
    interval_matrix,
    model_name,
    report_markdown,
    transfer_matrix,
)
from omr.report.compute import BUDGETS, Curve
from omr.report.figures import GridRow, cpu_curves, read_curves, sample_grid, training_curves, transfer_heatmap


@dataclass(frozen=True)
class ReportConfig:
    """params.yaml `report`: the regime shown in grids and tables, and how many samples per grid."""

    regime: str = "v02_aug"
    grid_samples: int = 4

    def __post_init__(self) -> None:
        if self.regime not in REGIMES:
            raise ValueError(f"params.yaml: report.regime: expected one of {list(REGIMES)}, got {self.regime!r}")
        if self.grid_samples < 1:
            raise ValueError("params.yaml: report.grid_samples: must be >= 1")


def read_results(metrics_dir: Path) -> tuple[Results, list[str]]:
    """Every approach x regime model's evaluation file that exists, and the names of those missing."""
    results, missing = {}, []
    for approach in approach_names():
        for regime in REGIMES:
            name = model_name(approach, regime)
            path = Path(metrics_dir) / f"{name}.json"
            if path.is_file():
                try:
                    results[name] = json.loads(path.read_text(encoding="utf-8"))
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}: not valid JSON ({error})") from error
            else:
                missing.append(name)
    return results, missing


SUMMARY_METRIC = "ser"  # the CONTRACT's headline


def summary_metrics(results: Results, digits: int = 4) -> dict[str, dict[str, float]]:
    """{model: {test set: ser}}, rounded: the short table `dvc metrics show` / `dvc exp show` print (the per-model
    files hold hundreds of columns). Test sets without a numeric `ser` are left out, not written as null."""
    summary: dict[str, dict[str, float]] = {}
    for model, per_dataset in results.items():
        cells = {
            dataset: round(float(values[SUMMARY_METRIC]), digits)
            for dataset, values in per_dataset.items()
            if isinstance(values, dict) and isinstance(values.get(SUMMARY_METRIC), (int, float))
        }
        if cells:
            summary[model] = cells
    return summary


def grid_plan(regime: str, datasets: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """Model -> test sets to draw sample grids of: every approach's `regime` (report.regime) model on every test
    set, and every approach's REAL_NOTATION_REGIME (v03_aug) model on the real-notation sets (v03, engraved_real),
    the sets it is trained for; never the PAGE_SETS (a page is not a staff). No parameter: the caller draws the models whose checkpoint exists and the sets
    that were generated."""
    datasets = [d for d in datasets if d not in PAGE_SETS]
    plan = {model_name(a, regime): tuple(datasets) for a in approach_names()}
    for approach in approach_names():
        model = model_name(approach, REAL_NOTATION_REGIME)
        plan[model] = tuple(dict.fromkeys(plan.get(model, ()) + REAL_NOTATION_SETS))
    return plan


def grid_rows(predictor: Predictor, dataset_dir: Path, count: int, config: RecognizeConfig) -> list[GridRow]:
    """The first `count` test samples of a dataset with the predictor's recognition."""
    split = load_test_set(dataset_dir, max_samples=count)
    recognitions = recognize_all(predictor, split.images, config, batch_size=count)
    masks = split.masks or [None] * len(split.images)
    return [
        GridRow(image, label.events, r.events, r.output, mask, split.mask_classes, label.boxes)
        for image, label, r, mask in zip(split.images, split.labels, recognitions, masks)
    ]


def write_report(
    results: Results,
    missing: Sequence[str],
    datasets: Sequence[str],
    config: ReportConfig,
    curves_root: Path,
    grids: dict[tuple[str, str], list[GridRow]],  # (model, test set) -> rows, e.g. ("sequence-v03_aug", "v03")
    score_threshold: float,
    plots_dir: Path,
    report_path: Path,
    link_dir: Path | None = None,
    learning_curves: dict[str, Curve] | None = None,  # v03_aug model -> validation ser vs CPU-seconds (compute.py)
) -> dict[str, str]:
    """Write every figure into `plots_dir` and the markdown to `report_path`, linking the figures as they will lie
    in `link_dir` (default: `plots_dir`; differs while the plots are written to a temporary folder). Returns figure
    name -> path relative to the report."""
    plots_dir, report_path = Path(plots_dir), Path(report_path)
    link_dir = Path(link_dir) if link_dir is not None else plots_dir
    figures: dict[str, Path] = {}
    evaluated = [d for d in datasets if any(d in per_model for per_model in results.values())]
    for approach in approach_names():
        # The headline (`ser`) and, for comparison with earlier reports, `pitch_ser`; both lower-is-better.
        for key, metric in ((f"heatmap-{approach}", headline_metric(approach)),
                            (f"heatmap-pitch_ser-{approach}", "pitch_ser")):
            path = plots_dir / f"{key}.png"
            title = f"{approach}: {metric}" + ("" if METRICS[metric] else " (lower is better)")
            # Cells annotated with their 95% interval where the metric has one (`ser`; not `pitch_ser`).
            intervals = interval_matrix(results, approach, evaluated, metric) if metric in INTERVAL_METRICS else None
            transfer_heatmap(transfer_matrix(results, approach, evaluated, metric), REGIMES, evaluated, title, path,
                             lower_is_better=not METRICS[metric], intervals=intervals)
            figures[key] = path
    for (model, dataset), rows in grids.items():
        path = plots_dir / f"grid-{model}-{dataset}.png"
        sample_grid(rows, f"{model} on {dataset}", score_threshold, path)
        figures[f"grid-{model}-{dataset}"] = path
    curves = {
        model_name(a, r): read_curves(Path(curves_root) / model_name(a, r) / "plots" / "metrics")
        for a in approach_names()
        for r in REGIMES
    }
    training_curves(curves, plots_dir / "training-curves.png", columns=len(REGIMES))  # a row per approach
    figures["curves"] = plots_dir / "training-curves.png"
    if learning_curves:
        cpu_curves(learning_curves, plots_dir / "cpu-curves.png", BUDGETS)
        figures["cpu-curves"] = plots_dir / "cpu-curves.png"
    relative = {
        key: Path(os.path.relpath(link_dir / path.name, report_path.parent)).as_posix() for key, path in figures.items()
    }
    report_path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(report_path, report_markdown(results, evaluated, config.regime, relative, missing,
                                                   learning_curves or {}))
    return relative
