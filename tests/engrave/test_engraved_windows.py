"""Engraved windows: labels read from verovio's SVG agree with the source tune and with the pixels."""

import numpy as np
import pytest

from omr.engrave.corpus import SourceNote, TuneRef, Window, WindowRejected, cut_window, parse_tune, rewritten_durations
from omr.engrave.sample import EngravingStyle, engrave_window
from omr.engrave.verovio_svg import make_toolkit
from omr.music.events import staff_position

# Tunes from three collections (German, Irish dance, Scottish air); windows are cut with fixed seeds.
TUNES = (TuneRef("essenFolksong/altdeu20.abc", 270), TuneRef("ryansMammoth/MillTownMaidReel.abc", 1),
         TuneRef("airdsAirs/book2.abc", 384))


@pytest.fixture(scope="module")
def toolkit():
    return make_toolkit()


def _window(notes, sharps=0):
    source = tuple(SourceNote(step, octave, alter, duration) for step, octave, alter, duration in notes)
    return Window(tune=TuneRef("test.abc", 1), title="", notes=source, sharps=sharps)


@pytest.mark.parametrize("font", ["Leipzig", "Bravura"])
@pytest.mark.parametrize("tune", TUNES, ids=lambda tune: tune.path.split("/")[0])
def test_notehead_position_on_engraved_staff_gives_source_pitch(toolkit, tune, font):
    window = cut_window(parse_tune(tune), tune, np.random.default_rng(3), (4, 16), 0.3, (-4, 12))
    sample = engrave_window(toolkit, window, font, EngravingStyle())
    bottom, space = sample.staff_lines[-1], (sample.staff_lines[-1] - sample.staff_lines[0]) / 4
    assert space == pytest.approx(8.0)
    assert len(sample.notes) == len(window.notes)
    for note, source in zip(sample.notes, window.notes):
        assert round((bottom - note.y) / (space / 2)) == staff_position(source.step, source.octave)
        assert (note.step, note.octave, note.duration) == (source.step, source.octave, source.duration)
        # The label sits on ink: a notehead is drawn where the label says (a half's hollow centre aside).
        x, y = int(round(note.x)), int(round(note.y))
        assert sample.image[y - 3 : y + 4, x - 4 : x + 5].min() < 100


def test_engraving_that_differs_from_source_is_refused(toolkit, monkeypatch):
    truth = _window([("C", 5, 0, "quarter"), ("D", 5, 0, "quarter"), ("E", 5, 0, "half"), ("F", 5, 0, "quarter")])
    wrong = _window([("C", 5, 0, "quarter"), ("D", 5, 0, "quarter"), ("F", 5, 0, "half"), ("F", 5, 0, "quarter")])
    from omr.engrave import sample as sample_module

    real = sample_module.window_musicxml
    monkeypatch.setattr(sample_module, "window_musicxml", lambda window, **kw: real(wrong, **kw))
    with pytest.raises(WindowRejected) as refused:
        engrave_window(toolkit, truth, "Leipzig", EngravingStyle())
    assert refused.value.reason == "pitch_mismatch"


def test_labels_carry_sounding_alter_and_the_printed_accidental(toolkit):
    window = _window([("G", 4, 0, "quarter"), ("F", 4, 1, "quarter"), ("F", 4, 0, "quarter"), ("F", 4, 1, "quarter")], 1)
    with_key = engrave_window(toolkit, window, "Bravura", EngravingStyle(key_signature=True))
    # F# in G major: sounds F#, no glyph; F natural: a natural; F# again in the same bar: a sharp restores it.
    assert [n.alter for n in with_key.notes] == [0, 1, 0, 1]
    assert [n.accidental for n in with_key.notes] == [None, None, "natural", "sharp"]
    # The key signature's F# is boxed as a `sharp` too, as our renderer boxes it; it stands left of the first head.
    signs = [b for b in with_key.boxes if b.label in ("sharp", "flat", "natural")]
    assert sorted(b.label for b in signs) == ["natural", "sharp", "sharp"]
    assert sum(b.xyxy[2] < with_key.notes[0].x for b in signs) == 1
    assert (with_key.header.clef, with_key.header.key_fifths, with_key.header.time) == ("treble", 1, "4/4")
    without_key = engrave_window(toolkit, window, "Bravura", EngravingStyle(key_signature=False, time_signature=False))
    assert [n.alter for n in without_key.notes] == [0, 1, 0, 1]
    assert [n.accidental for n in without_key.notes] == [None, "sharp", "natural", "sharp"]
    assert (without_key.header.key_fifths, without_key.header.time) == (0, None)


def test_corpus_window_under_a_flat_key_sounds_b_flat_without_a_glyph(toolkit):
    tune = TUNES[0]  # "altdeu20" #270 is in F major: every B sounds Bb
    window = cut_window(parse_tune(tune), tune, np.random.default_rng(3), (4, 16), 0.3, (-4, 12))
    sample = engrave_window(toolkit, window, "Leipzig", EngravingStyle())
    b_notes = [note for note in sample.notes if note.step == "B"]
    assert sample.header.key_fifths == -1 and b_notes
    assert all(note.alter == -1 and note.accidental is None for note in b_notes)
    # Its flat is boxed, on the middle line (B4), before the first head and beyond any head's reach.
    key_flats = [b for b in sample.boxes if b.label == "flat" and b.xyxy[2] < sample.notes[0].x - 2.5 * 8.0]
    assert len(key_flats) == 1 and key_flats[0].xyxy[1] < sample.staff_lines[2] < key_flats[0].xyxy[3]
    # One barline per 4/4 bar, left to right, each between the notes it separates.
    barlines = sample.header.barlines
    assert len(barlines) == -(-sum(2 if s.duration == "half" else 1 for s in window.notes) // 4)
    assert list(barlines) == sorted(barlines) and barlines[-1] > sample.notes[-1].x


def test_hollow_and_filled_noteheads_follow_durations(toolkit):
    window = _window([("A", 4, 0, "half"), ("B", 4, 0, "quarter"), ("C", 5, 0, "quarter"), ("D", 4, 0, "half")])
    sample = engrave_window(toolkit, window, "Leipzig", EngravingStyle())
    heads = [b.label for b in sample.boxes if b.label.startswith("notehead")]
    assert heads == ["notehead_hollow", "notehead_filled", "notehead_filled", "notehead_hollow"]
    assert [b.label for b in sample.boxes].count("clef") == 1


def test_half_that_would_cross_a_barline_becomes_a_quarter():
    # Beats: 0 q, 1 q, 2 q, 3 (a half would reach beat 5) -> q, 4 h, 6 h.
    wants_half = np.array([False, False, False, True, True, True])
    assert rewritten_durations(wants_half) == ["quarter", "quarter", "quarter", "quarter", "half", "half"]


def test_window_with_a_chord_or_out_of_range_note_is_refused():
    from music21 import chord, note, stream

    part = stream.Part([note.Note("C5"), chord.Chord(["C5", "E5"]), note.Note("D5"), note.Note("E5")])
    with pytest.raises(WindowRejected) as refused:
        cut_window(stream.Score([part]), TuneRef("t.abc", 1), np.random.default_rng(0), (4, 4), 0.0, (-4, 12))
    assert refused.value.reason == "chord"
    high = stream.Part([note.Note("C5"), note.Note("A6"), note.Note("D5"), note.Note("E5")])
    with pytest.raises(WindowRejected) as refused:
        cut_window(stream.Score([high]), TuneRef("t.abc", 1), np.random.default_rng(0), (4, 4), 0.0, (-4, 12))
    assert refused.value.reason == "out_of_range"
