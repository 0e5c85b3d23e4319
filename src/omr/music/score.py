"""A page of staves as one music21 score: a part per staff of a system, a system per staff of a part; MusicXML and
MIDI out, MusicXML back in.

Each part takes its staves in reading order, measures numbered on across the page; a page of one-staff systems is
one part. Each staff starts a new system (`<print new-system="yes">`, music21's `SystemLayout(isNew=True)`), on its
first measure. Where a system holds several staves (`ScoreStaff.part`: staff k of each system continues part k), its
staves start on the same measure number, and a staff with fewer measures than the system's longest is filled with
empty measures, so barlines that align on the page align in the file. A part's first staff writes its clef, key and
time signature; a later one writes only what changes there (a clef change between staves, a new key or meter), so
reading the file back gives each staff the clef, key and time in force, as a reader of the page sees them. Measures
and accidentals are written as given (`makeNotation` off, as in omr.music.musicxml); beams are music21's `makeBeams`
per measure (by the beat of the time signature in force, 4/4 where there is none), since an event carries no beam of
its own.
"""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Collection, Sequence

from omr.music.elements import clef_name, event_from_music21, header_items, music21_event, time_name
from omr.music.events import Event, StaffHeader
from omr.music.musicxml import measure_groups

STEP_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# MIDI readers quantise onsets and lengths; 1/16 of a quarter holds every event length (a dotted 32nd is 3/16).
MIDI_DIVISIONS = 16


@dataclass(frozen=True)
class ScoreStaff:
    """One staff of a page: its events, the clef/key/time in force on it (`header`; its barlines are not read), and
    (optionally) a measure number per event within the staff (e.g. from the barlines' x; None: measures filled from
    the time signature)."""

    events: tuple[Event, ...]
    header: StaffHeader = StaffHeader(clef="treble")
    measure_numbers: tuple[int, ...] | None = None
    part: int = 0  # the part (0 first) the staff continues: its place within its system


def page_score(staves: Sequence[ScoreStaff], title: str = "", page_breaks: Collection[int] = ()):
    """The music21 Score of the staves (a part per `ScoreStaff.part`, a system break where each staff begins, and a
    page break too where one of `page_breaks` (indices into `staves`, e.g. a PDF's page turns) begins)."""
    from music21 import metadata, stream

    parts = part_staves(staves)
    systems = max(len(indices) for indices in parts.values())
    grouped = {part: [_measures(staves[index]) for index in indices] for part, indices in parts.items()}
    # A system's width in measures is its longest staff's; every part starts the system on the same number.
    widths = [max(len(groups[system]) for groups in grouped.values() if system < len(groups))
              for system in range(systems)]
    page_turns = {_system_of(parts, index) for index in page_breaks if 0 < index < len(staves)}
    music = []
    for part, indices in parts.items():
        music.append(_part(part, [staves[index] for index in indices], grouped[part], widths,
                           {system for system in page_turns if system > 0}))
    score = stream.Score(music)
    score.metadata = metadata.Metadata(title=title or "omr transcription")
    return score


def part_staves(staves: Sequence[ScoreStaff]) -> dict[int, list[int]]:
    """Part -> indices of its staves (reading order), parts in order of their number."""
    parts: dict[int, list[int]] = {}
    for index, staff in enumerate(staves):
        parts.setdefault(staff.part, []).append(index)
    return dict(sorted(parts.items()))


def _system_of(parts: dict[int, list[int]], index: int) -> int:
    return next(indices.index(index) for indices in parts.values() if index in indices)


def _measures(staff: ScoreStaff) -> list:
    return list(measure_groups(staff.events, staff.header.time, staff.measure_numbers))


def _part(part: int, staves: Sequence[ScoreStaff], grouped: Sequence[list], widths: Sequence[int],
          page_turns: Collection[int]):
    """One part: its staves one system each (the system's width in measures, empty measures after a short staff)."""
    from music21 import layout, stream

    music = stream.Part()
    in_force = None
    for system, (staff, groups) in enumerate(zip(staves, grouped)):
        number = sum(widths[:system])
        for index in range(max(widths[system], len(groups))):
            number += 1
            measure = stream.Measure(number=number)
            if index == 0:
                measure.insert(0, layout.SystemLayout(isNew=True))
                if system in page_turns:  # <print new-page="yes" new-system="yes">
                    measure.insert(0, layout.PageLayout(isNew=True))
                for item in _changes(in_force, staff):
                    measure.insert(0, item)
                in_force = staff.header
            for event in (groups[index][1] if index < len(groups) else ()):
                measure.append(music21_event(event))
            music.append(measure)
    for measure in music.getElementsByClass(stream.Measure):
        measure.makeBeams(inPlace=True)  # after assembly: a measure finds the time signature in force in its part
    return music


def _changes(in_force: StaffHeader | None, staff: ScoreStaff) -> list:
    """The clef, key and time items a staff's first measure writes: all on the first staff, then what changes."""
    header = staff.header
    if in_force is None:
        return header_items(header.clef, header.key_fifths, header.time)
    items = header_items(header.clef if header.clef != in_force.clef else None, header.key_fifths,
                         header.time if header.time != in_force.time else None)
    if header.key_fifths == in_force.key_fifths:
        items = [item for item in items if type(item).__name__ != "KeySignature"]
    return items


def page_musicxml(staves: Sequence[ScoreStaff], title: str = "", page_breaks: Collection[int] = ()) -> str:
    """MusicXML text of the staves (see the module docstring)."""
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    exporter = GeneralObjectExporter(page_score(staves, title, page_breaks))
    exporter.makeNotation = False  # our measures and accidentals as they are (omr.music.musicxml)
    return exporter.parse().decode("utf-8")


def page_midi(staves: Sequence[ScoreStaff]) -> bytes:
    """A standard MIDI file of the staves (tied notes sound as one)."""
    from music21 import midi

    return midi.translate.streamToMidiFile(page_score(staves)).writestr()


def staves_from_musicxml(source: str | Path) -> tuple[ScoreStaff, ...]:
    """The staves of a MusicXML page in reading order (system by system, each system's parts top to bottom), each
    part split at its system breaks, each staff with its part, the clef, key and time in force at its start and the
    (file's) measure number of each event."""
    from music21 import converter

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    parts = list(converter.parseData(text, format="musicxml").parts)
    if not parts:
        raise ValueError("MusicXML holds no part")
    empty = _measures_without_notes(text)
    read = [_part_staves(music, number, empty[number] if number < len(empty) else set())
            for number, music in enumerate(parts)]
    systems = max(len(staves) for staves in read)
    return tuple(staves[system] for system in range(systems) for staves in read if system < len(staves))


def _part_staves(music, part: int, empty: set[str]) -> list[ScoreStaff]:
    """One part's staves, split at its system breaks (empty measures hold no events)."""
    from music21 import clef as m21clef, key, layout, meter, stream

    staves: list[dict] = []
    clef, key_fifths, time = None, 0, None
    for measure in music.getElementsByClass(stream.Measure):
        for found in measure.getElementsByClass(m21clef.Clef):
            clef = clef_name(found)
        for found in measure.getElementsByClass(key.KeySignature):
            key_fifths = found.sharps
        for found in measure.getElementsByClass(meter.TimeSignature):
            time = time_name(found)
        breaks = [s for s in measure.getElementsByClass(layout.SystemLayout) if s.isNew]
        if breaks or not staves:
            staves.append({"clef": clef, "key_fifths": key_fifths, "time": time, "events": [], "numbers": []})
        if measure.voices:
            raise ValueError(f"measure {measure.number}: several voices; one melody line was expected")
        if str(measure.number) in empty:  # music21's reader fills an empty measure with a rest of its own
            continue
        for element in measure.notesAndRests:
            staves[-1]["events"].append(event_from_music21(element, measure.number))
            staves[-1]["numbers"].append(measure.number)
    return [ScoreStaff(tuple(s["events"]), StaffHeader(s["clef"], s["key_fifths"], s["time"]), tuple(s["numbers"]),
                       part) for s in staves]


def _measures_without_notes(text: str) -> list[set[str]]:
    """Per part, the numbers of its measures that hold no note or rest."""
    root = ElementTree.fromstring(text.encode("utf-8"))
    return [{m.get("number", "") for m in part.iter("measure") if m.find("note") is None}
            for part in root.iter("part")]


def midi_pitch(step: str, octave: int, alter: int) -> int:
    """MIDI key number of a sounding pitch (C4 = 60)."""
    return 12 * (octave + 1) + STEP_SEMITONES[step] + alter


def sounding_notes(staves: Sequence[ScoreStaff]) -> list[tuple[Fraction, int, Fraction]]:
    """(onset in quarters, MIDI key, length in quarters) of each sounding note, tied chains joined: what a MIDI file
    of the staves plays. Events follow each other within a part (measures add no time of their own); every part
    starts at 0 (several parts: sorted, as notes_from_midi gives them)."""
    played: list[tuple[Fraction, int, Fraction]] = []
    for indices in part_staves(staves).values():
        played += _sounding([staves[index] for index in indices])
    return sorted(played) if len({staff.part for staff in staves}) > 1 else played


def _sounding(staves: Sequence[ScoreStaff]) -> list[tuple[Fraction, int, Fraction]]:
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
        if wrote.part != read.part:
            return f"staff {number}: wrote part {wrote.part + 1}, read back part {read.part + 1}"
        for what in ("clef", "key_fifths", "time"):
            written, read_back = getattr(wrote.header, what), getattr(read.header, what)
            if written != read_back:
                return f"staff {number}: {what}: wrote {written!r}, read back {read_back!r}"
        plain = tuple(_placeless(e) for e in wrote.events)
        if plain != read.events:
            return f"staff {number}: wrote {len(plain)} events, read back {len(read.events)} different ones"
    return None


def _placeless(event: Event) -> Event:
    return dataclasses.replace(event, x=0.0, y=0.0)
