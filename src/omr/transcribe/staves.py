"""Staves on a straightened page (omr.transcribe.page): five-line combs of long thin horizontal strokes, their extent
and the systems they form. numpy/scipy only; omr.transcribe.locate crops each staff from these.

Classic OMR: staff lines are the only long, thin, horizontal strokes of a page. Keeping ink that is thin vertically
(a line, not a beam, notehead or letter) and long horizontally (not a ledger line, a hyphen or a tie) leaves the
staff lines, and the row profile of what is left has one sharp peak per line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from omr.decode.geometry import vertical_runs
from omr.transcribe.page import NoStaffFound

MIN_STAFF_LENGTH = 4.0  # staff spaces; shorter five-line combs are not taken for a staff (a one-note v02 staff is ~6)
MIN_LINE_COVERAGE = 0.6  # fraction of the staff's length over which its five lines are ink (on average)
MAX_SPACE_INK = 0.5  # the spaces' middle rows may hold at most this much of the lines' ink (noteheads, stems)
LONG_STROKE = 3.0  # staff spaces: a horizontal stroke at least this long may be a staff line (ledger lines are ~2)
SPACING_TOLERANCE = 0.2  # a comb's gaps may differ from the page's staff space (and from their mean) by this fraction
JOIN_FILL = 0.9  # a column whose gap rows between two staves are this full of ink is a barline joining them


@dataclass(frozen=True)
class PageStaff:
    """Five lines (page rows in continuous coordinates, top first) and the staff's first/last column."""

    lines: tuple[float, ...]
    extent: tuple[int, int]

    @property
    def staff_space(self) -> float:
        return (self.lines[-1] - self.lines[0]) / 4.0


def find_staves(gray: np.ndarray, ink: np.ndarray) -> list[PageStaff]:
    """Every staff of a deskewed page, top first; [] when there is none."""
    pair, runs = vertical_runs(ink)
    pair = pair[pair >= 3]
    if pair.size == 0 or runs.size == 0:
        return []
    staff_space = float(np.argmax(np.bincount(pair)))  # line + the space under it: the commonest vertical period
    thickness = int(np.argmax(np.bincount(runs)))  # staff lines are the commonest ink runs
    profile = line_profile(ink, staff_space, thickness)
    staves = []
    for comb in _best_combs(_peaks(profile, staff_space), staff_space):
        try:
            staves.append(_verified_staff(gray, ink, comb, staff_space))
        except NoStaffFound:
            continue
    return sorted(staves, key=lambda staff: staff.lines[0])


def line_profile(ink: np.ndarray, staff_space: float, thickness: int) -> np.ndarray:
    """Per row, the pixels of long, thin, horizontal strokes (staff lines), summed over three rows so that a line
    bowed or tilted by a pixel still makes one peak."""
    thin = thin_ink(ink, thickness)
    # Stems, noteheads and beams cut a line where they cross it (there the ink is thick): bridge cuts up to a
    # notehead wide, or a dense run of 32nd notes (or a one-note staff) would leave no long stroke of its lines.
    gaps = ~thin
    bridged = thin | (gaps & ~runs_at_least(gaps, max(1, int(round(1.5 * staff_space))) + 1))
    long = runs_at_least(bridged, max(3, int(round(LONG_STROKE * staff_space)))) & thin
    rows = long.sum(axis=1).astype(np.float64)
    return rows + np.concatenate([[0.0], rows[:-1]]) + np.concatenate([rows[1:], [0.0]])


def runs_at_least(mask: np.ndarray, length: int) -> np.ndarray:
    """The pixels of `mask` in horizontal runs of at least `length` (linear time: run starts and ends per row)."""
    height, width = mask.shape
    padded = np.zeros((height, width + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    change = np.diff(padded, axis=1).ravel()  # rows are padded, so no run crosses from one row into the next
    starts, ends = np.nonzero(change == 1)[0], np.nonzero(change == -1)[0]
    keep = (ends - starts) >= length
    marks = np.zeros(change.size, dtype=np.int8)
    marks[starts[keep]] = 1  # a run starts where no other ends (an end is the first white pixel after a run)
    marks[ends[keep]] = -1
    inside = np.cumsum(marks, dtype=np.int8).reshape(height, width + 1)
    return inside[:, :width].astype(bool)


def thin_ink(ink: np.ndarray, thickness: int) -> np.ndarray:
    """Ink in vertical runs no longer than a staff line's thickness allows (not noteheads, beams, stems, letters)."""
    longest = max(thickness + 2, 2 * thickness)
    return ink & ~runs_at_least(np.ascontiguousarray(ink.T), longest + 1).T


def _peaks(profile: np.ndarray, staff_space: float) -> list[tuple[int, float]]:
    """(row, strength) of the profile's local maxima that could be staff lines."""
    if profile.max() <= 0:
        return []
    radius = max(1, int(staff_space / 3))
    local_max = ndimage.maximum_filter1d(profile, 2 * radius + 1)
    floor = 2.0 * staff_space  # a short staff's line, over three rows: the combs and checks judge the rest
    rows = np.nonzero((profile == local_max) & (profile >= floor))[0]
    peaks: list[tuple[int, float]] = []
    for row in rows.tolist():  # plateaus give runs of equal maxima: keep their first row only
        if peaks and row - peaks[-1][0] <= radius:
            continue
        peaks.append((row, float(profile[row])))
    return peaks


def _best_combs(peaks: list[tuple[int, float]], staff_space: float) -> list[tuple[int, ...]]:
    """Non-overlapping combs of five equally spaced peaks (rows), strongest first."""
    rows = np.array([row for row, _ in peaks], dtype=np.float64)
    strength = np.array([s for _, s in peaks])
    # A pixel more either way: a slur or beam along a line can pull its peak off by a row at small staff spaces.
    low, high = (1 - SPACING_TOLERANCE) * staff_space - 1, (1 + SPACING_TOLERANCE) * staff_space + 1
    candidates = []
    for first in range(len(peaks)):
        for comb in _extend((first,), rows, low, high):
            if _misfit(rows[list(comb)]) <= 0.15 * staff_space + 1:  # equally spaced, give or take a row
                teeth = strength[list(comb)]  # every line must be there; then the stronger lines win (as in geometry)
                candidates.append((float(teeth.min() + 0.2 * teeth.mean()), comb))
    chosen: list[tuple[int, ...]] = []
    taken: list[tuple[float, float]] = []
    for _, comb in sorted(candidates, key=lambda c: -c[0]):
        top, bottom = rows[comb[0]] - 0.5 * staff_space, rows[comb[-1]] + 0.5 * staff_space
        if all(bottom < t or top > b for t, b in taken):
            chosen.append(tuple(int(rows[i]) for i in comb))
            taken.append((top, bottom))
    return chosen


def _misfit(rows: np.ndarray) -> float:
    """How far the five rows lie from the equally spaced comb fitted to them (least squares), at worst."""
    index = np.arange(rows.size)
    slope, intercept = np.polyfit(index, rows, 1)
    return float(np.abs(rows - (intercept + slope * index)).max())


def _extend(comb: tuple[int, ...], rows: np.ndarray, low: float, high: float):
    """Every way to grow a comb of peak indices to five peaks, each one staff space (low..high) below the last."""
    if len(comb) == 5:
        yield comb
        return
    last = rows[comb[-1]]
    for following in np.nonzero((rows - last >= low) & (rows - last <= high))[0].tolist():
        yield from _extend(comb + (following,), rows, low, high)


def _verified_staff(gray: np.ndarray, ink: np.ndarray, comb: tuple[int, ...], staff_space: float) -> PageStaff:
    """The comb's lines refined to sub-pixel over the staff's extent; NoStaffFound when it is no real staff."""
    # The five lines are equally spaced: refine around the comb's least-squares fit, not around each raw peak.
    slope, intercept = np.polyfit(np.arange(5), np.asarray(comb, dtype=np.float64), 1)
    rows = [int(round(intercept + slope * k)) for k in range(5)]
    extent = five_line_extent(ink, tuple(row + 0.5 for row in rows), staff_space, reach=1)
    radius = max(1, int(round(staff_space / 4.0)))
    lines = tuple(_line_centre(gray[:, extent[0] : extent[1]], row, radius) for row in rows)
    if not all(a < b for a, b in zip(lines, lines[1:])) or _misfit(np.asarray(lines)) > 0.2 * staff_space:
        raise NoStaffFound("refined staff lines are not equally spaced")
    return PageStaff(lines=lines, extent=extent)


def _line_centre(gray: np.ndarray, row: int, radius: int) -> float:
    """Sub-pixel centre (continuous coordinates: row r spans [r, r+1)) of the line near `row`: the darkness-weighted
    mean row of the median darkness over the staff's columns, which notes, beams and text crossing it do not bias."""
    lo, hi = max(0, row - radius), min(gray.shape[0], row + radius + 1)
    darkness = 1.0 - np.median(gray[lo:hi], axis=1) / 255.0
    weights = darkness - darkness.min()
    if weights.sum() <= 0:
        return row + 0.5
    return float((np.arange(lo, hi) * weights).sum() / weights.sum()) + 0.5


def five_line_extent(ink: np.ndarray, lines: tuple[float, ...], staff_space: float, reach: int = 0) -> tuple[int, int]:
    """First and last column of the staff: the longest stretch where (nearly) all five lines carry ink within
    `reach` rows of their height (1 tolerates a line bowed by a pixel); NoStaffFound when it is no staff."""
    on_line = [ink_near_row(ink, y, reach) for y in lines]
    covered = np.sum(on_line, axis=0) >= 4
    # Close gaps narrower than a staff space (a notehead's white hole, anti-aliasing) before taking the longest run.
    gap = max(1, int(round(staff_space)))
    merged: list[list[int]] = []
    for start, end in _runs(covered):
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
    spaces = [ink_near_row(ink, (a + b) / 2, 0)[start:end].mean() for a, b in zip(lines, lines[1:])]
    if np.mean(spaces) > MAX_SPACE_INK * coverage:
        raise NoStaffFound("the rows found are no darker than the spaces between them: no staff lines")
    return start, end


def ink_near_row(ink: np.ndarray, y: float, reach: int = 0) -> np.ndarray:
    """Per column: is there ink in the one or two pixel rows at height y, or within `reach` rows more?"""
    low, high = int(np.floor(y)) - reach, int(np.ceil(y)) + reach
    rows = [r for r in range(low, high + 1) if 0 <= r < ink.shape[0]]
    if not rows:
        return np.zeros(ink.shape[1], dtype=bool)
    return ink[rows].any(axis=0)


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    return list(zip(np.nonzero(edges == 1)[0].tolist(), np.nonzero(edges == -1)[0].tolist()))


def system_indices(ink: np.ndarray, staves: list[PageStaff]) -> tuple[int, ...]:
    """Per staff (top first), the index of its system: consecutive staves joined by a barline or bracket (a column
    of ink through the whole gap between them) belong to one system."""
    systems = [0]
    for upper, lower in zip(staves, staves[1:]):
        systems.append(systems[-1] + (0 if _joined(ink, upper, lower) else 1))
    return tuple(systems)


def _joined(ink: np.ndarray, upper: PageStaff, lower: PageStaff) -> bool:
    top, bottom = int(np.ceil(upper.lines[-1])), int(np.floor(lower.lines[0]))
    # Verovio's system bracket stands a little left of the staves' start: look a few staff spaces before it too.
    margin = int(np.ceil(3 * upper.staff_space))
    left = max(0, max(upper.extent[0], lower.extent[0]) - margin)
    right = min(ink.shape[1], min(upper.extent[1], lower.extent[1]) + 2)
    if bottom <= top or right <= left:
        return False
    fill = ink[top:bottom, left:right].mean(axis=0)
    return bool((fill >= JOIN_FILL).any())
