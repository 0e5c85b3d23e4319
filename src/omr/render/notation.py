"""NotationConfig: what a random staff of real notation (v03) may contain; random(rng) draws one.

The staff is written as a copyist would: measures filled by `omr.render.rhythm` in the meter in force (tuplets,
breves and measure rests among them), sounding pitches drawn in the key in force (`omr.render.melody`: a melodic walk
with some chromatic alterations, grace notes before some notes), then `omr.music.events.printed_accidentals` decides
which signs are printed (courtesy naturals included), so each note's `alter` and `accidental` follow the key and the
measure. At most one clef, key or time change stands at a barline inside the staff.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from omr.config import ConfigError
from omr.music.events import CLEFS, TIME_SIGNATURES
from omr.render.grouping import beam_groups, tuplet_groups
from omr.render.melody import MeasureHeader, PitchRange, grace_plan, printed_signs, sounding_pitches
from omr.render.rhythm import RhythmValue, RhythmWeights, random_measure
from omr.render.score import DYNAMICS, Note, Rest, Staff, StaffChange
from omr.render.smufl import SMUFL_FONTS


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
    # The fuller notation (issue 29); every knob at 0 (or empty) leaves the staves as they were drawn without it.
    time_signature_weights: tuple[float, ...] = ()  # relative, one per time signature; empty: all alike
    breve_weight: float = 0.0  # weight (as `durations`') of a value holding a whole 4/2 (breve) or 3/2 measure
    measure_rest_probability: float = 0.0  # per measure: the whole measure is one measure rest
    tuplet_probability: float = 0.0  # per beat: a triplet, duplet, quintuplet or sextuplet fills it
    grace_probability: float = 0.0  # per note: a grace note before it
    change_probability: float = 0.0  # per staff of 2+ measures: a clef, key or time change at one barline

    def __post_init__(self) -> None:
        if not 1 <= self.min_measures <= self.max_measures:
            raise ConfigError(f"min_measures/max_measures: need 1 <= min <= max, got {self.min_measures}, "
                              f"{self.max_measures}")
        _check_choices("time_signatures", self.time_signatures, TIME_SIGNATURES)
        if self.time_signature_weights and (len(self.time_signature_weights) != len(self.time_signatures) or
                                            min(self.time_signature_weights) < 0 or
                                            sum(self.time_signature_weights) <= 0):
            raise ConfigError(f"time_signature_weights: expected {len(self.time_signatures)} weights >= 0 (one per "
                              f"time signature) with a positive sum, or none, got {list(self.time_signature_weights)}")
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
                     "measure_number_probability", "glyph_font_probability", "measure_rest_probability",
                     "tuplet_probability", "grace_probability", "change_probability"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ConfigError(f"{name}: must be in 0..1, got {getattr(self, name)}")
        if self.breve_weight < 0:
            raise ConfigError(f"breve_weight: must be >= 0 (0 turns breves off), got {self.breve_weight}")
        try:
            self.rhythm_weights()
        except ValueError as error:
            raise ConfigError(f"durations/dot_probability: {error}") from error

    def positions(self, clef: str) -> tuple[int, int]:
        """(lowest, highest) written staff position of notes in `clef`."""
        return self.treble_positions if clef == "treble" else self.bass_positions

    def rhythm_weights(self) -> RhythmWeights:
        return RhythmWeights(self.durations, self.dot_probability, self.double_dot_probability, self.rest_probability,
                             self.breve_weight, self.tuplet_probability, self.measure_rest_probability)

    def random(self, rng: np.random.Generator) -> Staff:
        """A random staff of real notation, drawn only from `rng`."""
        clef = self.clefs[int(rng.choice(len(self.clefs), p=np.array(self.clef_weights) / sum(self.clef_weights)))]
        key = int(rng.integers(self.key_fifths_min, self.key_fifths_max + 1))
        time = self._time_signature(rng)
        count = int(rng.integers(self.min_measures, self.max_measures + 1))
        headers, change_at, change = self._headers(rng, count, MeasureHeader(clef, key, time))
        weights = self.rhythm_weights()
        measures = [random_measure(rng, header.time, weights) for header in headers]
        values = [value for measure in measures for value in measure]
        measure_numbers = [number for number, measure in enumerate(measures) for _ in measure]
        first_of_measure = [int(start) for start in np.cumsum([0] + [len(measure) for measure in measures[:-1]])]
        value_time_changes = [(first_of_measure[change_at], change.time)] if change and change.time else []
        groups = (beam_groups(values, time, value_time_changes), tuplet_groups(values))
        events, event_of_value = self._pitched_events(rng, values, measure_numbers, headers, groups,
                                                      first_of_measure[change_at] if change else None)
        ends = tuple(event_of_value[int(end)] for end in np.cumsum([len(measure) for measure in measures]) - 1)
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
        changes = ()
        if change is not None:  # printed before the first event of its measure (a grace note's, where it has one)
            changes = (replace(change, before=ends[change_at - 1] + 1),)
        # The values' beams and tuplets are the events': grace notes stand only outside both (see _grace_eligible).
        beams, tuplets = (tuple(tuple(event_of_value[i] for i in group) for group in of_values)
                          for of_values in groups)
        return Staff(
            tuple(events), clef=True, barlines_after=ends, key_signature=key, clef_sign=clef,
            time_signature=time if show_time else None, beams=beams, slurs=slurs, dynamics=dynamics,
            final_barline=final_barline, measure_number=number, glyph_font=font, tuplets=tuplets, changes=changes,
        )

    def _time_signature(self, rng: np.random.Generator) -> str:
        if not self.time_signature_weights:  # one integer draw, as before the weights existed
            return self.time_signatures[int(rng.integers(len(self.time_signatures)))]
        weights = np.array(self.time_signature_weights) / sum(self.time_signature_weights)
        return self.time_signatures[int(rng.choice(len(self.time_signatures), p=weights))]

    def _headers(self, rng: np.random.Generator, count: int, opening: MeasureHeader):
        """The clef, key and time of each measure, and where they change: (headers, measure of the change, the
        StaffChange (its `before` still to be placed) or None). At most one change, at a barline after the first
        measure; drawn only where changes are asked for."""
        if self.change_probability <= 0 or count < 2 or rng.random() >= self.change_probability:
            return [opening] * count, 0, None
        kinds = [kind for kind, possible in (
            ("clef", any(clef != opening.clef for clef in self.clefs)),
            ("key", self.key_fifths_min < self.key_fifths_max),
            ("time", any(time != opening.time for time in self.time_signatures))) if possible]
        at = int(rng.integers(1, count))
        if not kinds:
            return [opening] * count, 0, None
        kind = kinds[int(rng.integers(len(kinds)))]
        if kind == "clef":
            others = [clef for clef in self.clefs if clef != opening.clef]
            change = StaffChange(1, clef=others[int(rng.integers(len(others)))])
            later = replace(opening, clef=change.clef)
        elif kind == "key":
            others = [k for k in range(self.key_fifths_min, self.key_fifths_max + 1) if k != opening.key_fifths]
            change = StaffChange(1, key_fifths=others[int(rng.integers(len(others)))])
            later = replace(opening, key_fifths=change.key_fifths)
        else:
            others = sorted({time for time in self.time_signatures if time != opening.time}, key=TIME_SIGNATURES.index)
            change = StaffChange(1, time=others[int(rng.integers(len(others)))])
            later = replace(opening, time=change.time)
        return [opening] * at + [later] * (count - at), at, change

    def _pitched_events(self, rng: np.random.Generator, values: list[RhythmValue], measure_numbers: list[int],
                        headers: list[MeasureHeader], groups: tuple, change_value: int | None,
                        ) -> tuple[list[Note | Rest], list[int]]:
        """Notes and rests of the values (grace notes inserted before their main notes): sounding pitches in the key
        in force, ties, then the accidentals a copyist prints. Also each value's event index. `groups`: the values'
        beam and tuplet groups."""
        notes = [index for index, value in enumerate(values) if not value.rest]
        # Ties join untupled notes, never into a measure whose clef, key or time changed.
        ties = {a for a, b in zip(notes, notes[1:]) if b == a + 1 and values[a].tuplet is None and
                values[b].tuplet is None and b != change_value and rng.random() < self.tie_probability}
        eligible = _grace_eligible(notes, ties, *groups) if self.grace_probability > 0 else set()
        graces = grace_plan(rng, notes, eligible, self.grace_probability)
        melody = sounding_pitches(rng, notes, ties, measure_numbers, headers,
                                  PitchRange({clef: self.positions(clef) for clef in CLEFS},
                                             self.accidental_probability), graces)
        # Every note in event order (grace notes too: their signs follow the same rules and count for the measure).
        pitched: list[tuple[int, bool]] = [(index, grace) for index in notes
                                           for grace in ((True, False) if index in graces else (False,))]
        printed = printed_signs(pitched, melody, measure_numbers, headers, ties, self.courtesy_accidentals)
        events: list[Note | Rest] = []
        event_of_value: list[int] = []
        for index, value in enumerate(values):
            if value.rest:
                event_of_value.append(len(events))
                events.append(Rest(value.duration, value.dots, tuplet=value.tuplet, measure=value.measure))
                continue
            if index in graces:
                step, octave, alter = melody.grace_pitches[index]
                grace = graces[index]
                events.append(Note(step, octave, grace.duration, alter, printed[index, True], grace=grace.kind))
            step, octave, alter = melody.pitches[index]
            event_of_value.append(len(events))
            events.append(Note(step, octave, value.duration, alter, printed[index, False], dots=value.dots,
                               tie=index in ties, tuplet=value.tuplet))
        return events, event_of_value

    def _articulations(self, rng: np.random.Generator, events: list[Note | Rest]) -> list[Note | Rest]:
        """Staccato dots on some untied notes, a fermata on the last event: drawn, never labelled."""
        staccato = rng.random(len(events)) < self.staccato_probability
        result = []
        for event, dotted in zip(events, staccato):
            if event.kind == "note" and dotted and not event.tie and event.grace is None:
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


def _grace_eligible(notes: list[int], ties: set[int], beams: tuple, tuplets: tuple) -> set[int]:
    """Notes (value indices) a grace note may stand before: not tied from the previous note, not inside a beam
    group (a grace note is never beamed, and would cut the beam), not inside a tuplet (its first note is fine)."""
    inside = {index for group in beams + tuplets for index in group[1:]}
    return {index for index in notes if index - 1 not in ties and index not in inside}


def _check_choices(key: str, values: tuple[str, ...], allowed: tuple[str, ...]) -> None:
    if not values:
        raise ConfigError(f"{key}: must name at least one of {list(allowed)}")
    for value in values:
        if value not in allowed:
            raise ConfigError(f"{key}: unknown value {value!r} (allowed: {', '.join(allowed)})")


def _note_runs(events: list[Note | Rest], start: int, end: int) -> list[tuple[int, int]]:
    """(first index, length) of each run of two or more consecutive timed notes in events[start..end]."""
    runs, first = [], None
    for index in range(start, end + 2):
        is_note = index <= end and events[index].kind == "note" and events[index].grace is None
        if is_note and first is None:
            first = index
        elif not is_note and first is not None:
            if index - first >= 2:
                runs.append((first, index - first))
            first = None
    return runs


