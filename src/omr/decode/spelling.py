"""From printed signs to sounding pitch: the key signature read off the preamble, measures off the barlines.

Every decoder finds heads and the accidental printed before each; what a note sounds (CONTRACT `alter`) also depends
on the key signature and, within a measure, on earlier accidentals. This module applies those rules once for all.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections import Counter
from typing import Sequence

from omr.decode.reading_rules import alters_by_key
from omr.music.events import ALTER_OF_ACCIDENTAL, SymbolicNote, sounding_alters

KEY_KINDS = {"sharp": 1, "flat": -1}


# A key signature's glyphs follow each other at about one staff space (measured 1.1-1.3 in our renderer and in
# Verovio's fonts) and never share a column; a time signature's digits do share one (stacked), and sit past a gap.
KEY_GLYPH_GAP = 2.0  # staff spaces between two neighbouring glyphs' centres, at most, within one signature
STACKED = 0.6  # staff spaces in x under which two signs are one column


def key_from_signature(unattached: Sequence[tuple[str, float, float]], first_head_x: float | None,
                       staff_space: float) -> int:
    """Key signature (-7..7) from the (kind, x, y) of accidentals that belong to no head, left of the first head.

    Models trained without time signatures read a 4/4's stacked digits as sharps; two signs in one column are a
    time signature (a key signature never stacks), so they are dropped. The signature is then the leftmost run of
    signs each within KEY_GLYPH_GAP spaces of the last. It is one kind only: where a model sees both, the more
    frequent kind wins (a stray glyph must not flip the key). Naturals are never part of one.
    """
    signs = sorted((x, y, kind) for kind, x, y in unattached
                   if kind in KEY_KINDS and (first_head_x is None or x < first_head_x))
    stacked = {i for i, (x, y, _) in enumerate(signs) for j, (x2, y2, _) in enumerate(signs)
               if i != j and abs(x - x2) < STACKED * staff_space and abs(y - y2) > 1.5 * staff_space}
    run: list[str] = []
    last_x = None
    for index, (x, _, kind) in enumerate(signs):
        if index in stacked:
            continue
        if last_x is not None and x - last_x > KEY_GLYPH_GAP * staff_space:
            break
        run.append(kind)
        last_x = x
    kinds = Counter(run)
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


def sounding_notes(notes: Sequence[SymbolicNote], key_fifths: int, barlines: Sequence[float],
                   key_changes: Sequence[tuple[float, int]] = ()) -> tuple[SymbolicNote, ...]:
    """The notes (x ascending) with `alter` set from their printed accidental, the key in force and the measure
    (ties: kept by the note); a key change (x, key) holds from its x on."""
    pitches = [(n.step, n.octave, n.accidental) for n in notes]
    tied = [index > 0 and notes[index - 1].tie in ("start", "continue") for index in range(len(notes))]
    numbers = measure_numbers([n.x for n in notes], barlines)
    if key_changes:
        keys = [next((k for x, k in reversed(key_changes) if x < n.x), key_fifths) for n in notes]
        alters = alters_by_key(pitches, keys, numbers, tied)
    else:
        alters = sounding_alters(pitches, key_fifths, numbers, tied)
    return tuple(dataclasses.replace(n, alter=alter) for n, alter in zip(notes, alters))


def printed_alter(accidental: str | None) -> int:
    """The alteration a printed sign stands for (0 where none is printed: the key decides later)."""
    return 0 if accidental is None else ALTER_OF_ACCIDENTAL[accidental]
