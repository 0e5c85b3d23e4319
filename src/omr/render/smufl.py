"""Glyphs of the SMuFL music fonts verovio ships (Gootville, Petaluma, Leland, ...), drawn as our sprites.

Our own glyphs are one design; every engraving a user brings is another. A staff may draw its clef, accidentals and
time signature in one of these fonts instead (`Staff.glyph_font`), so models meet more than one shape of each sign.
The fonts the engraved test sets use (Leipzig, Bravura) are never drawn here by default: they stay unseen.

SMuFL: an em of 1000 font units is four staff spaces, y up; a glyph's origin is its left edge on the staff
position it sits on (an accidental: its note's line or space; a G clef: the G line).
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ElementTree
from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import Image

from omr.render.sprites import Sprite, moved, sprite_of_coverage

# Our glyph name -> (SMuFL code point, where our anchor lies on it, height in spaces or None). The anchor is
# "centre" (accidentals: the glyph box's middle, as ours; time digits and common time, which SMuFL centres on their
# row, as ours) or "origin" (clefs: the left edge on the clef's line, as ours). None draws the glyph at the font's
# size; a height scales it to that many staff spaces: a time signature's digit fills half the staff in every
# engraving, and Petaluma's hand-drawn digits are 3-4 spaces high in the font.
SMUFL_GLYPHS = {
    "sharp": ("E262", "centre", None),
    "flat": ("E260", "centre", None),
    "natural": ("E261", "centre", None),
    "clef": ("E050", "origin", None),
    "clef_bass": ("E062", "origin", None),
    **{f"time_{digit}": (f"E08{digit}", "centre", 2.0) for digit in "0123456789"},
    "time_C": ("E08A", "centre", 2.0),
    # Cut time: the fonts' slashed C is 1.3-2.3 times their C's height; 3 spaces keeps its C near the others'.
    "time_C_cut": ("E08B", "centre", 3.0),
}
SMUFL_FONTS = ("Bravura", "Gootville", "Leipzig", "Leland", "Petaluma")  # the fonts verovio ships
UNITS_PER_SPACE = 250.0
PHASES = 4  # sub-pixel placements per pixel, as omr.render.glyphs
_PATH = re.compile(r'\bd="([^"]+)"')


def verovio_data() -> Path:
    """verovio's data folder (its fonts' glyph outlines and boxes), found without importing verovio."""
    import importlib.util

    spec = importlib.util.find_spec("verovio")
    if spec is None or spec.origin is None:
        raise FileNotFoundError("the verovio package is not installed: its SMuFL fonts are needed for glyph_fonts")
    return Path(spec.origin).parent / "data"


@lru_cache(maxsize=None)
def font_glyph_boxes(font: str) -> dict[str, tuple[float, float, float, float]]:
    """SMuFL code point -> (x, y, w, h) in font units (y up), from verovio's data/<font>.xml."""
    path = verovio_data() / f"{font}.xml"
    if not path.is_file():
        raise ValueError(f"SMuFL font {font!r}: {path} not found (expected one of {list(SMUFL_FONTS)})")
    root = ElementTree.parse(path).getroot()
    return {g.get("c"): tuple(float(g.get(k)) for k in ("x", "y", "w", "h")) for g in root.iter("g")}


@lru_cache(maxsize=None)
def _outline(font: str, code: str) -> str:
    text = (verovio_data() / font / f"{code}.xml").read_text(encoding="utf-8")
    found = _PATH.search(text)
    if found is None:
        raise ValueError(f"SMuFL font {font!r}: glyph {code} has no outline")
    return found.group(1)


def place_font_glyph(font: str, name: str, x: float, y: float, staff_space: float) -> Sprite:
    """Our glyph `name` drawn in `font`, its anchor at image point (x, y), as omr.render.glyphs.place_glyph."""
    base_x, base_y = math.floor(x), math.floor(y)
    phase_x, phase_y = round((x - base_x) * PHASES), round((y - base_y) * PHASES)
    base_x, phase_x = base_x + phase_x // PHASES, phase_x % PHASES
    base_y, phase_y = base_y + phase_y // PHASES, phase_y % PHASES
    return moved(_font_sprite(font, name, float(staff_space), phase_x, phase_y), base_x, base_y)


@lru_cache(maxsize=2048)
def _font_sprite(font: str, name: str, staff_space: float, phase_x: int, phase_y: int) -> Sprite:
    """The glyph rasterised by resvg (anti-aliased) around an anchor at (phase / PHASES) px from the origin."""
    import resvg_py

    code, anchor, height = SMUFL_GLYPHS[name]
    gx, gy, gw, gh = font_glyph_boxes(font)[code]
    scale = staff_space / UNITS_PER_SPACE if height is None else height * staff_space / gh
    # The anchor's offset from the glyph origin, in font units (y up).
    ax = gx + gw / 2 if anchor == "centre" else 0.0
    ay = 0.0
    left = math.floor((gx - ax) * scale + phase_x / PHASES) - 1
    top = math.floor(-(gy + gh - ay) * scale + phase_y / PHASES) - 1
    width = math.ceil((gx + gw - ax) * scale + phase_x / PHASES) + 1 - left
    height = math.ceil(-(gy - ay) * scale + phase_y / PHASES) + 1 - top
    # Image point of the glyph origin inside the sprite's canvas.
    ox, oy = -ax * scale + phase_x / PHASES - left, ay * scale + phase_y / PHASES - top
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
           f'<path transform="translate({ox:.4f},{oy:.4f}) scale({scale:.6f},{-scale:.6f})" '
           f'd="{_outline(font, code)}" fill="#000"/></svg>')
    png = resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", skip_system_fonts=True)
    gray = np.asarray(Image.open(io.BytesIO(bytes(png))).convert("L"), dtype=np.uint8)
    coverage = (255 - gray).astype(np.uint8)
    return sprite_of_coverage(coverage, left, top)
