"""Events <-> MusicXML through music21 (never hand-written XML), so a staff opens in MuseScore and reads back unchanged.

The writer builds the measures itself and exports with music21's `makeNotation` off: music21 then neither re-bars
(no splitting at barlines, no ties added), nor re-spells (no accidentals added or dropped: each note's printed sign
is the event's `accidental`, shown through `Accidental.displayStatus`, its `<alter>` the event's sounding `alter`).
What an event says is what the file says; the reader gives it back, ties as separate notes with their tie. Each event,
clef, key and meter becomes its music21 object in omr.music.elements, as on a page (omr.music.score).

Measures come from, in order of preference: `measure_numbers` (one per event, e.g. from the barlines' x), else the
time signature (filled greedily from the first event; an event that runs past the bar line stays whole in its
measure, which is then longer than the signature, and the next measure starts after it), else one open measure.
A measure longer than its signature is written as it is (MusicXML allows it; MuseScore shows it as irregular).
Measure filling counts what events last: a tuplet's events their scaled length, a grace note nothing, a measure
rest its whole measure (and it stands alone in it); a time signature changed inside the staff starts a new measure.

Header changes inside a staff (`HeaderChange`, placed by x) are written as `<attributes>` just before the first event
right of them: at a measure's start where that event opens one, inside the measure otherwise.
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction
from pathlib import Path
from typing import Sequence

from omr.music.elements import (clef_name, event_from_music21, header_items, music21_event, time_name,
                                 tuplet_brackets)
from omr.music.events import (DURATIONS, Event, HeaderChange, StaffHeader, SymbolicNote, filled_length,
                              measure_length, notes_of, quarter_length)

Staff = tuple[tuple[Event, ...], str | None, int, str | None]  # events, clef, key_fifths, time


def events_to_musicxml(
    events: Sequence[Event],
    clef: str | None = "treble",
    key_fifths: int = 0,
    time: str | None = None,
    title: str = "",
    measure_numbers: Sequence[int] | None = None,
    changes: Sequence[HeaderChange] = (),
) -> str:
    """A one-staff MusicXML score of the events, with the clef (None: none written), key and time signature, and
    the signatures that change inside the staff (`changes`, placed by x)."""
    from music21 import metadata, stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    part = stream.Part()
    before = changes_before(events, changes)
    length, first = measure_length(time), 0
    groups = measure_groups(events, time, measure_numbers, changes)
    for index, (number, members) in enumerate(groups):
        measure = stream.Measure(number=number)
        if index == 0:
            for item in header_items(clef, key_fifths, time):
                measure.insert(0, item)
        for position, (event, bracket) in enumerate(zip(members, tuplet_brackets(members)), start=first):
            for change in before.get(position, ()):
                measure.append(change_items(change))
                length = measure_length(change.time) if change.time is not None else length
            measure.append(music21_event(event, bracket, length))
        first += len(members)
        if index == len(groups) - 1:  # signatures right of every event (a courtesy clef at the staff's end)
            for change in before.get(len(events), ()):
                measure.append(change_items(change))
        part.append(measure)
    score = stream.Score([part])
    score.metadata = metadata.Metadata(title=title or "omr transcription")
    exporter = GeneralObjectExporter(score)
    exporter.makeNotation = False  # write our measures and accidentals as they are (see the module docstring)
    return exporter.parse().decode("utf-8")


def change_positions(events: Sequence[Event], changes: Sequence[HeaderChange]) -> list[int]:
    """Index of the first event right of each change (len(events) for one right of them all)."""
    return [sum(event.x < change.x for event in events) for change in changes]


def changes_before(events: Sequence[Event], changes: Sequence[HeaderChange]) -> dict[int, list[HeaderChange]]:
    """The changes printed just before each event index, in x order."""
    before: dict[int, list[HeaderChange]] = {}
    for change, position in zip(changes, change_positions(events, changes)):
        before.setdefault(position, []).append(change)
    return before


def change_items(change: HeaderChange) -> list:
    """The music21 clef, key and time signature a change prints (only those that change)."""
    from music21 import key

    items = header_items(change.clef, change.key_fifths or 0, change.time)
    return [item for item in items if change.key_fifths is not None or not isinstance(item, key.KeySignature)]


def measure_groups(
    events: Sequence[Event], time: str | None, measure_numbers: Sequence[int] | None = None,
    changes: Sequence[HeaderChange] = (),
) -> list[tuple[int, list[Event]]]:
    """(measure number, its events) in order; always at least one (possibly empty) measure."""
    if measure_numbers is not None:
        numbers = list(measure_numbers)
        if len(numbers) != len(events):
            raise ValueError(f"measure_numbers: {len(numbers)} numbers for {len(events)} events")
        if any(b < a for a, b in zip(numbers, numbers[1:])):
            raise ValueError(f"measure_numbers must not decrease, got {numbers}")
    else:
        times = {position: change.time for change, position in zip(changes, change_positions(events, changes))
                 if change.time is not None}
        numbers = _numbers_from_time(events, time, times)
    groups: list[tuple[int, list[Event]]] = []
    for number, event in zip(numbers, events):
        if not groups or groups[-1][0] != number:
            groups.append((number, []))
        groups[-1][1].append(event)
    return groups or [(1, [])]


def _numbers_from_time(events: Sequence[Event], time: str | None, times: dict[int, str]) -> list[int]:
    """Measure numbers filled greedily by the meter in force (`times`: a new meter before an event index)."""
    numbers, number, filled = [], 1, Fraction(0)
    length = measure_length(time)
    for index, event in enumerate(events):
        if index in times:
            length = measure_length(times[index])
            if filled > 0:  # a meter changes at a bar line
                number, filled = number + 1, Fraction(0)
        measure_rest = event.kind == "rest" and event.measure
        if length is not None and (filled >= length or (measure_rest and filled > 0)):
            number, filled = number + 1, Fraction(0)
        numbers.append(number)
        filled += filled_length(event, length)
    return numbers


def measure_numbers_from_barlines(events: Sequence[Event], barlines: Sequence[float]) -> list[int]:
    """Measure number of each event from the barlines' x (1 before the first barline, +1 after each)."""
    xs = sorted(barlines)
    return [1 + sum(x < event.x for x in xs) for event in events]


def events_from_musicxml(source: str | Path) -> Staff:
    """(events, clef, key_fifths, time) of a one-staff MusicXML document (text, or a file given as a Path); a staff
    that changes its clef, key or time is refused (`staff_from_musicxml` reads one)."""
    events, header, _ = staff_from_musicxml(source)
    for what, name in (("clef", "clef"), ("key signature", "key_fifths"), ("time signature", "time")):
        found = [getattr(change, name) for change in header.changes if getattr(change, name) is not None]
        if found:
            raise ValueError(f"the staff changes its {what} (to {found}); one was expected")
    return events, header.clef, header.key_fifths, header.time


def staff_from_musicxml(source: str | Path) -> tuple[tuple[Event, ...], StaffHeader, tuple[int, ...]]:
    """(events, header, positions) of a one-staff MusicXML document: the header holds the signatures in force at
    the start and those changed later (`changes`, x = 0 as the events' are); `positions` gives, per change, the
    index of the event it stands before."""
    from music21 import converter, stream

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    score = converter.parseData(text, format="musicxml")
    parts = list(score.parts)
    if len(parts) != 1:
        raise ValueError(f"MusicXML holds {len(parts)} parts; one staff was expected")
    # What the staff prints, in order: ("event", event) or (field, value) for a clef, key or time signature.
    items: list[tuple[str, object]] = []
    for measure in parts[0].getElementsByClass(stream.Measure):
        if measure.voices:
            raise ValueError(f"measure {measure.number}: several voices; one melody line was expected")
        for element in measure.getElementsByClass(["Clef", "KeySignature", "TimeSignature", "GeneralNote"]):
            items.append(_staff_item(element, measure.number))
    if "<note" not in text:  # an empty staff: music21's reader fills an empty measure with a rest of its own
        items = [item for item in items if item[0] != "event"]
    return _staff_of(items)


def _staff_item(element, measure_number) -> tuple[str, object]:
    if "Clef" in element.classes:
        return "clef", clef_name(element)
    if "KeySignature" in element.classes:
        return "key_fifths", element.sharps
    if "TimeSignature" in element.classes:
        return "time", time_name(element)
    return "event", event_from_music21(element, measure_number)


def _staff_of(items: list[tuple[str, object]]) -> tuple[tuple[Event, ...], StaffHeader, tuple[int, ...]]:
    """Signatures before the first event make the header; a later one that differs from the one in force is a
    change before the next event (one printed again unchanged, as on a new system, is none)."""
    events: list[Event] = []
    in_force: dict[str, object] = {"clef": None, "key_fifths": 0, "time": None}
    start: dict[str, object] | None = None
    changes: list[tuple[int, dict[str, object]]] = []
    for what, value in items:
        if what == "event":
            start = dict(in_force) if start is None else start
            events.append(value)
            continue
        if start is not None and value != in_force[what]:
            if not changes or changes[-1][0] != len(events) or what in changes[-1][1]:
                changes.append((len(events), {}))
            changes[-1][1][what] = value
        in_force[what] = value
    start = dict(in_force) if start is None else start
    header = StaffHeader(start["clef"], start["key_fifths"], start["time"],
                         changes=tuple(HeaderChange(**found) for _, found in changes))
    return tuple(events), header, tuple(position for position, _ in changes)


def _without_position(event: Event) -> Event:
    return dataclasses.replace(event, x=0.0, y=0.0)


def events_round_trip_mismatch(
    events: Sequence[Event],
    clef: str | None,
    key_fifths: int,
    time: str | None,
    measure_numbers: Sequence[int] | None = None,
    changes: Sequence[HeaderChange] = (),
) -> str | None:
    """None when events -> MusicXML -> events gives them back unchanged (x/y aside), header changes included (each
    before the same event), else a one-line description."""
    try:
        text = events_to_musicxml(events, clef, key_fifths, time, measure_numbers=measure_numbers, changes=changes)
        back, header, positions = staff_from_musicxml(text)
    except ValueError as error:
        return f"no round trip: {error}"
    for what, wrote, read in (("clef", clef, header.clef), ("key_fifths", key_fifths, header.key_fifths),
                              ("time", time, header.time)):
        if wrote != read:
            return f"{what}: wrote {wrote!r}, read back {read!r}"
    wrote_changes = [(position, dataclasses.replace(change, x=0.0))
                     for change, position in zip(changes, change_positions(events, changes))]
    read_changes = list(zip(positions, header.changes))
    if wrote_changes != read_changes:
        return f"changes (before event, change): wrote {wrote_changes}, read back {read_changes}"
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
