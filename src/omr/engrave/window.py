"""A window of whole measures as the engraved sets take it from a source: its notes and rests as written, the clef,
key and time it starts in and the signatures it changes at later measures (omr.engrave.measures cuts them)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from omr.engrave.corpus import TuneRef
from omr.music.events import StaffHeader, quarter_length, tuplet_ratio


@dataclass(frozen=True)
class SourceEvent:
    """A note or rest of a window as the source writes it; `measure` counts from 0 within the window."""

    kind: str  # "note" | "rest"
    duration: str
    dots: int
    measure: int
    step: str | None = None
    octave: int | None = None
    alter: int = 0
    tie: str | None = None  # "start" | "stop" | "continue" | None, within the window
    tuplet: tuple[int, int] | None = None  # (actual, normal), as CONTRACT's `tuplet`
    grace: bool = False  # a grace note: printed small, no time of its own
    slash: bool = False  # a grace note printed with a slash (acciaccatura)
    fills_measure: bool = False  # a measure rest (CONTRACT's `measure`): duration "whole", whatever the meter

    @property
    def quarter_length(self) -> Fraction:
        """Time the event takes (a grace note none, a tuplet's scaled; a measure rest: its printed whole)."""
        if self.grace:
            return Fraction(0)
        return quarter_length(self.duration, self.dots) * tuplet_ratio(self.tuplet)


@dataclass(frozen=True)
class SourceChange:
    """A clef, key or time signature the source changes at the start of window measure `measure` (> 0); None: that
    one stays."""

    measure: int
    clef: str | None = None
    key_fifths: int | None = None
    time: str | None = None


@dataclass(frozen=True)
class MeasureWindow:
    """Consecutive whole measures of one tune, with the clef, key and time signature they start in (`header`; no
    barlines: a source has measures, not x positions) and those that change at later measures (`changes`)."""

    tune: TuneRef
    title: str
    events: tuple[SourceEvent, ...]
    measures: int
    header: StaffHeader
    octave_shift: int = 0  # octaves moved down (bass-clef windows)
    first_measure: int = 0  # the source's number of the window's first measure
    changes: tuple[SourceChange, ...] = ()

    @property
    def notes(self) -> tuple[SourceEvent, ...]:
        return tuple(event for event in self.events if event.kind == "note")

    def change_indices(self) -> tuple[int, ...]:
        """Per change, the index of the event it stands before: its measure's first (len(events) for a courtesy
        change after the last measure, see omr.engrave.page.system_window)."""
        return tuple(next((i for i, e in enumerate(self.events) if e.measure >= change.measure), len(self.events))
                     for change in self.changes)

    def in_force(self, measure: int) -> StaffHeader:
        """The clef, key and time in force in window measure `measure` (no barlines, no changes)."""
        clef, key_fifths, time = self.header.clef, self.header.key_fifths, self.header.time
        for change in self.changes:
            if change.measure <= measure:
                clef = change.clef if change.clef is not None else clef
                key_fifths = change.key_fifths if change.key_fifths is not None else key_fifths
                time = change.time if change.time is not None else time
        return StaffHeader(clef=clef, key_fifths=key_fifths, time=time)
