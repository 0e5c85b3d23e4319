"""Image -> notes with any trained predictor: rescale to the training staff space, predict, decode, map back.

Evaluation and `omr transcribe` both go through here, so a user's image is read exactly like a test image.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Protocol, Sequence

import numpy as np
from PIL import Image

from omr.approaches import get_approach
from omr.decode import Decoded, estimate_staff_space
from omr.decode.config import RecognizeConfig
from omr.decode.geometry import find_staff_lines, row_profile
from omr.music.events import Event, StaffHeader, SymbolicNote, notes_of
from omr.decode.outputs import ModelOutput
from omr.samples import STAFF_CANVAS_HEIGHT, STAFF_CANVAS_MIDDLE


class Predictor(Protocol):
    approach: str
    # Optional: True when the model was trained on staff-normalised images (see `staff_canvas`).
    # staff_normalized: bool

    def predict_batch(self, images: list[np.ndarray]) -> list[ModelOutput]: ...


@dataclass(frozen=True)
class Recognition:
    """Decoded notes and the raw model output, both in the original image's pixels; `scale` = model px / image px."""

    events: tuple[Event, ...]
    output: ModelOutput
    scale: float
    staff_lines: tuple[float, ...] | None = None
    knows_accidentals: bool = True
    knows_durations: bool = True
    header: StaffHeader = StaffHeader()

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        return notes_of(self.events)


def recognize(predictor: Predictor, image: np.ndarray, config: RecognizeConfig) -> Recognition:
    """Notes of one staff image (HxW uint8, 255 = white)."""
    return recognize_batch(predictor, [image], config)[0]


def recognize_batch(predictor: Predictor, images: Sequence[np.ndarray], config: RecognizeConfig) -> list[Recognition]:
    """`recognize` for several images with one batched prediction."""
    scales = [model_scale(image, config) for image in images]
    resized = [rescale_image(image, scale) for image, scale in zip(images, scales)]
    # Vertical staff normalisation for models trained that way: middle line on the canvas centre; offset = the
    # resized image's row shown at canvas row 0 (model y + offset = resized y).
    normalize = bool(getattr(predictor, "staff_normalized", False))
    offsets = [staff_offset(image) if normalize else 0 for image in resized]
    model_images = [staff_canvas(image, offset) if normalize else image for image, offset in zip(resized, offsets)]
    outputs = predictor.predict_batch(model_images)
    approach = get_approach(predictor.approach)
    results = []
    for image, resized_image, model_image, scale, offset, output in zip(images, resized, model_images, scales, offsets, outputs):
        decoded = shift_decoded(approach.decode(output, model_image, config), offset).scaled(1.0 / scale)
        if normalize:
            output = output.from_canvas(offset, *resized_image.shape[::-1])
        results.append(
            Recognition(
                events=decoded.events,
                output=output.to_image(scale, image.shape),
                scale=scale,
                staff_lines=decoded.staff_lines,
                knows_accidentals=decoded.knows_accidentals,
                knows_durations=decoded.knows_durations,
                header=decoded.header,
            )
        )
    return results


def model_scale(image: np.ndarray, config: RecognizeConfig) -> float:
    """Factor that brings the image's staff space to the training one (1.0 when close enough or no staff found)."""
    try:
        scale = config.staff_space / estimate_staff_space(image)
    except ValueError:
        return 1.0
    return 1.0 if abs(scale - 1.0) <= config.rescale_tolerance else scale


def staff_offset(image: np.ndarray, canvas_middle: float = STAFF_CANVAS_MIDDLE, canvas_height: int = STAFF_CANVAS_HEIGHT) -> int:
    """Rows to shift an image (already at the training staff space) up so its middle staff line (found from the row
    profile, as the decoders do) lands on `canvas_middle`; with no staff found, the image's centre does."""
    image = np.asarray(image, dtype=np.uint8)
    lines = find_staff_lines(row_profile(image))
    if lines is None:
        return int(round((image.shape[0] - canvas_height) / 2.0))
    return int(round(lines.lines[2] - canvas_middle))


def staff_canvas(image: np.ndarray, offset: int, canvas_height: int = STAFF_CANVAS_HEIGHT) -> np.ndarray:
    """Rows offset .. offset + canvas_height of `image`, padded with paper (255) where they fall outside it."""
    image = np.asarray(image, dtype=np.uint8)
    canvas = np.full((canvas_height, image.shape[1]), 255, dtype=np.uint8)
    lo, hi = max(0, offset), min(image.shape[0], offset + canvas_height)
    if hi > lo:
        canvas[lo - offset : hi - offset] = image[lo:hi]
    return canvas


def shift_decoded(decoded: Decoded, offset: float) -> Decoded:
    """Decoded notes and staff lines moved down by `offset` rows (canvas -> resized image)."""
    if offset == 0:
        return decoded
    events = tuple(replace(e, y=e.y + offset) for e in decoded.events)
    lines = None if decoded.staff_lines is None else tuple(y + offset for y in decoded.staff_lines)
    return replace(decoded, events=events, staff_lines=lines)


def rescale_image(image: np.ndarray, scale: float) -> np.ndarray:
    """Grayscale image resampled by `scale` (Lanczos: thin staff lines survive downscaling)."""
    image = np.asarray(image, dtype=np.uint8)
    if scale == 1.0:
        return image
    height, width = image.shape
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return np.asarray(Image.fromarray(image).resize(size, Image.Resampling.LANCZOS))
