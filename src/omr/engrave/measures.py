"""Windows of whole measures cut from a corpus tune and kept as written: rhythms, dots, rests, ties, tuplets, grace
notes, key and time, and the clef, key and time signatures that change inside the window.

A window is refused (WindowRejected, its reason counted in meta.json `selection_drops`) where CONTRACT's events
cannot say what the staff shows: chords, double accidentals, several voices, nested tuplets or a tuplet whose printed
number names another ratio (the tuplet-number rule, `PRINTED_TUPLETS`), durations outside breve..32nd, a clef other
than treble or bass, a clef, key or time changed inside a measure, a time signature outside
omr.music.TIME_SIGNATURES, or notes outside the allowed staff positions of their clef. A rest that fills its measure
is a measure rest (CONTRACT's `measure`, printed as a whole rest whatever the meter). Some treble windows are moved
down one or two octaves (spelling kept) and written in bass clef.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from omr.engrave.corpus import TuneRef, WindowRejected
from omr.engrave.window import MeasureWindow, SourceChange, SourceEvent
from omr.music.elements import time_name as music21_time_name
from omr.music.events import EVENT_DURATIONS, TIME_SIGNATURES, StaffHeader, staff_position

BASS_OCTAVE_SHIFTS = (1, 2)  # octaves a bass-clef window may be moved down
# The tuplet-number rule (a reader's way from the printed number to the ratio): a tuplet of another ratio prints a
# number that names a different one, so no reader of the staff could label it.
PRINTED_TUPLETS = {3: (3, 2), 2: (2, 3), 4: (4, 3), 5: (5, 4), 6: (6, 4), 7: (7, 4)}
MUSIC21_CLEFS = {"TrebleClef": "treble", "BassClef": "bass"}


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
    """A seeded window of whole measures of a one-part tune, as written or (a treble window moved down) in bass."""
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
    header, changes = _signatures(chosen)
    events = _edge_ties_cut(_window_events(chosen))
    _check_ties(events)
    window = MeasureWindow(tune=tune, title=_title(score), events=events, measures=wanted, header=header,
                           first_measure=int(chosen[0].number or 0), changes=changes)
    _check_key_changes(window)
    return _placed(window, wants_bass, shift_draw, positions)


def _single_part(score):
    from music21 import stream

    parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]
    if len(parts) != 1:
        raise WindowRejected("several_parts")
    part = parts[0]
    if not part.getElementsByClass(stream.Measure):
        raise WindowRejected("no_measures")
    return part


def _measures(part) -> list:
    from music21 import stream

    return list(part.getElementsByClass(stream.Measure))


def _is_full(bar) -> bool:
    """A measure as long as its time signature says (pickups and bars split by repeats are not)."""
    return bar.barDuration is not None and bar.duration.quarterLength == bar.barDuration.quarterLength > 0


def time_name(signature) -> str:
    """The window's name of a music21 time signature: 'C' and 'C|' for the common and cut symbols (omr.engrave.corpus
    sets them from the ABC), else its ratio; WindowRejected outside TIME_SIGNATURES."""
    name = music21_time_name(signature)
    if name not in TIME_SIGNATURES:
        raise WindowRejected("time_signature_unsupported", name)
    return name


def _clef_name(found) -> str:
    name = MUSIC21_CLEFS.get(type(found).__name__)
    if name is None:
        raise WindowRejected("clef_unsupported", type(found).__name__)
    return name


def _signatures(bars) -> tuple[StaffHeader, tuple[SourceChange, ...]]:
    """The clef, key and time the window starts in, and each later measure's changes to them."""
    from music21 import clef, key, meter

    first = bars[0]
    signature = first.timeSignature or first.getContextByClass(meter.TimeSignature)
    if signature is None:
        raise WindowRejected("no_time_signature")
    key_signature = first.keySignature or first.getContextByClass(key.KeySignature)
    opening_clef = first.clef or first.getContextByClass(clef.Clef)
    in_force = {"clef": _clef_name(opening_clef) if opening_clef is not None else "treble",
                "key_fifths": key_signature.sharps if key_signature is not None else 0, "time": time_name(signature)}
    header = StaffHeader(**in_force)
    changes = []
    for index, bar in enumerate(bars):
        # Verovio and MusicXML print a change where it stands; our windows carry changes at measure starts only.
        signs = bar.getElementsByClass((clef.Clef, key.KeySignature, meter.TimeSignature))
        if any(found.offset > 0 for found in signs):
            raise WindowRejected("change_inside_measure")
        if index == 0:
            continue
        found = {"clef": _clef_name(bar.clef) if bar.clef is not None else None,
                 "key_fifths": bar.keySignature.sharps if bar.keySignature is not None else None,
                 "time": time_name(bar.timeSignature) if bar.timeSignature is not None else None}
        changed = {what: value for what, value in found.items() if value is not None and value != in_force[what]}
        if changed:
            changes.append(SourceChange(measure=index, **changed))
            in_force.update(changed)
    return header, tuple(changes)


def _window_events(bars) -> tuple[SourceEvent, ...]:
    from music21 import stream

    events = []
    for index, bar in enumerate(bars):
        if bar.getElementsByClass(stream.Voice):
            raise WindowRejected("several_voices")
        events += _measure_rest(tuple(_source_event(element, index) for element in bar.notesAndRests))
    if not any(event.kind == "note" for event in events):
        raise WindowRejected("no_notes")
    return tuple(events)


def _measure_rest(events: tuple[SourceEvent, ...]) -> tuple[SourceEvent, ...]:
    """A whole measure's events, a rest that fills it alone (the measure is whole) written as a measure rest."""
    timed = [event for event in events if not event.grace]
    if len(timed) == 1 and timed[0].kind == "rest" and timed[0].tuplet is None:
        rest = timed[0]
        return tuple(SourceEvent("rest", "whole", 0, rest.measure, fills_measure=True) if event is rest else event
                     for event in events)
    return events


def _source_event(element, measure: int) -> SourceEvent:
    if element.isChord:
        raise WindowRejected("chord")
    length = element.duration
    if length.type not in EVENT_DURATIONS or length.dots > 2:
        raise WindowRejected("duration_unsupported", f"{length.type} with {length.dots} dots")
    if element.style.hideObjectOnPrint:
        raise WindowRejected("invisible_event")
    tuplet = _tuplet(length)
    if element.isRest:
        if length.isGrace:
            raise WindowRejected("grace_rest")
        return SourceEvent("rest", length.type, length.dots, measure, tuplet=tuplet)
    pitch = element.pitch
    alter = pitch.alter if pitch.accidental is not None else 0
    if alter not in (-1, 0, 1):
        raise WindowRejected("double_or_microtonal_accidental", pitch.nameWithOctave)
    tie = element.tie.type if element.tie is not None and element.tie.type in ("start", "stop", "continue") else None
    if length.isGrace and (tie is not None or tuplet is not None):
        raise WindowRejected("grace_note_tied_or_in_tuplet")  # CONTRACT: a grace note takes no time
    return SourceEvent("note", length.type, length.dots, measure, step=pitch.step, octave=int(pitch.octave),
                       alter=int(alter), tie=tie, tuplet=tuplet, grace=bool(length.isGrace),
                       slash=bool(length.isGrace and length.slash))


def _tuplet(length) -> tuple[int, int] | None:
    """(actual, normal) of a duration's one tuplet; WindowRejected for nested ones and those the printed number
    cannot name (PRINTED_TUPLETS)."""
    if not length.tuplets:
        return None
    if len(length.tuplets) > 1:
        raise WindowRejected("nested_tuplet")
    found = length.tuplets[0]
    ratio = (int(found.numberNotesActual), int(found.numberNotesNormal))
    if PRINTED_TUPLETS.get(ratio[0]) != ratio:
        raise WindowRejected("tuplet_ratio_unprinted", f"{ratio[0]}:{ratio[1]}")
    return ratio


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


def _check_key_changes(window: MeasureWindow) -> None:
    """A tie into a measure whose key changes joins notes read under two keys: refused (no reader rule says which)."""
    changed = {change.measure for change in window.changes if change.key_fifths is not None}
    for previous, event in zip(window.events, window.events[1:]):
        if event.measure in changed and event.measure != previous.measure and event.tie in ("stop", "continue"):
            raise WindowRejected("tie_across_key_change")


def _placed(window: MeasureWindow, wants_bass: bool, shift_draw: int, positions: tuple[int, int]) -> MeasureWindow:
    """A treble window as written, or moved down one or two octaves into bass clef; a window that is not in treble
    throughout (a bass-clef tune, a clef change) as written. Refused out of range."""
    if not wants_bass or window.header.clef != "treble" or any(c.clef is not None for c in window.changes):
        if not _fits(window, 0, positions):
            raise WindowRejected("out_of_range", window.header.clef)
        return window
    moved = replace(window, header=replace(window.header, clef="bass"))
    fitting = [shift for shift in BASS_OCTAVE_SHIFTS if _fits(moved, shift, positions)]
    if not fitting:
        raise WindowRejected("out_of_range", "bass")
    shift = fitting[shift_draw % len(fitting)]
    return replace(moved, octave_shift=shift, events=tuple(_moved_down(e, shift) for e in window.events))


def _fits(window: MeasureWindow, shift: int, positions: tuple[int, int]) -> bool:
    """Whether every note, moved down `shift` octaves, lies within `positions` of the clef in force."""
    clefs = {measure: window.in_force(measure).clef for measure in range(window.measures)}
    placed = [staff_position(note.step, note.octave - shift, clefs[note.measure]) for note in window.notes]
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
