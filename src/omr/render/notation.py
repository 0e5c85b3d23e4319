"""NotationConfig: what a random staff of real notation (v03) may contain; random(rng) draws one.

The staff is written as a copyist would: measures filled by `omr.render.rhythm`, sounding pitches drawn in the key
(a melodic walk with some chromatic alterations), then `omr.music.events.printed_accidentals` decides which signs are
printed (courtesy naturals included), so each note's `alter` and `accidental` follow the key and the measure.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from omr.config import ConfigError
from omr.music.events import CLEFS, TIME_SIGNATURES, key_alters, pitch_from_staff_position, printed_accidentals
from omr.render.smufl import SMUFL_FONTS
from omr.render.rhythm import RhythmValue, RhythmWeights, beam_groups, random_measure
from omr.render.score import DYNAMICS, Note, Rest, Staff

# Melodic motion in staff positions: mostly steps and thirds, sometimes a leap anywhere in the range.
STEP_CHOICES = np.array([-3, -2, -1, 0, 1, 2, 3])
STEP_WEIGHTS = np.array([1, 2, 4, 2, 4, 2, 1]) / 16
LEAP_PROBABILITY = 0.2
KEEP_ALTERATION = 0.7  # chance that a later note on an altered step of the measure keeps the alteration


@dataclass(frozen=True)
class NotationConfig:
    """Every knob of a random real-notation staff (params.yaml datasets.<name>.notation). Probabilities of 0 turn a
    feature off; `durations` are relative weights in DURATIONS order (whole, half, quarter, eighth, 16th, 32nd)."""

    min_measures: int = 1
    max_measures: int = 4
    time_signatures: tuple[str, ...] = TIME_SIGNATURES
    time_signature_probability: float = 1.0  # the signature is printed (else `time` is null; measures still fill)
    clefs: tuple[str, ...] = CLEFS
    clef_weights: tuple[float, ...] = (0.6, 0.4)
    key_fifths_min: int = -7
    key_fifths_max: int = 7
    # Written staff positions per clef (0 = bottom line, 8 = top): -4..12 is two ledger lines either side.
    treble_positions: tuple[int, int] = (-4, 12)
    bass_positions: tuple[int, int] = (-4, 12)
    durations: tuple[float, ...] = RhythmWeights().durations
    dot_probability: float = 0.15
    double_dot_probability: float = 0.02
    rest_probability: float = 0.12
    tie_probability: float = 0.08  # a note is tied to the next event when that is a note (same pitch)
    accidental_probability: float = 0.12  # a note sounds a chromatic alteration of its key's pitch
    courtesy_accidentals: bool = True
    slur_probability: float = 0.15  # per measure
    staccato_probability: float = 0.05  # per note
    fermata_probability: float = 0.1  # per staff, on its last event
    dynamics_probability: float = 0.15  # per measure, under its first event
    final_barline_probability: float = 0.5  # the staff ends with a thin-thick double bar
    # A measure number above the staff's start, as engravers number each system's first measure (a distractor:
    # text a reader of a page meets on every staff but the first).
    measure_number_probability: float = 0.0
    # Fonts (verovio's SMuFL fonts, omr.render.smufl) a staff may draw its clef, accidentals and time signature in
    # instead of ours, each staff with this chance: other shapes of the same signs. Keep the test sets' Leipzig and
    # Bravura out.
    glyph_fonts: tuple[str, ...] = ()
    glyph_font_probability: float = 0.0

    def __post_init__(self) -> None:
        if not 1 <= self.min_measures <= self.max_measures:
            raise ConfigError(f"min_measures/max_measures: need 1 <= min <= max, got {self.min_measures}, "
                              f"{self.max_measures}")
        _check_choices("time_signatures", self.time_signatures, TIME_SIGNATURES)
        if self.glyph_fonts:  # empty: every staff in our own glyphs
            _check_choices("glyph_fonts", self.glyph_fonts, SMUFL_FONTS)
        _check_choices("clefs", self.clefs, CLEFS)
        if len(self.clef_weights) != len(self.clefs) or min(self.clef_weights) < 0 or sum(self.clef_weights) <= 0:
            raise ConfigError(f"clef_weights: expected {len(self.clefs)} weights >= 0 (one per clef) with a positive "
                              f"sum, got {list(self.clef_weights)}")
        if not -7 <= self.key_fifths_min <= self.key_fifths_max <= 7:
            raise ConfigError(f"key_fifths_min/key_fifths_max: need -7 <= min <= max <= 7, got "
                              f"{self.key_fifths_min}, {self.key_fifths_max}")
        for clef in CLEFS:
            low, high = self.positions(clef)
            if low > high:
                raise ConfigError(f"{clef}_positions: need [lowest, highest] staff positions, got [{low}, {high}]")
        for name in ("time_signature_probability", "dot_probability", "double_dot_probability", "rest_probability",
                     "tie_probability", "accidental_probability", "slur_probability", "staccato_probability",
                     "fermata_probability", "dynamics_probability", "final_barline_probability",
                     "measure_number_probability", "glyph_font_probability"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name}: must be in 0..1, got {getattr(self, name)}")
        try:
            self.rhythm_weights()
        except ValueError as error:
            raise ConfigError(f"durations/dot_probability: {error}") from error

    def positions(self, clef: str) -> tuple[int, int]:
        """(lowest, highest) written staff position of notes in `clef`."""
        return self.treble_positions if clef == "treble" else self.bass_positions

    def rhythm_weights(self) -> RhythmWeights:
        return RhythmWeights(self.durations, self.dot_probability, self.double_dot_probability, self.rest_probability)

    def random(self, rng: np.random.Generator) -> Staff:
        """A random staff of real notation, drawn only from `rng`."""
        clef = self.clefs[int(rng.choice(len(self.clefs), p=np.array(self.clef_weights) / sum(self.clef_weights)))]
        key = int(rng.integers(self.key_fifths_min, self.key_fifths_max + 1))
        time = self.time_signatures[int(rng.integers(len(self.time_signatures)))]
        measures = [random_measure(rng, time, self.rhythm_weights())
                    for _ in range(int(rng.integers(self.min_measures, self.max_measures + 1)))]
        values = [value for measure in measures for value in measure]
        measure_numbers = [number for number, measure in enumerate(measures) for _ in measure]
        events = self._pitched_events(rng, values, measure_numbers, clef, key)
        ends = tuple(np.cumsum([len(measure) for measure in measures]) - 1)
        events = self._articulations(rng, events)
        show_time = rng.random() < self.time_signature_probability
        slurs, dynamics = self._slurs(rng, events, ends), self._dynamics(rng, events, ends)
        final_barline = bool(rng.random() < self.final_barline_probability)
        number = None  # drawn last, and only where asked, so staves drawn without numbers stay as they were
        if self.measure_number_probability > 0 and rng.random() < self.measure_number_probability:
            number = int(rng.integers(2, 100))
        font = None  # likewise drawn last, and only where asked
        if self.glyph_fonts and self.glyph_font_probability > 0 and rng.random() < self.glyph_font_probability:
            font = self.glyph_fonts[int(rng.integers(len(self.glyph_fonts)))]
        return Staff(
            tuple(events), clef=True, barlines_after=tuple(int(end) for end in ends), key_signature=key,
            clef_sign=clef, time_signature=time if show_time else None, beams=beam_groups(events, time),
            slurs=slurs, dynamics=dynamics, final_barline=final_barline, measure_number=number, glyph_font=font,
        )

    def _pitched_events(self, rng: np.random.Generator, values: list[RhythmValue], measure_numbers: list[int],
                        clef: str, key: int) -> list[Note | Rest]:
        """Notes and rests of the values: sounding pitches in the key, ties, then the accidentals a copyist prints."""
        notes = [index for index, value in enumerate(values) if not value.rest]
        ties = {a for a, b in zip(notes, notes[1:]) if b == a + 1 and rng.random() < self.tie_probability}
        pitches = self._sounding_pitches(rng, notes, ties, measure_numbers, clef, key)
        tied_from = [index - 1 in ties for index in notes]
        printed = printed_accidentals([pitches[index] for index in notes], key,
                                      [measure_numbers[index] for index in notes], tied_from,
                                      courtesy=self.courtesy_accidentals)
        accidental_of = dict(zip(notes, printed))
        events: list[Note | Rest] = []
        for index, value in enumerate(values):
            if value.rest:
                events.append(Rest(value.duration, value.dots))
            else:
                step, octave, alter = pitches[index]
                events.append(Note(step, octave, value.duration, alter, accidental_of[index], dots=value.dots,
                                   tie=index in ties))
        return events

    def _sounding_pitches(self, rng: np.random.Generator, notes: list[int], ties: set[int],
                          measure_numbers: list[int], clef: str, key: int) -> dict[int, tuple[str, int, int]]:
        low, high = self.positions(clef)
        key_alter = key_alters(key)
        position = int(rng.integers(low, high + 1))
        uniform = rng.random((len(notes), 4))
        steps = rng.choice(STEP_CHOICES, size=len(notes), p=STEP_WEIGHTS)
        pitches: dict[int, tuple[str, int, int]] = {}
        altered: dict[tuple[str, int], int] = {}
        measure = None
        for (index, (u_leap, u_leap_to, u_alter, u_sign)), step_move in zip(zip(notes, uniform.tolist()), steps):
            if measure_numbers[index] != measure:
                altered, measure = {}, measure_numbers[index]
            if index - 1 in ties:
                pitches[index] = pitches[index - 1]
                continue
            if u_leap < LEAP_PROBABILITY:
                position = low + int(u_leap_to * (high - low + 1))
            else:
                position = _reflect(position + int(step_move), low, high)
            step, octave = pitch_from_staff_position(position, clef)
            in_key = key_alter[step]
            if (step, octave) in altered and u_alter < KEEP_ALTERATION:
                alter = altered[(step, octave)]
            elif u_alter < self.accidental_probability:
                alter = 0 if in_key else _chromatic_alter(step, key, u_sign)
            else:
                alter = in_key
            altered[(step, octave)] = alter
            pitches[index] = (step, octave, alter)
        return pitches

    def _articulations(self, rng: np.random.Generator, events: list[Note | Rest]) -> list[Note | Rest]:
        """Staccato dots on some untied notes, a fermata on the last event: drawn, never labelled."""
        staccato = rng.random(len(events)) < self.staccato_probability
        result = []
        for event, dotted in zip(events, staccato):
            if event.kind == "note" and dotted and not event.tie:
                event = replace(event, articulation="staccato")
            result.append(event)
        if rng.random() < self.fermata_probability:
            result[-1] = replace(result[-1], articulation="fermata")
        return result

    def _slurs(self, rng: np.random.Generator, events: list[Note | Rest], ends) -> tuple[tuple[int, int], ...]:
        """Per measure, maybe a slur over 2-4 consecutive notes (not over one tie, which would look the same)."""
        slurs, start = [], 0
        for end in ends:
            if rng.random() < self.slur_probability:
                runs = _note_runs(events, start, int(end))
                first, length = (runs[int(rng.integers(len(runs)))] if runs else (0, 0))
                span = min(length, int(rng.integers(2, 5)))
                if span >= 2 and not (span == 2 and events[first].tie):
                    slurs.append((first, first + span - 1))
            start = int(end) + 1
        return tuple(slurs)

    def _dynamics(self, rng: np.random.Generator, events: list[Note | Rest], ends) -> tuple[tuple[int, str], ...]:
        marks, start = [], 0
        for end in ends:
            if rng.random() < self.dynamics_probability:
                marks.append((start, DYNAMICS[int(rng.integers(len(DYNAMICS)))]))
            start = int(end) + 1
        return tuple(marks)


def _check_choices(key: str, values: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    if not values:
        raise ConfigError(f"{key}: must name at least one of {list(allowed)}")
    for value in values:
        if value not in allowed:
            raise ConfigError(f"{key}: unknown value {value!r} (allowed: {', '.join(allowed)})")


def _chromatic_alter(step: str, key: int, uniform: float) -> int:
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


def _note_runs(events: list[Note | Rest], start: int, end: int) -> list[tuple[int, int]]:
    """(first index, length) of each run of two or more consecutive notes in events[start..end]."""
    runs, first = [], None
    for index in range(start, end + 2):
        is_note = index <= end and events[index].kind == "note"
        if is_note and first is None:
            first = index
        elif not is_note and first is not None:
            if index - first >= 2:
                runs.append((first, index - first))
            first = None
    return runs


