"""The `engraved` test set: seeded corpus windows, engraved by verovio, verified, written in the shared format."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np
from PIL import Image

from omr.engrave.candidates import first_results
from omr.engrave.corpus import TuneRef, WindowRejected, cut_window, list_tunes, parse_tune
from omr.engrave.sample import VERIFICATION_FAILURES, EngravedSample, EngravingStyle, engrave_window
from omr.engrave.verovio_svg import FONTS, make_toolkit
from omr.io import atomic_directory, atomic_write_bytes, atomic_write_text
from omr.samples import BOX_CLASSES, MASK_CLASSES, SampleLabel, write_labels

DATASET_NAME = "engraved"
SPLIT = "test"
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
        if self.windows < 1:
            raise ValueError(f"windows must be >= 1, got {self.windows}")
        if not 1 <= self.notes[0] <= self.notes[1]:
            raise ValueError(f"notes must be [fewest, most] with 1 <= fewest <= most, got {list(self.notes)}")
        if not 0.0 <= self.half_probability <= 1.0:
            raise ValueError(f"half_probability must be in [0, 1], got {self.half_probability}")
        if self.positions[0] > self.positions[1]:
            raise ValueError(f"positions must be [lowest, highest], got {list(self.positions)}")
        unknown = [font for font in self.fonts if font not in FONTS]
        if not self.fonts or unknown:
            raise ValueError(f"fonts must be a non-empty list of {list(FONTS)}, got {list(self.fonts)}")


@dataclass(frozen=True)
class TuneResult:
    """What one candidate tune gave: a sample (PNG bytes + labels) or the reason it was refused."""

    tune: TuneRef
    font: str
    title: str = ""
    png: bytes | None = None
    sample: EngravedSample | None = None
    reason: str | None = None


_toolkit = None  # one verovio toolkit per worker process


def engrave_tune(config: EngravedConfig, tune: TuneRef, candidate: int) -> TuneResult:
    """Cut and engrave the window of candidate number `candidate`; its randomness depends on (seed, candidate) only."""
    global _toolkit
    if _toolkit is None:
        _toolkit = make_toolkit()
    rng = np.random.default_rng([config.seed, candidate])
    font = config.fonts[int(rng.integers(len(config.fonts)))]
    try:
        window = cut_window(parse_tune(tune), tune, rng, config.notes, config.half_probability, config.positions)
        sample = engrave_window(_toolkit, window, font, config.style)
    except WindowRejected as rejected:
        return TuneResult(tune=tune, font=font, reason=rejected.reason)
    buffer = io.BytesIO()
    Image.fromarray(sample.image).save(buffer, format="PNG")
    return TuneResult(tune=tune, font=font, title=window.title, png=buffer.getvalue(), sample=sample)


def _engrave_candidate(job: tuple[EngravedConfig, TuneRef, int]) -> TuneResult:
    return engrave_tune(*job)


def engraved_results(config: EngravedConfig, workers: int = 0) -> Iterator[TuneResult]:
    """Results for the tunes in seeded order, until `config.windows` samples were made (or the corpus runs out)."""
    tunes = list_tunes(config.collections)
    order = np.random.default_rng(config.seed).permutation(len(tunes))
    jobs = ((config, tunes[index], int(index)) for index in order)
    yield from first_results(_engrave_candidate, jobs, config.windows, lambda r: r.sample is not None, workers)


def write_engraved_dataset(out_dir: Path, config: EngravedConfig, workers: int = 0) -> dict:
    """Write data/datasets/engraved (test split only, no masks) atomically; returns its meta.json content."""
    labels, drops, fonts = [], Counter(), Counter()
    with atomic_directory(Path(out_dir)) as tmp:
        split_dir = tmp / SPLIT
        for result in engraved_results(config, workers):
            if result.sample is None:
                drops[result.reason] += 1
                continue
            sample_id = f"{len(labels):05d}"
            atomic_write_bytes(split_dir / "images" / f"{sample_id}.png", result.png)
            labels.append(_label(sample_id, result))
            fonts[result.font] += 1
        if len(labels) < config.windows:
            raise ValueError(f"the corpus gave only {len(labels)} of the {config.windows} windows asked for")
        write_labels(split_dir / "labels.jsonl", labels)
        meta = {
            "name": DATASET_NAME,
            "mask_classes": list(MASK_CLASSES),
            "box_classes": list(BOX_CLASSES),
            "splits": {SPLIT: len(labels)},
            "note_count": sum(len(label.notes) for label in labels),
            "accidental_count": sum(1 for label in labels for note in label.notes if note.accidental is not None),
            # The key signature's signs are boxed as `sharp`/`flat` too (as our renderer does), one box per sign.
            "key_signature_boxes": sum(abs(label.key_fifths) for label in labels),
            "fonts": dict(sorted(fonts.items())),
            "tunes_tried": len(labels) + sum(drops.values()),
            # Windows refused by label verification (the engraved notehead's pitch differs from the source, ...).
            "verification_drops": {reason: drops[reason] for reason in VERIFICATION_FAILURES},
            # Tunes or windows refused before engraving (chords, grace notes, tuplets, range, clef, parse errors).
            "selection_drops": {r: n for r, n in sorted(drops.items()) if r not in VERIFICATION_FAILURES},
            "params": _plain(asdict(config)),
        }
        atomic_write_text(tmp / "meta.json", json.dumps(meta, indent=2) + "\n")
    return meta


def _label(sample_id: str, result: TuneResult) -> SampleLabel:
    sample = result.sample
    height, width = sample.image.shape
    return SampleLabel(
        id=sample_id,
        image=f"images/{sample_id}.png",
        mask=None,
        width=width,
        height=height,
        staff_space=sample.staff_space,
        staff_lines=sample.staff_lines,
        events=sample.notes,
        boxes=sample.boxes,
        clef=sample.clef,
        key_fifths=sample.key_fifths,
        time=sample.time,
        barlines=sample.barlines,
        extra={"source": result.tune.name, "title": result.title, "font": result.font},
    )


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
