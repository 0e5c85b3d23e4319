"""A test split loaded into memory (`LoadedSplit`): labels, images and class masks, read once per dataset.

A type module below the approaches (whose `output_metrics` score a split) and the evaluation runner: it imports
only omr.samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from omr.samples import SampleLabel, iter_split, read_meta


@dataclass(frozen=True)
class LoadedSplit:
    """A split loaded into memory: labels, grayscale images and (where the dataset has them) class masks."""

    name: str
    labels: tuple[SampleLabel, ...]
    images: tuple[np.ndarray, ...]
    masks: tuple[np.ndarray, ...] | None
    mask_classes: tuple[str, ...]
    is_pages: bool = False  # whole pages (meta.json `kind: pages`): the staves are found before they are read
    parts: int = 1  # staves per system of a pages set (meta.json `parts`; the `duets` set: 2), scored part by part


def load_test_set(dataset_dir: Path, split: str = "test", max_samples: int | None = None) -> LoadedSplit:
    """Read a dataset split; masks only when every sample has one."""
    dataset_dir = Path(dataset_dir)
    meta = read_meta(dataset_dir)
    labels, images, masks = [], [], []
    for split_dir, label in iter_split(dataset_dir, split):
        if max_samples is not None and len(labels) >= max_samples:
            break
        labels.append(label)
        images.append(_gray(split_dir / label.image))
        masks.append(np.asarray(Image.open(split_dir / label.mask)) if label.mask else None)
    has_masks = bool(masks) and all(m is not None for m in masks)
    return LoadedSplit(
        name=dataset_dir.name,
        labels=tuple(labels),
        images=tuple(images),
        masks=tuple(masks) if has_masks else None,
        mask_classes=tuple(meta.get("mask_classes", ())),
        is_pages=meta.get("kind") == "pages",
        parts=int(meta.get("parts", 1)),
    )


def _gray(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("L"))
