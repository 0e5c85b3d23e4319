"""The report's text: comparison tables, a generated summary of who wins where, the issue's targets, report.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from omr.approaches import approach_names, get_approach

REGIMES = ("v01", "v01_aug", "v02_aug")
# Metric -> True when higher is better.
METRICS = {
    "ser": False,
    "exact_match": True,
    "pitch_ser": False,
    "note_precision": True,
    "note_recall": True,
    "note_f1": True,
    "rest_f1": True,
    "accidental_accuracy": True,
    "duration_accuracy": True,
    "set_exact_match": True,
    "set_micro_f1": True,
    "notehead_iou": True,
    "staff_iou": True,
    "map50": True,
    "map50_95": True,
    "vector_micro_f1": True,
}

Results = dict[str, dict[str, dict[str, float | None]]]  # model -> dataset -> metric -> value


def model_name(approach: str, regime: str) -> str:
    return f"{approach}-{regime}"


def value(results: Results, model: str, dataset: str, metric: str) -> float | None:
    return results.get(model, {}).get(dataset, {}).get(metric)


def transfer_matrix(results: Results, approach: str, datasets: Sequence[str], metric: str = "note_f1") -> np.ndarray:
    """Rows regime, columns dataset; NaN where a model or set was not evaluated."""
    matrix = np.full((len(REGIMES), len(datasets)), np.nan)
    for row, regime in enumerate(REGIMES):
        for col, dataset in enumerate(datasets):
            found = value(results, model_name(approach, regime), dataset, metric)
            if found is not None:
                matrix[row, col] = found
    return matrix


def _cell(number: float | None) -> str:
    return "–" if number is None else f"{number:.3f}"


def matrix_table(results: Results, approach: str, datasets: Sequence[str], metric: str = "note_f1") -> str:
    """The transfer matrix as a markdown table (the closing note pastes these)."""
    lines = [f"| {approach} ({metric}) | " + " | ".join(datasets) + " |", "|---" * (len(datasets) + 1) + "|"]
    for regime in REGIMES:
        cells = [_cell(value(results, model_name(approach, regime), d, metric)) for d in datasets]
        lines.append(f"| {regime} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def comparison_table(results: Results, regime: str, dataset: str) -> str:
    """Metric rows x approach columns for one test set; the best value of each row in bold."""
    approaches = approach_names()
    lines = ["| metric | " + " | ".join(approaches) + " |", "|---" * (len(approaches) + 1) + "|"]
    for metric, higher_is_better in METRICS.items():
        numbers = [value(results, model_name(a, regime), dataset, metric) for a in approaches]
        if all(n is None for n in numbers):
            continue
        present = [n for n in numbers if n is not None]
        best = max(present) if higher_is_better else min(present)
        cells = [f"**{_cell(n)}**" if n is not None and n == best and len(present) > 1 else _cell(n) for n in numbers]
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def headline_metric(approach: str) -> str:
    """Every approach is headlined by `ser` (CONTRACT): the regression's is what its unordered set gives."""
    return "ser"


def summary(results: Results, regime: str, datasets: Sequence[str]) -> list[str]:
    """One line per test set: which approach wins on `ser` (lowest) and on set F1 (the one every approach reports)."""
    lines = []
    for dataset in datasets:
        parts = []
        for metric in ("ser", "set_micro_f1"):
            scored = {a: value(results, model_name(a, regime), dataset, metric) for a in approach_names()}
            scored = {a: v for a, v in scored.items() if v is not None}
            if scored:
                winner = (max if METRICS[metric] else min)(scored, key=scored.get)
                others = ", ".join(f"{a} {v:.3f}" for a, v in scored.items() if a != winner)
                parts.append(f"{metric}: **{winner}** {scored[winner]:.3f}" + (f" ({others})" if others else ""))
        if parts:
            lines.append(f"- `{dataset}` ({regime} models): " + "; ".join(parts))
    return lines


@dataclass(frozen=True)
class Target:
    """One of issue 4's targets for one approach, measured."""

    description: str
    model: str
    dataset: str
    metric: str
    threshold: float
    measured: float | None

    @property
    def met(self) -> bool:
        return self.measured is not None and self.measured >= self.threshold

    def line(self) -> str:
        status = "met" if self.met else ("not evaluated" if self.measured is None else "**MISSED**")
        return (f"| {self.description} | `{self.model}` | `{self.dataset}` | {self.metric} >= {self.threshold} | "
                f"{_cell(self.measured)} | {status} |")


def targets(results: Results) -> list[Target]:
    """Issue 4: in-distribution exact match and v02_aug transfer note F1, each in the approach's own terms
    (Approach.exact_metric, transfer_metric: set figures for an approach that decodes sets)."""
    found = []
    for approach in approach_names():
        exact = get_approach(approach).exact_metric
        f1 = get_approach(approach).transfer_metric
        for description, regime, dataset, metric, threshold in (
            ("in-distribution", "v01", "v01", exact, 0.99),
            ("in-distribution", "v02_aug", "v02", exact, 0.97),
            ("transfer", "v02_aug", "v01_3notes", f1, 0.98),
            ("transfer", "v02_aug", "long", f1, 0.95),
        ):
            model = model_name(approach, regime)
            found.append(Target(description, model, dataset, metric, threshold, value(results, model, dataset, metric)))
    return found


def report_markdown(
    results: Results,
    datasets: Sequence[str],
    regime: str,
    images: dict[str, str],
    missing: Sequence[str] = (),
) -> str:
    """reports/report.md: images are paths relative to the report's folder, keyed by figure name."""
    out = ["# OMR evaluation report", "",
           "Generated by the `report` stage from `metrics/eval/*.json` (the `evaluate` stage), the training curves in",
           "`dvclive/` and the models themselves. All metrics are corpus-level (CONTRACT.md, Metrics).", ""]
    if missing:
        out += [f"Not evaluated yet (no metrics file): {', '.join(f'`{m}`' for m in missing)}.", ""]
    out += ["## Who wins where", "", *summary(results, regime, datasets), ""]
    goals = targets(results)
    out += ["## Targets (issue 4)", "", "| target | model | test set | goal | measured | status |",
            "|---|---|---|---|---|---|", *[t.line() for t in goals], ""]
    missed = [t for t in goals if not t.met]
    out += [f"{len(goals) - len(missed)} of {len(goals)} targets met." if missed else "Every target is met.", ""]
    for approach in map(get_approach, approach_names()):  # how to read an approach scored in its own terms
        if approach.report_notes:
            out += [*approach.report_notes, "",
                    matrix_table(results, approach.name, datasets, approach.transfer_metric), ""]
    out += ["## Transfer matrices: `ser` (lower is better)", "",
            "Symbol error rate over events: a note counts as right only with its step, octave, sounding alter,",
            "duration and dots, a rest with its duration and dots; edits summed over the set, divided by its true",
            "events (above 1.0 where a model inserts more than the truth holds).", ""]
    for approach in approach_names():
        out += [matrix_table(results, approach, datasets, headline_metric(approach)), ""]
        if f"heatmap-{approach}" in images:
            out += [f"![{approach} ser heatmap]({images[f'heatmap-{approach}']})", ""]
    out += ["## Transfer matrices: `pitch_ser` (notes alone, step+octave; comparable with earlier reports)", ""]
    for approach in approach_names():
        out += [matrix_table(results, approach, datasets, "pitch_ser"), ""]
        if f"heatmap-pitch_ser-{approach}" in images:
            out += [f"![{approach} pitch_ser heatmap]({images[f'heatmap-pitch_ser-{approach}']})", ""]
    out += [f"## All metrics, {regime} models", ""]
    for dataset in datasets:
        if any(dataset in results.get(model_name(a, regime), {}) for a in approach_names()):
            out += [f"### `{dataset}`", "", comparison_table(results, regime, dataset), ""]
    out += ["## Samples: input | truth | prediction", "",
            "Masks overlaid in class colours; boxes red (staff green), boxes under the score threshold blue; the",
            "decoded events under each prediction (green: the sequence is right as `ser` counts it, red: it is not).",
            "Events are written `F#4:8.` (pitch with its sounding alter, then 1/2/4/8/16/32 for whole..32nd, a dot",
            "each), `r:4` for a rest, `~` after a note tied to the next.", ""]
    for key, path in images.items():
        if key.startswith("grid-"):
            out += [f"![{key}]({path})", ""]
    if "curves" in images:
        out += ["## Training curves (all nine models)", "", f"![training curves]({images['curves']})", ""]
    return "\n".join(out)
