"""Anti-aliased symbol sprites: each glyph is drawn once per (staff space, sub-pixel phase) at 4x and cached.

Glyph outlines are given in staff spaces around an anchor (notehead and accidental: their centre; clef: its left edge
on the G line), y pointing down. A sprite's `mask` is where ink coverage is at least one half, so a mask pixel is
always dark in the image (the contract between masks and images). Sprites themselves: omr.render.sprites.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable

import numpy as np
from PIL import Image, ImageDraw

from omr.render.notation_glyphs import NOTATION_GLYPH_WIDTH, NOTATION_GLYPHS
from omr.render.outlines import box, catmull_rom, ellipse, quadratic, slanted_bar
from omr.render.smufl import SMUFL_GLYPHS, place_font_glyph
from omr.render.sprites import SUPERSAMPLING, Sprite, moved, sprite_of_coverage

PHASES = 4  # sub-pixel placements per pixel; a glyph lands within 1/8 px of its exact anchor


# ---- glyph outlines, in staff spaces around the anchor, y down ------------------------------------------------------

Transform = Callable[[float, float], tuple[float, float]]


NOTEHEAD_A, NOTEHEAD_B, NOTEHEAD_TILT = 0.66, 0.44, 20.0  # semi-axes (spaces) and tilt (degrees, rising right)
NOTEHEAD_HALF_WIDTH = math.sqrt((NOTEHEAD_A * math.cos(math.radians(NOTEHEAD_TILT))) ** 2
                                + (NOTEHEAD_B * math.sin(math.radians(NOTEHEAD_TILT))) ** 2)


def _notehead_filled(fill, line) -> None:
    fill(ellipse(0, 0, NOTEHEAD_A, NOTEHEAD_B, NOTEHEAD_TILT), 255)


def _notehead_hollow(fill, line) -> None:
    # A half note's hole is narrower and tilted more steeply than the head, as engravers draw it.
    fill(ellipse(0, 0, NOTEHEAD_A, NOTEHEAD_B, NOTEHEAD_TILT), 255)
    fill(ellipse(0, 0, 0.50, 0.20, 35.0), 0)


def _sharp(fill, line) -> None:
    stroke = 0.13
    fill(box(-0.27 - stroke / 2, -1.25, -0.27 + stroke / 2, 1.4), 255)
    fill(box(0.27 - stroke / 2, -1.4, 0.27 + stroke / 2, 1.25), 255)
    for y in (-0.45, 0.45):
        fill(slanted_bar(-0.55, 0.55, y, 0.35, 0.32), 255)


def _flat(fill, line) -> None:
    stem_x, stroke = -0.35, 0.15
    outer = quadratic((stem_x, -0.5), (1.65, -1.15), (stem_x, 0.55))
    inner = quadratic((stem_x + stroke, -0.15), (1.0, -0.7), (stem_x + stroke, 0.33))
    fill(outer, 255)
    fill(inner, 0)
    fill(box(stem_x - stroke / 2, -1.75, stem_x + stroke / 2, 0.55), 255)


def _natural(fill, line) -> None:
    stroke = 0.13
    fill(box(-0.24 - stroke / 2, -1.35, -0.24 + stroke / 2, 0.6), 255)
    fill(box(0.24 - stroke / 2, -0.6, 0.24 + stroke / 2, 1.35), 255)
    for y in (-0.42, 0.42):
        fill(slanted_bar(-0.24, 0.24, y, 0.2, 0.3), 255)


def _treble_clef_path() -> list[tuple[float, float]]:
    """One stroke: spiral round the G line, up to the top loop, then the long stroke down to the hook (y up)."""
    centre_x, centre_y = 1.05, 1.15
    spiral = []
    for i in range(28):
        turn = i / 27
        angle = math.radians(-40 + 400 * turn)
        radius = 0.22 + 0.78 * turn
        spiral.append((centre_x + radius * math.cos(angle), centre_y + radius * math.sin(angle)))
    upward = [(1.95, 2.1), (1.6, 2.9), (1.05, 3.7), (0.8, 4.6), (0.95, 5.4), (1.3, 5.95), (1.6, 5.5), (1.55, 4.8),
              (1.3, 3.6), (1.15, 2.2), (1.05, 0.6), (1.0, -0.5), (0.9, -1.2), (0.6, -1.45), (0.35, -1.2)]
    return catmull_rom(spiral + upward, per_segment=5)


def _treble_clef(fill, line) -> None:
    path = [(x, -y) for x, y in _treble_clef_path()]  # to y down, anchor on the G line
    line(path, 0.2)
    fill(ellipse(0.5, 1.05, 0.26, 0.26, 0.0, n=24), 255)


# name -> (drawer, extent x0, y0, x1, y1 in spaces)
GLYPHS = {
    "notehead_filled": (_notehead_filled, -0.7, -0.6, 0.7, 0.6),
    "notehead_hollow": (_notehead_hollow, -0.7, -0.6, 0.7, 0.6),
    "sharp": (_sharp, -0.7, -1.6, 0.7, 1.6),
    "flat": (_flat, -0.6, -1.9, 0.8, 0.8),
    "natural": (_natural, -0.5, -1.5, 0.5, 1.5),
    "clef": (_treble_clef, -0.2, -6.3, 2.4, 1.9),
}
GLYPH_WIDTH = {"sharp": 1.1, "flat": 1.0, "natural": 0.75, "clef": 2.2}  # advance in spaces for layout
GLYPHS.update(NOTATION_GLYPHS)  # the real-notation outlines (omr.render.notation_glyphs)
GLYPH_WIDTH.update(NOTATION_GLYPH_WIDTH)


@lru_cache(maxsize=1024)
def _glyph_sprite(name: str, staff_space: float, phase_x: int, phase_y: int) -> Sprite:
    draw_glyph, ex0, ey0, ex1, ey1 = GLYPHS[name]
    fx, fy = phase_x / PHASES, phase_y / PHASES
    left = math.floor(fx + ex0 * staff_space) - 1
    top = math.floor(fy + ey0 * staff_space) - 1
    width = math.ceil(fx + ex1 * staff_space) + 1 - left
    height = math.ceil(fy + ey1 * staff_space) + 1 - top
    canvas = Image.new("L", (width * SUPERSAMPLING, height * SUPERSAMPLING), 0)
    draw = ImageDraw.Draw(canvas)

    def to_canvas(points):
        return [((fx + u * staff_space - left) * SUPERSAMPLING, (fy + v * staff_space - top) * SUPERSAMPLING)
                for u, v in points]

    def fill(points, value):
        draw.polygon(to_canvas(points), fill=value)

    def line(points, thickness):
        draw.line(to_canvas(points), fill=255, width=max(1, round(thickness * staff_space * SUPERSAMPLING)),
                  joint="curve")

    draw_glyph(fill, line)
    pixels = np.asarray(canvas, dtype=np.float32).reshape(height, SUPERSAMPLING, width, SUPERSAMPLING)
    coverage = np.rint(pixels.mean(axis=(1, 3))).astype(np.uint8)
    return sprite_of_coverage(coverage, left, top)


def place_glyph(name: str, x: float, y: float, staff_space: float, font: str | None = None) -> Sprite:
    """The glyph's sprite with its anchor at image point (x, y), positions absolute in pixels; `font`: a SMuFL
    font of verovio's to draw it in instead of ours, where omr.render.smufl knows the glyph."""
    if font is not None and name in SMUFL_GLYPHS:
        return place_font_glyph(font, name, x, y, staff_space)
    base_x, base_y = math.floor(x), math.floor(y)
    phase_x = round((x - base_x) * PHASES)
    phase_y = round((y - base_y) * PHASES)
    base_x, phase_x = base_x + phase_x // PHASES, phase_x % PHASES
    base_y, phase_y = base_y + phase_y // PHASES, phase_y % PHASES
    return moved(_glyph_sprite(name, float(staff_space), phase_x, phase_y), base_x, base_y)

