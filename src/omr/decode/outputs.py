"""Model outputs, torch-free, so decode/evaluate/report can use them without importing torch.

All coordinates are those of the image the model was given (after any rescaling done by the caller). Each output
knows how to map itself back: `to_image` (from a rescaled image to the original's pixels) and `from_canvas` (from a
staff canvas to the rescaled image's rows), so omr.transcribe.recognize needs no per-type dispatch.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PIL import Image

from omr.music.events import PITCH_VECTOR_SIZE
from omr.samples import Box


@dataclass(frozen=True)
class SegmentationOutput:
    """Per-pixel classes: `class_map` holds indices into `class_names`; `probabilities` is [C,H,W] softmax or None."""

    class_map: np.ndarray
    class_names: tuple[str, ...]
    probabilities: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.class_map.ndim != 2:
            raise ValueError(f"class_map must be HxW, got shape {self.class_map.shape}")
        if self.probabilities is not None and self.probabilities.shape != (len(self.class_names), *self.class_map.shape):
            raise ValueError(
                f"probabilities must be {(len(self.class_names), *self.class_map.shape)}, got {self.probabilities.shape}"
            )

    def to_image(self, scale: float, shape: tuple[int, int]) -> "SegmentationOutput":
        """The class map resized to the original image's `shape` (nearest neighbour; probabilities dropped)."""
        if scale == 1.0:
            return self
        height, width = shape
        class_map = np.asarray(Image.fromarray(self.class_map).resize((width, height), Image.Resampling.NEAREST))
        return replace(self, class_map=class_map, probabilities=None)

    def from_canvas(self, offset: int, width: int, height: int) -> "SegmentationOutput":
        """The class map placed at row `offset` of a width x height image; rows outside the canvas are class 0
        (background)."""
        class_map = np.zeros((height, width), dtype=np.uint8)
        canvas_height = self.class_map.shape[0]
        lo, hi = max(0, offset), min(height, offset + canvas_height)
        if hi > lo:
            class_map[lo:hi] = self.class_map[lo - offset : hi - offset]
        return replace(self, class_map=class_map, probabilities=None)


@dataclass(frozen=True)
class RegressionOutput:
    """Per-white-key probability that the key is present (the 52-entry pitch vector, CONTRACT.md)."""

    probabilities: np.ndarray

    def __post_init__(self) -> None:
        if self.probabilities.shape != (PITCH_VECTOR_SIZE,):
            raise ValueError(f"probabilities must have shape (52,), got {self.probabilities.shape}")

    def to_image(self, scale: float, shape: tuple[int, int]) -> "RegressionOutput":
        """Unchanged: a pitch vector has no pixels."""
        return self

    def from_canvas(self, offset: int, width: int, height: int) -> "RegressionOutput":
        return self


@dataclass(frozen=True)
class DetectionOutput:
    """Every detected box with its score, low-confidence ones kept so decoders and the report can threshold."""

    boxes: tuple[Box, ...]

    def to_image(self, scale: float, shape: tuple[int, int]) -> "DetectionOutput":
        """Every box divided by `scale` (model px -> original image px)."""
        if scale == 1.0:
            return self
        return DetectionOutput(boxes=tuple(Box(b.label, tuple(v / scale for v in b.xyxy), b.score) for b in self.boxes))

    def from_canvas(self, offset: int, width: int, height: int) -> "DetectionOutput":
        """Every box moved down by `offset` rows."""
        if offset == 0:
            return self
        return DetectionOutput(boxes=tuple(
            Box(b.label, (b.xyxy[0], b.xyxy[1] + offset, b.xyxy[2], b.xyxy[3] + offset), b.score) for b in self.boxes
        ))


@dataclass(frozen=True)
class SequenceOutput:
    """CTC log-probabilities per frame (T x (V+1), blank = column 0) over `vocabulary`; frame t covers x from
    t * frame_stride to (t + 1) * frame_stride of the image the output is expressed in."""

    log_probs: np.ndarray
    vocabulary: tuple[str, ...]
    frame_stride: float

    def __post_init__(self) -> None:
        if self.log_probs.ndim != 2 or self.log_probs.shape[1] != len(self.vocabulary) + 1:
            raise ValueError(f"log_probs must be T x {len(self.vocabulary) + 1}, got {self.log_probs.shape}")

    def to_image(self, scale: float, shape: tuple[int, int]) -> "SequenceOutput":
        """Frames widened by 1 / `scale` (model px -> original image px)."""
        return self if scale == 1.0 else replace(self, frame_stride=self.frame_stride / scale)

    def from_canvas(self, offset: int, width: int, height: int) -> "SequenceOutput":
        """Unchanged: frames are columns, which a vertical shift does not move."""
        return self


ModelOutput = SegmentationOutput | RegressionOutput | DetectionOutput | SequenceOutput
