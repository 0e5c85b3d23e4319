"""What every decoder returns: events left to right, the staff it read them on, and what it could not know."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from omr.music.events import Event, StaffHeader, SymbolicNote, notes_of


@dataclass(frozen=True)
class Decoded:
    """Decoded events (notes and rests, left to right; regression: notes in ascending pitch) and the staff lines used.

    `knows_accidentals` / `knows_durations` are False where the approach cannot predict them (the pitch vector),
    so their metrics are reported as null rather than scored against a placeholder. `header` is what the decoder read
    of the staff's preamble (None / 0 where it reads none) and its barlines.
    """

    events: tuple[Event, ...]
    staff_lines: tuple[float, ...] | None = None
    knows_accidentals: bool = True
    knows_durations: bool = True
    header: StaffHeader = StaffHeader()

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        return notes_of(self.events)

    def scaled(self, factor: float) -> "Decoded":
        """The same decoding with x/y, barlines, header changes and staff lines multiplied by `factor` (back to
        another image's px)."""
        events = tuple(dataclasses.replace(e, x=e.x * factor, y=e.y * factor) for e in self.events)
        lines = None if self.staff_lines is None else tuple(y * factor for y in self.staff_lines)
        header = dataclasses.replace(self.header, barlines=tuple(x * factor for x in self.header.barlines),
                                     changes=tuple(dataclasses.replace(c, x=c.x * factor) for c in self.header.changes))
        return dataclasses.replace(self, events=events, staff_lines=lines, header=header)
