"""Signatures printed inside a staff (issue 29): a clef change moves every later pitch, a key change every later
alter. Both are read from where their symbols stand among the events; a time signature's digits are not (its class
names no meter), so the decoders report no time change.
"""

from __future__ import annotations

from collections import Counter
from typing import Callable, Sequence

from omr.decode.spelling import KEY_GLYPH_GAP, KEY_KINDS, STACKED
from omr.music.events import key_signature_positions

CLEF_OF_KIND = {"clef": "treble", "clef_bass": "bass"}
# Staff positions a key sign's box centre lies above the place it marks (measured on our renderer and Verovio's
# Leipzig and Bravura: sharps and naturals centred on it, flats one position higher), and the slack allowed.
GLYPH_CENTRE_RISE = {"flat": 1}
PLACE_TOLERANCE = 1


def clefs_in_staff(clefs: Sequence[tuple[str, float, float]], event_xs: Sequence[float]
                   ) -> tuple[str | None, list[tuple[float, str]]]:
    """The opening clef and the clef changes (x of the clef's centre, clef) from the (class, x0, x1) of clef symbols
    and the events' x.

    The opening clef is what stands left of the first event: 'bass' where an F clef was found there, else 'treble'
    where a G clef was, else None (read as treble). A clef right of the first event is a change where an event
    follows it and it differs from the clef in force; a place holding both kinds (one clef seen twice) reads bass.
    """
    first, last = (min(event_xs), max(event_xs)) if event_xs else (None, None)
    opening = {kind for kind, x0, x1 in clefs if first is None or (x0 + x1) / 2.0 < first}
    start = "bass" if "clef_bass" in opening else "treble" if "clef" in opening else None
    later = sorted((x0, x1, kind) for kind, x0, x1 in clefs if first is not None and first < (x0 + x1) / 2.0 < last)
    places: list[list] = []
    for x0, x1, kind in later:
        if places and x0 <= places[-1][1]:
            places[-1][1] = max(places[-1][1], x1)
            places[-1][2].add(kind)
        else:
            places.append([x0, x1, {kind}])
    changes, in_force = [], start or "treble"
    for x0, x1, kinds in places:
        clef = "bass" if "clef_bass" in kinds else "treble"
        if clef != in_force:
            changes.append(((x0 + x1) / 2.0, clef))
            in_force = clef
    return start, changes


def key_changes(signs: Sequence[tuple[str, float, float]], event_xs: Sequence[float], barlines: Sequence[float],
                key_fifths: int, staff_space: float, position: Callable[[float], int],
                clef_at: Callable[[float], str]) -> list[tuple[float, int]]:
    """Key changes (x of the middle of their signs, new key) from the (kind, x, y) of accidentals no head took.

    A key change stands after a barline (a clef change may come between), before the next event: a run of signs
    right of the first event, each within KEY_GLYPH_GAP spaces of the last, with a barline and no event between the
    run and the event before it, and an event after it. Cancelling naturals may open it; its sharps (or flats, the
    more frequent kind) count the new key, naturals alone make it C major. Every sign stands where a key signature
    puts it (`position`: a y's staff position; `clef_at`: the clef in force at an x): a stray sign after a barline
    (a note's accidental whose head was missed) is no key change. Stacked signs are a time signature's digits
    misread (as at the staff's start); a run that keeps the key in force changes nothing.
    """
    if not event_xs:
        return []
    first, last = min(event_xs), max(event_xs)
    signs = sorted((x, y, kind) for kind, x, y in signs if first < x < last)
    stacked = {i for i, (x, y, _) in enumerate(signs) for j, (x2, y2, _) in enumerate(signs)
               if i != j and abs(x - x2) < STACKED * staff_space and abs(y - y2) > 1.5 * staff_space}
    runs: list[list[tuple[float, float, str]]] = []
    for index, (x, y, kind) in enumerate(signs):
        if index in stacked:
            continue
        if runs and x - runs[-1][-1][0] <= KEY_GLYPH_GAP * staff_space and \
                not any(runs[-1][-1][0] < e < x for e in event_xs):
            runs[-1].append((x, y, kind))
        else:
            runs.append([(x, y, kind)])
    changes, in_force = [], key_fifths
    for run in runs:
        start = run[0][0]
        before = max(e for e in event_xs if e < start)
        if not any(before < b < start for b in barlines):
            continue
        counts = Counter(kind for _, _, kind in run if kind in KEY_KINDS)
        fifths = 0
        if counts:
            kind, count = max(counts.items(), key=lambda item: (item[1], item[0] == "sharp"))
            fifths = KEY_KINDS[kind] * min(count, 7)
        placed = [(kind, position(y)) for _, y, kind in run]
        if fifths != in_force and printed_as_key(placed, in_force, fifths, clef_at(start)):
            changes.append(((start + run[-1][0]) / 2.0, fifths))
            in_force = fifths
    return changes


def printed_as_key(signs: Sequence[tuple[str, int]], old: int, new: int, clef: str) -> bool:
    """Whether signs (kind, staff position of the glyph's centre, left to right) stand where a change from key
    `old` to `new` prints them: the new key's sharps or flats at their places in order, naturals on the old key's
    places. A flat's centre lies a position above its line or space (its bowl sits there)."""
    new_places = list(key_signature_positions(new, clef)) if new else []
    old_places = set(key_signature_positions(old, clef)) if old else set()
    for kind, place in signs:
        place -= GLYPH_CENTRE_RISE.get(kind, 0)
        if kind == "natural":
            if not any(abs(place - p) <= PLACE_TOLERANCE for p in old_places):
                return False
        elif kind == ("sharp" if new > 0 else "flat") and new_places:
            if abs(place - new_places.pop(0)) > PLACE_TOLERANCE:
                return False
    return True
