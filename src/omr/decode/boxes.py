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
from omr.decode.spelling import key_from_signature, sounding_notes
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
    accidentals = [box for box in kept if box.label in ACCIDENTAL_ALTER]
    printed, unattached = _attach_accidentals(heads, accidentals, staff.staff_space)
    notes = []
    for head, accidental in zip(heads, printed):
        x, y = _centre(head)
        pitch = staff.piano_pitch(y)
        if pitch is None:
            continue
        step, octave = pitch
        notes.append(SymbolicNote(step, octave, 0, DURATION_OF_NOTEHEAD[head.label], x, y, accidental=accidental))
    key_fifths = key_from_signature([(a.label, *_centre(a)) for a in unattached],
                                    _centre(heads[0])[0] if heads else None, staff.staff_space)
    barlines = tuple(sorted(_centre(box)[0] for box in kept if box.label == "barline"))
    return Decoded(events=sounding_notes(notes, key_fifths, barlines), staff_lines=staff.lines,
                   clef="treble" if any(box.label == "clef" for box in kept) else None, key_fifths=key_fifths,
                   barlines=barlines)


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


def _attach_accidentals(heads: list[Box], accidentals: list[Box], staff_space: float) -> tuple[list[str | None], list[Box]]:
    """Printed sign per head (an accidental belongs to the nearest head starting to its right, within reach), and
    the accidentals no head took (a key signature's, or look-alikes)."""
    printed: list[str | None] = [None] * len(heads)
    owner: list[Box | None] = [None] * len(heads)
    best_distance = [np.inf] * len(heads)
    unattached = []
    for accidental in accidentals:
        ax, ay = _centre(accidental)
        candidates = []
        for index, head in enumerate(heads):
            hx, hy = _centre(head)
            dx = hx - ax
            # Accidentals sit left of their head; a flat's box centre is above its head.
            if 0 < dx <= ACCIDENTAL_REACH * staff_space and abs(hy - ay) <= 2.0 * staff_space:
                candidates.append((dx + abs(hy - ay), index))
        if not candidates:
            unattached.append(accidental)
            continue
        distance, index = min(candidates)
        if distance < best_distance[index]:
            if owner[index] is not None:
                unattached.append(owner[index])
            best_distance[index], owner[index] = distance, accidental
            printed[index] = accidental.label
        else:
            unattached.append(accidental)
    return printed, unattached
