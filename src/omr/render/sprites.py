"""Sprites: a shape's anti-aliased coverage, its mask and box, placed in pixels; rectangles in closed form and
polygons through Pillow, both made with as few numpy calls as possible (a staff places ~50 small sprites, so each
call's fixed cost, not the per-pixel work, dominated).

A sprite's `mask` is where ink coverage is at least one half, so a mask pixel is always dark in the image (the
contract between masks and images).
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLING = 4
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


def sprite_of_coverage(coverage: np.ndarray, left: int, top: int) -> Sprite:
    """The sprite of a uint8 coverage array whose top-left pixel is at (left, top)."""
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
    as numpy's per-pixel version (the test's reference), so the bits are the same.
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
    return moved(rect_sprite(x0 - base_x, y0 - base_y, x1 - base_x, y1 - base_y), base_x, base_y)


def moved(sprite: Sprite, dx: int, dy: int) -> Sprite:
    """The same pixels dx, dy whole pixels further (right, down): placing a cached sprite costs no pixel work."""
    x0, y0, x1, y1 = sprite.box
    return Sprite(sprite.coverage, sprite.mask, sprite.left + dx, sprite.top + dy, (x0 + dx, y0 + dy, x1 + dx, y1 + dy),
                  sprite.pixels)


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
