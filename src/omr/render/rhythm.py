"""Rhythm of real notation: random measures that fill their time signature exactly (beats by `omr.render.meter`;
barlines, beams and tuplet groups of the result: `omr.render.grouping`, re-exported here).

Pure functions; randomness only from the numpy Generator passed in. Lengths are Fractions of a quarter note
(`omr.music.quarter_length`), so a measure sums exactly, never to within a float tolerance; a tuplet's members
last their printed value times normal/actual (a triplet eighth: a third of a quarter).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

import numpy as np

from omr.music.events import DURATIONS, EVENT_DURATIONS, quarter_length, tuplet_ratio
from omr.render.grouping import BarlineCrossingError, beam_groups, measure_ends, tuplet_groups  # noqa: F401
from omr.render.meter import DOTTED_HALF, DOTTED_QUARTER, HALF, QUARTER, meter

# Outside tuplets every position in a measure is a multiple of a 32nd (1/8 quarter): values whose length is not (a
# dotted 32nd, a double-dotted 16th) are never drawn, so the smallest value can always close whatever is left.
GRID = Fraction(1, 8)


@dataclass(frozen=True)
class RhythmValue:
    """One event of a measure: its duration, dots, whether it is a rest, its tuplet ([actual, normal]) and whether
    it is a measure rest (a whole rest that fills its measure whatever the meter)."""

    duration: str
    dots: int = 0
    rest: bool = False
    tuplet: tuple[int, int] | None = None
    measure: bool = False

    grace = False  # read like a score event by omr.render.grouping

    @property
    def kind(self) -> str:
        return "rest" if self.rest else "note"

    @property
    def quarter_length(self) -> Fraction:
        """Time the value takes (a measure rest's is its measure's: see `measure_ends`)."""
        return quarter_length(self.duration, self.dots) * tuplet_ratio(self.tuplet)


MEASURE_REST = RhythmValue("whole", rest=True, measure=True)


@dataclass(frozen=True)
class RhythmWeights:
    """How likely each value is: relative weights of the durations (whole..32nd, DURATIONS order), the chance of a
    single and of a double dot, of an event being a rest; the weight of a value holding a whole 3/2 or 4/2 measure
    (the breve in 4/2, the dotted whole in 3/2: a breve outlasts a 3/2 measure), the chance of a beat being a
    tuplet and of a measure being one measure rest."""

    durations: tuple[float, ...] = (0.3, 1.0, 4.0, 4.0, 1.0, 0.05)
    dot_probability: float = 0.15
    double_dot_probability: float = 0.02
    rest_probability: float = 0.15
    breve_weight: float = 0.0
    tuplet_probability: float = 0.0
    measure_rest_probability: float = 0.0

    def __post_init__(self) -> None:
        if len(self.durations) != len(DURATIONS) or min(self.durations) < 0 or sum(self.durations) <= 0:
            raise ValueError(f"duration weights: expected {len(DURATIONS)} numbers >= 0 ({', '.join(DURATIONS)}) "
                             f"with a positive sum, got {list(self.durations)}")
        for name in ("dot_probability", "double_dot_probability", "rest_probability", "tuplet_probability",
                     "measure_rest_probability"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name}: must be in 0..1, got {getattr(self, name)}")
        if self.dot_probability + self.double_dot_probability > 1.0:
            raise ValueError("dot_probability + double_dot_probability: must be <= 1")
        if self.breve_weight < 0:
            raise ValueError(f"breve_weight: must be >= 0, got {self.breve_weight}")

    def weight(self) -> dict[str, float]:
        """Relative weight of each duration, the breve's included."""
        return {"breve": self.breve_weight, **dict(zip(DURATIONS, self.durations))}


def _value(length: Fraction) -> tuple[str, int] | None:
    """(duration, dots) whose length is `length`, or None (no single written value has it)."""
    return _VALUE_OF_LENGTH.get(length)


_VALUE_OF_LENGTH = {quarter_length(d, dots): (d, dots) for d in reversed(EVENT_DURATIONS) for dots in (2, 1, 0)
                    if quarter_length(d, dots) % GRID == 0}
_LENGTH_OF_VALUE = {value: length for length, value in _VALUE_OF_LENGTH.items()}
Option = tuple[float, tuple]  # (weight, values or ("fill", length) items)


def _split_options(length: Fraction, weights: RhythmWeights) -> list[Option]:
    """A plain span as one value, or a dotted value and its complement (long-short mostly), or a double-dotted
    value and its complement: the dotted rhythms a copyist writes without a tie."""
    weight = weights.weight()
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
    a simple beat; three equal parts, long-short or short-long of a dotted beat)."""
    weight = weights.weight()
    options = _split_options(length, weights)
    if length.numerator == 3:  # a dotted beat (6/8, 3/8, 6/4, 7/8's last): three equal parts
        third, two_thirds = _value(length / 3), _value(length * 2 / 3)
        options.append((weight[third[0]], (("fill", length / 3),) * 3))
        options.append((0.5 * weight[two_thirds[0]], (two_thirds, ("fill", length / 3))))
        options.append((0.2 * weight[two_thirds[0]], (("fill", length / 3), two_thirds)))
    elif length / 2 >= GRID:
        options.append((weight[_value(length / 2)[0]], (("fill", length / 2),) * 2))
    return _choices(options)


@lru_cache(maxsize=None)
def _measure_options(time: str, beat: int, weights: RhythmWeights) -> Choices:
    """At a beat: (beats covered, items): fill one beat, or hold one value (or a dotted pair) over k > 1 equal
    beats of its group; two-beat values start on an odd beat of the group (1, 3) so the middle of 4/4 stays
    visible. In 3/2 the dotted whole that holds the measure also takes `breve_weight`."""
    bar = meter(time)
    group, in_group = bar.group_of_beat()[beat]
    left_in_group = bar.groups[group] - in_group
    options: list[Option] = [(_beat_options(bar.beats[beat], weights).total, (1, (("fill", bar.beats[beat]),)))]
    for span in range(2, left_in_group + 1):
        if span == 2 and in_group % 2 or len(set(bar.beats[beat:beat + span])) > 1:
            continue
        options.extend((weight, (span, items)) for weight, items in _split_options(span * bar.beats[beat], weights))
    if time == "3/2" and beat == 0:
        options.append((weights.breve_weight, (3, (("whole", 1),))))
    return _choices(options)


# Tuplets a beat may hold, by the beat's length: (weight, [actual, normal], printed values). A tuplet's first
# value is always a note (its number stands over it); the others may turn rests like any value.
TUPLET_FORMS = {
    QUARTER: ((1.0, (3, 2), ("eighth",) * 3), (0.25, (3, 2), ("quarter", "eighth")),
              (0.1, (3, 2), ("eighth", "quarter")), (0.4, (5, 4), ("16th",) * 5), (0.4, (6, 4), ("16th",) * 6)),
    HALF: ((1.0, (3, 2), ("quarter",) * 3), (0.25, (3, 2), ("half", "quarter")), (0.1, (3, 2), ("quarter", "half"))),
    DOTTED_QUARTER: ((1.0, (2, 3), ("eighth",) * 2),),
    DOTTED_HALF: ((1.0, (2, 3), ("quarter",) * 2),),
}
# Triplet quarters over two quarter beats (half of 4/4, 5/4's groups), against a one-beat tuplet: this weight.
TWO_BEAT_TRIPLET_WEIGHT = 0.4


@lru_cache(maxsize=None)
def _tuplet_options(time: str, beat: int) -> Choices | None:
    """(beats covered, [actual, normal], printed values) of the tuplets that may start at `beat`; None: none."""
    bar = meter(time)
    options: list[Option] = [(weight, (1, ratio, values)) for weight, ratio, values in
                             TUPLET_FORMS.get(bar.beats[beat], ())]
    if options and bar.joins and _starts_two_beats_of_a_group(bar, beat):
        share = TWO_BEAT_TRIPLET_WEIGHT * sum(weight for weight, _ in options) / (1 - TWO_BEAT_TRIPLET_WEIGHT)
        total = sum(weight for weight, _, _ in TUPLET_FORMS[HALF])
        options += [(share * weight / total, (2, ratio, values)) for weight, ratio, values in TUPLET_FORMS[HALF]]
    return _choices(options) if options else None


def _starts_two_beats_of_a_group(bar, beat: int) -> bool:
    """The beat and the next are the first (or third) and second (or fourth) beats of one joined group."""
    group, in_group = bar.group_of_beat(joins=True)[beat]
    return in_group % 2 == 0 and in_group + 1 < bar.joins[group]


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


def _fill(rng: np.random.Generator, length: Fraction, weights: RhythmWeights, values: list) -> None:
    for item in _choose(rng, _beat_options(length, weights)):
        if item[0] == "fill":
            _fill(rng, item[1], weights, values)
        else:
            values.append((*item, None, False))


def random_measure(rng: np.random.Generator, time: str,
                   weights: RhythmWeights = RhythmWeights()) -> tuple[RhythmValue, ...]:
    """Events of one measure whose lengths sum exactly to the time signature's measure length; a measure of rests
    alone is one measure rest, as copyists write it."""
    if weights.measure_rest_probability > 0 and rng.random() < weights.measure_rest_probability:
        return (MEASURE_REST,)
    beats = len(meter(time).beats)
    values: list[tuple[str, int, tuple[int, int] | None, bool]] = []  # duration, dots, tuplet, first of its tuplet
    beat = 0
    while beat < beats:
        # The tuplet draw is made only where tuplets are asked for, so measures drawn without stay as they were.
        tuplets = _tuplet_options(time, beat) if weights.tuplet_probability > 0 else None
        if tuplets is not None and rng.random() < weights.tuplet_probability:
            span, ratio, durations = _choose(rng, tuplets)
            values += [(duration, 0, ratio, index == 0) for index, duration in enumerate(durations)]
            beat += span
            continue
        span, items = _choose(rng, _measure_options(time, beat, weights))
        for item in items:
            if item[0] == "fill":
                _fill(rng, item[1], weights, values)
            else:
                values.append((*item, None, False))
        beat += span
    rests = rng.random(len(values)) < weights.rest_probability
    measure = tuple(RhythmValue(duration, dots, bool(rest) and not first, tuplet)
                    for (duration, dots, tuplet, first), rest in zip(values, rests))
    if all(value.rest and value.tuplet is None for value in measure):
        return (MEASURE_REST,)
    return measure
