"""Tuplets: the number over (or under) a group, and its bracket, placed clear of what the group already holds."""

from __future__ import annotations

import math
from typing import Sequence

from omr.render.glyphs import place_glyph
from omr.render.marks import column_extent
from omr.render.note_layout import Element
from omr.render.sprites import place_rect

TUPLET_NUMBER_HALF_HEIGHT = 0.65  # spaces: the digits are 1.3 spaces high (omr.render.notation_glyphs)
TUPLET_DIGIT_ADVANCE = 0.9  # spaces between the centres of a number's digits
TUPLET_CLEARANCE = 0.5  # spaces from the group's ink (heads, stems, beams, slurs) to the number's edge
BRACKET_HOOK = 0.6  # spaces: the bracket's ends bend towards the notes by this much
BRACKET_NUMBER_GAP = 0.5  # spaces of white either side of the number, where it interrupts the bracket
BRACKET_THICKNESS = 0.1  # spaces (at least one pixel)


def tuplet_elements(number: int, x0: float, x1: float, above: bool, bracket: bool, elements: Sequence[Element],
                    staff_lines: Sequence[float], height: int, s: float) -> list[Element]:
    """The number centred over x0..x1 (the group's heads and stems) on the side `above` or below, clear of the
    staff and of `elements` in those columns, and its bracket where `bracket`: mask class "tuplet" for both, one
    box ("tuplet") over the number."""
    extent = column_extent(elements, x0, x1)
    margin = (TUPLET_NUMBER_HALF_HEIGHT + TUPLET_CLEARANCE) * s
    if above:
        y = staff_lines[0] - margin
        if extent is not None:
            y = min(y, extent[0] - margin)
        y = max(y, (TUPLET_NUMBER_HALF_HEIGHT + 0.15) * s)  # inside the image, whatever it then touches
    else:
        y = staff_lines[-1] + margin
        if extent is not None:
            y = max(y, extent[1] + margin)
        y = min(y, height - (TUPLET_NUMBER_HALF_HEIGHT + 0.15) * s)
    centre = (x0 + x1) / 2
    digits = str(number)
    half_width = (0.45 + (len(digits) - 1) * TUPLET_DIGIT_ADVANCE / 2) * s
    sprites = tuple(place_glyph(f"tuplet_{digit}", centre + (k - (len(digits) - 1) / 2) * TUPLET_DIGIT_ADVANCE * s,
                                y, s) for k, digit in enumerate(digits))
    placed = [Element("tuplet", "tuplet", sprites)]
    if bracket:
        placed.append(Element("tuplet", None, _bracket(x0, x1, y, centre, half_width + BRACKET_NUMBER_GAP * s,
                                                       above, s)))
    return placed


def _bracket(x0: float, x1: float, y: float, centre: float, opening: float, above: bool, s: float):
    """A thin line at the number's middle, broken round it, with hooks at its ends pointing towards the notes; on
    whole pixels, so a one-pixel line is fully inked (and in the mask) rather than smeared over two rows."""
    thickness = max(1, round(BRACKET_THICKNESS * s))
    top, left, right = math.floor(y), round(x0), round(x1)
    bottom = top + thickness
    hook_end = round(y + BRACKET_HOOK * s) if above else round(y - BRACKET_HOOK * s)
    hook_top, hook_bottom = min(top, hook_end), max(bottom, hook_end)
    sprites = []
    for a, b in ((left, round(centre - opening)), (round(centre + opening), right)):
        if b > a:
            sprites.append(place_rect(a, top, b, bottom))
    sprites.append(place_rect(left, hook_top, left + thickness, hook_bottom))
    sprites.append(place_rect(right - thickness, hook_top, right, hook_bottom))
    return tuple(sprites)
