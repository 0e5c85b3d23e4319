"""A page's staves -> what the page says: every staff located (omr.transcribe.locate) and recognised in one batch
(omr.transcribe.recognize), moved into page pixels, clef, key and time signature carried from staff to staff (those a
staff changes inside it included: the next staff starts where it ended) and ties joined across staves. Torch-free
(the predictor is passed in), so `omr transcribe`, the evaluation of the `pages` set and benchmarks/transcribe.py
share it. Files are written by omr.transcribe.write.

Coordinates: every x/y here (events, barlines, staff lines) is in the deskewed page's pixels (omr.transcribe.page:
the input turned back by the staves' angle, or the input itself where that angle is 0).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from omr.transcribe.locate import LocatedStaff, locate_staves
from omr.music.events import (Event, StaffHeader, SymbolicNote, event_text, measure_length, notes_of,
                              pitch_from_staff_position, sounding_alters, staff_position)
from omr.music.musicxml import change_positions, measure_groups, measure_numbers_from_barlines
from omr.music.score import header_at_end
from omr.decode.config import RecognizeConfig
from omr.transcribe.recognize import Predictor, Recognition, recognize_batch

PREAMBLE = ("clef", "key", "time")  # what a staff may print before its first note


@dataclass(frozen=True)
class StaffTranscription:
    """One staff as read: its events and (`header`) barlines (page pixels) and the clef, key and time in force on it
    (read here or carried from the staff before: `printed` names those read here), and where it sits (`staff`,
    omr.transcribe.locate)."""

    events: tuple[Event, ...]
    staff: LocatedStaff
    header: StaffHeader = StaffHeader()
    printed: tuple[str, ...] = ()
    knows_accidentals: bool = True
    knows_durations: bool = True
    part: int = 0  # which part (0 first) the staff continues: its place within its system (`part_indices`)

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        return notes_of(self.events)

    @property
    def staff_lines(self) -> tuple[float, ...]:
        """The five lines' y in the page, top first."""
        return tuple(self.staff.origin[1] + y for y in self.staff.staff_lines)

    def measure_numbers(self) -> tuple[int, ...] | None:
        """Measure of each event within the staff (1 first): from the barlines read, else None (the time signature
        in force fills the measures)."""
        barlines = self.header.barlines
        return tuple(measure_numbers_from_barlines(self.events, barlines)) if barlines else None

    def text(self) -> str:
        """Events left to right as `omr render --notes` writes them, e.g. 'C4:4 r:8 F#4:8.' (pitch alone where the
        approach knows no durations, no sign where it knows no accidentals)."""
        words = []
        for event in self.events:
            if event.kind == "note" and not self.knows_accidentals:
                event = dataclasses.replace(event, alter=0)
            words.append(event_text(event) if self.knows_durations else event.spelled)
        return " ".join(words)

    def preamble_text(self) -> str:
        """'treble, 2 sharps, 3/4' (what is in force; '(carried)' marks what this staff does not print)."""
        header = self.header
        key = {0: "no key", 1: "1 sharp", -1: "1 flat"}.get(
            header.key_fifths, f"{abs(header.key_fifths)} {'sharps' if header.key_fifths > 0 else 'flats'}")
        parts = [(header.clef or "no clef", "clef"), (key, "key"), (header.time or "no time", "time")]
        return ", ".join(value + ("" if what in self.printed or value.startswith("no ") else " (carried)")
                         for value, what in parts)


@dataclass(frozen=True)
class PageTranscription:
    """Every staff of one image, in reading order (top to bottom), and the input's size (width, height)."""

    staves: tuple[StaffTranscription, ...]
    approach: str
    size: tuple[int, int]

    @property
    def events(self) -> tuple[Event, ...]:
        """The events of every staff in reading order: what the `pages` set scores as one sequence."""
        return tuple(event for staff in self.staves for event in staff.events)

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        return notes_of(self.events)

    @property
    def knows_accidentals(self) -> bool:
        return all(staff.knows_accidentals for staff in self.staves)

    @property
    def knows_durations(self) -> bool:
        return all(staff.knows_durations for staff in self.staves)


def transcribe_page(predictor: Predictor, image: np.ndarray, config: RecognizeConfig = RecognizeConfig()
                    ) -> PageTranscription:
    """Find every staff (NoStaffFound when there is none), recognise them in one batch, carry the preamble."""
    located = locate_staves(image)
    recognitions = recognize_batch(predictor, [staff.image for staff in located], config)
    height, width = np.asarray(image).shape[:2]
    return page_from_recognitions(located, recognitions, predictor.approach, (int(width), int(height)))


def page_from_recognitions(located: Sequence[LocatedStaff], recognitions: Sequence[Recognition], approach: str,
                           size: tuple[int, int]) -> PageTranscription:
    """A page from its located staves and their recognitions (in the same order; e.g. batched across pages by the
    evaluation): moved into page pixels, the preamble carried, ties joined across staves."""
    if len(located) != len(recognitions):
        raise ValueError(f"{len(located)} staves located but {len(recognitions)} recognised")
    parts = part_indices([staff.system for staff in located])
    staves = [dataclasses.replace(_on_page(r, s), part=part) for r, s, part in zip(recognitions, located, parts)]
    return PageTranscription(staves=tuple(per_part(staves)), approach=approach, size=size)


def part_indices(systems: Sequence[int]) -> tuple[int, ...]:
    """Per staff (reading order), the part it continues: staff k of its system (top first) continues part k where
    every system holds the same number of staves (a duet, a piano's two hands); else one part (what a reader of the
    page can tell: a system that loses a staff says nothing of which part paused)."""
    sizes = [systems.count(system) for system in dict.fromkeys(systems)]
    if len(set(sizes)) != 1:
        return tuple(0 for _ in systems)
    return tuple(systems[:index].count(system) for index, system in enumerate(systems))


def per_part(staves: Sequence[StaffTranscription]) -> list[StaffTranscription]:
    """The staves (reading order) with the preamble carried and ties joined within each part, staff after staff of
    the part: a duet's lower staff continues the lower staff of the system before, not the upper staff above it."""
    joined = list(staves)
    for part in dict.fromkeys(staff.part for staff in staves):
        indices = [index for index, staff in enumerate(staves) if staff.part == part]
        for index, staff in zip(indices, tied_across_staves(carried_preamble([staves[i] for i in indices]))):
            joined[index] = staff
    return joined


def _on_page(recognition: Recognition, staff: LocatedStaff) -> StaffTranscription:
    """A staff's recognition moved from its crop into page pixels; `printed` = what the decoder read of it."""
    x0, y0 = staff.origin
    events = tuple(dataclasses.replace(e, x=e.x + x0, y=e.y + y0) for e in recognition.events)
    header = recognition.header
    printed = tuple(what for what, read in zip(PREAMBLE, (header.clef is not None, header.key_fifths != 0,
                                                          header.time is not None)) if read)
    header = dataclasses.replace(header, barlines=tuple(x + x0 for x in header.barlines),
                                 changes=tuple(dataclasses.replace(c, x=c.x + x0) for c in header.changes))
    return StaffTranscription(events=events, staff=staff, header=header, printed=printed, knows_accidentals=recognition.knows_accidentals,
                              knows_durations=recognition.knows_durations)


def carried_preamble(staves: Sequence[StaffTranscription]) -> list[StaffTranscription]:
    """Each staff with the clef, key and time in force: what it printed, else what the previous staff left in force
    (its own, or the last it changed inside it).

    Engravers repeat clef and key on every system and print the time signature once, so a staff that shows none of
    them continues the one before. A key read as 0 (no signature seen) carries the previous key: a change to C major
    would print naturals, which no decoder reads as a key. Where the carried clef or key is not what the decoder
    assumed (treble, no key), the staff's pitches are read again under it (`reread`).
    """
    carried: list[StaffTranscription] = []
    for staff in staves:
        own = staff.header
        previous = header_at_end(carried[-1].header) if carried else own
        in_force = dataclasses.replace(
            own,
            clef=own.clef if "clef" in staff.printed else previous.clef,
            key_fifths=own.key_fifths if "key" in staff.printed else previous.key_fifths,
            time=own.time if "time" in staff.printed else previous.time,
        )
        carried.append(reread(staff, in_force))
    return carried


def reread(staff: StaffTranscription, in_force: StaffHeader) -> StaffTranscription:
    """The staff under another header in force (clef, key, time; its barlines are the measures). Decoders place a
    head by its staff position in treble clef when they read none, and apply the key they read (0 when none): heads
    move to the clef's pitch there, and `alter` is worked out again from the printed signs (where the approach reads
    them), the key and the measures (barlines, else the time signature). A clef or key the staff changes inside it
    holds from there on: the heads after a clef change were read in that clef."""
    events, read = list(staff.events), staff.header
    moved = read.clef is None and in_force.clef not in (None, "treble")
    if moved:
        clef_changes = [c for c in in_force.changes if c.clef is not None]
        until = change_positions(events, clef_changes)[0] if clef_changes else len(events)
        events = [e if e.kind == "rest" or i >= until else _in_clef(e, in_force.clef) for i, e in enumerate(events)]
    respell = staff.knows_accidentals and (moved or in_force.key_fifths != read.key_fifths
                                           or in_force.time != read.time)
    if respell:
        events = _respelled(events, in_force)
    return dataclasses.replace(staff, events=tuple(events), header=in_force)


def _in_clef(note: SymbolicNote, clef: str) -> SymbolicNote:
    step, octave = pitch_from_staff_position(staff_position(note.step, note.octave, "treble"), clef)
    return dataclasses.replace(note, step=step, octave=octave)


def _respelled(events: list[Event], header: StaffHeader) -> list[Event]:
    """`alter` of every note again, under the key in force where it stands (a key change starts a new stretch)."""
    if header.barlines:
        numbers = measure_numbers_from_barlines(events, header.barlines)
    elif measure_length(header.time) is not None or any(c.time is not None for c in header.changes):
        numbers = [number for number, members in measure_groups(events, header.time, changes=header.changes)
                   for _ in members]
    else:
        numbers = None  # no measures: a printed sign holds for its note alone
    key_changes = [c for c in header.changes if c.key_fifths is not None]
    starts = [0, *change_positions(events, key_changes), len(events)]
    keys = [header.key_fifths, *(c.key_fifths for c in key_changes)]
    respelled = list(events)
    for key_fifths, start, end in zip(keys, starts, starts[1:]):
        indices = [i for i in range(start, end) if events[i].kind == "note"]
        notes = [events[i] for i in indices]
        tied = [k > 0 and notes[k - 1].tie in ("start", "continue") for k in range(len(notes))]
        alters = sounding_alters([(n.step, n.octave, n.accidental) for n in notes], key_fifths,
                                 None if numbers is None else [numbers[i] for i in indices], tied)
        for index, note, alter in zip(indices, notes, alters):
            respelled[index] = dataclasses.replace(note, alter=alter)
    return respelled


def tied_across_staves(staves: Sequence[StaffTranscription]) -> list[StaffTranscription]:
    """A tie that leaves one staff's last note ends on the next staff's first note where that is the same written
    pitch: a decoder reads one staff, so it sees the tie's start but not where it stops. Grace notes take no part
    (a grace note is never tied)."""
    joined = list(staves)
    for index in range(1, len(joined)):
        before, staff = joined[index - 1].events, joined[index].events
        if not before or not staff or before[-1].kind != "note" or staff[0].kind != "note":
            continue
        last, first = before[-1], staff[0]
        if last.grace or first.grace:
            continue
        if last.tie in ("start", "continue") and first.tie in (None, "start") and \
                (last.step, last.octave) == (first.step, first.octave):
            tie = "stop" if first.tie is None else "continue"
            events = (dataclasses.replace(first, tie=tie, alter=last.alter), *staff[1:])
            joined[index] = dataclasses.replace(joined[index], events=events)
    return joined
