"""Events <-> MusicXML through music21: hand-made staves read back unchanged, bars and signs as written."""

import dataclasses
from fractions import Fraction
from pathlib import Path

import pytest

from omr.music import musicxml
from omr.music.events import StaffHeader, SymbolicNote, SymbolicRest
from omr.music.musicxml import (
    events_from_musicxml,
    events_round_trip_mismatch,
    events_to_musicxml,
    measure_numbers_from_barlines,
    notes_from_musicxml,
    notes_to_musicxml,
)


def N(name, duration="quarter", dots=0, accidental=None, tie=None, alter=None):
    """'F#4' -> a note whose alter is its spelled sign (or `alter` where given)."""
    signs = {"": 0, "#": 1, "b": -1, "##": 2, "bb": -2}
    return SymbolicNote(name[0], int(name[-1]), signs[name[1:-1]] if alter is None else alter, duration,
                        accidental=accidental, dots=dots, tie=tie)


def R(duration="quarter", dots=0):
    return SymbolicRest(duration, dots)


def assert_round_trip(events, clef="treble", key_fifths=0, time=None, measure_numbers=None):
    text = events_to_musicxml(events, clef, key_fifths, time, title="test", measure_numbers=measure_numbers)
    assert events_from_musicxml(text) == (tuple(events), clef, key_fifths, time)
    assert events_round_trip_mismatch(events, clef, key_fifths, time, measure_numbers) is None
    return text


def test_dotted_eighth_and_sixteenth_round_trip():
    assert_round_trip([N("C5", "eighth", 1), N("D5", "16th"), N("E5"), N("F#5", "eighth", 1, "sharp"), N("G5", "16th"),
                       N("A5")], time="3/4")


def test_rests_of_every_duration_round_trip_and_keep_their_type():
    events = [R("whole"), R("half"), R("quarter"), R("eighth"), R("16th"), R("32nd"), R("32nd"), R("half", 1),
              R("eighth", 1), R("16th")]
    text = assert_round_trip(events, time="4/4")
    assert 'measure="yes"' not in text and text.count("<type>whole</type>") == 1  # no full-bar rest made up


def test_tie_across_a_barline_and_a_tie_chain_stay_separate_tied_notes():
    events = [N("C4", "half"), N("D4", tie="start"), N("D4", tie="stop"), N("E4", "half"),
              N("G4"), N("A4", tie="start"), N("A4", "whole", tie="continue"), N("A4", tie="stop")]
    text = assert_round_trip(events, time="3/4")
    assert text.count("<measure ") == 4


def test_bass_clef_staff_round_trips_with_its_written_pitches():
    assert_round_trip([N("G2", "half", 1), N("F#2", accidental="sharp"), N("C3", "eighth"), N("B1", "eighth"),
                       R("quarter"), N("D4", "half")], clef="bass", key_fifths=2, time="C")


def test_key_of_seven_flats_with_naturals_and_courtesy_flats():
    events = [N("C4", accidental="natural"), N("Fb4"), N("C4"), N("Bb4"),  # the natural holds to the bar's end
              N("Cb4", accidental="flat"), N("Eb4", "half", 1)]  # courtesy flat in the next bar
    text = assert_round_trip(events, key_fifths=-7, time="4/4")
    assert text.count("<accidental>") == 2


def test_key_of_seven_sharps_with_naturals_double_sharps_and_courtesy_sharps():
    events = [N("E4", accidental="natural"), N("F##4", accidental="double-sharp"), N("F##4"), N("B#4"),
              N("E#4", "half", accidental="sharp"), N("F#4", "half", accidental="sharp")]
    assert_round_trip(events, key_fifths=7, time="4/4")


def test_double_dotted_quarter_round_trips():
    assert_round_trip([N("C5", "quarter", 2), N("D5", "16th"), N("E5", "half")], time="4/4")


def test_six_eight_and_common_time_fill_measures_from_the_signature():
    six_eight = [N("C5", "eighth")] * 6 + [N("D5", "quarter", 1), R("quarter", 1)]
    assert assert_round_trip(six_eight, time="6/8").count("<measure ") == 2
    common = assert_round_trip([N("E4")] * 4 + [N("F4", "whole")], time="C")
    assert common.count("<measure ") == 2 and 'symbol="common"' in common


def test_without_clef_or_time_the_staff_is_one_open_measure():
    text = assert_round_trip([N("C4", "half")] * 5 + [N("D4")], clef=None, time=None)
    assert text.count("<measure ") == 1 and "<clef>" not in text and "<time" not in text


def test_a_measure_longer_than_its_signature_is_written_as_given_not_rebarred():
    events = [N("C4"), N("D4"), N("E4"), N("F4"), N("G4")]  # five quarters said to be one 4/4 bar
    text = assert_round_trip(events, time="4/4", measure_numbers=[1] * 5)
    assert text.count("<measure ") == 1 and "<tie " not in text


def test_a_note_running_past_the_bar_line_stays_whole_in_its_measure():
    text = assert_round_trip([N("C4"), N("D4", "half"), N("E4", "half")], time="2/4")
    assert text.count("<measure ") == 2 and "<tie " not in text


def test_accidentals_are_written_as_printed_not_respelled():
    events = [N("F#4", accidental="sharp"), N("F#4"), N("G4"), N("F#4", "half", accidental="sharp")]
    text = assert_round_trip(events, key_fifths=1, time="4/4", measure_numbers=[1, 1, 1, 2])
    assert text.count("<accidental>") == 2  # the repeated F#4 prints nothing; the key's F# in bar 2 a courtesy sign


def test_a_sign_that_disagrees_with_the_sounding_alter_is_kept_as_written():
    assert_round_trip([N("F4", accidental="sharp", alter=0)], time="4/4")


def test_measure_numbers_come_from_the_barlines_x():
    events = [dataclasses.replace(N("C4"), x=x) for x in (10.0, 30.0, 50.0, 70.0)]
    assert measure_numbers_from_barlines(events, [60.0, 40.0]) == [1, 1, 2, 3]


def test_round_trip_mismatch_names_the_first_event_a_writer_loses(monkeypatch):
    events = [N("C4", "eighth", 1), N("D4", "16th")]
    real = musicxml.music21_event

    def dotless(event, *placement):
        return real(dataclasses.replace(event, dots=0), *placement)

    monkeypatch.setattr(musicxml, "music21_event", dotless)
    mismatch = events_round_trip_mismatch(events, "treble", 0, "2/4")
    assert mismatch is not None and mismatch.startswith("event 0:") and "dots=1" in mismatch


def test_round_trip_mismatch_reports_what_cannot_be_written():
    assert "measure_numbers" in events_round_trip_mismatch([N("C4")], "treble", 0, None, measure_numbers=[1, 1])


def test_a_chord_is_refused_with_its_measure():
    from music21 import chord, stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    score = stream.Score([stream.Part([stream.Measure([chord.Chord(["C4", "E4"])], number=3)])])
    text = GeneralObjectExporter(score).parse().decode("utf-8")
    with pytest.raises(ValueError, match="measure 3: a chord"):
        events_from_musicxml(text)


def test_a_file_reads_like_its_text(tmp_path):
    text = events_to_musicxml([N("A3"), R("half")], "bass", -3, "3/4")
    path = tmp_path / "staff.musicxml"
    path.write_text(text, encoding="utf-8")
    assert events_from_musicxml(Path(path)) == events_from_musicxml(text)


# --- the thin wrappers kept for notes of the v01/v02 kind (omr.transcribe.assemble) --------------------------------------

def test_notes_round_trip_through_musicxml_with_accidentals_and_halves_across_barlines(tmp_path):
    # Beats 0, 1, 2, then a half on beat 3 of the bar: exported tied across the barline, read back as one half.
    notes = (SymbolicNote("E", 4), SymbolicNote("C", 4), SymbolicNote("F", 4, 1), SymbolicNote("A", 3, 0, "half"),
             SymbolicNote("B", 4, -1), SymbolicNote("G", 5, 0, "half"), SymbolicNote("D", 5))
    text = notes_to_musicxml(notes, title="test")
    assert "<tie " in text or "<tied " in text
    path = tmp_path / "t.musicxml"
    path.write_text(text, encoding="utf-8")
    assert notes_from_musicxml(path) == notes
    assert notes_from_musicxml(text) == notes


def test_notes_print_the_signs_their_bar_needs():
    # F#4 then F4 in one 4/4 bar: the second needs a natural; a sharp in the next bar needs its sign again.
    notes = (SymbolicNote("F", 4, 1), SymbolicNote("F", 4), SymbolicNote("C", 4), SymbolicNote("D", 4),
             SymbolicNote("F", 4, 1))
    events = events_from_musicxml(notes_to_musicxml(notes))[0]
    assert [e.accidental for e in events] == ["sharp", "natural", None, None, "sharp"]


def test_empty_transcription_is_still_a_valid_score():
    assert notes_from_musicxml(notes_to_musicxml(())) == ()


def test_a_staff_without_events_reads_back_without_events():
    from omr.music.musicxml import events_from_musicxml, events_to_musicxml

    events, clef, key_fifths, time = events_from_musicxml(events_to_musicxml([], "bass", -2, "3/4"))
    assert (events, clef, key_fifths, time) == ((), "bass", -2, "3/4")


# --- a page of staves: one part, a system per staff (omr.music.score) ----------------------------------------------

from omr.music.score import (ScoreStaff, notes_from_midi, page_midi, page_musicxml, page_round_trip_mismatch,
                            sounding_notes, staves_from_musicxml)

PAGE = (
    ScoreStaff((N("D5", "eighth"), N("E5", "eighth"), N("F#5"), R(), N("A4", dots=1),
                N("G#4", "eighth", accidental="sharp"), N("A4"), N("B4", "half", tie="start")),
               StaffHeader("treble", 2, "3/4")),
    ScoreStaff((N("B4", tie="stop"), R("eighth"), N("C#5", "16th"), N("D5", "16th"), N("E5", "half")),
               StaffHeader("treble", 2, "3/4"), (1, 1, 1, 1, 2)),
    ScoreStaff((N("G2", "half", 1), N("Bb2", "32nd", accidental="flat"), R("32nd", 1),
                N("C3", "16th", accidental="natural")), StaffHeader("bass", -1, "2/4")),
)


def test_page_round_trips_staff_by_staff_with_its_clef_key_and_time_changes():
    assert page_round_trip_mismatch(PAGE) is None
    back = staves_from_musicxml(page_musicxml(PAGE))
    assert [(s.header.clef, s.header.key_fifths, s.header.time) for s in back] == [
        ("treble", 2, "3/4"), ("treble", 2, "3/4"), ("bass", -1, "2/4")]


def test_each_staff_begins_a_new_system_and_only_changes_are_rewritten():
    text = page_musicxml(PAGE)
    assert text.count('<print new-system="yes"') == 3
    # Staff 2 repeats nothing; staff 3 changes clef, key and time.
    assert text.count("<clef>") == 2 and text.count("<key>") == 2 and text.count("<time>") == 2


def test_page_measures_come_from_each_staffs_barlines_or_its_time_signature():
    text = page_musicxml(PAGE)
    # Staff 1: 3/4 filled greedily (the tied half runs past the bar: measure 3 holds it whole); staff 2: its two
    # barline measures; staff 3: one 2/4 bar then the rest.
    assert text.count("<measure ") == 3 + 2 + 2
    numbers = [s.measure_numbers for s in staves_from_musicxml(text)]
    assert numbers[1] == (4, 4, 4, 4, 5) and numbers[2][0] == 6


def test_eighths_and_sixteenths_are_beamed_by_the_beat():
    text = page_musicxml(PAGE)
    assert '<beam number="1">begin</beam>' in text and '<beam number="1">end</beam>' in text


def test_an_empty_staff_keeps_its_system_and_reads_back_empty():
    staves = (PAGE[0], ScoreStaff((), StaffHeader("treble", 2, "3/4")), PAGE[1])
    assert page_round_trip_mismatch(staves) is None
    assert [len(s.events) for s in staves_from_musicxml(page_musicxml(staves))] == [8, 0, 5]


def test_page_midi_plays_each_note_at_its_onset_for_its_length_ties_joined():
    played = notes_from_midi(page_midi(PAGE))
    assert played == sounding_notes(PAGE)
    assert (Fraction(6), 71, Fraction(3)) in played  # B4 half tied over the system break to a quarter
    assert played[-2][1] == 46  # the Bb2 sounds flat


def test_page_round_trip_mismatch_names_the_staff_that_changes():
    # "no time" after 3/4 cannot be written
    staves = (PAGE[0], ScoreStaff(PAGE[1].events, StaffHeader("treble", 2, None)))
    assert page_round_trip_mismatch(staves) == "staff 2: time: wrote None, read back '3/4'"
