"""Outputs of a layout: the anti-aliased grayscale image, the class mask, and the boxes."""

from __future__ import annotations

import numpy as np

from omr.render.layout import Layout
from omr.samples import MASK_CLASSES, Box

CLASS_INDEX = {name: index for index, name in enumerate(MASK_CLASSES)}


def rasterise(layout: Layout) -> tuple[np.ndarray, np.ndarray]:
    """(image HxW uint8, 255 = white; mask HxW uint8 class indices), later MASK_CLASSES painted over earlier."""
    height, width = layout.height, layout.width
    ink = np.zeros((height, width), dtype=np.uint8)
    mask = np.zeros((height, width), dtype=np.uint8)
    for element in sorted(layout.elements, key=lambda e: CLASS_INDEX[e.mask_class]):
        class_index = CLASS_INDEX[element.mask_class]
        for sprite in element.sprites:
            h, w = sprite.coverage.shape
            y0, x0 = max(sprite.top, 0), max(sprite.left, 0)
            y1, x1 = min(sprite.top + h, height), min(sprite.left + w, width)
            if y0 >= y1 or x0 >= x1:
                continue
            sy, sx = y0 - sprite.top, x0 - sprite.left
            window = slice(sy, sy + y1 - y0), slice(sx, sx + x1 - x0)
            target = ink[y0:y1, x0:x1]
            np.maximum(target, sprite.coverage[window], out=target)
            mask[y0:y1, x0:x1][sprite.mask[window]] = class_index
    np.subtract(255, ink, out=ink)
    return ink, mask


def boxes(layout: Layout) -> tuple[Box, ...]:
    """One box per element that has a box class (staff, noteheads, accidentals, clef, barlines), clipped to the image."""
    result = []
    for element in layout.elements:
        if element.box_class is None:
            continue
        x0 = max(min(s.box[0] for s in element.sprites), 0)
        y0 = max(min(s.box[1] for s in element.sprites), 0)
        x1 = min(max(s.box[2] for s in element.sprites), layout.width)
        y1 = min(max(s.box[3] for s in element.sprites), layout.height)
        if x1 > x0 and y1 > y0:
            result.append(Box(element.box_class, (float(x0), float(y0), float(x1), float(y1))))
    return tuple(result)
