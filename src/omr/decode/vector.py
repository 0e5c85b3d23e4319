"""Pitch vector -> notes: every white key above the threshold, ascending (order and repeats are not in the vector)."""

from __future__ import annotations

import numpy as np

from omr.decode.decoded import Decoded
from omr.music.events import PITCH_VECTOR_SIZE, SymbolicNote, pitch_from_index


def notes_from_vector(probabilities: np.ndarray, threshold: float) -> Decoded:
    """A set of white keys as quarter notes in ascending pitch; accidentals and durations flagged unknown."""
    probabilities = np.asarray(probabilities, dtype=np.float64).reshape(-1)
    if probabilities.size != PITCH_VECTOR_SIZE:
        raise ValueError(f"pitch vector must have {PITCH_VECTOR_SIZE} entries, got {probabilities.size}")
    notes = tuple(SymbolicNote(*pitch_from_index(int(i))) for i in np.nonzero(probabilities >= threshold)[0])
    return Decoded(events=notes, staff_lines=None, knows_accidentals=False, knows_durations=False)
