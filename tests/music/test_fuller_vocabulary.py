"""The fuller vocabulary (CONTRACT.md): tuplets, grace notes, breves, measure rests and header changes inside a
staff, in the event model, its JSON (absent where unused, so older labels stay byte-identical), the metrics, and
MusicXML through music21 (round trip unchanged, every file valid against the schema)."""

import dataclasses
import json
from fractions import Fraction

import pytest

from omr.evaluate.metrics import event_token, exact_match, ser
from omr.music.events import (DURATIONS, HeaderChange, StaffHeader, SymbolicNote as N, SymbolicRest as R,
                              event_from_json, event_text)
from omr.music.musicxml import (events_from_musicxml, events_round_trip_mismatch, events_to_musicxml, measure_groups,
                                staff_from_musicxml)
from omr.music.schema import musicxml_errors
from omr.samples import SampleLabel

# One line of labels.jsonl as every dataset wrote it before the fuller vocabulary (compact JSON, keys in order).
OLD_LABEL = (
    '{"id":"00000","image":"images/00000.png","mask":null,"width":96,"height":64,"staff_space":8.0,'
    '"staff_lines":[16.4,24.4,32.4,40.4,48.4],"clef":"treble","key_fifths":-1,"time":"2/4","barlines":[50.5],'
    '"events":[{"kind":"note","step":"B","octave":4,"alter":-1,"accidental":null,"duration":"eighth","dots":1,'
    '"tie":"start","x":20.25,"y":36.4},{"kind":"rest","duration":"16th","dots":0,"x":40.0,"y":32.4},'
    '{"kind":"note","step":"B","octave":4,"alter":-1,"accidental":null,"duration":"quarter","dots":0,"tie":"stop",'
    '"x":60.5,"y":36.4}],"boxes":[{"class":"staff","xyxy":[0.0,16.4,96.0,48.4]}],'
    '"pitch_vector":[' + ",".join(["0"] * 29 + ["1"] + ["0"] * 22) + '],"source":"tune"}'
)


def placed(events):
    """The events 10 px apart from x = 10, as a label's are left to right."""
    return [dataclasses.replace(event, x=10.0 * (index + 1)) for index, event in enumerate(events)]


# --- events and their JSON ------------------------------------------------------------------------------------------

def test_old_label_is_byte_identical_after_read_and_write():
    label = SampleLabel.from_json(json.loads(OLD_LABEL))
    assert json.dumps(label.to_json(), separators=(",", ":")) == OLD_LABEL
    assert label.header.changes == ()


def test_fuller_fields_default_to_null_and_false_and_are_not_written():
    note, rest = event_from_json({"step": "C", "octave": 4}), event_from_json({"kind": "rest", "duration": "half"})
    assert (note.tuplet, note.grace, rest.tuplet, rest.measure) == (None, False, None, False)
    assert not {"tuplet", "grace"} & set(note.to_json()) and not {"tuplet", "measure"} & set(rest.to_json())
    assert "changes" not in StaffHeader("treble", 2, "3/4").to_json()


@pytest.mark.parametrize("event", [N("C", 5, 0, "eighth", tuplet=(3, 2), x=1.5), N("D", 5, 0, "16th", grace=True),
                                   N("E", 4, 0, "breve"), R("eighth", tuplet=(5, 4)), R("whole", measure=True),
                                   R("breve")])
def test_fuller_event_survives_json(event):
    data = event.to_json()
    assert json.loads(json.dumps(data)) == data and event_from_json(json.loads(json.dumps(data))) == event


def test_fuller_fields_json_spelling():
    assert N("C", 5, 0, "eighth", tuplet=(3, 2)).to_json()["tuplet"] == [3, 2]
    assert N("C", 5, 0, "eighth", grace=True).to_json()["grace"] is True
    assert R("whole", measure=True).to_json()["measure"] is True


def test_header_changes_survive_json_and_are_written_after_barlines():
    header = StaffHeader("treble", 0, "4/4", (100.0,), (HeaderChange(x=80.123, clef="bass"),
                                                         HeaderChange(x=150.0, key_fifths=-2, time="3/4")))
    data = header.to_json()
    assert list(data) == ["clef", "key_fifths", "time", "barlines", "changes"]
    assert data["changes"] == [{"x": 80.12, "clef": "bass"}, {"x": 150.0, "key_fifths": -2, "time": "3/4"}]
    back = StaffHeader.from_json(json.loads(json.dumps(data)))
    assert back.changes == (HeaderChange(x=80.12, clef="bass"), HeaderChange(x=150.0, key_fifths=-2, time="3/4"))


def test_a_label_with_changes_keeps_them_out_of_extra():
    data = json.loads(OLD_LABEL)
    data["changes"] = [{"x": 55.0, "clef": "bass"}]
    label = SampleLabel.from_json(data)
    assert label.header.changes == (HeaderChange(x=55.0, clef="bass"),) and "changes" not in label.extra
    assert label.to_json()["changes"] == [{"x": 55.0, "clef": "bass"}]


@pytest.mark.parametrize("make", [lambda: HeaderChange(x=1.0), lambda: HeaderChange(x=1.0, clef="alto"),
                                  lambda: HeaderChange(x=1.0, key_fifths=8), lambda: HeaderChange(x=1.0, time="3/5"),
                                  lambda: StaffHeader(changes=(HeaderChange(x=9.0, clef="bass"),
                                                               HeaderChange(x=2.0, clef="treble"))),
                                  lambda: N("C", 4, tuplet=(3, 3)), lambda: N("C", 4, tuplet=[3, 2]),
                                  lambda: R("half", measure=True), lambda: N("C", 4, duration="longa"),
                                  lambda: N("C", 4, duration="eighth", grace=True, tuplet=(3, 2))])
def test_malformed_fuller_vocabulary_is_refused(make):
    with pytest.raises(ValueError):
        make()


def test_breve_is_kept_out_of_the_lists_datasets_and_models_are_built_from():
    assert DURATIONS == ("whole", "half", "quarter", "eighth", "16th", "32nd")
    assert event_text(N("C", 4, 0, "breve")) == "C4:0"


# --- quarter lengths ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("event, quarters", [
    (N("C", 4, 0, "eighth"), Fraction(1, 2)),
    (N("C", 4, 0, "eighth", tuplet=(3, 2)), Fraction(1, 3)),
    (N("C", 4, 0, "eighth", tuplet=(2, 3)), Fraction(3, 4)),
    (N("C", 4, 0, "16th", tuplet=(5, 4)), Fraction(1, 5)),
    (N("C", 4, 0, "quarter", dots=1, tuplet=(3, 2)), Fraction(1)),
    (N("C", 4, 0, "eighth", grace=True), Fraction(0)),
    (N("C", 4, 0, "breve"), Fraction(8)),
    (N("C", 4, 0, "breve", dots=1), Fraction(12)),
    (R("quarter", tuplet=(3, 2)), Fraction(2, 3)),
])
def test_quarter_length_follows_tuplet_and_grace(event, quarters):
    assert event.quarter_length == quarters


@pytest.mark.parametrize("events, time, sizes", [
    ([N("C", 5, 0, "eighth", tuplet=(3, 2))] * 3 + [N("D", 5)] * 2, "3/4", [5]),
    ([N("C", 5, 0, "eighth", tuplet=(3, 2))] * 6 + [N("D", 5)], "2/4", [6, 1]),
    ([N("C", 5, 0, "eighth", grace=True), N("D", 5, 0, "half"), N("C", 5, 0, "eighth", grace=True),
      N("E", 5, 0, "half")], "2/4", [2, 2]),
    ([N("C", 5), R("whole", measure=True), N("D", 5, 0, "half", dots=1)], "3/4", [1, 1, 1]),
    ([R("whole", measure=True), N("D", 5, 0, "quarter", dots=1), N("E", 5, 0, "quarter", dots=1)], "6/8", [1, 2]),
])
def test_measures_filled_by_the_meter_count_tuplets_graces_and_measure_rests(events, time, sizes):
    assert [len(members) for _, members in measure_groups(events, time)] == sizes


# --- metrics (CONTRACT: a triplet eighth is not an eighth) ----------------------------------------------------------

@pytest.mark.parametrize("predicted, true", [
    (N("C", 5, 0, "eighth"), N("C", 5, 0, "eighth", tuplet=(3, 2))),
    (N("C", 5, 0, "eighth"), N("C", 5, 0, "eighth", grace=True)),
    (R("whole"), R("whole", measure=True)),
    (N("C", 5, 0, "eighth", tuplet=(2, 3)), N("C", 5, 0, "eighth", tuplet=(3, 2))),
])
def test_one_fuller_field_off_is_one_substitution(predicted, true):
    truth = [N("A", 4), true, N("B", 4), N("C", 5)]
    assert ser([[N("A", 4), predicted, N("B", 4), N("C", 5)]], [truth]) == pytest.approx(1 / 4)
    assert exact_match([[N("A", 4), predicted, N("B", 4), N("C", 5)]], [truth]) == 0.0
    assert ser([truth], [truth]) == 0.0 and exact_match([truth], [truth]) == 1.0


def test_event_tokens_without_fuller_fields_are_unchanged():
    assert event_token(N("C", 5, 1, "eighth", dots=1)) == ("note", "C", 5, 1, "eighth", 1)
    assert event_token(R("half")) == ("rest", "half", 0)


# --- MusicXML through music21 ---------------------------------------------------------------------------------------

TRIPLET = [N("C", 5, 0, "eighth", tuplet=(3, 2)), N("D", 5, 0, "eighth", tuplet=(3, 2)),
           N("E", 5, 0, "eighth", tuplet=(3, 2)), N("F", 5, 0, "quarter"), N("G", 5, 0, "half")]
STAVES = {
    "3:2 triplet of eighths in 4/4": (TRIPLET, "4/4"),
    "triplet with a rest, quarter + eighth": ([N("C", 5, 0, "quarter", tuplet=(3, 2)), R("eighth", tuplet=(3, 2)),
                                               N("D", 5, 0, "quarter", dots=1)], "5/8"),
    "2:3 duplet in 6/8": ([N("C", 5, 0, "eighth", tuplet=(2, 3)), N("D", 5, 0, "eighth", tuplet=(2, 3)),
                           N("E", 5, 0, "quarter", dots=1), N("F", 5, 0, "quarter", dots=1)], "6/8"),
    "5:4 quintuplet of 16ths": ([N("C", 5, 0, "16th", tuplet=(5, 4))] * 5 + [N("D", 5, 0, "half", dots=1)], "4/4"),
    "grace note before a quarter": ([N("B", 4, 0, "eighth", grace=True), N("C", 5, 0, "quarter"),
                                     N("D", 5, 1, "16th", accidental="sharp", grace=True), N("E", 5, 0, "half")],
                                    "3/4"),
    "breve in 4/2": ([N("C", 5, 0, "breve"), R("breve"), N("D", 5, 0, "whole", dots=1), N("E", 5, 0, "half")],
                     "4/2"),
    "measure rest in 3/4": ([N("C", 5, 0, "half", dots=1), R("whole", measure=True), N("D", 5, 0, "half", dots=1)],
                            "3/4"),
    "measure rest in 6/8": ([R("whole", measure=True), N("C", 5, 0, "quarter", dots=1),
                             N("D", 5, 0, "quarter", dots=1)], "6/8"),
}


@pytest.mark.parametrize("name", list(STAVES))
def test_fuller_events_round_trip_through_valid_musicxml(name):
    events, time = STAVES[name]
    events = placed(events)
    assert events_round_trip_mismatch(events, "treble", 0, time) is None
    assert musicxml_errors(events_to_musicxml(events, "treble", 0, time)) == []


def test_musicxml_spells_the_fuller_vocabulary():
    events = placed([N("C", 5, 0, "eighth", grace=True), *TRIPLET, R("whole", measure=True), N("D", 4, 0, "breve")])
    text = events_to_musicxml(events, "treble", 0, "4/4")
    assert text.count("<actual-notes>3</actual-notes>") == 3 and text.count("<normal-notes>2</normal-notes>") == 3
    assert 'type="start"' in text and 'type="stop"' in text and text.count("<tuplet ") == 2
    assert "<grace" in text and '<rest measure="yes"' in text and "<type>breve</type>" in text


HEADER_CHANGES = {
    "clef change inside a measure": ("4/4", (HeaderChange(x=25.0, clef="bass"),)),
    "key change at a measure start": ("2/4", (HeaderChange(x=25.0, key_fifths=-3),)),
    "time change (starts a measure)": ("2/4", (HeaderChange(x=45.0, time="3/4"),)),
    "all three at once, then a clef back": ("2/4", (HeaderChange(x=25.0, clef="bass", key_fifths=2, time="C"),
                                                    HeaderChange(x=65.0, clef="treble"))),
    "a clef right of every event": ("4/4", (HeaderChange(x=95.0, clef="bass"),)),
}


@pytest.mark.parametrize("name", list(HEADER_CHANGES))
def test_header_changes_round_trip_through_valid_musicxml(name):
    time, changes = HEADER_CHANGES[name]
    events = placed([N("C", 5), N("D", 5), N("E", 3), N("F", 3), N("G", 3), N("A", 3), N("B", 3), N("C", 4)])
    assert events_round_trip_mismatch(events, "treble", 1, time, changes=changes) is None
    text = events_to_musicxml(events, "treble", 1, time, changes=changes)
    assert musicxml_errors(text) == []
    _, header, positions = staff_from_musicxml(text)
    assert (header.clef, header.key_fifths, header.time) == ("treble", 1, time)
    assert len(header.changes) == len(positions) == len(changes)


def test_time_change_starts_a_new_measure_and_is_read_where_it_stands():
    events = placed([N("C", 5), N("D", 5), N("E", 5), N("F", 5), N("G", 5), N("A", 5)])
    changes = (HeaderChange(x=25.0, time="3/4"),)
    assert [len(m) for _, m in measure_groups(events, "4/4", changes=changes)] == [2, 3, 1]
    _, header, positions = staff_from_musicxml(events_to_musicxml(events, "treble", 0, "4/4", changes=changes))
    assert positions == (2,) and header.changes == (HeaderChange(x=0.0, time="3/4"),)


def test_a_misplaced_change_is_reported():
    events = placed([N("C", 5), N("D", 5), N("E", 5)])
    mismatch = events_round_trip_mismatch(events, "treble", 0, None, changes=(HeaderChange(x=15.0, clef="treble"),))
    assert mismatch is not None and mismatch.startswith("changes")


def test_one_staff_reader_still_refuses_a_staff_that_changes_its_clef():
    events = placed([N("C", 5), N("D", 3)])
    text = events_to_musicxml(events, "treble", 0, None, changes=(HeaderChange(x=15.0, clef="bass"),))
    with pytest.raises(ValueError, match="changes its clef"):
        events_from_musicxml(text)
