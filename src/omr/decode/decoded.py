"""What every decoder returns: notes left to right, the staff it read them on, and what it could not know."""

from __future__ import annotations

from dataclasses import dataclass

from omr.music import SymbolicNote


@dataclass(frozen=True)
class Decoded:
    """Decoded notes (left to right; regression: ascending pitch) and the staff lines used, if any.

    `knows_accidentals` / `knows_durations` are False where the approach cannot predict them (the pitch vector),
    so their metrics are reported as null rather than scored against a placeholder.
    """

    notes: tuple[SymbolicNote, ...]
    staff_lines: tuple[float, ...] | None = None
    knows_accidentals: bool = True
    knows_durations: bool = True

    def scaled(self, factor: float) -> "Decoded":
        """The same decoding with x/y and staff lines multiplied by `factor` (back to another image's pixels)."""
        notes = tuple(
            SymbolicNote(n.step, n.octave, n.alter, n.duration, n.x * factor, n.y * factor) for n in self.notes
        )
        lines = None if self.staff_lines is None else tuple(y * factor for y in self.staff_lines)
        return Decoded(notes, lines, self.knows_accidentals, self.knows_durations)
