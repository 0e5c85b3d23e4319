"""The fast sprite and raster paths give the same pixels as the plain per-pixel formulas they replace."""

import math

import numpy as np
from PIL import Image, ImageDraw

from omr.render import sprites
from omr.render.sprites import BOX_THRESHOLD, MASK_THRESHOLD, place_polygon, place_rect, rect_sprite
from omr.render.layout import Layout
from omr.render.note_layout import Element
from omr.render.raster import CLASS_INDEX, PAINT_RANK, rasterise


def reference_rect(x0, y0, x1, y1):
    """Area coverage pixel by pixel, as numpy computes it: the formula the closed-form rectangle must match."""
    def coverage_1d(start, end):
        first, last = math.floor(start), math.ceil(end)
        edges = np.arange(first, last + 1, dtype=np.float64)
        return first, np.clip(np.minimum(edges[1:], end) - np.maximum(edges[:-1], start), 0.0, 1.0)

    left, cols = coverage_1d(x0, x1)
    top, rows = coverage_1d(y0, y1)
    return np.rint(np.outer(rows, cols) * 255.0).astype(np.uint8), left, top


def reference_box(coverage, left, top):
    rows, cols = np.nonzero(coverage >= BOX_THRESHOLD)
    if not rows.size:
        return (left, top, left, top)
    return (left + cols.min(), top + rows.min(), left + cols.max() + 1, top + rows.max() + 1)


def test_rectangle_sprite_matches_the_per_pixel_area_formula():
    rng = np.random.default_rng(0)
    for _ in range(400):
        x0, y0 = rng.uniform(-3, 40, size=2)
        x1, y1 = x0 + rng.choice([rng.uniform(0, 1.2), rng.uniform(0, 30)]), y0 + rng.uniform(0, 30)
        sprite = rect_sprite.__wrapped__(x0, y0, x1, y1)
        coverage, left, top = reference_rect(x0, y0, x1, y1)
        assert np.array_equal(sprite.coverage, coverage) and (sprite.left, sprite.top) == (left, top)
        assert np.array_equal(sprite.mask, coverage >= MASK_THRESHOLD)
        assert sprite.box == reference_box(coverage, left, top)


def test_a_faint_thin_rectangle_has_an_empty_box_but_keeps_its_ink():
    sprite = rect_sprite.__wrapped__(10.0, 5.0, 10.1, 9.0)  # a tenth of a pixel wide: coverage ~25, under 64
    assert 0 < sprite.coverage.max() < BOX_THRESHOLD and np.array_equal(sprite.coverage, reference_rect(
        10.0, 5.0, 10.1, 9.0)[0])
    assert sprite.box == (10, 5, 10, 5) and not sprite.mask.any()


def test_place_rect_draws_the_same_pixels_wherever_the_rectangle_stands():
    # place_rect caches by shape and sub-pixel phase; moved by whole pixels it must equal the absolute drawing.
    rng = np.random.default_rng(1)
    for _ in range(200):
        x0, y0 = rng.uniform(0, 500, size=2)
        x1, y1 = x0 + rng.uniform(0.5, 3), y0 + rng.uniform(1, 40)
        placed = place_rect(x0, y0, x1, y1)
        q = 64.0
        coverage, left, top = reference_rect(*(round(v * q) / q for v in (x0, y0, x1, y1)))
        assert np.array_equal(placed.coverage, coverage) and (placed.left, placed.top) == (left, top)
        assert placed.box == reference_box(coverage, left, top)


def test_polygon_coverage_matches_pillows_public_api_and_the_float_mean():
    rng = np.random.default_rng(2)
    for _ in range(100):
        count = int(rng.integers(3, 12))
        points = [tuple(p) for p in rng.uniform(0, 25, size=(count, 2))]
        sprite = place_polygon(points)
        height, width = sprite.coverage.shape
        xy = [((x - sprite.left) * 4, (y - sprite.top) * 4) for x, y in points]
        assert sprite.coverage.tobytes() == sprites._polygon_coverage_public(xy, width, height)
        canvas = Image.new("L", (width * 4, height * 4), 0)
        ImageDraw.Draw(canvas).polygon(xy, fill=255)
        mean = np.asarray(canvas, dtype=np.float32).reshape(height, 4, width, 4).mean(axis=(1, 3))
        assert np.array_equal(sprite.coverage, np.rint(mean).astype(np.uint8))
        assert sprite.box == reference_box(sprite.coverage, sprite.left, sprite.top)


def painted_one_by_one(layout):
    """The plain painter: sprites in paint order, ink by maximum, the mask overwritten where a sprite's mask is."""
    ink = np.zeros((layout.height, layout.width), dtype=np.uint8)
    mask = np.zeros_like(ink)
    for element in sorted(layout.elements, key=lambda e: PAINT_RANK[e.mask_class]):
        for sprite in element.sprites:
            for (row, col), value in np.ndenumerate(sprite.coverage):
                y, x = sprite.top + row, sprite.left + col
                if 0 <= y < layout.height and 0 <= x < layout.width:
                    ink[y, x] = max(ink[y, x], value)
                    if sprite.mask[row, col]:
                        mask[y, x] = CLASS_INDEX[element.mask_class]
    return 255 - ink, mask


def test_rasterise_paints_later_classes_over_earlier_whatever_the_element_order():
    # Elements listed against paint order, overlapping, one sprite hanging over the left and bottom edges.
    head = place_polygon([(4.0, 4.0), (12.5, 3.2), (13.0, 9.7), (5.0, 10.4)])
    elements = (Element("notehead_filled", "notehead_filled", (head,)),
                Element("stem", None, (place_rect(11.0, -3.0, 12.0, 8.3),)),
                Element("beam", "beam", (place_polygon([(-2.0, 1.0), (15.0, 0.5), (15.0, 4.5), (-2.0, 5.0)]),)),
                Element("staff_line", "staff", (place_rect(0.0, 6.0, 20.0, 7.0), place_rect(0.0, 13.5, 20.0, 14.5))),
                Element("slur", "slur", (place_polygon([(3.0, 12.0), (18.0, 12.0), (18.0, 17.5), (3.0, 17.0)]),)))
    layout = Layout(20, 16, 8.0, (), elements, ())
    image, mask = rasterise(layout)
    expected_image, expected_mask = painted_one_by_one(layout)
    assert np.array_equal(image, expected_image) and np.array_equal(mask, expected_mask)
    assert (mask == CLASS_INDEX["notehead_filled"]).any() and (mask == CLASS_INDEX["slur"]).any()


def test_rasterise_draws_nothing_for_sprites_without_pixels():
    empty = Element("stem", None, (place_rect(5.0, 5.0, 5.0, 5.0),))  # zero width and height: no pixel at all
    image, mask = rasterise(Layout(8, 8, 8.0, (), (empty,), ()))
    assert empty.sprites[0].coverage.size == 0 and (image == 255).all() and (mask == 0).all()
