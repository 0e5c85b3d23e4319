"""Symbolic music shared by every layer: pitches, the 52-key pitch vector, treble-clef staff positions.

Numpy-free and torch-free on purpose: render, decode and evaluate all import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

STEPS = "CDEFGAB"
DURATIONS = ("quarter", "half")
PITCH_VECTOR_SIZE = 52  # white keys of an 88-key piano, A0 .. C8
_A0_DIATONIC = 0 * 7 + STEPS.index("A")
# Treble clef: staff position 0 is the bottom line (E4); each step up the scale is one position (half a staff space).
_E4_DIATONIC = 4 * 7 + STEPS.index("E")
ALTER_SIGNS = {-1: "b", 0: "", 1: "#"}


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


def staff_position(step: str, octave: int) -> int:
    """Treble-clef staff position: 0 = bottom line E4, 8 = top line F5, odd numbers are spaces."""
    return diatonic_number(step, octave) - _E4_DIATONIC


def pitch_from_staff_position(position: int) -> tuple[str, int]:
    """(step, octave) written at a treble-clef staff position."""
    diatonic = position + _E4_DIATONIC
    return STEPS[diatonic % 7], diatonic // 7


def staff_position_y(position: float, bottom_line_y: float, staff_space: float) -> float:
    """Image y (pixels, down is positive) of a staff position, given the bottom line's y."""
    return bottom_line_y - position * staff_space / 2.0


@dataclass(frozen=True)
class SymbolicNote:
    """One note as CONTRACT.md writes it: pitch as written, duration, and the notehead centre in pixels."""

    step: str
    octave: int
    alter: int = 0
    duration: str = "quarter"
    x: float = 0.0
    y: float = 0.0

    def __post_init__(self) -> None:
        if self.step not in STEPS:
            raise ValueError(f"note step must be one of {list(STEPS)}, got {self.step!r}")
        if self.alter not in ALTER_SIGNS:
            raise ValueError(f"note alter must be -1, 0 or 1, got {self.alter!r}")
        if self.duration not in DURATIONS:
            raise ValueError(f"note duration must be one of {list(DURATIONS)}, got {self.duration!r}")

    @property
    def name(self) -> str:
        """Step + octave, the unit that pitch metrics compare (e.g. 'C4')."""
        return f"{self.step}{self.octave}"

    @property
    def spelled(self) -> str:
        """Step + accidental + octave (e.g. 'F#4', 'Bb4')."""
        return f"{self.step}{ALTER_SIGNS[self.alter]}{self.octave}"

    def to_json(self) -> dict:
        # Spelled out instead of dataclasses.asdict (which deep-copies): dataset writing calls this per note.
        return {"step": self.step, "octave": self.octave, "alter": self.alter, "duration": self.duration,
                "x": self.x, "y": self.y}

    @classmethod
    def from_json(cls, data: dict) -> "SymbolicNote":
        return cls(
            step=data["step"],
            octave=int(data["octave"]),
            alter=int(data.get("alter", 0)),
            duration=data.get("duration", "quarter"),
            x=float(data.get("x", 0.0)),
            y=float(data.get("y", 0.0)),
        )


def pitch_vector(notes: Iterable[SymbolicNote]) -> list[int]:
    """Multi-hot 52-vector of the notes' white keys (accidentals, order and repeats are lost)."""
    vector = [0] * PITCH_VECTOR_SIZE
    for note in notes:
        vector[pitch_index(note.step, note.octave)] = 1
    return vector
