"""estimate_staff_space: sub-pixel accurate on our renderings and on engraving-style thin grey anti-aliased lines."""

import numpy as np
import pytest

from omr.decode import estimate_staff_space
from omr.music.events import SymbolicNote
from omr.render import render_staff, staff_from_notes
from omr.render.layout import RenderStyle

MELODY = [("C", 4, 0, "quarter"), ("A", 5, 0, "half"), ("F", 4, 1, "quarter"), ("E", 5, -1, "quarter"),
          ("G", 4, 0, "half"), ("B", 4, 0, "quarter"), ("D", 5, 0, "quarter"), ("A", 3, 0, "quarter")]


def rendered(space, thickness, clef):
    notes = [SymbolicNote(step, octave, alter, duration) for step, octave, alter, duration in MELODY]
    style = RenderStyle(staff_space=space, line_thickness=thickness, height=int(12 * space))
    return render_staff(staff_from_notes(notes, clef=clef), style)


@pytest.mark.parametrize("space,thickness,clef", [(8.0, 1.0, False), (11.0, 1.5, True), (9.5, 1.2, True), (6.5, 1.0, False)])
def test_staff_space_of_rendered_staves(space, thickness, clef):
    sample = rendered(space, thickness, clef)
    assert estimate_staff_space(sample.image) == pytest.approx(sample.staff_space, abs=0.1)


def engraved_style(space, top, thickness=0.6, width=320, height=128, seed=0):
    """Thin grey staff lines (0.6 px of ink smeared over ~1.6 px by anti-aliasing: light grey over two or three rows),
    black noteheads and stems between them, like Verovio output rasterised at a small staff space."""
    rng = np.random.default_rng(seed)
    rows = np.arange(height, dtype=np.float64)
    darkness = np.zeros((height, width))
    for k in range(5):
        y0 = top + k * space - (thickness + 1) / 2
        coverage = np.clip(np.minimum(rows + 1, y0 + thickness + 1) - np.maximum(rows, y0), 0, 1)
        darkness = np.maximum(darkness, coverage[:, None] * thickness / (thickness + 1))
    yy, xx = np.mgrid[0:height, 0:width]
    for x in range(24, width - 16, 30):
        y = top + rng.integers(-2, 11) * space / 2
        head = ((xx - x) / (0.65 * space)) ** 2 + ((yy - y) / (0.45 * space)) ** 2 <= 1
        darkness[head] = 1.0
        stem_top = y - 3.5 * space
        darkness[max(0, int(stem_top)) : int(y), int(x + 0.6 * space)] = 1.0
    return np.round(255 * (1 - darkness)).astype(np.uint8)


@pytest.mark.parametrize("space,top", [(8.0, 47.7), (8.0, 48.5), (8.6, 40.3), (7.3, 45.0), (10.2, 38.8)])
def test_staff_space_of_thin_grey_engraved_lines(space, top):
    image = engraved_style(space, top, seed=int(10 * space))
    assert image[:, :10].min() > 128  # bare staff: its lines are lighter than a fixed mid-grey ink threshold
    assert estimate_staff_space(image) == pytest.approx(space, abs=0.1)


def test_staff_space_falls_back_to_run_lengths_without_five_lines():
    image = np.full((60, 100), 255, np.uint8)
    for y in (10, 18, 26):  # three lines: runs repeat, but no five-line staff
        image[y, :] = 0
    assert estimate_staff_space(image) == pytest.approx(8.0, abs=0.1)
