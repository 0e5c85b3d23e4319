"""A staff as a token sequence (what the sequence approach reads with CTC); omr.decode.token_reading reads it back.

The encoding is positional ("agnostic", as PrIMuS calls it), not semantic: a note token says where its head sits on
the staff and what its duration is (`n4:8.` = position 4, dotted eighth), a printed accidental is its own token
before it, and the clef, key signature and time signature are tokens of the preamble. Why not the semantic
encoding (`F#5:8.`)? Its pitch is not visible where the head is: it needs the clef, and its alter needs the key
signature and every earlier accidental of the measure, so a model must learn music theory over the whole width
from a few thousand staves. Reading what is printed is local; the rules are then applied exactly, once, by
`events_from_tokens` (the same `sounding_alters` the renderer's labels were written with). Each note stays one token
(one CTC frame) by default; `split` makes position and duration two tokens (a vocabulary of ~40 instead of
~300, at twice the tokens per note).

The fuller notation (issue 29) is tokenized as it is printed too: a grace note is one small-head token `g4:8`
(as PrIMuS' agnostic `gracenote.<value>-<place>`), a tuplet's number a token `t3` before its group's first event
(the ratio and the group follow from omr.decode.reading_rules), a breve's code is `0`, a measure rest is the whole
rest it looks like (`r:1`), and a clef, key or time signature after the first event is a change inside the staff
(docs/sequence.md).
"""

from __future__ import annotations

from typing import Iterable, Sequence

from omr.decode.reading_rules import TUPLET_OF_NUMBER, TupletGroup
from omr.decode.token_reading import (BARLINE, DURATION_CODES, GRACE, HEAD_TOKEN, NOTE, REST_TOKEN, TIE, TokenReading,
                                      events_from_tokens)
from omr.music.events import EVENT_DURATIONS, Event, HeaderChange, key_signature_positions, staff_position
from omr.samples import SampleLabel

ENCODINGS = ("joint", "split")
# Reading lives in omr.decode.token_reading (the grammar with it); these names are the sequence approach's API.
__all__ = ["BARLINE", "DURATION_CODES", "ENCODINGS", "TIE", "TokenReading", "change_tokens", "event_tokens",
           "events_from_tokens", "key_change_tokens", "key_tokens", "preamble_tokens", "token_factors",
           "tokens_from_label", "tuplet_token", "vocabulary"]


def _duration_text(duration: str, dots: int) -> str:
    return DURATION_CODES[duration] + "." * dots


def event_tokens(event: Event, clef: str | None, encoding: str = "joint") -> list[str]:
    """One event's tokens: [accidental] note (joint) or [accidental] position duration (split); rests alike; a grace
    note's head token starts with `g` instead of `n`."""
    duration = _duration_text(event.duration, event.dots)
    if event.kind == "rest":
        return [f"r:{duration}"] if encoding == "joint" else ["r", f"d{duration}"]
    tokens = [f"acc:{event.accidental}"] if event.accidental else []
    head = f"{GRACE if event.grace else NOTE}{staff_position(event.step, event.octave, clef or 'treble')}"
    tokens += [f"{head}:{duration}"] if encoding == "joint" else [head, f"d{duration}"]
    if event.tie in ("start", "continue"):
        tokens.append(TIE)
    return tokens


def tuplet_token(ratio: tuple[int, int]) -> str:
    """The printed number of a tuplet: `t3` where the tuplet-number rule gives its ratio, else `t5:2` (a ratio)."""
    actual, normal = ratio
    return f"t{actual}" if TUPLET_OF_NUMBER.get(actual) == (actual, normal) else f"t{actual}:{normal}"


def tokens_from_label(label: SampleLabel, encoding: str = "joint") -> list[str]:
    """The staff's tokens left to right: clef, key signature and time signature (where printed), then events,
    barlines and header changes in x order (a barline at an event's x comes after it, a change before it), a
    tuplet's number before the first event of its group."""
    _check_encoding(encoding)
    header = label.header
    tokens = preamble_tokens(header.clef, header.key_fifths, header.time)
    clef, key = header.clef, header.key_fifths
    group: TupletGroup | None = None
    for item in _staff_items(label):
        if isinstance(item, HeaderChange):
            tokens += change_tokens(item, clef, key)
            clef = item.clef or clef
            key = key if item.key_fifths is None else item.key_fifths
        elif item is None:
            tokens.append(BARLINE)
            group = None  # a group never runs over a barline
        else:
            if item.kind == "rest" or not item.grace:  # grace notes stand outside any group
                if item.tuplet is not None and (group is None or group.ratio != item.tuplet):
                    group = TupletGroup(item.tuplet)
                    tokens.append(tuplet_token(item.tuplet))
                group = None if item.tuplet is None else group.after(item.duration, item.dots)
            tokens += event_tokens(item, clef, encoding)
    return tokens


def _staff_items(label: SampleLabel) -> list:
    """Events, barlines (None) and header changes in x order; at one x a change, then an event, then a barline
    (a change stands before the events right of or at its x, as omr.music.musicxml.change_positions places it)."""
    items = [(change.x, 0, index, change) for index, change in enumerate(label.header.changes)]
    items += [(event.x, 1, index, event) for index, event in enumerate(label.events)]
    items += [(x, 2, index, None) for index, x in enumerate(label.header.barlines)]
    return [item for *_, item in sorted(items, key=lambda entry: entry[:3])]


def preamble_tokens(clef: str | None, key_fifths: int, time: str | None) -> list[str]:
    """Clef, key signature glyphs and time signature, those printed."""
    return ([f"clef:{clef}"] if clef else []) + key_tokens(key_fifths, clef) + ([f"time:{time}"] if time else [])


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


def key_change_tokens(old: int, new: int, clef: str | None) -> list[str]:
    """A key change inside the staff: a natural (`key:n5`) on each sign of the old key that the new one drops (all
    of them where the kind of sign changes), at its staff position, then the new key's signs."""
    old_positions = key_signature_positions(old, clef or "treble")
    kept = min(abs(old), abs(new)) if old * new > 0 else 0
    return [f"key:n{position}" for position in old_positions[kept:]] + key_tokens(new, clef)


def change_tokens(change: HeaderChange, clef: str | None, key_fifths: int) -> list[str]:
    """A header change's tokens, in print order (clef, key, time), given the clef and key in force before it."""
    clef = change.clef or clef
    tokens = [f"clef:{change.clef}"] if change.clef else []
    if change.key_fifths is not None:
        tokens += key_change_tokens(key_fifths, change.key_fifths, clef)
    return tokens + ([f"time:{change.time}"] if change.time else [])


def vocabulary(token_lists: Iterable[Sequence[str]]) -> tuple[str, ...]:
    """Every token seen, sorted (so the same training set always gives the same indices)."""
    return tuple(sorted({token for tokens in token_lists for token in tokens}))


def token_factors(token: str) -> tuple[str, ...]:
    """What a token is made of, for a classifier that shares them across tokens: `n4:8.` -> note, pos:4, dur:8,
    dots:1; `g4:8` -> grace, pos:4, dur:8, dots:0; `r:16` -> rest, dur:16, dots:0; any other token (preamble,
    accidentals, bars, tuplet numbers, split-encoding tokens) is only itself. Why: a joint vocabulary spreads each
    duration and each dot over ~16 positions, so a dotted 16th on one line is rare however often dots and 16ths
    are seen; shared factors learn "dotted" once (and a grace note's position is a note's)."""
    head = HEAD_TOKEN.match(token)
    if head and head.group(3):
        kind = "grace" if head.group(1) == GRACE else "note"
        return (kind, f"pos:{head.group(2)}", f"dur:{head.group(3)}", f"dots:{len(head.group(4))}")
    rest = REST_TOKEN.match(token)
    if rest and rest.group(1):
        return ("rest", f"dur:{rest.group(1)}", f"dots:{len(rest.group(2))}")
    return ()


def _check_encoding(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise ValueError(f"params.yaml: model.sequence.encoding: expected one of {list(ENCODINGS)}, got {encoding!r}")


assert set(DURATION_CODES) == set(EVENT_DURATIONS)
