"""Staff geometry shared by every decoder: staff lines -> staff space -> staff position of a y -> pitch.

Classic OMR: the staff space is read off vertical run-lengths (a line's dark run plus the light run under it repeats
all over a staff), and the five lines are the five equally spaced peaks of the image's row-darkness profile.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.music.events import pitch_from_staff_position, pitch_index

INK_THRESHOLD = 128  # a grayscale pixel darker than this is ink (images are 255 = white)
INK_RELATIVE = 0.2  # staff-space estimation: ink = darker than paper by this fraction of the contrast

# An accidental belongs to the nearest head starting to its right whose centre is at most this many staff spaces
# away (measured: 1.2-1.5 in our renderer and in Verovio's engravings); a key signature's glyphs end further away.
ACCIDENTAL_REACH = 2.5
# A grace note's small accidental sits closer (about 0.9 spaces in ours): a grace note right after the key signature
# (Verovio sets one 1.9 spaces after its last sign) must not take the signature's sign for its own.
GRACE_ACCIDENTAL_REACH = 1.5


def accidental_reach(head_kind: str) -> float:
    """How far (staff spaces) left of a head's centre its own accidental's centre may lie."""
    return GRACE_ACCIDENTAL_REACH if head_kind == "notehead_grace" else ACCIDENTAL_REACH


@dataclass(frozen=True)
class StaffGeometry:
    """Five staff lines (top first); y -> staff position -> pitch in a clef, ledger positions included."""

    lines: tuple[float, float, float, float, float]

    def __post_init__(self) -> None:
        if len(self.lines) != 5:
            raise ValueError(f"a staff has 5 lines, got {len(self.lines)}")
        if not all(a < b for a, b in zip(self.lines, self.lines[1:])):
            raise ValueError(f"staff lines must be strictly increasing (top first), got {self.lines}")

    @property
    def staff_space(self) -> float:
        return (self.lines[4] - self.lines[0]) / 4.0

    @property
    def bottom_line(self) -> float:
        return self.lines[4]

    def staff_position(self, y: float) -> int:
        """Nearest staff position of an image y (0 = bottom line, odd = spaces, negative/above 8 = ledger region)."""
        # Interpolating from the nearest line keeps small spacing errors from adding up far from the staff.
        half_space = self.staff_space / 2.0
        index = int(np.argmin([abs(y - line) for line in self.lines]))
        line_position = 2 * (4 - index)
        return line_position + int(round((self.lines[index] - y) / half_space))

    def pitch(self, y: float, clef: str = "treble") -> tuple[str, int]:
        """(step, octave) written at image y in the clef (treble unless told)."""
        return pitch_from_staff_position(self.staff_position(y), clef)

    def piano_pitch(self, y: float, clef: str = "treble") -> tuple[str, int] | None:
        """`pitch(y, clef)`, or None when it lies beyond the piano's white keys (a head found far off the staff)."""
        step, octave = self.pitch(y, clef)
        try:
            pitch_index(step, octave)
        except ValueError:
            return None
        return step, octave


def staff_from_box(y0: float, y1: float) -> StaffGeometry:
    """Five evenly spaced lines from a staff box spanning them (centre = middle line)."""
    middle = (y0 + y1) / 2.0
    space = (y1 - y0) / 4.0
    return StaffGeometry(tuple(middle + k * space for k in (-2, -1, 0, 1, 2)))


def vertical_runs(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lengths of (ink run + the light run right below it) pairs over all columns, and their ink-run lengths."""
    padded = np.zeros((binary.shape[0] + 2, binary.shape[1]), dtype=np.int8)
    padded[1:-1] = binary
    change = np.diff(padded, axis=0)  # +1: ink starts at row r, -1: ink ends (light starts) at row r
    starts_c, starts_r = np.nonzero(change.T == 1)
    ends_c, ends_r = np.nonzero(change.T == -1)
    # Runs come in order per column; an ink run's pair ends where the next ink run in the same column starts.
    ink = ends_r - starts_r
    same_column = starts_c[1:] == starts_c[:-1]
    pair = (starts_r[1:] - starts_r[:-1])[same_column]
    return pair, ink


def estimate_staff_space(image: np.ndarray) -> float:
    """Staff space in pixels (line-to-line distance): a coarse whole-pixel value from vertical run-lengths, refined
    to sub-pixel by the five lines found on the median row profile (least-squares spacing of the five centres).

    Ink is judged relative to the image's own paper and dark levels, so thin grey anti-aliased lines (engravings
    rasterised at a small staff space) count as ink. Without five lines on the profile, the run-length value is kept.
    """
    image = np.asarray(image, dtype=np.uint8)
    pair, _ = vertical_runs(ink_mask(image))
    pair = pair[pair >= 3]
    if pair.size == 0:
        raise ValueError("no staff found: the image has no repeated vertical ink/space runs")
    counts = np.bincount(pair)
    mode = int(np.argmax(counts))
    # Neighbouring lengths share a non-integer staff space: their count-weighted mean is the run-length estimate.
    lo, hi = mode - 1, min(mode + 2, counts.size)
    coarse = float((np.arange(lo, hi) * counts[lo:hi]).sum() / counts[lo:hi].sum())
    profile = median_row_profile(image)
    lines = find_staff_lines(profile, float(mode))
    if lines is None:
        return coarse
    centres = np.asarray(lines.lines)
    # Every one of the five must be a real line: dark on the profile at its centre row (or the row next to it).
    rows = np.clip(np.floor(centres - 0.5).astype(int)[:, None] + np.arange(-1, 2)[None, :], 0, profile.size - 1)
    if profile[rows].max(axis=1).min() < 0.25 * profile.max():
        return coarse
    return float(((np.arange(5) - 2.0) * centres).sum() / 10.0)  # least-squares slope of centre vs line index


def ink_mask(image: np.ndarray, relative: float = INK_RELATIVE) -> np.ndarray:
    """Pixels darker than the paper by more than `relative` of the image's contrast (paper = median gray, dark =
    0.5th percentile); a blank image has no ink."""
    gray = np.asarray(image, dtype=np.float32)
    paper, dark = float(np.median(gray)), float(np.percentile(gray, 0.5))
    if paper - dark <= 0:
        return np.zeros(gray.shape, dtype=bool)
    return gray < paper - relative * (paper - dark)


def median_row_profile(image: np.ndarray) -> np.ndarray:
    """Darkness per row in [0, 1], the median over the columns that hold ink: staff lines run across the whole
    staff, notes and accidentals cover a minority of any row, so the profile is the bare five lines."""
    darkness = 1.0 - np.asarray(image, dtype=np.float32) / 255.0
    column_ink = darkness.sum(axis=0)
    columns = column_ink > 0.05 * column_ink.max() if column_ink.size and column_ink.max() > 0 else None
    if columns is None or not columns.any():
        return np.zeros(darkness.shape[0], dtype=np.float32)
    return np.median(darkness[:, columns], axis=1)


def row_profile(image: np.ndarray) -> np.ndarray:
    """Darkness per row in [0, 1] (mean of 1 - gray/255)."""
    gray = np.asarray(image, dtype=np.float32)
    return 1.0 - gray.mean(axis=1) / 255.0


def class_row_profile(class_map: np.ndarray, class_index: int) -> np.ndarray:
    """Fraction of each row's pixels that belong to one class."""
    return (np.asarray(class_map) == class_index).mean(axis=1).astype(np.float32)


def find_staff_lines(profile: np.ndarray, staff_space: float | None = None) -> StaffGeometry | None:
    """Best comb of five equally spaced peaks in a row profile; None when the profile has no staff."""
    profile = np.asarray(profile, dtype=np.float64)
    height = profile.size
    if height < 5 or profile.max() <= 0:
        return None
    if staff_space is None:
        staff_space = _staff_space_from_profile(profile)
        if staff_space is None:
            return None
    # A line between two rows still scores fully: each row holds the max of itself and its two neighbours.
    padded = np.pad(profile, 1)
    peaks = np.maximum(np.maximum(padded[:-2], padded[2:]), profile)
    # Coarse to fine: whole rows and quarter spaces first (a 3-row peak cannot slip between them), then quarter rows
    # and eighth spaces around the best coarse comb; 8 times fewer combs than the fine grid everywhere.
    coarse = _best_comb(peaks, np.arange(0.85 * staff_space, 1.15 * staff_space + 1e-9, 0.25),
                        lambda space: np.arange(0.0, height - 1 - 4 * space, 1.0))
    if coarse is None:
        return None
    top, space = coarse[1][0], coarse[1][1] - coarse[1][0]
    fine = _best_comb(peaks, np.arange(space - 0.25, space + 0.25 + 1e-9, 0.125),
                      lambda s: np.arange(max(0.0, top - 1.0), min(top + 1.0, height - 1 - 4 * s) + 1e-9, 0.25))
    best_score, best = fine if fine is not None and fine[0] >= coarse[0] else coarse
    if best_score <= 0:
        return None
    # +0.5: row r spans [r, r+1), so a line's centre in continuous pixel coordinates (as boxes and labels use).
    refined = tuple(_centroid(profile, y, max(1.0, staff_space / 4.0)) + 0.5 for y in best)
    try:
        return StaffGeometry(refined)
    except ValueError:
        return None


def _best_comb(peaks: np.ndarray, spaces: np.ndarray, tops_for) -> tuple[float, np.ndarray] | None:
    """(score, five line rows) of the best comb over the given spaces and each space's top rows."""
    combs = [tops[:, None] + space * np.arange(5)[None, :] for space in spaces if (tops := tops_for(space)).size]
    if not combs:
        return None
    combs = np.concatenate(combs)
    teeth = np.interp(combs, np.arange(peaks.size, dtype=np.float64), peaks)
    score = teeth.min(axis=1) + 0.2 * teeth.mean(axis=1)  # every one of the five lines must be present
    index = int(np.argmax(score))
    return float(score[index]), combs[index]


def _centroid(profile: np.ndarray, y: float, radius: float) -> float:
    """Darkness-weighted centre of the rows within `radius` of y, above the local background."""
    lo, hi = max(0, int(np.floor(y - radius))), min(profile.size, int(np.ceil(y + radius)) + 1)
    window = profile[lo:hi]
    weights = window - window.min()
    if weights.sum() <= 0:
        return float(y)
    return float((np.arange(lo, hi) * weights).sum() / weights.sum())


def _staff_space_from_profile(profile: np.ndarray) -> float | None:
    """Median distance between consecutive peaks of a line profile (rows above half its maximum)."""
    strong = profile >= 0.5 * profile.max()
    edges = np.diff(np.concatenate([[0], strong.astype(np.int8), [0]]))
    starts, ends = np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0]
    centres = [(profile[s:e] * np.arange(s, e)).sum() / profile[s:e].sum() for s, e in zip(starts, ends)]
    if len(centres) < 5:
        return None
    gaps = np.diff(centres)
    return float(np.median(gaps)) if gaps.size else None
