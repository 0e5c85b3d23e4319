"""The `engraved_generated` set (issue 25): random staves of our v03 generator engraved by verovio in SMuFL fonts the
test sets never use, with distractors drawn and left out of the events; train and val splits, the reader's data.

Candidate k of a split draws everything from its own generator (omr.render.dataset.sample_rng(seed, split, k)): the
staff first, exactly as v03 would draw it, then its font, whether its time signature is printed, and its
distractors. A candidate that fails verification (omr.engrave.generated_sample) is dropped and counted; the next
candidate takes its place, so the set is the same bytes for a seed whatever the number of workers.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Iterator

from omr.engrave.candidates import first_results
from omr.engrave.corpus import TuneRef, WindowRejected
from omr.engrave.distractors import DistractorRates, draw_distractors, mark_kinds
from omr.engrave.generated import staff_measures
from omr.engrave.generated_sample import GENERATOR_MISMATCH, engrave_generated
from omr.engrave.real_sample import RealSample, RealStyle
from omr.engrave.real_verify import REAL_VERIFICATION_FAILURES
from omr.engrave.sets import counts, sample_label, worker_toolkit
from omr.engrave.verovio_svg import FONTS
from omr.io import atomic_directory, atomic_write_bytes, atomic_write_text
from omr.render.dataset import encode_png, label_statistics, sample_rng
from omr.render.notation import NotationConfig
from omr.samples import NOTATION_BOX_CLASSES, SampleLabel, write_labels

DATASET_NAME = "engraved_generated"
SPLITS = ("train", "val")
TEST_SET_FONTS = ("Leipzig", "Bravura")  # the engraved test sets' fonts: never in a training set, so they stay unseen
GENERATED_FAILURES = (*REAL_VERIFICATION_FAILURES, GENERATOR_MISMATCH)
CANDIDATES_PER_SAMPLE = 2  # a split gives up (ValueError) after 2 x its size + 20 candidates: verification is broken


@dataclass(frozen=True)
class EngravedGeneratedConfig:
    """params.yaml `engraved_generated`: samples per split, verovio's fonts, the generator's knobs (v03's
    `notation`; its time_signature_probability is the chance the meter is printed), the distractors' rates, the
    frame."""

    seed: int = 25
    train: int = 3000
    val: int = 300
    fonts: tuple[str, ...] = ("Gootville", "Leland", "Petaluma")
    notation: NotationConfig = field(default_factory=NotationConfig)
    distractors: DistractorRates = field(default_factory=DistractorRates)
    style: RealStyle = field(default_factory=RealStyle)

    def __post_init__(self) -> None:
        for split in SPLITS:
            if getattr(self, split) < 0:
                raise ValueError(f"{split} must be >= 0, got {getattr(self, split)}")
        if not any(getattr(self, split) for split in SPLITS):
            raise ValueError("train/val: at least one split needs samples")
        unknown = [font for font in self.fonts if font not in FONTS]
        if not self.fonts or unknown:
            raise ValueError(f"fonts must be a non-empty list of {list(FONTS)}, got {list(self.fonts)}")
        seen = [font for font in self.fonts if font in TEST_SET_FONTS]
        if seen:
            raise ValueError(f"fonts: {seen} engrave the test sets and must stay unseen in training; use others of "
                             f"{[font for font in FONTS if font not in TEST_SET_FONTS]}")

    @property
    def splits(self) -> dict[str, int]:
        return {split: getattr(self, split) for split in SPLITS if getattr(self, split) > 0}


@dataclass(frozen=True)
class GeneratedResult:
    """What candidate `candidate` of a split gave: PNG bytes and a verified sample, or the reason it was dropped."""

    candidate: int
    font: str  # the font engraved in: the one drawn, or the next that holds every glyph (generated_sample)
    drawn_font: str
    marks: tuple[str, ...] = ()
    png: bytes | None = None
    sample: RealSample | None = None
    reason: str | None = None


def engrave_generated_candidate(job: tuple[EngravedGeneratedConfig, str, int]) -> GeneratedResult:
    """Draw and engrave candidate `candidate` of `split`; its randomness depends on (seed, split, candidate) only."""
    config, split, candidate = job
    rng = sample_rng(config.seed, split, candidate)
    # The meter is always drawn printed, so the window knows it; whether verovio prints it is drawn after the staff
    # (the rng's draws are the same either way: v03's staff for the same generator).
    staff = replace(config.notation, time_signature_probability=1.0).random(rng)
    first = int(rng.integers(len(config.fonts)))
    font = config.fonts[first]
    hide_time = bool(rng.random() >= config.notation.time_signature_probability)
    marks = draw_distractors(rng, staff, staff_measures(staff), config.distractors, hide_time)
    kinds = mark_kinds(staff, marks)
    try:
        sample, used = engrave_generated(worker_toolkit(), staff, staff.time_signature, marks,
                                         config.fonts[first:] + config.fonts[:first], config.style,
                                         TuneRef(f"generated/{split}", candidate))
    except WindowRejected as rejected:
        return GeneratedResult(candidate, font, font, kinds, reason=rejected.reason)
    return GeneratedResult(candidate, used, font, kinds, png=encode_png(sample.image), sample=sample)


def split_results(config: EngravedGeneratedConfig, split: str, workers: int = 0) -> Iterator[GeneratedResult]:
    """Results of the split's candidates in order, until it holds its samples (at most CANDIDATES_PER_SAMPLE x its
    size + 20 candidates are tried)."""
    wanted = config.splits[split]
    jobs = ((config, split, candidate) for candidate in range(CANDIDATES_PER_SAMPLE * wanted + 20))
    yield from first_results(engrave_generated_candidate, jobs, wanted, lambda r: r.sample is not None, workers)


def write_engraved_generated_dataset(out_dir: Path, config: EngravedGeneratedConfig, workers: int = 0) -> dict:
    """Write data/datasets/engraved_generated (train and val, no masks) atomically; returns its meta.json content."""
    meta = {"name": DATASET_NAME, "mask_classes": [], "box_classes": list(NOTATION_BOX_CLASSES),
            "splits": config.splits, "fonts": {}, "font_fallbacks": {}, "marks": {}, "statistics": {},
            "candidates_tried": {}, "verification_drops": {}, "other_drops": {}}
    with atomic_directory(Path(out_dir)) as tmp:
        for split, wanted in config.splits.items():
            labels, results, drops = [], [], Counter()
            for result in split_results(config, split, workers):
                if result.sample is None:
                    drops[result.reason] += 1
                    continue
                sample_id = f"{len(labels):06d}"
                atomic_write_bytes(tmp / split / "images" / f"{sample_id}.png", result.png)
                labels.append(_label(sample_id, result))
                results.append(result)
            if len(labels) < wanted:
                raise ValueError(f"engraved_generated.{split}: only {len(labels)} of {wanted} candidates passed "
                                 f"verification (drops: {dict(drops)})")
            write_labels(tmp / split / "labels.jsonl", labels)
            meta["fonts"][split] = counts(result.font for result in results)
            meta["font_fallbacks"][split] = counts(f"{result.drawn_font} -> {result.font}" for result in results
                                                   if result.font != result.drawn_font)
            meta["marks"][split] = counts(kind for result in results for kind in result.marks)
            meta["statistics"][split] = label_statistics(label.to_json() for label in labels)
            meta["candidates_tried"][split] = len(labels) + sum(drops.values())
            meta["verification_drops"][split] = {reason: drops[reason] for reason in GENERATED_FAILURES}
            meta["other_drops"][split] = {r: n for r, n in sorted(drops.items()) if r not in GENERATED_FAILURES}
        meta["params"] = asdict(config)
        atomic_write_text(tmp / "meta.json", json.dumps(meta, indent=2) + "\n")
    return meta


def _label(sample_id: str, result: GeneratedResult) -> SampleLabel:
    return sample_label(sample_id, result.sample, result.sample.events,
                        {"candidate": result.candidate, "font": result.font, "marks": list(result.marks)})
