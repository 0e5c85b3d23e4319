"""The `engraved_real` test set: seeded windows of whole measures as written, engraved by verovio, verified, written
in the shared format (test split only, no masks)."""

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
from omr.engrave.corpus import TuneRef, WindowRejected, list_tunes, parse_tune
from omr.engrave.dataset import COLLECTIONS
from omr.engrave.measures import cut_measure_window
from omr.engrave.real_sample import RealSample, RealStyle, engrave_measure_window
from omr.engrave.real_verify import REAL_VERIFICATION_FAILURES
from omr.engrave.verovio_svg import FONTS, make_toolkit
from omr.io import atomic_directory, atomic_write_bytes, atomic_write_text
from omr.samples import NOTATION_BOX_CLASSES, SampleLabel, write_labels

DATASET_NAME = "engraved_real"
SPLIT = "test"


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
        if self.windows < 1:
            raise ValueError(f"windows must be >= 1, got {self.windows}")
        if not 1 <= self.measures[0] <= self.measures[1]:
            raise ValueError(f"measures must be [fewest, most] with 1 <= fewest <= most, got {list(self.measures)}")
        if not 0.0 <= self.bass_probability <= 1.0:
            raise ValueError(f"bass_probability must be in [0, 1], got {self.bass_probability}")
        if self.positions[0] > self.positions[1]:
            raise ValueError(f"positions must be [lowest, highest], got {list(self.positions)}")
        unknown = [font for font in self.fonts if font not in FONTS]
        if not self.fonts or unknown:
            raise ValueError(f"fonts must be a non-empty list of {list(FONTS)}, got {list(self.fonts)}")


@dataclass(frozen=True)
class RealResult:
    """What one candidate tune gave: a sample (PNG bytes + labels) or the reason it was refused."""

    tune: TuneRef
    font: str
    title: str = ""
    first_measure: int = 0
    octave_shift: int = 0
    png: bytes | None = None
    sample: RealSample | None = None
    reason: str | None = None


_toolkit = None  # one verovio toolkit per worker process


def engrave_real_candidate(job: tuple[EngravedRealConfig, TuneRef, int]) -> RealResult:
    """Cut and engrave candidate number `candidate`; its randomness depends on (seed, candidate) only."""
    global _toolkit
    config, tune, candidate = job
    if _toolkit is None:
        _toolkit = make_toolkit()
    rng = np.random.default_rng([config.seed, candidate])
    font = config.fonts[int(rng.integers(len(config.fonts)))]
    try:
        window = cut_measure_window(parse_tune(tune), tune, rng, config.measures, config.bass_probability,
                                    config.positions)
        sample = engrave_measure_window(_toolkit, window, font, config.style)
    except WindowRejected as rejected:
        return RealResult(tune=tune, font=font, reason=rejected.reason)
    buffer = io.BytesIO()
    Image.fromarray(sample.image).save(buffer, format="PNG")
    return RealResult(tune=tune, font=font, title=window.title, first_measure=window.first_measure,
                      octave_shift=window.octave_shift, png=buffer.getvalue(), sample=sample)


def engraved_real_results(config: EngravedRealConfig, workers: int = 0) -> Iterator[RealResult]:
    """Results for the tunes in seeded order, until `config.windows` samples were made (or the corpus runs out)."""
    tunes = list_tunes(config.collections)
    order = np.random.default_rng(config.seed).permutation(len(tunes))
    jobs = ((config, tunes[index], int(index)) for index in order)
    yield from first_results(engrave_real_candidate, jobs, config.windows, lambda r: r.sample is not None, workers)


def write_engraved_real_dataset(out_dir: Path, config: EngravedRealConfig, workers: int = 0) -> dict:
    """Write data/datasets/engraved_real (test split only, no masks) atomically; returns its meta.json content."""
    labels, drops, results = [], Counter(), []
    with atomic_directory(Path(out_dir)) as tmp:
        split_dir = tmp / SPLIT
        for result in engraved_real_results(config, workers):
            if result.sample is None:
                drops[result.reason] += 1
                continue
            sample_id = f"{len(labels):05d}"
            atomic_write_bytes(split_dir / "images" / f"{sample_id}.png", result.png)
            labels.append(_label(sample_id, result))
            results.append(result)
        if len(labels) < config.windows:
            raise ValueError(f"the corpus gave only {len(labels)} of the {config.windows} windows asked for")
        write_labels(split_dir / "labels.jsonl", labels)
        meta = dataset_meta(labels, results, drops, config)
        atomic_write_text(tmp / "meta.json", json.dumps(meta, indent=2) + "\n")
    return meta


def dataset_meta(labels: list[SampleLabel], results: list[RealResult], drops: Counter, config) -> dict:
    """meta.json: classes, split size, what the windows hold, what was refused and why, the params."""
    events = [event for label in labels for event in label.events]
    notes = [event for event in events if event.kind == "note"]
    return {
        "name": DATASET_NAME,
        "mask_classes": [],
        "box_classes": list(NOTATION_BOX_CLASSES),  # the renderer's vocabulary, whole and in its order
        "splits": {SPLIT: len(labels)},
        "windows": len(labels),
        "event_count": len(events),
        "events": _counts(f"{event.kind}_{event.duration}" for event in events),
        "note_count": len(notes),
        "rest_count": len(events) - len(notes),
        "dotted": _counts(f"{event.kind}_{event.dots}_dots" for event in events if event.dots),
        "ties": sum(note.tie in ("start", "continue") for note in notes),
        "printed_accidentals": _counts(note.accidental for note in notes if note.accidental is not None),
        "altered_notes": sum(note.alter != 0 for note in notes),
        "measures": _counts(str(len(label.barlines)) for label in labels),
        "clefs": _counts(label.clef for label in labels),
        "octave_shifts": _counts(str(result.octave_shift) for result in results),
        "key_signatures": _counts(str(label.key_fifths) for label in labels),
        "time_signatures": _counts(label.time for label in labels),
        "fonts": _counts(result.font for result in results),
        "width": {"min": min(label.width for label in labels), "max": max(label.width for label in labels)},
        "tunes_tried": len(labels) + sum(drops.values()),
        # Windows refused by label verification (SVG vs source vs verovio's attributes; the MusicXML round trip).
        "verification_drops": {reason: drops[reason] for reason in REAL_VERIFICATION_FAILURES},
        # Tunes or windows refused before engraving (what CONTRACT's events cannot say, range, clef, parse errors).
        "selection_drops": {r: n for r, n in sorted(drops.items()) if r not in REAL_VERIFICATION_FAILURES},
        "params": _plain(asdict(config)),
    }


def _counts(values) -> dict:
    return dict(sorted(Counter(values).items()))


def _label(sample_id: str, result: RealResult) -> SampleLabel:
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
        events=sample.events,
        boxes=sample.boxes,
        clef=sample.clef,
        key_fifths=sample.key_fifths,
        time=sample.time,
        barlines=sample.barlines,
        extra={"source": result.tune.name, "title": result.title, "font": result.font,
               "first_measure": result.first_measure, "octave_shift": result.octave_shift},
    )


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
