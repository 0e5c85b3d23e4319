"""The score model: a staff holding notes, built with a checking builder, independent of any drawing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from omr.music.events import (ALTER_SIGNS, CLEFS, EVENT_DURATIONS, STEPS, Event, SymbolicNote, measure_length,
                              printed_accidentals, staff_position)
from omr.render.grouping import beam_groups, measure_ends, tuplet_groups

# Note and rest types, breve to 32nd (CONTRACT durations).
NOTE_TYPES = EVENT_DURATIONS
GRACE_KINDS = ("acciaccatura", "appoggiatura")  # slashed (short) and unslashed; both are `grace: true` events
STEM_DIRECTIONS = ("up", "down", "auto")
ACCIDENTALS = ("sharp", "flat", "natural")
ACCIDENTAL_OF_ALTER = {1: "sharp", -1: "flat", 0: None}
ALTER_OF_ACCIDENTAL = {"sharp": 1, "flat": -1, "natural": 0}
ARTICULATIONS = ("staccato", "fermata")  # distractors: drawn, never labelled as events
DYNAMICS = ("p", "mf", "f")
MIDDLE_LINE_POSITION = 4


class IncompleteNoteError(ValueError):
    """NoteBuilder.build() was called before every required part of the note was given."""


@dataclass(frozen=True)
class Note:
    """One written note: pitch (step, octave, sounding alter), type, stem direction, the accidental drawn before it
    (None: none printed; the alter then comes from the key signature or the measure), dots, a tie to the next note
    and an articulation drawn with it; `tuplet` ([actual, normal]) where it belongs to one, `grace` (a GRACE_KINDS
    name) for a grace note, printed small before its main note."""

    step: str
    octave: int
    note_type: str = "quarter"
    alter: int = 0
    accidental: str | None = None
    stem_direction: str = "auto"
    dots: int = 0
    tie: bool = False  # tied to the next note (same pitch)
    articulation: str | None = None
    tuplet: tuple[int, int] | None = None
    grace: str | None = None

    kind = "note"

    def __post_init__(self) -> None:
        if self.step not in STEPS:
            raise ValueError(f"note step must be one of {list(STEPS)}, got {self.step!r}")
        if self.note_type not in NOTE_TYPES:
            raise ValueError(f"note type must be one of {list(NOTE_TYPES)}, got {self.note_type!r}")
        if self.stem_direction not in STEM_DIRECTIONS:
            raise ValueError(f"stem direction must be one of {list(STEM_DIRECTIONS)}, got {self.stem_direction!r}")
        if self.alter not in ALTER_SIGNS:
            raise ValueError(f"note alter must be -1, 0 or 1, got {self.alter!r}")
        if self.dots not in (0, 1, 2):
            raise ValueError(f"note dots must be 0, 1 or 2, got {self.dots!r}")
        if self.articulation is not None and self.articulation not in ARTICULATIONS:
            raise ValueError(f"articulation must be one of {list(ARTICULATIONS)} or None, got {self.articulation!r}")
        if self.grace is not None and self.grace not in GRACE_KINDS:
            raise ValueError(f"grace must be one of {list(GRACE_KINDS)} or None, got {self.grace!r}")
        if self.grace is not None and self.tuplet is not None:
            raise ValueError("a grace note takes no time, so it has no tuplet")
        if self.accidental is not None:
            if self.accidental not in ACCIDENTALS:
                raise ValueError(f"accidental must be one of {list(ACCIDENTALS)} or None, got {self.accidental!r}")
            if ALTER_OF_ACCIDENTAL[self.accidental] != self.alter:
                raise ValueError(f"a {self.accidental} cannot be written before a note with alter {self.alter}")

    @property
    def staff_position(self) -> int:
        """Treble-clef staff position (Staff.position_of gives it for the staff's clef)."""
        return staff_position(self.step, self.octave)

    @property
    def stem_up(self) -> bool:
        """The usual rule in treble clef: notes on or above the middle line have their stem down, lower notes up."""
        return self.stem_up_at(self.staff_position)

    def stem_up_at(self, position: int) -> bool:
        """The usual rule at a staff position (for the clef in force), unless the direction is given."""
        if self.stem_direction == "auto":
            return position < MIDDLE_LINE_POSITION
        return self.stem_direction == "up"


@dataclass(frozen=True)
class Rest:
    """One rest: its type (breve to 32nd), dots and an articulation (a fermata) drawn with it; `tuplet` where it
    belongs to one; `measure`: it fills its whole measure whatever the meter (drawn as a whole rest, centred)."""

    rest_type: str = "quarter"
    dots: int = 0
    articulation: str | None = None
    tuplet: tuple[int, int] | None = None
    measure: bool = False

    kind = "rest"

    def __post_init__(self) -> None:
        if self.rest_type not in NOTE_TYPES:
            raise ValueError(f"rest type must be one of {list(NOTE_TYPES)}, got {self.rest_type!r}")
        if self.dots not in (0, 1, 2):
            raise ValueError(f"rest dots must be 0, 1 or 2, got {self.dots!r}")
        if self.measure and (self.rest_type, self.dots, self.tuplet) != ("whole", 0, None):
            raise ValueError("a measure rest is drawn as a whole rest: rest type 'whole', no dots, no tuplet")


@dataclass(frozen=True)
class StaffChange:
    """A clef, key or time signature printed inside the staff, just before event `before` (after the barline that
    precedes it, where one does); None: that one does not change. A key change to fewer sharps or flats prints the
    cancelling naturals first, as engravers do."""

    before: int
    clef: str | None = None
    key_fifths: int | None = None
    time: str | None = None

    def __post_init__(self) -> None:
        if (self.clef, self.key_fifths, self.time) == (None, None, None):
            raise ValueError(f"a change before event {self.before} must change the clef, the key or the time")
        if self.clef is not None and self.clef not in CLEFS:
            raise ValueError(f"change clef must be one of {list(CLEFS)} or None, got {self.clef!r}")
        if self.key_fifths is not None and not -7 <= self.key_fifths <= 7:
            raise ValueError(f"change key_fifths must be -7..7 or None, got {self.key_fifths}")
        measure_length(self.time)


@dataclass(frozen=True)
class Staff:
    """One five-line staff: optional clef (treble or bass), key and time signature, events (notes and rests) left to
    right, barlines after the given event indices.

    key_signature: n > 0 sharps, n < 0 flats, printed after the clef at their usual places. `beams`: groups of event
    indices (consecutive notes of eighth or shorter) joined by beams; an eighth or shorter note in no group gets
    flags. `slurs`: (first, last) event index pairs; `dynamics`: (event index, mark) drawn under the staff.
    `final_barline`: the staff ends with a thin-thick double bar; `measure_number`: printed above its start. A note's `alter` is its sounding alteration, so
    the labels are the events as CONTRACT.md writes them.
    """

    notes: tuple[Note | Rest, ...]  # the events; named `notes` since the seed's staves held notes alone
    clef: bool = False
    barlines_after: tuple[int, ...] = ()
    key_signature: int = 0
    clef_sign: str = "treble"
    time_signature: str | None = None
    beams: tuple[tuple[int, ...], ...] = ()
    slurs: tuple[tuple[int, int], ...] = ()
    dynamics: tuple[tuple[int, str], ...] = ()
    final_barline: bool = False
    measure_number: int | None = None  # printed above the staff's start (a distractor, never an event)
    glyph_font: str | None = None  # a SMuFL font (omr.render.smufl) for clef, accidentals, time; None: ours
    # Printed tuplets: groups of consecutive event indices under one number (and bracket, unless the group is one
    # beam group); their ratio is their events' `tuplet`.
    tuplets: tuple[tuple[int, ...], ...] = ()
    changes: tuple[StaffChange, ...] = ()  # signatures printed inside the staff, in event order

    def __post_init__(self) -> None:
        if self.measure_number is not None and self.measure_number < 1:
            raise ValueError(f"measure_number must be >= 1 or None, got {self.measure_number}")
        if not -7 <= self.key_signature <= 7:
            raise ValueError(f"key_signature must be -7..7 (flats < 0 < sharps), got {self.key_signature}")
        if self.clef_sign not in CLEFS:
            raise ValueError(f"clef_sign must be one of {list(CLEFS)}, got {self.clef_sign!r}")
        measure_length(self.time_signature)
        for index in self.barlines_after:
            if not 0 <= index < len(self.notes):
                raise ValueError(f"barline after event {index}: the staff has {len(self.notes)} events")
        for group in self.beams:
            if len(group) < 2 or any(b != a + 1 for a, b in zip(group, group[1:])):
                raise ValueError(f"beam group {group}: needs two or more consecutive event indices")
            for index in group:
                if not 0 <= index < len(self.notes) or self.notes[index].kind != "note" or \
                        self.notes[index].note_type not in ("eighth", "16th", "32nd"):
                    raise ValueError(f"beam group {group}: event {index} is not an eighth, 16th or 32nd note")
        for _, mark in self.dynamics:
            if mark not in DYNAMICS:
                raise ValueError(f"dynamics mark must be one of {list(DYNAMICS)}, got {mark!r}")
        for group in self.tuplets:
            if not group or any(b != a + 1 for a, b in zip(group, group[1:])) or \
                    not 0 <= group[0] <= group[-1] < len(self.notes):
                raise ValueError(f"tuplet group {group}: needs consecutive event indices of the staff")
            if len({self.notes[index].tuplet for index in group}) != 1 or self.notes[group[0]].tuplet is None:
                raise ValueError(f"tuplet group {group}: its events must share one tuplet ratio")
        befores = [change.before for change in self.changes]
        if befores != sorted(set(befores)) or any(not 0 < before < len(self.notes) for before in befores):
            raise ValueError(f"changes: one per event index, in order, inside the staff (1..{len(self.notes) - 1}), "
                             f"got before = {befores}")

    @property
    def events(self) -> tuple[Note | Rest, ...]:
        return self.notes

    def clef_at(self, index: int) -> str:
        """The clef in force at event `index` (the staff's, or the last clef change before it)."""
        clef = self.clef_sign
        for change in self.changes:
            if change.before > index:
                break
            clef = change.clef or clef
        return clef

    def position_at(self, index: int) -> int:
        """Staff position of the note at event `index`, in the clef in force there."""
        note = self.notes[index]
        return staff_position(note.step, note.octave, self.clef_at(index))

    def key_at(self, index: int) -> int:
        """The key signature (fifths) in force at event `index`."""
        key = self.key_signature
        for change in self.changes:
            if change.before > index:
                break
            key = key if change.key_fifths is None else change.key_fifths
        return key

    def time_changes(self) -> tuple[tuple[int, str], ...]:
        """(event index, time signature) of each time change, as `omr.render.grouping` takes them."""
        return tuple((change.before, change.time) for change in self.changes if change.time is not None)

    def position_of(self, note: Note) -> int:
        """The note's staff position in the staff's opening clef (`position_at` follows clef changes)."""
        return staff_position(note.step, note.octave, self.clef_sign)


class NoteBuilder:
    """Builds a Note step by step; build() refuses a note whose pitch or type was never given."""

    def __init__(self) -> None:
        self._pitch: tuple[str, int, int] | None = None
        self._note_type: str | None = None
        self._accidental: str | None = None
        self._accidental_given = False
        self._stem = "auto"

    def pitch(self, step: str, octave: int, alter: int = 0) -> "NoteBuilder":
        self._pitch = (step, int(octave), int(alter))
        return self

    def note_type(self, note_type: str) -> "NoteBuilder":
        self._note_type = note_type
        return self

    def quarter(self) -> "NoteBuilder":
        return self.note_type("quarter")

    def half(self) -> "NoteBuilder":
        return self.note_type("half")

    def accidental(self, accidental: str | None) -> "NoteBuilder":
        """The sign drawn before the head; by default the one the alter needs (a natural must be asked for)."""
        self._accidental, self._accidental_given = accidental, True
        return self

    def stem(self, direction: str) -> "NoteBuilder":
        self._stem = direction
        return self

    def build(self) -> Note:
        missing = [name for name, value in (("pitch", self._pitch), ("note type", self._note_type)) if value is None]
        if missing:
            raise IncompleteNoteError(
                f"incomplete note: missing {' and '.join(missing)} (call .pitch(step, octave) and .quarter()/.half())"
            )
        step, octave, alter = self._pitch
        accidental = self._accidental if self._accidental_given else ACCIDENTAL_OF_ALTER.get(alter)
        return Note(step, octave, self._note_type, alter, accidental, self._stem)


def staff_from_notes(notes: Sequence[Event], clef: bool = False, clef_sign: str = "treble", key_fifths: int = 0,
                     time: str | None = None, changes: Sequence[StaffChange] = ()) -> Staff:
    """A staff showing symbolic events (e.g. a model's prediction): notes and rests with their dots, ties, tuplets,
    grace notes (drawn unslashed: an event does not say which kind) and measure rests, the printed accidental where
    given (else the sign a copyist prints for the key in force and the measure, naturals included), stems by the
    usual rule, beams by the beat of the meter in force, tuplet groups by the reader's rule, the clef, key and time
    `changes` inside the staff, and barlines where its measures fill (none where the events do not fill them)."""
    time_changes = [(change.before, change.time) for change in changes if change.time is not None]
    try:
        barlines = measure_ends(notes, time, time_changes)
    except ValueError:
        barlines = ()
    measure_of, measure = [], 0
    for index in range(len(notes)):
        measure_of.append(measure)
        measure += index in barlines
    sign_of = _copyist_signs(notes, key_fifths, changes, measure_of if time else None)
    events: list[Note | Rest] = []
    for index, event in enumerate(notes):
        if event.kind == "rest":
            events.append(Rest(event.duration, event.dots, tuplet=event.tuplet, measure=event.measure))
            continue
        accidental = event.accidental
        if accidental not in ALTER_OF_ACCIDENTAL or ALTER_OF_ACCIDENTAL[accidental] != event.alter:
            accidental = sign_of[index] if sign_of[index] in ALTER_OF_ACCIDENTAL else None  # no double signs drawn
        events.append(Note(event.step, event.octave, event.duration, event.alter, accidental, "auto", event.dots,
                           event.tie in ("start", "continue") and not event.grace, tuplet=event.tuplet,
                           grace="appoggiatura" if event.grace else None))
    return Staff(tuple(events), clef=clef, barlines_after=barlines, key_signature=key_fifths, clef_sign=clef_sign,
                 time_signature=time, beams=beam_groups(events, time, time_changes), tuplets=tuplet_groups(events),
                 changes=tuple(changes))


def _copyist_signs(notes: Sequence[Event], key_fifths: int, changes: Sequence[StaffChange],
                   measure_of: list[int] | None) -> dict[int, str | None]:
    """The sign a copyist prints before each note (by event index), key by key: a key change starts afresh."""
    # A sign as given where it agrees with the alter; elsewhere the one a copyist prints (a natural too) for the key
    # and the measure, so the re-rendered staff reads back as the same events.
    key_from = [(0, key_fifths)] + [(change.before, change.key_fifths) for change in changes
                                    if change.key_fifths is not None]
    sign_of: dict[int, str | None] = {}
    tied = [i > 0 and notes[i - 1].kind == "note" and notes[i - 1].tie in ("start", "continue")
            for i in range(len(notes))]
    for (start, key), (end, _) in zip(key_from, key_from[1:] + [(len(notes), None)]):
        pitched = [(index, notes[index]) for index in range(start, end) if notes[index].kind == "note"]
        copyist = printed_accidentals([(e.step, e.octave, e.alter) for _, e in pitched], key,
                                      [measure_of[i] for i, _ in pitched] if measure_of else None,
                                      [tied[i] for i, _ in pitched])
        sign_of.update((index, sign) for (index, _), sign in zip(pitched, copyist))
    return sign_of


# Duration codes of `omr render --notes`: the note value's denominator (1 whole .. 32 32nd), plus the seed's q/h.
DURATION_CODES = {"1": "whole", "2": "half", "4": "quarter", "8": "eighth", "16": "16th", "32": "32nd",
                  "q": "quarter", "quarter": "quarter", "h": "half", "half": "half"}
_SIGNS = {"#": "sharp", "b": "flat", "n": "natural"}
_FORMAT = "STEP[#|b|n]OCTAVE[:DURATION[.][.][~]] or r:DURATION[.][.], DURATION one of 1 2 4 8 16 32 q h"


def note_from_text(text: str) -> Note | Rest:
    """Parse one event: 'F#5:8.' (dotted eighth, sharp printed), 'E4:2~' (half tied to the next), 'r:16' (rest),
    'C4' (quarter), 'Bn4:q' (natural printed). The alter is the printed sign's (0 without one): a staff builder
    that knows the key and the measure gives the sounding one. ValueError naming the token otherwise."""
    token = text.strip()
    pitch_text, _, value_text = token.partition(":")
    tie = value_text.endswith("~")
    value_text = value_text.rstrip("~") if value_text else "q"
    code = value_text.rstrip(".")
    dots = len(value_text) - len(code)
    if code not in DURATION_CODES or dots > 2:
        raise ValueError(f"note {token!r}: duration must be one of 1 2 4 8 16 32 (or q h) with up to two dots, "
                         f"got {value_text!r}")
    if pitch_text in ("r", "R"):
        if tie:
            raise ValueError(f"note {token!r}: a rest cannot be tied")
        return Rest(DURATION_CODES[code], dots)
    if len(pitch_text) < 2 or pitch_text[0].upper() not in STEPS:
        raise ValueError(f"note {token!r}: expected {_FORMAT}, e.g. C4:8. F#5:2 r:4 E4:2~")
    step, octave_text = pitch_text[0].upper(), pitch_text[1:]
    accidental = _SIGNS.get(octave_text[0])
    if accidental is not None:
        octave_text = octave_text[1:]
    if not octave_text.lstrip("-").isdigit():
        raise ValueError(f"note {token!r}: expected an octave number after the step, e.g. C4:4")
    alter = ALTER_OF_ACCIDENTAL[accidental] if accidental else 0
    return Note(step, int(octave_text), DURATION_CODES[code], alter, accidental, dots=dots, tie=tie)
