"""Notes <-> MusicXML through music21, so a transcription opens in MuseScore and reads back to the same pitches."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from omr.music import ALTER_SIGNS, SymbolicNote

QUARTER_LENGTH = {"quarter": 1.0, "half": 2.0}
DURATION_OF_LENGTH = {length: name for name, length in QUARTER_LENGTH.items()}


def notes_to_musicxml(notes: Sequence[SymbolicNote], title: str = "") -> str:
    """A one-part treble-clef score of the notes in 4/4 (a half across a barline is split and tied, as engravers do)."""
    from music21 import clef, metadata, meter, note, stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    part = stream.Part()
    part.append(clef.TrebleClef())
    part.append(meter.TimeSignature("4/4"))
    for symbolic in notes:
        written = note.Note(f"{symbolic.step}{ALTER_SIGNS[symbolic.alter].replace('b', '-')}{symbolic.octave}")
        written.quarterLength = QUARTER_LENGTH[symbolic.duration]
        part.append(written)
    score = stream.Score([part])
    score.metadata = metadata.Metadata(title=title or "omr transcription")
    return GeneralObjectExporter(score.makeNotation()).parse().decode("utf-8")


def notes_from_musicxml(source: str | Path) -> tuple[SymbolicNote, ...]:
    """The notes of a MusicXML document (text or file), tied continuations merged into the note they extend."""
    from music21 import converter

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    score = converter.parseData(text, format="musicxml")
    notes: list[SymbolicNote] = []
    for event in score.flatten().notes:
        if event.isChord:
            raise ValueError("MusicXML holds a chord; one melody line was expected")
        length = float(event.quarterLength)
        if event.tie is not None and event.tie.type in ("stop", "continue") and notes:
            length += QUARTER_LENGTH[notes[-1].duration]
            notes[-1] = SymbolicNote(notes[-1].step, notes[-1].octave, notes[-1].alter, _duration(length))
            continue
        pitch = event.pitch
        alter = int(pitch.alter) if pitch.accidental is not None else 0
        notes.append(SymbolicNote(pitch.step, int(pitch.octave), alter, _duration(length)))
    return tuple(notes)


def _duration(quarter_length: float) -> str:
    if quarter_length not in DURATION_OF_LENGTH:
        raise ValueError(f"a note of {quarter_length} quarters is neither a quarter nor a half")
    return DURATION_OF_LENGTH[quarter_length]
