"""A melody window as MusicXML (through music21), the only input verovio gets from us."""

from __future__ import annotations

from omr.engrave.corpus import BEATS_PER_BAR, Window
from omr.music.events import ALTER_SIGNS

QUARTER_LENGTH = {"quarter": 1.0, "half": 2.0}


def window_musicxml(window: Window, key_signature: bool, time_signature: bool) -> str:
    """MusicXML of the window: treble clef, optional key/time signature, bars of four quarters, no ties."""
    from music21 import clef, key, meter, note, stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    part = stream.Part()
    measure, beat = None, 0.0
    for source in window.notes:
        if measure is None or beat >= BEATS_PER_BAR:
            measure = stream.Measure(number=len(part) + 1)
            if not len(part):
                measure.append(clef.TrebleClef())
                if key_signature:
                    measure.append(key.KeySignature(window.sharps))
                signature = meter.TimeSignature(f"{BEATS_PER_BAR}/4")
                # The bars stay 4/4 either way; a hidden signature is written with print-object="no".
                signature.style.hideObjectOnPrint = not time_signature
                measure.append(signature)
            part.append(measure)
            beat = 0.0
        written = note.Note(f"{source.step}{ALTER_SIGNS[source.alter].replace('b', '-')}{source.octave}")
        written.quarterLength = QUARTER_LENGTH[source.duration]
        measure.append(written)
        beat += written.quarterLength
    # Accidentals as a copyist writes them: none where the key signature (or an earlier one in the bar) implies it.
    part.makeAccidentals(inPlace=True)
    return GeneralObjectExporter(stream.Score([part])).parse().decode("utf-8")
