"""Detected boxes -> events: the staff box gives the lines, heads and accidentals are paired here, and the shared
assembler (omr.decode.notation) reads durations, dots, rests, ties, clef, key and measures from the other boxes."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from omr.decode.decoded import Decoded
from omr.decode.geometry import (
    StaffGeometry,
    accidental_reach,
    estimate_staff_space,
    find_staff_lines,
    median_row_profile,
    staff_from_box,
)
from omr.decode.notation import HEAD_DURATION, Symbol, assemble, is_short
from omr.samples import ACCIDENTAL_ALTER, Box

# Our staves are monophonic (one voice, no chords), so two heads closer than this many staff spaces in x are one
# head seen twice (as filled and as hollow, or shifted), or a head and a look-alike beside it (an accidental's body,
# 1-1.8 spaces to its left): the more confident one stays. Consecutive notes are at least 2.8 spaces apart in every
# dataset (long: 2.8, our renderer elsewhere: 2.7, Verovio: 3.8) but for beamed notes.
MIN_HEAD_SPACING = 2.0
# Verovio sets a note 1.7 spaces after a 16th: where one of two heads carries a beam or flag, they are two notes
# unless they overlap (a head is 1.2-1.3 spaces wide). Seed data has no beams or flags: there the rule above holds.
SHORT_HEAD_SPACING = 1.2
# A grace note's small head stands just before its main note (and its accidental): the two are one head seen twice
# only where they overlap (a grace head is about 0.8 spaces wide).
GRACE_HEAD_SPACING = 0.6


def notes_from_boxes(
    boxes: Sequence[Box],
    score_threshold: float,
    image: np.ndarray | None = None,
) -> Decoded:
    """Events left to right from boxes scoring at least `score_threshold`; staff from the best staff box or the
    image."""
    kept = [box for box in boxes if box.score >= score_threshold]
    staff = _staff(kept, image)
    if staff is None:
        return Decoded(events=(), staff_lines=None)
    strokes = [Symbol.of_box(box.label, box.xyxy) for box in kept if box.label in ("beam", "flag")]
    heads = _one_head_per_column([box for box in kept if box.label in HEAD_DURATION], strokes, staff.staff_space)
    heads.sort(key=lambda box: _centre(box)[0])
    accidentals = [box for box in kept if box.label in ACCIDENTAL_ALTER]
    printed, unattached = _attach_accidentals(heads, accidentals, staff.staff_space)
    head_symbols = [Symbol.of_box(head.label, head.xyxy, accidental=sign) for head, sign in zip(heads, printed)]
    marks = [Symbol.of_box(box.label, box.xyxy) for box in kept
             if box.label not in HEAD_DURATION and box.label not in ACCIDENTAL_ALTER and box.label != "staff"]
    return assemble(staff, head_symbols, marks, [(a.label, *_centre(a)) for a in unattached])


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


def _one_head_per_column(heads: list[Box], strokes: list[Symbol], staff_space: float) -> list[Box]:
    """Non-maximum suppression along x, class-agnostic: the most confident head of each place wins (closer
    neighbours stay where one of the two is a beamed or flagged note)."""
    beams = [s for s in strokes if s.kind == "beam"]
    flags = [s for s in strokes if s.kind == "flag"]
    kept: list[tuple[Box, bool]] = []
    for box in sorted(heads, key=lambda b: -b.score):
        x = _centre(box)[0]
        short = bool(strokes) and is_short(Symbol.of_box(box.label, box.xyxy), beams, flags, staff_space)
        if all(abs(x - _centre(other)[0]) >= _spacing(box, short, other, other_short) * staff_space
               for other, other_short in kept):
            kept.append((box, short))
    return [box for box, _ in kept]


def _spacing(head: Box, short: bool, other: Box, other_short: bool) -> float:
    """Staff spaces two heads' centres keep at least, unless they are one head seen twice."""
    if "notehead_grace" in (head.label, other.label):
        return GRACE_HEAD_SPACING
    return SHORT_HEAD_SPACING if short or other_short else MIN_HEAD_SPACING


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
            if 0 < dx <= accidental_reach(head.label) * staff_space and abs(hy - ay) <= 2.0 * staff_space:
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
