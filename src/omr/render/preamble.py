"""The staff's preamble: clef (treble or bass), key signature at the positions engravers use, time signature."""

from __future__ import annotations

from omr.music.events import key_signature_positions, staff_position_y
from omr.render.glyphs import GLYPH_WIDTH, place_glyph
from omr.render.note_layout import Element

KEY_ACCIDENTAL_ADVANCE = 0.1  # spaces between a key signature's glyphs
# Free space after a key (or time) signature: its last glyph sits >= 3 spaces left of the first head's centre,
# beyond the decoders' reach for a note's own accidental (which sits <= 1.5 spaces left of its head).
KEY_SIGNATURE_GAP = 2.0
TIME_SIGNATURE_GAP = 0.6  # spaces between a key signature and the time signature
TIME_SIGNATURE_WIDTH = GLYPH_WIDTH["time"]
CLEF_GLYPH = {"treble": ("clef", 2), "bass": ("clef_bass", 6)}  # glyph and the line position it curls round
# A time signature's digits: two spaces high, the upper centred in the upper half of the staff, the lower below.
TIME_DIGIT_POSITIONS = (6, 2)


def clef_element(clef_sign: str, staff_start: float, bottom_y: float, s: float, font: str | None = None) -> Element:
    """The clef glyph anchored on its line (treble: G line; bass: F line); mask and box class name the clef."""
    name, position = CLEF_GLYPH[clef_sign]
    return Element(name, name, (place_glyph(name, staff_start + 0.4 * s, staff_position_y(position, bottom_y, s), s,
                                            font),))


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


def time_signature_element(time: str, x: float, bottom_y: float, s: float, font: str | None = None) -> Element:
    """Two stacked digits (or the common-time C on the middle line): one element, one box."""
    if time == "C":
        return Element("time_signature", "time_signature",
                       (place_glyph("time_C", x, staff_position_y(4, bottom_y, s), s, font),))
    numbers = time.split("/")
    sprites = []
    for number, position in zip(numbers, TIME_DIGIT_POSITIONS):
        if len(number) != 1 or number not in "23468":
            raise ValueError(f"time signature {time!r}: only the digits 2, 3, 4, 6 and 8 can be drawn")
        sprites.append(place_glyph(f"time_{number}", x, staff_position_y(position, bottom_y, s), s, font))
    return Element("time_signature", "time_signature", tuple(sprites))
