"""The `engraved_lilypond` test set: engraved_real's windows engraved by LilyPond (an engraver no training set uses),
verified, written in the shared format (test split only, no masks).

Same windows: a candidate's window is cut by engraved_real's code from the generator engraved_real gives that
candidate (its font draw spent), so with the same seed and selection params the two sets hold the same windows and the
engraver is the only difference; they differ only where one engraver's verification drops a window the other keeps
(join the two on `source`, `first_measure` and `octave_shift`).
"""

from __future__ import annotations

import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from omr.engrave.candidates import first_results
from omr.engrave.corpus import TuneRef, WindowRejected, list_tunes, parse_tune
from omr.engrave.dataset import COLLECTIONS
from omr.engrave.lilypond import engrave_lilypond_svgs, lilypond_executable, window_lilypond
from omr.engrave.lilypond_sample import LILYPOND_BOX_CLASSES, LilypondStyle, lilypond_window_sample
from omr.engrave.lilypond_signatures import LILYPOND_SIGNATURE_FAILURES
from omr.engrave.lilypond_svg import glyph_atlas
from omr.engrave.lilypond_verify import LILYPOND_EVENT_FAILURES
from omr.engrave.measures import cut_measure_window
from omr.engrave.real_dataset import EngravedRealConfig, WindowResult
from omr.engrave.sets import (SPLIT, counts, event_contents, fuller_counts, png_bytes, refusals_and_params,
                              sample_label, write_test_split)
from omr.samples import NOTATION_BOX_CLASSES, SampleLabel

DATASET_NAME = "engraved_lilypond"
FONT = "Emmentaler"  # LilyPond's own music font (the only one Debian's package ships)
BATCH = 8  # windows per LilyPond run: its start-up is most of a window's cost; results never depend on it
ENGRAVED_REAL_FONT_DRAW = len(EngravedRealConfig().fonts)  # engraved_real draws a font from two before its window
LILYPOND_VERIFICATION_FAILURES = (
    "lilypond_failed", "lilypond_warning", "more_than_one_page", "unreadable_svg", "unknown_glyph",
    "staff_count_mismatch", *LILYPOND_EVENT_FAILURES, "alter_unreadable", *LILYPOND_SIGNATURE_FAILURES,
    "round_trip_mismatch", "outside_image",
)


@dataclass(frozen=True)
class EngravedLilypondConfig:
    """params.yaml `engraved_lilypond`: engraved_real's window selection (keep it equal to engraved_real's for the
    same windows) and the frame."""

    seed: int = 0
    windows: int = 200
    collections: tuple[str, ...] = COLLECTIONS
    measures: tuple[int, int] = (1, 4)
    bass_probability: float = 0.3
    positions: tuple[int, int] = (-4, 12)
    style: LilypondStyle = field(default_factory=LilypondStyle)

    def __post_init__(self) -> None:
        # engraved_real's checks, fonts aside (LilyPond has one).
        EngravedRealConfig(seed=self.seed, windows=self.windows, collections=self.collections, measures=self.measures,
                           bass_probability=self.bass_probability, positions=self.positions)


def window_rng(seed: int, candidate: int) -> np.random.Generator:
    """engraved_real's generator for a candidate, after its font draw (omr.engrave.sets.candidate_draws): the window
    cut from it is engraved_real's."""
    rng = np.random.default_rng([seed, candidate])
    rng.integers(ENGRAVED_REAL_FONT_DRAW)
    return rng


def engrave_lilypond_batch(job: tuple[EngravedLilypondConfig, tuple[tuple[TuneRef, int], ...]]) -> list[WindowResult]:
    """Cut the windows of a few candidates and engrave them in one LilyPond run; one result per candidate, in order."""
    config, candidates = job
    windows: list = []
    for tune, candidate in candidates:
        try:
            windows.append(cut_measure_window(parse_tune(tune), tune, window_rng(config.seed, candidate),
                                              config.measures, config.bass_probability, config.positions))
        except WindowRejected as rejected:
            windows.append(rejected)
    inputs = {i: window_lilypond(w) for i, w in enumerate(windows) if not isinstance(w, WindowRejected)}
    svgs = dict(zip(inputs, engrave_lilypond_svgs([ly.text for ly in inputs.values()])))
    atlas = glyph_atlas() if inputs else {}
    results = []
    for index, ((tune, _), window) in enumerate(zip(candidates, windows)):
        try:
            if isinstance(window, WindowRejected):
                raise window
            if isinstance(svgs[index], WindowRejected):
                raise svgs[index]
            sample = lilypond_window_sample(svgs[index], inputs[index], window, config.style, atlas)
        except WindowRejected as rejected:
            results.append(WindowResult(tune=tune, font=FONT, reason=rejected.reason))
            continue
        results.append(WindowResult(tune=tune, font=FONT, title=window.title, first_measure=window.first_measure,
                                    octave_shift=window.octave_shift, png=png_bytes(sample.image), sample=sample))
    return results


def engraved_lilypond_results(config: EngravedLilypondConfig, workers: int = 0) -> Iterator[WindowResult]:
    """Results for the tunes in engraved_real's seeded order, until `config.windows` samples were made."""
    lilypond_executable()  # fails early, with how to install it, where there is none
    tunes = list_tunes(config.collections)
    order = [int(index) for index in np.random.default_rng(config.seed).permutation(len(tunes))]
    jobs = ((config, tuple((tunes[i], i) for i in order[start:start + BATCH])) for start in range(0, len(order), BATCH))
    made = 0
    for batch in first_results(engrave_lilypond_batch, jobs, config.windows,
                               lambda results: any(r.sample is not None for r in results), workers):
        for result in batch:
            yield result
            made += result.sample is not None
            if made >= config.windows:
                return


def write_engraved_lilypond_dataset(out_dir: Path, config: EngravedLilypondConfig, workers: int = 0) -> dict:
    """Write data/datasets/engraved_lilypond (test split only, no masks) atomically; returns its meta.json content."""
    return write_test_split(out_dir, engraved_lilypond_results(config, workers), config.windows, _label,
                            lambda labels, results, drops: dataset_meta(labels, drops, config))


def lilypond_version() -> str:
    """`lilypond --version`'s first line: the set depends on it (glyphs, spacing), so meta.json records it."""
    done = subprocess.run([lilypond_executable(), "--version"], capture_output=True, text=True, timeout=60)
    return done.stdout.splitlines()[0].strip() if done.stdout else "unknown"


def dataset_meta(labels: list[SampleLabel], drops: Counter, config: EngravedLilypondConfig) -> dict:
    """meta.json: classes, engraver, split size, what the windows hold, what was refused and why, the params."""
    return {
        "name": DATASET_NAME,
        "engraver": lilypond_version(),
        "mask_classes": [],
        "box_classes": list(NOTATION_BOX_CLASSES),  # the vocabulary, whole and in its order (class indices)
        "box_classes_present": [name for name in LILYPOND_BOX_CLASSES
                                if any(box.label == name for label in labels for box in label.boxes)],
        "splits": {SPLIT: len(labels)},
        "windows": len(labels),
        **event_contents(labels),
        "clefs": counts(label.header.clef for label in labels),
        "key_signatures": counts(str(label.header.key_fifths) for label in labels),
        "time_signatures": counts(label.header.time for label in labels),
        "width": {"min": min(label.width for label in labels), "max": max(label.width for label in labels)},
        "fuller": fuller_counts([(label.events, [label.header]) for label in labels]),
        **refusals_and_params(labels, drops, LILYPOND_VERIFICATION_FAILURES, config),
    }


def _label(sample_id: str, result: WindowResult) -> SampleLabel:
    return sample_label(sample_id, result.sample, result.sample.events,
                        {"source": result.tune.name, "title": result.title, "font": result.font,
                         "first_measure": result.first_measure, "octave_shift": result.octave_shift})
