"""From printed signs to sounding pitch: the key signature read off the preamble, measures off the barlines.

Every decoder finds heads and the accidental printed before each; what a note sounds (CONTRACT `alter`) also depends
on the key signature and, within a measure, on earlier accidentals. This module applies those rules once for all.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from typing import Sequence

from omr.music import ALTER_OF_ACCIDENTAL, SymbolicNote, sounding_alters

KEY_KINDS = {"sharp": 1, "flat": -1}


def key_from_signature(unattached: Sequence[tuple[str, float]], first_head_x: float | None) -> int:
    """Key signature (-7..7) from the accidentals that belong to no head and stand left of the first head.

    A key signature is one kind of sign only; where a model sees both, the more frequent kind wins (a stray glyph
    must not flip the key). Naturals are never part of one.
    """
    kinds = Counter(kind for kind, x in unattached
                    if kind in KEY_KINDS and (first_head_x is None or x < first_head_x))
    if not kinds:
        return 0
    kind, count = max(kinds.items(), key=lambda item: (item[1], item[0] == "sharp"))
    return KEY_KINDS[kind] * min(count, 7)


def measure_numbers(xs: Sequence[float], barlines: Sequence[float]) -> list[int] | None:
    """Measure of each x (barlines to its left); None without barlines, where an accidental holds for its note only."""
    if not barlines:
        return None
    ordered = sorted(barlines)
    return [bisect.bisect_left(ordered, x) for x in xs]


def sounding_notes(notes: Sequence[SymbolicNote], key_fifths: int, barlines: Sequence[float]) -> tuple[SymbolicNote, ...]:
    """The notes with `alter` set from their printed accidental, the key and the measure (ties: kept by the note)."""
    pitches = [(n.step, n.octave, n.accidental) for n in notes]
    tied = [index > 0 and notes[index - 1].tie in ("start", "continue") for index in range(len(notes))]
    alters = sounding_alters(pitches, key_fifths, measure_numbers([n.x for n in notes], barlines), tied)
    return tuple(dataclasses.replace(n, alter=alter) for n, alter in zip(notes, alters))


def printed_alter(accidental: str | None) -> int:
    """The alteration a printed sign stands for (0 where none is printed: the key decides later)."""
    return 0 if accidental is None else ALTER_OF_ACCIDENTAL[accidental]
