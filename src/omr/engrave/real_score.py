"""A measure window as MusicXML (through music21): the measures as written, in the window's clef, key and time, with
the signatures it changes, its tuplets (bracketed by omr.music.elements.tuplet_brackets, as every writer of ours
brackets them), grace notes and measure rests."""

from __future__ import annotations

from fractions import Fraction

from omr.engrave.window import MeasureWindow, SourceChange, SourceEvent
from omr.music.elements import header_items, tuplet_brackets
from omr.music.events import HeaderChange, measure_length
from omr.music.musicxml import change_items


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
    from music21 import bar, layout, stream

    part = stream.Part()
    changes = {change.measure: change for change in window.changes}
    opening = window.header
    for index in range(window.measures):
        measure = stream.Measure(number=index + 1)
        if index in system_starts and index > 0:
            measure.insert(0, layout.SystemLayout(isNew=True))
        if index == 0:
            signs = SourceChange(0, opening.clef, opening.key_fifths, opening.time)
            measure.append(signature_items(signs))
        elif index in changes:
            measure.append(signature_items(changes[index]))
        length = measure_length(window.in_force(index).time)
        members = [event for event in window.events if event.measure == index]
        for event, bracket in zip(members, tuplet_brackets(members)):
            measure.append(_written(event, bracket, length))
        measure.rightBarline = bar.Barline("regular")
        part.append(measure)
    part.makeBeams(inPlace=True)
    part.makeAccidentals(inPlace=True)
    return part


def signature_items(change: SourceChange) -> list:
    """The music21 clef, key and time signature a window prints at a measure's start (only those given; at the
    window's start all three), 'C' and 'C|' with their symbols, as omr.music writes every staff."""
    if change.measure == 0:
        return header_items(change.clef, change.key_fifths, change.time)
    return change_items(HeaderChange(clef=change.clef, key_fifths=change.key_fifths, time=change.time))


def _written(event: SourceEvent, bracket: str | None, length: Fraction | None):
    from music21 import duration, note, pitch, tie

    if event.fills_measure:  # <rest measure="yes"/>: verovio's mRest, a whole rest centred whatever the meter
        return note.Rest(duration=duration.Duration(quarterLength=length), fullMeasure=True)
    value = duration.Duration(type=event.duration, dots=event.dots)
    if event.tuplet is not None:
        value.appendTuplet(duration.Tuplet(*event.tuplet, type=bracket))
    if event.kind == "rest":
        # Not a measure rest: verovio would draw a whole rest whatever the meter, not the rest written.
        rest = note.Rest(duration=value)
        rest.fullMeasure = False
        return rest
    written = note.Note(pitch.Pitch(step=event.step, octave=event.octave, accidental=event.alter or None),
                        duration=value)
    if event.grace:
        written = written.getGrace()
        written.duration.slash = event.slash
    if event.tie is not None:
        written.tie = tie.Tie(event.tie)
    return written
