"""Outlines of the real-notation glyphs (whole and breve heads, dots, flags, rests, bass clef, time and tuplet digits,
marks).

Same conventions as omr.render.glyphs (which merges these in): staff spaces around an anchor, y down, drawn by `fill(points, value)` and
`line(points, thickness)`. Anchors: heads, dots, rests, digits and marks at their centre; a flag at the stem's tip
(its right edge); the bass clef at its left edge on the F line (the fourth line).
"""

from __future__ import annotations

import math

from omr.render.outlines import box, catmull_rom, ellipse

WHOLE_HEAD_A, WHOLE_HEAD_B = 0.82, 0.5  # semi-axes in spaces: wider and rounder than a half note's head
DOT_RADIUS = 0.2
FLAG_LENGTH = 2.3  # spaces from the stem tip towards the head


def _notehead_whole(fill, line) -> None:
    # The hole of a whole note is tilted against the head, as engravers cut it.
    fill(ellipse(0, 0, WHOLE_HEAD_A, WHOLE_HEAD_B, 0.0), 255)
    fill(ellipse(0, 0, 0.42, 0.27, -55.0), 0)


BREVE_HEAD_A, BREVE_BAR_X, BREVE_BAR_STROKE = 0.72, (0.88, 1.06), 0.1  # oval, the two bars' centres each side
BREVE_HALF_WIDTH = BREVE_BAR_X[1] + BREVE_BAR_STROKE / 2


def _notehead_breve(fill, line) -> None:
    # The double whole: a whole note's open oval between two short vertical bars on each side.
    fill(ellipse(0, 0, BREVE_HEAD_A, WHOLE_HEAD_B, 0.0), 255)
    fill(ellipse(0, 0, 0.38, 0.27, -55.0), 0)
    for bar_x in BREVE_BAR_X:
        for side in (-1.0, 1.0):
            fill(box(side * bar_x - BREVE_BAR_STROKE / 2, -0.75, side * bar_x + BREVE_BAR_STROKE / 2, 0.75), 255)


def _dot(fill, line) -> None:
    fill(ellipse(0, 0, DOT_RADIUS, DOT_RADIUS, 0.0, n=20), 255)


def _staccato(fill, line) -> None:
    fill(ellipse(0, 0, 0.17, 0.17, 0.0, n=20), 255)


def _flag(sign: float):
    """A flag hanging from an up stem's tip (sign 1) or rising from a down stem's tip (sign -1), to the right."""

    def draw(fill, line) -> None:
        outer = catmull_rom([(-0.1, 0.0), (0.15, 0.55), (0.75, 1.05), (1.0, 1.65), (0.8, FLAG_LENGTH)], 6)
        inner = catmull_rom([(0.8, FLAG_LENGTH), (0.82, 1.8), (0.55, 1.35), (-0.1, 0.95)], 6)
        fill([(x, sign * y) for x, y in outer + inner], 255)

    return draw


def _rest_quarter(fill, line) -> None:
    # The zigzag: two strokes down-right and down-left, thick in the middle, then the hook at the foot.
    fill([(-0.3, -1.5), (0.35, -0.65), (0.0, -0.1), (0.4, 0.55), (0.15, 0.6), (-0.35, 0.05), (0.0, -0.55),
          (-0.45, -1.3)], 255)
    line(catmull_rom([(0.3, 0.55), (-0.3, 0.45), (-0.35, 0.85), (0.05, 1.4)], 6), 0.18)


def _flagged_rest(flags: int):
    """Eighth/16th/32nd rest: a stem leaning right at the top, with one blob-and-arc per flag."""
    height = 1.0 + 0.9 * flags
    top, bottom = -height / 2, height / 2
    lean = 0.3  # x per space of height

    def stem_x(y: float) -> float:
        return (bottom - y) * lean - 0.35

    def draw(fill, line) -> None:
        line([(stem_x(top), top), (stem_x(bottom), bottom)], 0.14)
        for k in range(flags):
            y = top + 0.05 + 0.9 * k
            blob_x = stem_x(y) - 0.6
            fill(ellipse(blob_x, y + 0.2, 0.2, 0.2, 0.0, n=20), 255)
            line(catmull_rom([(blob_x, y + 0.3), (blob_x + 0.35, y + 0.3), (stem_x(y), y)], 4), 0.13)

    return draw


def _bass_clef(fill, line) -> None:
    # The F clef: its head on the F line, the curl over it and down to the right, two dots round the F line.
    curl = catmull_rom([(0.25, -0.05), (0.4, -0.65), (1.0, -0.95), (1.6, -0.7), (1.85, 0.0), (1.6, 0.85),
                         (0.95, 1.65), (0.1, 2.3)], 6)
    line(curl, 0.22)
    fill(ellipse(0.35, 0.05, 0.3, 0.3, 0.0, n=24), 255)
    for y in (-0.5, 0.5):
        fill(ellipse(2.3, y, 0.14, 0.14, 0.0, n=16), 255)


DIGIT_STROKE = 0.34
_DIGIT_PATHS = {  # strokes in a cell of x -0.6..0.6, y -1..1 (two spaces high)
    "2": [[(-0.45, -0.45), (-0.2, -0.82), (0.2, -0.82), (0.42, -0.45), (0.2, 0.0), (-0.5, 0.8)],
          [(-0.5, 0.82), (0.55, 0.82)]],
    "3": [[(-0.45, -0.7), (0.0, -0.85), (0.4, -0.55), (0.3, -0.12), (-0.1, 0.0)],
          [(-0.1, 0.0), (0.38, 0.15), (0.45, 0.55), (0.05, 0.85), (-0.5, 0.7)]],
    "4": [[(0.25, 0.85), (0.25, -0.85), (-0.52, 0.35), (0.58, 0.35)]],
    "6": [[(0.38, -0.75), (0.0, -0.85), (-0.42, -0.35), (-0.45, 0.35), (-0.05, 0.82), (0.38, 0.5), (0.36, 0.1),
           (-0.05, -0.05), (-0.42, 0.28)]],
    # The digits issue 29's meters (5/4, 7/8, 9/8, 12/8) and tuplet numbers (5, 7) added.
    "1": [[(-0.38, -0.5), (0.08, -0.85), (0.08, 0.85)], [(-0.32, 0.85), (0.48, 0.85)]],
    "5": [[(0.45, -0.82), (-0.3, -0.82), (-0.38, -0.08)],
          [(-0.38, -0.08), (0.05, -0.25), (0.45, 0.1), (0.42, 0.55), (0.0, 0.85), (-0.48, 0.65)]],
    "7": [[(-0.5, -0.82), (0.52, -0.82)], [(0.52, -0.82), (0.25, -0.42), (0.05, -0.02), (-0.05, 0.42), (-0.08, 0.85)]],
}
_DIGIT_PATHS["9"] = [[(-x, -y) for x, y in path] for path in _DIGIT_PATHS["6"]]  # a 6 turned half round


def _digit(digit: str, scale: float = 1.0, slant: float = 0.0):
    """A digit two spaces high (a time signature's), or `scale` times that, leaning right by `slant` x per y up."""

    def placed(points):
        return [(scale * (x - slant * y), scale * y) for x, y in points]

    def draw(fill, line) -> None:
        if digit in "08":
            rings = ((-0.45, 0.38, 0.4), (0.45, 0.45, 0.43)) if digit == "8" else ((0.0, 0.42, 0.82),)
            for cy, a, b in rings:
                fill(placed(ellipse(0, cy, a + DIGIT_STROKE / 2, b + DIGIT_STROKE / 2, 0.0)), 255)
                fill(placed(ellipse(0, cy, a - DIGIT_STROKE / 2, b - DIGIT_STROKE / 2, 0.0)), 0)
            return
        for path in _DIGIT_PATHS[digit]:
            points = catmull_rom(path, 6) if len(path) > 4 else path
            line(placed(points), DIGIT_STROKE * scale)

    return draw


def _common_time(fill, line) -> None:
    arc = [(0.75 * math.cos(math.radians(a)), 0.85 * math.sin(math.radians(a))) for a in range(-50, -311, -10)]
    line(arc, DIGIT_STROKE)


def _cut_time(fill, line) -> None:
    # Alla breve: the common-time C crossed by a vertical stroke reaching well above and below it.
    _common_time(fill, line)
    fill(box(0.0, -1.5, 0.14, 1.5), 255)


# A tuplet's number: a time signature's digit at ~0.65 times its height (1.3 spaces), leaning as engravers' italic.
TUPLET_DIGIT_SCALE, TUPLET_DIGIT_SLANT = 0.65, 0.15


def _fermata(fill, line) -> None:
    arc = [(1.0 * math.cos(math.radians(a)), -0.9 * math.sin(math.radians(a)) + 0.45) for a in range(0, 181, 10)]
    line(arc, 0.16)
    fill(ellipse(0, 0.25, 0.17, 0.17, 0.0, n=16), 255)


# Dynamics letters: slanted strokes (about 12 degrees), x-height 0.9 spaces, baseline at y = 0.45.
def _italic(points):
    return [(x - 0.2 * y, y) for x, y in points]


def _dynamic_p(fill, line) -> None:
    line(_italic([(-0.25, -0.45), (-0.45, 1.0)]), 0.2)
    line(_italic(catmull_rom([(-0.25, -0.3), (0.15, -0.45), (0.4, -0.1), (0.15, 0.4), (-0.3, 0.35)], 5)), 0.2)


def _dynamic_m(fill, line) -> None:
    line(_italic([(-0.6, -0.45), (-0.6, 0.45)]), 0.18)
    for x0 in (-0.6, -0.05):
        line(_italic(catmull_rom([(x0, -0.2), (x0 + 0.28, -0.45), (x0 + 0.55, -0.25), (x0 + 0.55, 0.45)], 5)), 0.18)


def _dynamic_f(fill, line) -> None:
    line(_italic(catmull_rom([(0.55, -1.05), (0.3, -1.2), (0.05, -0.9), (-0.05, 0.6), (-0.35, 1.1),
                               (-0.6, 1.0)], 6)), 0.2)
    line(_italic([(-0.35, -0.4), (0.4, -0.4)]), 0.15)


# name -> (drawer, extent x0, y0, x1, y1 in spaces), merged into omr.render.glyphs.GLYPHS
NOTATION_GLYPHS = {
    "notehead_whole": (_notehead_whole, -0.95, -0.6, 0.95, 0.6),
    "dot": (_dot, -0.3, -0.3, 0.3, 0.3),
    "staccato": (_staccato, -0.3, -0.3, 0.3, 0.3),
    "flag_up": (_flag(1.0), -0.2, -0.1, 1.2, FLAG_LENGTH + 0.1),
    "flag_down": (_flag(-1.0), -0.2, -FLAG_LENGTH - 0.1, 1.2, 0.1),
    "rest_quarter": (_rest_quarter, -0.6, -1.6, 0.6, 1.6),
    "rest_eighth": (_flagged_rest(1), -1.1, -1.1, 0.7, 1.1),
    "rest_16th": (_flagged_rest(2), -1.3, -1.6, 0.9, 1.6),
    "rest_32nd": (_flagged_rest(3), -1.6, -2.0, 1.2, 2.0),
    "clef_bass": (_bass_clef, -0.2, -1.2, 2.6, 2.6),
    **{f"time_{digit}": (_digit(digit), -0.8, -1.1, 0.8, 1.1) for digit in "0123456789"},
    **{f"tuplet_{digit}": (_digit(digit, TUPLET_DIGIT_SCALE, TUPLET_DIGIT_SLANT), -0.7, -0.8, 0.7, 0.8)
       for digit in "0123456789"},
    "time_C": (_common_time, -1.0, -1.1, 1.0, 1.1),
    "time_C_cut": (_cut_time, -1.0, -1.6, 1.0, 1.6),
    "notehead_breve": (_notehead_breve, -1.2, -0.85, 1.2, 0.85),
    "fermata": (_fermata, -1.2, -0.6, 1.2, 0.6),
    "dynamic_p": (_dynamic_p, -0.9, -0.7, 0.7, 1.2),
    "dynamic_m": (_dynamic_m, -0.9, -0.7, 0.8, 0.7),
    "dynamic_f": (_dynamic_f, -1.0, -1.4, 0.9, 1.4),
}
NOTATION_GLYPH_WIDTH = {"clef_bass": 2.5, "time": 1.3, "dynamic_p": 1.0, "dynamic_m": 1.3, "dynamic_f": 0.9}
