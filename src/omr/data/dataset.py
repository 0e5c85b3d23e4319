"""A split of a dataset folder (omr.samples format) cached in memory as uint8 tensors, served as tv_tensors."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
from PIL import Image
from torch.utils.data import Dataset
from torchvision import tv_tensors

from omr.samples import (MASK_CLASSES, NOTATION_BOX_CLASSES, NOTATION_MASK_CLASSES, SampleLabel, read_labels,
                         read_meta)

# What the detector learns: the staff box, both noteheads and the accidentals (CONTRACT/issue 3), and clefs and
# barlines, which otherwise only teach "background" through SSD's sampled hard negatives: a 400-step v02 detector
# then still scored the clef as a notehead at 0.6. Label 0 is the SSD background, so class i is label i + 1.
DETECTION_CLASSES = ("staff", "notehead_filled", "notehead_hollow", "sharp", "flat", "natural", "clef", "barline")
# Real notation (v03): every labelled symbol. It begins with DETECTION_CLASSES in their order, so a cached box's label
# is its index here whichever list the detector learns (a seed set's boxes never index past the seed's classes).
NOTATION_DETECTION_CLASSES = NOTATION_BOX_CLASSES


@dataclass(frozen=True)
class CachedSample:
    """One sample in memory: 1xHxW uint8 image (255 = paper), HxW uint8 mask or None, boxes, pitch vector, and
    the approach's own target where it has one (Approach.sample_target, filled in by the training engine)."""

    id: str
    image: torch.Tensor
    mask: torch.Tensor | None
    boxes: torch.Tensor  # Nx4 float32 xyxy, detection classes only
    labels: torch.Tensor  # N int64, 1-based indices into NOTATION_DETECTION_CLASSES (DETECTION_CLASSES first)
    pitch_vector: torch.Tensor  # 52 float32
    label: SampleLabel
    target: torch.Tensor | None = None


def load_split(dataset_dir: Path, split: str) -> list[CachedSample]:
    """Read every image/mask of a split into memory once (decoding PNGs each step would dominate a CPU step)."""
    dataset_dir = Path(dataset_dir)
    meta = read_meta(dataset_dir)
    # Either mask format: v01/v02 store MASK_CLASSES, v03 and engraved_real NOTATION_MASK_CLASSES. Whether an
    # approach can learn from the masks is its own check (Approach.check_dataset).
    mask_classes = tuple(meta.get("mask_classes", MASK_CLASSES))
    if mask_classes not in (MASK_CLASSES, NOTATION_MASK_CLASSES):
        raise ValueError(f"{dataset_dir / 'meta.json'}: mask_classes {list(mask_classes)} are neither "
                         f"MASK_CLASSES {list(MASK_CLASSES)} nor NOTATION_MASK_CLASSES")
    split_dir = dataset_dir / split
    labels_path = split_dir / "labels.jsonl"
    if not labels_path.is_file():
        raise FileNotFoundError(f"{labels_path}: missing; dataset {dataset_dir.name} has no split {split!r}")
    return [_cache(split_dir, label) for label in read_labels(labels_path)]


def _cache(split_dir: Path, label: SampleLabel) -> CachedSample:
    image = np.asarray(Image.open(split_dir / label.image).convert("L"), dtype=np.uint8)
    mask = None
    if label.mask is not None:
        mask = torch.from_numpy(np.asarray(Image.open(split_dir / label.mask), dtype=np.uint8).copy())
        if mask.shape != image.shape:
            raise ValueError(f"{split_dir / label.mask}: mask shape {tuple(mask.shape)} != image shape {image.shape}")
    kept = [box for box in label.boxes if box.label in NOTATION_DETECTION_CLASSES]
    boxes = torch.tensor([box.xyxy for box in kept], dtype=torch.float32).reshape(-1, 4)
    labels = torch.tensor([NOTATION_DETECTION_CLASSES.index(box.label) + 1 for box in kept], dtype=torch.int64)
    return CachedSample(
        id=label.id,
        image=torch.from_numpy(image.copy()).unsqueeze(0),
        mask=mask,
        boxes=boxes,
        labels=labels,
        pitch_vector=torch.tensor(label.pitch_vector, dtype=torch.float32),
        label=label,
    )


class SampleDataset(Dataset):
    """Items are dicts of tv_tensors so torchvision.transforms.v2 moves boxes and masks with the image."""

    def __init__(self, samples: list[CachedSample], transform: Callable[[dict], dict] | None = None,
                 with_mask: bool = True) -> None:
        self.samples = samples
        self.transform = transform
        # Only the segmentation learns from masks; for the others, moving one through every transform and the
        # collate is wasted work (a quarter of a detection sample's augmentation time).
        self.with_mask = with_mask

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, index: int) -> dict:
        sample = self.samples[index]
        height, width = sample.image.shape[-2:]
        item = {
            "image": tv_tensors.Image(sample.image),
            "boxes": tv_tensors.BoundingBoxes(sample.boxes, format="XYXY", canvas_size=(height, width)),
            "labels": sample.labels,
            "pitch_vector": sample.pitch_vector,
        }
        if sample.mask is not None and self.with_mask:
            item["mask"] = tv_tensors.Mask(sample.mask)
        if sample.target is not None:  # a plain tensor: the v2 transforms pass it through untouched
            item["target"] = sample.target
        if self.transform is not None:
            item = self.transform(item)
        return item
