"""The `engraved_real` test set: seeded windows of whole measures as written, engraved by verovio, verified, written
in the shared format (test split only, no masks)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from omr.engrave.corpus import TuneRef, WindowRejected, parse_tune
from omr.engrave.dataset import COLLECTIONS
from omr.engrave.measures import cut_measure_window
from omr.engrave.page import PageSample
from omr.engrave.real_sample import RealSample, RealStyle, engrave_measure_window
from omr.engrave.real_verify import REAL_VERIFICATION_FAILURES
from omr.engrave.sets import (SPLIT, candidate_draws, check_window_config, counts, event_contents, fuller_counts,
                              png_bytes, refusals_and_params, sample_label, seeded_results, worker_toolkit,
                              write_test_split)
from omr.samples import NOTATION_BOX_CLASSES, SampleLabel

DATASET_NAME = "engraved_real"


@dataclass(frozen=True)
class EngravedRealConfig:
    """params.yaml `engraved_real`: how many windows, from which tunes, how many measures, how many in bass clef."""

    seed: int = 0
    windows: int = 200
    collections: tuple[str, ...] = COLLECTIONS
    measures: tuple[int, int] = (1, 4)  # fewest and most whole measures per window
    bass_probability: float = 0.3  # chance that a window is moved down one or two octaves into bass clef
    positions: tuple[int, int] = (-4, 12)  # staff positions allowed for the window's clef (two ledger lines)
    fonts: tuple[str, ...] = ("Leipzig", "Bravura")
    style: RealStyle = field(default_factory=RealStyle)

    def __post_init__(self) -> None:
        check_window_config(self, span="measures", probability="bass_probability")


@dataclass(frozen=True)
class WindowResult:
    """What one candidate tune gave: a sample (PNG bytes + labels: a RealSample window, or a PageSample for the
    `pages` set) or the reason it was refused."""

    tune: TuneRef
    font: str
    title: str = ""
    first_measure: int = 0
    octave_shift: int = 0
    png: bytes | None = None
    sample: RealSample | PageSample | None = None
    reason: str | None = None


def engrave_real_candidate(job: tuple[EngravedRealConfig, TuneRef, int]) -> WindowResult:
    """Cut and engrave candidate number `candidate`; its randomness depends on (seed, candidate) only."""
    config, tune, candidate = job
    toolkit = worker_toolkit()
    rng, font = candidate_draws(config, candidate)
    try:
        window = cut_measure_window(parse_tune(tune), tune, rng, config.measures, config.bass_probability,
                                    config.positions)
        sample = engrave_measure_window(toolkit, window, font, config.style)
    except WindowRejected as rejected:
        return WindowResult(tune=tune, font=font, reason=rejected.reason)
    return WindowResult(tune=tune, font=font, title=window.title, first_measure=window.first_measure,
                      octave_shift=window.octave_shift, png=png_bytes(sample.image), sample=sample)


def engraved_real_results(config: EngravedRealConfig, workers: int = 0) -> Iterator[WindowResult]:
    """Results for the tunes in seeded order, until `config.windows` samples were made (or the corpus runs out)."""
    yield from seeded_results(engrave_real_candidate, config, workers)


def write_engraved_real_dataset(out_dir: Path, config: EngravedRealConfig, workers: int = 0) -> dict:
    """Write data/datasets/engraved_real (test split only, no masks) atomically; returns its meta.json content."""
    return write_test_split(out_dir, engraved_real_results(config, workers), config.windows, _label,
                            lambda labels, results, drops: dataset_meta(labels, results, drops, config))


def dataset_meta(labels: list[SampleLabel], results: list[WindowResult], drops: Counter, config) -> dict:
    """meta.json: classes, split size, what the windows hold, what was refused and why, the params."""
    return {
        "name": DATASET_NAME,
        "mask_classes": [],
        "box_classes": list(NOTATION_BOX_CLASSES),  # the renderer's vocabulary, whole and in its order
        "splits": {SPLIT: len(labels)},
        "windows": len(labels),
        **event_contents(labels),
        "measures": counts(str(len(label.header.barlines)) for label in labels),
        "clefs": counts(label.header.clef for label in labels),
        "octave_shifts": counts(str(result.octave_shift) for result in results),
        "key_signatures": counts(str(label.header.key_fifths) for label in labels),
        "time_signatures": counts(label.header.time for label in labels),
        "fonts": counts(result.font for result in results),
        "width": {"min": min(label.width for label in labels), "max": max(label.width for label in labels)},
        "fuller": fuller_counts([(label.events, [label.header]) for label in labels]),
        # verification_drops: windows refused by label verification (SVG vs source vs verovio's attributes; the
        # MusicXML round trip); selection_drops: tunes or windows refused before engraving (what CONTRACT's events
        # cannot say, range, clef, parse errors).
        **refusals_and_params(labels, drops, REAL_VERIFICATION_FAILURES, config),
    }


def _label(sample_id: str, result: WindowResult) -> SampleLabel:
    return sample_label(sample_id, result.sample, result.sample.events,
                        {"source": result.tune.name, "title": result.title, "font": result.font,
                         "first_measure": result.first_measure, "octave_shift": result.octave_shift})
