"""Our sheet-music renderer: score model -> one layout -> image, mask, boxes and symbolic notes (numpy/Pillow only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.music import SymbolicNote
from omr.render.layout import Layout, RenderStyle, layout
from omr.render.random_config import RandomConfig
from omr.render.raster import boxes, rasterise
from omr.render.score import IncompleteNoteError, Note, NoteBuilder, Staff, note_from_text, staff_from_notes
from omr.samples import Box

__all__ = [
    "IncompleteNoteError", "Layout", "Note", "NoteBuilder", "RandomConfig", "RenderStyle", "RenderedSample", "Staff",
    "layout", "note_from_text", "render_staff", "staff_from_notes",
]


@dataclass(frozen=True)
class RenderedSample:
    """Everything one rendering gives: image (255 = white), class mask, boxes, notes and the staff geometry."""

    image: np.ndarray
    mask: np.ndarray
    boxes: tuple[Box, ...]
    notes: tuple[SymbolicNote, ...]
    staff_lines: tuple[float, ...]
    staff_space: float

    @property
    def height(self) -> int:
        return int(self.image.shape[0])

    @property
    def width(self) -> int:
        return int(self.image.shape[1])


def render_staff(staff: Staff, style: RenderStyle = RenderStyle()) -> RenderedSample:
    """Lay the staff out once and derive every output from that layout."""
    placed = layout(staff, style)
    image, mask = rasterise(placed)
    return RenderedSample(image, mask, boxes(placed), placed.notes, placed.staff_lines, placed.staff_space)
