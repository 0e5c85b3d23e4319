"""MusicXML export through music21 reads back to the same notes."""

from omr.music import SymbolicNote
from omr.musicxml import notes_from_musicxml, notes_to_musicxml


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


def test_empty_transcription_is_still_a_valid_score():
    assert notes_from_musicxml(notes_to_musicxml(())) == ()
