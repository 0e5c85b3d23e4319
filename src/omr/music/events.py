"""Symbolic music shared by every layer: events (notes and rests), pitches, clefs, keys, the 52-key pitch vector.

Numpy-free and torch-free on purpose: render, decode and evaluate all import it. The event fields follow CONTRACT.md:
`step`/`octave` are the written pitch for the clef in force, `alter` the sounding alteration (key signature and
earlier accidentals of the measure applied), `accidental` the glyph printed before the head (or None).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from fractions import Fraction
from typing import Iterable, Sequence, Union

STEPS = "CDEFGAB"
DURATIONS = ("whole", "half", "quarter", "eighth", "16th", "32nd")  # longest first
# Every duration an event may hold: the breve (double whole) came with the fuller vocabulary. It is kept out of
# DURATIONS on purpose: the renderer's duration weights, the sequence model's tokens, the decoders' rest classes and
# the engraved sets' filter are built from DURATIONS, and adding to it would change their datasets and checkpoints.
EVENT_DURATIONS = ("breve", *DURATIONS)
QUARTER_LENGTH = {"breve": Fraction(8), "whole": Fraction(4), "half": Fraction(2), "quarter": Fraction(1), "eighth": Fraction(1, 2),
                  "16th": Fraction(1, 4), "32nd": Fraction(1, 8)}
BEAM_COUNT = {"eighth": 1, "16th": 2, "32nd": 3}  # flags or beams a stem carries (none for quarter and longer)
ACCIDENTALS = ("sharp", "flat", "natural", "double-sharp", "double-flat")
ALTER_OF_ACCIDENTAL = {"sharp": 1, "flat": -1, "natural": 0, "double-sharp": 2, "double-flat": -2}
ACCIDENTAL_OF_ALTER = {1: "sharp", -1: "flat", 0: "natural", 2: "double-sharp", -2: "double-flat"}
TIES = ("start", "stop", "continue")
CLEFS = ("treble", "bass")
# The meters a staff may show, "C|" being cut time (alla breve: 2/2 printed as a slashed C). The first seven are
# those of the vocabulary before issue 29; the rest (3/2 and 4/2 of hymns, 5/4, 6/4, 9/8 and 12/8 jigs, 7/8) came
# with the fuller one.
TIME_SIGNATURES = ("2/4", "3/4", "4/4", "6/8", "3/8", "2/2", "C", "3/2", "4/2", "5/4", "6/4", "9/8", "12/8", "7/8",
                   "C|")
PITCH_VECTOR_SIZE = 52  # white keys of an 88-key piano, A0 .. C8
_A0_DIATONIC = 0 * 7 + STEPS.index("A")
# Staff position 0 is the bottom line; each step up the scale is one position (half a staff space).
# Bottom line: E4 in treble clef, G2 in bass clef.
_BOTTOM_LINE_DIATONIC = {"treble": 4 * 7 + STEPS.index("E"), "bass": 2 * 7 + STEPS.index("G")}
ALTER_SIGNS = {-2: "bb", -1: "b", 0: "", 1: "#", 2: "##"}
# Key signatures: the order in which sharps (flats) are added.
SHARP_ORDER = "FCGDAEB"
FLAT_ORDER = "BEADGCF"


def diatonic_number(step: str, octave: int) -> int:
    """Count of white keys from C0, so that one step up the scale is +1."""
    if step not in STEPS:
        raise ValueError(f"step must be one of {list(STEPS)}, got {step!r}")
    return octave * 7 + STEPS.index(step)


def pitch_index(step: str, octave: int) -> int:
    """Index in the 52-entry pitch vector (A0 = 0, C4 = 23, C8 = 51)."""
    index = diatonic_number(step, octave) - _A0_DIATONIC
    if not 0 <= index < PITCH_VECTOR_SIZE:
        raise ValueError(f"{step}{octave} is outside the piano's white keys A0..C8")
    return index


def pitch_from_index(index: int) -> tuple[str, int]:
    """(step, octave) of a pitch-vector index."""
    if not 0 <= index < PITCH_VECTOR_SIZE:
        raise ValueError(f"pitch index must be in 0..{PITCH_VECTOR_SIZE - 1}, got {index}")
    diatonic = index + _A0_DIATONIC
    return STEPS[diatonic % 7], diatonic // 7


def _check_clef(clef: str) -> None:
    if clef not in CLEFS:
        raise ValueError(f"clef must be one of {list(CLEFS)}, got {clef!r}")


def staff_position(step: str, octave: int, clef: str = "treble") -> int:
    """Staff position: 0 = bottom line (treble E4, bass G2), 8 = top line, odd numbers are spaces."""
    _check_clef(clef)
    return diatonic_number(step, octave) - _BOTTOM_LINE_DIATONIC[clef]


def pitch_from_staff_position(position: int, clef: str = "treble") -> tuple[str, int]:
    """(step, octave) written at a staff position in the given clef."""
    _check_clef(clef)
    diatonic = position + _BOTTOM_LINE_DIATONIC[clef]
    return STEPS[diatonic % 7], diatonic // 7


def staff_position_y(position: float, bottom_line_y: float, staff_space: float) -> float:
    """Image y (pixels, down is positive) of a staff position, given the bottom line's y."""
    return bottom_line_y - position * staff_space / 2.0


def quarter_length(duration: str, dots: int = 0) -> Fraction:
    """Length in quarter notes of a (dotted) duration: each dot adds half of what the previous value added."""
    base = QUARTER_LENGTH[duration]
    return base * (2 - Fraction(1, 2**dots))


def tuplet_ratio(tuplet: tuple[int, int] | None) -> Fraction:
    """What a tuplet [actual, normal] scales its events' lengths by: normal/actual (a triplet: 2/3); 1 for None."""
    return Fraction(1) if tuplet is None else Fraction(tuplet[1], tuplet[0])


def _check_tuplet(what: str, tuplet) -> None:
    if tuplet is None:
        return
    if not (isinstance(tuplet, tuple) and len(tuplet) == 2 and all(isinstance(n, int) and n >= 1 for n in tuplet)
            and tuplet[0] != tuplet[1]):
        raise ValueError(f"{what} tuplet must be [actual, normal] (two different counts >= 1) or null, got {tuplet!r}")


def _tuplet_from_json(value) -> tuple[int, int] | None:
    return None if value is None else tuple(int(n) for n in value)


def measure_length(time: str | None) -> Fraction | None:
    """Quarter notes per measure of a time signature ('3/4' -> 3, '6/8' -> 3, 'C' and 'C|' -> 4); None for none."""
    if time is None:
        return None
    if time in ("C", "C|"):
        return Fraction(4)
    beats, _, unit = time.partition("/")
    if not (beats.isdigit() and unit.isdigit() and int(unit) in (1, 2, 4, 8, 16, 32) and int(beats) > 0):
        raise ValueError(f"time signature must look like 3/4, 6/8, C or C|, got {time!r}")
    return Fraction(int(beats) * 4, int(unit))


# Treble-clef staff positions of a key signature's accidentals, in the order engravers print them.
KEY_SHARP_POSITIONS = (8, 5, 9, 6, 3, 7, 4)  # F5 C5 G5 D5 A4 E5 B4
KEY_FLAT_POSITIONS = (4, 7, 3, 6, 2, 5, 1)  # B4 E5 A4 D5 G4 C5 F4
# Bass clef: the same pattern two positions (a third) lower, F#3 on the fourth line, Bb2 on the second.
BASS_KEY_SHIFT = -2


def key_signature_positions(key_fifths: int, clef: str = "treble") -> tuple[int, ...]:
    """Staff positions (0 = bottom line) of a key signature's accidentals, in print order: 2, treble -> (8, 5)."""
    if not -7 <= key_fifths <= 7:
        raise ValueError(f"key_fifths must be in -7..7, got {key_fifths}")
    _check_clef(clef)
    positions = KEY_SHARP_POSITIONS if key_fifths > 0 else KEY_FLAT_POSITIONS
    shift = BASS_KEY_SHIFT if clef == "bass" else 0
    return tuple(position + shift for position in positions[: abs(key_fifths)])


def key_alters(key_fifths: int) -> dict[str, int]:
    """Alteration of each step under a key signature (-7..7, flats < 0): 2 -> {'F': 1, 'C': 1, others 0}."""
    if not -7 <= key_fifths <= 7:
        raise ValueError(f"key_fifths must be in -7..7, got {key_fifths}")
    alters = dict.fromkeys(STEPS, 0)
    order, sign = (SHARP_ORDER, 1) if key_fifths > 0 else (FLAT_ORDER, -1)
    for step in order[: abs(key_fifths)]:
        alters[step] = sign
    return alters


def _check_choice(what: str, value, allowed) -> None:
    if value not in allowed:
        raise ValueError(f"{what} must be one of {list(allowed)}, got {value!r}")


@dataclass(frozen=True)
class SymbolicNote:
    """A note event (CONTRACT.md): written pitch, sounding alter, printed accidental, duration, dots, tie, centre."""

    step: str
    octave: int
    alter: int = 0
    duration: str = "quarter"
    x: float = 0.0
    y: float = 0.0
    accidental: str | None = None
    dots: int = 0
    tie: str | None = None
    tuplet: tuple[int, int] | None = None  # [actual, normal]: (3, 2) is a triplet, three in the time of two
    grace: bool = False  # printed small, takes no time; `duration` is its printed value

    kind = "note"

    def __post_init__(self) -> None:
        _check_choice("note step", self.step, STEPS)
        _check_choice("note alter", self.alter, ALTER_SIGNS)
        _check_choice("note duration", self.duration, EVENT_DURATIONS)
        _check_choice("note dots", self.dots, (0, 1, 2))
        _check_tuplet("note", self.tuplet)
        _check_choice("note grace", self.grace, (False, True))
        if self.grace and self.tuplet is not None:
            raise ValueError("a grace note takes no time, so it has no tuplet")
        if self.accidental is not None:
            _check_choice("note accidental", self.accidental, ACCIDENTALS)
        if self.tie is not None:
            _check_choice("note tie", self.tie, TIES)

    @property
    def name(self) -> str:
        """Step + octave, the unit that pitch metrics compare (e.g. 'C4')."""
        return f"{self.step}{self.octave}"

    @property
    def spelled(self) -> str:
        """Step + sounding alteration + octave (e.g. 'F#4', 'Bb4')."""
        return f"{self.step}{ALTER_SIGNS[self.alter]}{self.octave}"

    @property
    def quarter_length(self) -> Fraction:
        """Time the note takes: its (dotted) value scaled by its tuplet; 0 for a grace note."""
        if self.grace:
            return Fraction(0)
        return quarter_length(self.duration, self.dots) * tuplet_ratio(self.tuplet)

    def to_json(self) -> dict:
        # Spelled out instead of dataclasses.asdict (which deep-copies): dataset writing calls this per note.
        data = {"kind": "note", "step": self.step, "octave": self.octave, "alter": self.alter,
                "accidental": self.accidental, "duration": self.duration, "dots": self.dots, "tie": self.tie,
                "x": self.x, "y": self.y}
        # The fuller vocabulary is written only where present, so every label written before it stays byte-identical.
        if self.tuplet is not None:
            data["tuplet"] = list(self.tuplet)
        if self.grace:
            data["grace"] = True
        return data

    @classmethod
    def from_json(cls, data: dict) -> "SymbolicNote":
        return cls(
            step=data["step"],
            octave=int(data["octave"]),
            alter=int(data.get("alter", 0)),
            duration=data.get("duration", "quarter"),
            x=float(data.get("x", 0.0)),
            y=float(data.get("y", 0.0)),
            accidental=data.get("accidental"),
            dots=int(data.get("dots", 0)),
            tie=data.get("tie"),
            tuplet=_tuplet_from_json(data.get("tuplet")),
            grace=bool(data.get("grace", False)),
        )


@dataclass(frozen=True)
class SymbolicRest:
    """A rest event (CONTRACT.md): duration, dots and the glyph's centre in pixels; a tuplet, or a measure rest."""

    duration: str = "quarter"
    dots: int = 0
    x: float = 0.0
    y: float = 0.0
    tuplet: tuple[int, int] | None = None
    measure: bool = False  # fills its whole measure whatever the meter; printed as a whole rest

    kind = "rest"

    def __post_init__(self) -> None:
        _check_choice("rest duration", self.duration, EVENT_DURATIONS)
        _check_choice("rest dots", self.dots, (0, 1, 2))
        _check_tuplet("rest", self.tuplet)
        _check_choice("rest measure", self.measure, (False, True))
        if self.measure and (self.duration, self.dots, self.tuplet) != ("whole", 0, None):
            raise ValueError("a measure rest is printed as a whole rest: duration 'whole', no dots, no tuplet")

    @property
    def quarter_length(self) -> Fraction:
        """Time of its printed value scaled by its tuplet; a measure rest's is its measure's (see `filled_length`)."""
        return quarter_length(self.duration, self.dots) * tuplet_ratio(self.tuplet)

    def to_json(self) -> dict:
        data = {"kind": "rest", "duration": self.duration, "dots": self.dots, "x": self.x, "y": self.y}
        if self.tuplet is not None:
            data["tuplet"] = list(self.tuplet)
        if self.measure:
            data["measure"] = True
        return data

    @classmethod
    def from_json(cls, data: dict) -> "SymbolicRest":
        return cls(duration=data["duration"], dots=int(data.get("dots", 0)), x=float(data.get("x", 0.0)),
                   y=float(data.get("y", 0.0)), tuplet=_tuplet_from_json(data.get("tuplet")),
                   measure=bool(data.get("measure", False)))


Event = Union[SymbolicNote, SymbolicRest]


def event_from_json(data: dict) -> Event:
    """A note or rest from its CONTRACT JSON (a missing `kind` is a note, as in labels written before rests)."""
    kind = data.get("kind", "note")
    if kind == "note":
        return SymbolicNote.from_json(data)
    if kind == "rest":
        return SymbolicRest.from_json(data)
    raise ValueError(f"event kind must be 'note' or 'rest', got {kind!r}")


def filled_length(event: Event, measure: Fraction | None) -> Fraction:
    """Time an event fills in a measure of `measure` quarters (None: no meter): a measure rest fills all of it."""
    if event.kind == "rest" and event.measure and measure is not None:
        return measure
    return event.quarter_length


def notes_of(events: Iterable[Event]) -> tuple[SymbolicNote, ...]:
    """The events whose kind is note, in order."""
    return tuple(event for event in events if event.kind == "note")


@dataclass(frozen=True)
class HeaderChange:
    """A clef, key or time signature printed after the staff's start, at x (None: that one does not change)."""

    x: float = 0.0
    clef: str | None = None
    key_fifths: int | None = None
    time: str | None = None

    def __post_init__(self) -> None:
        if (self.clef, self.key_fifths, self.time) == (None, None, None):
            raise ValueError(f"a header change at x={self.x} must change the clef, the key or the time")
        if self.clef is not None and self.clef not in CLEFS:
            raise ValueError(f"change clef must be one of {list(CLEFS)} or null, got {self.clef!r}")
        if self.key_fifths is not None and not -7 <= self.key_fifths <= 7:
            raise ValueError(f"change key_fifths must be in -7..7 or null, got {self.key_fifths}")
        measure_length(self.time)  # raises on a malformed time signature

    def to_json(self) -> dict:
        """{"x": px (0.01), then only what changes} (CONTRACT.md, 'Header changes inside a staff')."""
        data = {"x": round(float(self.x), 2)}
        data.update((name, value) for name, value in (("clef", self.clef), ("key_fifths", self.key_fifths),
                                                       ("time", self.time)) if value is not None)
        return data

    @classmethod
    def from_json(cls, data: dict) -> "HeaderChange":
        key_fifths = data.get("key_fifths")
        return cls(x=float(data.get("x", 0.0)), clef=data.get("clef"),
                   key_fifths=None if key_fifths is None else int(key_fifths), time=data.get("time"))


@dataclass(frozen=True)
class StaffHeader:
    """What a staff says before and around its events: clef, key and time signature (None: not shown), barlines' x."""

    clef: str | None = None
    key_fifths: int = 0
    time: str | None = None
    # Barlines travel with the signatures, not with the events: like them they take no time and are never scored,
    # yet they give the events their meaning (a printed accidental holds to the next barline; the time signature
    # counts the measures they close), so every reader of a staff needs all four together.
    barlines: tuple[float, ...] = ()
    # Signatures printed later in the staff, left to right; the fields above are those in force at its start.
    changes: tuple[HeaderChange, ...] = ()

    def __post_init__(self) -> None:
        if self.clef is not None and self.clef not in CLEFS:
            raise ValueError(f"clef must be one of {list(CLEFS)} or null, got {self.clef!r}")
        if not -7 <= self.key_fifths <= 7:
            raise ValueError(f"key_fifths must be in -7..7, got {self.key_fifths}")
        measure_length(self.time)  # raises on a malformed time signature
        if not all(isinstance(change, HeaderChange) for change in self.changes):
            raise ValueError(f"changes must be HeaderChange objects, got {self.changes!r}")
        if any(b.x < a.x for a, b in zip(self.changes, self.changes[1:])):
            raise ValueError(f"changes must be in x order, got x = {[c.x for c in self.changes]}")

    def to_json(self) -> dict:
        """The flat keys a label or a staff writes (CONTRACT.md), barlines' x rounded to 0.01 px; `changes` only
        where there are some (labels written before them stay byte-identical)."""
        data = {"clef": self.clef, "key_fifths": self.key_fifths, "time": self.time,
                "barlines": [round(float(x), 2) for x in self.barlines]}
        if self.changes:
            data["changes"] = [change.to_json() for change in self.changes]
        return data

    @classmethod
    def from_json(cls, data: dict) -> "StaffHeader":
        """The header of a label or staff JSON object; a missing key means none shown (older labels stay valid)."""
        return cls(clef=data.get("clef"), key_fifths=int(data.get("key_fifths", 0)), time=data.get("time"),
                   barlines=tuple(float(x) for x in data.get("barlines", ())),
                   changes=tuple(HeaderChange.from_json(c) for c in data.get("changes", ())))


HEADER_KEYS = tuple(f.name for f in fields(StaffHeader))  # its JSON keys, in the order they are written


def event_text(event: Event) -> str:
    """Compact text of an event, as `omr render --notes` reads it: 'F#4:8.', 'r:4', 'E4:2~'."""
    # "0" for a breve is written only (the renderer draws whole..32nd and reads those codes alone).
    code = {"breve": "0", "whole": "1", "half": "2", "quarter": "4", "eighth": "8", "16th": "16",
            "32nd": "32"}[event.duration]
    dots = "." * event.dots
    if event.kind == "rest":
        return f"r:{code}{dots}"
    tie = "~" if event.tie in ("start", "continue") else ""
    return f"{event.spelled}:{code}{dots}{tie}"


def sounding_alters(
    pitches: Sequence[tuple[str, int, str | None]],
    key_fifths: int = 0,
    measure_numbers: Sequence[int] | None = None,
    tied_from_previous: Sequence[bool] | None = None,
) -> list[int]:
    """Sounding alter of each written (step, octave, printed accidental), as a reader applies the rules.

    The key signature alters every octave of its steps; a printed accidental holds for its step and octave until the
    end of its measure (`measure_numbers`, one per note). Without measures (v01/v02) it holds for its note only.
    A note tied from the previous one (same step and octave) keeps its alter, across a barline too.
    """
    key = key_alters(key_fifths)
    alters, in_force, current = [], {}, None
    for index, (step, octave, accidental) in enumerate(pitches):
        if measure_numbers is None or measure_numbers[index] != current:
            in_force = {}
            current = None if measure_numbers is None else measure_numbers[index]
        tied = bool(tied_from_previous and tied_from_previous[index]) and index > 0
        if tied and accidental is None and pitches[index - 1][:2] == (step, octave):
            alter = alters[-1]
            if measure_numbers is not None and alter != in_force.get((step, octave), key[step]):
                in_force[(step, octave)] = alter
        elif accidental is not None:
            alter = ALTER_OF_ACCIDENTAL[accidental]
            if measure_numbers is not None:
                in_force[(step, octave)] = alter
        else:
            alter = in_force.get((step, octave), key[step])
        alters.append(alter)
    return alters


def printed_accidentals(
    pitches: Sequence[tuple[str, int, int]],
    key_fifths: int = 0,
    measure_numbers: Sequence[int] | None = None,
    tied_from_previous: Sequence[bool] | None = None,
    courtesy: bool = True,
) -> list[str | None]:
    """The accidental a copyist prints before each (step, octave, sounding alter), or None.

    A sign is printed where the alter differs from what the key and the measure so far imply. With `courtesy`, a
    note whose step was altered in the previous measure, in that octave, and returns to the key's alter gets a
    courtesy sign. A note tied from the previous one repeats its pitch and prints nothing (within or across a bar).
    """
    key = key_alters(key_fifths)
    result: list[str | None] = []
    in_force: dict[tuple[str, int], int] = {}
    previous_measure: dict[tuple[str, int], int] = {}
    current = None
    for index, (step, octave, alter) in enumerate(pitches):
        measure = None if measure_numbers is None else measure_numbers[index]
        if measure_numbers is None or measure != current:
            previous_measure = in_force if measure_numbers is not None else {}
            in_force = {}
            current = measure
        tied = bool(tied_from_previous and tied_from_previous[index])
        implied = in_force.get((step, octave), key[step])
        if tied:
            sign = None
            if implied != alter:
                in_force[(step, octave)] = alter  # the tie carries the alter; later notes of the bar read it
        elif implied != alter:
            sign = ACCIDENTAL_OF_ALTER[alter]
        elif courtesy and (step, octave) not in in_force and previous_measure.get((step, octave), key[step]) != alter:
            sign = ACCIDENTAL_OF_ALTER[alter]
        else:
            sign = None
        if sign is not None and measure_numbers is not None:
            in_force[(step, octave)] = alter
        result.append(sign)
    return result


def pitch_vector(notes: Iterable[Event]) -> list[int]:
    """Multi-hot 52-vector of the notes' white keys (accidentals, order, repeats and rests are lost)."""
    vector = [0] * PITCH_VECTOR_SIZE
    for note in notes:
        if note.kind == "note":
            vector[pitch_index(note.step, note.octave)] = 1
    return vector
