"""Random real-notation staves with the fuller vocabulary (issue 29): tuplets, grace notes, breves, measure rests and
clef, key and time changes at a barline."""

from fractions import Fraction

import numpy as np
import pytest

from omr.config import build_config, load_params
from omr.music.events import (TIME_SIGNATURES, SymbolicNote, SymbolicRest, key_alters, measure_length,
                              sounding_alters)
from omr.render.dataset import DatasetConfig
from omr.render.grouping import beam_groups, measure_ends, tuplet_groups
from omr.render.notation import NotationConfig
from omr.render.score import StaffChange, staff_from_notes

FULLER = NotationConfig(time_signatures=TIME_SIGNATURES, breve_weight=5.0, measure_rest_probability=0.1,
                        tuplet_probability=0.15, grace_probability=0.1, change_probability=0.5)


def staves(config=FULLER, seeds=range(300)):
    for seed in seeds:
        yield config.random(np.random.default_rng(seed))


def measures(staff):
    """(first, last) event index of each measure."""
    starts = (0,) + tuple(end + 1 for end in staff.barlines_after[:-1])
    return list(zip(starts, staff.barlines_after))


def time_of_measure(staff, first: int) -> str:
    time = staff.time_signature or _opening_time(staff)
    for change in staff.changes:
        if change.before <= first and change.time:
            time = change.time
    return time


def _opening_time(staff) -> str:
    # A staff printing no time still fills the meter it was drawn in: the one its barlines fit.
    for time in TIME_SIGNATURES:
        try:
            if measure_ends(staff.notes, time, staff.time_changes()) == staff.barlines_after:
                return time
        except ValueError:
            continue
    raise AssertionError("no meter fits the staff's barlines")


def filled(event, time: str) -> Fraction:
    if event.kind == "rest" and event.measure:
        return measure_length(time)
    if event.kind == "note" and event.grace:
        return Fraction(0)
    from omr.music.events import quarter_length, tuplet_ratio

    value = quarter_length(event.note_type if event.kind == "note" else event.rest_type, event.dots)
    return value * tuplet_ratio(event.tuplet)


def test_every_measure_sums_exactly_to_the_meter_in_force():
    for seed, staff in enumerate(staves(NotationConfig(**{**FULLER.__dict__, "time_signature_probability": 1.0}))):
        assert staff.barlines_after[-1] == len(staff.notes) - 1
        for first, last in measures(staff):
            time = time_of_measure(staff, first)
            assert sum((filled(e, time) for e in staff.notes[first:last + 1]), Fraction(0)) == measure_length(time), \
                (seed, first, last)
        assert measure_ends(staff.notes, staff.time_signature, staff.time_changes()) == staff.barlines_after
        # What a reader's rules give back from the events alone (staff_from_notes draws a prediction by them).
        assert staff.beams == beam_groups(staff.notes, staff.time_signature, staff.time_changes())
        assert staff.tuplets == tuplet_groups(staff.notes)


def test_grace_notes_take_no_time_and_stand_right_before_a_timed_note_a_step_or_a_third_away():
    kinds = set()
    for staff in staves():
        for index, event in enumerate(staff.notes):
            if event.kind != "note" or event.grace is None:
                continue
            main = staff.notes[index + 1]
            assert main.kind == "note" and main.grace is None
            assert not event.tie and event.tuplet is None and event.dots == 0
            assert all(index not in group for group in staff.beams + staff.tuplets)
            assert 1 <= abs(staff.position_at(index) - staff.position_at(index + 1)) <= 2
            values = ("eighth",) if event.grace == "acciaccatura" else ("eighth", "16th")
            assert event.note_type in values
            assert index == 0 or not (staff.notes[index - 1].kind == "note" and staff.notes[index - 1].tie)
            kinds.add(event.grace)
    assert kinds == {"acciaccatura", "appoggiatura"}


def test_tuplets_are_printed_groups_of_one_ratio_filling_whole_beats_with_a_note_first():
    ratios = set()
    for staff in staves():
        grouped = {index for group in staff.tuplets for index in group}
        assert grouped == {i for i, e in enumerate(staff.notes) if e.tuplet is not None}
        for group in staff.tuplets:
            time = time_of_measure(staff, group[0])
            assert sum((filled(staff.notes[i], time) for i in group), Fraction(0)) in (1, 2, Fraction(3, 2), 3)
            assert staff.notes[group[0]].kind == "note"
            assert not any(staff.notes[i].kind == "note" and staff.notes[i].tie for i in group)
            ratios.add(staff.notes[group[0]].tuplet)
    assert ratios == {(3, 2), (2, 3), (5, 4), (6, 4)}


def test_a_measure_rest_is_the_only_event_of_its_measure():
    found = 0
    for staff in staves():
        for first, last in measures(staff):
            rests = [e for e in staff.notes[first:last + 1] if e.kind == "rest" and e.measure]
            if rests:
                found += 1
                assert first == last and (rests[0].rest_type, rests[0].dots) == ("whole", 0)
    assert found > 50


def test_breves_fill_four_two_measures():
    breves = 0
    for staff in staves():
        for first, last in measures(staff):
            for event in staff.notes[first:last + 1]:
                if (getattr(event, "note_type", None) or getattr(event, "rest_type", None)) == "breve":
                    breves += 1
                    assert time_of_measure(staff, first) == "4/2"
    assert breves > 10


def test_changes_stand_at_a_barline_after_the_first_measure_and_change_something():
    kinds = set()
    for staff in staves():
        for change in staff.changes:
            assert change.before - 1 in staff.barlines_after
            if change.clef:
                assert change.clef != staff.clef_sign
                kinds.add("clef")
            if change.key_fifths is not None:
                assert change.key_fifths != staff.key_signature
                kinds.add("key")
            if change.time:
                kinds.add("time")
            assert not (staff.notes[change.before - 1].kind == "note" and staff.notes[change.before - 1].tie)
    assert kinds == {"clef", "key", "time"}


def test_notes_after_a_clef_change_sit_in_the_new_clefs_range():
    changed = 0
    for staff in staves():
        for change in staff.changes:
            if change.clef is None:
                continue
            for index in range(change.before, len(staff.notes)):
                if staff.notes[index].kind == "note":
                    assert staff.clef_at(index) == change.clef
                    assert -4 <= staff.position_at(index) <= 12
                    changed += 1
    assert changed > 50


def test_sounding_alters_follow_the_printed_signs_and_the_key_in_force_grace_notes_included():
    key_changes = 0
    for staff in staves():
        segments = [(0, staff.key_signature)] + [(c.before, c.key_fifths) for c in staff.changes
                                                 if c.key_fifths is not None]
        key_changes += len(segments) - 1
        measure_of = [sum(1 for end in staff.barlines_after if end < i) for i in range(len(staff.notes))]
        for (start, key), (end, _) in zip(segments, segments[1:] + [(len(staff.notes), None)]):
            notes = [i for i in range(start, end) if staff.notes[i].kind == "note"]
            tied = [i > 0 and staff.notes[i - 1].kind == "note" and staff.notes[i - 1].tie for i in notes]
            alters = sounding_alters([(staff.notes[i].step, staff.notes[i].octave, staff.notes[i].accidental)
                                      for i in notes], key, [measure_of[i] for i in notes], tied)
            assert alters == [staff.notes[i].alter for i in notes]
    assert key_changes > 20


def test_after_a_key_change_unsigned_notes_sound_the_new_key():
    checked = 0
    for staff in staves():
        for change in staff.changes:
            if change.key_fifths is None:
                continue
            key = key_alters(change.key_fifths)
            measure_end = min(end for end in staff.barlines_after if end >= change.before)
            for index in range(change.before, measure_end + 1):
                event = staff.notes[index]
                if event.kind == "note" and event.accidental is None:
                    # the first measure in the new key: what it implies, unless a sign earlier in the measure holds
                    earlier = [e for e in staff.notes[change.before:index]
                               if e.kind == "note" and (e.step, e.octave) == (event.step, event.octave)
                               and e.accidental is not None]
                    if not earlier:
                        assert event.alter == key[event.step]
                        checked += 1
    assert checked > 50


def test_same_seed_same_staff():
    for seed in range(20):
        assert FULLER.random(np.random.default_rng(seed)) == FULLER.random(np.random.default_rng(seed))


def test_knobs_at_zero_draw_none_of_the_fuller_vocabulary():
    plain = NotationConfig(time_signatures=("2/4", "3/4", "4/4", "6/8", "3/8", "2/2", "C"))
    for staff in staves(plain, range(200)):
        assert staff.tuplets == () and staff.changes == ()
        assert not any(e.kind == "note" and (e.grace or e.note_type == "breve") for e in staff.notes)
        assert all(e.tuplet is None for e in staff.notes)


def test_params_yaml_v03_draws_the_fuller_vocabulary_at_learnable_rates():
    v03 = build_config(DatasetConfig, load_params()["datasets"]["v03"], "datasets.v03")
    count = 1000
    with_tuplet = with_grace = with_change = new_meter = measures_total = measure_rests = 0
    for seed in range(count):
        staff = v03.random(np.random.default_rng(seed))
        with_tuplet += bool(staff.tuplets)
        with_grace += any(e.kind == "note" and e.grace for e in staff.notes)
        with_change += bool(staff.changes)
        new_meter += _opening_time(staff) not in ("2/4", "3/4", "4/4", "6/8", "3/8", "2/2", "C")
        measures_total += len(staff.barlines_after)
        measure_rests += sum(e.kind == "rest" and e.measure for e in staff.notes)
    assert 0.1 < with_tuplet / count < 0.2 and 0.1 < with_grace / count < 0.2
    assert 0.06 < with_change / count < 0.14 and 0.25 < new_meter / count < 0.42
    assert 0.03 < measure_rests / measures_total < 0.08


def test_staff_from_notes_draws_tuplets_grace_notes_measure_rests_and_changes():
    events = [SymbolicNote("C", 5, 0, "eighth", tuplet=(3, 2)), SymbolicNote("D", 5, 0, "eighth", tuplet=(3, 2)),
              SymbolicNote("E", 5, 0, "eighth", tuplet=(3, 2)), SymbolicNote("G", 5, 0, "eighth", grace=True),
              SymbolicNote("F", 5, 1, "quarter"), SymbolicRest("whole", measure=True),
              SymbolicNote("F", 5, 1, "eighth"), SymbolicNote("F", 5, 1, "eighth"), SymbolicNote("F", 5, 1, "eighth")]
    staff = staff_from_notes(events, clef=True, time="2/4", changes=(StaffChange(5, key_fifths=1),
                                                                     StaffChange(6, time="3/8")))
    assert staff.tuplets == ((0, 1, 2),) and staff.beams == ((0, 1, 2), (6, 7, 8))
    assert staff.notes[3].grace == "appoggiatura" and staff.notes[5].measure
    assert staff.barlines_after == (4, 5, 8)
    # F# needs its sign before the key change, none after it (F sharp is the new key's).
    assert staff.notes[4].accidental == "sharp" and [staff.notes[i].accidental for i in (6, 7, 8)] == [None] * 3
    assert staff.key_at(6) == 1 and staff.key_at(4) == 0 and staff.time_changes() == ((6, "3/8"),)


@pytest.mark.parametrize("seed", range(6))
def test_generated_staves_render_end_to_end_and_their_labels_survive_musicxml(seed):
    from omr.music.round_trip import label_mismatch
    from omr.render import RenderStyle, render_staff
    from omr.samples import SampleLabel

    staff = FULLER.random(np.random.default_rng(1000 + seed))
    sample = render_staff(staff, RenderStyle())
    assert len(sample.events) == len(staff.notes)
    assert [bool(getattr(e, "grace", False)) for e in sample.events] == \
        [e.kind == "note" and e.grace is not None for e in staff.notes]
    assert [e.tuplet for e in sample.events] == [e.tuplet for e in staff.notes]
    label = SampleLabel("x", "x.png", sample.width, sample.height, sample.staff_space, sample.staff_lines,
                        sample.events, sample.boxes, "m.png", header=sample.header)
    assert label_mismatch(label) is None
    assert len(sample.header.changes) == len(staff.changes)
