"""Grace notes: a small head with its small stem (always up), flag, the acciaccatura's slash, a small accidental, and
the small slur that ties a run of grace notes to its main note. They take little room before their main note."""

from __future__ import annotations

from omr.music.events import BEAM_COUNT, staff_position_y
from omr.render.glyphs import GLYPH_WIDTH, place_glyph
from omr.render.marks import SLUR_THICKNESS, crescent
from omr.render.note_layout import (DOT_ADVANCE, DOT_OFFSET, FLAG_SPACING, STEM_ATTACH, STEMLESS, Element,
                                    head_half_width, ledger_element, notehead_class, stem_edges)
from omr.render.score import Note
from omr.render.sprites import place_polygon, place_rect

GRACE_SCALE = 0.6  # a grace note's head, stem, flag, accidental and dots: this size of a full note's
GRACE_ACCIDENTAL_GAP = 0.15  # spaces between a small accidental and its head
GRACE_FLAG_ROOM = 0.7  # spaces more right of a flagged grace note (its flag hangs right of the stem)
GRACE_GAP = 0.6  # spaces from a grace note to what follows (the next grace note, or the main note's accidental)


def grace_advance(note: Note, beamed: bool, s: float) -> tuple[float, float, float]:
    """(accidental width, head half width, room right of the head) in pixels, for the spacing of a grace column."""
    accidental = GLYPH_WIDTH[note.accidental] * GRACE_SCALE * s if note.accidental else 0.0
    flagged = not beamed and BEAM_COUNT.get(note.note_type, 0) > 0
    room = (GRACE_FLAG_ROOM * s if flagged else 0.0) + GRACE_GAP * s
    return accidental, head_half_width(note.note_type) * GRACE_SCALE * s, room


def grace_tip(note: Note, y: float, style) -> float:
    """y of an unbeamed grace stem's tip: a small stem, longer by a (small) flag spacing per flag past the first."""
    flags = BEAM_COUNT.get(note.note_type, 0)
    return y - (style.stem_length + FLAG_SPACING * max(0, flags - 1)) * GRACE_SCALE * style.staff_space


def grace_elements(note: Note, position: int, x: float, y: float, accidental_x: float | None, tip: float,
                   beamed: bool, first_of_beam: bool, bottom_y: float, style, font: str | None = None) -> list[Element]:
    """Head, stem, ledger lines, flags, slash (an acciaccatura's), accidental and dots of one grace note."""
    s, t = style.staff_space, style.line_thickness
    g = GRACE_SCALE * s
    head = notehead_class(note.note_type)
    elements = [Element("notehead_grace", "notehead_grace", (place_glyph(head, x, y, g),))]
    stem_left, stem_right = stem_edges(x, note.note_type, True, g, max(1.0, 0.7 * style.stem_thickness))
    if note.note_type not in STEMLESS:
        elements.append(Element("stem", None, (place_rect(stem_left, tip, stem_right, y - STEM_ATTACH * g),)))
    ledgers = ledger_element(position, x, head_half_width(note.note_type) * g + 0.3 * g, bottom_y, s, t)
    if ledgers:
        elements.append(ledgers)
    flags = 0 if beamed else BEAM_COUNT.get(note.note_type, 0)
    for k in range(flags):
        elements.append(Element("flag", "flag", (place_glyph("flag_up", stem_right, tip + k * FLAG_SPACING * g, g),)))
    if note.grace == "acciaccatura" and note.note_type not in STEMLESS and (not beamed or first_of_beam):
        elements.append(Element("stem", None, (_slash(stem_right, tip, g),)))
    if accidental_x is not None:
        elements.append(Element(note.accidental, note.accidental, (
            place_glyph(note.accidental, accidental_x, y, g, font),)))
    if note.dots:
        dot_x = x + (head_half_width(note.note_type) + DOT_OFFSET) * g + (0.5 * g if flags else 0.0)
        dot_y = staff_position_y(position + 1 if position % 2 == 0 else position, bottom_y, s)
        elements.extend(Element("augmentation_dot", "augmentation_dot", (
            place_glyph("dot", dot_x + k * DOT_ADVANCE * g, dot_y, g),)) for k in range(note.dots))
    return elements


def _slash(stem_right: float, tip: float, g: float):
    """The acciaccatura's stroke: rising to the right across the stem and its flag, near the tip."""
    x0, y0, x1, y1 = stem_right - 0.8 * g, tip + 2.0 * g, stem_right + 1.0 * g, tip + 0.5 * g
    half = max(0.5, 0.09 * g)
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    nx, ny = -(y1 - y0) / length * half, (x1 - x0) / length * half  # the stroke's half thickness, across it
    return place_polygon([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)])


def grace_slur_element(grace_x: float, grace_y: float, main_x: float, main_y: float, main_type: str,
                       s: float) -> Element:
    """The small slur from a run's first grace head to its main note, under the heads (away from the grace
    stems), ending left of the main head."""
    start = (grace_x, grace_y + 0.45 * s)
    end = (main_x - head_half_width(main_type) * s * 0.7, main_y + 0.6 * s)
    bulge = min(0.6, 0.15 + 0.05 * abs(end[0] - start[0]) / s) * s
    return Element("slur", "slur", (place_polygon(crescent(start, end, bulge, 0.7 * SLUR_THICKNESS * s)),))
