"""Every meter's beats, measures and beams, and the tuplets, breves and measure rests of random measures."""

from collections import Counter
from fractions import Fraction

import numpy as np
import pytest

from omr.music.events import TIME_SIGNATURES, measure_length, quarter_length
from omr.render.grouping import beam_groups, measure_ends, tuplet_groups
from omr.render.meter import meter
from omr.render.rhythm import RhythmValue, RhythmWeights, random_measure
from omr.render.score import Note, Rest

NAMES = {"0": "breve", "1": "whole", "2": "half", "4": "quarter", "8": "eighth", "16": "16th", "32": "32nd"}
FULLER = RhythmWeights(breve_weight=5.0, tuplet_probability=0.3, measure_rest_probability=0.05)


def values(text: str, tuplet: tuple[int, int] | None = None) -> list[RhythmValue]:
    """'8 8 r4 16.' -> rhythm values (r = rest, dots after the number), all in `tuplet` if given."""
    result = []
    for token in text.split():
        code = token.lstrip("r").rstrip(".")
        result.append(RhythmValue(NAMES[code], len(token) - len(token.rstrip(".")), token.startswith("r"), tuplet))
    return result


def filled(measure, time: str) -> Fraction:
    return sum((measure_length(time) if v.measure else v.quarter_length for v in measure), Fraction(0))


@pytest.mark.parametrize("time, beats", [
    ("2/4", (1, 1)), ("3/4", (1, 1, 1)), ("4/4", (1,) * 4), ("C", (1,) * 4), ("5/4", (1,) * 5),
    ("6/4", (3, 3)), ("2/2", (2, 2)), ("C|", (2, 2)), ("3/2", (2, 2, 2)), ("4/2", (2,) * 4),
    ("3/8", (Fraction(3, 2),)), ("6/8", (Fraction(3, 2),) * 2), ("9/8", (Fraction(3, 2),) * 3),
    ("12/8", (Fraction(3, 2),) * 4), ("7/8", (1, 1, Fraction(3, 2))),
])
def test_each_meter_has_its_beats_summing_to_its_measure(time, beats):
    assert meter(time).beats == beats
    assert meter(time).length == measure_length(time)


@pytest.mark.parametrize("time", TIME_SIGNATURES)
def test_every_meter_fills_its_measures_exactly_with_tuplets_breves_and_measure_rests(time):
    for seed in range(300):
        measure = random_measure(np.random.default_rng(seed), time, FULLER)
        assert filled(measure, time) == measure_length(time), (time, seed, measure)
        assert measure_ends(measure, time) == (len(measure) - 1,)


def test_six_eight_nine_eight_and_twelve_eight_beam_three_eighths_per_dotted_quarter():
    assert beam_groups(values("8 8 8 8 8 8"), "6/8") == ((0, 1, 2), (3, 4, 5))
    assert beam_groups(values("8 8 8 8 8 8 8 8 8"), "9/8") == ((0, 1, 2), (3, 4, 5), (6, 7, 8))
    assert beam_groups(values("8 8 8 " * 4), "12/8") == ((0, 1, 2), (3, 4, 5), (6, 7, 8), (9, 10, 11))


def test_seven_eight_beams_its_eighths_two_two_three():
    assert beam_groups(values("8 8 8 8 8 8 8"), "7/8") == ((0, 1), (2, 3), (4, 5, 6))
    assert beam_groups(values("4 8 8 8 8 8"), "7/8") == ((1, 2), (3, 4, 5))


def test_five_four_beams_plain_eighths_three_plus_two_and_sixteenths_by_the_beat():
    assert beam_groups(values("8 " * 10), "5/4") == ((0, 1, 2, 3, 4, 5), (6, 7, 8, 9))
    assert beam_groups(values("8 8 16 16 8 8 8 4 8 8"), "5/4") == ((0, 1), (2, 3, 4), (5, 6), (8, 9))


def test_cut_time_and_the_half_meters_beam_four_eighths_per_half():
    assert beam_groups(values("8 " * 8), "C|") == ((0, 1, 2, 3), (4, 5, 6, 7))
    assert beam_groups(values("8 " * 12), "3/2") == ((0, 1, 2, 3), (4, 5, 6, 7), (8, 9, 10, 11))


def test_six_four_beams_eighths_in_pairs_by_the_quarter():
    assert beam_groups(values("8 " * 12), "6/4") == tuple((i, i + 1) for i in range(0, 12, 2))


def test_beams_follow_a_time_change_from_its_event_on():
    events = values("8 8 8 8 8 8") + values("8 8 8 8 8 8")
    assert beam_groups(events, "6/8", [(6, "3/4")]) == ((0, 1, 2), (3, 4, 5), (6, 7), (8, 9), (10, 11))
    assert measure_ends(events, "6/8", [(6, "3/4")]) == (5, 11)
    with pytest.raises(ValueError, match="inside a measure"):
        measure_ends(events, "6/8", [(4, "3/4")])


def test_tuplets_count_their_scaled_lengths_and_stay_one_beam_group():
    events = values("8 8 8", (3, 2)) + values("16 16 16 16 16", (5, 4)) + values("8 8") + values("4 8", (3, 2))
    assert measure_ends(events, "4/4") == (len(events) - 1,)
    assert tuplet_groups(events) == ((0, 1, 2), (3, 4, 5, 6, 7), (10, 11))
    assert beam_groups(events, "4/4") == ((0, 1, 2), (3, 4, 5, 6, 7), (8, 9))  # the plain pair is not joined to it
    assert beam_groups(values("8 r8 8", (3, 2)) + values("4 2"), "2/4") == ()  # a rest inside: flags, a bracket
    # Two triplets of one ratio side by side are two printed groups (each closes on its own beat).
    assert tuplet_groups(values("8 8 8 8 8 8", (3, 2))) == ((0, 1, 2), (3, 4, 5))


def test_a_compound_duplet_fills_a_dotted_quarter():
    events = values("8 8", (2, 3)) + values("8 8 8")
    assert measure_ends(events, "6/8") == (4,)
    assert tuplet_groups(events) == ((0, 1),)
    assert beam_groups(events, "6/8") == ((0, 1), (2, 3, 4))


def test_grace_notes_take_no_time_and_a_measure_rest_fills_any_measure():
    events = [Note("D", 5, "eighth", grace="acciaccatura"), Note("C", 5, "half", dots=1), Rest("whole", measure=True),
              Note("E", 5, "16th", grace="appoggiatura"), Note("F", 5, "quarter"), Rest("half")]
    assert measure_ends(events, "3/4") == (1, 2, 5)
    with pytest.raises(ValueError, match="event 3 .whole. crosses the barline of a 6/4"):
        measure_ends(events[:3], "6/4")  # a measure rest in an unfilled measure: it cannot fill a whole one
    assert beam_groups([Note("C", 5, "eighth"), Note("D", 5, "eighth", grace="acciaccatura"),
                        Note("C", 5, "eighth")], "2/4") == ()  # a grace note is never beamed and cuts the beam


def test_random_tuplets_start_with_a_note_fill_whole_beats_and_take_every_form():
    forms = Counter()
    for time in TIME_SIGNATURES:
        for seed in range(200):
            measure = random_measure(np.random.default_rng(seed), time, RhythmWeights(tuplet_probability=0.5))
            for group in tuplet_groups(measure):
                members = [measure[i] for i in group]
                assert not members[0].rest
                length = sum((v.quarter_length for v in members), Fraction(0))
                assert length in (1, 2, Fraction(3, 2), 3), (time, seed, members)
                forms[members[0].tuplet, length] += 1
    assert set(forms) == {((3, 2), 1), ((5, 4), 1), ((6, 4), 1), ((3, 2), 2), ((2, 3), Fraction(3, 2)),
                          ((2, 3), 3)}


def test_triplet_quarters_span_half_of_four_four_or_a_half_beat_only():
    for time in ("4/4", "2/2", "3/2", "4/2", "C|", "2/4", "3/4", "6/8"):
        for seed in range(200):
            measure = random_measure(np.random.default_rng(seed), time, RhythmWeights(tuplet_probability=0.5))
            starts = np.cumsum([Fraction(0)] + [v.quarter_length for v in measure])
            for group in tuplet_groups(measure):
                length = sum((measure[i].quarter_length for i in group), Fraction(0))
                if length == 2:
                    assert time in ("4/4", "2/2", "3/2", "4/2", "C|") and starts[group[0]] % 2 == 0


def test_breves_fill_four_two_measures_and_a_dotted_whole_three_two_ones_only_with_a_breve_weight():
    def longest(time, weights):
        found = Counter()
        for seed in range(300):
            for value in random_measure(np.random.default_rng(seed), time, weights):
                found[value.duration, value.dots] += not value.rest
        return found

    assert longest("4/2", RhythmWeights(breve_weight=5.0))["breve", 0] > 100
    assert longest("4/2", RhythmWeights())["breve", 0] == 0
    assert longest("3/2", RhythmWeights(breve_weight=5.0))["whole", 1] > 100
    assert longest("3/2", RhythmWeights())["whole", 1] < 100
    assert all(longest(time, RhythmWeights(breve_weight=5.0))["breve", 0] == 0 for time in ("4/4", "3/2", "12/8"))


def test_a_measure_rest_stands_alone_for_the_knob_and_for_a_measure_of_rests():
    always = RhythmWeights(measure_rest_probability=1.0)
    measure_rest = (RhythmValue("whole", 0, True, None, True),)
    assert random_measure(np.random.default_rng(0), "7/8", always) == measure_rest
    all_rests = RhythmWeights(rest_probability=1.0)
    for time in TIME_SIGNATURES:
        assert random_measure(np.random.default_rng(1), time, all_rests) == measure_rest
    sometimes = RhythmWeights(rest_probability=0.0, measure_rest_probability=0.05)
    counts = Counter(random_measure(np.random.default_rng(seed), "3/4", sometimes)[0].measure for seed in range(2000))
    assert 60 < counts[True] < 140


def test_random_measures_are_a_function_of_the_generator_and_the_weights():
    for time in ("7/8", "4/2", "12/8"):
        first = [random_measure(np.random.default_rng(9), time, FULLER) for _ in range(3)]
        assert first == [random_measure(np.random.default_rng(9), time, FULLER) for _ in range(3)]


def test_knobs_at_zero_draw_the_measures_drawn_before_they_existed():
    # The tuplet and measure-rest draws happen only where asked: with them at 0 the generator yields what the
    # default weights yield, value for value.
    off = RhythmWeights(breve_weight=0.0, tuplet_probability=0.0, measure_rest_probability=0.0)
    for seed in range(50):
        assert random_measure(np.random.default_rng(seed), "4/4", off) == \
            random_measure(np.random.default_rng(seed), "4/4")


def test_quarter_length_of_a_tuplet_member_is_its_value_times_normal_over_actual():
    assert values("8", (3, 2))[0].quarter_length == Fraction(1, 3)
    assert values("16", (5, 4))[0].quarter_length == Fraction(1, 5)
    assert values("8", (2, 3))[0].quarter_length == Fraction(3, 4)
    assert RhythmValue("breve").quarter_length == quarter_length("breve") == 8
