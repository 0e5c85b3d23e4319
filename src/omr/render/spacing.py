"""Horizontal spacing: where each accidental, head (rest), barline and signature of a staff goes, left to right.

`style` is omr.render.layout.RenderStyle (not imported: layout imports this module)."""

from __future__ import annotations

from dataclasses import dataclass
from omr.render.glyphs import GLYPH_WIDTH
from omr.render.grace import GRACE_ACCIDENTAL_GAP, grace_advance
from omr.render.note_layout import DOT_ADVANCE, DOT_OFFSET, FLAG_DOT_SHIFT, REST_HALF_WIDTH, flag_count, head_half_width
from omr.render.preamble import (CLEF_GLYPH, KEY_SIGNATURE_GAP, TIME_SIGNATURE_GAP, PlacedChange, change_elements,
                                 key_signature_x, time_signature_width)
from omr.render.score import Staff

# Room after each event, as a factor of note_gap: longer values get a little more, as engravers space them
# (quarter and half keep the seed's spacing, so its datasets draw the same).
DURATION_SPACE = {"breve": 2.0, "whole": 1.5, "half": 1.0, "quarter": 1.0, "eighth": 0.85, "16th": 0.75, "32nd": 0.7}
UP_FLAG_ROOM = 0.6  # spaces more after an unbeamed note whose flag hangs right of an up stem (clears a barline)
FINAL_BARLINE_ROOM = 1.0  # spaces between the last event and a final double bar


@dataclass(frozen=True)
class Columns:
    """x of each event's accidental (None: none) and head (rest) centre, of each barline, the time signature and
    the end of the content; the changes printed inside the staff ((event index, left edge, placed change)); and,
    per measure rest, the left end of its measure (the barline, preamble or change before it), where it is centred
    from."""

    accidental_x: list
    centre_x: list
    barline_x: list
    content_end: float
    time_x: float | None
    changes: tuple[tuple[int, float, PlacedChange], ...] = ()
    measure_left: dict | None = None


def beamed_indices(staff: Staff) -> set[int]:
    return {index for group in staff.beams for index in group}


def _extra_room(event, beamed: bool, position: int | None) -> float:
    """Spaces an event needs right of its head beyond the gap: its dots, and an up stem's flag."""
    room = 0.0
    flag_up = event.kind == "note" and flag_count(event, beamed) > 0 and event.stem_up_at(position)
    if flag_up:
        room += UP_FLAG_ROOM
    if event.dots:
        room += DOT_OFFSET + 0.35 + DOT_ADVANCE * (event.dots - 1) + (FLAG_DOT_SHIFT if flag_up else 0.0)
    return room


def preamble_start(staff: Staff, style) -> float:
    """x where what follows the clef begins: the key signature, else the time signature or the first note."""
    s = style.staff_space
    return style.margin * s + (3.4 * s if staff.clef else 1.0 * s)


def _preamble_end(staff: Staff, style, key_end: float | None, time_x: float | None) -> float:
    """x of the preamble's right edge (its last glyph's), where the first measure begins for a measure rest."""
    s = style.staff_space
    if time_x is not None:
        return time_x + time_signature_width(staff.time_signature) * s / 2
    if key_end is not None:
        return key_end
    if staff.clef:
        return style.margin * s + 0.4 * s + GLYPH_WIDTH[CLEF_GLYPH[staff.clef_sign][0]] * s
    return style.margin * s


def horizontal_positions(staff: Staff, style, bottom_y: float) -> Columns:
    """Place the preamble, then each event's column (a change inside the staff before its event), left to right."""
    s = style.staff_space
    x = preamble_start(staff, style)
    key_end = key_signature_x(staff.key_signature, x, s)[-1] if staff.key_signature else None
    if key_end is not None:
        x = key_end + KEY_SIGNATURE_GAP * s
    time_x = None
    if staff.time_signature is not None:
        start = key_end + TIME_SIGNATURE_GAP * s if key_end is not None else x
        width = time_signature_width(staff.time_signature) * s
        time_x = start + width / 2
        x = start + width + KEY_SIGNATURE_GAP * s
    accidental_x, centre_x, barline_x, changes, measure_left = [], [], [], [], {}
    barlines, beamed = set(staff.barlines_after), beamed_indices(staff)
    change_before = {change.before: change for change in staff.changes}
    clef_sign, key_fifths = staff.clef_sign, staff.key_signature
    left_end = _preamble_end(staff, style, key_end, time_x)  # where the current measure's room begins
    gap = style.note_gap * s
    for index, event in enumerate(staff.notes):
        if index in change_before:
            placed = change_elements(change_before[index], clef_sign, key_fifths, x, bottom_y, s, staff.glyph_font)
            changes.append((index, x, placed))
            clef_sign, key_fifths = placed.clef_sign, placed.key_fifths
            left_end = x + placed.width
            x = left_end + KEY_SIGNATURE_GAP * s
        if event.kind == "note" and event.grace is not None:
            accidental, half_width, room = grace_advance(event, index in beamed, s)
            accidental_x.append(x + accidental / 2 if accidental else None)
            x += accidental + GRACE_ACCIDENTAL_GAP * s if accidental else 0.0
            centre_x.append(x + half_width)
            x += 2 * half_width + room
        else:
            kind = event.note_type if event.kind == "note" else event.rest_type
            factor = DURATION_SPACE[kind]
            gap = style.note_gap * s if factor == 1.0 else style.note_gap * factor * s
            if event.kind == "note" and event.accidental is not None:
                width = GLYPH_WIDTH[event.accidental] * s
                accidental_x.append(x + width / 2)
                x += width + 0.25 * s
            else:
                accidental_x.append(None)
            if event.kind == "rest" and event.measure and (index == 0 or index - 1 in barlines or
                                                           index in change_before):
                measure_left[index] = left_end
            half_width = head_half_width(kind) if event.kind == "note" else REST_HALF_WIDTH[kind]
            centre_x.append(x + half_width * s)
            position = staff.position_at(index) if event.kind == "note" else None
            extra = _extra_room(event, index in beamed, position) * s
            x += 2 * half_width * s + gap if not extra else 2 * half_width * s + extra + gap  # seed's sum kept exact
        if index in barlines:
            barline_x.append(x - gap / 2)
            left_end = x - gap / 2
            x += 0.5 * s
    end = x - gap + 1.0 * s + (FINAL_BARLINE_ROOM * s if staff.final_barline else 0.0)
    return Columns(accidental_x, centre_x, barline_x, end, time_x, tuple(changes), measure_left)
