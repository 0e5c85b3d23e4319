"""A measure window as MusicXML (through music21): the measures as written, in the window's clef, key and time."""

from __future__ import annotations

from omr.engrave.measures import MeasureWindow, SourceEvent


def measure_window_musicxml(window: MeasureWindow, system_starts: tuple[int, ...] = (), title: str = "") -> str:
    """MusicXML of the window: clef, key and time signature at its start, its measures, beams and copyist's
    accidentals (music21's makeBeams/makeAccidentals), plain barlines (the window is cut from a longer tune).

    `system_starts`: window measures (from 0) that begin a new system (a page's encoded breaks); `title`: the
    score's title, which verovio's page header prints."""
    from music21 import metadata, stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    score = stream.Score([window_part(window, system_starts)])
    if title:
        score.metadata = metadata.Metadata(title=title)
    exporter = GeneralObjectExporter(score)
    exporter.makeNotation = False  # never re-bar or re-tie: the measures are the source's, whole
    return exporter.parse().decode("utf-8")


def window_part(window: MeasureWindow, system_starts: tuple[int, ...] = ()):
    """The window as one music21 Part (see measure_window_musicxml)."""
    from music21 import bar, clef, key, layout, meter, stream

    part = stream.Part()
    for index in range(window.measures):
        measure = stream.Measure(number=index + 1)
        if index in system_starts and index > 0:
            measure.insert(0, layout.SystemLayout(isNew=True))
        if index == 0:
            measure.append(clef.BassClef() if window.header.clef == "bass" else clef.TrebleClef())
            measure.append(key.KeySignature(window.header.key_fifths))
            measure.append(meter.TimeSignature(window.header.time))
        for event in window.events:
            if event.measure == index:
                measure.append(_written(event))
        measure.rightBarline = bar.Barline("regular")
        part.append(measure)
    part.makeBeams(inPlace=True)
    part.makeAccidentals(inPlace=True)
    return part


def _written(event: SourceEvent):
    from music21 import duration, note, pitch, tie

    length = duration.Duration(type=event.duration, dots=event.dots)
    if event.kind == "rest":
        # Never a measure rest: verovio would draw a whole rest whatever the meter, not the rest written.
        rest = note.Rest(duration=length)
        rest.fullMeasure = False
        return rest
    written = note.Note(pitch.Pitch(step=event.step, octave=event.octave, accidental=event.alter or None),
                        duration=length)
    if event.tie is not None:
        written.tie = tie.Tie(event.tie)
    return written
