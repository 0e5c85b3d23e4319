"""A staff as a token sequence (what the sequence approach reads with CTC) and tokens back to events.

The encoding is positional ("agnostic", as PrIMuS calls it), not semantic: a note token says where its head sits on
the staff and what its duration is (`n4:8.` = position 4, dotted eighth), a printed accidental is its own token
before it, and the clef, key signature and time signature are tokens of the preamble. Why not the semantic
encoding (`F#5:8.`)? Its pitch is not visible where the head is: it needs the clef, and its alter needs the key
signature and every earlier accidental of the measure, so a model must learn music theory over the whole width
from a few thousand staves. Reading what is printed is local; the rules are then applied exactly, once, by
`events_from_tokens` (the same `sounding_alters` the renderer's labels were written with). Each note stays one token
(one CTC frame) by default; `split` makes position and duration two tokens (a vocabulary of ~40 instead of
~300, at twice the tokens per note).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Sequence

from omr.music.events import (ACCIDENTALS, DURATIONS, Event, StaffHeader, SymbolicNote, SymbolicRest,
                              key_signature_positions, measure_length, pitch_from_staff_position, sounding_alters,
                              staff_position)
from omr.samples import SampleLabel

ENCODINGS = ("joint", "split")
DURATION_CODES = {"whole": "1", "half": "2", "quarter": "4", "eighth": "8", "16th": "16", "32nd": "32"}
_DURATION_OF_CODE = {code: duration for duration, code in DURATION_CODES.items()}
BARLINE, TIE = "|", "~"
_NOTE = re.compile(r"^n(-?\d+)(?::(\d+)(\.{0,2}))?$")
_REST = re.compile(r"^r(?::(\d+)(\.{0,2}))?$")
_DURATION = re.compile(r"^d(\d+)(\.{0,2})$")


@dataclass(frozen=True)
class TokenReading:
    """Events read from a token sequence, and the preamble and barlines it names (barline x where tokens had x)."""

    events: tuple[Event, ...]
    header: StaffHeader


def _duration_text(duration: str, dots: int) -> str:
    return DURATION_CODES[duration] + "." * dots


def event_tokens(event: Event, clef: str | None, encoding: str = "joint") -> list[str]:
    """One event's tokens: [accidental] note (joint) or [accidental] position duration (split); rests alike."""
    duration = _duration_text(event.duration, event.dots)
    if event.kind == "rest":
        return [f"r:{duration}"] if encoding == "joint" else ["r", f"d{duration}"]
    tokens = [f"acc:{event.accidental}"] if event.accidental else []
    position = staff_position(event.step, event.octave, clef or "treble")
    tokens += [f"n{position}:{duration}"] if encoding == "joint" else [f"n{position}", f"d{duration}"]
    if event.tie in ("start", "continue"):
        tokens.append(TIE)
    return tokens


def tokens_from_label(label: SampleLabel, encoding: str = "joint") -> list[str]:
    """The staff's tokens left to right: clef, key signature and time signature (where printed), then events and
    barlines in x order (a barline at an event's x comes after it)."""
    _check_encoding(encoding)
    header = label.header
    tokens = []
    if header.clef:
        tokens.append(f"clef:{header.clef}")
    tokens += key_tokens(header.key_fifths, header.clef)
    if header.time:
        tokens.append(f"time:{header.time}")
    items = [(event.x, 0, index) for index, event in enumerate(label.events)]
    items += [(x, 1, -1) for x in header.barlines]
    for _, is_barline, index in sorted(items):
        tokens += [BARLINE] if is_barline else event_tokens(label.events[index], header.clef, encoding)
    return tokens


def key_tokens(key_fifths: int, clef: str | None) -> list[str]:
    """One token per printed key-signature glyph, with its staff position: 2 sharps, treble -> key:#8 key:#5.

    Why glyphs and not one `key:2`: a model reads each sign where it stands, as it reads a note's, and neighbours
    differ in position, so CTC needs no blank between them; one token for the whole signature asked it to count up
    to seven signs inside a frame or two, and a model trained for 800 steps read 43% of v03's keys (2 and 4 of
    either sign almost never: it read 3 or 5); with glyph tokens 96%. sequence-v03_aug, seeds 0 and 1, ser
    (signature -> glyphs): v03 0.235/0.240 -> 0.121/0.167, engraved_real 0.233/0.379 -> 0.277/0.276, pages
    0.392/0.387 -> 0.465/0.390 (docs/sequence.md)."""
    sign = "#" if key_fifths > 0 else "b"
    return [f"key:{sign}{position}" for position in key_signature_positions(key_fifths, clef or "treble")]


def vocabulary(token_lists: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Every token seen, sorted (so the same training set always gives the same indices)."""
    return tuple(sorted({token for tokens in token_lists for token in tokens}))


def token_factors(token: str) -> tuple[str, ...]:
    """What a token is made of, for a classifier that shares them across tokens: `n4:8.` -> note, pos:4, dur:8,
    dots:1; `r:16` -> rest, dur:16, dots:0; any other token (preamble, accidentals, bars, split-encoding tokens) is
    only itself. Why: a joint vocabulary spreads each duration and each dot over ~16 positions, so a dotted 16th
    on one line is rare however often dots and 16ths are seen; shared factors learn "dotted" once."""
    note = _NOTE.match(token)
    if note and note.group(2):
        return ("note", f"pos:{note.group(1)}", f"dur:{note.group(2)}", f"dots:{len(note.group(3))}")
    rest = _REST.match(token)
    if rest and rest.group(1):
        return ("rest", f"dur:{rest.group(1)}", f"dots:{len(rest.group(2))}")
    return ()


def events_from_tokens(tokens: Sequence[str], xs: Sequence[float] | None = None) -> TokenReading:
    """Events of a token sequence: pitch from the position and the clef in force (treble where none is printed),
    `alter` from the printed accidentals, the key and the measure (measures exist where the staff shows barlines or
    a time signature; else an accidental holds for its note, as on v01/v02). Tokens that do not fit where they
    stand (a duration without a note, a tie with no note before it) are dropped: a model's output may be any
    string of tokens."""
    xs = list(xs) if xs is not None else [float(i) for i in range(len(tokens))]
    clef, key, time = None, 0, None
    barlines: list[float] = []
    pending_accidental: str | None = None
    pending_head: tuple[str, int | None, float] | None = None  # split encoding: a head awaiting its duration token
    heads: list[dict] = []  # notes and rests in order, with their measure and printed accidental

    def add(kind: str, position, duration: str, dots: int, x: float) -> None:
        nonlocal pending_accidental
        heads.append({"kind": kind, "position": position, "duration": duration, "dots": dots, "x": x,
                      "accidental": pending_accidental if kind == "note" else None, "measure": len(barlines),
                      "clef": clef, "tie": False})
        pending_accidental = None

    for token, x in zip(tokens, xs):
        head, pending_head = pending_head, None
        if token.startswith("clef:") and token[5:] in ("treble", "bass"):
            clef = token[5:]
        elif token.startswith("key:"):
            key = _key_after(token[4:], key)
        elif token.startswith("time:") and _is_time(token[5:]):
            time = token[5:]
        elif token == BARLINE:
            barlines.append(x)
        elif token == TIE:
            if heads and heads[-1]["kind"] == "note":
                heads[-1]["tie"] = True
        elif token.startswith("acc:") and token[4:] in ACCIDENTALS:
            pending_accidental = token[4:]
        elif match := _NOTE.match(token):
            _head_or_pending(add, "note", int(match.group(1)), match.group(2), match.group(3), x)
            pending_head = ("note", int(match.group(1)), x) if match.group(2) is None else None
        elif match := _REST.match(token):
            _head_or_pending(add, "rest", None, match.group(1), match.group(2), x)
            pending_head = ("rest", None, x) if match.group(1) is None else None
        elif (match := _DURATION.match(token)) and head is not None:
            _head_or_pending(add, head[0], head[1], match.group(1), match.group(2), head[2])
    events = _events(heads, key, bool(barlines) or time is not None)
    return TokenReading(events, StaffHeader(clef, key, time, tuple(barlines)))


def _head_or_pending(add, kind: str, position, code: str | None, dots: str | None, x: float) -> None:
    """Add a head whose duration code is known (joint encoding, or split once its duration token came)."""
    if code is not None and code in _DURATION_OF_CODE:
        add(kind, position, _DURATION_OF_CODE[code], len(dots or ""), x)


def _events(heads: list[dict], key: int, has_measures: bool) -> tuple[Event, ...]:
    notes = [h for h in heads if h["kind"] == "note"]
    pitches = [(*pitch_from_staff_position(h["position"], h["clef"] or "treble"), h["accidental"]) for h in notes]
    tied = [i > 0 and notes[i - 1]["tie"] for i in range(len(notes))]
    measures = [h["measure"] for h in notes] if has_measures else None
    alters = iter(sounding_alters(pitches, key, measures, tied))
    pitch_iter = iter(pitches)
    events: list[Event] = []
    previous_tied = False
    for head in heads:
        if head["kind"] == "rest":
            events.append(SymbolicRest(duration=head["duration"], x=head["x"], dots=head["dots"]))
            continue
        step, octave, accidental = next(pitch_iter)
        tie = ("continue" if head["tie"] else "stop") if previous_tied else ("start" if head["tie"] else None)
        events.append(SymbolicNote(step=step, octave=octave, alter=next(alters), duration=head["duration"],
                                   x=head["x"], accidental=accidental, dots=head["dots"], tie=tie))
        previous_tied = head["tie"]
    return tuple(events)


def _key_after(text: str, key: int) -> int:
    """The key once a key token is read: a glyph (`#8`, `b4`) adds a sign of its kind (one of the other kind starts
    a new signature); a whole signature (`2`, `-3`: checkpoints trained before glyph tokens) replaces it."""
    if text[:1] in ("#", "b") and _is_int(text[1:]):
        step = 1 if text[0] == "#" else -1
        return max(-7, min(7, key + step)) if key * step >= 0 else step
    return _int_or(text, key)


def _is_time(text: str) -> bool:
    try:
        measure_length(text)
    except ValueError:
        return False
    return True


def _is_int(text: str) -> bool:
    return text.lstrip("-").isdigit()


def _int_or(text: str, default: int) -> int:
    try:
        value = int(text)
    except ValueError:
        return default
    return value if -7 <= value <= 7 else default


def _check_encoding(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise ValueError(f"params.yaml: model.sequence.encoding: expected one of {list(ENCODINGS)}, got {encoding!r}")


assert set(DURATION_CODES) == set(DURATIONS)
