"""One staff of a page as the page writer and reader take it (`ScoreStaff`), and what a staff leaves in force for the
next one of its part: the type below omr.music.score (the writer, MIDI) and omr.music.score_reader (the reader).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from omr.music.events import Event, HeaderChange, StaffHeader
from omr.music.musicxml import change_positions


@dataclass(frozen=True)
class ScoreStaff:
    """One staff of a page: its events, the clef/key/time in force at its start and those it changes later
    (`header`; its barlines are not read), (optionally) a measure number per event within the staff (e.g. from the
    barlines' x; None: measures filled from the time signature in force), and its part."""

    events: tuple[Event, ...]
    header: StaffHeader = StaffHeader(clef="treble")
    measure_numbers: tuple[int, ...] | None = None
    part: int = 0  # the part (0 first) the staff continues: its place within its system
    # Per header change, the index of the event it stands before; None: placed by x (events' and changes' x, as a
    # transcription gives them). A staff read from a file has no x, so the reader gives these.
    change_indices: tuple[int, ...] | None = None

    def placed_changes(self) -> list[tuple[int, HeaderChange]]:
        """(index of the event it stands before (len(events): right of every event), change), in order."""
        indices = self.change_indices
        if indices is None:
            indices = change_positions(self.events, self.header.changes)
        return list(zip(indices, self.header.changes))

    def changes_before(self) -> dict[int, list[HeaderChange]]:
        """The header changes printed just before each event index."""
        before: dict[int, list[HeaderChange]] = {}
        for index, change in self.placed_changes():
            before.setdefault(index, []).append(change)
        return before


def header_at_end(header: StaffHeader) -> StaffHeader:
    """The clef, key and time in force after a staff's last change: what the next staff of its part continues."""
    clef, key_fifths, time = header.clef, header.key_fifths, header.time
    for change in header.changes:
        clef = change.clef if change.clef is not None else clef
        key_fifths = change.key_fifths if change.key_fifths is not None else key_fifths
        time = change.time if change.time is not None else time
    return StaffHeader(clef, key_fifths, time)


def part_staves(staves: Sequence[ScoreStaff]) -> dict[int, list[int]]:
    """Part -> indices of its staves (reading order), parts in order of their number."""
    parts: dict[int, list[int]] = {}
    for index, staff in enumerate(staves):
        parts.setdefault(staff.part, []).append(index)
    return dict(sorted(parts.items()))
