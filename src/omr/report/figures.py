"""The report's pictures as PNG files: transfer heatmaps, input | truth | prediction grids, training curves."""

from __future__ import annotations

import csv
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

import matplotlib

matplotlib.use("Agg")  # files only, no display
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from omr.approaches.sequence import tokens_of  # noqa: E402
from omr.evaluate.metrics import exact_match  # noqa: E402
from omr.music.events import Event, event_text  # noqa: E402
from omr.decode.outputs import (DetectionOutput, ModelOutput, RegressionOutput, SegmentationOutput,  # noqa: E402
                             SequenceOutput)
from omr.samples import Box  # noqa: E402

# One colour per mask class name (RGBA); unknown classes fall back to grey.
CLASS_COLOURS = {
    "staff_line": (0.55, 0.55, 0.55, 0.6),
    "ledger_line": (0.3, 0.3, 0.3, 0.7),
    "stem": (0.1, 0.6, 0.1, 0.7),
    "barline": (0.4, 0.2, 0.0, 0.7),
    "clef": (0.6, 0.0, 0.6, 0.6),
    "sharp": (0.9, 0.5, 0.0, 0.8),
    "flat": (0.0, 0.6, 0.6, 0.8),
    "natural": (0.7, 0.7, 0.0, 0.8),
    "notehead_filled": (0.9, 0.0, 0.0, 0.8),
    "notehead_hollow": (0.0, 0.2, 0.9, 0.8),
}
BOX_COLOUR, LOW_SCORE_COLOUR, STAFF_COLOUR = "red", "blue", "green"


def transfer_heatmap(values: np.ndarray, regimes: Sequence[str], datasets: Sequence[str], title: str, path: Path,
                     lower_is_better: bool = False, intervals: np.ndarray | None = None) -> None:
    """Rows regime, columns test set, each cell annotated with its value (NaN: not evaluated, drawn grey) and, under
    it, its 95% interval where `intervals` (rows x columns x (low, high), NaN: none) has one.

    Green is good either way: error rates (`lower_is_better`) use the reversed scale; colours saturate at 1.0
    (an error rate can exceed it) while the annotation keeps the true value.
    """
    fig, ax = plt.subplots(figsize=(1.3 * len(datasets) + 2, 0.7 * len(regimes) + 1.6))
    cmap = matplotlib.colormaps["RdYlGn_r" if lower_is_better else "RdYlGn"].with_extremes(bad="lightgrey")
    ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=0.0, vmax=1.0, aspect="auto")
    ax.set_xticks(range(len(datasets)), datasets)
    ax.set_yticks(range(len(regimes)), regimes)
    ax.set_xlabel("test set")
    ax.set_ylabel("training regime")
    for row in range(len(regimes)):
        for col in range(len(datasets)):
            value = values[row, col]
            red, green, blue, _ = cmap(min(max(value, 0.0), 1.0)) if not np.isnan(value) else (1, 1, 1, 1)
            dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.45  # white figures on the scale's dark ends
            label = _heatmap_label(value, None if intervals is None else intervals[row, col])
            ax.text(col, row, label, ha="center", va="center", fontsize=8 if "\n" in label else 10,
                    color="white" if dark else "black")
    ax.set_title(title)
    _save(fig, path)


def _heatmap_label(value: float, interval: np.ndarray | None) -> str:
    """`0.277` or `0.277\n[0.240, 0.312]`; `-` for a cell not evaluated."""
    if np.isnan(value):
        return "-"
    if interval is None or np.isnan(interval).any():
        return f"{value:.3f}"
    return f"{value:.3f}\n[{interval[0]:.3f}, {interval[1]:.3f}]"


@dataclass(frozen=True)
class GridRow:
    """One sample of a grid: the image, its truth (events and, where they exist, mask and boxes) and a prediction."""

    image: np.ndarray
    truth_events: tuple[Event, ...]
    predicted_events: tuple[Event, ...]
    output: ModelOutput
    truth_mask: np.ndarray | None = None
    mask_classes: tuple[str, ...] = ()
    truth_boxes: tuple[Box, ...] = ()


def sample_grid(rows: Sequence[GridRow], title: str, score_threshold: float, path: Path) -> None:
    """Columns input | truth | prediction; each output drawn by its type's drawer (masks overlaid, boxes drawn,
    below threshold blue; tokens written), the events written under truth and prediction."""
    width = max(row.image.shape[1] for row in rows)
    aspect = width / max(row.image.shape[0] for row in rows)
    captions = [(_spelled(row.truth_events), _drawing(row.output).caption(row) + _spelled(row.predicted_events))
                for row in rows]
    # Each row is as tall as its image plus its longest caption (a sequence's tokens add lines).
    heights = [1.6 + 0.16 * max(text.count("\n") + 1 for text in pair) for pair in captions]
    fig, axes = plt.subplots(len(rows), 3, figsize=(3 * min(1.6 * aspect, 9), sum(heights) + 0.6), squeeze=False,
                             gridspec_kw={"height_ratios": heights}, layout="constrained")
    for axis, name in zip(axes[0], ("input", "truth", "prediction")):
        axis.set_title(name)
    for row, (truth_text, predicted_text), (input_ax, truth_ax, predicted_ax) in zip(rows, captions, axes):
        drawing = _drawing(row.output)
        for axis in (input_ax, truth_ax, predicted_ax):
            axis.imshow(row.image, cmap="gray", vmin=0, vmax=255)
            axis.set_xticks([])
            axis.set_yticks([])
        drawing.truth(truth_ax, row)
        drawing.prediction(predicted_ax, row, score_threshold)
        correct = exact_match([row.predicted_events], [row.truth_events]) == 1.0  # right as `ser` counts it
        truth_ax.set_xlabel(truth_text, fontsize=7)
        predicted_ax.set_xlabel(predicted_text, fontsize=7, color="darkgreen" if correct else "darkred")
    fig.suptitle(title)
    _save(fig, path)


def _spelled(events: Sequence[Event], per_line: int = 10) -> str:
    words = [event_text(e) for e in events] or ["(no events)"]
    return "\n".join(" ".join(words[i : i + per_line]) for i in range(0, len(words), per_line))


@dataclass(frozen=True)
class OutputDrawing:
    """How one output type is drawn over the image in the truth and prediction columns, and what it adds above
    the predicted events (a caption ending in a newline, or "")."""

    truth: Callable[[Any, GridRow], None] = lambda ax, row: None
    prediction: Callable[[Any, GridRow, float], None] = lambda ax, row, threshold: None
    caption: Callable[[GridRow], str] = lambda row: ""


def _segmentation_truth(ax, row: GridRow) -> None:
    if row.truth_mask is not None:
        ax.imshow(_overlay(row.truth_mask, row.mask_classes))


def _segmentation_prediction(ax, row: GridRow, threshold: float) -> None:
    ax.imshow(_overlay(row.output.class_map, row.output.class_names))


def _regression_prediction(ax, row: GridRow, threshold: float) -> None:
    keys = int((row.output.probabilities >= threshold).sum())
    ax.text(2, 2, f"{keys} keys above threshold", va="top", fontsize=7, color="darkblue")


def _sequence_prediction(ax, row: GridRow, threshold: float) -> None:
    # A tick at the top of the image where CTC emitted each token: shows which symbol a token was read from.
    _, xs = tokens_of(row.output)
    if xs:
        limits = ax.get_xlim(), ax.get_ylim()
        ax.plot(xs, [1.0] * len(xs), linestyle="none", marker="|", markersize=6, color="darkblue")
        ax.set_xlim(limits[0])  # the ticks must not widen the image's frame
        ax.set_ylim(limits[1])


def _sequence_caption(row: GridRow, width: int = 90) -> str:
    tokens, _ = tokens_of(row.output)  # greedy, as decode.ctc_beam 1 reads them
    return textwrap.fill(" ".join(tokens) or "(no tokens)", width=width, break_long_words=False) + "\n"


DRAWINGS: dict[type, OutputDrawing] = {
    SegmentationOutput: OutputDrawing(truth=_segmentation_truth, prediction=_segmentation_prediction),
    DetectionOutput: OutputDrawing(truth=lambda ax, row: _draw_boxes(ax, row.truth_boxes, threshold=0.0),
                                   prediction=lambda ax, row, threshold: _draw_boxes(ax, row.output.boxes, threshold)),
    RegressionOutput: OutputDrawing(prediction=_regression_prediction),
    SequenceOutput: OutputDrawing(prediction=_sequence_prediction, caption=_sequence_caption),
}


def _drawing(output: ModelOutput) -> OutputDrawing:
    """The drawing of an output's type (isinstance: a subclass draws as its base); an unknown type: the image alone."""
    return next((drawing for kind, drawing in DRAWINGS.items() if isinstance(output, kind)), OutputDrawing())


def _overlay(class_map: np.ndarray, class_names: Sequence[str]) -> np.ndarray:
    """RGBA image colouring each non-background class."""
    rgba = np.zeros((*class_map.shape, 4), dtype=np.float32)
    for index, name in enumerate(class_names):
        if name != "background":
            rgba[class_map == index] = CLASS_COLOURS.get(name, (0.5, 0.5, 0.5, 0.6))
    return rgba


def _draw_boxes(ax, boxes: Sequence[Box], threshold: float) -> None:
    # Low-confidence boxes first, so confident ones are drawn on top.
    for box in sorted(boxes, key=lambda b: b.score):
        x0, y0, x1, y1 = box.xyxy
        colour = LOW_SCORE_COLOUR if box.score < threshold else STAFF_COLOUR if box.label == "staff" else BOX_COLOUR
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, fill=False, edgecolor=colour, linewidth=0.6))


def read_curves(metrics_dir: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """dvclive's plots/metrics/**/*.tsv -> {name: (steps, values)} (name = path below metrics_dir, no suffix)."""
    curves = {}
    for tsv in sorted(Path(metrics_dir).rglob("*.tsv")):
        name = tsv.relative_to(metrics_dir).with_suffix("").as_posix()
        with open(tsv, encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle, delimiter="\t"))
        value_key = next((k for k in (rows[0] if rows else {}) if k not in ("step", "timestamp")), None)
        if value_key is None:
            continue
        curves[name] = (
            np.array([float(r["step"]) for r in rows]),
            np.array([float(r[value_key]) for r in rows]),
        )
    return curves


def training_curves(curves_by_model: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]], path: Path,
                    columns: int = 3) -> None:
    """All models on one page, `columns` a row: losses on the left axis (log), validation metrics on the right."""
    models = list(curves_by_model)
    rows = max(1, -(-len(models) // columns))
    fig, axes = plt.subplots(rows, columns, figsize=(5 * columns, 3.2 * rows), squeeze=False)
    for ax, model in zip(axes.flat, models):
        curves = curves_by_model[model]
        metric_ax = ax.twinx()
        for name, (steps, values) in curves.items():
            is_loss = "loss" in name
            target = ax if is_loss else metric_ax
            target.plot(steps, values, label=name, linewidth=1.0, linestyle="-" if is_loss else "--")
        if any("loss" in name for name in curves):
            ax.set_yscale("log")
        metric_ax.set_ylim(0, 1.02)
        ax.set_title(model if curves else f"{model} (no curves)")
        ax.set_xlabel("step")
        lines = ax.get_legend_handles_labels()[0] + metric_ax.get_legend_handles_labels()[0]
        labels = ax.get_legend_handles_labels()[1] + metric_ax.get_legend_handles_labels()[1]
        if lines:
            ax.legend(lines, labels, fontsize=6, loc="center right")
    for ax in list(axes.flat)[len(models) :]:
        ax.axis("off")
    _save(fig, path)


def cpu_curves(curves: dict[str, list[dict]], path: Path, budgets: Sequence[float] = ()) -> None:
    """Validation `ser` against training CPU-seconds, one line per model (omr.report.compute), the compared budgets
    marked; the axis stops at 1.0 (an error rate can exceed it early on) so the late passes stay readable."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for model, points in curves.items():
        ax.plot([p["cpu_seconds"] for p in points], [p["ser"] for p in points], marker="o", markersize=3,
                linewidth=1.2, label=model)
    for budget in budgets:
        ax.axvline(budget, color="grey", linewidth=0.6, linestyle=":")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("training CPU-seconds (process time of the steps; ~2x wall with 2 threads)")
    ax.set_ylabel("validation ser")
    ax.set_title("What each approach learns per CPU-second (v03_aug)")
    if curves:
        ax.legend(fontsize=8)
    _save(fig, path)


def _save(fig, path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fig.get_layout_engine() is None:  # a figure made with its own layout (constrained) keeps it
        fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
