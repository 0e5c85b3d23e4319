"""The pitches of a random real-notation staff (v03): a melodic walk in staff positions, sounding alters in the key
in force (some chromatic), grace notes a step or two from their main note, and then the signs a copyist prints.

Pure functions; randomness only from the numpy Generator passed in. Which signs are printed follows from the
sounding alters drawn here (`omr.music.events.printed_accidentals`, key by key).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from omr.music.events import key_alters, pitch_from_staff_position, printed_accidentals

# Melodic motion in staff positions: mostly steps and thirds, sometimes a leap anywhere in the range.
STEP_CHOICES = np.array([-3, -2, -1, 0, 1, 2, 3])
STEP_WEIGHTS = np.array([1, 2, 4, 2, 4, 2, 1]) / 16
LEAP_PROBABILITY = 0.2
KEEP_ALTERATION = 0.7  # chance that a later note on an altered step of the measure keeps the alteration
# A grace note sits a step or a third (1 or 2 staff positions) above or below its main note, a step mostly.
GRACE_OFFSETS = (1, -1, 2, -2)
GRACE_OFFSET_CUMULATIVE = (0.35, 0.7, 0.85, 1.0)
ACCIACCATURA_SHARE = 0.5  # the rest are appoggiaturas
APPOGGIATURA_EIGHTH_SHARE = 0.6  # an appoggiatura is an eighth or a 16th; an acciaccatura is always an eighth

Pitch = tuple[str, int, int]  # step, octave, sounding alter


@dataclass(frozen=True)
class MeasureHeader:
    """The clef, key (fifths) and time signature in force in one measure."""

    clef: str
    key_fifths: int
    time: str


@dataclass(frozen=True)
class Grace:
    """A grace note drawn before a main note: its kind (score.GRACE_KINDS), printed value, staff-position offset
    from the main note, and the uniforms its alter is drawn from."""

    kind: str
    duration: str
    offset: int
    u_alter: float
    u_sign: float


def grace_plan(rng: np.random.Generator, notes: list[int], eligible: set[int], probability: float) -> dict[int, Grace]:
    """Which main notes (value indices among `eligible`) get a grace note, each with this chance, and what kind.

    No draw at all where `probability` is 0, so staves drawn without grace notes stay as they were."""
    if probability <= 0:
        return {}
    plan = {}
    for index, (u_has, u_kind, u_value, u_offset, u_alter, u_sign) in zip(notes, rng.random((len(notes), 6)).tolist()):
        if index not in eligible or u_has >= probability:
            continue
        kind = "acciaccatura" if u_kind < ACCIACCATURA_SHARE else "appoggiatura"
        duration = "eighth" if kind == "acciaccatura" or u_value < APPOGGIATURA_EIGHTH_SHARE else "16th"
        offset = GRACE_OFFSETS[bisect_right(GRACE_OFFSET_CUMULATIVE, u_offset)]
        plan[index] = Grace(kind, duration, offset, u_alter, u_sign)
    return plan


@dataclass(frozen=True)
class Melody:
    """Sounding pitches of the notes (by value index) and of their grace notes (by their main note's index)."""

    pitches: dict[int, Pitch]
    grace_pitches: dict[int, Pitch]


@dataclass(frozen=True)
class PitchRange:
    """Written staff positions (lowest, highest) per clef, and the chance of a chromatic note."""

    positions: dict[str, tuple[int, int]]
    accidental_probability: float


def sounding_pitches(rng: np.random.Generator, notes: list[int], ties: set[int], measure_numbers: list[int],
                     headers: list[MeasureHeader], pitch_range: PitchRange, graces: dict[int, Grace]) -> Melody:
    """A melodic walk over the notes (value indices), each note's alter following the key in force, the measure's
    earlier alterations (mostly kept) and sometimes a chromatic step; a tied note repeats its pitch. Positions are
    the clef in force's: after a clef change the walk goes on in the new clef's positions."""
    low, high = pitch_range.positions[headers[measure_numbers[notes[0]]].clef] if notes else (0, 0)
    position = int(rng.integers(low, high + 1))
    uniform = rng.random((len(notes), 4))
    steps = rng.choice(STEP_CHOICES, size=len(notes), p=STEP_WEIGHTS)
    pitches: dict[int, Pitch] = {}
    grace_pitches: dict[int, Pitch] = {}
    altered: dict[tuple[str, int], int] = {}
    measure = None
    for (index, (u_leap, u_leap_to, u_alter, u_sign)), step_move in zip(zip(notes, uniform.tolist()), steps):
        if measure_numbers[index] != measure:
            altered, measure = {}, measure_numbers[index]
            header = headers[measure]
            low, high = pitch_range.positions[header.clef]
            key_alter = _key_alters(header.key_fifths)
        if index - 1 in ties:
            pitches[index] = pitches[index - 1]
            continue
        if u_leap < LEAP_PROBABILITY:
            position = low + int(u_leap_to * (high - low + 1))
        else:
            position = _reflect(position + int(step_move), low, high)
        if index in graces:  # before the main note in time: its alteration is in force for what follows
            grace = graces[index]
            offset = grace.offset if low <= position + grace.offset <= high else -grace.offset
            grace_pitches[index] = _pitch(position + offset, header, key_alter, altered, grace.u_alter,
                                          grace.u_sign, pitch_range.accidental_probability)
        pitches[index] = _pitch(position, header, key_alter, altered, u_alter, u_sign,
                                pitch_range.accidental_probability)
    return Melody(pitches, grace_pitches)


def printed_signs(pitched: list[tuple[int, bool]], melody: Melody, measure_numbers: list[int],
                  headers: list[MeasureHeader], ties: set[int], courtesy: bool) -> dict[tuple[int, bool], str | None]:
    """The sign printed before each (value index, is grace) note: the copyist's rule, key by key (a key change
    starts afresh: its signature says what holds)."""
    signs: dict[tuple[int, bool], str | None] = {}
    start = 0
    while start < len(pitched):
        key = headers[measure_numbers[pitched[start][0]]].key_fifths
        end = start
        while end < len(pitched) and headers[measure_numbers[pitched[end][0]]].key_fifths == key:
            end += 1
        segment = pitched[start:end]
        printed = printed_accidentals(
            [melody.grace_pitches[index] if grace else melody.pitches[index] for index, grace in segment], key,
            [measure_numbers[index] for index, _ in segment],
            [not grace and index - 1 in ties for index, grace in segment], courtesy=courtesy)
        signs.update(zip(segment, printed))
        start = end
    return signs


def _pitch(position: int, header: MeasureHeader, key_alter: dict[str, int], altered: dict[tuple[str, int], int],
           u_alter: float, u_sign: float, accidental_probability: float) -> Pitch:
    """The note at `position`: an alteration of the measure kept (mostly), a chromatic one (sometimes), else the
    key's; recorded as in force for the rest of the measure."""
    step, octave = pitch_from_staff_position(position, header.clef)
    in_key = key_alter[step]
    if (step, octave) in altered and u_alter < KEEP_ALTERATION:
        alter = altered[(step, octave)]
    elif u_alter < accidental_probability:
        alter = 0 if in_key else chromatic_alter(step, header.key_fifths, u_sign)
    else:
        alter = in_key
    altered[(step, octave)] = alter
    return step, octave, alter


@lru_cache(maxsize=None)
def _key_alters(key_fifths: int) -> dict[str, int]:
    return key_alters(key_fifths)


def chromatic_alter(step: str, key: int, uniform: float) -> int:
    """A sharp or flat on a step the key leaves alone: mostly the key's own kind of sign (sharps in sharp keys),
    and never E#, B#, Fb or Cb, which copyists write only where the key already implies them."""
    sharp_share = 0.5 if key == 0 else (0.75 if key > 0 else 0.25)
    alter = 1 if uniform < sharp_share else -1
    if (alter == 1 and step in "EB") or (alter == -1 and step in "CF"):
        alter = -alter
    return alter


def _reflect(position: int, low: int, high: int) -> int:
    """Keep a melodic step inside the range by bouncing off its ends."""
    if high == low:
        return low
    while not low <= position <= high:
        position = 2 * low - position if position < low else 2 * high - position
    return position
