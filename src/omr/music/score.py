"""A page of staves as one music21 score: a part per staff of a system, a system per staff of a part; MusicXML and
MIDI out, MusicXML back in (omr.music.score_reader; the staff type, `ScoreStaff`, in omr.music.page_staff).

Each part takes its staves in reading order, measures numbered on across the page; a page of one-staff systems is
one part. Each staff starts a new system (`<print new-system="yes">`, music21's `SystemLayout(isNew=True)`), on its
first measure. Where a system holds several staves (`ScoreStaff.part`: staff k of each system continues part k), its
staves start on the same measure number, and a staff with fewer measures than the system's longest is filled with
empty measures, so barlines that align on the page align in the file. A part's first staff writes its clef, key and
time signature; a later one writes only what differs from what the staff before left in force (a clef change between
staves, a new key or meter), so reading the file back gives each staff the clef, key and time in force, as a reader
of the page sees them. Signatures printed inside a staff (`StaffHeader.changes`) are written as omr.music.musicxml
writes them (mid-staff `<attributes>` before the event they precede) and stay in force on the staves after it.
Measures and accidentals are written as given (`makeNotation` off, as in omr.music.musicxml); beams are music21's
`makeBeams` per measure (by the beat of the time signature in force, 4/4 where there is none), since an event
carries no beam of its own. Tuplets, grace notes and measure rests are each event's own (omr.music.elements).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from typing import Collection, Sequence

from omr.music.elements import header_items, music21_event, tuplet_brackets
from omr.music.events import Event, HeaderChange, StaffHeader, filled_length, measure_length
from omr.music.musicxml import change_items, measure_groups
# The staff type and the reader live below this module; they are reached from here, as before the split.
from omr.music.page_staff import ScoreStaff, header_at_end, part_staves  # noqa: F401
from omr.music.score_reader import staves_from_musicxml  # noqa: F401

STEP_SEMITONES = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
# music21 writes MIDI at 10080 ticks a quarter: every event length, tuplets of 3, 5, 6 and 7 included, is a whole
# number of ticks, so a file read back without quantising gives the written onsets exactly.
MIDI_TICKS_PER_QUARTER = 10080


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
        music.append(_part([staves[index] for index in indices], grouped[part], widths,
                           {system for system in page_turns if system > 0}))
    score = stream.Score(music)
    score.metadata = metadata.Metadata(title=title or "omr transcription")
    return score


def _system_of(parts: dict[int, list[int]], index: int) -> int:
    return next(indices.index(index) for indices in parts.values() if index in indices)


def _measures(staff: ScoreStaff) -> list:
    if staff.change_indices is None:
        return list(measure_groups(staff.events, staff.header.time, staff.measure_numbers, staff.header.changes))
    # Placed by index: the same changes moved onto x that sorts them before the right events.
    placed = [dataclasses.replace(event, x=float(index)) for index, event in enumerate(staff.events)]
    changes = [dataclasses.replace(change, x=index - 0.5)
               for change, index in zip(staff.header.changes, staff.change_indices)]
    return list(measure_groups(placed, staff.header.time, staff.measure_numbers, changes))


def _part(staves: Sequence[ScoreStaff], grouped: Sequence[list], widths: Sequence[int], page_turns: Collection[int]):
    """One part: its staves one system each (the system's width in measures, empty measures after a short staff)."""
    from music21 import layout, stream

    music = stream.Part()
    in_force = None
    for system, (staff, groups) in enumerate(zip(staves, grouped)):
        number, first = sum(widths[:system]), 0
        before, length = staff.changes_before(), measure_length(staff.header.time)
        for index in range(max(widths[system], len(groups))):
            number += 1
            measure = stream.Measure(number=number)
            if index == 0:
                measure.insert(0, layout.SystemLayout(isNew=True))
                if system in page_turns:  # <print new-page="yes" new-system="yes">
                    measure.insert(0, layout.PageLayout(isNew=True))
                for item in _changes(in_force, staff.header):
                    measure.insert(0, item)
            members = groups[index][1] if index < len(groups) else []
            length = _fill(measure, members, first, before, length)
            first += len(members)
            if index == len(groups) - 1:  # signatures right of every event (a courtesy clef at the staff's end)
                for change in before.get(len(staff.events), ()):
                    measure.append(change_items(change))
            music.append(measure)
        in_force = header_at_end(staff.header)
    for measure in music.getElementsByClass(stream.Measure):
        measure.makeBeams(inPlace=True)  # after assembly: a measure finds the time signature in force in its part
    return music


def _fill(measure, members: Sequence[Event], first: int, before: dict[int, list[HeaderChange]],
          length: Fraction | None) -> Fraction | None:
    """Append one measure's events (event `first` of the staff first), each after the changes printed before it;
    the measure length in force after them (a measure rest lasts its meter's measure)."""
    for position, (event, bracket) in enumerate(zip(members, tuplet_brackets(members)), start=first):
        for change in before.get(position, ()):
            measure.append(change_items(change))
            length = measure_length(change.time) if change.time is not None else length
        measure.append(music21_event(event, bracket, length))
    return length


def _changes(in_force: StaffHeader | None, header: StaffHeader) -> list:
    """The clef, key and time items a staff's first measure writes: all on the first staff, then what changes."""
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
    """A standard MIDI file of the staves (tied notes sound as one; grace notes are not played)."""
    from music21 import midi

    score = page_score(staves)
    # music21 writes a grace note as a note-on and note-off at one tick, which a reader pairs with the next note-off
    # of that key (a note sounding from the grace to the end of a later note): they take no time, so leave them out.
    for grace in [note for note in score.recurse().notes if note.duration.isGrace]:
        grace.activeSite.remove(grace)
    return midi.translate.streamToMidiFile(score).writestr()


def midi_pitch(step: str, octave: int, alter: int) -> int:
    """MIDI key number of a sounding pitch (C4 = 60)."""
    return 12 * (octave + 1) + STEP_SEMITONES[step] + alter


def sounding_notes(staves: Sequence[ScoreStaff]) -> list[tuple[Fraction, int, Fraction]]:
    """(onset in quarters, MIDI key, length in quarters) of each sounding note, tied chains joined: what a MIDI file
    of the staves plays. Events follow each other within a part (measures add no time of their own), a tuplet's
    scaled, a measure rest lasting its meter's measure, a grace note taking no time and not played (as page_midi
    writes it); every part starts at 0 (several parts: sorted, as notes_from_midi gives them)."""
    played: list[tuple[Fraction, int, Fraction]] = []
    for indices in part_staves(staves).values():
        played += _sounding([staves[index] for index in indices])
    return sorted(played) if len({staff.part for staff in staves}) > 1 else played


def _sounding(staves: Sequence[ScoreStaff]) -> list[tuple[Fraction, int, Fraction]]:
    played: list[tuple[Fraction, int, Fraction]] = []
    onset, tied = Fraction(0), False
    for staff in staves:
        before, measure = staff.changes_before(), measure_length(staff.header.time)
        for index, event in enumerate(staff.events):
            for change in before.get(index, ()):
                measure = measure_length(change.time) if change.time is not None else measure
            length = filled_length(event, measure)
            if event.kind == "note" and event.grace:
                continue  # no time, no sound; a tie never reaches a grace note
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

    # Not quantised: music21's grid would move a triplet's onsets; its ticks hold every length exactly.
    score = converter.parseData(data, format="midi", quantizePost=False)
    # The reader bars the notes by the file's meter and ties a note across each bar line: join those back.
    notes = list(score.stripTies().flatten().notes)
    return sorted((_quarters(n.offset), n.pitch.midi, _quarters(n.quarterLength)) for n in notes)


def _quarters(value) -> Fraction:
    return Fraction(value).limit_denominator(MIDI_TICKS_PER_QUARTER)


def midi_length(data: bytes) -> Fraction:
    """Quarters from a MIDI file's start to the end of its last note (what it plays; trailing rests are silent)."""
    return max((onset + length for onset, _, length in notes_from_midi(data)), default=Fraction(0))


def page_round_trip_mismatch(staves: Sequence[ScoreStaff]) -> str | None:
    """None when the staves -> MusicXML -> staves give back every staff's events, clef, key and time and the
    signatures it changes (each before the same event) (x/y aside)."""
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
        wrote_changes, read_changes = _placeless_changes(wrote), _placeless_changes(read)
        if wrote_changes != read_changes:
            return f"staff {number}: changes (before event, change): wrote {wrote_changes}, read back {read_changes}"
        plain = tuple(_placeless(e) for e in wrote.events)
        if plain != read.events:
            return f"staff {number}: wrote {len(plain)} events, read back {len(read.events)} different ones"
    return None


def _placeless_changes(staff: ScoreStaff) -> list[tuple[int, HeaderChange]]:
    return [(index, dataclasses.replace(change, x=0.0)) for index, change in staff.placed_changes()]


def _placeless(event: Event) -> Event:
    return dataclasses.replace(event, x=0.0, y=0.0)
