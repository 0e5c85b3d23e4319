"""Finding one staff in a larger image: deskew by the lines' angle, crop around them, or say there is none."""

import numpy as np
import pytest
from PIL import Image

from omr.transcribe.locate import locate_staff
from omr.transcribe.page import NoStaffFound, rotate
from omr.music.events import SymbolicNote
from omr.render import render_staff, staff_from_notes
from omr.samples import MASK_CLASSES

NOTES = [SymbolicNote("C", 4), SymbolicNote("E", 4, duration="half"), SymbolicNote("F", 4, 1), SymbolicNote("A", 5),
         SymbolicNote("B", 4, -1, "half"), SymbolicNote("G", 4), SymbolicNote("D", 5)]


@pytest.fixture(scope="module")
def rendered():
    return render_staff(staff_from_notes(NOTES))


def _photo(image, zoom=1.6, angle=3.0, seed=0):
    """The staff enlarged, on a bigger grey, noisy page, turned counter-clockwise by `angle` degrees."""
    big = Image.fromarray(image).resize((round(image.shape[1] * zoom), round(image.shape[0] * zoom)), Image.BICUBIC)
    page = Image.new("L", (big.width + 300, big.height + 200), 255)
    page.paste(big, (170, 90))
    turned = rotate(np.asarray(page), angle).astype(np.float64)
    noisy = turned * 0.85 + 20 + np.random.default_rng(seed).normal(0, 6, turned.shape)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def test_clean_staff_image_is_left_straight_and_cropped_to_sixteen_staff_spaces(rendered):
    located = locate_staff(rendered.image)
    assert located.angle == 0.0
    assert located.staff_space == pytest.approx(8.0, abs=0.3)
    assert located.image.shape[0] == pytest.approx(16 * 8, abs=2)
    x0, y0 = located.origin
    truth = [y - y0 for y in rendered.staff_lines]
    assert np.allclose(located.staff_lines, truth, atol=1.0)
    # The crop is the original, shifted: nothing resampled.
    assert (located.image[-y0 : -y0 + rendered.height, -x0 : -x0 + rendered.width] == rendered.image).all()


@pytest.mark.parametrize("angle", [-2.5, 3.0])
def test_rotated_photo_with_margins_is_deskewed_and_cropped(rendered, angle):
    located = locate_staff(_photo(rendered.image, angle=angle))
    assert located.angle == pytest.approx(angle, abs=0.25)
    assert located.staff_space == pytest.approx(8.0 * 1.6, abs=0.5)
    height, width = located.image.shape
    assert height == pytest.approx(16 * located.staff_space, abs=3)
    assert width == pytest.approx(rendered.width * 1.6, rel=0.15)
    # Straight again: every line is one dark row band across the whole staff, not a slope.
    for y in located.staff_lines:
        band = located.image[int(round(y)) - 1 : int(round(y)) + 2, int(3 * located.staff_space) : -int(3 * located.staff_space)]
        assert (band.min(axis=0) < 128).mean() > 0.95
    # Paper is white again, as in training images.
    assert np.median(located.image) == 255


@pytest.mark.parametrize(
    "image",
    [np.full((200, 300), 255, np.uint8), np.random.default_rng(1).integers(0, 256, (200, 300)).astype(np.uint8)],
    ids=["blank", "noise"],
)
def test_image_without_a_staff_is_refused(image):
    with pytest.raises(NoStaffFound):
        locate_staff(image)


def test_single_lines_without_a_staff_are_refused():
    image = np.full((200, 400), 255, np.uint8)
    image[[50, 120], 20:380] = 0  # two lines: too few for a staff
    with pytest.raises(NoStaffFound):
        locate_staff(image)


def test_thin_grey_engraved_staff_lines_are_found_without_turning_the_image(rendered):
    # Verovio at 8 px per staff space draws its lines ~0.6 px thick: anti-aliased, they are grey (~180), lighter
    # than Otsu's threshold, which then sees only noteheads and stems.
    image = rendered.image.copy()
    staff_line = MASK_CLASSES.index("staff_line")
    image[rendered.mask == staff_line] = 182
    located = locate_staff(image)
    assert located.angle == 0.0
    truth = [y - located.origin[1] for y in rendered.staff_lines]
    assert np.allclose(located.staff_lines, truth, atol=1.0)


def test_a_one_note_staff_is_still_a_staff():
    single = render_staff(staff_from_notes([SymbolicNote("G", 4)]))
    located = locate_staff(single.image)
    truth = [y - located.origin[1] for y in single.staff_lines]
    assert np.allclose(located.staff_lines, truth, atol=1.0)
