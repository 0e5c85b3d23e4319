"""Layout: place every element of a staff once, in pixels. Every output (image, mask, boxes, notes) reads this."""

from __future__ import annotations

import math
from dataclasses import dataclass

from omr.music import SymbolicNote, staff_position_y
from omr.render.glyphs import GLYPH_WIDTH, NOTEHEAD_HALF_WIDTH, Sprite, place_glyph, place_rect
from omr.render.score import Staff

NOTEHEAD_OF_TYPE = {"quarter": "notehead_filled", "half": "notehead_hollow"}
# Treble-clef staff positions of a key signature's accidentals, in the order engravers print them.
KEY_SHARP_POSITIONS = (8, 5, 9, 6, 3, 7, 4)  # F5 C5 G5 D5 A4 E5 B4
KEY_FLAT_POSITIONS = (4, 7, 3, 6, 2, 5, 1)  # B4 E5 A4 D5 G4 C5 F4
KEY_ACCIDENTAL_ADVANCE = 0.1  # spaces between a key signature's glyphs
# Free space after a key signature: its last glyph sits >= 3 spaces left of the first head's centre, beyond the
# decoders' reach for a note's own accidental (which sits <= 1.5 spaces left of its head).
KEY_SIGNATURE_GAP = 2.0
# Where the tilted head's right (left) edge meets a stem up (down): slightly above (below) the head's centre.
STEM_ATTACH = 0.05


@dataclass(frozen=True)
class RenderStyle:
    """Sizes in pixels (staff_space, line_thickness, height, width) and in staff spaces (margin, gaps, stems)."""

    staff_space: float = 8.0
    line_thickness: float = 1.0
    height: int = 128
    width: int | None = None  # fixed image width; None: follows the content, rounded up to width_multiple
    width_multiple: int = 32
    margin: float = 1.0  # image edge to staff start/end
    note_gap: float = 2.0  # free space after each notehead
    stem_length: float = 3.5  # from the notehead centre

    def __post_init__(self) -> None:
        if self.staff_space <= 0 or self.line_thickness <= 0:
            raise ValueError("staff_space and line_thickness must be > 0")
        if self.height < 4 * self.staff_space + 2:
            raise ValueError(f"height {self.height} px cannot hold a staff of staff_space {self.staff_space} px")
        if self.width_multiple < 1:
            raise ValueError(f"width_multiple must be >= 1, got {self.width_multiple}")

    @property
    def stem_thickness(self) -> float:
        return max(1.0, 0.12 * self.staff_space)

    @property
    def barline_thickness(self) -> float:
        return max(1.0, 0.16 * self.staff_space)


@dataclass(frozen=True)
class Element:
    """One drawn thing: its mask class, its box class (None: no box), and its placed sprites."""

    mask_class: str
    box_class: str | None
    sprites: tuple[Sprite, ...]


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    staff_space: float
    staff_lines: tuple[float, ...]  # centre y of the five lines, top first
    elements: tuple[Element, ...]
    notes: tuple[SymbolicNote, ...]


def _horizontal_positions(staff: Staff, style: RenderStyle) -> tuple[list[float | None], list[float], list[float], float]:
    """x of each accidental (None: none), each notehead centre, each barline, and where the content ends."""
    s = style.staff_space
    x = _preamble_start(staff, style)
    if staff.key_signature:
        x = _key_signature_x(staff.key_signature, x, s)[-1] + KEY_SIGNATURE_GAP * s
    accidental_x, head_x, barline_x = [], [], []
    barlines = set(staff.barlines_after)
    for index, note in enumerate(staff.notes):
        if note.accidental is not None:
            width = GLYPH_WIDTH[note.accidental] * s
            accidental_x.append(x + width / 2)
            x += width + 0.25 * s
        else:
            accidental_x.append(None)
        head_x.append(x + NOTEHEAD_HALF_WIDTH * s)
        x += 2 * NOTEHEAD_HALF_WIDTH * s + style.note_gap * s
        if index in barlines:
            barline_x.append(x - style.note_gap * s / 2)
            x += 0.5 * s
    return accidental_x, head_x, barline_x, x - style.note_gap * s + 1.0 * s


def _preamble_start(staff: Staff, style: RenderStyle) -> float:
    """x where what follows the clef begins: the key signature, else the first note."""
    s = style.staff_space
    return style.margin * s + (3.4 * s if staff.clef else 1.0 * s)


def _key_signature_x(key_signature: int, start: float, s: float) -> list[float]:
    """Centres of a key signature's glyphs starting at `start`, then (last item) where the signature ends."""
    kind = "sharp" if key_signature > 0 else "flat"
    advance = (GLYPH_WIDTH[kind] + KEY_ACCIDENTAL_ADVANCE) * s
    return [start + (index + 0.5) * advance for index in range(abs(key_signature))] + [start + abs(key_signature) * advance]


def _key_signature_elements(key_signature: int, start: float, bottom_y: float, s: float) -> list[Element]:
    kind = "sharp" if key_signature > 0 else "flat"
    positions = KEY_SHARP_POSITIONS if key_signature > 0 else KEY_FLAT_POSITIONS
    centres = _key_signature_x(key_signature, start, s)[:-1]
    return [Element(kind, kind, (place_glyph(kind, x, staff_position_y(position, bottom_y, s), s),))
            for x, position in zip(centres, positions)]


def _image_width(content_end: float, style: RenderStyle) -> int:
    needed = math.ceil(content_end + style.margin * style.staff_space)
    if style.width is not None:
        if needed > style.width:
            raise ValueError(f"the notes need {needed} px but the image width is fixed at {style.width} px")
        return style.width
    return -(-needed // style.width_multiple) * style.width_multiple


def layout(staff: Staff, style: RenderStyle) -> Layout:
    """Place staff lines, clef, accidentals, noteheads, stems, ledger lines and barlines."""
    s, t = style.staff_space, style.line_thickness
    middle_y = round(style.height / 2 - t / 2) + t / 2  # keeps a 1 px line on one pixel row
    staff_lines = tuple(middle_y + k * s for k in (-2, -1, 0, 1, 2))
    bottom_y = staff_lines[-1]
    accidental_x, head_x, barline_x, content_end = _horizontal_positions(staff, style)
    width = _image_width(content_end, style)
    staff_start, staff_end = style.margin * s, width - style.margin * s
    if staff.barlines_after and staff.barlines_after[-1] == len(staff.notes) - 1:
        barline_x[-1] = staff_end - style.barline_thickness / 2  # a barline after the last note closes the staff

    elements = [Element("staff_line", "staff", tuple(place_rect(staff_start, y - t / 2, staff_end, y + t / 2)
                                                     for y in staff_lines))]
    if staff.clef:
        elements.append(Element("clef", "clef", (place_glyph("clef", staff_start + 0.4 * s, bottom_y - s, s),)))
    if staff.key_signature:
        elements.extend(_key_signature_elements(staff.key_signature, _preamble_start(staff, style), bottom_y, s))
    notes = []
    for note, acc_x, x in zip(staff.notes, accidental_x, head_x):
        position = note.staff_position
        y = staff_position_y(position, bottom_y, s)
        notes.append(SymbolicNote(note.step, note.octave, note.alter, note.note_type, x, y))
        elements.extend(_note_elements(note.note_type, note.stem_up, position, x, y, bottom_y, style))
        if acc_x is not None:
            elements.append(Element(note.accidental, note.accidental, (place_glyph(note.accidental, acc_x, y, s),)))
    half_bar = style.barline_thickness / 2
    for x in barline_x:
        x0 = round(x - half_bar)
        elements.append(Element("barline", "barline", (place_rect(x0, staff_lines[0] - t / 2, x0 + 2 * half_bar,
                                                                  bottom_y + t / 2),)))
    return Layout(width, style.height, s, staff_lines, tuple(elements), tuple(notes))


def _note_elements(note_type: str, stem_up: bool, position: int, x: float, y: float, bottom_y: float,
                   style: RenderStyle) -> list[Element]:
    s, t = style.staff_space, style.line_thickness
    head = NOTEHEAD_OF_TYPE[note_type]
    elements = [Element(head, head, (place_glyph(head, x, y, s),))]
    half_width = NOTEHEAD_HALF_WIDTH * s
    if stem_up:
        x1 = round(x + half_width - 0.02 * s)  # stems on whole pixels stay crisp
        stem = place_rect(x1 - style.stem_thickness, y - style.stem_length * s, x1, y - STEM_ATTACH * s)
    else:
        x0 = round(x - half_width + 0.02 * s)
        stem = place_rect(x0, y + STEM_ATTACH * s, x0 + style.stem_thickness, y + style.stem_length * s)
    elements.append(Element("stem", None, (stem,)))
    # Ledger lines: every line position (even) between the staff (0..8) and the note, beyond the staff.
    ledgers = list(range(-2, position - 1, -2)) + list(range(10, position + 1, 2))
    if ledgers:
        reach = half_width + 0.35 * s
        elements.append(Element("ledger_line", None, tuple(
            place_rect(x - reach, ly - t / 2, x + reach, ly + t / 2)
            for ly in (staff_position_y(p, bottom_y, s) for p in ledgers))))
    return elements
