"""Rhythm of real notation: random measures that fill their time signature exactly, and beam groups by the beat.

Pure functions; randomness only from the numpy Generator passed in. Lengths are Fractions of a quarter note
(`omr.music.quarter_length`), so a measure sums exactly, never to within a float tolerance.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Sequence

import numpy as np

from omr.music.events import DURATIONS, measure_length, quarter_length

BEAMABLE = ("eighth", "16th", "32nd")
# Every position in a measure is a multiple of a 32nd (1/8 quarter): values whose length is not (a dotted 32nd,
# a double-dotted 16th) are never drawn, so the smallest value can always close whatever is left.
GRID = Fraction(1, 8)


@dataclass(frozen=True)
class RhythmValue:
    """One event of a measure: its duration, dots and whether it is a rest."""

    duration: str
    dots: int = 0
    rest: bool = False

    @property
    def quarter_length(self) -> Fraction:
        return quarter_length(self.duration, self.dots)


@dataclass(frozen=True)
class RhythmWeights:
    """How likely each value is: relative weights of the durations (whole..32nd, DURATIONS order), the chance of a
    single and of a double dot, and of an event being a rest."""

    durations: tuple[float, ...] = (0.3, 1.0, 4.0, 4.0, 1.0, 0.05)
    dot_probability: float = 0.15
    double_dot_probability: float = 0.02
    rest_probability: float = 0.15

    def __post_init__(self) -> None:
        if len(self.durations) != len(DURATIONS) or min(self.durations) < 0 or sum(self.durations) <= 0:
            raise ValueError(f"duration weights: expected {len(DURATIONS)} numbers >= 0 ({', '.join(DURATIONS)}) "
                             f"with a positive sum, got {list(self.durations)}")
        for name in ("dot_probability", "double_dot_probability", "rest_probability"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name}: must be in 0..1, got {getattr(self, name)}")
        if self.dot_probability + self.double_dot_probability > 1.0:
            raise ValueError("dot_probability + double_dot_probability: must be <= 1")


def beat_length(time: str | None) -> Fraction:
    """The beat in quarters: the dotted quarter in compound meters (6/8, 3/8), the half in 2/2, else the quarter."""
    if time is None or time == "C":
        return Fraction(1)
    beats, _, unit = time.partition("/")
    if unit == "8" and int(beats) % 3 == 0:
        return Fraction(3, 2)
    return Fraction(4, int(unit))


def _value(length: Fraction) -> tuple[str, int] | None:
    """(duration, dots) whose length is `length`, or None (no single written value has it)."""
    return _VALUE_OF_LENGTH.get(length)


_VALUE_OF_LENGTH = {quarter_length(d, dots): (d, dots) for d in reversed(DURATIONS) for dots in (2, 1, 0)
                    if quarter_length(d, dots) % GRID == 0}
_LENGTH_OF_VALUE = {value: length for length, value in _VALUE_OF_LENGTH.items()}
_UNITS = {(d, dots): int(quarter_length(d, dots) * 32) for d in DURATIONS for dots in (0, 1, 2)}
Option = tuple[float, tuple]  # (weight, values or ("fill", length) items)


def _split_options(length: Fraction, weights: RhythmWeights) -> list[Option]:
    """A plain span as one value, or a dotted value and its complement (long-short mostly), or a double-dotted
    value and its complement: the dotted rhythms a copyist writes without a tie."""
    weight = dict(zip(DURATIONS, weights.durations))
    value = _value(length)
    options: list[Option] = [(weight[value[0]], (value,))] if value else []
    if value is None or value[1] != 0 or length / 4 < GRID:
        return options
    half = _value(length / 2)[0]
    dotted, complement = _value(length * 3 / 4), _value(length / 4)
    options.append((0.8 * weights.dot_probability * weight[half], (dotted, complement)))
    options.append((0.2 * weights.dot_probability * weight[half], (complement, dotted)))
    if length / 8 >= GRID:
        options.append((weights.double_dot_probability * weight[half], (_value(length * 7 / 8), _value(length / 8))))
    return options


@lru_cache(maxsize=None)
def _beat_options(length: Fraction, weights: RhythmWeights) -> Choices:
    """Ways to fill one beat (or a part of it): the split options, or subdivisions filled recursively (halves of
    a simple beat; three eighths, quarter-eighth or eighth-quarter of a dotted-quarter beat)."""
    weight = dict(zip(DURATIONS, weights.durations))
    options = _split_options(length, weights)
    if length.numerator == 3:  # a dotted beat (6/8, 3/8): three equal parts
        third, two_thirds = _value(length / 3), _value(length * 2 / 3)
        options.append((weight[third[0]], (("fill", length / 3),) * 3))
        options.append((0.5 * weight[two_thirds[0]], (two_thirds, ("fill", length / 3))))
        options.append((0.2 * weight[two_thirds[0]], (("fill", length / 3), two_thirds)))
    elif length / 2 >= GRID:
        options.append((weight[_value(length / 2)[0]], (("fill", length / 2),) * 2))
    return _choices(options)


@lru_cache(maxsize=None)
def _measure_options(beat_number: int, beats_left: int, beat: Fraction, weights: RhythmWeights) -> Choices:
    """At a beat: fill one beat, or hold one value (or a dotted pair) over k > 1 beats; two-beat values start on
    an odd beat (1, 3) so the middle of 4/4 stays visible."""
    options: list[Option] = [(_beat_options(beat, weights).total, (("fill", beat),))]
    for span in range(2, beats_left + 1):
        if span == 2 and beat_number % 2:
            continue
        options.extend(_split_options(span * beat, weights))
    return _choices(options)


@dataclass(frozen=True)
class Choices:
    """Options with positive weight, their cumulative probabilities (for one uniform draw each) and total weight."""

    items: tuple[tuple, ...]
    cumulative: tuple[float, ...]
    total: float


def _choices(options: list[Option]) -> Choices:
    kept = [(weight, items) for weight, items in options if weight > 0]
    total = sum(weight for weight, _ in kept)
    cumulative = tuple(float(c) for c in np.cumsum([weight / total for weight, _ in kept]))
    return Choices(tuple(items for _, items in kept), cumulative[:-1] + (1.0,), total)


def _choose(rng: np.random.Generator, choices: Choices) -> tuple:
    # Precomputed cumulative weights and one uniform per choice: rng.choice(p=...) cost 10x more per measure.
    return choices.items[bisect_right(choices.cumulative, rng.random())]


def _fill(rng: np.random.Generator, length: Fraction, weights: RhythmWeights, values: list[tuple[str, int]]) -> None:
    for item in _choose(rng, _beat_options(length, weights)):
        if item[0] == "fill":
            _fill(rng, item[1], weights, values)
        else:
            values.append(item)


def random_measure(rng: np.random.Generator, time: str, weights: RhythmWeights = RhythmWeights()) -> tuple[RhythmValue, ...]:
    """Events of one measure whose lengths sum exactly to the time signature's measure length."""
    length, beat = measure_length(time), beat_length(time)
    beats = int(length / beat)
    values: list[tuple[str, int]] = []
    beat_number = 0
    while beat_number < beats:
        items = _choose(rng, _measure_options(beat_number, beats - beat_number, beat, weights))
        for item in items:
            if item[0] == "fill":
                _fill(rng, item[1], weights, values)
            else:
                values.append(item)
        span = sum((item[1] if item[0] == "fill" else _LENGTH_OF_VALUE[item] for item in items), Fraction(0))
        beat_number += int(span / beat)  # every measure option covers whole beats
    rests = rng.random(len(values)) < weights.rest_probability
    return tuple(RhythmValue(duration, dots, bool(rest)) for (duration, dots), rest in zip(values, rests))


def _value_of(event) -> tuple[str, str, int]:
    """(kind, duration, dots) of a score Note/Rest, a SymbolicNote/SymbolicRest or a RhythmValue."""
    if isinstance(event, RhythmValue):
        return ("rest" if event.rest else "note"), event.duration, event.dots
    duration = getattr(event, "duration", None) or getattr(event, "note_type", None) or getattr(event, "rest_type")
    return event.kind, duration, event.dots


class BarlineCrossingError(ValueError):
    """An event would cross a barline; `index` is its position in the events."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


def measure_ends(events: Sequence, time: str | None) -> tuple[int, ...]:
    """Indices of the events that close a measure under `time` (none without a time signature).

    Raises BarlineCrossingError naming the event that would cross a barline. A last, unfilled measure gets no barline.
    """
    length = measure_length(time)
    if length is None:
        return ()
    ends, position = [], Fraction(0)
    for index, event in enumerate(events):
        _, duration, dots = _value_of(event)
        position += quarter_length(duration, dots)
        if position > length:
            raise BarlineCrossingError(f"event {index + 1} ({duration}{'.' * dots}) crosses the barline of a {time} "
                                       "measure", index)
        if position == length:
            ends.append(index)
            position = Fraction(0)
    return tuple(ends)


def beam_groups(events: Sequence, time: str | None) -> tuple[tuple[int, ...], ...]:
    """Groups of consecutive eighth-or-shorter notes that lie within one beat of `time` (4/4 and C: two whole
    beats of plain eighths, on beats 1-2 or 3-4, join into one group); a rest or a longer note breaks a group, and
    a group holds two or more notes. Positions restart at each full measure."""
    # Integer units of a 32nd of a quarter: every (double-)dotted value is whole, and ints cost less than Fractions.
    beat, length = int(beat_length(time) * 32), measure_length(time)
    length = None if length is None else int(length * 32)
    runs: list[tuple[tuple[int, int], list[int]]] = []  # ((measure, beat within it), event indices)
    position, measure = 0, 0
    for index, event in enumerate(events):
        kind, duration, dots = _value_of(event)
        end = position + _UNITS[duration, dots]
        beat_number = position // beat
        if kind == "note" and duration in BEAMABLE and end <= (beat_number + 1) * beat:
            if runs and runs[-1][0] == (measure, beat_number) and runs[-1][1][-1] == index - 1:
                runs[-1][1].append(index)
            else:
                runs.append(((measure, beat_number), [index]))
        position = end
        if length is not None and end >= length:
            position, measure = end - length, measure + 1
    if time in ("4/4", "C"):
        runs = _join_eighth_pairs(runs, events)
    return tuple(tuple(indices) for _, indices in runs if len(indices) >= 2)


def _join_eighth_pairs(runs: list[tuple[tuple[int, int], list[int]]], events: Sequence) -> list:
    """Join beat 1 with 2 and beat 3 with 4 where both beats are exactly two plain eighths."""
    def plain_eighths(indices: list[int]) -> bool:
        return len(indices) == 2 and all(_value_of(events[i])[1:] == ("eighth", 0) for i in indices)

    joined: list = []
    for (measure, beat_number), indices in runs:
        if joined and beat_number % 2 == 1 and joined[-1][0] == (measure, beat_number - 1) and \
                joined[-1][1][-1] == indices[0] - 1 and plain_eighths(joined[-1][1]) and plain_eighths(indices):
            joined[-1] = ((measure, beat_number), joined[-1][1] + indices)
        else:
            joined.append(((measure, beat_number), list(indices)))
    return joined
