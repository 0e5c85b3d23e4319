"""Where a staff's measures end, which notes share a beam and which make one printed tuplet, for any events
(score Notes/Rests, SymbolicNotes/Rests, rhythm values) under a time signature and its changes.

Tuplets count their scaled lengths, grace notes none, a measure rest its whole measure. Pure functions.
"""

from __future__ import annotations

import dataclasses
from bisect import bisect_right
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Sequence

from omr.music.events import QUARTER_LENGTH, measure_length, quarter_length, tuplet_ratio
from omr.render.meter import Meter, meter

BEAMABLE = ("eighth", "16th", "32nd")
# Counted in integer units (ints cost less than Fractions): 3360 per quarter holds every (double-)dotted value down
# to the 32nd and the tuplets of 3, 5, 6 and 7 notes; another tuplet falls back to Fractions.
UNITS_PER_QUARTER = 3360


def _timing(event) -> tuple[str, str, int, tuple[int, int] | None, bool, bool]:
    """(kind, duration, dots, tuplet, grace, measure rest) of a score Note/Rest, a SymbolicNote/SymbolicRest or a
    rhythm value."""
    duration = getattr(event, _duration_field(type(event)))
    if event.kind == "note":
        return "note", duration, event.dots, event.tuplet, bool(event.grace), False
    return "rest", duration, event.dots, event.tuplet, False, bool(getattr(event, "measure", False))


@lru_cache(maxsize=None)
def _duration_field(event_type: type) -> str:
    """Where an event class keeps its value: `duration` (symbolic events, rhythm values), else the score's names."""
    names = {field.name for field in dataclasses.fields(event_type)}
    return next(name for name in ("duration", "note_type", "rest_type") if name in names)


@lru_cache(maxsize=None)
def _units(duration: str, dots: int, tuplet: tuple[int, int] | None) -> int | Fraction:
    """Length in UNITS_PER_QUARTER units (a Fraction where a rare tuplet is off that grid)."""
    units = quarter_length(duration, dots) * tuplet_ratio(tuplet) * UNITS_PER_QUARTER
    return int(units) if units.denominator == 1 else units


def _event_units(timing: tuple, measure_units) -> int | Fraction:
    """Time an event fills: 0 for a grace note, the whole measure for a measure rest."""
    _, duration, dots, tuplet, grace, measure = timing
    if grace:
        return 0
    if measure and measure_units is not None:
        return measure_units
    return _units(duration, dots, tuplet)


class BarlineCrossingError(ValueError):
    """An event would cross a barline; `index` is its position in the events."""

    def __init__(self, message: str, index: int) -> None:
        super().__init__(message)
        self.index = index


TimeChanges = Sequence[tuple[int, str]]  # (index of the first event in the new meter, its time signature)


def _meter_units(time: str | None) -> int | None:
    length = measure_length(time)
    return None if length is None else int(length * UNITS_PER_QUARTER)


def measure_ends(events: Sequence, time: str | None, time_changes: TimeChanges = ()) -> tuple[int, ...]:
    """Indices of the events that close a measure under `time`, then under each time change from its event on
    (none where no meter is known). Tuplets count their scaled lengths, grace notes none, a measure rest its measure.

    Raises BarlineCrossingError naming the event that would cross a barline (or a time change inside a measure).
    A last, unfilled measure gets no barline.
    """
    new_time = dict(time_changes)
    length = _meter_units(time)
    ends, position = [], 0
    for index, event in enumerate(events):
        if index in new_time:
            if position:
                raise BarlineCrossingError(f"the time change to {new_time[index]} before event {index + 1} falls "
                                           "inside a measure", index)
            time, length = new_time[index], _meter_units(new_time[index])
        if length is None:
            continue
        timing = _timing(event)
        position += _event_units(timing, length)
        if position > length:
            dots = "." * timing[2]
            raise BarlineCrossingError(f"event {index + 1} ({timing[1]}{dots}) crosses the barline of a {time} "
                                       "measure", index)
        if position == length:
            ends.append(index)
            position = 0
    return tuple(ends)


def tuplet_groups(events: Sequence) -> tuple[tuple[int, ...], ...]:
    """The printed tuplets (groups of consecutive event indices under one number), by the rule a reader of the
    number uses (CONTRACT, `omr.music.elements.tuplet_brackets`): consecutive timed events of one ratio, closed once
    their lengths reach `normal` of their smallest printed value. A grace note closes a group here (a group is
    consecutive events)."""
    return _tuplet_groups([_timing(event) for event in events])


def _tuplet_groups(timings: list[tuple]) -> tuple[tuple[int, ...], ...]:
    if not any(timing[3] for timing in timings):
        return ()
    groups: list[tuple[int, ...]] = []
    members: list[int] = []
    filled, unit = 0, None
    for index, (_, duration, dots, tuplet, grace, _) in enumerate(timings):
        if members and (grace or tuplet != timings[members[0]][3]):
            groups.append(tuple(members))
            members = []
        if grace or tuplet is None:
            continue
        if not members:
            filled, unit = 0, QUARTER_LENGTH[duration]
        members.append(index)
        unit = min(unit, QUARTER_LENGTH[duration])
        filled += _units(duration, dots, tuplet)
        if filled >= tuplet[1] * unit * UNITS_PER_QUARTER:
            groups.append(tuple(members))
            members = []
    if members:
        groups.append(tuple(members))
    return tuple(groups)


def beam_groups(events: Sequence, time: str | None, time_changes: TimeChanges = ()) -> tuple[tuple[int, ...], ...]:
    """Groups of consecutive eighth-or-shorter notes that lie within one beam span of the meter in force (its beat;
    6/4's quarter), or make one tuplet; in 4/4, C and 5/4 the beats of a group (1-2, 3-4; 5/4: 1-3, 4-5) that are
    each two plain eighths join into one group. A rest, a grace note or a longer note breaks a group, and a group
    holds two or more notes. Positions restart at each full measure (tuplets scaled, grace notes taking no time)."""
    new_time = dict(time_changes)
    timings = [_timing(event) for event in events]
    tuplet_of = {index: group[0] for group in _tuplet_groups(timings) for index in group}
    bar, length = meter(time), _meter_units(time)
    spans = _span_starts(bar)
    runs: list[_Run] = []
    position, measure = 0, 0
    for index, timing in enumerate(timings):
        if index in new_time:
            bar, length = meter(new_time[index]), _meter_units(new_time[index])
            spans = _span_starts(bar)
            position, measure = 0, measure + (position != 0)
        kind, duration, _, _, grace, _ = timing
        end = position + _event_units(timing, length)
        beamable = kind == "note" and not grace and duration in BEAMABLE
        if index in tuplet_of:  # a tuplet's notes beam together, wherever it lies
            key = (measure, -1 - tuplet_of[index])
        else:
            span = _span_index(spans, position)
            key = (measure, span)
            beamable = beamable and end <= _span_end(spans, span)
        if beamable:
            if runs and runs[-1].key == key and runs[-1].indices[-1] == index - 1:
                runs[-1].indices.append(index)
            else:
                runs.append(_Run(key, [index], bar))
        position = end
        if length is not None and end >= length:
            position, measure = end - length, measure + 1
    return tuple(tuple(run.indices) for run in _join_plain_eighths(runs, timings) if len(run.indices) >= 2)


@dataclass
class _Run:
    """Consecutive beamable notes of one beam span (key: measure, span; a tuplet's: measure, -1 - its start)."""

    key: tuple[int, int]
    indices: list[int]
    bar: Meter


def _span_starts(bar: Meter) -> tuple[int, ...]:
    """Beam-span starts in units; a staff without a meter beams by the quarter, whatever its length."""
    if bar.time is None:
        return ()
    return tuple(int(start * UNITS_PER_QUARTER) for start in bar.beam_span_starts()) + \
        (int(bar.length * UNITS_PER_QUARTER),)


def _span_index(spans: tuple[int, ...], position) -> int:
    if not spans:
        return int(position // UNITS_PER_QUARTER)
    return bisect_right(spans, position) - 1


def _span_end(spans: tuple[int, ...], span: int) -> int:
    return (span + 1) * UNITS_PER_QUARTER if not spans else spans[min(span + 1, len(spans) - 1)]


def _join_plain_eighths(runs: list[_Run], timings: list) -> list[_Run]:
    """Join the beats of a joined group (Meter.joins) where each is exactly two plain eighths, in order."""
    def plain_eighths(indices: list[int]) -> bool:
        return len(indices) == 2 and all(timings[i][1:4] == ("eighth", 0, None) for i in indices)

    joined, index = [], 0
    while index < len(runs):
        (measure, beat), size = runs[index].key, _group_size(runs[index].bar, runs[index].key[1])
        group = runs[index:index + size]
        if size > 1 and len(group) == size and all(
                run.key == (measure, beat + k) and plain_eighths(run.indices) and
                (k == 0 or run.indices[0] == group[k - 1].indices[-1] + 1) for k, run in enumerate(group)):
            joined.append(_Run((measure, beat), [i for run in group for i in run.indices], runs[index].bar))
            index += size
        else:
            joined.append(runs[index])
            index += 1
    return joined


def _group_size(bar: Meter, beat: int) -> int:
    """The size of the joined group that starts at beat `beat` (0 where none starts there)."""
    start = 0
    for size in bar.joins:
        if beat == start:
            return size
        start += size
    return 0
