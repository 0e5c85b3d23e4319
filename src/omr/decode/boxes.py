"""Detected boxes -> notes: the staff box gives the lines, notehead boxes the notes, accidental boxes their alter."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from omr.decode.decoded import Decoded
from omr.decode.geometry import (
    ACCIDENTAL_REACH,
    StaffGeometry,
    estimate_staff_space,
    find_staff_lines,
    median_row_profile,
    staff_from_box,
)
from omr.music import SymbolicNote
from omr.samples import ACCIDENTAL_ALTER, DURATION_OF_NOTEHEAD, Box

# Our staves are monophonic (one voice, no chords), so two heads closer than this many staff spaces in x are one
# head seen twice (as filled and as hollow, or shifted), or a head and a look-alike beside it (an accidental's body,
# 1-1.8 spaces to its left): the more confident one stays. Consecutive notes are at least 2.8 spaces apart in every
# dataset (long: 2.8, our renderer elsewhere: 3.3, Verovio: 3.8), quarter and half notes being all we read.
MIN_HEAD_SPACING = 2.0


def notes_from_boxes(
    boxes: Sequence[Box],
    score_threshold: float,
    image: np.ndarray | None = None,
) -> Decoded:
    """Notes left to right from boxes scoring at least `score_threshold`; staff from the best staff box or the image."""
    kept = [box for box in boxes if box.score >= score_threshold]
    staff = _staff(kept, image)
    if staff is None:
        return Decoded(events=(), staff_lines=None)
    heads = _one_head_per_column([box for box in kept if box.label in DURATION_OF_NOTEHEAD], staff.staff_space)
    heads.sort(key=lambda box: _centre(box)[0])
    alters = _attach_accidentals(heads, [box for box in kept if box.label in ACCIDENTAL_ALTER], staff.staff_space)
    notes = []
    for head, alter in zip(heads, alters):
        x, y = _centre(head)
        pitch = staff.piano_pitch(y)
        if pitch is None:
            continue
        step, octave = pitch
        notes.append(SymbolicNote(step, octave, alter, DURATION_OF_NOTEHEAD[head.label], x, y))
    return Decoded(events=tuple(notes), staff_lines=staff.lines)


def _staff(boxes: list[Box], image: np.ndarray | None) -> StaffGeometry | None:
    staves = [box for box in boxes if box.label == "staff"]
    from_box = staff_from_box(*max(staves, key=lambda box: box.score).xyxy[1::2]) if staves else None
    if image is None:
        return from_box
    # Pitch needs the lines to within a quarter staff space, finer than a staff box's edges (mAP@0.75 is far
    # below mAP@0.5): read the lines from the image, and keep the box only to say where, or when there is none.
    try:
        staff_space = estimate_staff_space(image)
    except ValueError:
        return from_box
    from_image = find_staff_lines(median_row_profile(image), staff_space)
    if from_image is None:
        return from_box
    if from_box is not None and abs(from_image.lines[2] - from_box.lines[2]) > 1.5 * from_box.staff_space:
        return from_box  # the image's strongest five lines are not the detected staff
    return from_image


def _centre(box: Box) -> tuple[float, float]:
    x0, y0, x1, y1 = box.xyxy
    return (x0 + x1) / 2.0, (y0 + y1) / 2.0


def _one_head_per_column(heads: list[Box], staff_space: float) -> list[Box]:
    """Non-maximum suppression along x, class-agnostic: the most confident head of each place wins."""
    kept: list[Box] = []
    reach = MIN_HEAD_SPACING * staff_space
    for box in sorted(heads, key=lambda b: -b.score):
        x = _centre(box)[0]
        if all(abs(x - _centre(other)[0]) >= reach for other in kept):
            kept.append(box)
    return kept


def _attach_accidentals(heads: list[Box], accidentals: list[Box], staff_space: float) -> list[int]:
    """Alter per head: an accidental belongs to the nearest head starting to its right, within reach."""
    alters = [0] * len(heads)
    best_distance = [np.inf] * len(heads)
    for accidental in accidentals:
        ax, ay = _centre(accidental)
        candidates = []
        for index, head in enumerate(heads):
            hx, hy = _centre(head)
            dx = hx - ax
            # Accidentals sit left of their head; a flat's box centre is above its head.
            if 0 < dx <= ACCIDENTAL_REACH * staff_space and abs(hy - ay) <= 2.0 * staff_space:
                candidates.append((dx + abs(hy - ay), index))
        if candidates:
            distance, index = min(candidates)
            if distance < best_distance[index]:
                best_distance[index] = distance
                alters[index] = ACCIDENTAL_ALTER[accidental.label]
    return alters
