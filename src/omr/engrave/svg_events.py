"""Verovio's SVG of one staff read as events and glyph boxes: notes and rests in order (with their verovio ids, the
tuplet group each stands in, the size of each notehead), and the boxes of noteheads, rests, accidentals, dots, flags,
beams, ties, tuplet numbers, clefs, key and time signatures (at the staff's start and changed later) and barlines.

Coordinates are the SVG's own pixels, as in omr.engrave.verovio_svg. Glyphs that carry no bounding box of their
own in the SVG (key signature accidentals, noteheads inside a note's group) are boxed from the font's glyph
bounding boxes that verovio ships (SMuFL: an em of 1000 font units is four staff spaces, y up).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, replace

from omr.engrave.svg_staff import TUPLET_DIGITS, SvgEvent, SvgSignature, SvgStaff, SvgTuplet
from omr.engrave.verovio_svg import SVG, LINE_PATH, TRANSLATE, Rect, bounding_rect, glyph_code, has_class, svg_pixels
from omr.render.smufl import font_glyph_boxes

_SCALE = re.compile(r"scale\(\s*([-\d.]+)[ ,]+([-\d.]+)\s*\)")
def key_signature_glyphs(svg: str, font: str) -> tuple[tuple[str, Rect], ...]:
    """(SMuFL code point, glyph box) of each key-signature accidental of verovio's SVG, left to right."""
    _, _, margin, frame = _page(svg, font)
    return tuple(_key_accidental(group, frame) for group in margin.iter(f"{SVG}g")
                 if has_class(group, "keyAccid") and not has_class(group, "bounding-box"))


def _page(svg: str, font: str):
    """The SVG's root, its size in pixels, the page-margin group, and the frame mapping its units to pixels."""
    root = ElementTree.fromstring(svg)
    inner = root.find(f"{SVG}svg")
    view_box = [float(v) for v in inner.get("viewBox").split()]
    size = svg_pixels(root.get("width")), svg_pixels(root.get("height"))
    margin = next(g for g in inner.iter(f"{SVG}g") if has_class(g, "page-margin"))
    dx, dy = (float(v) for v in TRANSLATE.search(margin.get("transform")).groups())
    return root, size, margin, _Frame(dx, dy, size[0] / view_box[2], font_glyph_boxes(font))


def _key_accidental(group, frame: _Frame) -> tuple[str, Rect]:
    # Verovio gives a key signature's accidentals no bounding box of their own: box them from the font's glyph.
    use = group.find(f"{SVG}use")
    return glyph_code(use), frame.glyph_box(use)


def read_svg_staff(svg: str, font: str) -> SvgStaff:
    """Parse verovio's SVG of one staff (rendered with svgBoundingBoxes) into events and glyph boxes."""
    _, size, margin, frame = _page(svg, font)
    return _read_staff(margin, size, frame)


def read_svg_systems(svg: str, font: str) -> tuple[SvgStaff, ...]:
    """Parse verovio's SVG of a page of one-staff systems: one SvgStaff per system, top first. Page headers
    (title, composer) lie outside the systems and are not read."""
    _, size, margin, frame = _page(svg, font)
    systems = [group for group in margin.iter(f"{SVG}g")
               if has_class(group, "system") and not has_class(group, "bounding-box")]
    return tuple(_read_staff(system, size, frame) for system in systems)


def read_svg_system_staves(svg: str, font: str) -> tuple[tuple[SvgStaff, ...], ...]:
    """Parse verovio's SVG of a page whose systems hold several staves (a duet): per system (top first), one SvgStaff
    per staff (top first). Verovio draws a staff's clef, key, time and notes inside its <g class="staff"> of each
    measure, but a measure's barline (one path per staff) and ties beside them: each staff takes the barlines cut to
    its own lines and the ties whose box centre lies nearest its lines."""
    _, size, margin, frame = _page(svg, font)
    systems = [group for group in margin.iter(f"{SVG}g")
               if has_class(group, "system") and not has_class(group, "bounding-box")]
    return tuple(_system_staves(system, size, frame) for system in systems)


def _system_staves(system, size: tuple[float, float], frame: "_Frame") -> tuple[SvgStaff, ...]:
    measures = [g for g in system if has_class(g, "measure") and not has_class(g, "bounding-box")]
    per_staff: list[list] = []
    shared = []  # barlines and ties: children of the measure, not of a staff
    for measure in measures:
        staves = [g for g in measure if has_class(g, "staff") and not has_class(g, "bounding-box")]
        per_staff += [[] for _ in range(len(staves) - len(per_staff))]
        for index, staff in enumerate(staves):
            per_staff[index].append(staff)
        shared += [g for g in measure if has_class(g, "barLine") or has_class(g, "tie")]
    read = []
    for groups in per_staff:
        container = ElementTree.Element(f"{SVG}g")
        container.extend(groups + shared)
        read.append(_read_staff(container, size, frame))
    middles = [staff.staff_lines[2] for staff in read]

    def nearest(rect: Rect) -> int:
        centre = (rect[1] + rect[3]) / 2
        return min(range(len(middles)), key=lambda index: abs(middles[index] - centre))

    return tuple(
        replace(staff, barlines=tuple((r[0], staff.staff_lines[0], r[2], staff.staff_lines[-1]) for r in staff.barlines),
                ties=tuple((tie_id, rect) for tie_id, rect in staff.ties if nearest(rect) == index))
        for index, staff in enumerate(read))


def _read_staff(container, size: tuple[float, float], frame: "_Frame") -> SvgStaff:
    found: dict[str, list] = {name: [] for name in
                              ("events", "clefs", "key", "time", "barlines", "beams", "ties", "signatures", "tuplets")}
    lines: dict[float, list[float]] = {}
    parents = {child: parent for parent in container.iter() for child in parent}
    for group in container.iter(f"{SVG}g"):
        if has_class(group, "bounding-box"):
            continue
        classes = (group.get("class") or "").split()
        name = classes[0] if classes else ""
        if name == "staff":
            for path in group.findall(f"{SVG}path"):
                x0, y0, x1, y1 = (float(v) for v in LINE_PATH.search(path.get("d")).groups())
                if y0 == y1:
                    lines.setdefault(frame.point(0, y0)[1], []).extend([frame.point(x0, 0)[0], frame.point(x1, 0)[0]])
        elif name == "note":
            found["events"].append(replace(_note(group, frame), tuplet_id=_tuplet_of(group, parents)))
        elif name in ("rest", "mRest", "chord", "space", "mSpace"):
            found["events"].append(replace(_rest(group, name, frame), tuplet_id=_tuplet_of(group, parents)))
        elif name == "tuplet":
            found["tuplets"].append(_tuplet(group, frame))
        elif name == "clef" and group.get("visibility") != "hidden":
            glyph = (glyph_code(group.find(f"{SVG}use")), frame.rect(bounding_rect(group)))
            found["clefs"].append(glyph)
            found["signatures"].append(SvgSignature("clef", group.get("id"), (glyph,), glyph[1],
                                                    len(found["events"])))
        elif name == "keySig":
            glyphs = tuple(_key_accidental(accid, frame) for accid in _children(group, "keyAccid"))
            found["key"].extend(glyphs)
            found["signatures"].append(SvgSignature("key", group.get("id"), glyphs, _union(r for _, r in glyphs),
                                                    len(found["events"])))
        elif name == "meterSig" and group.get("visibility") != "hidden":  # <time print-object="no">: not drawn
            box = frame.rect(bounding_rect(group))
            found["time"].append((group.get("id"), box))
            glyphs = tuple((glyph_code(use), frame.glyph_box(use)) for use in group.findall(f"{SVG}use"))
            found["signatures"].append(SvgSignature("time", group.get("id"), glyphs, box, len(found["events"])))
        elif name == "barLine":
            found["barlines"].append(frame.rect(bounding_rect(group)))
        elif name == "beam":
            found["beams"].extend(_beam_segments(group, frame))
        elif name == "tie":
            found["ties"].append((group.get("id"), frame.rect(bounding_rect(group))))
    if len(lines) != 5:
        raise ValueError(f"expected one staff of five lines in verovio's SVG, found {len(lines)} lines")
    xs = [x for spans in lines.values() for x in spans]
    width, height = size
    key_ids = [signature.id for signature in found["signatures"] if signature.kind == "key"]
    return SvgStaff(
        width=width, height=height, staff_lines=tuple(sorted(lines)), staff_x=(min(xs), max(xs)),
        events=tuple(found["events"]), clefs=tuple(found["clefs"]), key_signature=tuple(found["key"]),
        key_signature_id=key_ids[0] if key_ids else None, time_signatures=tuple(found["time"]),
        barlines=tuple(found["barlines"]), beams=tuple(found["beams"]), ties=tuple(found["ties"]),
        signatures=tuple(found["signatures"]), tuplets=tuple(found["tuplets"]),
    )


def _tuplet_of(group, parents: dict) -> str | None:
    """The id of the innermost tuplet group around an event's group (a beam may stand between them)."""
    parent = parents.get(group)
    while parent is not None:
        if has_class(parent, "tuplet"):
            return parent.get("id")
        parent = parents.get(parent)
    return None


def _tuplet(group, frame: "_Frame") -> SvgTuplet:
    uses = [use for number in _children(group, "tupletNum") for use in number.findall(f"{SVG}use")]
    digits = "".join(TUPLET_DIGITS.get(glyph_code(use), "?") for use in uses)
    return SvgTuplet(id=group.get("id"), number=digits, number_box=_union(frame.glyph_box(use) for use in uses))


def _union(rects) -> Rect | None:
    rects = list(rects)
    if not rects:
        return None
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


@dataclass(frozen=True)
class _Frame:
    """SVG units -> SVG pixels (the page margin's translation, then the page scale), and font glyph boxes."""

    dx: float
    dy: float
    scale: float
    glyphs: dict

    def point(self, x: float, y: float) -> tuple[float, float]:
        return (x + self.dx) * self.scale, (y + self.dy) * self.scale

    def rect(self, element) -> Rect:
        x, y = self.point(float(element.get("x")), float(element.get("y")))
        return x, y, x + float(element.get("width")) * self.scale, y + float(element.get("height")) * self.scale

    def glyph_box(self, use) -> Rect:
        transform = use.get("transform")
        tx, ty = (float(v) for v in TRANSLATE.search(transform).groups())
        sx, sy = (float(v) for v in _SCALE.search(transform).groups())
        gx, gy, gw, gh = self.glyphs[glyph_code(use)]
        (x0, y0), (x1, y1) = self.point(tx + gx * sx, ty - (gy + gh) * sy), self.point(tx + (gx + gw) * sx, ty - gy * sy)
        return x0, y0, x1, y1

    def origin(self, use) -> tuple[float, float]:
        return self.point(*(float(v) for v in TRANSLATE.search(use.get("transform")).groups()))


def _beam_segments(group, frame: _Frame) -> list[Rect]:
    """One box per beam polygon (each level's segment, a hook its own), as our renderer boxes beams; the beam
    group's own bounding box would join every level of the group into one."""
    boxes = []
    for polygon in group.findall(f"{SVG}polygon"):
        values = [float(v) for v in polygon.get("points").replace(",", " ").split()]
        (x0, y0), (x1, y1) = frame.point(min(values[0::2]), min(values[1::2])), frame.point(max(values[0::2]),
                                                                                              max(values[1::2]))
        boxes.append((x0, y0, x1, y1))
    return boxes


def _children(group, name: str):
    return [g for g in group.iter(f"{SVG}g") if has_class(g, name) and not has_class(g, "bounding-box")]


def _dots(group, frame: _Frame) -> tuple[Rect, ...]:
    boxes = []
    for dots in _children(group, "dots"):
        for ellipse in dots.findall(f"{SVG}ellipse"):
            cx, cy, rx, ry = (float(ellipse.get(k)) for k in ("cx", "cy", "rx", "ry"))
            (x0, y0), (x1, y1) = frame.point(cx - rx, cy - ry), frame.point(cx + rx, cy + ry)
            boxes.append((x0, y0, x1, y1))
    return tuple(boxes)


def _note(group, frame: _Frame) -> SvgEvent:
    head = next(iter(_children(group, "notehead"))).find(f"{SVG}use")
    head_scale = float(_SCALE.search(head.get("transform")).group(1))
    box = frame.glyph_box(head)
    # A notehead glyph's origin sits on its staff position's line: y is exact; x is the glyph box's middle.
    centre = ((box[0] + box[2]) / 2, frame.origin(head)[1])
    flags = tuple((glyph_code(flag.find(f"{SVG}use")), frame.rect(bounding_rect(flag)))
                  for flag in _children(group, "flag"))
    accid_id = accidental = accidental_box = None
    for accid in _children(group, "accid"):
        accid_id = accid.get("id")
        glyph = accid.find(f"{SVG}use")
        if glyph is not None:  # an accid without a glyph is gestural only (implied by the key or the measure)
            accidental, accidental_box = glyph_code(glyph), frame.glyph_box(glyph)
    return SvgEvent(id=group.get("id"), kind="note", glyph=glyph_code(head), box=box, centre=centre,
                    dots=_dots(group, frame), flags=flags, accidental_id=accid_id, accidental=accidental,
                    accidental_box=accidental_box, head_scale=head_scale)


def _rest(group, kind: str, frame: _Frame) -> SvgEvent:
    use = group.find(f"{SVG}use")
    box = frame.glyph_box(use) if use is not None else frame.rect(bounding_rect(group))
    measure_rest = kind == "mRest"
    return SvgEvent(id=group.get("id"), kind="rest" if measure_rest else kind,
                    glyph=glyph_code(use) if use is not None else "", box=box,
                    centre=((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), dots=_dots(group, frame),
                    whole_measure=measure_rest)
