"""Folk tunes from the corpus bundled inside music21, and seeded melody windows cut from them.

Only music21 reads the ABC files (verovio never sees ABC: some tunes abort it). A window is a run of consecutive notes
of one tune, rests skipped, rewritten to quarter/half notes so that its content matches what our models learned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from omr.music.events import staff_position

ABC_TUNE_NUMBER = re.compile(r"^X:\s*(\d+)", re.MULTILINE)
# An ABC meter field, on its own line (`M:C|`) or inline (`[M:6/8]`), and the symbols music21's reader drops.
ABC_METER = re.compile(r"(?:^|\[)M:\s*([^\]\n%]*)", re.MULTILINE)
ABC_METER_SYMBOLS = {"C": ("4/4", "common"), "C|": ("2/2", "cut")}
BEATS_PER_BAR = 4  # windows are re-barred in 4/4 after their durations are rewritten


class WindowRejected(Exception):
    """A tune or window that cannot become a sample; `reason` is the key counted in meta.json."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


@dataclass(frozen=True)
class TuneRef:
    """One tune of the corpus: an ABC file (relative to music21's corpus folder) and its `X:` number."""

    path: str
    number: int

    @property
    def name(self) -> str:
        return f"{self.path}#{self.number}"


@dataclass(frozen=True)
class SourceNote:
    """A note of a window as the source spells it (pitch with alteration) and its rewritten duration."""

    step: str
    octave: int
    alter: int
    duration: str


@dataclass(frozen=True)
class Window:
    """Consecutive notes of one tune, with the key signature in force where the window starts."""

    tune: TuneRef
    title: str
    notes: tuple[SourceNote, ...]
    sharps: int  # key signature: > 0 sharps, < 0 flats


def corpus_root() -> Path:
    import music21.corpus

    return Path(music21.corpus.__file__).parent


def list_tunes(collections: tuple[str, ...]) -> list[TuneRef]:
    """Every ABC tune of the named corpus folders, in a fixed order; duplicated X: numbers in a file are skipped."""
    root = corpus_root()
    tunes = []
    for collection in collections:
        folder = root / collection
        if not folder.is_dir():
            raise ValueError(f"music21 corpus has no collection {collection!r} (looked in {folder})")
        for path in sorted(folder.glob("*.abc")):
            numbers = [int(n) for n in ABC_TUNE_NUMBER.findall(path.read_text(encoding="utf-8", errors="replace"))]
            unique = [n for n in dict.fromkeys(numbers) if numbers.count(n) == 1]
            relative = path.relative_to(root).as_posix()
            tunes.extend(TuneRef(relative, n) for n in unique)
    return tunes


def parse_tune(tune: TuneRef):
    """The tune as a music21 Score (parsed from source, bypassing music21's pickle cache)."""
    from music21 import converter

    path = corpus_root() / tune.path
    try:
        score = converter.parse(str(path), number=tune.number, forceSource=True)
    except Exception as error:  # music21 raises many kinds on odd ABC; any of them just skips the tune
        raise WindowRejected("parse_error", f"{tune.name}: {error}") from error
    with_meter_symbols(score, tune_text(path.read_text(encoding="utf-8", errors="replace"), tune.number))
    return score


def tune_text(text: str, number: int) -> str:
    """The ABC of tune `X:number` in a file's text (from its X: line to the next one)."""
    starts = [(int(found.group(1)), found.start()) for found in ABC_TUNE_NUMBER.finditer(text)]
    for (found, start), (_, end) in zip(starts, starts[1:] + [(0, len(text))]):
        if found == number:
            return text[start:end]
    return ""


def with_meter_symbols(score, abc: str) -> None:
    """Give the score's time signatures the common-time (C) and cut-time (C|) symbols the ABC writes: music21's ABC
    reader keeps only their ratio. The ABC's meter fields and the score's signatures are matched in order; where
    their counts differ, a symbol is set only if every field of the tune writes it."""
    from music21 import meter

    fields = [value.strip() for value in ABC_METER.findall(abc)]
    signatures = list(score.recurse().getElementsByClass(meter.TimeSignature))
    if len(fields) != len(signatures):
        fields = [fields[0]] * len(signatures) if fields and len(set(fields)) == 1 else []
    for field, signature in zip(fields, signatures):
        ratio, symbol = ABC_METER_SYMBOLS.get(field, (None, None))
        if signature.ratioString == ratio:
            signature.symbol = symbol


def cut_window(
    score,
    tune: TuneRef,
    rng: np.random.Generator,
    note_count: tuple[int, int],
    half_probability: float,
    positions: tuple[int, int],
) -> Window:
    """A seeded window of `note_count` notes from a one-part, treble-clef tune; raises WindowRejected otherwise."""
    from music21 import key

    part = single_treble_part(score)
    # Rests are dropped; everything else (notes, chords, grace notes) stays so that a window containing one is refused.
    events = [e for e in part.flatten().notesAndRests if not e.isRest]
    wanted = int(rng.integers(note_count[0], note_count[1] + 1))
    if len(events) < wanted:
        raise WindowRejected("too_short")
    start = int(rng.integers(0, len(events) - wanted + 1))
    chosen = events[start : start + wanted]
    durations = rewritten_durations(rng.random(wanted) < half_probability)
    notes = tuple(_source_note(event, duration, positions) for event, duration in zip(chosen, durations))
    signature = chosen[0].getContextByClass(key.KeySignature)
    title = score.metadata.title if score.metadata is not None and score.metadata.title else ""
    return Window(tune=tune, title=title, notes=notes, sharps=signature.sharps if signature is not None else 0)


def single_treble_part(score):
    """The score's one part (or the score itself where it has none); WindowRejected where there are several or any
    clef is not treble."""
    from music21 import clef

    parts = list(score.parts) if hasattr(score, "parts") and len(score.parts) else [score]
    if len(parts) != 1:
        raise WindowRejected("several_parts")
    part = parts[0]
    if any(not isinstance(c, clef.TrebleClef) for c in part.recurse().getElementsByClass(clef.Clef)):
        raise WindowRejected("not_treble")
    return part


def rewritten_durations(wants_half: np.ndarray) -> list[str]:
    """Quarter/half per note; a half that would cross a 4/4 barline becomes a quarter, so no tie is ever needed."""
    durations, beat = [], 0
    for half in wants_half:
        duration = "half" if half and beat % BEATS_PER_BAR <= BEATS_PER_BAR - 2 else "quarter"
        durations.append(duration)
        beat += 2 if duration == "half" else 1
    return durations


def _source_note(event, duration: str, positions: tuple[int, int]) -> SourceNote:
    if event.isChord:
        raise WindowRejected("chord")
    if event.duration.isGrace:
        raise WindowRejected("grace_note")
    if event.duration.tuplets:
        raise WindowRejected("tuplet")
    pitch = event.pitch
    alter = int(pitch.alter) if pitch.accidental is not None else 0
    if alter != pitch.alter or alter not in (-1, 0, 1):
        raise WindowRejected("double_or_microtonal_accidental")
    position = staff_position(pitch.step, pitch.octave)
    if not positions[0] <= position <= positions[1]:
        raise WindowRejected("out_of_range", pitch.nameWithOctave)
    return SourceNote(step=pitch.step, octave=int(pitch.octave), alter=alter, duration=duration)
