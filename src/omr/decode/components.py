"""Connected components of a binary image in numpy (8-connectivity), without scipy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np


@dataclass(frozen=True)
class Component:
    """Pixels of one connected component (row and column arrays) and their bounding box."""

    rows: np.ndarray
    cols: np.ndarray

    @property
    def area(self) -> int:
        return int(self.rows.size)

    @property
    def bbox(self) -> tuple[int, int, int, int]:
        """x0, y0, x1, y1 with exclusive ends."""
        return int(self.cols.min()), int(self.rows.min()), int(self.cols.max()) + 1, int(self.rows.max()) + 1

    @cached_property  # decoders ask for it once per pair of blobs they compare
    def centre(self) -> tuple[float, float]:
        """Mean pixel centre in continuous coordinates (pixel (r, c) spans [c, c+1) x [r, r+1))."""
        return float(self.cols.mean()) + 0.5, float(self.rows.mean()) + 0.5


def label_components(binary: np.ndarray) -> np.ndarray:
    """Label map (0 = background, 1.. = components) by min-label propagation until nothing changes."""
    binary = np.asarray(binary, dtype=bool)
    result = np.zeros(binary.shape, dtype=np.int32)
    rows, cols = np.nonzero(binary.any(axis=1))[0], np.nonzero(binary.any(axis=0))[0]
    if rows.size == 0:
        return result
    # Work only inside the foreground's bounding box: symbols cover a small part of a staff image.
    window = (slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1))
    result[window] = _label_window(binary[window])
    return result


def _label_window(binary: np.ndarray) -> np.ndarray:
    height, width = binary.shape
    big = np.iinfo(np.int64).max
    labels = np.where(binary, np.arange(1, binary.size + 1, dtype=np.int64).reshape(height, width), big)
    while True:
        padded = np.pad(labels, 1, constant_values=big)
        neighbours = [padded[1 + dy : 1 + dy + height, 1 + dx : 1 + dx + width] for dy in (-1, 0, 1) for dx in (-1, 0, 1)]
        updated = np.where(binary, np.minimum.reduce(neighbours), big)
        # Pointer jumping: a pixel takes its label's own label, so long components converge in log steps.
        flat = updated.reshape(-1)
        inside = flat != big
        flat[inside] = np.minimum(flat[inside], flat[flat[inside] - 1])
        if np.array_equal(updated, labels):
            break
        labels = updated
    result = np.zeros((height, width), dtype=np.int32)
    if binary.any():
        _, dense = np.unique(labels[binary], return_inverse=True)
        result[binary] = dense.reshape(-1) + 1
    return result


def dilate(binary: np.ndarray, radius: int = 1) -> np.ndarray:
    """Binary dilation by a (2r+1)^2 square."""
    binary = np.asarray(binary, dtype=bool)
    height, width = binary.shape
    padded = np.pad(binary, radius)
    out = np.zeros_like(binary)
    for dy in range(2 * radius + 1):
        for dx in range(2 * radius + 1):
            out |= padded[dy : dy + height, dx : dx + width]
    return out


def components(binary: np.ndarray, bridge: int = 0) -> list[Component]:
    """Connected components of a binary image, in label order; pieces up to 2*bridge px apart count as one."""
    binary = np.asarray(binary, dtype=bool)
    labels = label_components(dilate(binary, bridge) if bridge else binary)
    labels = np.where(binary, labels, 0)
    rows, cols = np.nonzero(labels)
    ids = labels[rows, cols]
    order = np.argsort(ids, kind="stable")
    rows, cols, ids = rows[order], cols[order], ids[order]
    splits = np.nonzero(np.diff(ids))[0] + 1
    return [Component(r, c) for r, c in zip(np.split(rows, splits), np.split(cols, splits)) if r.size]
