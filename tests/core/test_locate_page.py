"""Every staff of a page: found top to bottom, cropped like a training image, neighbours painted out."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from omr.locate import NoStaffFound, locate_staff, locate_staves, rotate
from omr.music import SymbolicNote
from omr.render import render_staff, staff_from_notes

MELODIES = [
    "C4 E4 G4 C5 E5 G5 C6 A3",  # ledger lines above and below
    "D5 B4 G4 E4 F4 A4 C5 E5 G5 B5",
    "A5 C6 E6 A5 B3 G3 E4 D4",  # notes far above and below the staff
]


def _staff(pitches: str, time: str | None = None, duration: str = "quarter"):
    notes = [SymbolicNote(p[0], int(p[-1]), duration=duration) for p in pitches.split()]
    return render_staff(staff_from_notes(notes, clef=True, time=time))


def _page(staffs, gaps, width=900, title=True):
    """The rendered staves stacked top to bottom, `gaps[i]` px between one crop's bottom and the next's top (crops
    have 6 spaces of room, so negative gaps bring the staves close); the true five line rows of each."""
    height = 80 + sum(s.height for s in staffs) + sum(gaps) + 40
    page = Image.new("L", (width, height), 255)
    if title:
        ImageDraw.Draw(page).text((width // 2 - 40, 20), "Title of the Tune  (Trad.)", fill=0)
    y, truth = 80, []
    for staff, gap in zip(staffs, [0, *gaps]):
        y += gap
        page.paste(Image.fromarray(np.minimum(np.asarray(page)[y : y + staff.height, 40 : 40 + staff.width], staff.image)), (40, y))
        truth.append([y + line for line in staff.staff_lines])
        y += staff.height
    return np.asarray(page).copy(), truth


@pytest.fixture(scope="module")
def staffs():
    return [_staff(m) for m in MELODIES]


def test_stacked_staves_are_found_top_to_bottom_with_their_lines(staffs):
    image, truth = _page(staffs, [10, -40])
    located = locate_staves(image)
    assert len(located) == 3
    for staff, lines in zip(located, truth):
        assert np.allclose(np.array(staff.staff_lines) + staff.origin[1], lines, atol=1.0)
        assert staff.angle == 0.0
    # One staff per system on a melody page: nothing joins them.
    assert [s.system for s in located] == [0, 1, 2]


def test_each_crop_looks_like_a_training_image(staffs):
    image, _ = _page(staffs, [10, -40])
    for staff in locate_staves(image):
        space = staff.staff_space
        assert space == pytest.approx(8.0, abs=0.3)
        assert staff.image.shape[0] == pytest.approx(16 * space, abs=2)
        assert staff.staff_lines[0] == pytest.approx(6 * space, abs=1.5)
        x0, x1 = staff.extent
        assert staff.image.shape[1] == pytest.approx(x1 - x0 + 4 * space, abs=2)


def test_a_page_without_staves_is_refused():
    page = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(page).text((50, 50), "no music here, only words", fill=0)
    with pytest.raises(NoStaffFound):
        locate_staves(np.asarray(page))


def test_one_staff_image_gives_the_same_staff_as_locate_staff(staffs):
    image = staffs[1].image
    (page_staff,) = locate_staves(image)
    single = locate_staff(image)
    assert page_staff.origin == single.origin
    assert np.allclose(page_staff.staff_lines, single.staff_lines, atol=0.5)
