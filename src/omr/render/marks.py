"""Curves and marks placed after the notes: ties, slurs, fermatas, dynamics and measure numbers (all but ties are
distractors)."""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from omr.render.glyphs import place_glyph
from omr.render.sprites import SUPERSAMPLING, Sprite, moved, place_polygon, sprite_of_coverage
from omr.render.note_layout import Element

TIE_THICKNESS, SLUR_THICKNESS = 0.16, 0.18  # spaces at the middle; the ends taper to a twentieth of a space
CURVE_GAP = 0.55  # spaces from a head's centre to a tie's end, outwards
DYNAMIC_LETTERS = {"p": ("dynamic_p",), "mf": ("dynamic_m", "dynamic_f"), "f": ("dynamic_f",)}
DYNAMIC_ADVANCE = 1.15  # spaces from one letter's centre to the next
MEASURE_NUMBER_HEIGHT = 1.3  # spaces from the digits' top to their baseline (verovio's and MuseScore's are ~1.2-1.5)
MEASURE_NUMBER_GAP = 3.2  # spaces from the baseline up to the top staff line: clear of the treble clef's top
TEXT_FONT_FAMILY = "DejaVu Serif"


def crescent(p0: tuple[float, float], p2: tuple[float, float], bulge: float, thickness: float,
             n: int = 24) -> list[tuple[float, float]]:
    """A curve from p0 to p2 bulging by `bulge` px (positive: downwards), thick in the middle, thin at the ends."""
    mid = ((p0[0] + p2[0]) / 2, (p0[1] + p2[1]) / 2)
    taper = 0.05 * abs(thickness) / TIE_THICKNESS

    def edge(control_shift: float, end_shift: float) -> list[tuple[float, float]]:
        c = (mid[0], mid[1] + 2 * (bulge + control_shift))
        a, b = (p0[0], p0[1] + end_shift), (p2[0], p2[1] + end_shift)
        return [((1 - u) ** 2 * a[0] + 2 * (1 - u) * u * c[0] + u * u * b[0],
                 (1 - u) ** 2 * a[1] + 2 * (1 - u) * u * c[1] + u * u * b[1]) for u in (i / n for i in range(n + 1))]

    sign = 1.0 if bulge >= 0 else -1.0
    outer = edge(sign * thickness / 2, sign * taper / 2)
    inner = edge(-sign * thickness / 2, -sign * taper / 2)
    return outer + inner[::-1]


def tie_element(x0: float, y0: float, x1: float, y1: float, below: bool, s: float) -> Element:
    """A tie between two heads (centres x0,y0 and x1,y1 already moved to its ends), on the side `below` or above."""
    sign = 1.0 if below else -1.0
    bulge = sign * min(1.0, 0.25 + 0.06 * abs(x1 - x0) / s) * s
    points = crescent((x0, y0 + sign * CURVE_GAP * s), (x1, y1 + sign * CURVE_GAP * s), bulge, TIE_THICKNESS * s)
    return Element("tie", "tie", (place_polygon(points),))


def slur_element(heads: Sequence[tuple[float, float]], s: float) -> Element:
    """A slur over the heads from the first to the last: its ends a space above them, clearing every head between
    by 1.4 spaces (a leap gives a slanted, flat slur, not an arch over the higher end)."""
    (xa, ya), (xb, yb) = heads[0], heads[-1]
    ya, yb = ya - 1.0 * s, yb - 1.0 * s
    span = max(xb - xa, 1e-6)
    bulge = -0.6 * s  # upwards; a quadratic's curve lies 4u(1-u) * bulge off its chord at parameter u
    for x, y in heads[1:-1]:
        u = min(0.85, max(0.15, (x - xa) / span))
        chord_y = ya + (yb - ya) * u
        bulge = min(bulge, (y - 1.4 * s - chord_y) / (4 * u * (1 - u)))
    points = crescent((xa - 0.3 * s, ya), (xb + 0.3 * s, yb), max(bulge, -2.5 * s), SLUR_THICKNESS * s)
    return Element("slur", "slur", (place_polygon(points),))


def column_extent(elements: Sequence[Element], x0: float, x1: float) -> tuple[float, float] | None:
    """Top and bottom y of the ink in the columns x0..x1 (staff lines aside), from the sprites' boxes."""
    tops, bottoms = [], []
    for element in elements:
        if element.mask_class == "staff_line":
            continue
        for sprite in element.sprites:
            bx0, by0, bx1, by1 = sprite.box
            if bx0 < x1 and bx1 > x0:
                tops.append(by0)
                bottoms.append(by1)
    return (min(tops), max(bottoms)) if tops else None


def fermata_element(x: float, top_line_y: float, extent, s: float) -> Element:
    """A fermata above the staff and above whatever the column holds, but inside the image."""
    y = top_line_y - 1.5 * s
    if extent is not None:
        y = min(y, extent[0] - 0.9 * s)
    return Element("articulation", "articulation", (place_glyph("fermata", x, max(y, 0.7 * s), s),))


def dynamics_element(mark: str, x: float, bottom_line_y: float, extent, height: int, s: float) -> Element:
    """Dynamics letters centred under the event, below the staff and whatever hangs below it there."""
    y = bottom_line_y + 2.5 * s
    if extent is not None:
        y = max(y, extent[1] + 1.4 * s)
    y = min(y, height - 1.5 * s)
    letters = DYNAMIC_LETTERS[mark]
    start = x - (len(letters) - 1) * DYNAMIC_ADVANCE * s / 2
    return Element("dynamics", "dynamics", tuple(place_glyph(name, start + k * DYNAMIC_ADVANCE * s, y, s)
                                                 for k, name in enumerate(letters)))


def measure_number_element(number: int, staff_start: float, top_line_y: float, s: float) -> Element:
    """The measure number above the staff's start, left-aligned with it, in a serif font: a distractor (text that
    is no note), boxed and masked as dynamics are."""
    sprite = _text_sprite(str(number), round(MEASURE_NUMBER_HEIGHT * s * SUPERSAMPLING))
    baseline = top_line_y - MEASURE_NUMBER_GAP * s
    return Element("dynamics", "dynamics", (moved(sprite, math.floor(staff_start), math.floor(baseline)),))


@lru_cache(maxsize=256)
def _text_sprite(text: str, cap_height: int) -> Sprite:
    """`text` drawn at SUPERSAMPLING times the size and averaged down; anchored at its left end on the baseline."""
    font = ImageFont.truetype(str(text_font_path()), size=round(cap_height / 0.73))  # DejaVu's digits: 0.73 em
    left, top, right, bottom = font.getbbox(text, anchor="ls")
    pad = SUPERSAMPLING
    width = math.ceil((right - left + 2 * pad) / SUPERSAMPLING) * SUPERSAMPLING
    height = math.ceil((bottom - top + 2 * pad) / SUPERSAMPLING) * SUPERSAMPLING
    canvas = Image.new("L", (width, height), 0)
    ImageDraw.Draw(canvas).text((pad - left, pad - top), text, fill=255, font=font, anchor="ls")
    pixels = np.asarray(canvas, dtype=np.float32).reshape(height // SUPERSAMPLING, SUPERSAMPLING,
                                                           width // SUPERSAMPLING, SUPERSAMPLING)
    coverage = np.rint(pixels.mean(axis=(1, 3))).astype(np.uint8)
    return sprite_of_coverage(coverage, math.floor((left - pad) / SUPERSAMPLING), math.floor((top - pad) / SUPERSAMPLING))


def text_font_path() -> Path:
    """matplotlib's DejaVu Serif: a pinned dependency's file (found without importing matplotlib), so drawn text
    never depends on the machine's fonts."""
    import importlib.util

    spec = importlib.util.find_spec("matplotlib")
    path = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf" / "DejaVuSerif.ttf"
    if not path.is_file():
        raise FileNotFoundError(f"{path}: matplotlib's DejaVu Serif font is missing")
    return path
