"""Outputs of a layout: the anti-aliased grayscale image, the class mask, and the boxes."""

from __future__ import annotations

import numpy as np

from omr.render.layout import Layout
from omr.samples import NOTATION_MASK_CLASSES, Box

# The seed's classes keep their indices: a staff drawn with them alone gives the seed's mask bytes.
CLASS_INDEX = {name: index for index, name in enumerate(NOTATION_MASK_CLASSES)}
# Paint order where symbols overlap (later wins): distractors and curves lie under the symbols that carry events,
# beams and flags over their stems, heads last. The seed's classes keep their order among themselves.
# A tuplet's number and bracket lie with the other marks; a grace note's head and a breve's with the heads. Inserting
# a class keeps the others' relative order, so a staff without it paints the same mask.
PAINT_ORDER = ("background", "staff_line", "ledger_line", "slur", "tie", "dynamics", "articulation", "tuplet",
               "stem", "barline", "beam", "flag", "clef", "clef_bass", "time_signature", "sharp", "flat", "natural",
               "rest_whole", "rest_half", "rest_quarter", "rest_eighth", "rest_16th", "rest_32nd", "augmentation_dot",
               "notehead_grace", "notehead_filled", "notehead_hollow", "notehead_whole", "notehead_breve")
assert sorted(PAINT_ORDER) == sorted(NOTATION_MASK_CLASSES)
PAINT_RANK = {name: rank for rank, name in enumerate(PAINT_ORDER)}


# What the mask scatter writes: rank * 256 + class index, so the maximum picks the highest paint rank and the low
# byte is its class (no lookup over the whole image afterwards). Rank 0, background, is what no mask reaches.
PAINT_CODE = {name: rank * 256 + CLASS_INDEX[name] for rank, name in enumerate(PAINT_ORDER)}
assert PAINT_ORDER[0] == "background" and CLASS_INDEX["background"] == 0


def rasterise(layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """(image HxW uint8, 255 = white; mask HxW uint8 class indices), PAINT_ORDER's later classes over earlier.

    Both outputs are maxima over the sprites, so the order of painting does not matter: the ink is the largest
    coverage, and the mask the class of highest paint rank whose mask covers the pixel (two sprites of equal rank
    have the same class). So every sprite's pixels go to the image in one scatter (np.maximum.at) instead of two
    numpy calls per sprite, whose fixed cost dominated on these small sprites.
    """
    height, width = layout.height, layout.width
    placed = [(sprite, PAINT_CODE[element.mask_class]) for element in layout.elements for sprite in element.sprites]
    ink = np.zeros(height * width, dtype=np.uint8)
    painted = np.zeros(height * width, dtype=np.uint16)
    if placed:
        sizes = [sprite.pixels.size for sprite, _ in placed]
        values = np.concatenate([sprite.pixels.coverage for sprite, _ in placed])
        mask_codes = np.repeat(np.array([code for _, code in placed], dtype=np.uint16), sizes)
        mask_codes *= np.concatenate([sprite.pixels.mask for sprite, _ in placed])  # 0 where the mask is off: no-op
        # In place, to keep these temporaries few: arrays past malloc's mmap threshold cost page faults every time.
        y = np.concatenate([sprite.pixels.rows for sprite, _ in placed])
        y += np.repeat(np.array([sprite.top for sprite, _ in placed], dtype=np.int32), sizes)
        x = np.concatenate([sprite.pixels.cols for sprite, _ in placed])
        x += np.repeat(np.array([sprite.left for sprite, _ in placed], dtype=np.int32), sizes)
        if y.size and (y.min() < 0 or x.min() < 0 or y.max() >= height or x.max() >= width):
            inside = (y >= 0) & (y < height) & (x >= 0) & (x < width)  # outside pixels are dropped, not wrapped
            y, x, values, mask_codes = y[inside], x[inside], values[inside], mask_codes[inside]
        y *= width
        y += x
        np.maximum.at(ink, y, values)
        np.maximum.at(painted, y, mask_codes)
    np.subtract(255, ink, out=ink)
    return ink.reshape(height, width), painted.astype(np.uint8).reshape(height, width)  # the low byte: the class


def boxes(layout: Layout) -> tuple[Box, ...]:
    """One box per element that has a box class (every symbol but stems and ledger lines), clipped to the image."""
    result = []
    for element in layout.elements:
        if element.box_class is None:
            continue
        sprites = element.sprites
        if len(sprites) == 1:
            x0, y0, x1, y1 = sprites[0].box
        else:
            left, top, right, bottom = zip(*(sprite.box for sprite in sprites))
            x0, y0, x1, y1 = min(left), min(top), max(right), max(bottom)
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, layout.width), min(y1, layout.height)
        if x1 > x0 and y1 > y0:
            result.append(Box(element.box_class, (float(x0), float(y0), float(x1), float(y1))))
    return tuple(result)
