"""The report's text: comparison tables, a generated summary of who wins where, the project's targets, report.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from omr.approaches import approach_names, get_approach
from omr.evaluate.metrics import stored_interval
from omr.report.compute import Curve, compute_section
from omr.report.new_material import NEW_MATERIAL_FACTOR, new_material_section

REGIMES = ("v01", "v01_aug", "v02_aug", "v03_aug")
# The real-notation regime and the test sets it is meant for: the report adds its summary, tables and grids there,
# whatever `report.regime` is (a v02_aug model says little about v03; a v03_aug model is trained for it).
REAL_NOTATION_REGIME = "v03_aug"
REAL_NOTATION_SETS = ("v03", "engraved_real")
# Whole pages: scored in the matrices, but drawn by `omr transcribe`'s re-rendered page, not a grid of staves.
PAGE_SETS = ("pages",)
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
    "staff_count_accuracy": True,  # pages: the share of pages where every staff was found
    "ser_new_material": False,  # issue 29: ser on the images holding the fuller vocabulary (omr.report.new_material)
    "ser_other": False,  # ... and on the others
}

Results = dict[str, dict[str, dict[str, float | None]]]  # model -> dataset -> metric -> value
Interval = tuple[float, float]
# The metrics the evaluation gives a 95% bootstrap interval over test images, stored beside them as `<metric>_ci95`.
INTERVAL_METRICS = ("ser", "note_f1")


def model_name(approach: str, regime: str) -> str:
    return f"{approach}-{regime}"


def value(results: Results, model: str, dataset: str, metric: str) -> float | None:
    return results.get(model, {}).get(dataset, {}).get(metric)


def interval(results: Results, model: str, dataset: str, metric: str) -> Interval | None:
    """The stored `<metric>_ci95` [low, high] of a cell; None where the file has none (evaluated before issue 15)."""
    return stored_interval(value(results, model, dataset, f"{metric}_ci95"))


def seed_spread(results: Results, model: str, dataset: str, metric: str) -> tuple[float, int] | None:
    """(standard deviation over training seeds, seed count) of a cell; None where the model has one seed."""
    std, count = value(results, model, dataset, f"{metric}_std"), value(results, model, dataset, "seed_count")
    return None if std is None or not count else (float(std), int(count))


def intervals_overlap(a: Interval, b: Interval) -> bool:
    """Whether two closed intervals share a point (touching ends count: the data cannot tell them apart)."""
    return a[0] <= b[1] and b[0] <= a[1]


def interval_matrix(results: Results, approach: str, datasets: Sequence[str], metric: str = "ser") -> np.ndarray:
    """Rows regime, columns dataset, last axis (low, high); NaN where a cell has no interval."""
    return _regime_matrix(approach, datasets, lambda model, dataset: interval(results, model, dataset, metric), (2,))


def transfer_matrix(results: Results, approach: str, datasets: Sequence[str], metric: str = "note_f1") -> np.ndarray:
    """Rows regime, columns dataset; NaN where a model or set was not evaluated."""
    return _regime_matrix(approach, datasets, lambda model, dataset: value(results, model, dataset, metric))


def _regime_matrix(approach: str, datasets: Sequence[str], read, cell_shape: tuple[int, ...] = ()) -> np.ndarray:
    """`read(model, dataset)` per regime (rows) and test set (columns); NaN where it gives None."""
    matrix = np.full((len(REGIMES), len(datasets), *cell_shape), np.nan)
    for row, regime in enumerate(REGIMES):
        for col, dataset in enumerate(datasets):
            found = read(model_name(approach, regime), dataset)
            if found is not None:
                matrix[row, col] = found
    return matrix


def _cell(number: float | None, blank: str = "–") -> str:
    return blank if number is None else f"{number:.3f}"


def _with_interval(text: str, found: Interval | None) -> str:
    """`0.277 [0.240-0.312]`: a figure followed by its 95% interval, where it has one."""
    return text if found is None else f"{text} [{found[0]:.3f}-{found[1]:.3f}]"


def _with_spread(text: str, found: tuple[float, int] | None) -> str:
    """`0.277 ± 0.012 (3 seeds)`: a mean over seeds followed by their standard deviation, where there are several."""
    return text if found is None else f"{text} ± {found[0]:.3f} ({found[1]} seeds)"


def matrix_table(results: Results, approach: str, datasets: Sequence[str], metric: str = "note_f1") -> str:
    """The transfer matrix as a markdown table (the closing note pastes these)."""
    lines = [f"| {approach} ({metric}) | " + " | ".join(datasets) + " |", "|---" * (len(datasets) + 1) + "|"]
    for regime in REGIMES:
        model = model_name(approach, regime)
        cells = [_with_interval(_with_spread(_cell(value(results, model, d, metric)), seed_spread(results, model, d, metric)),
                                interval(results, model, d, metric))
                 if value(results, model, d, metric) is not None else _cell(None) for d in datasets]
        lines.append(f"| {regime} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def ser_table(results: Results, datasets: Sequence[str]) -> str:
    """Every evaluated model (rows, approach then regime) x test set: `ser` from the full-precision metrics (rounded
    once), the table docs/evaluation.md carries (omr.report.doc_tables)."""
    lines = ["| model | " + " | ".join(datasets) + " |", "|---" * (len(datasets) + 1) + "|"]
    for approach in approach_names():
        for model in (model_name(approach, regime) for regime in REGIMES if model_name(approach, regime) in results):
            lines.append(f"| {model} | " + " | ".join(_cell(value(results, model, d, "ser")) for d in datasets) + " |")
    return "\n".join(lines)


def comparison_table(results: Results, regime: str, dataset: str) -> str:
    """Metric rows x approach columns for one test set; the best value of each row in bold where no other cell shows
    the same figure (a tie is bolded nowhere)."""
    approaches = approach_names()
    lines = ["| metric | " + " | ".join(approaches) + " |", "|---" * (len(approaches) + 1) + "|"]
    for metric, higher_is_better in METRICS.items():
        numbers = [value(results, model_name(a, regime), dataset, metric) for a in approaches]
        if all(n is None for n in numbers):
            continue
        present = [n for n in numbers if n is not None]
        best = _cell(max(present) if higher_is_better else min(present))
        alone = [_cell(n) for n in present].count(best) == 1 and len(present) > 1
        cells = [f"**{_cell(n)}**" if alone and _cell(n) == best else _cell(n) for n in numbers]
        cells = [_with_interval(cell, interval(results, model_name(a, regime), dataset, metric)) if n is not None
                 else cell for cell, n, a in zip(cells, numbers, approaches)]
        lines.append(f"| {metric} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def headline_metric(approach: str) -> str:
    """Every approach is headlined by `ser` (CONTRACT): the regression's is what its unordered set gives."""
    return "ser"


def summary(results: Results, regime: str, datasets: Sequence[str]) -> list[str]:
    """One line per test set: who wins on `ser` (lowest) and on set F1 (the one every approach reports); a "win"
    only where the best's interval overlaps no other's, else a tie within noise (see `verdict`)."""
    lines = []
    for dataset in datasets:
        parts = []
        for metric in ("ser", "set_micro_f1"):
            scored = {a: value(results, model_name(a, regime), dataset, metric) for a in approach_names()}
            scored = {a: v for a, v in scored.items() if v is not None}
            if scored:
                found = {a: interval(results, model_name(a, regime), dataset, metric) for a in scored}
                parts.append(f"{metric}: {verdict(scored, found, METRICS[metric])}")
        if parts:
            lines.append(f"- `{dataset}` ({regime} models): " + "; ".join(parts))
    return lines


def verdict(scored: dict[str, float], intervals: dict[str, Interval | None], higher_is_better: bool) -> str:
    """`**best** 0.010 [..] (others)` where the best stands alone; `tie within noise (intervals overlap): best ..,
    runner-up .. (others)` where the best's interval overlaps another's; `tie (equal figures): ..` where others
    show the best's figure and no interval separates them. Where the best has no interval (a metric that has none,
    or an older metrics file) the best point estimate is named, bold only when no other figure equals it."""
    ranked = sorted(scored, key=scored.get, reverse=higher_is_better)  # stable: equal figures keep approach order
    best = ranked[0]

    def figure(a: str) -> str:
        return _with_interval(f"{scored[a]:.3f}", intervals.get(a))

    # Equal as printed: a reader cannot tell 1.000 from 1.000, so neither may the verdict.
    equal = {a for a in ranked if f"{scored[a]:.3f}" == f"{scored[best]:.3f}"}
    overlapping = {a for a in ranked if a not in equal and intervals.get(best) is not None
                   and intervals.get(a) is not None and intervals_overlap(intervals[best], intervals[a])}
    tied = [a for a in ranked if a in equal | overlapping]
    others = ", ".join(f"{a} {figure(a)}" for a in scored if a not in tied)
    rest = f" ({others})" if others else ""
    if len(tied) > 1:
        kind = "tie within noise (intervals overlap)" if overlapping else "tie (equal figures)"
        return f"{kind}: " + ", ".join(f"{a} {figure(a)}" for a in tied) + rest
    return f"**{best}** {figure(best)}{rest}"


@dataclass(frozen=True)
class Target:
    """One of the project's targets: a figure of one model on one test set, measured (error rates are goals from
    above)."""

    description: str
    model: str
    dataset: str
    metric: str
    threshold: float
    measured: float | None

    @property
    def higher_is_better(self) -> bool:
        return METRICS.get(self.metric, True)

    @property
    def met(self) -> bool:
        if self.measured is None:
            return False
        return self.measured >= self.threshold if self.higher_is_better else self.measured <= self.threshold

    def line(self) -> str:
        status = "met" if self.met else ("not evaluated" if self.measured is None else "**MISSED**")
        goal = f"{self.metric} {'>=' if self.higher_is_better else '<='} {self.threshold}"
        return f"| {self.description} | `{self.model}` | `{self.dataset}` | {goal} | {_cell(self.measured)} | {status} |"

    @property
    def measurement(self) -> tuple[str, str, str]:
        return self.model, self.dataset, self.metric

    def stricter_than(self, other: "Target") -> bool:
        return self.threshold > other.threshold if self.higher_is_better else self.threshold < other.threshold


# Every approach in its own terms (Approach.exact_metric, "exact"; Approach.transfer_metric, "transfer"):
# (what, regime, test set, metric, goal).
APPROACH_TARGETS = (
    ("in-distribution", "v01", "v01", "exact", 0.99),
    ("in-distribution", "v02_aug", "v02", "exact", 0.97),
    ("transfer", "v02_aug", "v01_3notes", "transfer", 0.98),
    ("transfer", "v02_aug", "long", "transfer", 0.95),
)
# The sequence approach on real notation, and in distribution on v02 (model, test set, metric, goal).
SEQUENCE_TARGETS = (
    ("real notation", "sequence-v03_aug", "v03", "ser", 0.01),
    ("real notation", "sequence-v03_aug", "engraved_real", "ser", 0.03),
    ("in-distribution", "sequence-v02_aug", "v02", "exact_match", 0.99),
)
# The seed's approaches on real notation (v03_aug models); on engraved_real the goal is the best one's.
SEED_NOTATION_TARGETS = (
    ("real notation", "detection-v03_aug", "v03", "ser", 0.02),
    ("real notation", "segmentation-v03_aug", "v03", "ser", 0.02),
)
SEED_NOTATION_BEST = (("detection-v03_aug", "segmentation-v03_aug"), "engraved_real", "ser", 0.05)
# Reported, no goal: how far the sequence models carry to `long`.
SEQUENCE_REPORTED = (("sequence-v01_aug", "long"), ("sequence-v02_aug", "long"))
REPORTED_METRICS = ("ser", "note_f1")
# Finding and ordering a page's staves costs little: page `ser` within 1.5x the same model's staff `ser`.
PAGE_TARGET = ("sequence-v03_aug", "engraved_real", 1.5)
# The fuller notation (issue 29) costs little: ser on the images holding it within 1.5x ser on the others.
NEW_MATERIAL_TARGET = ("sequence-v03_aug", REAL_NOTATION_SETS, NEW_MATERIAL_FACTOR)


def targets(results: Results) -> list[Target]:
    """The project's targets, each checked on `results`, one per measurement (model, test set, metric): every
    approach in its own terms (APPROACH_TARGETS; set figures for an approach that decodes sets), the sequence
    models, the seed's approaches on real notation, and pages."""
    found = []
    for approach in map(get_approach, approach_names()):
        metrics = {"exact": approach.exact_metric, "transfer": approach.transfer_metric}
        for description, regime, dataset, kind, threshold in APPROACH_TARGETS:
            model = model_name(approach.name, regime)
            found.append(Target(description, model, dataset, metrics[kind], threshold,
                                value(results, model, dataset, metrics[kind])))
    for description, model, dataset, metric, threshold in SEQUENCE_TARGETS + SEED_NOTATION_TARGETS:
        found.append(Target(description, model, dataset, metric, threshold, value(results, model, dataset, metric)))
    models, dataset, metric, threshold = SEED_NOTATION_BEST
    scored = {m: value(results, m, dataset, metric) for m in models if value(results, m, dataset, metric) is not None}
    best = min(scored, key=scored.get) if scored else models[0]
    found.append(Target("real notation, the better of the two", best, dataset, metric, threshold, scored.get(best)))
    model, staff_set, factor = PAGE_TARGET
    staff_ser = value(results, model, staff_set, "ser")
    if staff_ser is not None:
        found.append(Target(f"pages (<= {factor:g} x its {staff_set} ser)", model, "pages", "ser",
                            round(factor * staff_ser, 3), value(results, model, "pages", "ser")))
    model, datasets, factor = NEW_MATERIAL_TARGET
    for dataset in datasets:  # only where the others' ser was measured (metrics files from issue 29 on)
        other = value(results, model, dataset, "ser_other")
        if other is not None:
            found.append(Target(f"new material (<= {factor:g} x its ser on the other images)", model, dataset,
                                "ser_new_material", round(factor * other, 3),
                                value(results, model, dataset, "ser_new_material")))
    return once_each(found)


def once_each(found: Sequence[Target]) -> list[Target]:
    """One target per measurement: where two goals name the same figure, the stricter stands (in the first one's
    place), so a figure is counted once in "n of m targets met"."""
    kept: dict[tuple[str, str, str], Target] = {}
    for target in found:
        other = kept.get(target.measurement)
        if other is None or target.stricter_than(other):
            kept[target.measurement] = target  # a dict keeps the key's first position
    return list(kept.values())


def reported_lines(results: Results) -> list[str]:
    """The reported figures (no goal): one line per model and test set, n/a where not evaluated."""
    lines = []
    for model, dataset in SEQUENCE_REPORTED:
        figures = ", ".join(f"{m} {_cell(value(results, model, dataset, m), 'n/a')}" for m in REPORTED_METRICS)
        lines.append(f"- `{model}` on `{dataset}`: {figures}")
    return lines


def report_markdown(
    results: Results,
    datasets: Sequence[str],
    regime: str,
    images: dict[str, str],
    missing: Sequence[str] = (),
    learning_curves: dict[str, Curve] | None = None,
) -> str:
    """reports/report.md: images are paths relative to the report's folder, keyed by figure name; `learning_curves`
    (v03_aug model -> validation ser vs training CPU-seconds) adds the compute section."""
    out = ["# OMR evaluation report", "",
           "Generated by the `report` stage from `metrics/eval/*.json` (the `evaluate` stage), the training curves in",
           "`dvclive/` and the models themselves. All metrics are corpus-level (CONTRACT.md, Metrics).", ""]
    if missing:
        out += [f"Not evaluated yet (no metrics file): {', '.join(f'`{m}`' for m in missing)}.", ""]
    real_sets = [d for d in REAL_NOTATION_SETS if d in datasets] if regime != REAL_NOTATION_REGIME else []
    out += ["## Who wins where", "",
            "A model wins only where its 95% bootstrap interval (in brackets) overlaps no other model's, the",
            "runner-up's above all; otherwise the line says tie within noise. The interval resamples the test images",
            "and, where a model was trained with several seeds (`seeds` in params.yaml), the seeds too; such a",
            "model's figure is the mean over its seeds, `± std (n seeds)` its spread. A figure without an interval",
            "(set_micro_f1, or a metrics file from before intervals) names the best point estimate. Figures equal as",
            "printed are a tie, never a win: the line says so, and the tables below bold no tied cell.", "",
            *summary(results, regime, datasets),
            *summary(results, REAL_NOTATION_REGIME, real_sets), ""]
    out += _targets_section(results)
    out += new_material_section(results, [model_name(a, REAL_NOTATION_REGIME) for a in approach_names()], datasets)
    for approach in map(get_approach, approach_names()):  # how to read an approach scored in its own terms
        if approach.report_notes:
            out += [*approach.report_notes, "",
                    matrix_table(results, approach.name, datasets, approach.transfer_metric), ""]
    out += _matrices_section(results, datasets, images)
    out += _comparisons(results, regime, datasets) + _comparisons(results, REAL_NOTATION_REGIME, real_sets)
    out += ["## Samples: input | truth | prediction", "",
            "Masks overlaid in class colours; boxes red (staff green), boxes under the score threshold blue; the",
            "decoded events under each prediction (green: the sequence is right as `ser` counts it, red: it is not).",
            "Events are written `F#4:8.` (pitch with its sounding alter, then 1/2/4/8/16/32 for whole..32nd, a dot",
            "each), `r:4` for a rest, `~` after a note tied to the next. The sequence models' tokens (greedy CTC)",
            "stand above their events, and ticks along the top mark the x each token was read at.", ""]
    out += [f"![{key}]({path})\n" for key, path in images.items() if key.startswith("grid-")]
    out += compute_section(learning_curves or {}, images.get("cpu-curves"))
    if "curves" in images:
        out += ["## Training curves (every model)", "", f"![training curves]({images['curves']})", ""]
    return "\n".join(out)


def _targets_section(results: Results) -> list[str]:
    goals = targets(results)
    out = ["## Targets", "", "| target | model | test set | goal | measured | status |",
           "|---|---|---|---|---|---|", *[t.line() for t in goals], ""]
    missed = [t for t in goals if not t.met]
    out += [f"{len(goals) - len(missed)} of {len(goals)} targets met." if missed else "Every target is met.", ""]
    return out + ["Reported (no target):", "", *reported_lines(results), ""]


def _matrices_section(results: Results, datasets: Sequence[str], images: dict[str, str]) -> list[str]:
    out = ["## `ser`, every model (lower is better)", "", ser_table(results, datasets), "",
           "## Transfer matrices: `ser` (lower is better)", "",
           "Symbol error rate over events: a note counts as right only with its step, octave, sounding alter,",
           "duration and dots, a rest with its duration and dots; edits summed over the set, divided by its true",
           "events (above 1.0 where a model inserts more than the truth holds). A row of dashes: no such model.", ""]
    for approach in approach_names():
        out += [matrix_table(results, approach, datasets, headline_metric(approach)), ""]
        if f"heatmap-{approach}" in images:
            out += [f"![{approach} ser heatmap]({images[f'heatmap-{approach}']})", ""]
    out += ["## Transfer matrices: `pitch_ser` (notes alone, step+octave; comparable with earlier reports)", ""]
    for approach in approach_names():
        out += [matrix_table(results, approach, datasets, "pitch_ser"), ""]
        if f"heatmap-pitch_ser-{approach}" in images:
            out += [f"![{approach} pitch_ser heatmap]({images[f'heatmap-pitch_ser-{approach}']})", ""]
    return out


def _comparisons(results: Results, regime: str, datasets: Sequence[str]) -> list[str]:
    """Every metric of the regime's models on each test set some of them were evaluated on (none: no section)."""
    shown = [d for d in datasets if any(d in results.get(model_name(a, regime), {}) for a in approach_names())]
    if not shown:
        return []
    out = [f"## All metrics, {regime} models", ""]
    for dataset in shown:
        out += [f"### `{dataset}`", "", comparison_table(results, regime, dataset), ""]
    return out
