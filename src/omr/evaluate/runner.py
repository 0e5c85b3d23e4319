"""The evaluation runner: one predictor on every test set -> {dataset: {metric: value}} (CONTRACT.md, Metrics).

Every image goes through `recognize` exactly as a user's would (whole image, any width: the long staff too). The
approach-specific metrics score the raw output, mapped back to the image's pixels, against the stored truth. Every
set also reports `ser` split by whether a scored sequence's truth holds the fuller vocabulary (`new_material_flags`).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from omr.approaches import get_approach
from omr.evaluate import metrics
from omr.evaluate.test_set import LoadedSplit, load_test_set
from omr.music.events import StaffHeader
from omr.transcribe.locate import locate_staves
from omr.transcribe.page import NoStaffFound
from omr.decode.config import RecognizeConfig
from omr.transcribe.recognize import Predictor, Recognition, recognize_batch
from omr.transcribe.assemble import page_from_recognitions


@dataclass(frozen=True)
class EvaluateConfig:
    """params.yaml `evaluate`: which test sets, and how many images per prediction batch."""

    datasets: tuple[str, ...] = ("v01", "v01_3notes", "v02", "long", "engraved", "v03", "engraved_real", "pages",
                                 "duets")
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
    parts: tuple[int, ...] = ()  # the part (0 first) each staff found was assigned (omr.transcribe.assemble)
    part_events: tuple[tuple, ...] = ()  # each part's events in reading order, parts in order


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
        page_read = page_from_recognitions(staves, read, predictor.approach, (width, height)) if staves else None
        readings.append(_reading(page_read, read))
    return readings


def _reading(page, read: tuple[Recognition, ...]) -> PageReading:
    if page is None:
        return PageReading(events=(), staves_found=0, recognitions=read)
    parts = tuple(staff.part for staff in page.staves)
    part_events = tuple(tuple(e for staff in page.staves if staff.part == part for e in staff.events)
                        for part in range(max(parts) + 1))
    return PageReading(events=page.events, staves_found=len(page.staves), recognitions=read, parts=parts,
                       part_events=part_events)


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


def score_part_pages(readings: Sequence[PageReading], test_set: LoadedSplit, parts: int,
                     bootstrap: tuple[int, int] = (metrics.BOOTSTRAP_RESAMPLES, metrics.BOOTSTRAP_SEED)) -> dict:
    """A set whose systems hold `parts` staves (meta.json `parts`, the `duets` set): CONTRACT's metrics over each
    part's events in reading order (every (page, part) one sequence, so `ser` pools the parts' edits over their
    events), `staff_count_accuracy` as `score_pages`, `part_assignment` (the share of the true staves whose staff,
    found in the same place of the reading order, was assigned their part) and the intervals with a page's part as
    the unit resampled. A part the reader did not make reads as no events."""
    predicted, truth = part_sequences(readings, test_set, parts)
    right, staves = 0, 0
    for reading, label in zip(readings, test_set.labels):
        true_parts = [staff["part"] - 1 for staff in label.extra["staves"]]
        right += sum(found == true for found, true in zip(reading.parts, true_parts))
        staves += len(true_parts)
    read = [r for reading in readings for r in reading.recognitions]
    knows_accidentals = all(r.knows_accidentals for r in read)
    knows_durations = all(r.knows_durations for r in read)
    result = metrics.event_metrics(predicted, truth, knows_accidentals, knows_durations)
    counts = [len(label.extra.get("staves", ())) for label in test_set.labels]
    result["staff_count_accuracy"] = float(np.mean([r.staves_found == n for r, n in zip(readings, counts)]))
    result["part_assignment"] = right / staves if staves else 0.0
    result.update(_intervals(predicted, truth, bootstrap))
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


def part_sequences(readings: Sequence[PageReading], test_set: LoadedSplit, parts: int) -> tuple[list, list]:
    """(predicted, true) events of every page's parts in reading order: page by page, part 1 first."""
    predicted = [reading.part_events[part] if part < len(reading.part_events) else ()
                 for reading in readings for part in range(parts)]
    return predicted, part_truth(test_set, parts)


def part_truth(test_set: LoadedSplit, parts: int) -> list[tuple]:
    """The true events of every page's parts (its staves' `part`, 1 first), page by page, part 1 first."""
    return [tuple(event for staff in label.extra["staves"] if staff["part"] == part + 1
                  for event in label.events[staff["events"][0]:staff["events"][1]])
            for label in test_set.labels for part in range(parts)]


def _intervals(predicted: Sequence, truth: Sequence, bootstrap: tuple[int, int]) -> dict[str, list[float]]:
    resamples, seed = bootstrap
    return metrics.headline_intervals(predicted, truth, seed=seed, resamples=resamples)


def new_material_flags(test_set: LoadedSplit) -> list[bool]:
    """Per scored sequence (an image; a page's part, page by page, part 1 first, where systems hold several
    staves), whether its truth holds the fuller vocabulary (`metrics.holds_new_material`: its events, and the
    headers of its staves: the label's own and those in `staves` for a page)."""
    flags = []
    for label in test_set.labels:
        staves = label.extra.get("staves", ())
        if test_set.parts == 1:
            headers = (label.header, *(StaffHeader.from_json(staff) for staff in staves))
            flags.append(metrics.holds_new_material(label.events, headers))
            continue
        for part in range(test_set.parts):
            own = [staff for staff in staves if staff["part"] == part + 1]
            events = [e for staff in own for e in label.events[staff["events"][0]:staff["events"][1]]]
            flags.append(metrics.holds_new_material(events, [StaffHeader.from_json(staff) for staff in own]))
    return flags


def material_figures(predicted: Sequence, truth: Sequence, new_material: Sequence[bool],
                     bootstrap: tuple[int, int] = (metrics.BOOTSTRAP_RESAMPLES, metrics.BOOTSTRAP_SEED)) -> dict:
    """`ser_new_material`, `ser_other`, their image counts and intervals (`bootstrap` = (resamples, seed)): the keys
    every set's metrics gain after the others (rounded as they are)."""
    resamples, seed = bootstrap
    found = {**metrics.ser_by_material(predicted, truth, new_material),
             **metrics.material_intervals([predicted], truth, new_material, seed, resamples)}
    return {key: _rounded(value) for key, value in found.items()}


def _rounded(value: float | list | None) -> float | list | None:
    """Six decimals; an interval's two ends each (the metrics files' only list values); a count stays an int."""
    if isinstance(value, list):
        return [_rounded(end) for end in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return value
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
        truth = ([label.events for label in test_set.labels] if test_set.parts == 1
                 else part_truth(test_set, test_set.parts))
        flags = new_material_flags(test_set)
        for seed, predictor in predictors.items():
            if test_set.is_pages:
                readings = read_pages(predictor, test_set.images, recognize_config, config.batch_size)
                scored[seed] = (score_part_pages(readings, test_set, test_set.parts, (resamples, bootstrap_seed))
                                if test_set.parts > 1 else score_pages(readings, test_set, (resamples, bootstrap_seed)))
                predicted.append(part_sequences(readings, test_set, test_set.parts)[0] if test_set.parts > 1
                                 else [reading.events for reading in readings])
            else:
                recognitions = recognize_all(predictor, test_set.images, recognize_config, config.batch_size)
                scored[seed] = score_test_set(recognitions, test_set, recognize_config, predictor.approach,
                                              (resamples, bootstrap_seed))
                predicted.append([recognition.events for recognition in recognitions])
            # Issue 29's figure, after every other key (so the metrics files only gain keys).
            scored[seed].update(material_figures(predicted[-1], truth, flags, (resamples, bootstrap_seed)))
        pooled = metrics.seed_pooled_intervals(predicted, truth, bootstrap_seed, resamples)
        pooled.update(metrics.material_intervals(predicted, truth, flags, bootstrap_seed, resamples))
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
