"""One engraved_generated sample: a staff of our v03 generator with its distractors, engraved by verovio and
labelled and verified by engraved_real's path (omr.engrave.real_sample.labelled_window); then its events must be
the generator's, field by field (the printed accidentals too), and the distractors verovio drew are boxed under the
renderer's distractor classes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import replace

from omr.engrave.corpus import TuneRef, WindowRejected
from omr.engrave.distractors import Distractors, distracted_musicxml
from omr.engrave.generated import generator_events, staff_window
from omr.engrave.page import VEROVIO_UNITS_PER_SPACE, without_text_boxes
from omr.engrave.real_sample import RealSample, RealStyle, labelled_window
from omr.engrave.sample import staff_frame
from omr.engrave.svg_events import read_svg_staff
from omr.engrave.window import MeasureWindow
from omr.engrave.verovio_svg import SVG, TRANSLATE, Rect, engrave_svg, has_class, svg_pixels
from omr.render.score import Staff
from omr.render.smufl import font_glyph_boxes
from omr.samples import Box

# Verovio centres a measure number on the staff's start, half of it left of the page's edge, where resvg cuts it:
# three staff spaces of page margin keep it whole (the image's frame is set by the staff, not the page).
MARGIN_LEFT = 3 * VEROVIO_UNITS_PER_SPACE
# Verovio's classes of the distractors that the renderer boxes (omr.samples: `slur`, `articulation`, `dynamics`; a
# measure number is boxed as dynamics there too). Hairpins are dynamics marks; fingerings, lyrics and words have no
# class in the vocabulary and stay unboxed ink.
DISTRACTOR_BOX_CLASSES = {"slur": "slur", "fermata": "articulation", "artic": "articulation", "dynam": "dynamics",
                          "hairpin": "dynamics", "mNum": "dynamics"}
GENERATOR_MISMATCH = "generator_mismatch"  # verified events that still differ from the generator's
FONT_LACKS_GLYPH = "font_lacks_glyph"  # no font of the set holds every glyph the staff needs
_USED_GLYPH = re.compile(r'xlink:href="#([0-9A-F]{4})-')  # a <use> of SMuFL code point XXXX (verovio's defs ids)


def engrave_generated(toolkit, staff: Staff, time: str, marks: Distractors, fonts: tuple[str, ...],
                      style: RealStyle, tune: TuneRef) -> tuple[RealSample, str]:
    """Engrave, rasterise, label and verify one generated staff in meter `time` with `marks`, in the first of `fonts`
    that holds every glyph verovio draws for it; the sample and that font. WindowRejected when none does, when any
    check of engraved_real's fails or when the events are not the generator's."""
    window = staff_window(staff, time, tune)
    musicxml = distracted_musicxml(window, staff, marks)
    for font in fonts:
        svg = engrave_svg(toolkit, musicxml, font, style.staff_line_width, margin_left=MARGIN_LEFT)
        # Verovio draws a glyph its font lacks (Gootville's tuplet digits, its clef changes) from Leipzig, a test
        # set's font: such a staff is engraved in the next font instead, so the test sets' glyphs stay unseen.
        missing = set(_USED_GLYPH.findall(svg)) - set(font_glyph_boxes(font))
        if not missing:
            return _labelled(toolkit, svg, window, staff, marks, font, style), font
    raise WindowRejected(FONT_LACKS_GLYPH, f"{sorted(missing)} missing from {list(fonts)}")


def _labelled(toolkit, svg: str, window: MeasureWindow, staff: Staff, marks: Distractors, font: str,
              style: RealStyle) -> RealSample:
    plain = without_text_boxes(svg)
    sample = labelled_window(toolkit, plain, window, font, style, shows_time=not marks.hide_time, text=True)
    labelled = tuple(replace(event, x=0.0, y=0.0) for event in sample.events)
    expected = generator_events(staff)
    if labelled != expected:
        first = next((i for i, pair in enumerate(zip(labelled, expected)) if pair[0] != pair[1]),
                     min(len(labelled), len(expected)))
        raise WindowRejected(GENERATOR_MISMATCH, f"event {first}: labelled {labelled[first:first + 1]}, generator "
                                                 f"{expected[first:first + 1]}")
    boxes = distractor_boxes(svg, plain, font, style, sample.image.shape)
    return replace(sample, boxes=sample.boxes + boxes)


def distractor_boxes(svg: str, plain: str, font: str, style: RealStyle, shape: tuple[int, int]) -> tuple[Box, ...]:
    """Boxes (image pixels, cut to the image; none where nothing is left) of the distractors verovio drew; `plain`
    is the SVG without its text's boxes (its staff gives the frame), `svg` the one with them (a measure number's
    box lies inside its text)."""
    staff = read_svg_staff(plain, font)
    to_image = staff_frame(staff.staff_lines, staff.staff_x, style).to_image
    height, width = shape
    boxes = []
    for label, (x0, y0, x1, y1) in _distractor_rects(svg):
        (x0, y0), (x1, y1) = to_image(x0, y0), to_image(x1, y1)
        x0, y0, x1, y1 = max(x0, 0.0), max(y0, 0.0), min(x1, float(width)), min(y1, float(height))
        if x1 - x0 >= 1 and y1 - y0 >= 1:
            boxes.append(Box(label, (x0, y0, x1, y1)))
    return tuple(boxes)


def _distractor_rects(svg: str) -> list[tuple[str, Rect]]:
    """(box class, SVG-pixel rect) of each distractor group: the union of the bounding-box rects inside it."""
    root = ElementTree.fromstring(svg)
    inner = root.find(f"{SVG}svg")
    scale = svg_pixels(root.get("width")) / float(inner.get("viewBox").split()[2])
    margin = next(g for g in inner.iter(f"{SVG}g") if has_class(g, "page-margin"))
    dx, dy = (float(v) for v in TRANSLATE.search(margin.get("transform")).groups())
    found = []
    for group in margin.iter(f"{SVG}g"):
        name = (group.get("class") or "").split()[:1]
        if not name or name[0] not in DISTRACTOR_BOX_CLASSES or has_class(group, "bounding-box"):
            continue
        rects = [[float(rect.get(k)) for k in ("x", "y", "width", "height")] for rect in group.iter(f"{SVG}rect")]
        rects = [r for r in rects if r[2] > 0 and r[3] > 0]
        if rects:
            x0, y0 = min(r[0] for r in rects), min(r[1] for r in rects)
            x1, y1 = max(r[0] + r[2] for r in rects), max(r[1] + r[3] for r in rects)
            found.append((DISTRACTOR_BOX_CLASSES[name[0]],
                          ((x0 + dx) * scale, (y0 + dy) * scale, (x1 + dx) * scale, (y1 + dy) * scale)))
    return found
