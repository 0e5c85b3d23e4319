"""One engraved_real sample: a measure window engraved by verovio, rasterised at our staff space, labelled from the
SVG and verified against the source and against verovio's own attributes (omr.engrave.real_verify)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

import numpy as np

from omr.engrave.corpus import WindowRejected
from omr.engrave.window import MeasureWindow
from omr.engrave.real_score import measure_window_musicxml
from omr.engrave.real_signatures import verified_signatures
from omr.engrave.real_verify import (GRACE_SCALE, check_alters_readable, check_note, check_rest, check_round_trip,
                                     check_ties, check_tuplets, paired_events, written_pitch)
from omr.engrave.sample import check_frame, check_inside, rasterise_svg, staff_frame
from omr.engrave.svg_events import read_svg_staff
from omr.engrave.svg_staff import ACCIDENTAL_GLYPHS, FLAG_COUNT, NOTEHEAD_GLYPHS, REST_GLYPHS, SvgStaff
from omr.engrave.verovio_svg import Rect, engrave_svg
from omr.music.events import Event, StaffHeader, SymbolicNote, SymbolicRest
from omr.samples import ACCIDENTAL_ALTER, Box

# engraved_real speaks our renderer's box vocabulary, so a model trained on our renderer is scored on boxes of the
# same names: the treble clef is `clef`, a key signature's signs are `sharp`/`flat` boxes as a note's own are (the
# decoders tell them apart by where they stand), dots are `augmentation_dot`. meta.json lists NOTATION_BOX_CLASSES
# whole, in its order, so class indices are the renderer's too.
CLEF_BOX_CLASSES = {"E050": "clef", "E062": "clef_bass", "E07A": "clef", "E07C": "clef_bass"}  # changes: smaller
ACCIDENTAL_BOX_CLASSES = {code: name for code, name in ACCIDENTAL_GLYPHS.items() if name in ACCIDENTAL_ALTER}


@dataclass(frozen=True)
class RealStyle:
    """How a window is framed: staff space and image height in pixels, margins, verovio's staff line width."""

    staff_space: float = 8.0
    height: int = 128
    margin: int = 16  # white pixels left of the staff's start and right of its end
    staff_line_width: float = 0.15  # MEI units (half staff spaces); verovio's default

    def __post_init__(self) -> None:
        check_frame(self, least_spaces=12, holds="the staff with two ledger lines and stems")


@dataclass(frozen=True)
class RealSample:
    """A rasterised window and its verified labels, in image pixels."""

    image: np.ndarray  # HxW uint8, 255 = white
    events: tuple[Event, ...]
    boxes: tuple[Box, ...]
    staff_lines: tuple[float, ...]
    staff_space: float
    header: StaffHeader


def engrave_measure_window(toolkit, window: MeasureWindow, font: str, style: RealStyle) -> RealSample:
    """Engrave, rasterise, label and verify one window; raises WindowRejected when any check fails."""
    svg = engrave_svg(toolkit, measure_window_musicxml(window), font, style.staff_line_width)
    return labelled_window(toolkit, svg, window, font, style)


def labelled_window(toolkit, svg: str, window: MeasureWindow, font: str, style: RealStyle, shows_time: bool = True,
                    text: bool = False) -> RealSample:
    """Rasterise, label and verify verovio's SVG of `window` (the toolkit still holding its document); raises
    WindowRejected when any check fails. `shows_time`: False where the MusicXML hides the opening time signature
    (the label's time is then null); `text`: the SVG's text (words, lyrics, numbers) is drawn too (pass an SVG
    without the boxes inside its text, omr.engrave.page.without_text_boxes)."""
    staff = read_svg_staff(svg, font)
    frame = staff_frame(staff.staff_lines, staff.staff_x, style)
    to_image = frame.to_image

    events, printed, pairs = verified_staff_events(toolkit, staff, window, to_image)
    check_alters_readable(window, printed)
    check_ties(toolkit, staff, pairs)
    changes = image_changes(verified_signatures(toolkit, staff, window, shows_time), to_image)
    check_round_trip(events, window)
    image = rasterise_svg(svg, frame.zoom, frame.left, frame.top, frame.width, frame.height, text=text)
    boxes = staff_boxes(staff, to_image)
    check_inside(boxes, image.shape)
    staff_lines = tuple(to_image(0, y)[1] for y in staff.staff_lines)
    return RealSample(image=image, events=tuple(events), boxes=boxes, staff_lines=staff_lines,
                      staff_space=style.staff_space,
                      header=replace(window.header, time=window.header.time if shows_time else None,
                                     barlines=barline_xs(staff, to_image), changes=changes))


def image_changes(changes, to_image: Callable) -> tuple:
    """Header changes moved from SVG pixels to the image's."""
    return tuple(replace(change, x=to_image(change.x, 0)[0]) for change in changes)


def verified_staff_events(toolkit, staff: SvgStaff, window: MeasureWindow,
                          to_image: Callable) -> tuple[list[Event], list[str | None], list]:
    """The staff's events (image pixels) paired with the window's, each verified against the source and verovio;
    also the printed accidental of each note (for the alter check) and the pairs (for the tie check)."""
    pairs = paired_events(staff, window)
    tuplets = check_tuplets(toolkit, staff, pairs)
    # Timed noteheads share one size; a grace note's is smaller (check_note compares).
    timed_scale = max((drawn.head_scale for drawn, source in pairs if source.kind == "note" and not source.grace),
                      default=0.0)
    events, printed = [], []
    for (drawn, source), tuplet in zip(pairs, tuplets):
        x, y = to_image(*drawn.centre)
        if source.kind == "rest":
            check_rest(toolkit, drawn, source)
            events.append(SymbolicRest(duration=source.duration, dots=source.dots, x=x, y=y, tuplet=tuplet,
                                       measure=source.fills_measure))
            continue
        written = written_pitch(drawn, staff.staff_lines, window.in_force(source.measure).clef)
        accidental = check_note(toolkit, drawn, source, written, timed_scale)
        printed.append(accidental)
        # CONTRACT: step/octave as written for the clef, `alter` sounding (the source's), the glyph printed.
        events.append(SymbolicNote(step=written[0], octave=written[1], alter=source.alter, duration=source.duration,
                                   x=x, y=y, accidental=accidental, dots=source.dots, tie=source.tie,
                                   tuplet=tuplet, grace=source.grace))
    return events, printed, pairs


def barline_xs(staff: SvgStaff, to_image: Callable) -> tuple[float, ...]:
    return tuple(sorted(to_image((b[0] + b[2]) / 2, 0)[0] for b in staff.barlines))


def staff_boxes(staff: SvgStaff, to_image: Callable) -> tuple[Box, ...]:
    def box(label: str, rect: Rect) -> Box:
        (x0, y0), (x1, y1) = to_image(rect[0], rect[1]), to_image(rect[2], rect[3])
        return Box(label, (x0, y0, x1, y1))

    (sx0, top), (sx1, bottom) = to_image(staff.staff_x[0], staff.staff_lines[0]), to_image(staff.staff_x[1],
                                                                                             staff.staff_lines[-1])
    boxes = [Box("staff", (sx0, top, sx1, bottom))]
    boxes += [box(CLEF_BOX_CLASSES[code], rect) for code, rect in staff.clefs]  # verified_signatures knows the code
    boxes += [box(_accidental_class(code), rect) for code, rect in staff.key_signature]
    boxes += [box("time_signature", rect) for _, rect in staff.time_signatures]
    # Verovio's grace heads are its timed heads drawn smaller; verified_staff_events has checked which are grace.
    timed_scale = max((event.head_scale for event in staff.events if event.kind == "note"), default=0.0)
    for event in staff.events:
        if event.kind == "note":
            if event.accidental is not None:
                boxes.append(box(_accidental_class(event.accidental), event.accidental_box))
            grace = event.head_scale < GRACE_SCALE * timed_scale
            boxes.append(box("notehead_grace" if grace else NOTEHEAD_GLYPHS[event.glyph], event.box))
            # One box per flag, as our renderer boxes them: verovio draws a 16th's or 32nd's flags as one glyph,
            # whose box alone does not tell an eighth from a 16th (Bravura's are one size), so it is cut in slices.
            boxes += [box("flag", part) for code, rect in event.flags for part in _flag_slices(rect, FLAG_COUNT[code])]
        else:
            boxes.append(box(f"rest_{REST_GLYPHS[event.glyph]}", event.box))
        boxes += [box("augmentation_dot", rect) for rect in event.dots]
    boxes += [box("tuplet", tuplet.number_box) for tuplet in staff.tuplets]  # the number only (samples.py)
    boxes += [box("beam", rect) for rect in staff.beams]
    boxes += [box("tie", rect) for _, rect in staff.ties]
    boxes += [box("barline", rect) for rect in staff.barlines]
    return tuple(boxes)


def _flag_slices(rect: Rect, count: int) -> list[Rect]:
    """A glyph of `count` flags as `count` boxes, stacked along the stem (check_note has verified the count)."""
    x0, y0, x1, y1 = rect
    step = (y1 - y0) / count
    return [(x0, y0 + k * step, x1, y0 + (k + 1) * step) for k in range(count)]


def _accidental_class(code: str) -> str:
    """The box class of an accidental glyph; double sharps and flats have none (the selection refuses them)."""
    if code not in ACCIDENTAL_BOX_CLASSES:
        raise WindowRejected("unexpected_accidental", f"glyph {code} has no box class")
    return ACCIDENTAL_BOX_CLASSES[code]
