"""A MusicXML page back into its staves (the reader of omr.music.score's files): each part split at its system
breaks, each staff with the clef, key and time in force at its start, the signatures it changes later and the
measure number of each event, through music21.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

from omr.music.elements import clef_name, event_from_music21, time_name
from omr.music.events import Event, HeaderChange, StaffHeader
from omr.music.page_staff import ScoreStaff


def staves_from_musicxml(source: str | Path) -> tuple[ScoreStaff, ...]:
    """The staves of a MusicXML page in reading order (system by system, each system's parts top to bottom), each
    part split at its system breaks, each staff with its part, the clef, key and time in force at its start, the
    signatures it changes later (`header.changes`, x = 0 as the events' are, placed by `change_indices`) and the
    (file's) measure number of each event."""
    from music21 import converter

    text = Path(source).read_text(encoding="utf-8") if isinstance(source, Path) else source
    parts = list(converter.parseData(text, format="musicxml").parts)
    if not parts:
        raise ValueError("MusicXML holds no part")
    empty = _measures_without_notes(text)
    read = [_part_staves(music, number, empty[number] if number < len(empty) else set())
            for number, music in enumerate(parts)]
    systems = max(len(staves) for staves in read)
    return tuple(staves[system] for system in range(systems) for staves in read if system < len(staves))


def _part_staves(music, part: int, empty: set[str]) -> list[ScoreStaff]:
    """One part's staves, split at its system breaks (empty measures hold no events); what a staff leaves in force
    is where the next one starts."""
    from music21 import layout, stream

    staves: list[_StaffReading] = []
    in_force: dict[str, object] = {"clef": None, "key_fifths": 0, "time": None}
    for measure in music.getElementsByClass(stream.Measure):
        if measure.voices:
            raise ValueError(f"measure {measure.number}: several voices; one melody line was expected")
        if any(found.isNew for found in measure.getElementsByClass(layout.SystemLayout)) or not staves:
            staves.append(_StaffReading(dict(in_force)))
        skipped = str(measure.number) in empty  # music21's reader fills an empty measure with a rest of its own
        for element in measure.getElementsByClass(["Clef", "KeySignature", "TimeSignature", "GeneralNote"]):
            if "GeneralNote" not in element.classes:
                staves[-1].sign(*_sign(element))
            elif not skipped:
                staves[-1].event(event_from_music21(element, measure.number), measure.number)
        in_force = dict(staves[-1].in_force)
    return [staff.staff(part) for staff in staves]


def _sign(element) -> tuple[str, object]:
    if "Clef" in element.classes:
        return "clef", clef_name(element)
    if "KeySignature" in element.classes:
        return "key_fifths", element.sharps
    return "time", time_name(element)


class _StaffReading:
    """One staff as its measures are read: signatures before its first event make its header, a later one that
    differs from the one in force is a change before the next event (one printed again unchanged is none)."""

    def __init__(self, in_force: dict[str, object]):
        self.in_force = in_force
        self.start: dict[str, object] | None = None
        self.events: list[Event] = []
        self.numbers: list[int] = []
        self.changes: list[tuple[int, dict[str, object]]] = []

    def sign(self, what: str, value: object) -> None:
        if self.start is not None and value != self.in_force[what]:
            if not self.changes or self.changes[-1][0] != len(self.events) or what in self.changes[-1][1]:
                self.changes.append((len(self.events), {}))
            self.changes[-1][1][what] = value
        self.in_force[what] = value

    def event(self, event: Event, number: int) -> None:
        self.start = dict(self.in_force) if self.start is None else self.start
        self.events.append(event)
        self.numbers.append(number)

    def staff(self, part: int) -> ScoreStaff:
        start = self.in_force if self.start is None else self.start
        header = StaffHeader(start["clef"], start["key_fifths"], start["time"],
                             changes=tuple(HeaderChange(**found) for _, found in self.changes))
        return ScoreStaff(tuple(self.events), header, tuple(self.numbers), part,
                          tuple(index for index, _ in self.changes))


def _measures_without_notes(text: str) -> list[set[str]]:
    """Per part, the numbers of its measures that hold no note or rest."""
    root = ElementTree.fromstring(text.encode("utf-8"))
    return [{m.get("number", "") for m in part.iter("measure") if m.find("note") is None}
            for part in root.iter("part")]
