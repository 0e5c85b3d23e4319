"""engraved_real windows: whole measures as written, labels read from verovio's SVG and checked against the source
and against verovio's own attributes."""

import numpy as np
import pytest

from omr.engrave.corpus import TuneRef, WindowRejected
from omr.engrave.measures import MeasureWindow, SourceEvent, cut_measure_window
from omr.engrave.real_sample import RealStyle, engrave_measure_window
from omr.engrave.svg_events import read_svg_staff
from omr.engrave.verovio_svg import make_toolkit
from omr.music.events import StaffHeader, staff_position
from omr.samples import NOTATION_BOX_CLASSES

TUNE = TuneRef("test.abc", 1)
VEROVIO_DUR = {"whole": "1", "half": "2", "quarter": "4", "eighth": "8", "16th": "16", "32nd": "32"}


@pytest.fixture(scope="module")
def toolkit():
    return make_toolkit()


def _note(measure, step, octave, duration, dots=0, alter=0, tie=None):
    return SourceEvent("note", duration, dots, measure, step=step, octave=octave, alter=alter, tie=tie)


def _rest(measure, duration, dots=0):
    return SourceEvent("rest", duration, dots, measure)


def _window(events, measures, time="3/4", key_fifths=0, clef="treble"):
    return MeasureWindow(tune=TUNE, title="", events=tuple(events), measures=measures,
                         header=StaffHeader(clef=clef, key_fifths=key_fifths, time=time))


# 3/4 in G major: a dotted quarter, an eighth rest, two 16ths (the second an F natural), an eighth tied over the
# barline to a quarter, a half rest, then a dotted-half rest.
RESTS_DOTS_TIE = [
    _note(0, "G", 4, "quarter", dots=1), _rest(0, "eighth"), _note(0, "A", 4, "16th"), _note(0, "F", 4, "16th"),
    _note(0, "B", 4, "eighth", tie="start"), _note(1, "B", 4, "quarter", tie="stop"), _rest(1, "half"),
    _rest(2, "half", dots=1),
]


def test_window_with_rests_dots_and_a_tie_comes_out_with_those_events(toolkit):
    window = _window(RESTS_DOTS_TIE, measures=3, key_fifths=1)
    sample = engrave_measure_window(toolkit, window, "Leipzig", RealStyle())
    described = [(e.kind, e.duration, e.dots, getattr(e, "tie", None)) for e in sample.events]
    assert described == [(s.kind, s.duration, s.dots, s.tie) for s in window.events]
    notes = [e for e in sample.events if e.kind == "note"]
    assert [(n.step, n.octave, n.alter, n.accidental) for n in notes] == [
        ("G", 4, 0, None), ("A", 4, 0, None), ("F", 4, 0, "natural"), ("B", 4, 0, None), ("B", 4, 0, None)]
    header = sample.header
    assert (header.clef, header.key_fifths, header.time, len(header.barlines)) == ("treble", 1, "3/4", 3)
    labels = [box.label for box in sample.boxes]
    # Our renderer's box names: the key signature's F# is a `sharp`, dots are `augmentation_dot`, the treble clef `clef`.
    assert labels.count("augmentation_dot") == 2 and labels.count("tie") == 1 and labels.count("sharp") == 1
    assert {"rest_eighth", "rest_half", "notehead_filled", "natural", "beam", "clef"} <= set(labels)
    assert set(labels) <= set(NOTATION_BOX_CLASSES)
    # Verovio's own reading of the document it engraved agrees with every label.
    drawn = read_svg_staff(toolkit.renderToSVG(1), "Leipzig").events
    for event, svg_event in zip(sample.events, drawn):
        attributes = toolkit.getElementAttr(svg_event.id)
        assert (attributes["dur"], int(attributes.get("dots", 0))) == (VEROVIO_DUR[event.duration], event.dots)
        if event.kind == "note":
            assert (attributes["pname"].upper(), int(attributes["oct"])) == (event.step, event.octave)


def test_labels_sit_on_the_glyphs_they_name(toolkit):
    window = _window(RESTS_DOTS_TIE, measures=3, key_fifths=1)
    sample = engrave_measure_window(toolkit, window, "Bravura", RealStyle())
    for event in sample.events:
        x, y = int(round(event.x)), int(round(event.y))
        assert sample.image[y - 2 : y + 3, x - 3 : x + 4].min() < 128, event
    for box in sample.boxes:
        x0, y0, x1, y1 = (int(round(v)) for v in box.xyxy)
        if box.label != "staff":
            assert sample.image[y0 : y1 + 1, x0 : x1 + 1].min() < 128, box


def test_bass_clef_window_reads_its_notes_on_the_bass_staff(toolkit):
    events = [_note(0, "G", 2, "quarter"), _note(0, "B", 2, "quarter", alter=-1), _note(0, "A", 3, "half")]
    sample = engrave_measure_window(toolkit, _window(events, 1, time="4/4", clef="bass", key_fifths=-1),
                                    "Leipzig", RealStyle())
    bottom_line = sample.staff_lines[-1]
    assert sample.header.clef == "bass" and [b.label for b in sample.boxes].count("clef_bass") == 1
    assert [(n.step, n.octave, n.alter) for n in sample.events] == [("G", 2, 0), ("B", 2, -1), ("A", 3, 0)]
    assert sample.events[0].y == pytest.approx(bottom_line)  # G2 sits on the bass staff's bottom line
    assert sample.events[2].y == pytest.approx(bottom_line - 8 * 8.0 / 2)  # A3 on the top line


def test_corpus_window_moved_into_bass_clef_keeps_its_spelling_within_two_ledger_lines():
    from music21 import key, meter, note, stream

    measure = stream.Measure([meter.TimeSignature("2/4"), key.KeySignature(-1)]
                             + [note.Note(p, quarterLength=0.5) for p in ("B-5", "A5", "G5", "E-5")])
    window = cut_measure_window(stream.Score([stream.Part([measure])]), TUNE, np.random.default_rng(0), (1, 1),
                                1.0, (-4, 12))
    assert window.header.clef == "bass" and window.octave_shift in (1, 2)
    assert [(n.step, n.alter) for n in window.notes] == [("B", -1), ("A", 0), ("G", 0), ("E", -1)]
    assert all(-4 <= staff_position(n.step, n.octave, "bass") <= 12 for n in window.notes)


def _one_measure_score(*elements, time="4/4"):
    from music21 import meter, stream

    return stream.Score([stream.Part([stream.Measure([meter.TimeSignature(time), *elements])])])


def _refusal(score) -> str:
    with pytest.raises(WindowRejected) as refused:
        cut_measure_window(score, TUNE, np.random.default_rng(0), (1, 1), 0.0, (-4, 12))
    return refused.value.reason


def test_chord_double_accidental_and_what_no_event_can_say_are_still_refused_with_their_reason():
    from music21 import chord, duration, note

    assert _refusal(_one_measure_score(chord.Chord(["C5", "E5"], type="whole"))) == "chord"
    assert _refusal(_one_measure_score(note.Note("F##5", type="whole"))) == "double_or_microtonal_accidental"
    assert _refusal(_one_measure_score(note.Note("C5", type="whole"), time="5/4")) == "too_short"  # not full
    # A 3:4 triplet prints a 3, which the tuplet-number rule reads as 3:2: no reader could label it.
    three_in_four = [note.Note("C5", type="quarter") for _ in range(3)]
    for written in three_in_four:
        written.duration.appendTuplet(duration.Tuplet(3, 4))
    assert _refusal(_one_measure_score(*three_in_four)) == "tuplet_ratio_unprinted"
    three_dots = note.Note("C5", type="half", dots=3)
    assert _refusal(_one_measure_score(three_dots, note.Note("D5", type="16th"))) == "duration_unsupported"
    assert _refusal(_one_measure_score(note.Note("C5", type="breve", dots=1), time="3/1")) == (
        "time_signature_unsupported")


def test_tie_out_of_the_window_is_dropped_with_its_partner_outside():
    from music21 import note, tie

    last = note.Note("C5", type="half")
    last.tie = tie.Tie("start")  # continues into a measure the window does not hold
    window = cut_measure_window(_one_measure_score(note.Note("E5", type="half"), last), TUNE,
                                np.random.default_rng(0), (1, 1), 0.0, (-4, 12))
    assert [n.tie for n in window.notes] == [None, None]


@pytest.mark.parametrize(
    "corrupt, reason",
    [(lambda e: _note(e.measure, "C", 5, e.duration, e.dots, tie=e.tie), "pitch_mismatch"),
     (lambda e: _note(e.measure, e.step, e.octave, e.duration, 0, tie=e.tie), "dots_mismatch")],
    ids=["pitch", "dots"],
)
def test_window_whose_engraving_differs_from_its_source_is_dropped(toolkit, monkeypatch, corrupt, reason):
    from omr.engrave import real_sample

    truth = _window(RESTS_DOTS_TIE, measures=3, key_fifths=1)
    wrong = _window([corrupt(RESTS_DOTS_TIE[0])] + RESTS_DOTS_TIE[1:], measures=3, key_fifths=1)
    real = real_sample.measure_window_musicxml
    # Verovio engraves the true window; the labels are checked against a source with one note corrupted.
    monkeypatch.setattr(real_sample, "measure_window_musicxml", lambda window: real(truth))
    with pytest.raises(WindowRejected) as refused:
        engrave_measure_window(toolkit, wrong, "Leipzig", RealStyle())
    assert refused.value.reason == reason


def test_labels_survive_events_to_musicxml_and_back(toolkit):
    from omr.music.musicxml import events_from_musicxml, events_to_musicxml

    sample = engrave_measure_window(toolkit, _window(RESTS_DOTS_TIE, measures=3, key_fifths=1), "Leipzig",
                                    RealStyle())
    measures = [e.measure + 1 for e in RESTS_DOTS_TIE]
    text = events_to_musicxml(sample.events, "treble", 1, "3/4", measure_numbers=measures)
    back, clef, key_fifths, time = events_from_musicxml(text)
    assert (clef, key_fifths, time) == ("treble", 1, "3/4")
    assert [e.to_json() | {"x": 0, "y": 0} for e in back] == [e.to_json() | {"x": 0, "y": 0} for e in sample.events]


def test_label_that_does_not_survive_the_round_trip_is_refused(toolkit, monkeypatch):
    from omr.music import musicxml

    window = _window(RESTS_DOTS_TIE, measures=3, key_fifths=1)
    real = musicxml.staff_from_musicxml
    # A reader that loses the last rest stands for any label the MusicXML cannot carry back.
    monkeypatch.setattr(musicxml, "staff_from_musicxml", lambda text: (real(text)[0][:-1], *real(text)[1:]))
    with pytest.raises(WindowRejected) as refused:
        engrave_measure_window(toolkit, window, "Leipzig", RealStyle())
    assert refused.value.reason == "round_trip_mismatch"


def test_whole_note_whole_rest_and_32nds_get_their_own_glyph_boxes(toolkit):
    events = [_note(0, "C", 5, "whole"), _rest(1, "whole"),
              _note(2, "D", 5, "half", dots=1), _note(2, "E", 5, "32nd"), _note(2, "F", 5, "32nd", alter=1),
              _note(2, "G", 5, "16th"), _rest(2, "eighth")]
    sample = engrave_measure_window(toolkit, _window(events, 3, time="4/4"), "Bravura", RealStyle())
    assert [(e.kind, e.duration, e.dots) for e in sample.events] == [(e.kind, e.duration, e.dots) for e in events]
    labels = [box.label for box in sample.boxes]
    assert labels.count("notehead_whole") == 1 and labels.count("rest_whole") == 1
    assert labels.count("rest_eighth") == 1 and labels.count("notehead_hollow") == 1 and "sharp" in labels
    whole_rest = next(box for box in sample.boxes if box.label == "rest_whole")
    # A whole rest hangs from the fourth line (the second from the top).
    assert whole_rest.xyxy[1] == pytest.approx(sample.staff_lines[1], abs=1.0)


def test_beams_get_one_box_per_level_segment_as_our_renderer_draws_them(toolkit):
    # Two 16ths and an eighth under one beam: the eighth level spans all three heads, the 16th level the first two.
    events = [_note(0, "A", 4, "16th"), _note(0, "B", 4, "16th"), _note(0, "C", 5, "eighth"), _rest(0, "quarter"),
              _note(0, "D", 5, "half")]
    sample = engrave_measure_window(toolkit, _window(events, 1, time="4/4"), "Leipzig", RealStyle())
    beams = sorted((box.xyxy for box in sample.boxes if box.label == "beam"), key=lambda xyxy: xyxy[2] - xyxy[0])
    heads = [box.xyxy for box in sample.boxes if box.label == "notehead_filled"]
    assert len(beams) == 2  # the beam group's own box would be one
    sixteenth, eighth = beams
    # Each level ends on the stem of its last note, which stands on one side of that note's head.
    assert heads[1][0] <= sixteenth[2] <= heads[1][2] + 1 and heads[2][0] <= eighth[2] <= heads[2][2] + 1
    assert sixteenth[0] == pytest.approx(eighth[0])
