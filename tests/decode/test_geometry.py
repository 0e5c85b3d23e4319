import numpy as np
import pytest

from omr.decode import StaffGeometry, estimate_staff_space, find_staff_lines, row_profile, staff_from_box

LINES = (20.0, 28.0, 36.0, 44.0, 52.0)


def staff_image(lines=LINES, width=200, height=80, thickness=1):
    image = np.full((height, width), 255, dtype=np.uint8)
    for y in lines:
        image[int(y) : int(y) + thickness, :] = 0
    return image


def test_bottom_line_is_e4_and_top_line_is_f5():
    staff = StaffGeometry(LINES)
    assert staff.pitch(52.0) == ("E", 4)
    assert staff.pitch(20.0) == ("F", 5)
    assert staff.pitch(48.0) == ("F", 4)  # first space


def test_ledger_positions_below_and_above_the_staff():
    staff = StaffGeometry(LINES)
    assert staff.pitch(60.0) == ("C", 4)  # first ledger line below
    assert staff.pitch(56.0) == ("D", 4)
    assert staff.pitch(12.0) == ("A", 5)  # first ledger line above
    assert staff.pitch(4.0) == ("C", 6)  # second ledger line above


def test_staff_position_rounds_to_the_nearest_half_space():
    staff = StaffGeometry(LINES)
    assert staff.staff_position(52.0 - 5.0) == 1  # 1.25 half spaces -> the first space
    assert staff.staff_position(52.0 - 7.0) == 2


def test_staff_lines_must_be_five_increasing():
    with pytest.raises(ValueError):
        StaffGeometry((1.0, 2.0, 3.0))
    with pytest.raises(ValueError):
        StaffGeometry((5.0, 4.0, 3.0, 2.0, 1.0))


def test_staff_box_gives_five_even_lines():
    staff = staff_from_box(19.5, 52.5)
    assert staff.lines[2] == pytest.approx(36.0)
    assert staff.staff_space == pytest.approx(8.25)


@pytest.mark.parametrize("space,thickness", [(8.0, 1), (11.0, 2), (6.0, 1)])
def test_staff_space_from_vertical_runs(space, thickness):
    lines = tuple(30.0 + k * space for k in range(5))
    assert estimate_staff_space(staff_image(lines, thickness=thickness, height=120)) == pytest.approx(space, abs=0.1)


def test_staff_lines_found_from_row_profile_despite_notes():
    image = staff_image()
    image[30:40, 50:60] = 0  # a notehead-ish blob
    image[5:40, 59] = 0  # and its stem
    staff = find_staff_lines(row_profile(image))
    assert staff is not None
    assert staff.lines == pytest.approx(tuple(y + 0.5 for y in LINES), abs=0.3)  # row r's centre is r + 0.5


def test_blank_image_has_no_staff():
    assert find_staff_lines(row_profile(np.full((50, 50), 255, np.uint8))) is None
    with pytest.raises(ValueError, match="no staff"):
        estimate_staff_space(np.full((50, 50), 255, np.uint8))


def test_heads_beyond_the_piano_have_no_pitch():
    staff = StaffGeometry(LINES)
    assert staff.piano_pitch(60.0) == ("C", 4)
    assert staff.piano_pitch(52.0 + 40 * 4.0) is None  # 40 positions below E4: below A0

