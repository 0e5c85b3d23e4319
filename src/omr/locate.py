"""Find the one staff in a larger image (a scan or photo with margins, slightly rotated): deskew by the staff lines'
angle and crop around the five lines, so the crop looks like our training images (staff centred, 6 staff spaces of
room above and below). numpy/Pillow only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from omr.decode.geometry import estimate_staff_space, find_staff_lines, ink_mask

ROOM_ABOVE_BELOW = 6.0  # staff spaces between the outer lines and the crop's top/bottom (128 px at 8 px per space)
ROOM_LEFT_RIGHT = 2.0  # staff spaces before the staff's start and after its end
MIN_STAFF_LENGTH = 4.0  # staff spaces; shorter five-line combs are not taken for a staff (a one-note v02 staff is ~6)
MIN_LINE_COVERAGE = 0.6  # fraction of the staff's length over which its five lines are ink (on average)
MAX_SPACE_INK = 0.5  # the spaces' middle rows may hold at most this much of the lines' ink (noteheads, stems)


class NoStaffFound(ValueError):
    """The image holds no five-line staff we can read."""


@dataclass(frozen=True)
class LocatedStaff:
    """The deskewed crop around the staff and where it came from."""

    image: np.ndarray  # HxW uint8, 255 = white
    angle: float  # the staff lines' angle in the input (degrees, counter-clockwise); the crop is turned back by it
    origin: tuple[int, int]  # (x, y) of the crop's top-left corner in the deskewed image
    staff_lines: tuple[float, ...]  # in the crop, top first
    staff_space: float


def locate_staff(image: np.ndarray, max_angle: float = 5.0) -> LocatedStaff:
    """Deskew and crop the staff of a grayscale image; NoStaffFound when there is none."""
    gray = np.asarray(image, dtype=np.uint8)
    if gray.ndim != 2 or min(gray.shape) < 8:
        raise NoStaffFound(f"image of shape {gray.shape} is too small to hold a staff")
    ink = gray < ink_threshold(gray)
    # The angle from all ink relative to the paper: with thin grey (engraved) staff lines Otsu's ink is noteheads
    # and stems alone, whose row profile has no sharp lines to align.
    angle = skew_angle(ink | ink_mask(gray), max_angle)
    # Turn back only where it moves the image's ends by half a pixel or more: resampling blurs thin lines.
    if abs(np.tan(np.radians(angle))) * gray.shape[1] / 2 >= 0.5:
        gray = rotate(gray, -angle)
        ink = gray < ink_threshold(gray)
    else:
        angle = 0.0
    try:
        lines, (x0, x1) = _staff_lines_and_extent(ink)
    except NoStaffFound:
        # Engravers' thin grey staff lines (anti-aliased to ~180) fall above Otsu's threshold, which then sees only
        # noteheads: look again with ink relative to the paper.
        lines, (x0, x1) = _staff_lines_and_extent(ink | ink_mask(gray))
    space = lines.staff_space
    top = int(np.floor(lines.lines[0] - ROOM_ABOVE_BELOW * space))
    bottom = int(np.ceil(lines.lines[-1] + ROOM_ABOVE_BELOW * space))
    left = int(np.floor(x0 - ROOM_LEFT_RIGHT * space))
    right = int(np.ceil(x1 + ROOM_LEFT_RIGHT * space))
    crop = whiten_paper(_crop_white(gray, left, top, right, bottom))
    return LocatedStaff(
        image=crop,
        angle=angle,
        origin=(left, top),
        staff_lines=tuple(y - top for y in lines.lines),
        staff_space=space,
    )


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
    histogram = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
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
    best = _sharpest(np.arange(best - 0.5, best + 0.5 + 1e-9, step), sharpness)
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
    on_line = [_ink_near_row(ink, y) for y in lines]
    covered = np.sum(on_line, axis=0) >= 4
    # Close gaps narrower than a staff space (a notehead's white hole, anti-aliasing) before taking the longest run.
    gap = max(1, int(round(staff_space)))
    runs = _runs(covered)
    merged: list[list[int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] <= gap:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    if not merged:
        raise NoStaffFound("no staff lines run across the image")
    start, end = max(merged, key=lambda run: run[1] - run[0])
    if end - start < MIN_STAFF_LENGTH * staff_space:
        raise NoStaffFound(f"the longest five-line stretch is {end - start} px, shorter than {MIN_STAFF_LENGTH:g} staff spaces")
    coverage = np.mean([line[start:end].mean() for line in on_line])
    if coverage < MIN_LINE_COVERAGE:
        raise NoStaffFound(f"the five lines found cover only {coverage:.0%} of the staff's length")
    # Lines must stand out from the spaces between them (noise or a dark photo is ink everywhere).
    spaces = [_ink_near_row(ink, (a + b) / 2)[start:end].mean() for a, b in zip(lines, lines[1:])]
    if np.mean(spaces) > MAX_SPACE_INK * coverage:
        raise NoStaffFound("the rows found are no darker than the spaces between them: no staff lines")
    return start, end


def _ink_near_row(ink: np.ndarray, y: float) -> np.ndarray:
    """Per column: is there ink in the one or two pixel rows at height y?"""
    rows = sorted({r for r in (int(np.floor(y)), int(np.ceil(y))) if 0 <= r < ink.shape[0]})
    return ink[rows].any(axis=0)


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.nonzero(edges == 1)[0].tolist(), np.nonzero(edges == -1)[0].tolist()))


def _crop_white(gray: np.ndarray, left: int, top: int, right: int, bottom: int) -> np.ndarray:
    """gray[top:bottom, left:right], padded with white where the box leaves the image."""
    canvas = np.full((bottom - top, right - left), 255, dtype=np.uint8)
    height, width = gray.shape
    sy0, sy1, sx0, sx1 = max(top, 0), min(bottom, height), max(left, 0), min(right, width)
    if sy1 > sy0 and sx1 > sx0:
        canvas[sy0 - top : sy1 - top, sx0 - left : sx1 - left] = gray[sy0:sy1, sx0:sx1]
    return canvas
