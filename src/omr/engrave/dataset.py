"""The `engraved` test set: seeded corpus windows, engraved by verovio, verified, written in the shared format."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from omr.engrave.corpus import TuneRef, WindowRejected, cut_window, parse_tune
from omr.engrave.sample import VERIFICATION_FAILURES, EngravedSample, EngravingStyle, engrave_window
from omr.engrave.sets import (SPLIT, candidate_draws, check_window_config, counts, png_bytes, refusals_and_params,
                              sample_label, seeded_results, worker_toolkit, write_test_split)
from omr.samples import BOX_CLASSES, MASK_CLASSES, SampleLabel

DATASET_NAME = "engraved"
COLLECTIONS = ("essenFolksong", "oneills1850", "ryansMammoth", "airdsAirs", "miscFolk")


@dataclass(frozen=True)
class EngravedConfig:
    """params.yaml `engraved`: how many windows, from which tunes, how long, and how they are engraved."""

    seed: int = 0
    windows: int = 200
    collections: tuple[str, ...] = COLLECTIONS
    notes: tuple[int, int] = (4, 16)  # fewest and most notes per window
    half_probability: float = 0.3  # chance that a note is rewritten as a half (else a quarter)
    positions: tuple[int, int] = (-4, 12)  # lowest and highest treble staff position allowed (A3 .. C6)
    fonts: tuple[str, ...] = ("Leipzig", "Bravura")
    style: EngravingStyle = field(default_factory=EngravingStyle)

    def __post_init__(self) -> None:
        check_window_config(self, span="notes", probability="half_probability")


@dataclass(frozen=True)
class TuneResult:
    """What one candidate tune gave: a sample (PNG bytes + labels) or the reason it was refused."""

    tune: TuneRef
    font: str
    title: str = ""
    png: bytes | None = None
    sample: EngravedSample | None = None
    reason: str | None = None


def engrave_tune(config: EngravedConfig, tune: TuneRef, candidate: int) -> TuneResult:
    """Cut and engrave the window of candidate number `candidate`; its randomness depends on (seed, candidate) only."""
    toolkit = worker_toolkit()
    rng, font = candidate_draws(config, candidate)
    try:
        window = cut_window(parse_tune(tune), tune, rng, config.notes, config.half_probability, config.positions)
        sample = engrave_window(toolkit, window, font, config.style)
    except WindowRejected as rejected:
        return TuneResult(tune=tune, font=font, reason=rejected.reason)
    return TuneResult(tune=tune, font=font, title=window.title, png=png_bytes(sample.image), sample=sample)


def _engrave_candidate(job: tuple[EngravedConfig, TuneRef, int]) -> TuneResult:
    return engrave_tune(*job)


def engraved_results(config: EngravedConfig, workers: int = 0) -> Iterator[TuneResult]:
    """Results for the tunes in seeded order, until `config.windows` samples were made (or the corpus runs out)."""
    yield from seeded_results(_engrave_candidate, config, workers)


def write_engraved_dataset(out_dir: Path, config: EngravedConfig, workers: int = 0) -> dict:
    """Write data/datasets/engraved (test split only, no masks) atomically; returns its meta.json content."""
    return write_test_split(out_dir, engraved_results(config, workers), config.windows, _label,
                            lambda labels, results, drops: dataset_meta(labels, results, drops, config))


def dataset_meta(labels: list[SampleLabel], results: list[TuneResult], drops: Counter, config: EngravedConfig) -> dict:
    """meta.json: classes, split size, notes and accidentals, fonts, what was refused and why, the params."""
    # verification_drops: windows refused by label verification (the engraved notehead's pitch differs from the
    # source, ...); selection_drops: tunes or windows refused before engraving (chords, grace notes, tuplets, range,
    # clef, parse errors).
    return {
        "name": DATASET_NAME,
        "mask_classes": list(MASK_CLASSES),
        "box_classes": list(BOX_CLASSES),
        "splits": {SPLIT: len(labels)},
        "note_count": sum(len(label.notes) for label in labels),
        "accidental_count": sum(1 for label in labels for note in label.notes if note.accidental is not None),
        # The key signature's signs are boxed as `sharp`/`flat` too (as our renderer does), one box per sign.
        "key_signature_boxes": sum(abs(label.header.key_fifths) for label in labels),
        "fonts": counts(result.font for result in results),
        **refusals_and_params(labels, drops, VERIFICATION_FAILURES, config),
    }


def _label(sample_id: str, result: TuneResult) -> SampleLabel:
    return sample_label(sample_id, result.sample, result.sample.notes,
                        {"source": result.tune.name, "title": result.title, "font": result.font})
