"""The evaluation runner: one predictor on every test set -> {dataset: {metric: value}} (CONTRACT.md, Metrics).

Every image goes through `recognize` exactly as a user's would (whole image, any width: the long staff too). The
approach-specific metrics score the raw output, mapped back to the image's pixels, against the stored truth.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np
from PIL import Image

from omr.approaches import get_approach
from omr.evaluate import metrics
from omr.transcribe.locate import NoStaffFound, locate_staves
from omr.transcribe.recognize import Predictor, Recognition, RecognizeConfig, recognize_batch
from omr.samples import SampleLabel, iter_split, read_meta
from omr.transcribe.assemble import page_from_recognitions


@dataclass(frozen=True)
class EvaluateConfig:
    """params.yaml `evaluate`: which test sets, and how many images per prediction batch."""

    datasets: tuple[str, ...] = ("v01", "v01_3notes", "v02", "long", "engraved", "v03", "engraved_real", "pages")
    split: str = "test"
    batch_size: int = 32
    max_samples: int | None = None  # evaluate only the first N samples of each set (quick looks); None = all
    bootstrap_resamples: int = metrics.BOOTSTRAP_RESAMPLES  # resamples of the images behind `ser_ci95`, `note_f1_ci95`
    bootstrap_seed: int = metrics.BOOTSTRAP_SEED  # fixed, so the same predictions give the same intervals

    def __post_init__(self) -> None:
        if not self.datasets:
            raise ValueError("params.yaml: evaluate.datasets: name at least one dataset")
        if self.batch_size < 1:
            raise ValueError("params.yaml: evaluate.batch_size: must be >= 1")
        if self.max_samples is not None and self.max_samples < 1:
            raise ValueError("params.yaml: evaluate.max_samples: must be >= 1 or null")
        if self.bootstrap_resamples < 1:
            raise ValueError("params.yaml: evaluate.bootstrap_resamples: must be >= 1")


@dataclass(frozen=True)
class LoadedSplit:
    """A split loaded into memory: labels, grayscale images and (where the dataset has them) class masks."""

    name: str
    labels: tuple[SampleLabel, ...]
    images: tuple[np.ndarray, ...]
    masks: tuple[np.ndarray, ...] | None
    mask_classes: tuple[str, ...]
    is_pages: bool = False  # whole pages (meta.json `kind: pages`): the staves are found before they are read


def load_test_set(dataset_dir: Path, split: str = "test", max_samples: int | None = None) -> LoadedSplit:
    """Read a dataset split; masks only when every sample has one."""
    dataset_dir = Path(dataset_dir)
    meta = read_meta(dataset_dir)
    labels, images, masks = [], [], []
    for split_dir, label in iter_split(dataset_dir, split):
        if max_samples is not None and len(labels) >= max_samples:
            break
        labels.append(label)
        images.append(_gray(split_dir / label.image))
        masks.append(np.asarray(Image.open(split_dir / label.mask)) if label.mask else None)
    has_masks = bool(masks) and all(m is not None for m in masks)
    return LoadedSplit(
        name=dataset_dir.name,
        labels=tuple(labels),
        images=tuple(images),
        masks=tuple(masks) if has_masks else None,
        mask_classes=tuple(meta.get("mask_classes", ())),
        is_pages=meta.get("kind") == "pages",
    )


def _gray(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("L"))


def recognize_all(predictor: Predictor, images: Sequence[np.ndarray], config: RecognizeConfig, batch_size: int) -> list[Recognition]:
    """`recognize_batch` over all images, batching images of similar width so little padding is computed."""
    order = sorted(range(len(images)), key=lambda i: (images[i].shape[1], images[i].shape[0]))
    results: list[Recognition | None] = [None] * len(images)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        for index, recognition in zip(chunk, recognize_batch(predictor, [images[i] for i in chunk], config)):
            results[index] = recognition
    return results  # type: ignore[return-value]


@dataclass(frozen=True)
class PageReading:
    """One page read as a user's would be: the staves found on it, each recognised, their events in reading order."""

    events: tuple
    staves_found: int
    recognitions: tuple[Recognition, ...]


def read_pages(predictor: Predictor, pages: Sequence[np.ndarray], config: RecognizeConfig,
               batch_size: int) -> list[PageReading]:
    """Find every staff of each page (omr.transcribe.locate), recognise all staves in width-sorted batches, and read each page
    as `omr transcribe` does (omr.transcribe.assemble: clef, key and time carried where a staff shows none, events top to
    bottom). A page where no staff is found reads as no events (and is scored so)."""
    located = []
    for page in pages:
        try:
            located.append(locate_staves(page))
        except NoStaffFound:
            located.append(())
    crops = [staff.image for staves in located for staff in staves]
    recognitions = iter(recognize_all(predictor, crops, config, batch_size))
    readings = []
    for page, staves in zip(pages, located):
        read = tuple(next(recognitions) for _ in staves)
        height, width = page.shape
        events = page_from_recognitions(staves, read, predictor.approach, (width, height)).events if staves else ()
        readings.append(PageReading(events=events, staves_found=len(staves), recognitions=read))
    return readings


def score_pages(readings: Sequence[PageReading], test_set: LoadedSplit,
                bootstrap: tuple[int, int] = (metrics.BOOTSTRAP_RESAMPLES, metrics.BOOTSTRAP_SEED)) -> dict:
    """CONTRACT's metrics over each page's events as one sequence, plus `staff_count_accuracy`: the share of
    pages where as many staves were found as the page has, and `ser_ci95` / `note_f1_ci95` with the page as the
    unit resampled (`bootstrap` = (resamples, seed)). Raw-output metrics (IoU, mAP) are not computed on pages:
    they need the crops' outputs mapped back onto the page, which the events already summarise."""
    truth = [label.events for label in test_set.labels]
    read = [r for reading in readings for r in reading.recognitions]
    knows_accidentals = all(r.knows_accidentals for r in read)
    knows_durations = all(r.knows_durations for r in read)
    result = metrics.event_metrics([r.events for r in readings], truth, knows_accidentals, knows_durations)
    staves = [len(label.extra.get("staves", ())) for label in test_set.labels]
    result["staff_count_accuracy"] = float(np.mean([r.staves_found == n for r, n in zip(readings, staves)]))
    result.update(_intervals([r.events for r in readings], truth, bootstrap))
    return {key: _rounded(value) for key, value in result.items()}


def score_test_set(recognitions: Sequence[Recognition], test_set: LoadedSplit, config: RecognizeConfig,
                   approach: str | None = None,
                   bootstrap: tuple[int, int] = (metrics.BOOTSTRAP_RESAMPLES, metrics.BOOTSTRAP_SEED)) -> dict:
    """Every CONTRACT metric of one model on one test set: predicted events (notes and rests) against the labels',
    plus the approach's own figures on its raw outputs (none when `approach` is None), then the headline's 95%
    bootstrap intervals over images, `ser_ci95` and `note_f1_ci95` (`bootstrap` = (resamples, seed))."""
    truth = [label.events for label in test_set.labels]
    knows_accidentals = all(r.knows_accidentals for r in recognitions)
    knows_durations = all(r.knows_durations for r in recognitions)
    result = metrics.event_metrics([r.events for r in recognitions], truth, knows_accidentals, knows_durations)
    if approach is not None:
        result.update(get_approach(approach).output_metrics([r.output for r in recognitions], test_set, config))
    result.update(_intervals([r.events for r in recognitions], truth, bootstrap))
    return {key: _rounded(value) for key, value in result.items()}


def _intervals(predicted: Sequence, truth: Sequence, bootstrap: tuple[int, int]) -> dict[str, list[float]]:
    resamples, seed = bootstrap
    return metrics.headline_intervals(predicted, truth, seed=seed, resamples=resamples)


def _rounded(value: float | list | None) -> float | list | None:
    """Six decimals; an interval's two ends each (the metrics files' only list values)."""
    if isinstance(value, list):
        return [_rounded(end) for end in value]
    return None if value is None else round(float(value), 6)


def evaluate_model(
    predictor: Predictor,
    dataset_root: Path,
    config: EvaluateConfig,
    recognize_config: RecognizeConfig,
    on_dataset: Callable[[str, int], None] | None = None,
) -> dict[str, dict]:
    """{dataset: metrics} for each configured dataset that exists; a missing one is skipped with a warning."""
    return evaluate_seeds({0: predictor}, dataset_root, config, recognize_config, on_dataset)


def evaluate_seeds(
    predictors: Mapping[int, Predictor],
    dataset_root: Path,
    config: EvaluateConfig,
    recognize_config: RecognizeConfig,
    on_dataset: Callable[[str, int], None] | None = None,
) -> dict[str, dict]:
    """One model trained with several seeds ({seed: predictor}) on every configured test set: per set the mean over
    seeds of every metric (`combine_seeds`), and 95% intervals over the images and the seeds together. One seed gives
    exactly what that model's evaluation alone gives."""
    if not predictors:
        raise ValueError("evaluate_seeds: needs at least one seed's model")
    results = {}
    resamples, bootstrap_seed = config.bootstrap_resamples, config.bootstrap_seed
    for name in config.datasets:
        dataset_dir = Path(dataset_root) / name
        if not (dataset_dir / "meta.json").is_file():
            warnings.warn(f"{dataset_dir}: not generated yet, skipped", stacklevel=2)
            continue
        test_set = load_test_set(dataset_dir, config.split, config.max_samples)
        if on_dataset is not None:
            on_dataset(name, len(test_set.labels))
        scored, predicted = {}, []
        for seed, predictor in predictors.items():
            if test_set.is_pages:
                readings = read_pages(predictor, test_set.images, recognize_config, config.batch_size)
                scored[seed] = score_pages(readings, test_set, (resamples, bootstrap_seed))
                predicted.append([reading.events for reading in readings])
            else:
                recognitions = recognize_all(predictor, test_set.images, recognize_config, config.batch_size)
                scored[seed] = score_test_set(recognitions, test_set, recognize_config, predictor.approach,
                                              (resamples, bootstrap_seed))
                predicted.append([recognition.events for recognition in recognitions])
        truth = [label.events for label in test_set.labels]
        pooled = metrics.seed_pooled_intervals(predicted, truth, bootstrap_seed, resamples)
        results[name] = combine_seeds(scored, {key: _rounded(ends) for key, ends in pooled.items()})
    return results


def combine_seeds(scored: Mapping[int, dict], intervals: dict[str, list[float]]) -> dict:
    """One seed's metrics as they are. Several: each metric's mean over seeds, `<metric>_std` (sample standard
    deviation) beside it, `seed_count`, the seeds' own figures under `per_seed` ({seed: metrics}), and `intervals`
    (two-level bootstrap over images and seeds) in place of any single seed's. A metric one seed lacks (None) is
    None in the mean."""
    if len(scored) == 1:
        return next(iter(scored.values()))
    combined: dict = {}
    first = next(iter(scored.values()))
    for key in first:
        if key.endswith("_ci95"):
            continue
        values = [seed_metrics.get(key) for seed_metrics in scored.values()]
        if any(v is None for v in values):
            combined[key] = None
            continue
        combined[key] = _rounded(float(np.mean(values)))
        combined[f"{key}_std"] = _rounded(float(np.std(values, ddof=1)))
    combined.update(intervals)
    combined["seed_count"] = len(scored)
    combined["per_seed"] = {str(seed): {k: v for k, v in seed_metrics.items() if not k.endswith("_ci95")}
                            for seed, seed_metrics in scored.items()}
    return combined
