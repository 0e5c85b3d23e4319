"""The on-disk sample format (CONTRACT.md, 'One sample on disk'), shared by every layer.

A dataset lives in `data/datasets/<name>/`:
    meta.json                  name, mask_classes, box_classes, splits {split: count}, params used
    <split>/labels.jsonl       one SampleLabel per line, the split's index
    <split>/images/<id>.png    8-bit grayscale, white background
    <split>/masks/<id>.png     8-bit class-index map (index into meta.json's mask_classes); absent for some sets
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from omr.io import atomic_write_text
from omr.music.events import (HEADER_KEYS, PITCH_VECTOR_SIZE, Event, StaffHeader, SymbolicNote, event_from_json,
                               notes_of, pitch_vector)

# Index = value in the mask PNG. Later classes are painted over earlier ones where they overlap.
MASK_CLASSES = (
    "background",
    "staff_line",
    "ledger_line",
    "stem",
    "barline",
    "clef",
    "sharp",
    "flat",
    "natural",
    "notehead_filled",
    "notehead_hollow",
)
BOX_CLASSES = ("staff", "notehead_filled", "notehead_hollow", "sharp", "flat", "natural", "clef", "barline")
# Real notation (v03): the seed's classes keep their indices (today's segmentation models are built from
# MASK_CLASSES) and the new ones follow. Every symbol a decoder must tell apart to read an event gets its own class:
# each rest duration (a rest's duration is its glyph), the bass clef (it moves every pitch), the whole head. Flags
# and beams are one class each (a stem's count of them is its duration); dots one class whatever they follow.
# Ties and slurs differ (a tie joins two heads of one pitch; a slur is a distractor) and so do the distractors'
# kinds: `articulation` (staccato dots and fermatas) and `dynamics` (p, mf, f) are drawn but never events.
NOTATION_MASK_CLASSES = MASK_CLASSES + (
    "notehead_whole",
    "flag",
    "beam",
    "augmentation_dot",
    "tie",
    "slur",
    "rest_whole",
    "rest_half",
    "rest_quarter",
    "rest_eighth",
    "rest_16th",
    "rest_32nd",
    "time_signature",
    "clef_bass",
    "articulation",
    "dynamics",
    # The fuller vocabulary (issue 29): the breve's head (its duration is its glyph), a grace note's small head (its
    # small stem, flag and slash are `stem`/`flag`), and a tuplet's number with its bracket (one box: the number).
    "notehead_breve",
    "notehead_grace",
    "tuplet",
)
# One box per symbol: per flag and per dot; per beam segment per level (a 16th pair: two boxes, a hook: its own short
# one); per tie and per slur (the curve's extent); one per time signature (both digits) and per dynamics mark.
NOTATION_BOX_CLASSES = BOX_CLASSES + NOTATION_MASK_CLASSES[len(MASK_CLASSES):]
NOTEHEAD_CLASSES = ("notehead_filled", "notehead_hollow")


def has_notation_symbols(labels: Iterable[SampleLabel]) -> bool:
    """Whether any label boxes a symbol beyond the seed's classes (flags, beams, rests, ...): a training set the
    detector and the U-Net learn with NOTATION_BOX_CLASSES / NOTATION_MASK_CLASSES rather than the seed's lists."""
    return any(box.label not in BOX_CLASSES for label in labels for box in label.boxes)
# Staff normalisation (training sets' geometry): staff space 8 px, middle line centred on a 128-row canvas
# (row 64, i.e. y = 64.5 in continuous pixel coordinates). Used by omr.data (labels) and omr.transcribe.recognize (images).
STAFF_CANVAS_HEIGHT = 128
STAFF_CANVAS_MIDDLE = 64.5
STAFF_CANVAS_SPACE = 8.0
ACCIDENTAL_ALTER = {"sharp": 1, "flat": -1, "natural": 0}
DURATION_OF_NOTEHEAD = {"notehead_filled": "quarter", "notehead_hollow": "half"}


@dataclass(frozen=True)
class Box:
    """An axis-aligned box in pixel xyxy, with its class name and (for predictions) a confidence."""

    label: str
    xyxy: tuple[float, float, float, float]
    score: float = 1.0

    def to_json(self) -> dict:
        data = {"class": self.label, "xyxy": [round(float(v), 2) for v in self.xyxy]}
        if self.score != 1.0:
            data["score"] = round(float(self.score), 4)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "Box":
        x0, y0, x1, y1 = (float(v) for v in data["xyxy"])
        return cls(label=data["class"], xyxy=(x0, y0, x1, y1), score=float(data.get("score", 1.0)))


@dataclass(frozen=True)
class SampleLabel:
    """One line of labels.jsonl: where the files are and the truth about the image (CONTRACT.md).

    `events` are the notes and rests left to right (a tuple of notes alone is a valid event sequence); `header` is
    what the staff shows around them (clef, key, time signature, barlines' x), written as flat keys.
    """

    id: str
    image: str
    width: int
    height: int
    staff_space: float
    staff_lines: tuple[float, ...]  # five y positions, top line first
    events: tuple[Event, ...]
    boxes: tuple[Box, ...] = ()
    mask: str | None = None
    extra: dict = field(default_factory=dict)
    header: StaffHeader = StaffHeader()

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        """The events whose kind is note."""
        return notes_of(self.events)

    @property
    def pitch_vector(self) -> list[int]:
        return pitch_vector(self.events)

    def to_json(self) -> dict:
        data = {
            "id": self.id,
            "image": self.image,
            "mask": self.mask,
            "width": self.width,
            "height": self.height,
            "staff_space": round(float(self.staff_space), 3),
            "staff_lines": [round(float(y), 2) for y in self.staff_lines],
            **self.header.to_json(),
            "events": [_rounded_event(e) for e in self.events],
            "boxes": [b.to_json() for b in self.boxes],
            "pitch_vector": self.pitch_vector,
        }
        data.update(self.extra)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "SampleLabel":
        vector = data.get("pitch_vector")
        if vector is not None and len(vector) != PITCH_VECTOR_SIZE:
            raise ValueError(f"sample {data.get('id')!r}: pitch_vector has {len(vector)} entries, expected 52")
        events = data["events"] if "events" in data else data["notes"]  # "notes": labels written before events
        return cls(
            id=str(data["id"]),
            image=data["image"],
            mask=data.get("mask"),
            width=int(data["width"]),
            height=int(data["height"]),
            staff_space=float(data["staff_space"]),
            staff_lines=tuple(float(y) for y in data["staff_lines"]),
            events=tuple(event_from_json(e) for e in events),
            boxes=tuple(Box.from_json(b) for b in data.get("boxes", [])),
            extra={k: v for k, v in data.items() if k not in _LABEL_KEYS},
            header=StaffHeader.from_json(data),
        )


_LABEL_KEYS = {"id", "image", "mask", "width", "height", "staff_space", "staff_lines", "notes", "events", "boxes",
               "pitch_vector", *HEADER_KEYS}


def _rounded_event(event: Event) -> dict:
    data = event.to_json()
    data["x"], data["y"] = round(event.x, 2), round(event.y, 2)
    return data


def read_labels(path: Path) -> list[SampleLabel]:
    """All samples of a split's labels.jsonl; a bad line raises naming the file and line."""
    labels = []
    with open(path, encoding="utf-8") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                labels.append(SampleLabel.from_json(json.loads(line)))
            except (KeyError, ValueError, TypeError) as error:
                raise ValueError(f"{path}:{line_number}: not a valid sample label ({error})") from error
    return labels


def write_labels(path: Path, labels: Iterable[SampleLabel]) -> None:
    """Write labels.jsonl atomically, one compact JSON object per line."""
    text = "".join(json.dumps(label.to_json(), separators=(",", ":")) + "\n" for label in labels)
    atomic_write_text(path, text)


def read_meta(dataset_dir: Path) -> dict:
    """A dataset's meta.json; a missing file is reported as an unfinished dataset."""
    meta_path = Path(dataset_dir) / "meta.json"
    if not meta_path.is_file():
        raise FileNotFoundError(f"{meta_path}: missing; the dataset was not generated (run its DVC stage)")
    return json.loads(meta_path.read_text(encoding="utf-8"))


def iter_split(dataset_dir: Path, split: str) -> Iterator[tuple[Path, SampleLabel]]:
    """(split folder, label) for each sample of a split, so callers can resolve image and mask paths."""
    split_dir = Path(dataset_dir) / split
    for label in read_labels(split_dir / "labels.jsonl"):
        yield split_dir, label
