"""Segmentation class map -> notes: notehead components (touching heads split), staff lines, accidentals nearby."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from omr.decode.components import Component, components
from omr.decode.decoded import Decoded
from omr.decode.geometry import ACCIDENTAL_REACH, StaffGeometry, class_row_profile, find_staff_lines, row_profile
from omr.decode.spelling import key_from_signature, sounding_notes
from omr.music import SymbolicNote
from omr.samples import ACCIDENTAL_ALTER, DURATION_OF_NOTEHEAD

HEAD_WIDTH_SPACES = 1.3  # a notehead is about 1.3 staff spaces wide and 1 high
MIN_HEAD_AREA_SHARE = 0.25  # blobs smaller than this share of a head's area are noise
STEM_SPACES = 3.5  # a stem's length from its head in staff spaces: the engraving rule (and the renderer's default)


def notes_from_mask(class_map: np.ndarray, class_names: Sequence[str], image: np.ndarray | None = None) -> Decoded:
    """Notes left to right from a class map; staff lines from its staff_line class, else from the image."""
    class_map = np.asarray(class_map)
    names = list(class_names)
    staff = _staff(class_map, names, image)
    if staff is None:
        return Decoded(events=(), staff_lines=None)
    space = staff.staff_space
    head_ids = [names.index(n) for n in DURATION_OF_NOTEHEAD if n in names]
    # Bridging 1 px rejoins a hollow head's ring where resampling or a model broke it into arcs.
    heads = _split_heads(components(np.isin(class_map, head_ids), bridge=1), space)
    stem = class_map == names.index("stem") if "stem" in names else np.zeros(class_map.shape, bool)
    heads = [h for h in heads if _is_head(h, space, stem)]
    heads.sort(key=lambda h: h.centre[0])
    printed, unattached = _accidentals(class_map, names, heads, space)
    notes = []
    for head, accidental in zip(heads, printed):
        x, y = head.centre
        pitch = staff.piano_pitch(y)
        if pitch is None:
            continue
        step, octave = pitch
        notes.append(SymbolicNote(step, octave, 0, _duration(class_map, names, head), x, y, accidental=accidental))
    key_fifths = key_from_signature(unattached, heads[0].centre[0] if heads else None, space)
    barlines = _barlines(class_map, names, staff)
    clef = "treble" if "clef" in names and _has_clef(class_map, names.index("clef"), space) else None
    return Decoded(events=sounding_notes(notes, key_fifths, barlines), staff_lines=staff.lines, clef=clef,
                   key_fifths=key_fifths, barlines=barlines)


def _barlines(class_map: np.ndarray, names: list[str], staff: StaffGeometry) -> tuple[float, ...]:
    """x of each barline blob that spans most of the staff's height (a stray pixel of the class is not a bar)."""
    if "barline" not in names:
        return ()
    bars = []
    for blob in components(class_map == names.index("barline")):
        x0, y0, x1, y1 = blob.bbox
        if y1 - y0 >= 3 * staff.staff_space:
            bars.append((x0 + x1) / 2)
    return tuple(sorted(bars))


def _has_clef(class_map: np.ndarray, clef_index: int, space: float) -> bool:
    """A clef is there where its class covers at least a notehead's area (not a few stray pixels)."""
    return int((class_map == clef_index).sum()) >= HEAD_WIDTH_SPACES * space * space


def _staff(class_map: np.ndarray, names: list[str], image: np.ndarray | None) -> StaffGeometry | None:
    staff = None
    if "staff_line" in names:
        staff = find_staff_lines(class_row_profile(class_map, names.index("staff_line")))
    if staff is None and image is not None:
        staff = find_staff_lines(row_profile(image))
    return staff


def _split_heads(blobs: list[Component], space: float) -> list[Component]:
    """Cut a blob wider (or taller) than one head into as many heads, at the thinnest columns (rows)."""
    heads = []
    for blob in blobs:
        for part in _split_along(blob, space * HEAD_WIDTH_SPACES, axis=1):
            heads.extend(_split_along(part, space * 1.0, axis=0))
    return heads


def _split_along(blob: Component, size: float, axis: int) -> list[Component]:
    coords = blob.cols if axis == 1 else blob.rows
    lo = int(coords.min())
    extent = int(coords.max()) - lo + 1
    count = int(round(extent / size))
    if extent <= 1.5 * size or count < 2:
        return [blob]
    profile = np.bincount(coords - lo, minlength=extent)
    cuts = []
    for k in range(1, count):
        guess = int(round(k * extent / count))
        window = max(1, int(size / 3))
        a, b = max(1, guess - window), min(extent - 1, guess + window + 1)
        cuts.append(lo + a + int(np.argmin(profile[a:b])) if b > a else lo + guess)
    edges = [lo, *cuts, lo + extent]
    parts = []
    for start, end in zip(edges, edges[1:]):
        keep = (coords >= start) & (coords < end)
        if keep.any():
            parts.append(type(blob)(blob.rows[keep], blob.cols[keep]))
    return parts


def _is_head(head: Component, space: float, stem: np.ndarray) -> bool:
    """A head is head-sized (a hollow ring has little area but a full box) or at least a quarter of that area, and
    touches a stem: quarter and half notes have one, and the glyphs we never trained on that a model may read as
    heads (a font's clef curl, a time signature's digits) have none."""
    x0, y0, x1, y1 = head.bbox
    expected = HEAD_WIDTH_SPACES * space * space * 0.8  # ellipse area ~ pi/4 of its box
    head_sized = x1 - x0 >= 0.6 * HEAD_WIDTH_SPACES * space and y1 - y0 >= 0.6 * space
    if not head_sized and head.area < MIN_HEAD_AREA_SHARE * expected:
        return False
    # Any stem pixel beside the head or along the stem's length (3.5 spaces) counts: where a stem crosses ledger
    # lines or sits next to an accidental, a model may give its first pixels another class.
    side, length = int(np.ceil(space / 2)), int(np.ceil(STEM_SPACES * space))
    return bool(stem[max(0, y0 - length) : y1 + length, max(0, x0 - side) : x1 + side].any())


def _duration(class_map: np.ndarray, names: list[str], head: Component) -> str:
    """Majority notehead class of the head's pixels -> quarter (filled) / half (hollow)."""
    values = class_map[head.rows, head.cols]
    counts = {name: int((values == names.index(name)).sum()) for name in DURATION_OF_NOTEHEAD if name in names}
    return DURATION_OF_NOTEHEAD[max(counts, key=counts.get)]


def _accidentals(class_map: np.ndarray, names: list[str], heads: list[Component],
                 space: float) -> tuple[list[str | None], list[tuple[str, float]]]:
    """Printed sign per head from accidental blobs (each blob votes, by area, for the nearest head starting to its
    right), and (kind, x, y) of the blobs no head is near (a key signature's, or look-alikes)."""
    votes: list[dict[str, int]] = [{} for _ in heads]
    unattached = []
    for name in ACCIDENTAL_ALTER:
        if name not in names:
            continue
        for blob in components(class_map == names.index(name)):
            ax, ay = blob.centre
            candidates = []
            for index, head in enumerate(heads):
                hx, hy = head.centre
                if 0 < hx - ax <= ACCIDENTAL_REACH * space and abs(hy - ay) <= 2.0 * space:
                    candidates.append((hx - ax + abs(hy - ay), index))
            if candidates:
                index = min(candidates)[1]
                votes[index][name] = votes[index].get(name, 0) + blob.area
            elif blob.area >= MIN_HEAD_AREA_SHARE * space * space:
                unattached.append((name, ax, ay))
    return [max(v, key=v.get) if v else None for v in votes], unattached
