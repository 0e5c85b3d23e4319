"""RandomConfig: what a random staff may contain; random(rng) draws whatever the config leaves open."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from omr.config import ConfigError
from omr.music.events import STEPS, pitch_from_staff_position, sounding_alters, staff_position
from omr.render.layout import RenderStyle
from omr.render.notation import NotationConfig
from omr.render.score import ACCIDENTALS, ALTER_OF_ACCIDENTAL, NOTE_TYPES, STEM_DIRECTIONS, Note, Staff

BEATS = {"quarter": 1, "half": 2}


def parse_pitch(text: str, key: str) -> tuple[str, int]:
    """'C4' -> ('C', 4); ConfigError naming `key` otherwise."""
    if not isinstance(text, str) or len(text) < 2 or text[0] not in STEPS or not text[1:].lstrip("-").isdigit():
        raise ConfigError(f"{key}: expected a pitch like C4 or A5, got {text!r}")
    return text[0], int(text[1:])


@dataclass(frozen=True)
class RandomConfig:
    """Ranges and choices for random staves, plus the fixed drawing sizes (staff space etc.) of the dataset.

    With `notation` set, staves are real notation drawn by that NotationConfig (v03): the note-count, pitch,
    note-type, stem, accidental, clef, key and barline knobs here are then unused; the drawing sizes still apply.
    """

    min_notes: int = 1
    max_notes: int = 16
    lowest_pitch: str = "A3"
    highest_pitch: str = "C6"
    note_types: tuple[str, ...] = ("quarter", "half")
    stem_directions: tuple[str, ...] = ("auto",)  # drawn per note from these; auto = the usual rule
    accidental_probability: float = 0.0
    accidentals: tuple[str, ...] = ("sharp", "flat")
    clef_probability: float = 0.0  # each staff starts with a treble clef with this chance (1.0: always)
    key_signature_max: int = 0  # a staff with a clef gets a key signature of -max..max (flats < 0 < sharps), uniform
    barlines: bool = False
    beats_per_measure: int = 4  # quarter = 1 beat; a barline after each full measure and at the end
    staff_space: float = 8.0
    line_thickness: float = 1.0
    height: int = 128
    width: int | None = None
    width_multiple: int = 32
    margin: float = 1.0
    note_gap: float = 2.0
    stem_length: float = 3.5
    notation: NotationConfig | None = None

    def __post_init__(self) -> None:
        if self.min_notes < 1:
            raise ConfigError(f"min_notes: must be >= 1, got {self.min_notes}")
        if self.min_notes > self.max_notes:
            raise ConfigError(f"min_notes: {self.min_notes} is greater than max_notes: {self.max_notes}")
        low = staff_position(*parse_pitch(self.lowest_pitch, "lowest_pitch"))
        high = staff_position(*parse_pitch(self.highest_pitch, "highest_pitch"))
        if low > high:
            raise ConfigError(f"lowest_pitch: {self.lowest_pitch} is above highest_pitch {self.highest_pitch}: "
                              "the pitch range is empty")
        self._check_choices("note_types", self.note_types, NOTE_TYPES)
        self._check_choices("stem_directions", self.stem_directions, STEM_DIRECTIONS)
        self._check_choices("accidentals", self.accidentals, ACCIDENTALS)
        if not 0.0 <= self.accidental_probability <= 1.0:
            raise ConfigError(f"accidental_probability: must be in 0..1, got {self.accidental_probability}")
        if not 0.0 <= self.clef_probability <= 1.0:
            raise ConfigError(f"clef_probability: must be in 0..1, got {self.clef_probability}")
        if not 0 <= self.key_signature_max <= 7:
            raise ConfigError(f"key_signature_max: must be in 0..7, got {self.key_signature_max}")
        if self.beats_per_measure < 1:
            raise ConfigError(f"beats_per_measure: must be >= 1, got {self.beats_per_measure}")
        try:
            self.style()
        except ValueError as error:
            raise ConfigError(f"staff_space/line_thickness/height/width_multiple: {error}") from error

    @staticmethod
    def _check_choices(key: str, values: tuple[str, ...], allowed: tuple[str, ...]) -> None:
        if not values:
            raise ConfigError(f"{key}: must name at least one of {list(allowed)}")
        for value in values:
            if value not in allowed:
                raise ConfigError(f"{key}: unknown value {value!r} (allowed: {', '.join(allowed)})")

    @cached_property
    def position_range(self) -> tuple[int, int]:
        return (staff_position(*parse_pitch(self.lowest_pitch, "lowest_pitch")),
                staff_position(*parse_pitch(self.highest_pitch, "highest_pitch")))

    def style(self) -> RenderStyle:
        return RenderStyle(self.staff_space, self.line_thickness, self.height, self.width, self.width_multiple,
                           self.margin, self.note_gap, self.stem_length)

    def random(self, rng: np.random.Generator) -> Staff:
        """A random staff within this config, drawn only from `rng`."""
        if self.notation is not None:
            return self.notation.random(rng)
        count = int(rng.integers(self.min_notes, self.max_notes + 1))
        low, high = self.position_range
        # One draw for everything else: per note, position / type / stem / accidental? / which accidental.
        uniform = rng.random((count, 5)).tolist()
        notes = []
        for u_position, u_type, u_stem, u_accidental, u_kind in uniform:
            step, octave = pitch_from_staff_position(low + int(u_position * (high - low + 1)))
            accidental = (self.accidentals[int(u_kind * len(self.accidentals))]
                          if u_accidental < self.accidental_probability else None)
            alter = ALTER_OF_ACCIDENTAL[accidental] if accidental else 0
            notes.append(Note(step, octave, self.note_types[int(u_type * len(self.note_types))], alter, accidental,
                              self.stem_directions[int(u_stem * len(self.stem_directions))]))
        clef, key_signature = self._preamble(rng)
        barlines_after = self._barlines(notes) if self.barlines else ()
        return Staff(_with_sounding_alters(notes, key_signature, barlines_after), clef=clef,
                     barlines_after=barlines_after, key_signature=key_signature)

    def _preamble(self, rng: np.random.Generator) -> tuple[bool, int]:
        """Clef and key signature; nothing is drawn from `rng` where the config leaves no choice, so datasets made
        before these knobs existed (clef always or never, no key signatures) come out the same."""
        clef = self.clef_probability >= 1.0 or (self.clef_probability > 0.0 and rng.random() < self.clef_probability)
        if not clef or self.key_signature_max == 0:
            return clef, 0
        return clef, int(rng.integers(-self.key_signature_max, self.key_signature_max + 1))

    def _barlines(self, notes: list[Note]) -> tuple[int, ...]:
        after, beats = [], 0
        for index, note in enumerate(notes):
            beats += BEATS[note.note_type]
            if beats >= self.beats_per_measure or index == len(notes) - 1:
                after.append(index)
                beats -= self.beats_per_measure
        return tuple(after)


def _with_sounding_alters(notes: list[Note], key_signature: int, barlines_after: tuple[int, ...]) -> tuple[Note, ...]:
    """The notes with their sounding alter: the key applies where no sign is printed; with barlines a printed sign
    holds to the end of its measure, without (v01/v02) for its own note only. Nothing drawn changes."""
    measure_numbers = None
    if barlines_after:
        measure_numbers = [sum(1 for end in barlines_after if end < index) for index in range(len(notes))]
    alters = sounding_alters([(n.step, n.octave, n.accidental) for n in notes], key_signature, measure_numbers)
    return tuple(note if note.alter == alter else replace(note, alter=alter) for note, alter in zip(notes, alters))
