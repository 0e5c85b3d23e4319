"""Model outputs, torch-free, so decode/evaluate/report can use them without importing torch.

All coordinates are those of the image the model was given (after any rescaling done by the caller).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.music import PITCH_VECTOR_SIZE
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


@dataclass(frozen=True)
class RegressionOutput:
    """Per-white-key probability that the key is present (the 52-entry pitch vector, CONTRACT.md)."""

    probabilities: np.ndarray

    def __post_init__(self) -> None:
        if self.probabilities.shape != (PITCH_VECTOR_SIZE,):
            raise ValueError(f"probabilities must have shape (52,), got {self.probabilities.shape}")


@dataclass(frozen=True)
class DetectionOutput:
    """Every detected box with its score, low-confidence ones kept so decoders and the report can threshold."""

    boxes: tuple[Box, ...]


ModelOutput = SegmentationOutput | RegressionOutput | DetectionOutput
