"""Anti-aliased symbol sprites: each glyph is drawn once per (staff space, sub-pixel phase) at 4x and cached.

Glyph outlines are given in staff spaces around an anchor (notehead and accidental: their centre; clef: its left edge
on the G line), y pointing down. A sprite's `mask` is where ink coverage is at least one half, so a mask pixel is
always dark in the image (the contract between masks and images).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable, NamedTuple

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLING = 4
PHASES = 4  # sub-pixel placements per pixel; a glyph lands within 1/8 px of its exact anchor
MASK_THRESHOLD = 128  # coverage (0..255) from which a pixel belongs to the element's mask class
BOX_THRESHOLD = 64  # coverage from which a pixel counts towards the element's box (a superset of its mask)


class Sprite(NamedTuple):
    """Coverage (0..255) of a shape, its mask, and where its top-left pixel sits relative to a reference pixel.

    A NamedTuple rather than a frozen dataclass: a staff places ~50 of them, and a frozen dataclass's __init__
    costs several times a tuple's. Immutable all the same; the arrays are read-only and shared between placements.
    """

    coverage: np.ndarray
    mask: np.ndarray
    left: int
    top: int
    box: tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive) of BOX_THRESHOLD pixels, relative like left/top
    pixels: SpritePixels


class SpritePixels(NamedTuple):
    """A sprite's pixels flattened row-major, made once per drawn shape, so that rasterise can scatter every
    sprite of a staff at once without reshaping each."""

    rows: np.ndarray  # row of each pixel within the sprite
    cols: np.ndarray
    coverage: np.ndarray
    mask: np.ndarray
    size: int


@lru_cache(maxsize=1024)
def _pixel_grid(height: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of every pixel of a height x width sprite, flattened row-major. int32: half the bytes of
    intp, which keeps rasterise's concatenated arrays under malloc's mmap threshold (no page faults each time)."""
    rows, cols = np.indices((height, width), dtype=np.int32)
    return rows.ravel(), cols.ravel()


# bytes.translate tables: coverage byte -> 0/1 for the mask and the box thresholds
_MASK_TABLE = bytes(int(v >= MASK_THRESHOLD) for v in range(256))
_BOX_TABLE = bytes(int(v >= BOX_THRESHOLD) for v in range(256))


def _sprite(coverage: np.ndarray, left: int, top: int) -> Sprite:
    height, width = coverage.shape
    return _sprite_from_bytes(np.ascontiguousarray(coverage).tobytes(), height, width, left, top)


def _sprite_from_bytes(pixels: bytes, height: int, width: int, left: int, top: int,
                       box: tuple[int, int, int, int] | None = None) -> Sprite:
    """The sprite of row-major coverage bytes (box: already known). Mask and box come from bytes.translate/find,
    which do the per-pixel work in C: on sprites this small, each numpy call's fixed cost outweighs its arithmetic."""
    flat_coverage = np.frombuffer(pixels, dtype=np.uint8)  # read-only, as sprites are shared
    flat_mask = np.frombuffer(pixels.translate(_MASK_TABLE), dtype=np.bool_)
    flat = SpritePixels(*_pixel_grid(height, width), flat_coverage, flat_mask, height * width)
    coverage, mask = flat_coverage.reshape(height, width), flat_mask.reshape(height, width)
    if box is not None:
        return Sprite(coverage, mask, left, top, box, flat)
    hits = pixels.translate(_BOX_TABLE)
    first, last = hits.find(1), hits.rfind(1)
    if first < 0:
        return Sprite(coverage, mask, left, top, (left, top, left, top), flat)
    x0, x1 = width, -1
    for row in range(first // width, last // width + 1):
        start = row * width
        if (col := hits.find(1, start, start + width)) >= 0:
            x0, x1 = min(x0, col - start), max(x1, hits.rfind(1, start, start + width) - start)
    return Sprite(coverage, mask, left, top, (left + x0, top + first // width, left + x1 + 1, top + last // width + 1),
                  flat)


def _coverage_1d(start: float, end: float) -> tuple[int, list[tuple[float, int]]]:
    """First pixel index and the per-pixel overlap (0..1) of the interval [start, end), as runs (overlap, pixels).

    Only the two end pixels can be partly covered; every pixel between is covered exactly 1.0. The ends use the
    per-pixel formula min(right edge, end) - max(left edge, start), clipped to 0..1, in the same float operations
    as the former numpy version, so the bits are the same.
    """
    first, last = math.floor(start), math.ceil(end)
    count = last - first
    if count <= 0:
        return first, []
    head = min(max(min(first + 1, end) - max(first, start), 0.0), 1.0)
    if count == 1:
        return first, [(head, 1)]
    tail = min(max(min(last, end) - max(last - 1, start), 0.0), 1.0)
    return first, [(head, 1), (1.0, count - 2), (tail, 1)] if count > 2 else [(head, 1), (tail, 1)]


@lru_cache(maxsize=4096)
def rect_sprite(x0: float, y0: float, x1: float, y1: float) -> Sprite:
    """An axis-aligned rectangle (lines, stems, barlines) with exact area coverage, in absolute pixels.

    Built from runs: at most 3 x 3 distinct pixel values, each rint(row overlap * column overlap * 255) as numpy's
    outer product gave it (Python's round() is half-to-even like np.rint), expanded to bytes without numpy per
    pixel; per-sprite numpy calls cost more than the arithmetic on these small shapes.
    """
    left, cols = _coverage_1d(x0, x1)
    top, rows = _coverage_1d(y0, y1)
    values = [[round(r * c * 255.0) for c, _ in cols] for r, _ in rows]
    pixels = b"".join(b"".join(bytes((v,)) * n for v, (_, n) in zip(line, cols)) * repeat
                      for line, (_, repeat) in zip(values, rows))
    # The box from the runs: a run of rows (columns) is in it when one of its values reaches the threshold.
    row_span = _run_span(rows, [max(line) >= BOX_THRESHOLD for line in values])
    col_span = _run_span(cols, [max(column) >= BOX_THRESHOLD for column in zip(*values)])
    box = (left, top, left, top) if row_span is None or col_span is None else \
        (left + col_span[0], top + row_span[0], left + col_span[1], top + row_span[1])
    return _sprite_from_bytes(pixels, sum(n for _, n in rows), sum(n for _, n in cols), left, top, box)


def _run_span(runs: list[tuple[float, int]], hit: list[bool]) -> tuple[int, int] | None:
    """[start, end) of the pixels of the runs whose `hit` is set, from the first such run to the last (None: none)."""
    start = end = None
    at = 0
    for (_, pixels), flag in zip(runs, hit):
        if flag:
            start = at if start is None else start
            end = at + pixels
        at += pixels
    return None if start is None else (start, end)


def place_rect(x0: float, y0: float, x1: float, y1: float) -> Sprite:
    """rect_sprite on a 1/64 px grid, cached by the rectangle's shape and sub-pixel phase: drawn relative to the
    whole pixel of its top-left corner and moved there, so a stem of the same length and phase hits the cache
    wherever it stands (on a 1/64 grid these subtractions are exact: the same coverage to the bit)."""
    q = 64.0
    x0, y0, x1, y1 = round(x0 * q) / q, round(y0 * q) / q, round(x1 * q) / q, round(y1 * q) / q
    base_x, base_y = math.floor(x0), math.floor(y0)
    return _moved(rect_sprite(x0 - base_x, y0 - base_y, x1 - base_x, y1 - base_y), base_x, base_y)


def _moved(sprite: Sprite, dx: int, dy: int) -> Sprite:
    """The same pixels dx, dy whole pixels further (right, down)."""
    x0, y0, x1, y1 = sprite.box
    return Sprite(sprite.coverage, sprite.mask, sprite.left + dx, sprite.top + dy, (x0 + dx, y0 + dy, x1 + dx, y1 + dy),
                  sprite.pixels)


# ---- glyph outlines, in staff spaces around the anchor, y down ------------------------------------------------------

Transform = Callable[[float, float], tuple[float, float]]


def _ellipse(cx: float, cy: float, a: float, b: float, degrees: float, n: int = 48) -> list[tuple[float, float]]:
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    points = []
    for i in range(n):
        t = 2 * math.pi * i / n
        x, y = a * math.cos(t), b * math.sin(t)
        points.append((cx + x * cos + y * sin, cy - x * sin + y * cos))
    return points


def _quadratic(p0, p1, p2, n: int = 16) -> list[tuple[float, float]]:
    return [
        ((1 - t) ** 2 * p0[0] + 2 * (1 - t) * t * p1[0] + t * t * p2[0],
         (1 - t) ** 2 * p0[1] + 2 * (1 - t) * t * p1[1] + t * t * p2[1])
        for t in (i / n for i in range(n + 1))
    ]


def _slanted_bar(x0: float, x1: float, y_centre: float, rise: float, thickness: float) -> list[tuple[float, float]]:
    """A thick bar from x0 to x1 rising by `rise` to the right (y down, so rising means smaller y)."""
    h = thickness / 2
    return [(x0, y_centre + rise / 2 - h), (x1, y_centre - rise / 2 - h), (x1, y_centre - rise / 2 + h),
            (x0, y_centre + rise / 2 + h)]


def _box(x0: float, y0: float, x1: float, y1: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


NOTEHEAD_A, NOTEHEAD_B, NOTEHEAD_TILT = 0.66, 0.44, 20.0  # semi-axes (spaces) and tilt (degrees, rising right)
NOTEHEAD_HALF_WIDTH = math.sqrt((NOTEHEAD_A * math.cos(math.radians(NOTEHEAD_TILT))) ** 2
                                + (NOTEHEAD_B * math.sin(math.radians(NOTEHEAD_TILT))) ** 2)


def _notehead_filled(fill, line) -> None:
    fill(_ellipse(0, 0, NOTEHEAD_A, NOTEHEAD_B, NOTEHEAD_TILT), 255)


def _notehead_hollow(fill, line) -> None:
    # A half note's hole is narrower and tilted more steeply than the head, as engravers draw it.
    fill(_ellipse(0, 0, NOTEHEAD_A, NOTEHEAD_B, NOTEHEAD_TILT), 255)
    fill(_ellipse(0, 0, 0.50, 0.20, 35.0), 0)


def _sharp(fill, line) -> None:
    stroke = 0.13
    fill(_box(-0.27 - stroke / 2, -1.25, -0.27 + stroke / 2, 1.4), 255)
    fill(_box(0.27 - stroke / 2, -1.4, 0.27 + stroke / 2, 1.25), 255)
    for y in (-0.45, 0.45):
        fill(_slanted_bar(-0.55, 0.55, y, 0.35, 0.32), 255)


def _flat(fill, line) -> None:
    stem_x, stroke = -0.35, 0.15
    outer = _quadratic((stem_x, -0.5), (1.65, -1.15), (stem_x, 0.55))
    inner = _quadratic((stem_x + stroke, -0.15), (1.0, -0.7), (stem_x + stroke, 0.33))
    fill(outer, 255)
    fill(inner, 0)
    fill(_box(stem_x - stroke / 2, -1.75, stem_x + stroke / 2, 0.55), 255)


def _natural(fill, line) -> None:
    stroke = 0.13
    fill(_box(-0.24 - stroke / 2, -1.35, -0.24 + stroke / 2, 0.6), 255)
    fill(_box(0.24 - stroke / 2, -0.6, 0.24 + stroke / 2, 1.35), 255)
    for y in (-0.42, 0.42):
        fill(_slanted_bar(-0.24, 0.24, y, 0.2, 0.3), 255)


def _catmull_rom(points: list[tuple[float, float]], per_segment: int = 8) -> list[tuple[float, float]]:
    padded = [points[0], *points, points[-1]]
    curve = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for k in range(per_segment):
            t = k / per_segment
            curve.append(tuple(
                0.5 * (2 * p1[j] + (-p0[j] + p2[j]) * t + (2 * p0[j] - 5 * p1[j] + 4 * p2[j] - p3[j]) * t * t
                       + (-p0[j] + 3 * p1[j] - 3 * p2[j] + p3[j]) * t ** 3)
                for j in range(2)
            ))
    curve.append(points[-1])
    return curve


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
    return _catmull_rom(spiral + upward, per_segment=5)


def _treble_clef(fill, line) -> None:
    path = [(x, -y) for x, y in _treble_clef_path()]  # to y down, anchor on the G line
    line(path, 0.2)
    fill(_ellipse(0.5, 1.05, 0.26, 0.26, 0.0, n=24), 255)


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
    return _sprite(coverage, left, top)


def place_glyph(name: str, x: float, y: float, staff_space: float) -> Sprite:
    """The glyph's sprite with its anchor at image point (x, y), positions absolute in pixels."""
    base_x, base_y = math.floor(x), math.floor(y)
    phase_x = round((x - base_x) * PHASES)
    phase_y = round((y - base_y) * PHASES)
    base_x, phase_x = base_x + phase_x // PHASES, phase_x % PHASES
    base_y, phase_y = base_y + phase_y // PHASES, phase_y % PHASES
    return _moved(_glyph_sprite(name, float(staff_space), phase_x, phase_y), base_x, base_y)


def place_polygon(points: list[tuple[float, float]]) -> Sprite:
    """A filled polygon in absolute pixels (beams, ties, slurs: shapes whose geometry is new for every staff)."""
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    left, top = math.floor(min(xs)) - 1, math.floor(min(ys)) - 1
    width, height = math.ceil(max(xs)) + 1 - left, math.ceil(max(ys)) + 1 - top
    xy = [((x - left) * SUPERSAMPLING, (y - top) * SUPERSAMPLING) for x, y in points]
    return _sprite_from_bytes(_polygon_coverage(xy, width, height), height, width, left, top)


def _polygon_coverage(xy: list[tuple[float, float]], width: int, height: int) -> bytes:
    """Row-major coverage bytes of a polygon filled on a SUPERSAMPLING-times larger canvas and averaged down.

    Calls Pillow's C core directly: exactly what Image.new, ImageDraw.polygon(fill=255), Image.reduce and tobytes
    do underneath (test_polygon_coverage_matches_pillows_public_api pins it), without their Python wrappers, which
    cost several times the drawing on canvases this small. The canvas holds only 0 and 255, so a block's mean is
    255 * k / 16 for k inked subpixels, and reduce rounds each such value as np.rint of the float32 mean does.
    """
    size = (width * SUPERSAMPLING, height * SUPERSAMPLING)
    canvas = Image.core.fill("L", size, 0)
    Image.core.draw(canvas, 0).draw_polygon(xy, 255, 1)  # ink 255 is L's draw_ink(255); 1: filled
    small = canvas.reduce((SUPERSAMPLING, SUPERSAMPLING), (0, 0, *size))
    encoder = Image.core.raw_encoder("L", "L")
    encoder.setimage(small, (0, 0, width, height))
    chunks, status = [], 0
    while not status:
        _, status, data = encoder.encode(max(65536, width * height))
        chunks.append(data)
    if status < 0:
        raise RuntimeError(f"Pillow's raw encoder failed ({status}) on a {width}x{height} polygon")
    return b"".join(chunks)


def _polygon_coverage_public(xy: list[tuple[float, float]], width: int, height: int) -> bytes:
    """_polygon_coverage through Pillow's public API (the reference its test compares with)."""
    canvas = Image.new("L", (width * SUPERSAMPLING, height * SUPERSAMPLING), 0)
    ImageDraw.Draw(canvas).polygon(xy, fill=255)
    return canvas.reduce(SUPERSAMPLING).tobytes()


# The real-notation outlines use the helpers above, so they are merged in last.
from omr.render.notation_glyphs import NOTATION_GLYPH_WIDTH, NOTATION_GLYPHS  # noqa: E402

GLYPHS.update(NOTATION_GLYPHS)
GLYPH_WIDTH.update(NOTATION_GLYPH_WIDTH)
