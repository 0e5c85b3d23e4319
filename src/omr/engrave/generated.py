"""A staff of our v03 generator (omr.render.notation) as the measure window the engraved sets take
(omr.engrave.window), so verovio engraves it through engraved_real's verified path: one MusicXML writer
(omr.engrave.real_score), one reading of the SVG, one verification.

The window says what the generator's staff says: its events in measures (the staff's barlines), ties as the
renderer labels them, tuplets, grace notes (an acciaccatura slashed), measure rests, the clef, key and time it opens
with and the one signature it may change at a barline. The meter is always given: a staff drawn without a printed
time signature still has one (omr.engrave.distractors hides it in the MusicXML).
"""

from __future__ import annotations

from dataclasses import replace

from omr.engrave.corpus import TuneRef
from omr.engrave.window import MeasureWindow, SourceChange, SourceEvent
from omr.music.events import Event, StaffHeader
from omr.render.layout import RenderStyle, layout
from omr.render.score import Note, Rest, Staff


def staff_measures(staff: Staff) -> tuple[int, ...]:
    """The measure (from 0) of each event: the barlines after events close them; the last must close the staff."""
    ends = staff.barlines_after
    if not ends or ends[-1] != len(staff.notes) - 1:
        raise ValueError(f"a generated staff must end with its last measure's barline, got barlines after {ends} "
                         f"for {len(staff.notes)} events")
    measures, measure = [], 0
    for index in range(len(staff.notes)):
        measures.append(measure)
        measure += index in ends
    return tuple(measures)


def staff_window(staff: Staff, time: str, tune: TuneRef) -> MeasureWindow:
    """The generated staff as a MeasureWindow in meter `time` (the staff's, printed or not); ValueError for a staff
    the window cannot say (no clef, a change that does not stand at a measure's first event)."""
    if not staff.clef:
        raise ValueError("a generated staff for verovio must show its clef (NotationConfig.random always does)")
    if staff.time_signature not in (None, time):
        raise ValueError(f"time {time!r} differs from the staff's printed {staff.time_signature!r}")
    measures = staff_measures(staff)
    events = tuple(_source_event(staff, index, measures[index]) for index in range(len(staff.notes)))
    changes = []
    for change in staff.changes:
        measure = measures[change.before]
        if measures[change.before - 1] == measure:
            raise ValueError(f"a change before event {change.before} stands inside measure {measure}")
        changes.append(SourceChange(measure, clef=change.clef, key_fifths=change.key_fifths, time=change.time))
    return MeasureWindow(tune=tune, title="", events=events, measures=len(staff.barlines_after),
                         header=StaffHeader(clef=staff.clef_sign, key_fifths=staff.key_signature, time=time),
                         changes=tuple(changes))


def _source_event(staff: Staff, index: int, measure: int) -> SourceEvent:
    event = staff.notes[index]
    if isinstance(event, Rest):
        return SourceEvent("rest", event.rest_type, event.dots, measure, tuplet=event.tuplet,
                           fills_measure=event.measure)
    return SourceEvent("note", event.note_type, event.dots, measure, step=event.step, octave=event.octave,
                       alter=event.alter, tie=tie_label(staff, index), tuplet=event.tuplet,
                       grace=event.grace is not None, slash=event.grace == "acciaccatura")


def tie_label(staff: Staff, index: int) -> str | None:
    """start/stop/continue of the note at `index`, from its tie flag and the previous note's (as the renderer
    labels it; a grace note is never tied)."""
    event = staff.notes[index]
    if not isinstance(event, Note) or event.grace is not None:
        return None
    previous = staff.notes[index - 1] if index > 0 else None
    from_previous = isinstance(previous, Note) and previous.tie
    return {(False, True): "start", (True, False): "stop", (True, True): "continue"}.get((from_previous, event.tie))


def generator_events(staff: Staff) -> tuple[Event, ...]:
    """The events our renderer labels for the staff, x and y set to 0: what an engraving of it must be labelled."""
    return tuple(replace(event, x=0.0, y=0.0) for event in layout(staff, RenderStyle()).events)


def printed_signs(staff: Staff) -> tuple[str | None, ...]:
    """The sign the generator prints before each note (grace notes too), in order: the engraving prints the same."""
    return tuple(event.accidental for event in staff.notes if isinstance(event, Note))
