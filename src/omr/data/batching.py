"""Padding to what the networks need (multiples of 32) with a valid-region mask, never resizing.

The seed chose the U-Net because it keeps input size = output size; resizing a wide v02 staff would change its
staff space, so varying widths are padded with paper (white) instead and the valid region travels with the batch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator, Sequence

import torch
from torch.utils.data import Sampler

PAD_MULTIPLE = 32


def padded_size(height: int, width: int, multiple: int = PAD_MULTIPLE) -> tuple[int, int]:
    """The smallest (H, W) >= the input that are multiples of `multiple`."""
    return -(-height // multiple) * multiple, -(-width // multiple) * multiple


def pad_image(image: torch.Tensor, size: tuple[int, int], fill: float) -> torch.Tensor:
    """Pad [..., H, W] at the bottom/right to `size` with `fill` (content stays at the top-left, coordinates hold)."""
    height, width = image.shape[-2:]
    out = image.new_full((*image.shape[:-2], *size), fill)
    out[..., :height, :width] = image
    return out


def valid_region(sizes: Sequence[tuple[int, int]], padded: tuple[int, int]) -> torch.Tensor:
    """Bx1xHxW bool: True on each image's own pixels (top-left `sizes`) of a batch padded to `padded`."""
    valid = torch.zeros((len(sizes), 1, *padded), dtype=torch.bool)
    for region, (height, width) in zip(valid, sizes):
        region[:, :height, :width] = True
    return valid


@dataclass
class Batch:
    """A padded batch: images Bx1xHxW float in [0, 1] (1 = paper), valid Bx1xHxW bool, per-approach targets."""

    images: torch.Tensor
    valid: torch.Tensor
    sizes: list[tuple[int, int]]
    masks: torch.Tensor | None  # BxHxW int64, padding = background (it is paper)
    boxes: list[torch.Tensor]
    labels: list[torch.Tensor]
    pitch_vectors: torch.Tensor
    targets: list[torch.Tensor] | None = None  # the approach's per-sample targets (CachedSample.target), if any

    def __getstate__(self) -> dict:
        """What a DataLoader worker sends: the small tensors as numpy arrays, pickled inline, and no `valid` (it
        follows from `sizes`). Each tensor that travels through shared memory costs the training process ~0.3 ms
        to receive: a regression batch of 19 took 6.4 ms of its ~90 ms step, 2.3 ms this way."""
        state = dict(self.__dict__)
        state.update(
            valid=None,
            boxes=[boxes.numpy() for boxes in self.boxes],
            labels=[labels.numpy() for labels in self.labels],
            pitch_vectors=self.pitch_vectors.numpy(),
            targets=None if self.targets is None else [target.numpy() for target in self.targets],
        )
        return state

    def __setstate__(self, state: dict) -> None:
        state.update(
            valid=valid_region(state["sizes"], tuple(state["images"].shape[-2:])),
            boxes=[torch.from_numpy(boxes) for boxes in state["boxes"]],
            labels=[torch.from_numpy(labels) for labels in state["labels"]],
            pitch_vectors=torch.from_numpy(state["pitch_vectors"]),
            targets=None if state.get("targets") is None else [torch.from_numpy(t) for t in state["targets"]],
        )
        self.__dict__.update(state)

    def pin_memory(self) -> "Batch":
        """The batch in page-locked memory, so `to(cuda)` copies asynchronously. A DataLoader with pin_memory=True
        calls this; without it the loader would hand back our dataclass unpinned (it only knows tensors, mappings
        and sequences)."""
        return Batch(
            images=self.images.pin_memory(),
            valid=self.valid.pin_memory(),
            sizes=self.sizes,
            masks=None if self.masks is None else self.masks.pin_memory(),
            boxes=[b.pin_memory() for b in self.boxes],
            labels=[lab.pin_memory() for lab in self.labels],
            pitch_vectors=self.pitch_vectors.pin_memory(),
            targets=None if self.targets is None else [t.pin_memory() for t in self.targets],
        )

    def to(self, device: torch.device) -> "Batch":
        return Batch(
            images=self.images.to(device, non_blocking=True).contiguous(memory_format=torch.channels_last),
            valid=self.valid.to(device, non_blocking=True),
            sizes=self.sizes,
            masks=None if self.masks is None else self.masks.to(device, non_blocking=True),
            boxes=[b.to(device) for b in self.boxes],
            labels=[lab.to(device) for lab in self.labels],
            pitch_vectors=self.pitch_vectors.to(device, non_blocking=True),
            targets=None if self.targets is None else [t.to(device) for t in self.targets],
        )


def collate(items: list[dict], transform: Callable[[Batch], Batch] | None = None) -> Batch:
    """Pad every item to the batch's largest size rounded up to multiples of 32; then apply `transform` (batch
    augmentation: in the DataLoader's collate it runs in the loader's workers, when there are any)."""
    sizes = [tuple(item["image"].shape[-2:]) for item in items]
    size = padded_size(max(h for h, _ in sizes), max(w for _, w in sizes))
    images, masks = [], []
    for item in items:
        image = item["image"].as_subclass(torch.Tensor)
        if image.dtype == torch.uint8:
            image = image.float().div_(255.0)
        images.append(pad_image(image, size, fill=1.0))
        if "mask" in item:
            masks.append(pad_image(item["mask"].as_subclass(torch.Tensor).to(torch.int64), size, fill=0))
    has_masks = len(masks) == len(items)
    has_targets = all("target" in item for item in items)
    batch = Batch(
        images=torch.stack(images),
        valid=valid_region(sizes, size),
        sizes=sizes,
        masks=torch.stack(masks) if has_masks else None,
        boxes=[item["boxes"].as_subclass(torch.Tensor).float() for item in items],
        labels=[item["labels"] for item in items],
        pitch_vectors=torch.stack([item["pitch_vector"] for item in items]),
        targets=[item["target"] for item in items] if has_targets else None,
    )
    return batch if transform is None else transform(batch)


class WidthBucketSampler(Sampler[list[int]]):
    """Shuffled batches of similar widths: each pool of `pool` batches is sorted by width before being cut, so a
    narrow v02 staff is rarely padded to the widest one (padding is wasted compute on a CPU)."""

    def __init__(self, widths: Sequence[int], batch_size: int, generator: torch.Generator, pool: int = 16) -> None:
        self.widths, self.batch_size, self.generator, self.pool = list(widths), batch_size, generator, pool

    def __len__(self) -> int:
        return len(self.widths) // self.batch_size

    def __iter__(self) -> Iterator[list[int]]:
        order = torch.randperm(len(self.widths), generator=self.generator).tolist()
        order = order[: len(self) * self.batch_size]
        chunk = self.pool * self.batch_size
        batches = []
        for start in range(0, len(order), chunk):
            pooled = sorted(order[start : start + chunk], key=lambda i: self.widths[i])
            batches.extend(pooled[k : k + self.batch_size] for k in range(0, len(pooled), self.batch_size))
        for index in torch.randperm(len(batches), generator=self.generator).tolist():
            yield batches[index]
