"""Test helpers (imported by the page tests): pages as a user's would look (our renderer's staves stacked on white
paper) and a reader that knows their truth.

A model accurate enough for "events equal the truth" cannot be trained inside a test, so the page tests run with a
sequence Predictor (anything with `approach` and `predict_batch`) whose CTC output spells each staff's true tokens:
what is printed, head positions under the clef drawn, so clef, key, accidentals, rhythm, ties and barlines all go
through the real decoder, the page's preamble carrying and the writers.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from omr.decode.tokens import BARLINE, event_tokens
from omr.music.events import SymbolicNote as N, SymbolicRest as R, staff_position
from omr.decode.outputs import SequenceOutput
from omr.render import RenderedSample, render_staff, staff_from_notes

PAGE_MARGIN = 24  # px of paper left of and above the first staff


@dataclass(frozen=True)
class PageStaffSpec:
    """One staff of a test page: its events and preamble, and what it prints of it."""

    events: tuple
    clef: str = "treble"
    key_fifths: int = 0
    time: str | None = None
    prints_time: bool = True


@dataclass(frozen=True)
class RenderedPage:
    image: np.ndarray
    specs: tuple[PageStaffSpec, ...]
    staves: tuple[RenderedSample, ...]

    def truth(self):
        """Every staff's events as rendered (x/y aside), in reading order."""
        return [tuple(placeless(e) for e in staff.events) for staff in self.staves]


def placeless(event):
    return dataclasses.replace(event, x=0.0, y=0.0)


def render_spec(spec: PageStaffSpec) -> RenderedSample:
    staff = staff_from_notes(spec.events, clef=True, clef_sign=spec.clef, key_fifths=spec.key_fifths, time=spec.time)
    if not spec.prints_time:
        staff = dataclasses.replace(staff, time_signature=None)  # barlines kept: a later system of the piece
    return render_staff(staff)


def render_page(specs) -> RenderedPage:
    """The staves rendered one by one and stacked top to bottom on white paper, left-aligned."""
    staves = tuple(render_spec(spec) for spec in specs)
    width = max(s.width for s in staves) + 2 * PAGE_MARGIN
    height = sum(s.height for s in staves) + 2 * PAGE_MARGIN
    page = np.full((height, width), 255, dtype=np.uint8)
    y = PAGE_MARGIN
    for staff in staves:
        page[y : y + staff.height, PAGE_MARGIN : PAGE_MARGIN + staff.width] = staff.image
        y += staff.height
    return RenderedPage(page, tuple(specs), staves)


class TruthReader:
    """A sequence Predictor answering, for the i-th staff image of a batch, the i-th staff's true tokens (one CTC
    frame each, at its x; blanks between). `missed`: staff index -> preamble tokens it fails to read."""

    approach = "sequence"

    def __init__(self, page: RenderedPage, missed: dict[int, tuple[str, ...]] | None = None):
        self.page, self.missed, self.batches = page, missed or {}, []

    def predict_batch(self, images):
        self.batches.append(len(images))
        assert len(images) == len(self.page.staves), "every staff of the page in one batch"
        return [self._output(index) for index in range(len(images))]

    def _output(self, index: int) -> SequenceOutput:
        spec, staff = self.page.specs[index], self.page.staves[index]
        missed = self.missed.get(index, ())
        tokens = [(0.0, token) for token, what, shown in (
            (f"clef:{spec.clef}", "clef", True), (f"key:{spec.key_fifths}", "key", spec.key_fifths != 0),
            (f"time:{spec.time}", "time", spec.prints_time and spec.time is not None)) if shown and what not in missed]
        items = sorted([(e.x, 0, i) for i, e in enumerate(staff.events)] + [(x, 1, -1) for x in staff.header.barlines])
        for x, is_barline, i in items:
            if is_barline:
                tokens.append((x, BARLINE))
                continue
            event = staff.events[i]
            # Positions as drawn: under the clef printed, whether or not the reader saw it.
            position = staff_position(event.step, event.octave, spec.clef) if event.kind == "note" else None
            tokens += [(x, t) for t in _tokens_at(event, position)]
        vocabulary = tuple(sorted({t for _, t in tokens}))
        frames, frame = [], -2
        for x, token in tokens:
            frame = max(frame + 2, int(x))  # a blank between any two tokens: CTC keeps repeats apart
            frames.append((frame, vocabulary.index(token) + 1))
        log_probs = np.full((frame + 2, len(vocabulary) + 1), -30.0, dtype=np.float32)
        log_probs[:, 0] = 0.0
        for f, column in frames:
            log_probs[f, 0], log_probs[f, column] = -30.0, 0.0
        return SequenceOutput(log_probs=log_probs, vocabulary=vocabulary, frame_stride=1.0)


def _tokens_at(event, position):
    if event.kind == "rest":
        return event_tokens(event, None)
    treble = event_tokens(event, "treble")  # then the head token's position is replaced by the drawn one
    head = next(t for t in treble if t.startswith("n"))
    return [f"n{position}:{head.split(':', 1)[1]}" if t == head else t for t in treble]


# Three systems of one melody: treble, D major, 3/4 with beams, dots, rests, a tie, accidentals; then a clef change
# to bass, and a third staff in bass (clef and key repeated on each system, as engravers do; the time signature not).
THREE_STAVES = (
    PageStaffSpec((N("D", 5, 0, "eighth"), N("E", 5, 0, "eighth"), N("F", 5, 1, "quarter"), R("quarter"),
                   N("A", 4, 0, "quarter", dots=1), N("G", 4, 1, "eighth", accidental="sharp"), N("A", 4, 0, "quarter"),
                   N("B", 4, 0, "half", tie="start"), N("B", 4, 0, "quarter", tie="stop")),
                  "treble", 2, "3/4"),
    PageStaffSpec((N("D", 3, 0, "quarter"), N("F", 3, 1, "eighth"), N("A", 3, 0, "eighth"), N("D", 4, 0, "quarter"),
                   R("half"), N("G", 2, 0, "quarter")),
                  "bass", 2, "3/4", prints_time=False),
    PageStaffSpec((N("C", 3, 1, "16th"), N("D", 3, 0, "16th"), N("E", 3, 0, "eighth"), R("eighth"),
                   N("C", 3, 0, "eighth", accidental="natural"), N("F", 3, 1, "quarter"), N("A", 2, 0, "half", dots=1)),
                  "bass", 2, "3/4", prints_time=False),
)

