"""What a time signature means to a copyist: its beats (possibly unequal: 7/8), where eighths are beamed, and
which beats group together (5/4 as 3+2, 4/4 as 2+2).

Lengths are Fractions of a quarter note. Pure data, cached per signature; `omr.render.rhythm` fills measures and
groups beams with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from omr.music.events import measure_length

QUARTER, HALF, DOTTED_QUARTER, DOTTED_HALF = Fraction(1), Fraction(2), Fraction(3, 2), Fraction(3)
# Beats that group further, beats per group. 5/4 is counted 3+2: a value holds several beats only inside one group.
_VALUE_GROUPS = {"5/4": (3, 2)}
# Where every beat of one of these groups is two plain eighths, they share one beam (4/4: beats 1-2 and 3-4; 5/4:
# beats 1-3 and 4-5), as engravers beam them.
_JOINED_EIGHTHS = {"4/4": (2, 2), "C": (2, 2), "5/4": (3, 2)}


@dataclass(frozen=True)
class Meter:
    """A time signature's beats in order (they sum to its measure), the spans eighths are beamed within, the beat
    groups a value may hold several beats of (beats per group; one group of every beat where the meter has none),
    and the beat groups whose plain eighths join into one beam (none: empty)."""

    time: str | None
    beats: tuple[Fraction, ...]
    beam_spans: tuple[Fraction, ...]
    groups: tuple[int, ...]
    joins: tuple[int, ...]

    @property
    def length(self) -> Fraction:
        return sum(self.beats, Fraction(0))

    def beat_starts(self) -> tuple[Fraction, ...]:
        """Where each beat starts in the measure."""
        return _starts(self.beats)

    def beam_span_starts(self) -> tuple[Fraction, ...]:
        return _starts(self.beam_spans)

    def group_of_beat(self, joins: bool = False) -> tuple[tuple[int, int], ...]:
        """(group number, beat number within its group) of each beat, in the value groups (or the joined ones)."""
        groups = self.joins if joins else self.groups
        return tuple((group, beat) for group, size in enumerate(groups) for beat in range(size))


def _starts(lengths: tuple[Fraction, ...]) -> tuple[Fraction, ...]:
    starts, position = [], Fraction(0)
    for length in lengths:
        starts.append(position)
        position += length
    return tuple(starts)


@lru_cache(maxsize=None)
def meter(time: str | None) -> Meter:
    """The Meter of a time signature; None (no signature) counts as 4/4 without its joined eighths."""
    if time is None:
        return Meter(None, (QUARTER,) * 4, (QUARTER,) * 4, (4,), ())
    beats = _beats(time)
    # 6/4's dotted-half beats are beamed by the quarter (pairs of eighths), as engravers write it; elsewhere
    # eighths are beamed within their beat.
    spans = (QUARTER,) * 6 if time == "6/4" else beats
    return Meter(time, beats, spans, _VALUE_GROUPS.get(time, (len(beats),)), _JOINED_EIGHTHS.get(time, ()))


def _beats(time: str) -> tuple[Fraction, ...]:
    length = measure_length(time)
    if time == "C":
        return (QUARTER,) * 4
    if time == "C|":  # cut time: two half-note beats, as 2/2
        return (HALF,) * 2
    if time == "7/8":  # an additive meter: eighths grouped 2+2+3
        return (QUARTER, QUARTER, DOTTED_QUARTER)
    count, _, unit = time.partition("/")
    count, unit = int(count), int(unit)
    if unit == 8 and count % 3 == 0:  # compound: dotted-quarter beats
        return (DOTTED_QUARTER,) * (count // 3)
    if time == "6/4":  # compound: two dotted-half beats
        return (DOTTED_HALF,) * 2
    beat = Fraction(4, unit)
    if length % beat:
        raise ValueError(f"time signature {time!r}: its beats cannot be told (no rule for this meter)")
    return (beat,) * count
