"""Tokens of the sequence approach back to events: the token grammar and a reader that applies the rules once.

The tokens (omr.decode.tokens writes them from labels) say what is printed; what it means follows here: pitch from
the head's position and the clef in force, `alter` from the accidentals, the key in force and the measure, tuplet
ratios and measure rests by omr.decode.reading_rules. A model's output may be any string of tokens, so a token
that does not fit where it stands is dropped, never fatal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from omr.decode.reading_rules import TUPLET_OF_NUMBER, TupletGroup, alters_by_key, measure_rests
from omr.music.events import (ACCIDENTALS, CLEFS, Event, HeaderChange, StaffHeader, SymbolicNote, SymbolicRest,
                              measure_length, pitch_from_staff_position)

# The note value's denominator, "0" for the breve, as omr.music.events.event_text writes them.
DURATION_CODES = {"breve": "0", "whole": "1", "half": "2", "quarter": "4", "eighth": "8", "16th": "16",
                  "32nd": "32"}
DURATION_OF_CODE = {code: duration for duration, code in DURATION_CODES.items()}
BARLINE, TIE = "|", "~"
NOTE, GRACE = "n", "g"  # a head token's first letter: a full-size head, a grace note's small one
HEAD_TOKEN = re.compile(r"^([ng])(-?\d+)(?::(\d+)(\.{0,2}))?$")  # n4:8. (joint) or n4 (split, duration follows)
REST_TOKEN = re.compile(r"^r(?::(\d+)(\.{0,2}))?$")
DURATION_TOKEN = re.compile(r"^d(\d+)(\.{0,2})$")  # split encoding: the duration after its head or rest
TUPLET_TOKEN = re.compile(r"^t(\d+)(?::(\d+))?$")  # t3 (a number, by the tuplet-number rule) or t5:2 (a ratio)


@dataclass(frozen=True)
class TokenReading:
    """Events read from a token sequence, and the preamble, barlines and changes it names (x where tokens had x)."""

    events: tuple[Event, ...]
    header: StaffHeader


def events_from_tokens(tokens: Sequence[str], xs: Sequence[float] | None = None) -> TokenReading:
    """Events of a token sequence: pitch from the position and the clef in force (treble where none is printed),
    `alter` from the printed accidentals, the key in force and the measure (measures exist where the staff shows
    barlines or a time signature; else an accidental holds for its note, as on v01/v02); tuplet ratios by the
    tuplet-number rule, measure rests by the measure-rest rule. Clef, key and time tokens after the first event are
    changes inside the staff (one per run of them, at its first token's x). Tokens that do not fit where they stand
    (a duration without a note, a tie with no note before it, an unknown token) are dropped."""
    reader = TokenReader()
    for token, x in zip(tokens, xs if xs is not None else range(len(tokens))):
        reader.read(token, float(x))
    return reader.reading()


@dataclass
class _Head:
    """A head or rest as read, with what was in force where it stands (mutable: a tie token marks the last one)."""

    kind: str  # note | grace | rest
    position: int | None
    duration: str
    dots: int
    x: float
    accidental: str | None
    measure: int  # barlines before it
    clef: str | None
    key_fifths: int
    tuplet: tuple[int, int] | None
    tie: bool = False


class TokenReader:
    """Reads tokens left to right, keeping what is in force (clef, key, time, an open tuplet group, a pending
    accidental or split-encoding head) until `reading()` applies the rules to the whole staff."""

    def __init__(self) -> None:
        self.in_force = {"clef": None, "key_fifths": 0, "time": None}
        self.opening: dict | None = None  # what was in force at the first head: the staff's header
        self.change: dict | None = None  # the header change being read (a run of signature tokens)
        self.changes: list[HeaderChange] = []
        self.barlines: list[float] = []
        self.accidental: str | None = None
        self.pending: tuple[str, int | None, float] | None = None  # split encoding: a head awaiting its duration
        self.group: TupletGroup | None = None
        self.heads: list[_Head] = []

    def read(self, token: str, x: float) -> None:
        """Take one token at x."""
        pending, self.pending = self.pending, None
        if self._signature(token, x):
            return
        self._end_change()
        if token == BARLINE:
            self.barlines.append(x)
            self.group = None  # a tuplet group never runs over a barline
        elif token == TIE:
            if self.heads and self.heads[-1].kind == "note":
                self.heads[-1].tie = True
        elif token.startswith("acc:") and token[4:] in ACCIDENTALS:
            self.accidental = token[4:]
        elif match := TUPLET_TOKEN.match(token):
            actual, normal = int(match.group(1)), match.group(2)
            ratio = TUPLET_OF_NUMBER.get(actual) if normal is None else (actual, int(normal))
            if ratio is not None and ratio[0] != ratio[1] and min(ratio) >= 1:
                self.group = TupletGroup(ratio)
        elif match := HEAD_TOKEN.match(token):
            kind = "grace" if match.group(1) == GRACE else "note"
            self._head(kind, int(match.group(2)), match.group(3), match.group(4), x)
        elif match := REST_TOKEN.match(token):
            self._head("rest", None, match.group(1), match.group(2), x)
        elif (match := DURATION_TOKEN.match(token)) and pending is not None:
            self._add(*pending[:2], match.group(1), match.group(2), pending[2])

    def _head(self, kind: str, position: int | None, code: str | None, dots: str | None, x: float) -> None:
        if code is None:
            self.pending = (kind, position, x)  # split encoding: the next token is its duration
        else:
            self._add(kind, position, code, dots, x)

    def _add(self, kind: str, position: int | None, code: str, dots_text: str | None, x: float) -> None:
        duration = DURATION_OF_CODE.get(code)
        if duration is None:
            return
        dots = len(dots_text or "")
        if self.opening is None:
            self.opening = dict(self.in_force)
        tuplet = None
        if kind != "grace" and self.group is not None:  # grace notes take no time: never in a group
            tuplet, self.group = self.group.ratio, self.group.after(duration, dots)
        accidental = self.accidental if kind != "rest" else None
        self.heads.append(_Head(kind, position, duration, dots, x, accidental, len(self.barlines),
                                self.in_force["clef"], self.in_force["key_fifths"], tuplet))
        self.accidental = None

    def _signature(self, token: str, x: float) -> bool:
        """Read a clef, key or time token (in the preamble, or into a change after the first head)."""
        name, _, text = token.partition(":")
        if name == "clef" and text in CLEFS:
            value = text
        elif name == "time" and is_time(text):
            value = text
        elif name == "key" and _is_key(text):
            name = "key_fifths"
            if self.opening is None:
                value = key_after(text, self.in_force["key_fifths"])
            else:  # a key change counts its own signs from none (its naturals cancel the old ones)
                value = key_after(text, (self.change or {}).get("key_fifths") or 0)
        else:
            return False
        if self.opening is not None:
            if self.change is None:
                self.change = {"x": x}
            self.change[name] = value
        self.in_force[name] = value
        return True

    def _end_change(self) -> None:
        if self.change is not None:
            self.changes.append(HeaderChange(**self.change))
            self.change = None

    def reading(self) -> TokenReading:
        """The events and header of everything read."""
        self._end_change()
        opening = self.opening or self.in_force
        has_measures = bool(self.barlines) or opening["time"] is not None or any(c.time for c in self.changes)
        header = StaffHeader(opening["clef"], opening["key_fifths"], opening["time"], tuple(self.barlines),
                             tuple(self.changes))
        return TokenReading(_events(self.heads, has_measures), header)


def _events(heads: list[_Head], has_measures: bool) -> tuple[Event, ...]:
    notes = [h for h in heads if h.kind != "rest"]
    pitches = [(*pitch_from_staff_position(h.position, h.clef or "treble"), h.accidental) for h in notes]
    tied, previous = [], False  # ties join full-size notes (rests and grace notes between them are passed over)
    for head in notes:
        tied.append(previous and head.kind == "note")
        previous = head.tie if head.kind == "note" else previous
    measures = [h.measure for h in notes] if has_measures else None
    alters = iter(alters_by_key(pitches, [h.key_fifths for h in notes], measures, tied))
    pitch_iter, tied_iter = iter(pitches), iter(tied)
    events: list[Event] = []
    for head in heads:
        if head.kind == "rest":
            events.append(SymbolicRest(duration=head.duration, x=head.x, dots=head.dots, tuplet=head.tuplet))
            continue
        (step, octave, accidental), from_previous = next(pitch_iter), next(tied_iter)
        tie = ("continue" if head.tie else "stop") if from_previous else ("start" if head.tie else None)
        events.append(SymbolicNote(step=step, octave=octave, alter=next(alters), duration=head.duration, x=head.x,
                                   accidental=accidental, dots=head.dots, tie=tie, tuplet=head.tuplet,
                                   grace=head.kind == "grace"))
    return measure_rests(events, [h.measure for h in heads])


def key_after(text: str, key: int) -> int:
    """The key once a key token is read: a glyph (`#8`, `b4`) adds a sign of its kind (one of the other kind starts
    a new signature), a natural (`n5`) adds none; a whole signature (`2`, `-3`: checkpoints trained before glyph
    tokens) replaces it."""
    if text[:1] in ("#", "b") and _is_int(text[1:]):
        step = 1 if text[0] == "#" else -1
        return max(-7, min(7, key + step)) if key * step >= 0 else step
    if text[:1] == "n":
        return key
    return int(text) if _is_int(text) and -7 <= int(text) <= 7 else key


def _is_key(text: str) -> bool:
    if text[:1] in ("#", "b", "n"):
        return _is_int(text[1:])
    return _is_int(text) and -7 <= int(text) <= 7


def is_time(text: str) -> bool:
    """Whether a time token's text is a time signature (`6/8`, `C|`)."""
    try:
        measure_length(text)
    except ValueError:
        return False
    return True


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()
