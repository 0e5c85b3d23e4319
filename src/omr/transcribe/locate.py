"""Find the staff of an image, or every staff of a page (a scan or photo with margins, slightly rotated): deskew by
the staff lines' angle and crop around each staff's five lines, so the crop looks like our training images (staff
centred, 6 staff spaces of room above and below, neighbouring staves painted out). numpy/Pillow/scipy only; the
page-level search lives in omr.transcribe.staves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from omr.decode.geometry import INK_RELATIVE, estimate_staff_space, find_staff_lines, ink_mask
from omr.transcribe.staves import (
    MIN_LINE_COVERAGE,
    MIN_STAFF_LENGTH,
    NoStaffFound,
    PageStaff,
    find_staves,
    five_line_extent,
    neighbour_ink,
    system_indices,
)

__all__ = ["LocatedStaff", "MIN_LINE_COVERAGE", "MIN_STAFF_LENGTH", "NoStaffFound", "locate_staff", "locate_staves",
           "rotate", "skew_angle", "whiten_paper"]

ROOM_ABOVE_BELOW = 6.0  # staff spaces between the outer lines and the crop's top/bottom (128 px at 8 px per space)
ROOM_LEFT_RIGHT = 2.0  # staff spaces before the staff's start and after its end


@dataclass(frozen=True)
class LocatedStaff:
    """The deskewed crop around one staff and where it came from. The deskewed page is the input turned back by
    `angle` (about its centre, grown to fit, as `rotate` does), or the input itself where `angle` is 0; `origin`
    and `extent` are in that page's pixels."""

    image: np.ndarray  # HxW uint8, 255 = white
    angle: float  # the staff lines' angle in the input (degrees, counter-clockwise); the crop is turned back by it
    origin: tuple[int, int]  # (x, y) of the crop's top-left corner in the deskewed page
    staff_lines: tuple[float, ...]  # in the crop, top first
    staff_space: float
    system: int = 0  # index of the system (staves joined by a barline or bracket) on the page, top first
    extent: tuple[int, int] = (0, 0)  # the staff's first and last column in the deskewed page


def locate_staves(image: np.ndarray, max_angle: float = 5.0) -> tuple[LocatedStaff, ...]:
    """Every staff of a page, in reading order (top to bottom); NoStaffFound when there is none."""
    gray = _grayscale(image)
    threshold = page_ink_threshold(gray)  # turning the page adds white paper only: the threshold stays
    gray, angle = _turned_back(gray, skew_angle(gray < threshold, max_angle))
    ink = gray < threshold
    staves = find_staves(gray, ink)
    if not staves:
        raise NoStaffFound("no five equally spaced long staff lines in the image")
    systems = system_indices(ink, staves)
    return tuple(_crop_staff(gray, ink, staves, index, angle, systems[index]) for index in range(len(staves)))


def locate_staff(image: np.ndarray, max_angle: float = 5.0) -> LocatedStaff:
    """Deskew and crop the staff of a grayscale image; NoStaffFound when there is none."""
    gray, angle = _deskewed(_grayscale(image), max_angle)
    ink = gray < ink_threshold(gray)
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


def _grayscale(image: np.ndarray) -> np.ndarray:
    gray = np.asarray(image, dtype=np.uint8)
    if gray.ndim != 2 or min(gray.shape) < 8:
        raise NoStaffFound(f"image of shape {gray.shape} is too small to hold a staff")
    return gray


def _deskewed(gray: np.ndarray, max_angle: float) -> tuple[np.ndarray, float]:
    """The image turned back by its staff lines' angle, and that angle (0 where turning would move no pixel)."""
    # The angle from all ink relative to the paper: with thin grey (engraved) staff lines Otsu's ink is noteheads
    # and stems alone, whose row profile has no sharp lines to align.
    return _turned_back(gray, skew_angle((gray < ink_threshold(gray)) | ink_mask(gray), max_angle))


def _turned_back(gray: np.ndarray, angle: float) -> tuple[np.ndarray, float]:
    # Turn back only where it moves the image's ends by half a pixel or more: resampling blurs thin lines.
    if abs(np.tan(np.radians(angle))) * gray.shape[1] / 2 >= 0.5:
        return rotate(gray, -angle), angle
    return gray, 0.0


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


def ink_threshold(gray: np.ndarray) -> float:
    """Otsu's threshold between paper and ink (photos have grey paper), capped so light grey never counts as ink."""
    return _otsu(np.bincount(gray.ravel(), minlength=256).astype(np.float64))


def _otsu(histogram: np.ndarray) -> float:
    total = histogram.sum()
    levels = np.arange(256)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * weight / total - mean) ** 2 / (weight * (total - weight))
    between = np.nan_to_num(between)
    if between.max() <= 0:
        return 128.0
    return float(min(np.argmax(between) + 1, 200))


def page_ink_threshold(gray: np.ndarray) -> float:
    """Grey levels below this are ink on a page: Otsu's dark ink or, lighter, anything darker than the paper by a
    fifth of the contrast (omr.decode.geometry.ink_mask's rule, from a histogram: a page has millions of pixels)."""
    histogram = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    cumulative = np.cumsum(histogram)
    paper = float(np.searchsorted(cumulative, 0.5 * cumulative[-1]))
    dark = float(np.searchsorted(cumulative, 0.005 * cumulative[-1]))
    relative = paper - INK_RELATIVE * (paper - dark) if paper > dark else 0.0
    return max(_otsu(histogram), relative)


def whiten_paper(gray: np.ndarray) -> np.ndarray:
    """Stretch grey levels so the paper (the median pixel) becomes white and the darkest ink black, as in training."""
    paper = float(np.percentile(gray, 50))
    ink = float(np.percentile(gray, 0.5))
    if paper >= 250 or paper - ink < 32:  # already white paper, or no contrast worth stretching
        return gray
    stretched = (gray.astype(np.float32) - ink) * (255.0 / (paper - ink))
    return np.clip(np.round(stretched), 0, 255).astype(np.uint8)


def skew_angle(ink: np.ndarray, max_angle: float, step: float = 0.1) -> float:
    """The lines' angle (degrees, counter-clockwise, |angle| <= max_angle): sheared back by it, the ink's row
    profile is sharpest, because long lines then fall into few rows (classic projection-profile deskew)."""
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return 0.0
    if ys.size > 200_000:  # a fixed subsample keeps big photos fast and the result deterministic
        keep = np.linspace(0, ys.size - 1, 200_000).astype(np.int64)
        ys, xs = ys[keep], xs[keep]
    xs = xs - xs.mean()

    def sharpness(angle: float) -> float:
        # A line at `angle` counter-clockwise rises to the right: y + x * tan(angle) stays constant along it.
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float((counts.astype(np.float64) ** 2).sum())

    best = _sharpest(np.arange(-max_angle, max_angle + 1e-9, 0.5), sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, step)
    best = _sharpest(fine[np.abs(fine) <= max_angle + 1e-9], sharpness)
    return 0.0 if abs(best) < step / 2 else round(best, 2)


def _sharpest(angles: np.ndarray, sharpness) -> float:
    """The angle of highest sharpness; among ties (tiny angles move no pixel to another row) the smallest one."""
    scores = np.array([sharpness(a) for a in angles])
    tied = angles[scores >= scores.max() * (1 - 1e-9)]
    return float(tied[np.argmin(np.abs(tied))])


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """The image turned counter-clockwise by `angle` degrees about its centre (grown to fit), filled with white."""
    turned = Image.fromarray(gray).rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return np.asarray(turned, dtype=np.uint8)


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
