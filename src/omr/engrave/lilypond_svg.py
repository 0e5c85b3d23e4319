"""What LilyPond's SVG of one staff shows, read back: its labelled grobs (omr.engrave.lilypond's prelude), each
glyph named by the glyph atlas, the point-and-click line each stencil links to, the five staff lines.

LilyPond writes glyphs as outlines (`<path transform="scale(s, -s)" d="...">`) with no name. The atlas names them:
LilyPond engraves every glyph we read, by name and at each size we meet (0, and -3 for grace notes), each inside a
link that carries its name (`\\with-url`); the outline text and scale it writes for a name are then its key, so a
glyph is named by what is drawn, by the same LilyPond, never by where it stands. A glyph outside the atlas is
refused (`unknown_glyph`). Boxes are the outlines' exact bounds (fontTools), in SVG units (1 = one staff space).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass, field

from omr.engrave.corpus import WindowRejected
from omr.engrave.lilypond import LILYPOND_VERSION, engrave_lilypond_svg

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 (SVG units, y down)
GRACE_SIZE = -3  # LilyPond's grace notes: fontSize -3 (ly/grace-init.ly)
NOTEHEADS = ("noteheads.sM1", "noteheads.s0", "noteheads.s1", "noteheads.s2")
RESTS = tuple(f"rests.{v}" for v in ("M1", "0", "1", "2", "3", "4", "5", "M1o", "0o", "1o"))
ACCIDENTALS = ("accidentals.sharp", "accidentals.flat", "accidentals.natural", "accidentals.doublesharp",
               "accidentals.flatflat", "accidentals.leftparen", "accidentals.rightparen")
FLAGS = tuple(f"flags.{d}{n}" for d in "ud" for n in (3, 4, 5))
GLYPHS_AT = {
    0: (*NOTEHEADS, *RESTS, *ACCIDENTALS, *FLAGS, "dots.dot", "clefs.G", "clefs.F", "clefs.G_change",
        "clefs.F_change", "timesig.C44", "timesig.C22"),
    GRACE_SIZE: (*NOTEHEADS, *ACCIDENTALS, *FLAGS, "flags.ugrace", "flags.dgrace", "dots.dot"),
}
DIGITS = tuple(str(d) for d in range(10))  # a time signature's numbers (LilyPond's \number font)
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_TRANSLATE = re.compile(r"^translate\(\s*([-\d.e]+)\s*,\s*([-\d.e]+)\s*\)$")
_SCALE = re.compile(r"^scale\(\s*([-\d.e]+)\s*,\s*([-\d.e]+)\s*\)$")
_TEXTEDIT = re.compile(r"^textedit://.*:(\d+):(\d+):(\d+)$")


@dataclass(frozen=True)
class Glyph:
    """A named glyph drawn at `origin` (its reference point: a notehead's is its left edge on its staff position)."""

    name: str
    size: int  # the atlas size it matched: 0, or GRACE_SIZE
    origin: tuple[float, float]
    box: Rect


@dataclass(frozen=True)
class Grob:
    """One labelled grob of the SVG: its class, its input line (from LilyPond's data-origin; None where it has no
    event), the lines its stencils link to, LilyPond's own attributes, and what it draws."""

    kind: str
    line: int | None
    link_lines: frozenset[int]
    attributes: dict = field(hash=False)
    glyphs: tuple[Glyph, ...] = ()
    rects: tuple[Rect, ...] = ()  # <rect>: stems, barlines
    polygons: tuple[Rect, ...] = ()  # <polygon> bounds: beams, brackets
    curves: tuple[Rect, ...] = ()  # unscaled <path> bounds: ties
    lines: tuple[Rect, ...] = ()  # <line> ends (x1, y1, x2, y2): staff lines
    texts: tuple[tuple[str, tuple[float, float]], ...] = ()  # <text> content and where it stands: tuplet numbers

    @property
    def box(self) -> Rect:
        """The bounds of everything the grob draws."""
        rects = [glyph.box for glyph in self.glyphs] + list(self.rects + self.polygons + self.curves)
        if not rects:
            raise WindowRejected("unreadable_svg", f"{self.kind} at line {self.line} draws nothing")
        return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects),
                max(r[3] for r in rects))


@dataclass(frozen=True)
class LilypondStaff:
    """A one-staff SVG read: its size (viewBox), staff lines' y, the staff's x extent and every labelled grob."""

    view_box: Rect
    staff_lines: tuple[float, ...]
    staff_x: tuple[float, float]
    grobs: tuple[Grob, ...]

    def of_kind(self, *kinds: str) -> list[Grob]:
        return [grob for grob in self.grobs if grob.kind in kinds]


def atlas_lilypond() -> str:
    """The .ly of the glyph atlas: each glyph of GLYPHS_AT and each digit inside a link naming it."""
    items = [f'\\with-url #"glyph:{name}:{size}" \\fontsize #{size} \\musicglyph #"{name}"'
             for size, names in GLYPHS_AT.items() for name in names]
    items += [f'\\with-url #"glyph:digit.{digit}:0" \\number "{digit}"' for digit in DIGITS]
    return (f'\\version "{LILYPOND_VERSION}"\n\\header {{ tagline = ##f }}\n\\paper {{ paper-width = 2000\\mm }}\n'
            "\\markup \\line {\n" + "\n".join(f"  {item} \\hspace #1" for item in items) + "\n}\n")


def read_atlas(svg: str) -> dict[tuple[str, str], tuple[str, int]]:
    """(scale, outline) -> (glyph name, size) from the atlas SVG: each link is followed by the outline it names."""
    atlas, pending = {}, None
    for element in ElementTree.fromstring(svg).iter():
        if element.tag == f"{SVG}a" and element.get(XLINK_HREF, "").startswith("glyph:"):
            _, name, size = element.get(XLINK_HREF).split(":")
            pending = (name, int(size))
        elif element.tag == f"{SVG}path" and pending is not None:
            key = (element.get("transform", ""), " ".join(element.get("d", "").split()))
            if key in atlas and atlas[key] != pending:
                raise ValueError(f"LilyPond draws {atlas[key]} and {pending} alike: the atlas cannot tell them apart")
            atlas[key] = pending
            pending = None
    expected = sum(len(names) for names in GLYPHS_AT.values()) + len(DIGITS)
    if len(set(atlas.values())) != expected:
        raise ValueError(f"the glyph atlas named {len(set(atlas.values()))} of {expected} glyphs")
    return atlas


_atlas: dict | None = None  # one per process: LilyPond engraves it once (about 2 s)


def glyph_atlas() -> dict[tuple[str, str], tuple[str, int]]:
    """This process's glyph atlas, engraved on first use."""
    global _atlas
    if _atlas is None:
        _atlas = read_atlas(engrave_lilypond_svg(atlas_lilypond(), name="atlas"))
    return _atlas


def read_lilypond_staff(svg: str, atlas: dict) -> LilypondStaff:
    """The labelled grobs of a one-staff SVG; WindowRejected `unreadable_svg` / `unknown_glyph` / `staff_count`."""
    root = ElementTree.fromstring(svg)
    view_box = tuple(float(v) for v in root.get("viewBox", "").split())
    grobs = [_grob(element, atlas) for element in root.iter(f"{SVG}g") if element.get("class")]
    staves = [grob for grob in grobs if grob.kind == "StaffSymbol"]
    if len(staves) != 1 or len(staves[0].lines) != 5:
        raise WindowRejected("staff_count_mismatch", f"{len(staves)} staves drawn")
    lines = sorted(staves[0].lines, key=lambda line: line[1])
    return LilypondStaff(view_box=view_box, staff_lines=tuple(line[1] for line in lines),
                         staff_x=(min(line[0] for line in lines), max(line[2] for line in lines)), grobs=tuple(grobs))


def _grob(element, atlas: dict) -> Grob:
    origin = element.get("data-origin", "")
    parts: dict[str, list] = {"glyphs": [], "rects": [], "polygons": [], "curves": [], "lines": [], "texts": []}
    links: set[int] = set()
    _collect(element, (0.0, 0.0), None, atlas, parts, links)
    attributes = {key[5:]: value for key, value in element.attrib.items() if key.startswith("data-")}
    return Grob(kind=element.get("class"), line=int(origin.split(":")[0]) if origin else None,
                link_lines=frozenset(links), attributes=attributes, **{k: tuple(v) for k, v in parts.items()})


def _collect(element, offset: tuple[float, float], link: int | None, atlas: dict, parts: dict, links: set) -> None:
    """Walk a grob's group: translations add up, a textedit link marks what it wraps with its line."""
    for child in element:
        tag = child.tag.removeprefix(SVG)
        if tag == "a":
            found = _TEXTEDIT.match(child.get(XLINK_HREF, ""))
            child_link = int(found.group(1)) if found else None
            _collect(child, offset, child_link, atlas, parts, links)
            continue
        if link is not None:
            links.add(link)
        if tag == "g":
            dx, dy = _translation(child.get("transform", ""))
            _collect(child, (offset[0] + dx, offset[1] + dy), link, atlas, parts, links)
        elif tag == "path" and child.get("transform"):
            parts["glyphs"].append(_glyph(child, offset, atlas))
        elif tag == "path":
            parts["curves"].append(_shifted(_outline_bounds(child.get("d", ""), 1.0, 1.0), offset))
        elif tag == "rect":
            x, y, w, h = (float(child.get(k, 0)) for k in ("x", "y", "width", "height"))
            parts["rects"].append(_shifted((x, y, x + w, y + h), offset))
        elif tag == "polygon":
            values = [float(v) for v in child.get("points", "").split()]
            xs, ys = values[0::2], values[1::2]
            parts["polygons"].append(_shifted((min(xs), min(ys), max(xs), max(ys)), offset))
        elif tag == "line":
            x1, y1, x2, y2 = (float(child.get(k, 0)) for k in ("x1", "y1", "x2", "y2"))
            parts["lines"].append(_shifted((x1, y1, x2, y2), offset))
        elif tag == "text":
            parts["texts"].append(("".join(child.itertext()).strip(), offset))
        else:
            raise WindowRejected("unreadable_svg", f"<{tag}> in a grob")


def _translation(transform: str) -> tuple[float, float]:
    if not transform:
        return 0.0, 0.0
    found = _TRANSLATE.match(transform.strip())
    if found is None:
        raise WindowRejected("unreadable_svg", f"transform {transform!r}")
    return float(found.group(1)), float(found.group(2))


def _glyph(path, offset: tuple[float, float], atlas: dict) -> Glyph:
    transform = path.get("transform", "")
    key = (transform, " ".join(path.get("d", "").split()))
    if key not in atlas:
        raise WindowRejected("unknown_glyph", f"an outline at {offset} is no glyph of the atlas")
    name, size = atlas[key]
    scale = _SCALE.match(transform)
    sx, sy = float(scale.group(1)), float(scale.group(2))
    return Glyph(name=name, size=size, origin=offset, box=_shifted(_outline_bounds(key[1], sx, sy), offset))


def _outline_bounds(d: str, sx: float, sy: float) -> Rect:
    """Exact bounds of an SVG outline drawn scaled by (sx, sy) (sy < 0: LilyPond's glyphs are y-up)."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.svgLib.path import parse_path

    pen = BoundsPen(None)
    parse_path(d, pen)
    if pen.bounds is None:
        raise WindowRejected("unreadable_svg", "an empty outline")
    x0, y0, x1, y1 = pen.bounds
    ys = sorted((y0 * sy, y1 * sy))
    return min(x0 * sx, x1 * sx), ys[0], max(x0 * sx, x1 * sx), ys[1]


def _shifted(rect: Rect, offset: tuple[float, float]) -> Rect:
    return rect[0] + offset[0], rect[1] + offset[1], rect[2] + offset[0], rect[3] + offset[1]
