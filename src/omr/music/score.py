"""A page of staves as one music21 score: one part, a system per staff; MusicXML and MIDI out, MusicXML back in.

Staff after staff in reading order, measures numbered on across the page. Each staff starts a new system
(`<print new-system="yes">`, music21's `SystemLayout(isNew=True)`), on its first measure. The first staff writes its
clef, key and time signature; a later one writes only what changes there (a clef change between staves, a new key
or meter), so reading the file back gives each staff the clef, key and time in force, as a reader of the page sees
them. Measures and accidentals are written as given (`makeNotation` off, as in omr.music.musicxml); beams are music21's
`makeBeams` per measure (by the beat of the time signature in force, 4/4 where there is none), since an event
carries no beam of its own.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Sequence

from omr.music.events import Event
from omr.music.musicxml import _clef_name, _event, _music21_event, _preamble, _time_name, measure_groups

STEP_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# MIDI readers quantise onsets and lengths; 1/16 of a quarter holds every event length (a dotted 32nd is 3/16).
MIDI_DIVISIONS = 16


@dataclass(frozen=True)
class ScoreStaff:
    """One staff of a page: its events, the clef/key/time in force on it, and (optionally) a measure number per
    event within the staff (e.g. from the barlines' x; None: measures filled from the time signature)."""

    events: tuple[Event, ...]
    clef: str | None = "treble"
    key_fifths: int = 0
    time: str | None = None
    measure_numbers: tuple[int, ...] | None = None


def page_score(staves: Sequence[ScoreStaff], title: str = ""):
    """The music21 Score of the staves (one part, a system break where each staff begins)."""
    from music21 import layout, metadata, stream

    part = stream.Part()
    number, in_force = 0, None
    for staff in staves:
        groups = measure_groups(staff.events, staff.time, staff.measure_numbers)
        for index, (_, members) in enumerate(groups):
            number += 1
            measure = stream.Measure(number=number)
            if index == 0:
                measure.insert(0, layout.SystemLayout(isNew=True))
                for item in _changes(in_force, staff):
                    measure.insert(0, item)
                in_force = (staff.clef, staff.key_fifths, staff.time)
            for event in members:
                measure.append(_music21_event(event))
            part.append(measure)
    for measure in part.getElementsByClass(stream.Measure):
        measure.makeBeams(inPlace=True)  # after assembly: a measure finds the time signature in force in its part
    score = stream.Score([part])
    score.metadata = metadata.Metadata(title=title or "omr transcription")
    return score


def _changes(in_force: tuple | None, staff: ScoreStaff) -> list:
    """The clef, key and time items a staff's first measure writes: all on the first staff, then what changes."""
    if in_force is None:
        return _preamble(staff.clef, staff.key_fifths, staff.time)
    clef, key_fifths, time = in_force
    items = _preamble(staff.clef if staff.clef != clef else None, staff.key_fifths,
                      staff.time if staff.time != time else None)
    if staff.key_fifths == key_fifths:
        items = [item for item in items if type(item).__name__ != "KeySignature"]
    return items


def page_musicxml(staves: Sequence[ScoreStaff], title: str = "") -> str:
    """MusicXML text of the staves (see the module docstring)."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    exporter = GeneralObjectExporter(page_score(staves, title))
    exporter.makeNotation = False  # our measures and accidentals as they are (omr.music.musicxml)
    return exporter.parse().decode("utf-8")


def page_midi(staves: Sequence[ScoreStaff]) -> bytes:
    """A standard MIDI file of the staves (tied notes sound as one)."""
    from music21 import midi

    return midi.translate.streamToMidiFile(page_score(staves)).writestr()


def staves_from_musicxml(source: str | Path) -> tuple[ScoreStaff, ...]:
    """The staves of a one-part MusicXML page, split at its system breaks, each with the clef, key and time in force
    at its start and the (file's) measure number of each event."""
    from music21 import clef as m21clef, converter, key, layout, meter, stream

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    parts = list(converter.parseData(text, format="musicxml").parts)
    if len(parts) != 1:
        raise ValueError(f"MusicXML holds {len(parts)} parts; one was expected")
    empty = _measures_without_notes(text)
    staves: list[dict] = []
    clef, key_fifths, time = None, 0, None
    for measure in parts[0].getElementsByClass(stream.Measure):
        for found in measure.getElementsByClass(m21clef.Clef):
            clef = _clef_name(found)
        for found in measure.getElementsByClass(key.KeySignature):
            key_fifths = found.sharps
        for found in measure.getElementsByClass(meter.TimeSignature):
            time = _time_name(found)
        breaks = [s for s in measure.getElementsByClass(layout.SystemLayout) if s.isNew]
        if breaks or not staves:
            staves.append({"clef": clef, "key_fifths": key_fifths, "time": time, "events": [], "numbers": []})
        if measure.voices:
            raise ValueError(f"measure {measure.number}: several voices; one melody line was expected")
        if str(measure.number) in empty:  # music21's reader fills an empty measure with a rest of its own
            continue
        for element in measure.notesAndRests:
            staves[-1]["events"].append(_event(element, measure.number))
            staves[-1]["numbers"].append(measure.number)
    return tuple(ScoreStaff(tuple(s["events"]), s["clef"], s["key_fifths"], s["time"], tuple(s["numbers"]))
                 for s in staves)


def _measures_without_notes(text: str) -> set[str]:
    root = ElementTree.fromstring(text.encode("utf-8"))
    return {m.get("number", "") for m in root.iter("measure") if m.find("note") is None}


def midi_pitch(step: str, octave: int, alter: int) -> int:
    """MIDI key number of a sounding pitch (C4 = 60)."""
    return 12 * (octave + 1) + STEP_SEMITONES[step] + alter


def sounding_notes(staves: Sequence[ScoreStaff]) -> list[tuple[Fraction, int, Fraction]]:
    """(onset in quarters, MIDI key, length in quarters) of each sounding note, tied chains joined: what a MIDI file
    of the staves plays. Events follow each other (measures add no time of their own)."""
    played: list[tuple[Fraction, int, Fraction]] = []
    onset, tied = Fraction(0), False
    for staff in staves:
        for event in staff.events:
            length = event.quarter_length
            if event.kind == "note":
                key_number = midi_pitch(event.step, event.octave, event.alter)
                if tied and played and played[-1][1] == key_number:
                    start, _, held = played[-1]
                    played[-1] = (start, key_number, held + length)
                else:
                    played.append((onset, key_number, length))
                tied = event.tie in ("start", "continue")
            else:
                tied = False
            onset += length
    return played


def notes_from_midi(data: bytes) -> list[tuple[Fraction, int, Fraction]]:
    """(onset, MIDI key, length) of every note of a MIDI file read through music21, in quarters."""
    from music21 import converter

    score = converter.parseData(data, format="midi", quarterLengthDivisors=(MIDI_DIVISIONS,))
    # The reader bars the notes by the file's meter and ties a note across each bar line: join those back.
    notes = list(score.stripTies().flatten().notes)
    return sorted((Fraction(n.offset).limit_denominator(MIDI_DIVISIONS), n.pitch.midi,
                   Fraction(n.quarterLength).limit_denominator(MIDI_DIVISIONS)) for n in notes)


def page_round_trip_mismatch(staves: Sequence[ScoreStaff]) -> str | None:
    """None when the staves -> MusicXML -> staves give back every staff's events, clef, key and time (x/y aside)."""
    try:
        back = staves_from_musicxml(page_musicxml(staves))
    except ValueError as error:
        return f"no round trip: {error}"
    if len(back) != len(staves):
        return f"wrote {len(staves)} staves, read back {len(back)}"
    for number, (wrote, read) in enumerate(zip(staves, back), start=1):
        for what in ("clef", "key_fifths", "time"):
            if getattr(wrote, what) != getattr(read, what):
                return f"staff {number}: {what}: wrote {getattr(wrote, what)!r}, read back {getattr(read, what)!r}"
        plain = tuple(_placeless(e) for e in wrote.events)
        if plain != read.events:
            return f"staff {number}: wrote {len(plain)} events, read back {len(read.events)} different ones"
    return None


def _placeless(event: Event) -> Event:
    return dataclasses.replace(event, x=0.0, y=0.0)
