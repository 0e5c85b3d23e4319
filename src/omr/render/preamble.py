"""Signatures: the staff's preamble (clef, key signature at the positions engravers use, time signature) and the
changes printed inside a staff (a smaller courtesy clef, a key change with its cancelling naturals, a new meter)."""

from __future__ import annotations

from typing import NamedTuple

from omr.music.events import key_signature_positions, staff_position_y
from omr.render.glyphs import GLYPH_WIDTH, place_glyph
from omr.render.note_layout import Element
from omr.render.score import StaffChange

KEY_ACCIDENTAL_ADVANCE = 0.1  # spaces between a key signature's glyphs
# Free space after a key (or time) signature: its last glyph sits >= 3 spaces left of the first head's centre,
# beyond the decoders' reach for a note's own accidental (which sits <= 1.5 spaces left of its head).
KEY_SIGNATURE_GAP = 2.0
TIME_SIGNATURE_GAP = 0.6  # spaces between a key signature and the time signature
TIME_SIGNATURE_WIDTH = GLYPH_WIDTH["time"]  # of a one-digit meter (and C, C|): each further digit adds an advance
TIME_DIGIT_ADVANCE = 1.35  # spaces between the centres of a number's digits ("12" of 12/8)
CLEF_GLYPH = {"treble": ("clef", 2), "bass": ("clef_bass", 6)}  # glyph and the line position it curls round
# A time signature's digits: two spaces high, the upper centred in the upper half of the staff, the lower below.
TIME_DIGIT_POSITIONS = (6, 2)
TIME_GLYPH = {"C": "time_C", "C|": "time_C_cut"}  # meters printed as a sign on the middle line
# Inside a staff a clef is printed smaller than at its start, as engravers print a clef change.
CHANGE_CLEF_SCALE = 0.75
CHANGE_PART_GAP = 0.5  # spaces between the clef, the key and the time signature of one change


def clef_element(clef_sign: str, staff_start: float, bottom_y: float, s: float, font: str | None = None,
                 scale: float = 1.0) -> Element:
    """The clef glyph anchored on its line (treble: G line; bass: F line); mask and box class name the clef.
    `scale` < 1 draws a change's smaller clef, its left edge at `staff_start` + 0.4 spaces as the full one's."""
    name, position = CLEF_GLYPH[clef_sign]
    return Element(name, name, (place_glyph(name, staff_start + 0.4 * s, staff_position_y(position, bottom_y, s),
                                            s * scale, font),))


def key_signature_x(key_signature: int, start: float, s: float) -> list[float]:
    """Centres of a key signature's glyphs starting at `start`, then (last item) where the signature ends."""
    kind = "sharp" if key_signature > 0 else "flat"
    advance = (GLYPH_WIDTH[kind] + KEY_ACCIDENTAL_ADVANCE) * s
    return [start + (index + 0.5) * advance for index in range(abs(key_signature))] + [start + abs(key_signature) * advance]


def key_signature_elements(key_signature: int, clef_sign: str, start: float, bottom_y: float,
                           s: float, font: str | None = None) -> list[Element]:
    kind = "sharp" if key_signature > 0 else "flat"
    centres = key_signature_x(key_signature, start, s)[:-1]
    return [Element(kind, kind, (place_glyph(kind, x, staff_position_y(position, bottom_y, s), s, font),))
            for x, position in zip(centres, key_signature_positions(key_signature, clef_sign))]


def time_signature_width(time: str) -> float:
    """Spaces a time signature takes: one digit's width, plus an advance per further digit of its longer number."""
    digits = 1 if time in TIME_GLYPH else max(len(number) for number in time.split("/"))
    return TIME_SIGNATURE_WIDTH + (digits - 1) * TIME_DIGIT_ADVANCE


def time_signature_element(time: str, x: float, bottom_y: float, s: float, font: str | None = None) -> Element:
    """Two stacked numbers (or the common-time C, slashed for cut time, on the middle line) centred on x: one
    element, one box."""
    if time in TIME_GLYPH:
        return Element("time_signature", "time_signature",
                       (place_glyph(TIME_GLYPH[time], x, staff_position_y(4, bottom_y, s), s, font),))
    sprites = []
    for number, position in zip(time.split("/"), TIME_DIGIT_POSITIONS):
        if not number.isdigit():
            raise ValueError(f"time signature {time!r}: only digits can be drawn")
        y = staff_position_y(position, bottom_y, s)
        for k, digit in enumerate(number):
            offset = (k - (len(number) - 1) / 2) * TIME_DIGIT_ADVANCE * s
            sprites.append(place_glyph(f"time_{digit}", x + offset, y, s, font))
    return Element("time_signature", "time_signature", tuple(sprites))


def cancelled_key_positions(old: int, new: int, clef_sign: str) -> tuple[int, ...]:
    """Staff positions of the naturals a key change prints first: the old signature's accidentals the new one drops
    (all of them where the new key has none or the other kind), at their old places, in their printed order."""
    if old == 0 or (old > 0) == (new > 0) and abs(new) >= abs(old) and new != 0:
        return ()
    kept = abs(new) if new != 0 and (old > 0) == (new > 0) else 0
    return key_signature_positions(old, clef_sign)[kept:]


class PlacedChange(NamedTuple):
    """A change's elements, its width in pixels from its left edge, and the clef and key in force after it."""

    elements: tuple[Element, ...]
    width: float
    clef_sign: str
    key_fifths: int


def change_elements(change: StaffChange, clef_sign: str, key_fifths: int, left: float, bottom_y: float, s: float,
                    font: str | None = None) -> PlacedChange:
    """A change inside the staff from `left`: the clef (smaller), the key (cancelling naturals first) and the meter,
    in that order, each what it changes to; `clef_sign`/`key_fifths`: those in force before it."""
    elements, x = [], left
    if change.clef is not None:
        clef_sign = change.clef
        name = CLEF_GLYPH[clef_sign][0]
        clef = clef_element(clef_sign, x - 0.4 * s, bottom_y, s, font, CHANGE_CLEF_SCALE)
        elements.append(clef)
        # A font's clef may be wider than ours: what follows starts right of its ink.
        x = max(x + GLYPH_WIDTH[name] * CHANGE_CLEF_SCALE * s, clef.sprites[0].box[2]) + CHANGE_PART_GAP * s
    if change.key_fifths is not None:
        naturals = cancelled_key_positions(key_fifths, change.key_fifths, clef_sign)
        advance = (GLYPH_WIDTH["natural"] + KEY_ACCIDENTAL_ADVANCE) * s
        for k, position in enumerate(naturals):
            elements.append(Element("natural", "natural", (
                place_glyph("natural", x + (k + 0.5) * advance, staff_position_y(position, bottom_y, s), s, font),)))
        x += len(naturals) * advance
        if change.key_fifths:
            elements.extend(key_signature_elements(change.key_fifths, clef_sign, x, bottom_y, s, font))
            x = key_signature_x(change.key_fifths, x, s)[-1]
        key_fifths = change.key_fifths
        x += CHANGE_PART_GAP * s
    if change.time is not None:
        width = time_signature_width(change.time) * s
        elements.append(time_signature_element(change.time, x + width / 2, bottom_y, s, font))
        x += width + CHANGE_PART_GAP * s
    return PlacedChange(tuple(elements), x - CHANGE_PART_GAP * s - left, clef_sign, key_fifths)
