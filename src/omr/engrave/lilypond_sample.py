"""One engraved_lilypond sample: LilyPond's SVG of a measure window read back, every event verified
(omr.engrave.lilypond_verify, lilypond_signatures), then rasterised by resvg at our staff space, as the verovio sets
are, with its labels in image pixels."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from omr.engrave.lilypond import LilypondInput
from omr.engrave.lilypond_signatures import CHANGE_CLEF_GLYPHS, CLEF_GLYPHS, verified_lilypond_signatures
from omr.engrave.lilypond_svg import GRACE_SIZE, LilypondStaff, Rect, read_lilypond_staff
from omr.engrave.lilypond_verify import (DrawnEvent, PRINTED_ACCIDENTALS, REST_DURATIONS, check_lilypond_note,
                                         check_lilypond_rest, check_lilypond_ties, check_lilypond_tuplets,
                                         drawn_events)
from omr.engrave.real_sample import RealSample
from omr.engrave.real_verify import check_alters_readable, check_round_trip
from omr.engrave.sample import Frame, check_frame, check_inside, rasterise_svg, staff_frame
from omr.engrave.window import MeasureWindow
from omr.music.events import SymbolicNote, SymbolicRest
from omr.samples import Box

NOTEHEAD_BOX_CLASSES = {"noteheads.sM1": "notehead_breve", "noteheads.s0": "notehead_whole",
                        "noteheads.s1": "notehead_hollow", "noteheads.s2": "notehead_filled"}
# The classes this set boxes (a subset of NOTATION_BOX_CLASSES): LilyPond's tuplet number is text whose extent the
# SVG does not give, slurs are distractors no event needs, stems are not boxed by any engraved set.
LILYPOND_BOX_CLASSES = ("staff", "clef", "clef_bass", "sharp", "flat", "natural", "time_signature",
                        "notehead_breve", "notehead_whole", "notehead_hollow", "notehead_filled", "notehead_grace",
                        "rest_whole", "rest_half", "rest_quarter", "rest_eighth", "rest_16th", "rest_32nd",
                        "augmentation_dot", "flag", "beam", "tie", "barline")
_SVG_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="[^"]*"\sheight="[^"]*"\sviewBox="[^"]*"')


@dataclass(frozen=True)
class LilypondStyle:
    """How a window is framed: staff space and image height in pixels, white margin either side of the staff."""

    staff_space: float = 8.0
    height: int = 128
    margin: int = 16

    def __post_init__(self) -> None:
        check_frame(self, least_spaces=12, holds="the staff with two ledger lines and stems")


def lilypond_window_sample(svg: str, ly: LilypondInput, window: MeasureWindow, style: LilypondStyle,
                           atlas: dict) -> RealSample:
    """Read, verify, label and rasterise one window's SVG; raises WindowRejected when any check fails."""
    staff = read_lilypond_staff(svg, atlas)
    drawn = []
    for event, source, line in zip(drawn_events(staff, ly, window), window.events, ly.event_lines):
        if source.kind == "note":
            event = check_lilypond_note(staff, event, source, line, window.in_force(source.measure).clef)
        else:
            check_lilypond_rest(staff, event, source, line)
        drawn.append(event)
    check_lilypond_ties(staff, ly, window)
    check_lilypond_tuplets(staff, ly, window, drawn)
    changes, barlines = verified_lilypond_signatures(staff, ly, window, drawn)
    check_alters_readable(window, [d.accidental for d, s in zip(drawn, window.events) if s.kind == "note"])
    frame = staff_frame(staff.staff_lines, staff.staff_x, style)
    to_image = frame.to_image
    events = [_event(d, source, to_image, staff) for d, source in zip(drawn, window.events)]
    check_round_trip(events, window)
    image = rasterise_svg(framed_svg(svg, frame), 1.0, 0, 0, frame.width, frame.height, text=True)
    boxes = lilypond_boxes(staff, drawn, window, to_image)
    check_inside(boxes, image.shape)
    header = replace(window.header, barlines=tuple(to_image(x, 0)[0] for x in barlines),
                     changes=tuple(replace(change, x=to_image(change.x, 0)[0]) for change in changes))
    return RealSample(image=image, events=tuple(events), boxes=boxes,
                      staff_lines=tuple(to_image(0, y)[1] for y in staff.staff_lines), staff_space=style.staff_space,
                      header=header)


def _event(drawn: DrawnEvent, source, to_image: Callable, staff: LilypondStaff):
    """CONTRACT's event: step/octave as written where the head sits (verified equal to the source), `alter` sounding
    (the source's), the glyph printed as `accidental`, the centre in image pixels."""
    x, y = to_image(*drawn.centre)
    if source.kind == "rest":
        return SymbolicRest(duration=source.duration, dots=source.dots, x=x, y=y, tuplet=source.tuplet,
                            measure=source.fills_measure)
    return SymbolicNote(step=source.step, octave=source.octave, alter=source.alter, duration=source.duration, x=x,
                        y=y, accidental=drawn.accidental, dots=source.dots, tie=source.tie, tuplet=source.tuplet,
                        grace=source.grace)


def framed_svg(svg: str, frame: Frame) -> str:
    """The SVG cut to the frame: its root as large as the image in pixels, its viewBox the frame in SVG units (one
    per staff space), so resvg draws only what the image shows."""
    zoom = frame.zoom
    view = f"{frame.left / zoom:.6f} {frame.top / zoom:.6f} {frame.width / zoom:.6f} {frame.height / zoom:.6f}"
    framed, count = _SVG_SIZE.subn(rf'<svg\1 width="{frame.width}" height="{frame.height}" viewBox="{view}"', svg,
                                   count=1)
    if count != 1:
        raise ValueError("LilyPond's SVG root has no width, height and viewBox")
    return framed


def lilypond_boxes(staff: LilypondStaff, drawn: list[DrawnEvent], window: MeasureWindow,
                   to_image: Callable) -> tuple[Box, ...]:
    """Boxes of LILYPOND_BOX_CLASSES in image pixels: one per glyph, per flag (a glyph of n flags cut in n), per
    beam segment, tie and barline, one per time signature; the grace notes' heads as notehead_grace."""
    def box(label: str, rect: Rect) -> Box:
        (x0, y0), (x1, y1) = to_image(rect[0], rect[1]), to_image(rect[2], rect[3])
        return Box(label, (x0, y0, x1, y1))

    (x0, top), (x1, bottom) = to_image(staff.staff_x[0], staff.staff_lines[0]), to_image(staff.staff_x[1],
                                                                                         staff.staff_lines[-1])
    boxes = [Box("staff", (x0, top, x1, bottom))]
    clef_names = {**CLEF_GLYPHS, **CHANGE_CLEF_GLYPHS}
    boxes += [box("clef" if clef_names[g.name] == "treble" else "clef_bass", g.box)
              for grob in staff.of_kind("Clef") for g in grob.glyphs]
    boxes += [box(PRINTED_ACCIDENTALS[g.name], g.box) for grob in staff.of_kind("KeyCancellation", "KeySignature")
              for g in grob.glyphs]
    boxes += [box("time_signature", grob.box) for grob in staff.of_kind("TimeSignature") if grob.glyphs]
    for event, source in zip(drawn, window.events):
        if source.kind == "note":
            label = "notehead_grace" if event.glyph.size == GRACE_SIZE else NOTEHEAD_BOX_CLASSES[event.glyph.name]
        else:
            label = "rest_" + REST_DURATIONS[event.glyph.name.removeprefix("rests.").removesuffix("o")]
        boxes.append(box(label, event.glyph.box))
    boxes += [box(PRINTED_ACCIDENTALS[g.name], g.box) for grob in staff.of_kind("Accidental", "AccidentalCautionary")
              for g in grob.glyphs]
    boxes += [box("augmentation_dot", g.box) for grob in staff.of_kind("Dots") for g in grob.glyphs]
    for grob in staff.of_kind("Flag"):
        for g in grob.glyphs:
            if "grace" not in g.name:  # the acciaccatura's slash is no flag
                boxes += [box("flag", part) for part in _flag_slices(g.box, int(g.name[-1]) - 2)]
    boxes += [box("beam", rect) for grob in staff.of_kind("Beam") for rect in grob.polygons]
    boxes += [box("tie", rect) for grob in staff.of_kind("Tie") for rect in grob.curves]
    boxes += [box("barline", grob.box) for grob in staff.of_kind("BarLine") if grob.rects]
    return tuple(boxes)


def _flag_slices(rect: Rect, count: int) -> list[Rect]:
    """A glyph of `count` flags as `count` boxes stacked along the stem (the check counted them)."""
    x0, y0, x1, y1 = rect
    step = (y1 - y0) / count
    return [(x0, y0 + k * step, x1, y0 + (k + 1) * step) for k in range(count)]
