"""The fuller vocabulary in the engraved sets: tuplets, grace notes, breves, measure rests, every meter and signatures
changed inside a window, each label verified against verovio's SVG and attributes and the MusicXML round trip."""

import numpy as np
import pytest

from omr.engrave import page
from omr.engrave.corpus import TuneRef, WindowRejected, parse_tune
from omr.engrave.measures import cut_measure_window
from omr.engrave.real_sample import RealStyle, engrave_measure_window
from omr.engrave.sets import fuller_counts
from omr.engrave.verovio_svg import make_toolkit
from omr.engrave.window import MeasureWindow, SourceChange, SourceEvent
from omr.music.events import HeaderChange, StaffHeader
from omr.music.musicxml import events_round_trip_mismatch

TUNE = TuneRef("test.abc", 1)


@pytest.fixture(scope="module")
def toolkit():
    return make_toolkit()


def _note(measure, step, octave, duration, **fields):
    return SourceEvent("note", duration, fields.pop("dots", 0), measure, step=step, octave=octave, **fields)


def _measure_rest(measure):
    return SourceEvent("rest", "whole", 0, measure, fills_measure=True)


def _window(events, measures, time, key_fifths=0, clef="treble", changes=()):
    return MeasureWindow(tune=TUNE, title="", events=tuple(events), measures=measures,
                         header=StaffHeader(clef=clef, key_fifths=key_fifths, time=time), changes=tuple(changes))


def _labels(sample):
    return [event.to_json() | {"x": 0, "y": 0} for event in sample.events]


# 2/4: an eighth triplet and a quarter; then (3/8 from here) a duplet of eighths against the dotted quarter.
TUPLETS = [_note(0, "C", 5, "eighth", tuplet=(3, 2)), _note(0, "D", 5, "eighth", tuplet=(3, 2)),
           _note(0, "E", 5, "eighth", tuplet=(3, 2)), _note(0, "F", 5, "quarter"),
           _note(1, "G", 5, "eighth", tuplet=(2, 3)), _note(1, "A", 5, "eighth", tuplet=(2, 3))]


@pytest.mark.parametrize("font", ["Leipzig", "Bravura"])
def test_tuplet_events_carry_the_ratio_verovio_prints_and_one_tuplet_box_per_number(toolkit, font):
    window = _window(TUPLETS, 2, "2/4", changes=[SourceChange(1, time="3/8")])
    sample = engrave_measure_window(toolkit, window, font, RealStyle())
    assert [e.tuplet for e in sample.events] == [(3, 2)] * 3 + [None] + [(2, 3)] * 2
    assert [b.label for b in sample.boxes].count("tuplet") == 2
    assert sample.header.changes == (HeaderChange(x=sample.header.changes[0].x, time="3/8"),)
    assert sample.events[3].x < sample.header.changes[0].x < sample.events[4].x


def test_grace_notes_are_small_heads_labelled_grace_with_their_printed_value(toolkit):
    events = [_note(0, "A", 4, "eighth", grace=True, slash=True), _note(0, "G", 4, "quarter"),
              _note(0, "B", 4, "16th", grace=True), _note(0, "C", 5, "16th", grace=True), _note(0, "A", 4, "quarter")]
    sample = engrave_measure_window(toolkit, _window(events, 1, "2/4", key_fifths=1), "Leipzig", RealStyle())
    assert [(e.duration, e.grace) for e in sample.events] == [
        ("eighth", True), ("quarter", False), ("16th", True), ("16th", True), ("quarter", False)]
    labels = [b.label for b in sample.boxes]
    assert labels.count("notehead_grace") == 3 and labels.count("notehead_filled") == 2
    assert events_round_trip_mismatch(sample.events, "treble", 1, "2/4") is None


def test_breve_and_measure_rests_whatever_the_meter_are_labelled_as_contract_says(toolkit):
    events = [_note(0, "C", 5, "breve"), _measure_rest(1), _note(2, "D", 5, "half", dots=1), _note(2, "E", 5, "half"),
              _measure_rest(3), _note(4, "F", 5, "quarter", dots=1), _note(4, "G", 5, "half"), _measure_rest(5)]
    changes = [SourceChange(1, time="3/2"), SourceChange(2, time="5/4"), SourceChange(4, time="7/8")]
    sample = engrave_measure_window(toolkit, _window(events, 6, "4/2", changes=changes), "Bravura", RealStyle())
    rests = [e for e in sample.events if e.kind == "rest"]
    assert [(r.duration, r.dots, r.measure) for r in rests] == [("whole", 0, True)] * 3
    assert sample.events[0].duration == "breve"
    labels = [b.label for b in sample.boxes]
    assert labels.count("notehead_breve") == 1 and labels.count("rest_whole") == 3
    assert [c.time for c in sample.header.changes] == ["3/2", "5/4", "7/8"]
    # A measure rest hangs from the fourth line, centred in its measure (right of the 3/2 that opens it).
    first_rest = next(b for b in sample.boxes if b.label == "rest_whole")
    meter = sorted((b.xyxy for b in sample.boxes if b.label == "time_signature"), key=lambda xyxy: xyxy[0])[1]
    assert first_rest.xyxy[1] == pytest.approx(sample.staff_lines[1], abs=1.0)
    centre = (first_rest.xyxy[0] + first_rest.xyxy[2]) / 2
    assert abs(centre - (meter[2] + sample.header.barlines[1]) / 2) < 4


def test_measure_rest_verovio_draws_as_a_breve_rest_is_refused(toolkit):
    # Verovio draws a 4/2 measure rest as a breve rest: CONTRACT's measure rest is printed as a whole.
    window = _window([_note(0, "C", 5, "breve"), _measure_rest(1)], 2, "4/2")
    with pytest.raises(WindowRejected) as refused:
        engrave_measure_window(toolkit, window, "Leipzig", RealStyle())
    assert refused.value.reason == "glyph_mismatch"


def test_clef_key_and_time_changes_are_header_changes_and_pitches_follow_the_new_clef(toolkit):
    events = [_note(0, "C", 5, "half"), _note(0, "B", 4, "half", alter=-1), _note(1, "C", 3, "whole"),
              _note(2, "F", 3, "half", dots=1, alter=1)]
    changes = [SourceChange(1, clef="bass"), SourceChange(2, key_fifths=2, time="3/4")]
    sample = engrave_measure_window(toolkit, _window(events, 3, "C", key_fifths=-1, changes=changes), "Leipzig",
                                    RealStyle())
    assert [(c.clef, c.key_fifths, c.time) for c in sample.header.changes] == [("bass", None, None), (None, 2, "3/4")]
    assert [(n.step, n.octave, n.alter) for n in sample.events] == [("C", 5, 0), ("B", 4, -1), ("C", 3, 0),
                                                                    ("F", 3, 1)]
    bottom_line = sample.staff_lines[-1]
    assert sample.events[2].y == pytest.approx(bottom_line - 3 * 8.0 / 2)  # C3: the bass staff's second space
    xs = [e.x for e in sample.events]
    assert xs[1] < sample.header.changes[0].x < xs[2] < sample.header.changes[1].x < xs[3]
    labels = [b.label for b in sample.boxes]
    assert labels.count("clef") == 1 and labels.count("clef_bass") == 1 and labels.count("time_signature") == 2
    assert labels.count("sharp") == 2 and labels.count("flat") == 1  # the two keys' signs; no note prints one


def test_key_change_to_c_major_prints_cancelling_naturals_and_is_key_zero(toolkit):
    window = _window([_note(0, "B", 4, "whole", alter=-1), _note(1, "B", 4, "whole")], 2, "C|", key_fifths=-1,
                     changes=[SourceChange(1, key_fifths=0)])
    sample = engrave_measure_window(toolkit, window, "Bravura", RealStyle())
    assert sample.header.time == "C|" and [c.key_fifths for c in sample.header.changes] == [0]
    assert [b.label for b in sample.boxes].count("natural") == 1


def test_window_whose_tuplets_or_grace_notes_differ_from_the_engraving_is_refused(toolkit, monkeypatch):
    from omr.engrave import real_sample

    real = real_sample.measure_window_musicxml
    truth = _window(TUPLETS, 2, "2/4", changes=[SourceChange(1, time="3/8")])
    plain = [SourceEvent(e.kind, e.duration, e.dots, e.measure, e.step, e.octave) for e in TUPLETS]
    monkeypatch.setattr(real_sample, "measure_window_musicxml", lambda window: real(truth))
    with pytest.raises(WindowRejected) as refused:
        engrave_measure_window(toolkit, _window(plain, 2, "2/4", changes=truth.changes), "Leipzig", RealStyle())
    assert refused.value.reason == "tuplet_mismatch"
    graced = _window([_note(0, "A", 4, "eighth", grace=True), _note(0, "G", 4, "half")], 1, "2/4")
    monkeypatch.setattr(real_sample, "measure_window_musicxml", lambda window: real(graced))
    ungraced = _window([_note(0, "A", 4, "eighth"), _note(0, "G", 4, "half")], 1, "2/4")
    with pytest.raises(WindowRejected) as refused:
        engrave_measure_window(toolkit, ungraced, "Leipzig", RealStyle())
    assert refused.value.reason == "grace_mismatch"


def _score(*measures):
    from music21 import stream

    return stream.Score([stream.Part([stream.Measure(list(elements)) for elements in measures])])


def test_corpus_window_keeps_triplets_grace_notes_measure_rests_and_meter_changes():
    from music21 import duration, meter, note

    triplet = [note.Note(p, type="eighth") for p in ("C5", "D5", "E5")]
    for written in triplet:
        written.duration.appendTuplet(duration.Tuplet(3, 2))
    grace = note.Note("G5", type="16th").getGrace()
    score = _score([meter.TimeSignature("2/4"), *triplet, grace, note.Note("F5", type="quarter")],
                   [meter.TimeSignature("6/4"), note.Rest(type="whole", dots=1)],
                   [note.Note("A4", type="whole", dots=1)])
    window = cut_measure_window(score, TUNE, np.random.default_rng(0), (3, 3), 0.0, (-4, 12))
    assert [(e.kind, e.duration, e.tuplet, e.grace, e.fills_measure) for e in window.events] == [
        ("note", "eighth", (3, 2), False, False)] * 3 + [
        ("note", "16th", None, True, False), ("note", "quarter", None, False, False),
        ("rest", "whole", None, False, True), ("note", "whole", None, False, False)]
    assert window.header.time == "2/4" and window.changes == (SourceChange(1, time="6/4"),)
    assert window.change_indices() == (5,)


def test_corpus_window_refuses_what_the_printed_staff_cannot_say():
    from music21 import duration, key, meter, note

    def refusal(score):
        with pytest.raises(WindowRejected) as refused:
            cut_measure_window(score, TUNE, np.random.default_rng(0), (1, 1), 0.0, (-4, 12))
        return refused.value.reason

    nested = note.Note("C5", type="eighth")
    nested.duration.appendTuplet(duration.Tuplet(3, 2))
    nested.duration.appendTuplet(duration.Tuplet(3, 2))
    rest = [note.Note("D5", quarterLength=2 - nested.duration.quarterLength)]
    assert refusal(_score([meter.TimeSignature("2/4"), nested, *rest])) == "nested_tuplet"
    inside = _score([meter.TimeSignature("2/4"), note.Note("C5"), key.KeySignature(2), note.Note("D5")])
    assert refusal(inside) == "change_inside_measure"


def test_abc_common_and_cut_time_keep_their_symbol():
    from music21 import meter

    def meters(name, number):
        return {(s.ratioString, s.symbol) for s in
                parse_tune(TuneRef(name, number)).recurse().getElementsByClass(meter.TimeSignature)}

    assert meters("airdsAirs/book1.abc", 93) == {("4/4", "common")}
    assert meters("ryansMammoth/AcrobatsHornpipe.abc", 1) == {("2/2", "cut")}


def test_page_break_at_a_meter_change_prints_it_on_the_next_system_and_as_a_courtesy_before(toolkit, monkeypatch):
    events = [_note(m, "C", 5, "half") for m in range(4) for _ in range(2)]
    events += [_note(m, "E", 5, "half", dots=1) for m in range(4, 8)]
    window = _window(events, 8, "4/4", key_fifths=-1, changes=[SourceChange(4, key_fifths=2, time="3/4")])
    monkeypatch.setattr(page, "system_starts", lambda window, rng, per_system: (0, 4))
    sample = page.engrave_page(toolkit, window, "Leipzig", page.PageStyle(), np.random.default_rng(0))
    first, second = (staff.header for staff in sample.staves)
    assert (first.time, second.time, second.key_fifths, second.changes) == ("4/4", "3/4", 2, ())
    courtesy = first.changes
    assert [(c.key_fifths, c.time) for c in courtesy] == [(2, "3/4")]
    assert sample.events[7].x < courtesy[0].x < sample.staves[0].box[2]


def test_fuller_counts_say_which_samples_hold_new_material():
    from omr.music.events import SymbolicNote, SymbolicRest

    plain = ((SymbolicNote("C", 5),), [StaffHeader("treble", 0, "4/4")])
    fuller = ((SymbolicNote("C", 5, tuplet=(3, 2)), SymbolicNote("D", 5, grace=True),
               SymbolicRest("whole", measure=True)),
              [StaffHeader("treble", 0, "9/8", changes=(HeaderChange(x=5.0, time="C|"),))])
    counted = fuller_counts([plain, fuller])
    assert counted["tuplets"] == {"3:2": 1} and counted["grace_notes"] == 1 and counted["measure_rests"] == 1
    assert counted["header_changes"] == {"time": 1}
    assert counted["holding"] == {"tuplet": 1, "grace": 1, "breve": 0, "measure_rest": 1, "new_meter": 1,
                                  "change": 1, "any": 1}
