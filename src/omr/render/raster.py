"""Outputs of a layout: the anti-aliased grayscale image, the class mask, and the boxes."""

from __future__ import annotations

import numpy as np

from omr.render.layout import Layout
from omr.samples import NOTATION_MASK_CLASSES, Box

# The seed's classes keep their indices: a staff drawn with them alone gives the seed's mask bytes.
CLASS_INDEX = {name: index for index, name in enumerate(NOTATION_MASK_CLASSES)}
# Paint order where symbols overlap (later wins): distractors and curves lie under the symbols that carry events,
# beams and flags over their stems, heads last. The seed's classes keep their order among themselves.
PAINT_ORDER = ("background", "staff_line", "ledger_line", "slur", "tie", "dynamics", "articulation", "stem",
               "barline", "beam", "flag", "clef", "clef_bass", "time_signature", "sharp", "flat", "natural",
               "rest_whole", "rest_half", "rest_quarter", "rest_eighth", "rest_16th", "rest_32nd", "augmentation_dot",
               "notehead_filled", "notehead_hollow", "notehead_whole")
assert sorted(PAINT_ORDER) == sorted(NOTATION_MASK_CLASSES)
PAINT_RANK = {name: rank for rank, name in enumerate(PAINT_ORDER)}


def rasterise(layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """(image HxW uint8, 255 = white; mask HxW uint8 class indices), PAINT_ORDER's later classes over earlier."""
    height, width = layout.height, layout.width
    ink = np.zeros((height, width), dtype=np.uint8)
    mask = np.zeros((height, width), dtype=np.uint8)
    for element in sorted(layout.elements, key=lambda e: PAINT_RANK[e.mask_class]):
        class_index = np.uint8(CLASS_INDEX[element.mask_class])
        for sprite in element.sprites:
            h, w = sprite.coverage.shape
            top, left = sprite.top, sprite.left
            if top >= 0 and left >= 0 and top + h <= height and left + w <= width:  # the usual case: no clipping
                target = ink[top:top + h, left:left + w]
                np.maximum(target, sprite.coverage, out=target)
                np.copyto(mask[top:top + h, left:left + w], class_index, where=sprite.mask)
                continue
            y0, x0 = max(top, 0), max(left, 0)
            y1, x1 = min(top + h, height), min(left + w, width)
            if y0 >= y1 or x0 >= x1:
                continue
            window = slice(y0 - top, y1 - top), slice(x0 - left, x1 - left)
            target = ink[y0:y1, x0:x1]
            np.maximum(target, sprite.coverage[window], out=target)
            np.copyto(mask[y0:y1, x0:x1], class_index, where=sprite.mask[window])
    np.subtract(255, ink, out=ink)
    return ink, mask


def boxes(layout: Layout) -> tuple[Box, ...]:
    """One box per element that has a box class (every symbol but stems and ledger lines), clipped to the image."""
    result = []
    for element in layout.elements:
        if element.box_class is None:
            continue
        if len(element.sprites) == 1:
            x0, y0, x1, y1 = element.sprites[0].box
        else:
            x0, y0, x1, y1 = (min(s.box[0] for s in element.sprites), min(s.box[1] for s in element.sprites),
                              max(s.box[2] for s in element.sprites), max(s.box[3] for s in element.sprites))
        x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, layout.width), min(y1, layout.height)
        if x1 > x0 and y1 > y0:
            result.append(Box(element.box_class, (float(x0), float(y0), float(x1), float(y1))))
    return tuple(result)
