"""A staff from the compact event text of `omr render --notes` ("C4:8. D4:16 r:4 E4:2~ E4:8")."""

from __future__ import annotations

from dataclasses import replace

from omr.music.events import sounding_alters
from omr.render.rhythm import BarlineCrossingError, beam_groups, measure_ends
from omr.render.score import Staff, note_from_text


def staff_from_text(text: str, clef: str | None = None, key_fifths: int = 0, time: str | None = None) -> Staff:
    """The staff the tokens write: printed accidentals as given, each note's sounding alter from the key and the
    measure (barlines where the measures of `time` fill; ties carry the alter), beams by the beat.

    `clef` None draws no clef (the staff reads as treble). ValueError naming the bad token.
    """
    tokens = text.split()
    if not tokens:
        raise ValueError('--notes: give at least one event, e.g. "C4:4 E4:2 r:4"')
    events = [note_from_text(token) for token in tokens]
    try:
        ends = measure_ends(events, time)
    except BarlineCrossingError as error:
        raise ValueError(f"note {tokens[error.index]!r} crosses the barline of a {time} measure") from None
    measure_numbers = [sum(1 for end in ends if end < index) for index in range(len(events))]
    notes = [index for index, event in enumerate(events) if event.kind == "note"]
    tied = [index > 0 and events[index - 1].kind == "note" and events[index - 1].tie for index in notes]
    for index, is_tied in zip(notes, tied):
        previous = events[index - 1]
        if is_tied and (previous.step, previous.octave) != (events[index].step, events[index].octave):
            raise ValueError(f"note {tokens[index - 1]!r} is tied to {tokens[index]!r}: a tie joins equal pitches")
    if events[-1].kind == "note" and events[-1].tie:
        raise ValueError(f"note {tokens[-1]!r}: the last note has no next note to be tied to")
    alters = sounding_alters([(events[i].step, events[i].octave, events[i].accidental) for i in notes], key_fifths,
                             [measure_numbers[i] for i in notes] if time else None, tied)
    for index, alter in zip(notes, alters):
        events[index] = replace(events[index], alter=alter)
    return Staff(tuple(events), clef=clef is not None, barlines_after=ends, key_signature=key_fifths,
                 clef_sign=clef or "treble", time_signature=time, beams=beam_groups(events, time))
