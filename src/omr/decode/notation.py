"""Symbols of one staff -> events: the music logic every symbol reader (boxes, class-map blobs) shares.

A reader finds the staff and turns its output into `Symbol`s named by the box classes (omr.samples
NOTATION_BOX_CLASSES): heads with the accidental printed before each, and the marks around them. Here a head gets its
duration (head kind, then the beams or flags on its stem), its dots and ties; rests come from their glyph; the clef
gives the pitch, the key signature and the measures (barlines) the sounding alter.

The fuller notation (issue 29): a breve's head is a breve; a grace note's small head is a `grace` note whose value
is its own flags' (it never takes a neighbour's beam; its small accidental sits closer than a note's); a tuplet
number sets `tuplet` on the group under it (omr.decode.tuplets); the measure-rest rule and the key in force come
from omr.decode.reading_rules; clefs and key signatures printed inside the staff are changes (omr.decode.changes)
that later pitches and alters follow. A time signature inside the staff is seen but not read: its class names no
meter, so the header's `changes` hold clef and key changes only (`ser` scores events, never the header).

Symbol conventions (our renderer and the Verovio writer box them alike): one box per flag, per beam segment per
level (a hook its own short one), per dot, per tie; no stem boxes, so a stem is found from where its beams and flags
are: up at the head's right edge with beams/flags above, down at its left edge with them below.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from omr.decode.changes import CLEF_OF_KIND, clefs_in_staff, key_changes
from omr.decode.decoded import Decoded
from omr.decode.geometry import StaffGeometry
from omr.decode.reading_rules import measure_rests
from omr.decode.spelling import key_from_signature, measure_numbers, sounding_notes
from omr.decode.tuplets import in_tuplets
from omr.music.events import BEAM_COUNT, DURATIONS, HeaderChange, StaffHeader, SymbolicNote, SymbolicRest

# Filled first: where a blob holds as many pixels of two head classes, the first wins (the seed decoders' order).
# A breve's duration is its glyph; a grace note's small head is a quarter's, shortened by its flags like any other.
HEAD_DURATION = {"notehead_filled": "quarter", "notehead_hollow": "half", "notehead_whole": "whole",
                 "notehead_breve": "breve", "notehead_grace": "quarter"}
REST_DURATION = {f"rest_{duration}": duration for duration in DURATIONS}
DURATION_OF_STROKES = {count: duration for duration, count in BEAM_COUNT.items()}  # 1 -> eighth, 2 -> 16th ...

# Where things sit, in staff spaces (measured on our renderer and on Verovio's Leipzig and Bravura engravings):
STEM_REACH = 0.35  # a beam segment ends at its stems' outer edges: it spans a stem whose x lies this close inside
BEAM_THICKNESS = 0.5  # a beam's thickness across (ours 0.5; Verovio's 0.5)
BEAM_JOIN = 0.2  # two segments of one level meet at a stem to within this
FLAG_REACH = 0.6  # a flag starts at its stem (ours 0.1-0.2 left of the stem's right edge, Verovio's at it)
DOT_REACH = 2.3  # a dot's centre right of its head's or rest's right edge: two dots, beside an up stem's flag
DOT_RISE = 1.0  # a head's dot sits in its own space or the one above: at most half a space above its centre
REST_DOT_RISE = 2.0  # a rest's dot is in the space above the middle line, whatever the rest's glyph height
TIE_REACH = 1.5  # a tie's ends lie within this of its two heads' centres (ours 0.35 inside, Verovio's about 0.5)


@dataclass(frozen=True)
class Symbol:
    """One found symbol: its box class, box (x0, y0, x1, y1), centre, and what its reader already knows of it:
    a head's printed accidental and, where the reader sees the stem, whether it goes up (None: unknown)."""

    kind: str
    box: tuple[float, float, float, float]
    centre: tuple[float, float]
    accidental: str | None = None
    stem_up: bool | None = None

    @classmethod
    def of_box(cls, kind: str, box: Sequence[float], **known) -> "Symbol":
        x0, y0, x1, y1 = (float(v) for v in box)
        return cls(kind, (x0, y0, x1, y1), ((x0 + x1) / 2.0, (y0 + y1) / 2.0), **known)


def assemble(staff: StaffGeometry, heads: Sequence[Symbol], marks: Sequence[Symbol],
             key_signs: Sequence[tuple[str, float, float]]) -> Decoded:
    """Events left to right from the heads (accidentals attached), the other symbols, and the (kind, x, y) of the
    accidentals no head took (the key signature's among them, and those of key changes)."""
    space = staff.staff_space
    by_kind: dict[str, list[Symbol]] = {}
    for mark in marks:
        by_kind.setdefault(mark.kind, []).append(mark)
    heads = sorted(heads, key=lambda h: h.centre[0])
    strokes = head_strokes(heads, by_kind.get("beam", []), by_kind.get("flag", []), space)
    rests = sorted((m for m in marks if m.kind in REST_DURATION), key=lambda r: r.centre[0])
    dots = event_dots([*heads, *rests], by_kind.get("augmentation_dot", []), space)
    event_xs = [symbol.centre[0] for symbol in (*heads, *rests)]
    clef, clef_changes = clefs_in_staff([(m.kind, m.box[0], m.box[2]) for m in marks if m.kind in CLEF_OF_KIND],
                                        event_xs)
    notes = []
    for index, head in enumerate(heads):
        pitch = staff.piano_pitch(head.centre[1], clef_at(head.centre[0], clef, clef_changes))
        if pitch is not None:
            notes.append(SymbolicNote(*pitch, 0, head_duration(head, strokes[index]), *head.centre,
                                      accidental=head.accidental, dots=dots[index],
                                      grace=head.kind == "notehead_grace"))
    rest_events = [SymbolicRest(REST_DURATION[rest.kind], count, *rest.centre)
                   for rest, count in zip(rests, dots[len(heads):])]
    # The key signature stands between the clef and the first event, whatever that is.
    key_fifths = key_from_signature(key_signs, min(event_xs) if event_xs else None, space)
    barlines = tuple(sorted(b.centre[0] for b in by_kind.get("barline", [])))
    keys = key_changes(key_signs, event_xs, barlines, key_fifths, space, staff.staff_position,
                       lambda x: clef_at(x, clef, clef_changes))
    sounding = sounding_notes(attach_ties(notes, by_kind.get("tie", []), space), key_fifths, barlines, keys)
    ordered = sorted([*sounding, *rest_events], key=lambda e: e.x)
    # The measure-rest rule: a lone undotted whole rest between two barlines (or the staff's ends) fills its measure.
    ordered = measure_rests(ordered, measure_numbers([e.x for e in ordered], barlines) or [0] * len(ordered))
    ordered = in_tuplets(ordered, [(n.box[0], n.box[2]) for n in by_kind.get("tuplet", [])],
                         [(b.box[0], b.box[2]) for b in by_kind.get("beam", [])], barlines, space)
    changes = header_changes(clef_changes, keys, [e.x for e in ordered])
    return Decoded(events=tuple(ordered), staff_lines=staff.lines,
                   header=StaffHeader(clef=clef, key_fifths=key_fifths, barlines=barlines, changes=changes))


def clef_at(x: float, clef: str | None, changes: Sequence[tuple[float, str]]) -> str:
    """The clef in force at x: the last change left of it, else the opening clef (treble where none was read)."""
    for change_x, changed in changes:
        if change_x < x:
            clef = changed
    return clef or "treble"


def header_changes(clefs: Sequence[tuple[float, str]], keys: Sequence[tuple[float, int]],
                   event_xs: Sequence[float]) -> tuple[HeaderChange, ...]:
    """One change per place between two events (a clef and a key printed together are one), at the middle of what
    it prints (as labels place it)."""
    places: dict[int, dict] = {}
    for x, what, value in sorted([*((x, "clef", c) for x, c in clefs), *((x, "key_fifths", k) for x, k in keys)]):
        place = places.setdefault(sum(e < x for e in event_xs), {"xs": []})
        place["xs"].append(x)
        place[what] = value
    return tuple(HeaderChange(x=(min(xs) + max(xs)) / 2.0, **place)
                 for _, (xs, place) in sorted((index, (p.pop("xs"), p)) for index, p in places.items()))


def head_duration(head: Symbol, strokes: int) -> str:
    """Whole and half from the head; a filled head is a quarter, or shorter by its stem's beams or flags."""
    duration = HEAD_DURATION[head.kind]
    if duration != "quarter" or strokes == 0:
        return duration
    return DURATION_OF_STROKES[min(strokes, max(DURATION_OF_STROKES))]


def stem_x(head: Symbol, up: bool) -> float:
    """A stem goes up from the head's right edge and down from its left edge."""
    return head.box[2] if up else head.box[0]


def _sides(head: Symbol) -> tuple[bool, ...]:
    return (True, False) if head.stem_up is None else (head.stem_up,)


def _on_side(head: Symbol, mark: Symbol, up: bool) -> bool:
    return mark.centre[1] < head.centre[1] if up else mark.centre[1] > head.centre[1]


def beams_on_stem(head: Symbol, beams: Sequence[Symbol], space: float) -> int:
    """Beam levels spanning the head's stem, on the side it has them (monophonic: one group there)."""
    reach = STEM_REACH * space
    counts = []
    for up in _sides(head):
        x = stem_x(head, up)
        spanning = [b for b in beams if b.box[0] - reach <= x <= b.box[2] + reach and _on_side(head, b, up)]
        # A segment that goes on from another at this stem is the same level. Counted once per continuing segment
        # (not per pair), so a model's duplicated segments never count fewer than no beam.
        continuing = sum(any(abs(a.box[2] - x) <= reach and abs(b.box[0] - x) <= reach and _continues(a, b, space)
                             for a in spanning if a is not b) for b in spanning)
        counts.append(max(0, len(spanning) - continuing))
    return max(counts)


def _continues(left: Symbol, right: Symbol, space: float) -> bool:
    """Verovio draws a level as one polygon per pair of neighbouring stems: `right` goes on where `left` ends, at
    the same height there (whichever way the beam slants), so the two are one level; a deeper level's segment lies
    a beam spacing (0.75 spaces) off."""
    thickness, tolerance = BEAM_THICKNESS * space, BEAM_JOIN * space
    falling = abs(left.box[3] - thickness - right.box[1]) <= tolerance  # left's bottom right meets right's top left
    rising = abs(left.box[1] - (right.box[3] - thickness)) <= tolerance
    return falling or rising


def flag_distance(head: Symbol, flag: Symbol, space: float) -> float | None:
    """How far a flag starts from the head's stem (on the side the flag is on), or None where it is out of reach."""
    distances = [abs(flag.box[0] - stem_x(head, up)) for up in _sides(head) if _on_side(head, flag, up)]
    distance = min(distances, default=None)
    return distance if distance is not None and distance <= FLAG_REACH * space else None


def is_short(head: Symbol, beams: Sequence[Symbol], flags: Sequence[Symbol], space: float) -> bool:
    """The head carries a beam or a flag on its stem."""
    return beams_on_stem(head, beams, space) > 0 or any(flag_distance(head, f, space) is not None for f in flags)


def head_strokes(heads: Sequence[Symbol], beams: Sequence[Symbol], flags: Sequence[Symbol],
                 space: float) -> list[int]:
    """Beams (else flags) on each head's stem: each flag goes to the head whose stem it starts at. A grace note is
    never beamed with timed notes, so it counts its own flags only (a beam passing over it is its neighbours')."""
    flag_count = [0] * len(heads)
    for flag in flags:
        reached = [(d, index) for index, head in enumerate(heads) if (d := flag_distance(head, flag, space)) is not None]
        if reached:
            flag_count[min(reached)[1]] += 1
    return [count if head.kind == "notehead_grace" else beams_on_stem(head, beams, space) or count
            for head, count in zip(heads, flag_count)]


def event_dots(events: Sequence[Symbol], dots: Sequence[Symbol], space: float) -> list[int]:
    """Augmentation dots per head or rest (in the given order): a dot belongs to the nearest one ending left of it."""
    counts = [0] * len(events)
    for dot in dots:
        dx, dy = dot.centre
        candidates = []
        for index, event in enumerate(events):
            rise = (REST_DOT_RISE if event.kind in REST_DURATION else DOT_RISE) * space
            gap = dx - event.box[2]
            if -0.1 * space <= gap <= DOT_REACH * space and abs(dy - event.centre[1]) <= rise:
                candidates.append((gap, index))
        if candidates:
            counts[min(candidates)[1]] += 1
    return [min(count, 2) for count in counts]


def attach_ties(notes: list[SymbolicNote], ties: Sequence[Symbol], space: float) -> list[SymbolicNote]:
    """Tie start/stop/continue on the notes (left to right) a tie joins: two neighbours of one written pitch whose
    centres lie near its ends. Ties matter to the sounding alter: a tied note keeps its pitch across a barline.
    Grace notes are never tied: a tie passes over them."""
    timed = [index for index, note in enumerate(notes) if not note.grace]
    starts = set()
    for tie in ties:
        for order, (a, b) in enumerate(zip((notes[i] for i in timed), (notes[i] for i in timed[1:]))):
            if ((a.step, a.octave) == (b.step, b.octave) and abs(tie.box[0] - a.x) <= TIE_REACH * space
                    and abs(tie.box[2] - b.x) <= TIE_REACH * space):
                starts.add(order)
                break
    labels = {(False, True): "start", (True, False): "stop", (True, True): "continue"}
    tied = list(notes)
    for order, index in enumerate(timed):
        tied[index] = replace(notes[index], tie=labels.get((order - 1 in starts, order in starts)))
    return tied
