"""The marks real scores carry and the events ignore, written into the MusicXML verovio engraves for a generated
staff (omr.engrave.generated): drawn on the image, never labelled as events.

Some come from the generator's own staff, where v03's knobs draw them (staccato, fermatas, slurs, dynamics, the
measure number, a final double bar, the time signature left unprinted); the rest are drawn here at the rates of
DistractorRates (accents, tenuto, fingerings, hairpins, lyrics, a tempo or expression word, an end repeat). The
window's MusicXML is omr.engrave.real_score's, whole; this module only adds to its music21 part, and prints the
generator's accidentals where music21 would print its own (so the labels' `accidental` is the generator's).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.config import ConfigError
from omr.engrave.generated import printed_signs
from omr.engrave.real_score import window_part
from omr.engrave.window import MeasureWindow
from omr.render.score import Note, Staff

SYLLABLES = ("la", "da", "Ky", "ri", "e", "glo", "ri", "a", "san", "ctus", "do", "mi", "ne", "a", "men", "sing")
WORDS = ("Allegro", "Andante", "Moderato", "Adagio", "dolce", "cantabile", "rit.", "a tempo", "espr.", "Vivace")
HAIRPINS = ("crescendo", "diminuendo")


@dataclass(frozen=True)
class DistractorRates:
    """params.yaml engraved_generated.distractors: the chance of each mark drawn here (0 turns it off)."""

    accent: float = 0.04  # per timed note
    tenuto: float = 0.03  # per timed note without an accent
    fingering: float = 0.05  # per timed note: a finger number 1-5 above it
    hairpin: float = 0.12  # per measure with two or more timed notes: a crescendo or diminuendo wedge under them
    lyrics: float = 0.15  # per staff: a syllable under every timed note
    text: float = 0.2  # per staff: a tempo or expression word above its start
    end_repeat: float = 0.1  # per staff: its last barline is an end repeat (dots and a thick line)

    def __post_init__(self) -> None:
        for name, value in self.__dict__.items():
            if not 0.0 <= value <= 1.0:
                raise ConfigError(f"{name}: must be in 0..1, got {value}")


@dataclass(frozen=True)
class Distractors:
    """What one staff gets beyond the generator's own marks (event indices of the staff)."""

    accents: tuple[int, ...] = ()
    tenutos: tuple[int, ...] = ()
    fingerings: tuple[tuple[int, int], ...] = ()  # (event, finger)
    hairpins: tuple[tuple[int, int, str], ...] = ()  # (first event, last event, HAIRPINS name)
    lyrics: tuple[tuple[int, str], ...] = ()  # (event, syllable)
    text: str | None = None
    end_repeat: bool = False
    hide_time: bool = False  # the meter is not printed (the generator's time_signature_probability)


def draw_distractors(rng: np.random.Generator, staff: Staff, measures: tuple[int, ...], rates: DistractorRates,
                     hide_time: bool) -> Distractors:
    """The marks of one staff, drawn from `rng` alone in a fixed order (`measures`: each event's measure)."""
    timed = [i for i, event in enumerate(staff.notes) if isinstance(event, Note) and event.grace is None]
    accent = rng.random(len(timed)) < rates.accent
    tenuto = rng.random(len(timed)) < rates.tenuto
    fingered = rng.random(len(timed)) < rates.fingering
    fingers = rng.integers(1, 6, len(timed))
    hairpins = []
    for measure in range(max(measures) + 1):
        members = [i for i in timed if measures[i] == measure]
        wanted = rng.random() < rates.hairpin
        kind = HAIRPINS[int(rng.integers(len(HAIRPINS)))]
        if wanted and len(members) >= 2:
            hairpins.append((members[0], members[-1], kind))
    sung = rng.random() < rates.lyrics
    syllables = rng.integers(len(SYLLABLES), size=len(timed))
    worded = rng.random() < rates.text
    word = WORDS[int(rng.integers(len(WORDS)))]
    # A staccato or fermata the generator drew keeps its note: no second articulation above it.
    free = [staff.notes[i].articulation is None for i in timed]
    return Distractors(
        accents=tuple(i for i, a, f in zip(timed, accent, free) if a and f),
        tenutos=tuple(i for i, a, t, f in zip(timed, accent, tenuto, free) if t and not a and f),
        fingerings=tuple((i, int(n)) for i, f, n in zip(timed, fingered, fingers) if f),
        hairpins=tuple(hairpins),
        lyrics=tuple((i, SYLLABLES[int(s)]) for i, s in zip(timed, syllables)) if sung else (),
        text=word if worded else None,
        end_repeat=bool(rng.random() < rates.end_repeat),
        hide_time=hide_time,
    )


def distracted_musicxml(window: MeasureWindow, staff: Staff, marks: Distractors) -> str:
    """MusicXML of the generated staff's window (omr.engrave.real_score.window_part) with the generator's printed
    accidentals and marks and `marks` added."""
    from music21 import stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    part = window_part(window)
    written = list(part.recurse().notesAndRests)
    if len(written) != len(staff.notes):
        raise ValueError(f"the window's part holds {len(written)} notes and rests, the staff {len(staff.notes)}")
    _print_signs(written, printed_signs(staff))
    _staff_marks(part, written, staff)
    _added_marks(part, written, marks)
    exporter = GeneralObjectExporter(stream.Score([part]))
    exporter.makeNotation = False  # as measure_window_musicxml: the measures are the window's, whole
    return exporter.parse().decode("utf-8")


def _print_signs(written: list, signs: tuple[str | None, ...]) -> None:
    """The generator's sign (or none) before each note, where music21's makeAccidentals chose its own."""
    from music21 import pitch

    notes = [element for element in written if element.isNote]
    for element, sign in zip(notes, signs, strict=True):
        accidental = element.pitch.accidental
        if sign is None:
            if accidental is not None:
                accidental.displayStatus = False
            continue
        if accidental is None:  # a natural printed on an unaltered note (a courtesy or cancelling one)
            accidental = pitch.Accidental("natural")
            element.pitch.accidental = accidental
        accidental.displayType = "always"
        accidental.displayStatus = True


def _staff_marks(part, written: list, staff: Staff) -> None:
    """The marks the generator drew on the staff: staccato, fermatas, slurs, dynamics, measure number, final bar."""
    from music21 import articulations, bar, dynamics, expressions, spanner

    for element, event in zip(written, staff.notes):
        if event.articulation == "staccato":
            element.articulations.append(articulations.Staccato())
        elif event.articulation == "fermata":
            element.expressions.append(expressions.Fermata())
    for first, last in staff.slurs:
        part.insert(0, spanner.Slur(written[first], written[last]))
    for index, mark in staff.dynamics:
        element = written[index]
        element.activeSite.insert(element.offset, dynamics.Dynamic(mark))
    measures = list(part.getElementsByClass("Measure"))
    if staff.measure_number is not None:  # verovio numbers a system's first measure when it is not the first
        for offset, measure in enumerate(measures):
            measure.number = staff.measure_number + offset
    if staff.final_barline:
        measures[-1].rightBarline = bar.Barline("final")


def _added_marks(part, written: list, marks: Distractors) -> None:
    from music21 import articulations, bar, dynamics, expressions, meter

    for index in marks.accents:
        written[index].articulations.append(articulations.Accent())
    for index in marks.tenutos:
        written[index].articulations.append(articulations.Tenuto())
    for index, finger in marks.fingerings:
        written[index].articulations.append(articulations.Fingering(finger))
    for first, last, kind in marks.hairpins:
        wedge = dynamics.Crescendo if kind == "crescendo" else dynamics.Diminuendo
        part.insert(0, wedge(written[first], written[last]))
    for index, syllable in marks.lyrics:
        written[index].lyric = syllable
    measures = list(part.getElementsByClass("Measure"))
    if marks.text is not None:
        words = expressions.TextExpression(marks.text)
        words.placement = "above"
        measures[0].insert(0, words)
    if marks.end_repeat:
        measures[-1].rightBarline = bar.Repeat(direction="end")
    if marks.hide_time:
        opening = measures[0].getElementsByClass(meter.TimeSignature).first()
        opening.style.hideObjectOnPrint = True


def mark_kinds(staff: Staff, marks: Distractors) -> tuple[str, ...]:
    """The kinds of distractor one staff carries (its label's `marks`, meta.json's counts)."""
    articulations = {event.articulation for event in staff.notes}
    found = {
        "staccato": "staccato" in articulations, "fermata": "fermata" in articulations, "slur": bool(staff.slurs),
        "dynamics": bool(staff.dynamics), "measure_number": staff.measure_number is not None,
        "final_barline": staff.final_barline and not marks.end_repeat, "accent": bool(marks.accents),
        "tenuto": bool(marks.tenutos), "fingering": bool(marks.fingerings), "hairpin": bool(marks.hairpins),
        "lyrics": bool(marks.lyrics), "text": marks.text is not None, "end_repeat": marks.end_repeat,
        "hidden_time": marks.hide_time,
    }
    return tuple(kind for kind, present in found.items() if present)
