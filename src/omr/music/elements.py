"""One event, clef, key or meter <-> its music21 object: the pieces every MusicXML and MIDI conversion is built of.

Below both writers (omr.music.musicxml: one staff, as labels are checked; omr.music.score: a page, as `omr transcribe`
writes it), so a label and a transcription are converted by the same code.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from omr.music.events import (ALTER_OF_ACCIDENTAL, CLEFS, EVENT_DURATIONS, QUARTER_LENGTH, TIES, Event, SymbolicNote,
                              SymbolicRest, measure_length)


def header_items(clef: str | None, key_fifths: int, time: str | None) -> list:
    """The music21 clef (None: none), key signature and time signature (None: none) a staff's header writes."""
    from music21 import clef as m21clef, key, meter

    items = [key.KeySignature(key_fifths)]
    if clef is not None:
        if clef not in CLEFS:
            raise ValueError(f"clef must be one of {list(CLEFS)} or None, got {clef!r}")
        items.insert(0, m21clef.TrebleClef() if clef == "treble" else m21clef.BassClef())
    if time is not None:
        measure_length(time)  # raises on a malformed signature
        items.append(meter.TimeSignature({"C": "4/4", "C|": "2/2"}.get(time, time)))
        if time in ("C", "C|"):  # <time symbol="common"> / <time symbol="cut">: the C and the slashed C
            items[-1].symbol = "common" if time == "C" else "cut"
    return items


def music21_event(event: Event, bracket: str | None = None, measure: Fraction | None = None):
    """The music21 Note or Rest of an event: its printed sign shown as written, its sounding alter kept, its tie;
    its tuplet (`bracket`: 'start', 'stop', 'startStop' or None, see `tuplet_brackets`), grace, or measure rest
    (lasting `measure` quarters, the meter's, where that is one plain duration; else a whole)."""
    from music21 import duration, note, pitch, tie

    length = duration.Duration(type=event.duration, dots=event.dots)
    if event.tuplet is not None:
        actual, normal = event.tuplet
        length.appendTuplet(duration.Tuplet(actual, normal, type=bracket))
    if event.kind == "rest":
        if event.measure:  # <rest measure="yes"/>, its <duration> the measure's
            # A measure of no single value (5/4, 7/8 is one) is still one rest: a full-measure rest writes no <type>.
            filled = duration.Duration(quarterLength=measure) if measure is not None else length
            return note.Rest(duration=filled, fullMeasure=True)
        # Without this music21 writes a whole rest (or one filling its bar) as <rest measure="yes"/> with no <type>.
        return note.Rest(duration=length, fullMeasure=False)
    written = note.Note(pitch.Pitch(step=event.step, octave=event.octave), duration=length)
    if event.grace:
        # One kind of grace note: written unslashed (<grace slash="no"/>); a slashed one (acciaccatura) reads the same.
        written = written.getGrace()
        written.duration.slash = False
    if event.alter != 0 or event.accidental is not None:
        accidental = pitch.Accidental(event.accidental if event.accidental is not None else event.alter)
        if accidental.alter != event.alter:  # a sign that disagrees with the sounding pitch is still written
            accidental.setAttributeIndependently("alter", float(event.alter))
        accidental.displayStatus = event.accidental is not None
        written.pitch.accidental = accidental
    if event.tie is not None:
        written.tie = tie.Tie(event.tie)
    return written


def tuplet_brackets(events: Sequence[Event]) -> list[str | None]:
    """Where each tuplet bracket starts and stops, over one measure's events: 'start', 'stop', 'startStop' or None.

    A bracket holds consecutive events of one tuplet and closes once they fill `normal` of their smallest value
    (a 3:2 triplet of eighths: two eighths' time; a 2:3 duplet of eighths: three); a run cut short closes where it
    ends. Grace notes stand outside (they take no time).
    """
    brackets: list[str | None] = [None] * len(events)
    members: list[int] = []
    for index, event in enumerate([*events, None]):
        timed = event is None or event.kind == "rest" or not event.grace
        current = events[members[0]].tuplet if members else None
        if members and timed and (event is None or event.tuplet != current):
            _close(brackets, members)
            members = []
        if event is None or not timed or event.tuplet is None:
            continue
        members.append(index)
        unit = min(QUARTER_LENGTH[events[i].duration] for i in members)
        if sum(events[i].quarter_length for i in members) >= event.tuplet[1] * unit:
            _close(brackets, members)
            members = []
    return brackets


def _close(brackets: list[str | None], members: list[int]) -> None:
    if len(members) == 1:
        brackets[members[0]] = "startStop"
    else:
        brackets[members[0]], brackets[members[-1]] = "start", "stop"


def event_from_music21(element, measure_number) -> Event:
    """The event of a music21 note or rest read from a file; ValueError naming the measure where it has none."""
    where = f"measure {measure_number}"
    if element.isChord:
        raise ValueError(f"{where}: a chord; one melody line was expected")
    length = element.duration
    if element.isRest and element.fullMeasure is True:  # <rest measure="yes"/>: a whole rest whatever it lasts
        return SymbolicRest("whole", measure=True)
    if len(length.tuplets) > 1 or length.type not in EVENT_DURATIONS or length.dots > 2:
        raise ValueError(f"{where}: a {length.fullName} has no event duration (breve..32nd, 0-2 dots, one tuplet)")
    tuplet = None
    if length.tuplets:
        found = length.tuplets[0]
        tuplet = (int(found.numberNotesActual), int(found.numberNotesNormal))
    if element.isRest:
        return SymbolicRest(length.type, length.dots, tuplet=tuplet)
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
                        dots=length.dots, tie=tie, tuplet=tuplet, grace=bool(length.isGrace))


def clef_name(found) -> str:
    """Our name of a music21 clef ('treble' or 'bass'); ValueError for any other."""
    sign_line = (found.sign, found.line, found.octaveChange)
    names = {("G", 2, 0): "treble", ("F", 4, 0): "bass"}
    if sign_line not in names:
        raise ValueError(f"clef {found.sign} on line {found.line} is neither treble nor bass")
    return names[sign_line]


def time_name(found) -> str:
    """Our name of a music21 time signature: 'C' for common time, 'C|' for cut time, else its ratio ('3/4')."""
    if found.symbol == "common" and found.ratioString == "4/4":
        return "C"
    return "C|" if found.symbol == "cut" and found.ratioString == "2/2" else found.ratioString
