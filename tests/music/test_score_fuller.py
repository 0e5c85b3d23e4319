"""A page of the fuller notation through the page writer (omr.music.score) and `omr transcribe`'s assembly: triplets,
grace notes, measure rests, breves and clef/key/time changes inside a staff, carried into the next system, written
as schema-valid MusicXML that music21 reads back to the same events per staff, and MIDI of the right length."""

import dataclasses
import json
from fractions import Fraction

import numpy as np

from omr.music.events import HeaderChange, StaffHeader, SymbolicNote as N, SymbolicRest as R
from omr.music.schema import musicxml_errors
from omr.music.score import (ScoreStaff, header_at_end, midi_length, notes_from_midi, page_midi, page_musicxml,
                             page_round_trip_mismatch, sounding_notes, staves_from_musicxml)

T = (3, 2)


def placed(events, start=0.0):
    """The events 10 px apart from x = start + 10, as a staff's are left to right."""
    return tuple(dataclasses.replace(event, x=start + 10.0 * (index + 1)) for index, event in enumerate(events))


# Two systems of two staves (a duet). The upper part: a triplet, a grace note, a measure rest in 3/4, then clef, key
# and time change together inside the staff (to bass, two flats, 4/2) before a breve; the second system starts where
# the first left off. The lower part: a measure rest, a triplet of quarters, a key and time change.
UPPER_1 = placed([N("C", 5, 0, "eighth", tuplet=T), N("D", 5, 0, "eighth", tuplet=T), N("E", 5, 0, "eighth", tuplet=T),
                  N("F", 5, 0, "quarter"), N("G", 5, 0, "quarter"),
                  R("whole", measure=True),
                  N("B", 4, 0, "eighth", grace=True), N("C", 5, 0, "half", dots=1),
                  N("C", 3, 0, "breve"), N("B", 2, -1, "whole"), N("C", 3, 0, "whole")])
LOWER_1 = placed([N("G", 2, 0, "half", dots=1), R("whole", measure=True),
                  N("C", 3, 0, "quarter", tuplet=T), N("D", 3, 0, "quarter", tuplet=T),
                  N("E", 3, 0, "quarter", tuplet=T),
                  N("F", 3, 0, "quarter"), R("breve"), N("E", 3, -1, "breve")])
UPPER_2 = placed([R("whole", measure=True), N("D", 3, 0, "breve", tie="start"), N("D", 3, 0, "breve", tie="stop")])
LOWER_2 = placed([N("G", 2, 0, "breve"), R("whole", measure=True), N("D", 3, 0, "whole", dots=1), N("C", 3, 0, "half")])
CHANGE_UPPER = HeaderChange(x=85.0, clef="bass", key_fifths=-2, time="4/2")  # before the breve C3 (event 8)
CHANGE_LOWER = HeaderChange(x=65.0, key_fifths=-2, time="4/2")  # before the breve rest (event 6)
SECOND = StaffHeader("bass", -2, "4/2")
PAGE = (
    ScoreStaff(UPPER_1, StaffHeader("treble", 0, "3/4", changes=(CHANGE_UPPER,)), part=0),
    ScoreStaff(LOWER_1, StaffHeader("bass", 0, "3/4", changes=(CHANGE_LOWER,)), part=1),
    ScoreStaff(UPPER_2, SECOND, part=0),
    ScoreStaff(LOWER_2, SECOND, part=1),
)


def test_fuller_page_is_schema_valid_and_spells_each_new_symbol():
    text = page_musicxml(PAGE, title="fuller")
    assert musicxml_errors(text) == []
    assert text.count("<time-modification>") == 6 and text.count("<actual-notes>3</actual-notes>") == 6
    assert text.count("<grace") == 1 and text.count('<rest measure="yes"') == 4
    assert text.count("<type>breve</type>") == 6 and text.count('new-system="yes"') == 4


def test_fuller_page_reads_back_through_music21_to_the_same_events_per_staff():
    back = staves_from_musicxml(page_musicxml(PAGE))
    assert [staff.events for staff in back] == [tuple(dataclasses.replace(e, x=0.0) for e in s.events) for s in PAGE]
    assert [staff.part for staff in back] == [0, 1, 0, 1]
    assert page_round_trip_mismatch(PAGE) is None


def test_a_change_inside_a_staff_is_read_where_it_stands_and_carried_into_the_next_system():
    back = staves_from_musicxml(page_musicxml(PAGE))
    assert back[0].header.changes == (HeaderChange(x=0.0, clef="bass", key_fifths=-2, time="4/2"),)
    assert back[0].change_indices == (8,) and back[1].change_indices == (6,)
    assert (back[0].header.clef, back[0].header.key_fifths, back[0].header.time) == ("treble", 0, "3/4")
    # The second system writes no signature of its own: it continues what the first left in force.
    assert [(s.header.clef, s.header.key_fifths, s.header.time, s.header.changes) for s in back[2:]] == \
        [("bass", -2, "4/2", ())] * 2
    assert header_at_end(PAGE[0].header) == SECOND


def test_measures_count_the_triplet_grace_and_measure_rest_and_the_time_change_starts_one():
    back = staves_from_musicxml(page_musicxml(PAGE))
    # 3/4: triplet + two quarters | measure rest | grace + dotted half || 4/2: breve | two wholes
    assert back[0].measure_numbers == (1, 1, 1, 1, 1, 2, 3, 3, 4, 5, 5)
    # The second system starts on measure 6 in both parts: a measure rest in 4/2, then a breve a measure.
    assert back[2].measure_numbers == (6, 7, 8) and back[3].measure_numbers == (6, 7, 8, 8)


def test_midi_scales_tuplets_skips_grace_notes_and_gives_measure_rests_their_meter():
    data = page_midi(PAGE)
    played = notes_from_midi(data)
    assert played == sounding_notes(PAGE)
    assert (Fraction(1, 3), 74, Fraction(1, 3)) in played  # the triplet's D5
    assert (Fraction(6), 72, Fraction(3)) in played  # the dotted half after the 3-quarter measure rest, grace silent
    assert 71 not in [key for _, key, _ in played]  # the grace B4 takes no time and is not played
    assert (Fraction(33), 50, Fraction(16)) in played  # two tied breves in 4/2 sound as one
    # 3 + 3 + 3 + 8 + 8 quarters, then a 4/2 measure rest (8) and two breves: 49 quarters in each part.
    assert midi_length(data) == Fraction(49)


def test_a_measure_rest_in_five_four_fills_five_quarters_in_midi():
    events = placed([R("whole", measure=True), N("C", 5, 0, "whole"), N("D", 5)])
    staves = [ScoreStaff(events, StaffHeader("treble", 0, "5/4"))]
    assert notes_from_midi(page_midi(staves)) == [(Fraction(5), 72, Fraction(4)), (Fraction(9), 74, Fraction(1))]
    assert page_round_trip_mismatch(staves) is None and musicxml_errors(page_musicxml(staves)) == []


def test_a_misplaced_change_is_named_by_the_page_round_trip():
    wrong = dataclasses.replace(PAGE[0], change_indices=(0,))  # before the first event: no change a file can hold
    assert page_round_trip_mismatch([wrong]).startswith("staff 1: changes (before event, change): wrote [(0, ")


# --- omr transcribe: the assembly of recognised staves and the files it writes ----------------------------------------

def _recognition(events, header):
    from omr.transcribe.recognize import Recognition

    return Recognition(events=events, output=None, scale=1.0, header=header)


def _located(system, y):
    from omr.transcribe.locate import LocatedStaff

    return LocatedStaff(image=np.full((64, 200), 255, np.uint8), angle=0.0, origin=(20, y),
                        staff_lines=(20.0, 26.0, 32.0, 38.0, 44.0), staff_space=6.0, system=system, extent=(20, 200))


def _transcribed_page():
    """The page as four recognitions (crop pixels): the second system prints clef and key, not the time."""
    from omr.transcribe.assemble import page_from_recognitions

    recognitions = [_recognition(s.events, dataclasses.replace(s.header, time=s.header.time if i < 2 else None))
                    for i, s in enumerate(PAGE)]
    located = [_located(system, 80 * index) for index, system in enumerate((0, 0, 1, 1))]
    return page_from_recognitions(located, recognitions, "sequence", (240, 320))


def test_transcription_carries_the_changed_time_into_the_next_system_and_moves_changes_onto_the_page():
    page = _transcribed_page()
    assert [staff.part for staff in page.staves] == [0, 1, 0, 1]
    assert page.staves[0].header.changes == (dataclasses.replace(CHANGE_UPPER, x=105.0),)  # crop x + origin 20
    assert [(s.header.clef, s.header.key_fifths, s.header.time) for s in page.staves[2:]] == [("bass", -2, "4/2")] * 2
    assert [e.alter for e in page.staves[2].events if e.kind == "note"] == [0, 0]


def test_transcribed_page_writes_musicxml_that_gives_back_every_staff_and_its_changes():
    from omr.transcribe.write import notes_document, score_staves

    page = _transcribed_page()
    staves = score_staves(page)
    assert page_round_trip_mismatch(staves) is None
    text = page_musicxml(staves)
    assert musicxml_errors(text) == []
    assert [s.events for s in staves_from_musicxml(text)] == \
        [tuple(dataclasses.replace(e, x=0.0) for e in s.events) for s in PAGE]
    document = json.loads(json.dumps(notes_document(page)))
    assert document["staves"][0]["changes"] == [{"x": 105.0, "clef": "bass", "key_fifths": -2, "time": "4/2"}]
    assert "changes" not in document["staves"][2]


def test_a_grace_note_after_a_tie_across_staves_is_left_alone():
    from omr.transcribe.assemble import StaffTranscription, tied_across_staves

    located = _located(0, 0)
    first = StaffTranscription(events=(N("C", 5, 0, "half", tie="start"),), staff=located)
    second = StaffTranscription(events=(N("C", 5, 0, "eighth", grace=True), N("C", 5, 0, "half")), staff=located)
    assert tied_across_staves([first, second])[1].events == second.events


# --- a page label (the `pages`/`duets` kind) checked as a page ------------------------------------------------------

def _page_label():
    """PAGE as a duet's label: the second system prints no time (a page prints it once)."""
    from omr.samples import SampleLabel

    events, staves = [], []
    for index, staff in enumerate(PAGE):
        header = staff.header if index < 2 else dataclasses.replace(staff.header, time=None)
        staves.append({**header.to_json(), "events": [len(events), len(events) + len(staff.events)],
                       "part": staff.part + 1, "system": index // 2})
        events += staff.events
    return SampleLabel("p", "", 240, 320, 6.0, (0.0, 6.0, 12.0, 18.0, 24.0), tuple(events),
                       header=PAGE[0].header, extra={"staves": json.loads(json.dumps(staves))})


def test_a_page_label_with_the_fuller_notation_survives_the_page_round_trip():
    from omr.music.round_trip import page_label_mismatch, page_label_staves

    label = _page_label()
    assert [s.header.time for s in page_label_staves(label)] == ["3/4", "3/4", "4/2", "4/2"]
    assert page_label_mismatch(label) is None


def test_a_page_label_whose_change_stands_before_every_event_is_named():
    from omr.music.round_trip import page_label_mismatch

    label = _page_label()
    staves = [dict(staff) for staff in label.extra["staves"]]
    staves[1]["changes"] = [{"x": 5.0, "key_fifths": -2, "time": "4/2"}]  # left of the first event: no file holds it
    mismatch = page_label_mismatch(dataclasses.replace(label, extra={"staves": staves}))
    assert mismatch.startswith("staff 2: changes (before event, change): wrote [(0, ")


def test_cut_time_is_written_as_the_slashed_c_and_read_back_as_cut_time():
    staves = [ScoreStaff(placed([N("C", 5, 0, "half"), N("D", 5, 0, "half"), R("whole", measure=True)]),
                         StaffHeader("treble", 0, "C|")),
              ScoreStaff(placed([N("E", 5, 0, "breve")]), StaffHeader("treble", 0, "2/2"))]
    text = page_musicxml(staves)
    assert '<time symbol="cut">' in text and musicxml_errors(text) == []
    assert [s.header.time for s in staves_from_musicxml(text)] == ["C|", "2/2"]
    assert page_round_trip_mismatch(staves) is None


def test_a_grace_note_is_not_paired_with_a_later_note_of_its_key_in_midi():
    # A grace B5 before C6, then B5 tied: written as a zero-length note, a reader would sound B5 from the grace on.
    events = placed([N("B", 5, 0, "eighth", grace=True), N("C", 6), N("B", 5, 0, "eighth", tie="start"),
                     N("B", 5, 0, "16th", tie="stop"), R("16th"), N("A", 5, 0, "half")])
    staves = [ScoreStaff(events, StaffHeader("treble", 0, "4/4"))]
    assert notes_from_midi(page_midi(staves)) == sounding_notes(staves) == [
        (Fraction(0), 84, Fraction(1)), (Fraction(1), 83, Fraction(3, 4)), (Fraction(2), 81, Fraction(2))]
