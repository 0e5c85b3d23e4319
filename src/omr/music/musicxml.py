"""Events <-> MusicXML through music21 (never hand-written XML), so a staff opens in MuseScore and reads back unchanged.

The writer builds the measures itself and exports with music21's `makeNotation` off: music21 then neither re-bars
(no splitting at barlines, no ties added), nor re-spells (no accidentals added or dropped: each note's printed sign
is the event's `accidental`, shown through `Accidental.displayStatus`, its `<alter>` the event's sounding `alter`).
What an event says is what the file says; the reader gives it back, ties as separate notes with their tie.

Measures come from, in order of preference: `measure_numbers` (one per event, e.g. from the barlines' x), else the
time signature (filled greedily from the first event; an event that runs past the bar line stays whole in its
measure, which is then longer than the signature, and the next measure starts after it), else one open measure.
A measure longer than its signature is written as it is (MusicXML allows it; MuseScore shows it as irregular).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path
from typing import Sequence

from omr.music.events import (
    ALTER_OF_ACCIDENTAL,
    CLEFS,
    DURATIONS,
    TIES,
    Event,
    SymbolicNote,
    SymbolicRest,
    measure_length,
    notes_of,
    quarter_length,
)

Staff = tuple[tuple[Event, ...], str | None, int, str | None]  # events, clef, key_fifths, time


def events_to_musicxml(
    events: Sequence[Event],
    clef: str | None = "treble",
    key_fifths: int = 0,
    time: str | None = None,
    title: str = "",
    measure_numbers: Sequence[int] | None = None,
) -> str:
    """A one-staff MusicXML score of the events, with the clef (None: none written), key and time signature."""
    from music21 import metadata, stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    part = stream.Part()
    for index, (number, members) in enumerate(measure_groups(events, time, measure_numbers)):
        measure = stream.Measure(number=number)
        if index == 0:
            for item in _preamble(clef, key_fifths, time):
                measure.insert(0, item)
        for event in members:
            measure.append(_music21_event(event))
        part.append(measure)
    score = stream.Score([part])
    score.metadata = metadata.Metadata(title=title or "omr transcription")
    exporter = GeneralObjectExporter(score)
    exporter.makeNotation = False  # write our measures and accidentals as they are (see the module docstring)
    return exporter.parse().decode("utf-8")


def measure_groups(
    events: Sequence[Event], time: str | None, measure_numbers: Sequence[int] | None = None
) -> list[tuple[int, list[Event]]]:
    """(measure number, its events) in order; always at least one (possibly empty) measure."""
    if measure_numbers is not None:
        numbers = list(measure_numbers)
        if len(numbers) != len(events):
            raise ValueError(f"measure_numbers: {len(numbers)} numbers for {len(events)} events")
        if any(b < a for a, b in zip(numbers, numbers[1:])):
            raise ValueError(f"measure_numbers must not decrease, got {numbers}")
    else:
        numbers = _numbers_from_time(events, measure_length(time))
    groups: list[tuple[int, list[Event]]] = []
    for number, event in zip(numbers, events):
        if not groups or groups[-1][0] != number:
            groups.append((number, []))
        groups[-1][1].append(event)
    return groups or [(1, [])]


def _numbers_from_time(events: Sequence[Event], length: Fraction | None) -> list[int]:
    numbers, number, filled = [], 1, Fraction(0)
    for event in events:
        if length is not None and filled >= length:
            number, filled = number + 1, Fraction(0)
        numbers.append(number)
        filled += event.quarter_length
    return numbers


def measure_numbers_from_barlines(events: Sequence[Event], barlines: Sequence[float]) -> list[int]:
    """Measure number of each event from the barlines' x (1 before the first barline, +1 after each)."""
    xs = sorted(barlines)
    return [1 + sum(x < event.x for x in xs) for event in events]


def _preamble(clef: str | None, key_fifths: int, time: str | None) -> list:
    from music21 import clef as m21clef, key, meter

    items = [key.KeySignature(key_fifths)]
    if clef is not None:
        if clef not in CLEFS:
            raise ValueError(f"clef must be one of {list(CLEFS)} or None, got {clef!r}")
        items.insert(0, m21clef.TrebleClef() if clef == "treble" else m21clef.BassClef())
    if time is not None:
        measure_length(time)  # raises on a malformed signature
        items.append(meter.TimeSignature("4/4" if time == "C" else time))
        if time == "C":
            items[-1].symbol = "common"
    return items


def _music21_event(event: Event):
    from music21 import duration, note, pitch, tie

    length = duration.Duration(type=event.duration, dots=event.dots)
    if event.kind == "rest":
        # Without this music21 writes a whole rest (or one filling its bar) as <rest measure="yes"/> with no <type>.
        return note.Rest(duration=length, fullMeasure=False)
    written = note.Note(pitch.Pitch(step=event.step, octave=event.octave), duration=length)
    if event.alter != 0 or event.accidental is not None:
        accidental = pitch.Accidental(event.accidental if event.accidental is not None else event.alter)
        if accidental.alter != event.alter:  # a sign that disagrees with the sounding pitch is still written
            accidental.setAttributeIndependently("alter", float(event.alter))
        accidental.displayStatus = event.accidental is not None
        written.pitch.accidental = accidental
    if event.tie is not None:
        written.tie = tie.Tie(event.tie)
    return written


def events_from_musicxml(source: str | Path) -> Staff:
    """(events, clef, key_fifths, time) of a one-staff MusicXML document (text, or a file given as a Path)."""
    from music21 import converter, stream

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    score = converter.parseData(text, format="musicxml")
    parts = list(score.parts)
    if len(parts) != 1:
        raise ValueError(f"MusicXML holds {len(parts)} parts; one staff was expected")
    events: list[Event] = []
    if "<note" not in text:  # an empty staff: music21's reader fills an empty measure with a rest of its own
        return ((), *_read_preamble(parts[0]))
    for measure in parts[0].getElementsByClass(stream.Measure):
        if measure.voices:
            raise ValueError(f"measure {measure.number}: several voices; one melody line was expected")
        events.extend(_event(element, measure.number) for element in measure.notesAndRests)
    return (tuple(events), *_read_preamble(parts[0]))


def _event(element, measure_number) -> Event:
    where = f"measure {measure_number}"
    if element.isChord:
        raise ValueError(f"{where}: a chord; one melody line was expected")
    length = element.duration
    if length.isGrace or length.tuplets or length.type not in DURATIONS or length.dots > 2:
        raise ValueError(f"{where}: a {length.fullName} has no event duration (whole..32nd, 0-2 dots, no tuplets)")
    if element.isRest:
        return SymbolicRest(length.type, length.dots)
    pitch = element.pitch
    accidental = pitch.accidental
    alter = 0 if accidental is None else accidental.alter
    if alter != int(alter):
        raise ValueError(f"{where}: {pitch} is a microtone")
    printed = accidental.name if accidental is not None and accidental.displayStatus else None
    if printed is not None and printed not in ALTER_OF_ACCIDENTAL:
        raise ValueError(f"{where}: accidental {printed!r} is not one of {list(ALTER_OF_ACCIDENTAL)}")
    tie = element.tie.type if element.tie is not None and element.tie.type in TIES else None
    return SymbolicNote(pitch.step, int(pitch.octave), int(alter), length.type, accidental=printed,
                        dots=length.dots, tie=tie)


def _read_preamble(part) -> tuple[str | None, int, str | None]:
    """The staff's clef, key and time; a change later in the staff is refused (events carry none of them)."""
    from music21 import clef as m21clef, key, meter

    clefs = {_clef_name(c) for c in part.recurse().getElementsByClass(m21clef.Clef)}
    keys = {k.sharps for k in part.recurse().getElementsByClass(key.KeySignature)}
    times = {_time_name(t) for t in part.recurse().getElementsByClass(meter.TimeSignature)}
    for what, found in (("clef", clefs), ("key signature", keys), ("time signature", times)):
        if len(found) > 1:
            raise ValueError(f"the staff changes its {what} ({sorted(map(str, found))}); one was expected")
    return next(iter(clefs), None), next(iter(keys), 0), next(iter(times), None)


def _clef_name(found) -> str:
    sign_line = (found.sign, found.line, found.octaveChange)
    names = {("G", 2, 0): "treble", ("F", 4, 0): "bass"}
    if sign_line not in names:
        raise ValueError(f"clef {found.sign} on line {found.line} is neither treble nor bass")
    return names[sign_line]


def _time_name(found) -> str:
    return "C" if found.symbol == "common" and found.ratioString == "4/4" else found.ratioString


def _without_position(event: Event) -> Event:
    return dataclasses.replace(event, x=0.0, y=0.0)


def events_round_trip_mismatch(
    events: Sequence[Event],
    clef: str | None,
    key_fifths: int,
    time: str | None,
    measure_numbers: Sequence[int] | None = None,
) -> str | None:
    """None when events -> MusicXML -> events gives them back unchanged (x/y aside), else a one-line description."""
    try:
        text = events_to_musicxml(events, clef, key_fifths, time, measure_numbers=measure_numbers)
        back, back_clef, back_key, back_time = events_from_musicxml(text)
    except ValueError as error:
        return f"no round trip: {error}"
    for what, wrote, read in (("clef", clef, back_clef), ("key_fifths", key_fifths, back_key),
                              ("time", time, back_time)):
        if wrote != read:
            return f"{what}: wrote {wrote!r}, read back {read!r}"
    if len(back) != len(events):
        return f"wrote {len(events)} events, read back {len(back)}"
    for index, (wrote, read) in enumerate(zip(events, back)):
        if _without_position(wrote) != read:
            return f"event {index}: wrote {_described(wrote)}, read back {_described(read)}"
    return None


def _described(event: Event) -> str:
    data = event.to_json()
    return ", ".join(f"{k}={v}" for k, v in data.items() if k not in ("x", "y"))


# --- notes of the v01/v02 kind: quarter and half notes in 4/4, no measures in the labels ----------------------------

def notes_to_musicxml(notes: Sequence[SymbolicNote], title: str = "") -> str:
    """A treble-clef 4/4 score of notes; a note across a barline is split and tied, as engravers do.

    Thin wrapper over `events_to_musicxml`: the bars and ties are made here (`tied_at_barlines`), and the signs
    printed are those a copyist needs in those bars (`printed_accidentals`) where a note carries none.
    """
    from omr.music.events import printed_accidentals

    events, numbers = tied_at_barlines(notes, Fraction(4))
    pitches = [(n.step, n.octave, n.alter) for n in events]
    tied = [n.tie in ("stop", "continue") for n in events]
    signs = printed_accidentals(pitches, 0, numbers, tied, courtesy=False)
    events = [n if n.accidental is not None else dataclasses.replace(n, accidental=sign)
              for n, sign in zip(events, signs)]
    return events_to_musicxml(events, "treble", 0, "4/4", title, numbers)


def tied_at_barlines(events: Sequence[Event], length: Fraction) -> tuple[list[Event], list[int]]:
    """Events split at the bar lines of `length`-quarter measures (notes tied, rests not), with measure numbers."""
    result: list[Event] = []
    numbers: list[int] = []
    offset = Fraction(0)
    for event in events:
        remaining = event.quarter_length
        pieces: list[tuple[Fraction, int]] = []
        while remaining > 0:
            number = int(offset // length) + 1
            piece = min(remaining, length * number - offset)
            pieces.extend((part, number) for part in _plain_lengths(piece))
            offset, remaining = offset + piece, remaining - piece
        for k, (part, number) in enumerate(pieces):
            result.append(_piece(event, part, k, len(pieces)))
            numbers.append(number)
    return result, numbers


def _plain_lengths(total: Fraction) -> list[Fraction]:
    """`total` quarters as undotted durations, longest first (7/4 -> 1, 1/2, 1/4)."""
    parts = []
    for name in DURATIONS:
        while total >= quarter_length(name):
            parts.append(quarter_length(name))
            total -= quarter_length(name)
    if total:
        raise ValueError(f"{total} quarters are not a sum of whole..32nd notes")
    return parts


def _piece(event: Event, length: Fraction, index: int, count: int) -> Event:
    if count == 1:
        return event
    name = next(d for d in DURATIONS if quarter_length(d) == length)
    if event.kind == "rest":
        return dataclasses.replace(event, duration=name, dots=0)
    tied_before = index > 0 or event.tie in ("stop", "continue")
    tied_after = index < count - 1 or event.tie in ("start", "continue")
    tie = {(False, True): "start", (True, True): "continue", (True, False): "stop"}[(tied_before, tied_after)]
    return dataclasses.replace(event, duration=name, dots=0, tie=tie,
                               accidental=event.accidental if index == 0 else None)


def notes_from_musicxml(source: str | Path) -> tuple[SymbolicNote, ...]:
    """The notes of a MusicXML document, each tied chain merged into one note (rests, signs and ties dropped).

    Thin wrapper over `events_from_musicxml`; a chain whose total length is no single (dotted) duration raises.
    """
    merged: list[tuple[SymbolicNote, Fraction]] = []
    for note in notes_of(events_from_musicxml(source)[0]):
        if note.tie in ("stop", "continue") and merged and merged[-1][0].name == note.name:
            merged[-1] = (merged[-1][0], merged[-1][1] + note.quarter_length)
        else:
            merged.append((note, note.quarter_length))
    notes = []
    for note, length in merged:
        name, dots = _dotted_duration(length)
        notes.append(SymbolicNote(note.step, note.octave, note.alter, name, dots=dots))
    return tuple(notes)


def _dotted_duration(length: Fraction) -> tuple[str, int]:
    for name in DURATIONS:
        for dots in (0, 1, 2):
            if quarter_length(name, dots) == length:
                return name, dots
    raise ValueError(f"a note of {length} quarters is no single (dotted) duration")
