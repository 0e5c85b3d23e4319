"""Verovio's engraving of a MusicXML window, read back from its SVG: staff lines, noteheads, accidentals, clef, bars.

Coordinates here are the SVG's own pixels (verovio's internal units, 10 per MEI unit, times the page scale);
omr.engrave.sample turns them into image pixels.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass

SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# SMuFL code points of the glyphs we label (the SVG refers to glyphs as "#E0A4-<id>").
NOTEHEAD_GLYPHS = {"E0A4": "notehead_filled", "E0A3": "notehead_hollow"}
ACCIDENTAL_GLYPHS = {"E262": "sharp", "E260": "flat", "E261": "natural"}
FONTS = ("Leipzig", "Bravura", "Gootville", "Petaluma", "Leland")
# An SVG transform's translation (x, y), and a straight path's two ends (x0 y0 x1 y1); svg_events reads them too.
TRANSLATE = re.compile(r"translate\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)")
LINE_PATH = re.compile(r"M\s*([-\d.]+)\s+([-\d.]+)\s*L\s*([-\d.]+)\s+([-\d.]+)")

Rect = tuple[float, float, float, float]


@dataclass(frozen=True)
class EngravedNote:
    """One note of the SVG: notehead glyph class, its centre and box, and the printed accidental (if any)."""

    notehead: str  # a NOTEHEAD_GLYPHS value, or the raw code point of an unexpected glyph
    centre: tuple[float, float]
    box: Rect
    accidental: str | None  # an ACCIDENTAL_GLYPHS value, a raw code point, or None where nothing is printed
    accidental_box: Rect | None


@dataclass(frozen=True)
class Engraving:
    """What verovio drew, in SVG pixels; `staff_lines` top first."""

    width: float
    height: float
    staff_lines: tuple[float, ...]
    staff_x: tuple[float, float]
    notes: tuple[EngravedNote, ...]
    clefs: tuple[Rect, ...]
    barlines: tuple[Rect, ...]


def make_toolkit():
    """A verovio toolkit with logging off (its warnings would flood the stage's output)."""
    import verovio

    verovio.enableLog(verovio.LOG_OFF)
    return verovio.toolkit()


def engrave_svg(toolkit, musicxml: str, font: str, staff_line_width: float, margin_left: int = 0) -> str:
    """Verovio's SVG of a one-staff MusicXML document on one long system, with bounding boxes; `margin_left`
    (verovio units) keeps what verovio draws left of the staff (a measure number centred on its start) on the page."""
    if font not in FONTS:
        raise ValueError(f"verovio font must be one of {list(FONTS)}, got {font!r}")
    toolkit.resetOptions()
    toolkit.setOptions(
        {
            "font": font,
            "breaks": "none",
            "svgBoundingBoxes": True,
            "header": "none",
            "footer": "none",
            "scale": 100,
            "adjustPageWidth": True,
            "adjustPageHeight": True,
            "pageMarginLeft": margin_left,
            "pageMarginRight": 0,
            "pageMarginTop": 0,
            "pageMarginBottom": 0,
            "staffLineWidth": staff_line_width,
        }
    )
    toolkit.resetXmlIdSeed(0)  # ids in the SVG become reproducible
    if not toolkit.loadData(musicxml):
        raise ValueError("verovio could not load the MusicXML")
    return toolkit.renderToSVG(1)


def read_engraving(svg: str) -> Engraving:
    """Parse verovio's SVG (rendered with svgBoundingBoxes) into staff lines and labelled glyph boxes."""
    root = ElementTree.fromstring(svg)
    inner = root.find(f"{SVG}svg")
    view_box = [float(v) for v in inner.get("viewBox").split()]
    width, height = svg_pixels(root.get("width")), svg_pixels(root.get("height"))
    scale = width / view_box[2]
    margin = next(g for g in inner.iter(f"{SVG}g") if has_class(g, "page-margin"))
    dx, dy = (float(v) for v in TRANSLATE.search(margin.get("transform")).groups())

    def point(x: float, y: float) -> tuple[float, float]:
        return (x + dx) * scale, (y + dy) * scale

    def rect(element) -> Rect:
        x, y = point(float(element.get("x")), float(element.get("y")))
        return x, y, x + float(element.get("width")) * scale, y + float(element.get("height")) * scale

    lines: dict[float, list[float]] = {}
    notes, clefs, barlines = [], [], []
    for group in margin.iter(f"{SVG}g"):
        if has_class(group, "bounding-box"):
            continue
        if has_class(group, "staff"):
            for path in group.findall(f"{SVG}path"):
                x0, y0, x1, y1 = (float(v) for v in LINE_PATH.search(path.get("d")).groups())
                if y0 == y1:
                    lines.setdefault(point(0, y0)[1], []).extend([point(x0, 0)[0], point(x1, 0)[0]])
        elif has_class(group, "note"):
            notes.append(_engraved_note(group, point, rect))
        elif has_class(group, "clef") and group.get("visibility") != "hidden":
            clefs.append(rect(bounding_rect(group)))
        elif has_class(group, "barLine"):
            barlines.append(rect(bounding_rect(group)))
    if len(lines) != 5:
        raise ValueError(f"expected one staff of five lines in verovio's SVG, found {len(lines)} lines")
    xs = [x for spans in lines.values() for x in spans]
    return Engraving(
        width=width,
        height=height,
        staff_lines=tuple(sorted(lines)),
        staff_x=(min(xs), max(xs)),
        notes=tuple(notes),
        clefs=tuple(clefs),
        barlines=tuple(barlines),
    )


def _engraved_note(group, point, rect) -> EngravedNote:
    head = next(g for g in group.iter(f"{SVG}g") if has_class(g, "notehead")).find(f"{SVG}use")
    box = rect(bounding_rect(group))
    # A notehead glyph's origin is its left edge on the staff position's line: y is exact, x is the box's middle.
    centre = ((box[0] + box[2]) / 2, point(*(float(v) for v in TRANSLATE.search(head.get("transform")).groups()))[1])
    accidental, accidental_box = None, None
    for accid in (g for g in group.iter(f"{SVG}g") if has_class(g, "accid")):
        glyph = accid.find(f"{SVG}use")
        if glyph is not None:  # an accid without a glyph is gestural only (implied by the key signature)
            code = glyph_code(glyph)
            accidental, accidental_box = ACCIDENTAL_GLYPHS.get(code, code), rect(bounding_rect(accid))
    code = glyph_code(head)
    # The note's own bounding box is its notehead's: quarter/half notes carry no dots and the stem has its own group.
    return EngravedNote(
        notehead=NOTEHEAD_GLYPHS.get(code, code),
        centre=centre,
        box=box,
        accidental=accidental,
        accidental_box=accidental_box,
    )


def bounding_rect(group):
    """The <rect> of a group's bounding-box child (verovio writes one per element when asked)."""
    box = next(g for g in group if has_class(g, "bounding-box"))
    return box.find(f"{SVG}rect")


def glyph_code(use) -> str:
    """The SMuFL code point a <use> draws (its href is "#<code>-<id>")."""
    return use.get(XLINK_HREF).lstrip("#").split("-")[0]


def has_class(element, name: str) -> bool:
    """Whether the SVG element's class attribute lists `name`."""
    return name in (element.get("class") or "").split()


def svg_pixels(value: str) -> float:
    """An SVG length such as "2100px" as a number."""
    return float(value.removesuffix("px"))
