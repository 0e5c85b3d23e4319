"""The rules a reader applies to what a staff prints (issue 29's fuller notation), numpy-free, for every decoder.

A printed tuplet number is not a ratio, a whole-rest glyph is not always a whole rest, and a key change makes the
same unsigned head sound differently: these rules turn what is seen into CONTRACT events, the same way for the
sequence tokens (omr.decode.tokens) and any decoder that finds the same glyphs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

from omr.music.events import ACCIDENTAL_OF_ALTER, QUARTER_LENGTH, Event, quarter_length, sounding_alters

# The tuplet-number rule: the ratio an engraver means by a bare number (3: three in the time of two; 2: a duplet in
# compound time, two in the time of three; 4, 6: in the time of three or four as common practice writes them).
TUPLET_OF_NUMBER = {3: (3, 2), 2: (2, 3), 4: (4, 3), 5: (5, 4), 6: (6, 4), 7: (7, 4)}


@dataclass(frozen=True)
class TupletGroup:
    """An open tuplet group: its ratio, the printed length of its events so far and their smallest printed value.

    It closes once the printed lengths reach `actual` times the smallest value (a triplet of eighths: three eighths;
    quarter + eighth under a 3 also closes), as omr.music.elements.tuplet_brackets closes a bracket."""

    ratio: tuple[int, int]
    printed: Fraction = Fraction(0)
    unit: Fraction | None = None

    def after(self, duration: str, dots: int) -> "TupletGroup | None":
        """The group once a timed event of it is read; None once it is full."""
        value = QUARTER_LENGTH[duration]
        unit = value if self.unit is None else min(self.unit, value)
        printed = self.printed + quarter_length(duration, dots)
        return None if printed >= self.ratio[0] * unit else TupletGroup(self.ratio, printed, unit)


def measure_rests(events: Sequence[Event], measure_numbers: Sequence[int]) -> tuple[Event, ...]:
    """The measure-rest rule: a whole rest (no dots, no tuplet) that is the only timed event of its measure (between
    two barlines or a staff end) is a measure rest. Grace notes take no time, so they do not count."""
    whole = [index for index, event in enumerate(events)
             if event.kind == "rest" and (event.duration, event.dots, event.tuplet) == ("whole", 0, None)]
    if not whole:
        return tuple(events)
    timed: dict[int, int] = {}  # timed events per measure
    for event, measure in zip(events, measure_numbers):
        if event.kind == "rest" or not event.grace:
            timed[measure] = timed.get(measure, 0) + 1
    lone = {index for index in whole if timed[measure_numbers[index]] == 1}
    return tuple(dataclasses.replace(event, measure=True) if index in lone else event
                 for index, event in enumerate(events))


def alters_by_key(pitches: Sequence[tuple[str, int, str | None]], keys: Sequence[int],
                  measure_numbers: Sequence[int] | None, tied_from_previous: Sequence[bool]) -> list[int]:
    """`sounding_alters` with the key in force at each note (a key changes inside a staff, at a barline as a rule):
    each run of one key is read with its key, and a note tied across the change keeps the alter it is tied from."""
    if len(set(keys)) <= 1:
        return sounding_alters(pitches, keys[0] if keys else 0, measure_numbers, tied_from_previous)
    alters: list[int] = []
    start = 0
    while start < len(pitches):
        end = start + 1
        while end < len(pitches) and keys[end] == keys[start]:
            end += 1
        first = start - 1 if start > 0 and tied_from_previous[start] else start
        run = list(pitches[first:end])
        measures = None if measure_numbers is None else list(measure_numbers[first:end])
        if first < start:
            # The note tied from stands first, its alter spelled out, in a measure of its own (so it holds nothing
            # for the run): the tie then carries its alter over the key change.
            step, octave, _ = run[0]
            run[0] = (step, octave, ACCIDENTAL_OF_ALTER[alters[-1]])
            if measures is not None:
                measures[0] = -1
        read = sounding_alters(run, keys[start], measures, tied_from_previous[first:end])
        alters += read[start - first:]
        start = end
    return alters
