"""Our sheet-music renderer: score model -> one layout -> image, mask, boxes and symbolic notes (numpy/Pillow only)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.music.events import Event, StaffHeader, SymbolicNote, notes_of
from omr.render.layout import Layout, RenderStyle, layout
from omr.render.random_config import RandomConfig
from omr.render.raster import boxes, rasterise
from omr.render.score import (IncompleteNoteError, Note, NoteBuilder, Rest, Staff, StaffChange, note_from_text,
                              staff_from_notes)
from omr.samples import Box

__all__ = [
    "IncompleteNoteError", "Layout", "Note", "NoteBuilder", "RandomConfig", "RenderStyle", "RenderedSample", "Rest", "Staff",
    "StaffChange", "layout", "note_from_text", "render_staff", "staff_from_notes",
]


@dataclass(frozen=True)
class RenderedSample:
    """Everything one rendering gives: image (255 = white), class mask (NOTATION_MASK_CLASSES indices), boxes, the
    events left to right (notes and rests), the staff geometry and the header: what the preamble shows (clef None:
    none drawn; time None: no time signature) and the x of each barline."""

    image: np.ndarray
    mask: np.ndarray
    boxes: tuple[Box, ...]
    events: tuple[Event, ...]
    staff_lines: tuple[float, ...]
    staff_space: float
    header: StaffHeader = StaffHeader()

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        """The events whose kind is note."""
        return notes_of(self.events)

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
    return RenderedSample(image, mask, boxes(placed), placed.events, placed.staff_lines, placed.staff_space,
                          placed.header)
