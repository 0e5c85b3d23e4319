"""Tuplet numbers -> the events they group: the plan's tuplet-number rule (issue 29) read backwards.

A printed tuplet shows its `actual` count (3 for a triplet), but the `tuplet` class cannot say which digit it boxes:
the count is read off the events under it instead. A group's printed lengths add up to `actual` times its shortest
printed value (omr.music.elements.tuplet_brackets closes a bracket there), and `normal` follows from `actual` by
the tuplet-number rule (omr.decode.reading_rules: 3 -> 3:2, 2 -> 2:3, 4 -> 4:3, 5 -> 5:4, 6 -> 6:4, 7 -> 7:4).
"""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction
from typing import Sequence

from omr.decode.reading_rules import TUPLET_OF_NUMBER
from omr.decode.spelling import measure_numbers
from omr.music.events import Event, quarter_length

# Staff spaces: a number stands centred over its group (between the first and last member's heads, or over the
# beam, which sits half a head further towards the stems' side); no member lies more than this off that centre.
NUMBER_CENTRE_REACH = 1.0
# A tuplet symbol wider than this (spaces) is a number with its bracket (a class map's blob): it spans the group.
BRACKET_WIDTH = 2.0
BEAM_JOIN = 0.2  # spaces: beam segments of one group meet at a stem (two groups lie a note's spacing apart)
HEAD_REACH = 0.75  # spaces: a stem stands at its head's edge, about 0.65 from its centre
# What a tuplet fills (quarters): a beat or a simple part of one, plain (32nd to whole) or dotted (compound beats).
# A 16th duplet would fill a dotted eighth (a beat of 6/16 only): the middle two of six 16ths are no duplet.
BEAT_LENGTHS = frozenset(Fraction(n, d) for n, d in ((1, 4), (1, 2), (1, 1), (2, 1), (4, 1), (3, 2), (3, 1)))
MAX_MEMBERS = max(TUPLET_OF_NUMBER)  # every member is at least the unit: no group holds more events than `actual`


def tuplet_of_printed(lengths: Sequence[Fraction]) -> tuple[int, int] | None:
    """(actual, normal) of two or more consecutive events with these printed lengths (in quarters), or None where
    they are no tuplet: actual = total / shortest must be a whole number the rule knows. (No shorter start of a
    group reaches its count first: a prefix's total / shortest is always below the whole group's.)"""
    actual = sum(lengths, Fraction(0)) / min(lengths)
    if len(lengths) < 2 or actual.denominator != 1:
        return None
    return TUPLET_OF_NUMBER.get(int(actual))


def tuplet_members(span: tuple[float, float], xs: Sequence[float], lengths: Sequence[Fraction], space: float,
                   taken: Sequence[bool] = (), beamed: Sequence[tuple[int, int]] = (),
                   positions: Sequence[Fraction] = ()) -> tuple[list[int], tuple[int, int]] | None:
    """Indices (into the timed events, x ascending) and ratio of the group a tuplet symbol spanning `span` (x0, x1)
    stands over, or None where no group fits. A bracket's span holds its members. A bare number's centre is its
    group's centre: of the groups centred within reach, the best-centred wins. Where two are as good (three 16ths in
    the middle of a quintuplet are centred alike), the one that fills a beat (BEAT_LENGTHS) and starts on a multiple
    of its own length in its measure (`positions`: each event's start, in quarters from its measure's), then one that
    is a whole beam group (`beamed`: (first, last) indices; engravers print a number without its bracket over its
    beam), then the smaller (three eighths under a 3 are also the middle of five). Events already `taken` by
    another number are skipped."""
    x0, x1 = span
    taken = list(taken) or [False] * len(xs)
    if x1 - x0 > BRACKET_WIDTH * space:
        inside = [i for i, x in enumerate(xs) if x0 <= x <= x1 and not taken[i]]
        ratio = tuplet_of_printed([lengths[i] for i in inside]) if inside else None
        if ratio is not None and inside == list(range(inside[0], inside[-1] + 1)):
            return inside, ratio
    centre, reach = (x0 + x1) / 2.0, NUMBER_CENTRE_REACH * space
    whole_beams = set(beamed)
    best = None
    for first in range(len(xs)):
        if xs[first] > centre + reach or taken[first]:
            continue
        for last in range(first, min(len(xs), first + MAX_MEMBERS)):
            if taken[last]:
                break
            ratio = tuplet_of_printed(lengths[first:last + 1])
            offset = abs((xs[first] + xs[last]) / 2.0 - centre)
            if ratio is None or offset > reach:
                continue
            # Offsets closer than a quarter space are ties (a number over a beam may sit off its heads' centre).
            filled = sum(lengths[first:last + 1], Fraction(0)) * ratio[1] / ratio[0]
            on_beat = filled in BEAT_LENGTHS and (not positions or positions[first] % filled == 0)
            key = (round(offset / (0.25 * space)), not on_beat, (first, last) not in whole_beams, last - first)
            if best is None or key < best[0]:
                best = (key, list(range(first, last + 1)), ratio)
    return None if best is None else (best[1], best[2])


def beam_groups(beams: Sequence[tuple[float, float]], xs: Sequence[float], space: float) -> list[tuple[int, int]]:
    """(first, last) indices of the events (x ascending) under each beam group, from the (x0, x1) of its segments:
    segments that meet (levels of one group, or Verovio's one polygon per pair of stems) are one group, and it holds
    the events whose head centre lies within a head's half width of its ends (its stems stand at head edges)."""
    runs: list[list[float]] = []
    for x0, x1 in sorted(beams):
        if runs and x0 <= runs[-1][1] + BEAM_JOIN * space:
            runs[-1][1] = max(runs[-1][1], x1)
        else:
            runs.append([x0, x1])
    groups = []
    for x0, x1 in runs:
        under = [i for i, x in enumerate(xs) if x0 - HEAD_REACH * space <= x <= x1 + HEAD_REACH * space]
        if len(under) >= 2:
            groups.append((under[0], under[-1]))
    return groups


def measure_positions(lengths: Sequence[Fraction], ratios: Sequence[tuple[int, int] | None],
                      measures: Sequence[int]) -> list[Fraction]:
    """Where each timed event starts in its measure (quarters): the lengths before it there, scaled by the tuplets
    read so far."""
    positions, position, current = [], Fraction(0), None
    for length, ratio, measure in zip(lengths, ratios, measures):
        if measure != current:
            position, current = Fraction(0), measure
        positions.append(position)
        position += length if ratio is None else length * ratio[1] / ratio[0]
    return positions


def in_tuplets(events: Sequence[Event], numbers: Sequence[tuple[float, float]], beams: Sequence[tuple[float, float]],
               barlines: Sequence[float], space: float) -> list[Event]:
    """The events (x ascending) with `tuplet` set on every member of each printed tuplet, from the (x0, x1) of the
    tuplet symbols and of the beam segments; grace notes and measure rests are never members."""
    events = list(events)
    if not numbers:
        return events
    timed = [i for i, e in enumerate(events)
             if not (e.kind == "note" and e.grace) and not (e.kind == "rest" and e.measure)]
    xs = [events[i].x for i in timed]
    lengths = [quarter_length(events[i].duration, events[i].dots) for i in timed]
    beamed = beam_groups(beams, xs, space)
    measures = measure_numbers(xs, barlines) or [0] * len(xs)
    ratios: list[tuple[int, int] | None] = [None] * len(timed)
    for span in sorted(numbers, key=lambda span: span[0] + span[1]):  # left to right: positions use those read
        positions = measure_positions(lengths, ratios, measures)
        found = tuplet_members(span, xs, lengths, space, [r is not None for r in ratios], beamed, positions)
        if found is None:
            continue
        members, ratio = found
        for member in members:
            ratios[member] = ratio
            events[timed[member]] = replace(events[timed[member]], tuplet=ratio)
    return events
