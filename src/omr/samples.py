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
from omr.music import PITCH_VECTOR_SIZE, SymbolicNote, pitch_vector

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
NOTEHEAD_CLASSES = ("notehead_filled", "notehead_hollow")
# Staff normalisation (training sets' geometry): staff space 8 px, middle line centred on a 128-row canvas
# (row 64, i.e. y = 64.5 in continuous pixel coordinates). Used by omr.data (labels) and omr.recognize (images).
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
    """One line of labels.jsonl: where the files are and the truth about the image."""

    id: str
    image: str
    width: int
    height: int
    staff_space: float
    staff_lines: tuple[float, ...]  # five y positions, top line first
    notes: tuple[SymbolicNote, ...]
    boxes: tuple[Box, ...] = ()
    mask: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def pitch_vector(self) -> list[int]:
        return pitch_vector(self.notes)

    def to_json(self) -> dict:
        data = {
            "id": self.id,
            "image": self.image,
            "mask": self.mask,
            "width": self.width,
            "height": self.height,
            "staff_space": round(float(self.staff_space), 3),
            "staff_lines": [round(float(y), 2) for y in self.staff_lines],
            "notes": [_rounded_note(n) for n in self.notes],
            "boxes": [b.to_json() for b in self.boxes],
            "pitch_vector": self.pitch_vector,
        }
        data.update(self.extra)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "SampleLabel":
        known = {"id", "image", "mask", "width", "height", "staff_space", "staff_lines", "notes", "boxes", "pitch_vector"}
        vector = data.get("pitch_vector")
        if vector is not None and len(vector) != PITCH_VECTOR_SIZE:
            raise ValueError(f"sample {data.get('id')!r}: pitch_vector has {len(vector)} entries, expected 52")
        return cls(
            id=str(data["id"]),
            image=data["image"],
            mask=data.get("mask"),
            width=int(data["width"]),
            height=int(data["height"]),
            staff_space=float(data["staff_space"]),
            staff_lines=tuple(float(y) for y in data["staff_lines"]),
            notes=tuple(SymbolicNote.from_json(n) for n in data["notes"]),
            boxes=tuple(Box.from_json(b) for b in data.get("boxes", [])),
            extra={k: v for k, v in data.items() if k not in known},
        )


def _rounded_note(note: SymbolicNote) -> dict:
    data = note.to_json()
    data["x"], data["y"] = round(note.x, 2), round(note.y, 2)
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
