"""The staff of an image, or every staff of a page (a scan or photo with margins, slightly rotated), cropped so the
crop looks like our training images (staff centred, 6 staff spaces of room above and below, neighbouring staves
painted out). numpy/scipy only.

`locate_staves` runs the first three steps of omr.transcribe once each, in order: the page straightened
(omr.transcribe.page), its staves found (omr.transcribe.staves), then each staff cropped here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from omr.decode.geometry import estimate_staff_space, find_staff_lines, ink_mask
from omr.transcribe.page import NoStaffFound, straightened_page, straightened_staff, whiten_paper
from omr.transcribe.staves import PageStaff, find_staves, five_line_extent, system_indices

ROOM_ABOVE_BELOW = 6.0  # staff spaces between the outer lines and the crop's top/bottom (128 px at 8 px per space)
ROOM_LEFT_RIGHT = 2.0  # staff spaces before the staff's start and after its end


@dataclass(frozen=True)
class LocatedStaff:
    """The deskewed crop around one staff and where it came from. The deskewed page is the input turned back by
    `angle` (about its centre, grown to fit, as omr.transcribe.page.rotate does), or the input itself where `angle`
    is 0; `origin` and `extent` are in that page's pixels."""

    image: np.ndarray  # HxW uint8, 255 = white
    angle: float  # the staff lines' angle in the input (degrees, counter-clockwise); the crop is turned back by it
    origin: tuple[int, int]  # (x, y) of the crop's top-left corner in the deskewed page
    staff_lines: tuple[float, ...]  # in the crop, top first
    staff_space: float
    system: int = 0  # index of the system (staves joined by a barline or bracket) on the page, top first
    extent: tuple[int, int] = (0, 0)  # the staff's first and last column in the deskewed page


def locate_staves(image: np.ndarray, max_angle: float = 5.0) -> tuple[LocatedStaff, ...]:
    """Every staff of a page, in reading order (top to bottom); NoStaffFound when there is none."""
    gray, ink, angle = straightened_page(image, max_angle)
    staves = find_staves(gray, ink)
    if not staves:
        raise NoStaffFound("no five equally spaced long staff lines in the image")
    systems = system_indices(ink, staves)
    return tuple(_crop_staff(gray, ink, staves, index, angle, systems[index]) for index in range(len(staves)))


def locate_staff(image: np.ndarray, max_angle: float = 5.0) -> LocatedStaff:
    """Deskew and crop the staff of a grayscale image; NoStaffFound when there is none."""
    gray, ink, angle = straightened_staff(image, max_angle)
    try:
        try:
            lines, (x0, x1) = _staff_lines_and_extent(ink)
        except NoStaffFound:
            # Engravers' thin grey staff lines (anti-aliased to ~180) fall above Otsu's threshold, which then sees
            # only noteheads: look again with ink relative to the paper.
            lines, (x0, x1) = _staff_lines_and_extent(ink | ink_mask(gray))
    except NoStaffFound:
        # The whole-image profile finds one comb; where that is no staff (a page of several, lines bowed by a
        # warp), the page search may still find staves: the longest one is the staff.
        return max(locate_staves(image, max_angle), key=lambda staff: staff.extent[1] - staff.extent[0])
    staff = PageStaff(lines=tuple(lines.lines), extent=(x0, x1))
    return _crop_staff(gray, ink, [staff], 0, angle, 0)


def _crop_staff(gray: np.ndarray, ink: np.ndarray, staves: list[PageStaff], index: int, angle: float,
                system: int) -> LocatedStaff:
    """The crop around staves[index] (6 spaces above/below, 2 left/right) with its neighbours painted out."""
    staff = staves[index]
    space = staff.staff_space
    top = int(np.floor(staff.lines[0] - ROOM_ABOVE_BELOW * space))
    bottom = int(np.ceil(staff.lines[-1] + ROOM_ABOVE_BELOW * space))
    left = int(np.floor(staff.extent[0] - ROOM_LEFT_RIGHT * space))
    right = int(np.ceil(staff.extent[1] + ROOM_LEFT_RIGHT * space))
    crop = whiten_paper(_crop_white(gray, left, top, right, bottom))
    own = tuple(y - top for y in staff.lines)
    neighbours = [staves[j] for j in (index - 1, index + 1) if 0 <= j < len(staves)]
    if neighbours:  # even a far neighbour's clef, high notes or lyrics may reach into this crop
        crop_ink = _crop_white(ink, left, top, right, bottom, fill=False)
        crop = crop.copy()
        for neighbour in neighbours:
            crop[neighbour_ink(crop_ink, own, tuple(y - top for y in neighbour.lines), space)] = 255
    return LocatedStaff(image=crop, angle=angle, origin=(left, top), staff_lines=own, staff_space=space,
                        system=system, extent=staff.extent)


def _staff_lines_and_extent(ink: np.ndarray):
    """The five lines and the staff's first/last column in an ink mask; NoStaffFound when there is no staff."""
    try:
        staff_space = estimate_staff_space(np.where(ink, 0, 255).astype(np.uint8))
    except ValueError as error:
        raise NoStaffFound(str(error)) from error
    lines = find_staff_lines(ink.mean(axis=1), staff_space)
    if lines is None:
        raise NoStaffFound("no five equally spaced staff lines in the image")
    return lines, staff_extent(ink, lines.lines, lines.staff_space)


def staff_extent(ink: np.ndarray, lines: tuple[float, ...], staff_space: float) -> tuple[int, int]:
    """First and last column of the staff: the longest stretch where (nearly) all five lines carry ink."""
    return five_line_extent(ink, lines, staff_space)


def _crop_white(image: np.ndarray, left: int, top: int, right: int, bottom: int, fill=255) -> np.ndarray:
    """image[top:bottom, left:right], padded with `fill` (white paper) where the box leaves the image."""
    canvas = np.full((bottom - top, right - left), fill, dtype=image.dtype)
    height, width = image.shape
    sy0, sy1, sx0, sx1 = max(top, 0), min(bottom, height), max(left, 0), min(right, width)
    if sy1 > sy0 and sx1 > sx0:
        canvas[sy0 - top : sy1 - top, sx0 - left : sx1 - left] = image[sy0:sy1, sx0:sx1]
    return canvas


def neighbour_ink(ink: np.ndarray, own: tuple[float, ...], neighbour: tuple[float, ...], staff_space: float) -> np.ndarray:
    """What to paint white in a crop (its ink mask and both staves' lines in its rows) so that the neighbour staff
    does not show: the neighbour, everything beyond it and beyond the middle of the gap, except ink that hangs off
    this staff (ledger-line notes, stems, slurs); ink that hangs off the neighbour goes even on this side."""
    if neighbour[0] > own[0]:  # a staff below: the same rule upside down
        height = ink.shape[0]
        flipped = neighbour_ink(ink[::-1], tuple(height - y for y in own[::-1]), tuple(height - y for y in neighbour[::-1]),
                                staff_space)
        return flipped[::-1]
    foreign = np.zeros(ink.shape, dtype=bool)
    edge, start = neighbour[-1], own[0]
    middle = (edge + start) / 2.0
    g0 = int(np.clip(np.ceil(edge + 0.2 * staff_space + 0.5), 0, ink.shape[0]))  # first row clear of its bottom line
    g1 = int(np.clip(np.floor(start - 0.2 * staff_space - 0.5), g0, ink.shape[0]))  # end: clear of our top line
    foreign[:g0] = True
    gap = ink[g0:g1]
    if gap.size == 0:
        foreign[: int(np.clip(np.ceil(middle), 0, ink.shape[0]))] = True
        return foreign
    # Ledger lines lie a staff space apart, so growing ink by ~0.6 space vertically chains a stack of them (and the
    # note on it) into one piece that reaches its staff.
    reach = int(np.ceil(0.6 * staff_space))
    grown = ndimage.maximum_filter1d(ndimage.maximum_filter1d(gap.view(np.uint8), 2 * reach + 1, axis=0), 3, axis=1)
    labels, count = ndimage.label(grown)
    near = int(np.ceil(0.9 * staff_space))
    rows = np.arange(g0, g1)[:, None]
    mine = np.zeros(gap.shape, dtype=bool)
    theirs = np.zeros(gap.shape, dtype=bool)
    for index, box in enumerate(ndimage.find_objects(labels), start=1):
        piece = labels[box] == index
        touches_theirs, touches_mine = box[0].start <= near, box[0].stop >= gap.shape[0] - near
        if touches_theirs and touches_mine:  # a barline joining the two, or a chain: split at the middle
            local_rows = rows[box[0]]
            theirs[box] |= piece & (local_rows < middle)
            mine[box] |= piece & (local_rows >= middle)
        elif touches_mine or (not touches_theirs and (box[0].start + box[0].stop) / 2 + g0 >= middle):
            mine[box] |= piece
        else:
            theirs[box] |= piece
    beyond_middle = rows < middle
    foreign[g0:g1] = theirs | (beyond_middle & ~mine)
    return foreign
