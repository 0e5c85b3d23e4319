"""Contact sheets: a grid of dataset samples, each image above its class mask overlaid in colour, for people to look at."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from omr.samples import NOTATION_MASK_CLASSES, iter_split, read_meta

# One colour per NOTATION_MASK_CLASSES entry (background first); chosen to tell neighbouring classes apart: the
# seed's eleven first, then whole head, flag, beam, dot, tie, slur, the six rests (a ramp of teals, long to short),
# time signature, bass clef, articulation, dynamics; then breve head, grace head, tuplet.
CLASS_COLOURS = np.array([
    (255, 255, 255), (150, 150, 150), (0, 170, 255), (0, 160, 0), (120, 60, 0), (170, 0, 170),
    (255, 120, 0), (0, 90, 200), (200, 170, 0), (220, 0, 0), (255, 0, 200),
    (140, 0, 0), (0, 220, 120), (0, 100, 60), (255, 200, 0), (120, 0, 255), (180, 130, 255),
    (0, 80, 80), (0, 120, 120), (0, 160, 160), (0, 190, 190), (0, 215, 215), (90, 240, 240),
    (90, 90, 0), (255, 80, 120), (255, 150, 60), (100, 100, 255),
    (0, 0, 120), (255, 0, 90), (170, 110, 0),  # issue 29: breve head, grace head, tuplet
], dtype=np.uint8)
assert len(CLASS_COLOURS) == len(NOTATION_MASK_CLASSES)


def mask_overlay(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """RGB: the image faded, with each non-background class painted in its colour."""
    faded = np.repeat((255 - (255 - image.astype(np.uint16)) // 4).astype(np.uint8)[..., None], 3, axis=2)
    coloured = CLASS_COLOURS[mask]
    return np.where((mask > 0)[..., None], coloured, faded)


# What a contact sheet shows one sample of, where a split holds it (issue 29's fuller vocabulary), so people see each
# new symbol drawn; the first samples fill the rest of the sheet.
FEATURED_METERS = ("3/2", "4/2", "5/4", "6/4", "9/8", "12/8", "7/8", "C|")
SHOWCASE = {
    "tuplet": lambda label: any(getattr(event, "tuplet", None) for event in label.events),
    "grace note": lambda label: any(getattr(event, "grace", False) for event in label.events),
    "breve": lambda label: any(event.duration == "breve" for event in label.events),
    "measure rest": lambda label: any(getattr(event, "measure", False) for event in label.events),
    "change inside the staff": lambda label: bool(label.header.changes),
    "meter": lambda label: label.header.time in FEATURED_METERS or any(
        change.time in FEATURED_METERS for change in label.header.changes),
}


def showcase_labels(labels: list, count: int) -> list:
    """Up to `count` labels in split order: the first that holds each SHOWCASE feature, then the first ones."""
    chosen = set()
    for holds in SHOWCASE.values():
        found = next((index for index, label in enumerate(labels) if holds(label)), None)
        if found is not None and len(chosen) < count:
            chosen.add(found)
    for index in range(len(labels)):
        if len(chosen) >= count:
            break
        chosen.add(index)
    return [labels[index] for index in sorted(chosen)]


def sample_tile(dataset_dir: Path, split: str, count: int, box_colour=(0, 120, 255)) -> list[Image.Image]:
    """Up to `count` tiles (the first samples, and one of each SHOWCASE feature the split holds): the image with
    its boxes, and the mask overlay beneath."""
    split_dir = Path(dataset_dir) / split
    labels = showcase_labels([label for _, label in iter_split(dataset_dir, split)], count)
    tiles = []
    for label in labels:
        image = np.asarray(Image.open(split_dir / label.image).convert("L"))
        top = Image.fromarray(image).convert("RGB")
        draw = ImageDraw.Draw(top)
        for box in label.boxes:
            if box.label != "staff":
                draw.rectangle([box.xyxy[0], box.xyxy[1], box.xyxy[2] - 1, box.xyxy[3] - 1], outline=box_colour)
        rows = [np.asarray(Image.fromarray(image).convert("RGB")), np.asarray(top)]
        if label.mask is not None:
            rows.append(mask_overlay(image, np.asarray(Image.open(split_dir / label.mask))))
        separator = np.full((2, image.shape[1], 3), 255, dtype=np.uint8)
        stacked = [rows[0]]
        for row in rows[1:]:
            stacked += [separator, row]
        tiles.append(Image.fromarray(np.concatenate(stacked, axis=0)))
    return tiles


def contact_sheet(dataset_dir: Path, count: int = 12, max_width: int = 1400) -> Image.Image:
    """Grid of `count` samples of the dataset's test split (image, boxes, mask overlay per sample): the first ones,
    and one holding each new symbol (SHOWCASE) where the split has it."""
    meta = read_meta(dataset_dir)
    split = "test" if "test" in meta["splits"] else next(iter(meta["splits"]))
    tiles = sample_tile(Path(dataset_dir), split, count)
    widest = max(t.width for t in tiles)
    scale = max(1, min(3, max_width // (widest * 3)))
    tiles = [t.resize((t.width * scale, t.height * scale), Image.NEAREST) for t in tiles]
    gap = 8
    columns = max(1, min(4, (max_width + gap) // (max(t.width for t in tiles) + gap)))
    cell_w, cell_h = max(t.width for t in tiles) + gap, max(t.height for t in tiles) + gap
    rows = -(-len(tiles) // columns)
    title_h = 20
    sheet = Image.new("RGB", (columns * cell_w + gap, rows * cell_h + gap + title_h), (235, 235, 235))
    ImageDraw.Draw(sheet).text((gap, 4), f"{meta['name']} ({split}): image / boxes / mask", fill=(0, 0, 0))
    for i, tile in enumerate(tiles):
        sheet.paste(tile, (gap + (i % columns) * cell_w, title_h + gap + (i // columns) * cell_h))
    return sheet
