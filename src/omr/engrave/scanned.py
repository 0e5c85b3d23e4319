"""The `engraved_real_scanned` test set: every `engraved_real` window damaged like a phone scan (omr.render.degrade:
tilt, ink weight, uneven light, blur, noise, JPEG; strengths drawn per window from (seed, window)), its labels moved
by the same geometry, each window verified against its clean original.

Geometry of a label: events (x, y), boxes (the axis-aligned bounds of each box's turned corners) and barlines follow
the turn. The staff lines are tilted by `damage.angle` degrees (counter-clockwise): each line's y is given where it
crosses the staff's horizontal centre (the centre of the `staff` box), barlines' and header changes' x where they
cross the middle line. meta.json says `kind: pages` and each label holds its one staff in `staves`, so the evaluation
finds and straightens the staff before reading it, as `omr transcribe` reads a user's photo.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image

from omr.engrave.sets import SPLIT, png_bytes, write_test_split
from omr.render.degrade import Affine, Degraded, ScanPreset, degrade
from omr.samples import Box, SampleLabel, read_labels, read_meta

DATASET_NAME = "engraved_real_scanned"
SCAN_VERIFICATION_FAILURES = ("label_outside_image", "symbol_unreadable", "staff_line_unreadable")
# A symbol or staff line passes when the damaged image keeps this share of its clean contrast (paper minus ink, both
# read where the label's geometry puts them). Blur and JPEG leave ~0.5-0.9 on solid symbols; a label off its ink, or
# damage that wiped a thin stroke out, gives ~0.
MIN_CONTRAST_KEPT = 0.25
PAPER_LEVEL = 250  # clean grey at or above this is paper
LINE_REACH = 1.5  # pixels from a staff line's centre that are its ink in the clean image


@dataclass(frozen=True)
class ScannedConfig:
    """params.yaml `engraved_real_scanned`: the seed, the window set damaged (a sibling folder) and the damage."""

    seed: int = 0
    source: str = "engraved_real"
    preset: ScanPreset = field(default_factory=ScanPreset)

    def __post_init__(self) -> None:
        if not self.source or "/" in self.source or self.source in (".", ".."):
            raise ValueError(f"source must be a dataset name beside this set (e.g. engraved_real), got {self.source!r}")


@dataclass(frozen=True)
class ScannedResult:
    """One source window after damage: the PNG and the moved label, or why it was dropped (`reason`)."""

    png: bytes | None = None
    sample: SampleLabel | None = None
    damage: dict | None = None
    reason: str | None = None


def moved_point(geometry: Affine, x: float, y: float) -> tuple[float, float]:
    moved = geometry.points([[x, y]])[0]
    return float(moved[0]), float(moved[1])


def moved_box(geometry: Affine, xyxy: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The axis-aligned bounds of the box's four corners after the map."""
    x0, y0, x1, y1 = xyxy
    corners = geometry.points([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    return (float(corners[:, 0].min()), float(corners[:, 1].min()), float(corners[:, 0].max()),
            float(corners[:, 1].max()))


def staff_box(label: SampleLabel) -> tuple[float, float, float, float]:
    """The clean label's `staff` box, or the lines across the whole image where it has none."""
    found = [box.xyxy for box in label.boxes if box.label == "staff"]
    return found[0] if found else (0.0, label.staff_lines[0], float(label.width), label.staff_lines[-1])


def moved_label(label: SampleLabel, degraded: Degraded, extra: dict) -> SampleLabel:
    """The clean label in the damaged image's pixels (the module docstring says where tilted lines are measured)."""
    geometry = degraded.geometry
    width, height = geometry.size
    x0, _, x1, _ = staff_box(label)
    centre, middle = (x0 + x1) / 2, label.staff_lines[len(label.staff_lines) // 2]
    lines = tuple(moved_point(geometry, centre, y)[1] for y in label.staff_lines)
    events = tuple(replace(event, x=x, y=y) for event in label.events
                   for x, y in [moved_point(geometry, event.x, event.y)])
    boxes = tuple(Box(box.label, moved_box(geometry, box.xyxy), box.score) for box in label.boxes)
    header = replace(label.header, barlines=tuple(moved_point(geometry, x, middle)[0] for x in label.header.barlines),
                     changes=tuple(replace(change, x=moved_point(geometry, change.x, middle)[0])
                                   for change in label.header.changes))
    staff_xyxy = moved_box(geometry, staff_box(label))
    # One staff in `staves`, as a page label holds them (omr.engrave.page.PageStaff.to_json): the evaluation then
    # reads the image as a page, finding the staff first.
    staves = [{"staff_lines": [round(y, 2) for y in lines], "box": [round(v, 2) for v in staff_xyxy],
               **header.to_json(), "events": [0, len(events)]}]
    return replace(label, width=width, height=height, staff_lines=lines, events=events, boxes=boxes, header=header,
                   extra={**label.extra, **extra, "damage": degraded.damage.to_json(), "staves": staves})


def contrast_kept(clean: np.ndarray, damaged: np.ndarray, geometry: Affine, ink: np.ndarray,
                  paper: np.ndarray) -> float:
    """The damaged image's contrast between the clean `paper` and `ink` pixels (boolean masks over `clean`), read
    where the geometry moved them, as a share of the clean contrast (0 where the clean one is none)."""
    if not ink.any() or not paper.any():
        return 1.0  # nothing to compare: no evidence against the label
    before = float(clean[paper].mean() - clean[ink].mean())
    if before <= 0:
        return 0.0

    def read(mask: np.ndarray) -> float:
        ys, xs = np.nonzero(mask)
        moved = geometry.points(np.stack([xs + 0.5, ys + 0.5], axis=1))
        cols = np.clip(np.floor(moved[:, 0]).astype(int), 0, damaged.shape[1] - 1)
        rows = np.clip(np.floor(moved[:, 1]).astype(int), 0, damaged.shape[0] - 1)
        return float(damaged[rows, cols].astype(np.float64).mean())

    return (read(paper) - read(ink)) / before


def symbol_masks(clean: np.ndarray, xyxy, reach: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """(ink, paper) of a boxed symbol in the clean image: its box's darker half of grey levels, and the paper within
    `reach` pixels around it."""
    height, width = clean.shape
    x0, y0, x1, y1 = (int(math.floor(xyxy[0])), int(math.floor(xyxy[1])), int(math.ceil(xyxy[2])),
                      int(math.ceil(xyxy[3])))
    inside = np.zeros(clean.shape, dtype=bool)
    inside[max(y0, 0):min(y1, height), max(x0, 0):min(x1, width)] = True
    around = np.zeros(clean.shape, dtype=bool)
    around[max(y0 - reach, 0):min(y1 + reach, height), max(x0 - reach, 0):min(x1 + reach, width)] = True
    darkest = int(clean[inside].min()) if inside.any() else 255
    ink = inside & (clean <= darkest + (255 - darkest) // 2)
    return ink, around & (clean >= PAPER_LEVEL)


def bare_staff_columns(clean: np.ndarray, label: SampleLabel) -> tuple[np.ndarray, np.ndarray]:
    """(columns, line distance per row): the staff's columns whose clean ink lies on the five lines alone (no note,
    stem or barline crosses them), and each row's distance (pixels) to its nearest line."""
    lines = np.asarray(label.staff_lines)
    x0, _, x1, _ = staff_box(label)
    top = max(int(math.floor(lines[0] - label.staff_space)), 0)
    bottom = min(int(math.ceil(lines[-1] + label.staff_space)), clean.shape[0])
    rows = np.arange(clean.shape[0]) + 0.5
    distance = np.abs(rows[:, None] - lines[None, :]).min(axis=1)
    band = clean[top:bottom, int(math.ceil(x0)):int(math.floor(x1))] < PAPER_LEVEL
    off_lines = band & (distance[top:bottom, None] > LINE_REACH)
    on_each = np.stack([(band & (np.abs(rows[top:bottom, None] - y) <= LINE_REACH)).any(axis=0) for y in lines])
    bare = ~off_lines.any(axis=0) & on_each.all(axis=0)
    return np.nonzero(bare)[0] + int(math.ceil(x0)), distance


def unreadable(clean: np.ndarray, label: SampleLabel, degraded: Degraded) -> str | None:
    """Why the damaged window cannot be trusted to show its label (a SCAN_VERIFICATION_FAILURES reason), or None."""
    geometry, damaged = degraded.geometry, degraded.image
    width, height = geometry.size
    corners = [corner for box in label.boxes for corner in (box.xyxy[:2], box.xyxy[2:])]
    moved = geometry.points([(e.x, e.y) for e in label.events] + corners)
    if ((moved < 0) | (moved > (width, height))).any():
        return "label_outside_image"
    for box in label.boxes:
        kept = 1.0 if box.label == "staff" else contrast_kept(clean, damaged, geometry, *symbol_masks(clean, box.xyxy))
        if kept < MIN_CONTRAST_KEPT:
            return "symbol_unreadable"
    columns, distance = bare_staff_columns(clean, label)
    if columns.size:
        rows = np.arange(clean.shape[0]) + 0.5
        in_columns = np.zeros(clean.shape, dtype=bool)
        in_columns[:, columns] = True
        paper = in_columns & (distance[:, None] > LINE_REACH + 1) & (clean >= PAPER_LEVEL)
        for y in label.staff_lines:
            ink = in_columns & (np.abs(rows - y)[:, None] <= LINE_REACH) & (clean < PAPER_LEVEL)
            if contrast_kept(clean, damaged, geometry, ink, paper) < MIN_CONTRAST_KEPT:
                return "staff_line_unreadable"
    return None


def scanned_window(clean: np.ndarray, label: SampleLabel, config: ScannedConfig, index: int) -> ScannedResult:
    """Window number `index` of the source, damaged with strengths drawn from (seed, index) alone."""
    degraded = degrade(clean, np.random.default_rng([config.seed, index]), config.preset, label.staff_space)
    damage = degraded.damage.to_json()
    reason = unreadable(clean, label, degraded)
    if reason is not None:
        return ScannedResult(damage=damage, reason=reason)
    sample = moved_label(label, degraded, {"source_id": label.id})
    return ScannedResult(png=png_bytes(degraded.image), sample=sample, damage=damage)


def scanned_results(source_dir: Path, config: ScannedConfig):
    """Every source window damaged, in the source's order; ValueError naming the file for a source that is no
    window set or whose image does not match its label."""
    meta = read_meta(source_dir)
    if meta.get("kind") == "pages":
        raise ValueError(f"{source_dir / 'meta.json'}: a pages set; the scanned set damages single-staff windows")
    split_dir = source_dir / SPLIT
    for index, label in enumerate(read_labels(split_dir / "labels.jsonl")):
        path = split_dir / label.image
        try:
            with Image.open(path) as opened:
                clean = np.asarray(opened.convert("L"), dtype=np.uint8)
        except OSError as error:
            raise ValueError(f"{path}: not a readable image ({error})") from error
        if clean.shape != (label.height, label.width):
            raise ValueError(f"{path}: {clean.shape[1]} x {clean.shape[0]} px, its label says "
                             f"{label.width} x {label.height}")
        yield scanned_window(clean, label, config, index)


def write_scanned_dataset(out_dir: Path, config: ScannedConfig, workers: int = 0) -> dict:
    """Write data/datasets/engraved_real_scanned from its sibling `config.source` atomically; returns meta.json.

    `workers` is accepted for the stage runner and unused: a window costs a few milliseconds, less than a pool's
    start, and one process keeps the files the same for any count."""
    out_dir = Path(out_dir)
    source_dir = out_dir.parent / config.source
    source_meta = read_meta(source_dir)
    results = list(scanned_results(source_dir, config))
    return write_test_split(out_dir, results, 1, lambda sample_id, result: replace(
        result.sample, id=sample_id, image=f"images/{sample_id}.png"),
        lambda labels, kept, drops: dataset_meta(labels, results, drops, config, source_meta))


def dataset_meta(labels: list[SampleLabel], results: list[ScannedResult], drops: Counter, config: ScannedConfig,
                 source_meta: dict) -> dict:
    """meta.json: `kind: pages` (the evaluation finds the staff), sizes, what was drawn, drops, the params."""
    events = [event for label in labels for event in label.events]
    drawn = [result.damage for result in results if result.sample is not None]

    def spread(key: str) -> dict:
        values = [abs(d[key]) if key == "angle" else d[key] for d in drawn if d[key] is not None]
        if not values:
            return {"windows": 0}
        return {"windows": len(values), "min": round(min(values), 5), "mean": round(float(np.mean(values)), 5),
                "max": round(max(values), 5)}

    return {
        "name": DATASET_NAME,
        "kind": "pages",
        "source": config.source,
        "mask_classes": [],
        "box_classes": source_meta.get("box_classes", []),
        "splits": {SPLIT: len(labels)},
        "windows": len(labels),
        "source_windows": len(results),
        "event_count": len(events),
        "note_count": sum(event.kind == "note" for event in events),
        "rest_count": sum(event.kind == "rest" for event in events),
        "size": {"width": {"min": min(label.width for label in labels), "max": max(label.width for label in labels)},
                 "height": {"min": min(label.height for label in labels),
                            "max": max(label.height for label in labels)}},
        # over the windows kept: |angle| in degrees, the others as ScanPreset names them (jpeg_quality: where saved so)
        "damage": {key: spread(key) for key in ("angle", "blur", "noise", "salt_pepper", "light", "ink",
                                                "jpeg_quality")},
        "verification_drops": {reason: drops[reason] for reason in SCAN_VERIFICATION_FAILURES},
        "params": asdict(config),
    }
