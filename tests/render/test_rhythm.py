from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from omr.music.events import TIME_SIGNATURES, measure_length
from omr.render.notation import NotationConfig
from omr.render.meter import meter
from omr.render.rhythm import RhythmValue, beam_groups, measure_ends, random_measure
from omr.render.score import Note, Rest


def values(text: str) -> list[RhythmValue]:
    """'8 8 r4 16.' -> rhythm values (r = rest, dots after the number)."""
    names = {"1": "whole", "2": "half", "4": "quarter", "8": "eighth", "16": "16th", "32": "32nd"}
    result = []
    for token in text.split():
        rest = token.startswith("r")
        code = token.lstrip("r").rstrip(".")
        result.append(RhythmValue(names[code], len(token) - len(token.rstrip(".")), rest))
    return result


@pytest.mark.parametrize("time", TIME_SIGNATURES)
def test_every_random_measure_fills_its_time_signature_exactly(time):
    for seed in range(300):
        measure = random_measure(np.random.default_rng(seed), time)
        if measure[0].measure:  # a measure rest fills its measure whatever its printed value
            assert len(measure) == 1 and measure[0].rest
            continue
        assert sum((value.quarter_length for value in measure), Fraction(0)) == measure_length(time)


def test_every_measure_of_random_staves_sums_to_the_time_signature():
    config = NotationConfig(time_signature_probability=1.0)
    for seed in range(300):
        staff = config.random(np.random.default_rng(seed))
        start = 0
        for end in staff.barlines_after:
            length = sum((quarter_length_of(event, staff.time_signature) for event in staff.notes[start:end + 1]),
                         Fraction(0))
            assert length == measure_length(staff.time_signature), (seed, start, end)
            start = end + 1
        assert start == len(staff.notes)


def quarter_length_of(event, time: str | None = "4/4") -> Fraction:
    """Time the event fills: a measure rest its measure's (the rule of the fuller vocabulary), a tuplet's member
    its scaled value, a grace note none."""
    from omr.music.events import quarter_length, tuplet_ratio

    if event.kind == "rest" and event.measure:
        return measure_length(time)
    if event.kind == "note" and event.grace:
        return Fraction(0)
    value = quarter_length(event.note_type if event.kind == "note" else event.rest_type, event.dots)
    return value * tuplet_ratio(event.tuplet)


def test_random_measure_is_a_function_of_the_generator():
    first = [random_measure(np.random.default_rng(5), "6/8") for _ in range(3)]
    assert first == [random_measure(np.random.default_rng(5), "6/8") for _ in range(3)]


def test_values_are_mostly_quarters_and_eighths_with_few_32nds_and_double_dots():
    rng, counts = np.random.default_rng(0), Counter()
    for time in TIME_SIGNATURES:
        for _ in range(200):
            counts.update((value.duration, value.dots) for value in random_measure(rng, time))
    total = sum(counts.values())
    common = sum(count for (duration, _), count in counts.items() if duration in ("quarter", "eighth"))
    assert common / total > 0.5
    assert sum(count for (duration, _), count in counts.items() if duration == "32nd") / total < 0.06
    assert 0 < sum(count for (_, dots), count in counts.items() if dots == 2) / total < 0.02
    assert {duration for duration, _ in counts} == {"whole", "half", "quarter", "eighth", "16th", "32nd"}


@pytest.mark.parametrize("time, beat", [("2/4", 1), ("3/4", 1), ("4/4", 1), ("C", 1), ("6/8", Fraction(3, 2)),
                                        ("3/8", Fraction(3, 2)), ("2/2", 2)])
def test_the_beat_is_the_quarter_the_dotted_quarter_in_compound_meters_and_the_half_in_cut_time(time, beat):
    assert set(meter(time).beats) == {beat}


def test_six_eight_beams_three_eighths_per_dotted_quarter():
    assert beam_groups(values("8 8 8 8 8 8"), "6/8") == ((0, 1, 2), (3, 4, 5))


def test_four_four_joins_plain_eighths_of_beats_one_and_two_but_not_sixteenths():
    assert beam_groups(values("8 8 8 8 8 8 8 8"), "4/4") == ((0, 1, 2, 3), (4, 5, 6, 7))
    assert beam_groups(values("8 8 16 16 8 4 4"), "4/4") == ((0, 1), (2, 3, 4))
    assert beam_groups(values("8 8 8 8 8 8"), "3/4") == ((0, 1), (2, 3), (4, 5))


def test_a_rest_or_a_lone_note_breaks_a_beam_group():
    assert beam_groups(values("8 r8 16 16 8"), "2/4") == ((2, 3, 4),)
    assert beam_groups(values("8. 16 4"), "2/4") == ((0, 1),)
    assert beam_groups(values("4. 8"), "2/4") == ()


def test_beam_groups_count_from_each_barline():
    assert beam_groups(values("4 8 8 8 8 8 8"), "3/8") == ((2, 3, 4), (5, 6))


def test_random_beam_groups_never_cross_a_beat_boundary_nor_a_rest():
    config = NotationConfig(time_signature_probability=1.0)
    for seed in range(200):
        staff = config.random(np.random.default_rng(seed))
        starts, position = [], Fraction(0)
        for event in staff.notes:
            starts.append(position)
            position = (position + quarter_length_of(event, staff.time_signature)) % \
                measure_length(staff.time_signature)
        beat = meter(staff.time_signature).beam_spans[0]
        if len(set(meter(staff.time_signature).beam_spans)) > 1 or meter(staff.time_signature).joins == (3, 2):
            continue  # 7/8's unequal beats, 5/4's 3+2: tests/render/test_rhythm_meters.py
        for group in staff.beams:
            assert len(group) >= 2 and all(staff.notes[i].kind == "note" for i in group)
            first, last = starts[group[0]], starts[group[-1]] + quarter_length_of(staff.notes[group[-1]])
            joined = staff.time_signature in ("4/4", "C") and all(staff.notes[i].note_type == "eighth" for i in group)
            unit = 2 * beat if joined else beat
            assert first // unit == (last - Fraction(1, 64)) // unit, (seed, group)


def test_measure_ends_places_barlines_and_names_the_event_crossing_one():
    events = [Note("C", 4, "quarter"), Note("D", 4, "quarter"), Rest("half")]
    assert measure_ends(events, "2/4") == (1, 2)
    assert measure_ends(events[:1], "2/4") == ()
    with pytest.raises(ValueError, match="event 3 .half. crosses the barline"):
        measure_ends([Note("C", 4, "quarter"), Note("D", 4, "eighth"), Rest("half")], "2/4")


def test_staff_from_events_keeps_rests_dots_ties_and_beams_by_the_beat():
    from omr.music.events import SymbolicNote, SymbolicRest
    from omr.render.score import staff_from_notes

    events = [SymbolicNote("F", 4, 1, "eighth"), SymbolicNote("A", 4, 0, "eighth"), SymbolicRest("quarter"),
              SymbolicNote("C", 5, 0, "quarter", dots=1, tie="start"), SymbolicNote("C", 5, 0, "eighth", tie="stop")]
    staff = staff_from_notes(events, key_fifths=1, time="2/4")
    assert [e.kind for e in staff.notes] == ["note", "note", "rest", "note", "note"]
    assert staff.notes[0].accidental is None  # F sharp is the key's
    assert (staff.notes[3].dots, staff.notes[3].tie, staff.notes[4].tie) == (1, True, False)
    assert staff.beams == ((0, 1),) and staff.barlines_after == (2, 4)
    assert staff_from_notes(events[:1]).notes[0].accidental == "sharp"  # no key: the alter needs its sign
