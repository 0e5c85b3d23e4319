"""Windows of whole measures cut from a corpus tune and kept as written: rhythms, dots, rests, ties, key and time.

A window is refused (WindowRejected, its reason counted in meta.json `selection_drops`) where CONTRACT's events
cannot say what the staff shows: tuplets, grace notes, chords, double accidentals, breves, several voices, a key,
time or clef change inside the window, a time signature outside omr.music.TIME_SIGNATURES, or notes outside the
allowed staff positions of the window's clef. Some windows are moved down one or two octaves (spelling kept) and
written in bass clef.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction

import numpy as np

from omr.engrave.corpus import TuneRef, WindowRejected, single_treble_part
from omr.music.events import DURATIONS, TIME_SIGNATURES, StaffHeader, quarter_length, staff_position

BASS_OCTAVE_SHIFTS = (1, 2)  # octaves a bass-clef window may be moved down


@dataclass(frozen=True)
class SourceEvent:
    """A note or rest of a window as the source writes it; `measure` counts from 0 within the window."""

    kind: str  # "note" | "rest"
    duration: str
    dots: int
    measure: int
    step: str | None = None
    octave: int | None = None
    alter: int = 0
    tie: str | None = None  # "start" | "stop" | "continue" | None, within the window

    @property
    def quarter_length(self) -> Fraction:
        return quarter_length(self.duration, self.dots)


@dataclass(frozen=True)
class MeasureWindow:
    """Consecutive whole measures of one tune, with the clef, key and time signature they are written in (`header`;
    no barlines: a source has measures, not x positions)."""

    tune: TuneRef
    title: str
    events: tuple[SourceEvent, ...]
    measures: int
    header: StaffHeader
    octave_shift: int = 0  # octaves moved down (bass-clef windows)
    first_measure: int = 0  # the source's number of the window's first measure

    @property
    def notes(self) -> tuple[SourceEvent, ...]:
        return tuple(event for event in self.events if event.kind == "note")


def measure_count(rng: np.random.Generator, measures: tuple[int, int]) -> int:
    """Measures in a window: binomial around the middle of [fewest, most], so [1, 4] gives mostly 2-3."""
    return measures[0] + int(rng.binomial(measures[1] - measures[0], 0.5))


def cut_measure_window(
    score,
    tune: TuneRef,
    rng: np.random.Generator,
    measures: tuple[int, int],
    bass_probability: float,
    positions: tuple[int, int],
) -> MeasureWindow:
    """A seeded window of whole measures of a one-part tune, in treble or (moved down) bass clef."""
    part = _single_part(score)
    bars = _measures(part)
    wanted = measure_count(rng, measures)
    full = [_is_full(bar) for bar in bars]
    starts = [i for i in range(len(bars) - wanted + 1) if all(full[i : i + wanted])]
    if not starts:
        raise WindowRejected("too_short", f"no run of {wanted} whole measures")
    start = starts[int(rng.integers(len(starts)))]
    chosen = bars[start : start + wanted]
    wants_bass = bool(rng.random() < bass_probability)
    shift_draw = int(rng.integers(len(BASS_OCTAVE_SHIFTS)))  # drawn always, so later draws do not depend on it
    key_fifths, time = _signatures(chosen)
    events = _edge_ties_cut(_window_events(chosen))
    _check_ties(events)
    window = MeasureWindow(tune=tune, title=_title(score), events=events, measures=wanted,
                           header=StaffHeader(clef="treble", key_fifths=key_fifths, time=time),
                           first_measure=int(chosen[0].number or 0))
    return _placed(window, wants_bass, shift_draw, positions)


def _single_part(score):
    from music21 import stream

    part = single_treble_part(score)
    if not part.getElementsByClass(stream.Measure):
        raise WindowRejected("no_measures")
    return part


def _measures(part) -> list:
    from music21 import stream

    return list(part.getElementsByClass(stream.Measure))


def _is_full(bar) -> bool:
    """A measure as long as its time signature says (pickups and bars split by repeats are not)."""
    return bar.barDuration is not None and bar.duration.quarterLength == bar.barDuration.quarterLength > 0


def _signatures(bars) -> tuple[int, str]:
    from music21 import key, meter

    first = bars[0]
    signature = first.timeSignature or first.getContextByClass(meter.TimeSignature)
    key_signature = first.keySignature or first.getContextByClass(key.KeySignature)
    for bar in bars[1:]:
        if bar.timeSignature is not None and bar.timeSignature.ratioString != signature.ratioString:
            raise WindowRejected("time_change")
        if bar.keySignature is not None and key_signature is not None and bar.keySignature.sharps != key_signature.sharps:
            raise WindowRejected("key_change")
    if signature is None:
        raise WindowRejected("no_time_signature")
    time = signature.ratioString
    if time not in TIME_SIGNATURES:
        raise WindowRejected("time_signature_unsupported", time)
    return (key_signature.sharps if key_signature is not None else 0), time


def _window_events(bars) -> tuple[SourceEvent, ...]:
    from music21 import stream

    events = []
    for index, bar in enumerate(bars):
        if bar.getElementsByClass(stream.Voice):
            raise WindowRejected("several_voices")
        for element in bar.notesAndRests:
            events.append(_source_event(element, index))
    if not any(event.kind == "note" for event in events):
        raise WindowRejected("no_notes")
    return tuple(events)


def _source_event(element, measure: int) -> SourceEvent:
    if element.duration.isGrace:
        raise WindowRejected("grace_note")
    if element.duration.tuplets:
        raise WindowRejected("tuplet")
    if element.isChord:
        raise WindowRejected("chord")
    kind_of_duration = element.duration.type
    if kind_of_duration not in DURATIONS or element.duration.dots > 2:
        raise WindowRejected("duration_unsupported", f"{kind_of_duration} with {element.duration.dots} dots")
    if element.style.hideObjectOnPrint:
        raise WindowRejected("invisible_event")
    if element.isRest:
        return SourceEvent("rest", kind_of_duration, element.duration.dots, measure)
    pitch = element.pitch
    alter = pitch.alter if pitch.accidental is not None else 0
    if alter not in (-1, 0, 1):
        raise WindowRejected("double_or_microtonal_accidental", pitch.nameWithOctave)
    tie = element.tie.type if element.tie is not None and element.tie.type in ("start", "stop", "continue") else None
    return SourceEvent("note", kind_of_duration, element.duration.dots, measure, step=pitch.step,
                       octave=int(pitch.octave), alter=int(alter), tie=tie)


def _edge_ties_cut(events: tuple[SourceEvent, ...]) -> tuple[SourceEvent, ...]:
    """A tie into the window's first note or out of its last one has no partner on the staff: drop that half."""
    edited = list(events)
    notes = [i for i, event in enumerate(edited) if event.kind == "note"]
    first, last = notes[0], notes[-1]
    drop_in = {"stop": None, "continue": "start"}
    drop_out = {"start": None, "continue": "stop"}
    if edited[first].tie in drop_in:
        edited[first] = replace(edited[first], tie=drop_in[edited[first].tie])
    if edited[last].tie in drop_out:
        edited[last] = replace(edited[last], tie=drop_out[edited[last].tie])
    return tuple(edited)


def _check_ties(events: tuple[SourceEvent, ...]) -> None:
    """A tie joins a note to the next event, a note of the same pitch (ABC also writes slurs that way: refused)."""
    for event, following in zip(events, events[1:] + (None,)):
        if event.kind != "note" or event.tie not in ("start", "continue"):
            continue
        joined = following is not None and following.kind == "note" and following.tie in ("stop", "continue")
        if not joined or (following.step, following.octave, following.alter) != (event.step, event.octave, event.alter):
            raise WindowRejected("tie_between_different_notes")
    for previous, event in zip((None,) + events[:-1], events):
        if event.kind == "note" and event.tie in ("stop", "continue"):
            if previous is None or previous.kind != "note" or previous.tie not in ("start", "continue"):
                raise WindowRejected("tie_between_different_notes")


def _placed(window: MeasureWindow, wants_bass: bool, shift_draw: int, positions: tuple[int, int]) -> MeasureWindow:
    """The window in treble clef, or moved down one or two octaves into bass clef; refused out of range."""
    if not wants_bass:
        if not _fits(window.notes, "treble", 0, positions):
            raise WindowRejected("out_of_range", "treble")
        return window
    fitting = [shift for shift in BASS_OCTAVE_SHIFTS if _fits(window.notes, "bass", shift, positions)]
    if not fitting:
        raise WindowRejected("out_of_range", "bass")
    shift = fitting[shift_draw % len(fitting)]
    return replace(window, header=replace(window.header, clef="bass"), octave_shift=shift,
                   events=tuple(_moved_down(e, shift) for e in window.events))


def _fits(notes, clef: str, shift: int, positions: tuple[int, int]) -> bool:
    placed = [staff_position(note.step, note.octave - shift, clef) for note in notes]
    return positions[0] <= min(placed) and max(placed) <= positions[1]


def _moved_down(event: SourceEvent, octaves: int) -> SourceEvent:
    """music21's transposition by whole octaves: the spelling (step and alter) is kept."""
    if event.kind != "note":
        return event
    from music21 import pitch

    moved = pitch.Pitch(step=event.step, octave=event.octave, accidental=event.alter or None)
    moved = moved.transpose(f"-P{7 * octaves + 1}")  # P8 down per octave: -P8, -P15
    if (moved.step, int(moved.alter)) != (event.step, event.alter):
        raise AssertionError(f"octave transposition respelled {event.step}{event.alter} as {moved.nameWithOctave}")
    return replace(event, octave=int(moved.octave))


def _title(score) -> str:
    return score.metadata.title if score.metadata is not None and score.metadata.title else ""
