"""A user's image -> what its staves say: read the file, find every staff, recognise them all in one batch, and
carry clef, key and time signature from staff to staff. Torch-free (the predictor is passed in), so `omr transcribe`,
the evaluation of the `pages` set and benchmarks/transcribe.py share it. Files are written by omr.transcribe.write.

Coordinates: every x/y here (events, barlines, staff lines) is in the deskewed page's pixels (omr.transcribe.locate: the input
turned back by the staves' angle, or the input itself where that angle is 0).
"""

from __future__ import annotations

import dataclasses
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from omr.transcribe.locate import LocatedStaff, locate_staves
from omr.music.events import (Event, SymbolicNote, event_text, measure_length, notes_of, pitch_from_staff_position,
                       sounding_alters, staff_position)
from omr.music.musicxml import measure_groups, measure_numbers_from_barlines
from omr.transcribe.recognize import Predictor, RecognizeConfig, Recognition, recognize_batch

# Refused before decoding: 40 megapixels hold an A4 page scanned at 600 dpi (35 MP); a larger image would take
# minutes and gigabytes (a 20000 x 20000 image is 400 MP of pixels, 1.6 GB as float32).
MAX_PIXELS = 40_000_000
PREAMBLE = ("clef", "key", "time")  # what a staff may print before its first note


@dataclass(frozen=True)
class StaffTranscription:
    """One staff as read: its events and barlines (page pixels), the clef, key and time in force on it (read here or
    carried from the staff before: `printed` names those read here) and where it sits (`staff`, omr.transcribe.locate)."""

    events: tuple[Event, ...]
    staff: LocatedStaff
    clef: str | None = None
    key_fifths: int = 0
    time: str | None = None
    barlines: tuple[float, ...] = ()
    printed: tuple[str, ...] = ()
    knows_accidentals: bool = True
    knows_durations: bool = True

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        return notes_of(self.events)

    @property
    def staff_lines(self) -> tuple[float, ...]:
        """The five lines' y in the page, top first."""
        return tuple(self.staff.origin[1] + y for y in self.staff.staff_lines)

    def measure_numbers(self) -> tuple[int, ...] | None:
        """Measure of each event within the staff (1 first): from the barlines read, else None (the time signature
        in force fills the measures)."""
        return tuple(measure_numbers_from_barlines(self.events, self.barlines)) if self.barlines else None

    def text(self) -> str:
        """Events left to right as `omr render --notes` writes them, e.g. 'C4:4 r:8 F#4:8.' (pitch alone where the
        approach knows no durations, no sign where it knows no accidentals)."""
        words = []
        for event in self.events:
            if event.kind == "note" and not self.knows_accidentals:
                event = dataclasses.replace(event, alter=0)
            words.append(event_text(event) if self.knows_durations else event.spelled)
        return " ".join(words)

    def preamble_text(self) -> str:
        """'treble, 2 sharps, 3/4' (what is in force; '(carried)' marks what this staff does not print)."""
        key = {0: "no key", 1: "1 sharp", -1: "1 flat"}.get(
            self.key_fifths, f"{abs(self.key_fifths)} {'sharps' if self.key_fifths > 0 else 'flats'}")
        parts = [(self.clef or "no clef", "clef"), (key, "key"), (self.time or "no time", "time")]
        return ", ".join(value + ("" if what in self.printed or value.startswith("no ") else " (carried)")
                         for value, what in parts)


@dataclass(frozen=True)
class PageTranscription:
    """Every staff of one image, in reading order (top to bottom), and the input's size (width, height)."""

    staves: tuple[StaffTranscription, ...]
    approach: str
    size: tuple[int, int]

    @property
    def events(self) -> tuple[Event, ...]:
        """The events of every staff in reading order: what the `pages` set scores as one sequence."""
        return tuple(event for staff in self.staves for event in staff.events)

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        return notes_of(self.events)

    @property
    def knows_accidentals(self) -> bool:
        return all(staff.knows_accidentals for staff in self.staves)

    @property
    def knows_durations(self) -> bool:
        return all(staff.knows_durations for staff in self.staves)


def read_image(path: Path, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """A PNG/JPEG as HxW uint8 grey (transparency over white, camera rotation applied); ValueError naming the file
    for a missing, empty, unreadable, truncated or oversized one (the size is checked before the pixels are read)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: image not found")
    if path.stat().st_size == 0:
        raise ValueError(f"{path}: empty file, expected a PNG or JPEG image")
    try:
        with warnings.catch_warnings():
            # Pillow warns (on stderr) of images over its own limit and refuses those over twice it: both refused here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:  # reads the header only: the size is known before any pixel is decoded
                width, height = opened.size
                if width * height > max_pixels:
                    raise ValueError(f"{path}: {width} x {height} px is over the limit of {max_pixels / 1e6:g} "
                                     "megapixels")
                image = ImageOps.exif_transpose(opened)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(f"{path}: over the limit of {max_pixels / 1e6:g} megapixels ({error})") from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(f"{path}: not a readable image, expected PNG or JPEG ({error})") from error
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert("RGBA"))
    return np.asarray(image.convert("L"), dtype=np.uint8)


def transcribe_page(predictor: Predictor, image: np.ndarray, config: RecognizeConfig = RecognizeConfig()
                    ) -> PageTranscription:
    """Find every staff (NoStaffFound when there is none), recognise them in one batch, carry the preamble."""
    located = locate_staves(image)
    recognitions = recognize_batch(predictor, [staff.image for staff in located], config)
    height, width = np.asarray(image).shape[:2]
    return page_from_recognitions(located, recognitions, predictor.approach, (int(width), int(height)))


def page_from_recognitions(located: Sequence[LocatedStaff], recognitions: Sequence[Recognition], approach: str,
                           size: tuple[int, int]) -> PageTranscription:
    """A page from its located staves and their recognitions (in the same order; e.g. batched across pages by the
    evaluation): moved into page pixels, the preamble carried, ties joined across staves."""
    if len(located) != len(recognitions):
        raise ValueError(f"{len(located)} staves located but {len(recognitions)} recognised")
    staves = tied_across_staves(carried_preamble([_on_page(r, s) for r, s in zip(recognitions, located)]))
    return PageTranscription(staves=tuple(staves), approach=approach, size=size)


def _on_page(recognition: Recognition, staff: LocatedStaff) -> StaffTranscription:
    """A staff's recognition moved from its crop into page pixels; `printed` = what the decoder read of it."""
    x0, y0 = staff.origin
    events = tuple(dataclasses.replace(e, x=e.x + x0, y=e.y + y0) for e in recognition.events)
    printed = tuple(what for what, read in zip(PREAMBLE, (recognition.clef is not None, recognition.key_fifths != 0,
                                                          recognition.time is not None)) if read)
    return StaffTranscription(events=events, staff=staff, clef=recognition.clef, key_fifths=recognition.key_fifths,
                              time=recognition.time, barlines=tuple(x + x0 for x in recognition.barlines),
                              printed=printed, knows_accidentals=recognition.knows_accidentals,
                              knows_durations=recognition.knows_durations)


def carried_preamble(staves: Sequence[StaffTranscription]) -> list[StaffTranscription]:
    """Each staff with the clef, key and time in force: what it printed, else the previous staff's.

    Engravers repeat clef and key on every system and print the time signature once, so a staff that shows none of
    them continues the one before. A key read as 0 (no signature seen) carries the previous key: a change to C major
    would print naturals, which no decoder reads as a key. Where the carried clef or key is not what the decoder
    assumed (treble, no key), the staff's pitches are read again under it (`reread`).
    """
    carried: list[StaffTranscription] = []
    for staff in staves:
        previous = carried[-1] if carried else None
        clef = staff.clef if "clef" in staff.printed or previous is None else previous.clef
        key = staff.key_fifths if "key" in staff.printed or previous is None else previous.key_fifths
        time = staff.time if "time" in staff.printed or previous is None else previous.time
        carried.append(reread(staff, clef, key, time))
    return carried


def reread(staff: StaffTranscription, clef: str | None, key_fifths: int, time: str | None) -> StaffTranscription:
    """The staff under another clef, key and time in force. Decoders place a head by its staff position in treble
    clef when they read none, and apply the key they read (0 when none): heads move to the clef's pitch there,
    and `alter` is worked out again from the printed signs (where the approach reads them), the key and the
    measures (barlines, else the time signature)."""
    events = list(staff.events)
    moved = staff.clef is None and clef not in (None, "treble")
    if moved:
        events = [e if e.kind == "rest" else _in_clef(e, clef) for e in events]
    respell = staff.knows_accidentals and (moved or key_fifths != staff.key_fifths or time != staff.time)
    if respell:
        events = _respelled(events, key_fifths, staff.barlines, time)
    return dataclasses.replace(staff, events=tuple(events), clef=clef, key_fifths=key_fifths, time=time)


def _in_clef(note: SymbolicNote, clef: str) -> SymbolicNote:
    step, octave = pitch_from_staff_position(staff_position(note.step, note.octave, "treble"), clef)
    return dataclasses.replace(note, step=step, octave=octave)


def _respelled(events: list[Event], key_fifths: int, barlines: Sequence[float], time: str | None) -> list[Event]:
    if barlines:
        numbers = measure_numbers_from_barlines(events, barlines)
    elif measure_length(time) is not None:
        numbers = [number for number, members in measure_groups(events, time) for _ in members]
    else:
        numbers = None  # no measures: a printed sign holds for its note alone
    indices = [i for i, e in enumerate(events) if e.kind == "note"]
    notes = [events[i] for i in indices]
    tied = [k > 0 and notes[k - 1].tie in ("start", "continue") for k in range(len(notes))]
    alters = sounding_alters([(n.step, n.octave, n.accidental) for n in notes], key_fifths,
                             None if numbers is None else [numbers[i] for i in indices], tied)
    respelled = list(events)
    for index, note, alter in zip(indices, notes, alters):
        respelled[index] = dataclasses.replace(note, alter=alter)
    return respelled


def tied_across_staves(staves: Sequence[StaffTranscription]) -> list[StaffTranscription]:
    """A tie that leaves one staff's last note ends on the next staff's first note where that is the same written
    pitch: a decoder reads one staff, so it sees the tie's start but not where it stops."""
    joined = list(staves)
    for index in range(1, len(joined)):
        before, staff = joined[index - 1].events, joined[index].events
        if not before or not staff or before[-1].kind != "note" or staff[0].kind != "note":
            continue
        last, first = before[-1], staff[0]
        if last.tie in ("start", "continue") and first.tie in (None, "start") and \
                (last.step, last.octave) == (first.step, first.octave):
            tie = "stop" if first.tie is None else "continue"
            events = (dataclasses.replace(first, tie=tie, alter=last.alter), *staff[1:])
            joined[index] = dataclasses.replace(joined[index], events=events)
    return joined
