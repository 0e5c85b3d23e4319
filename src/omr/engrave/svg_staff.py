"""What omr.engrave.svg_events reads from verovio's SVG of a staff: the SMuFL code points it names, and the events,
signatures, tuplets and staff it reads them into (coordinates in the SVG's own pixels)."""

from __future__ import annotations

from dataclasses import dataclass

from omr.engrave.verovio_svg import Rect

NOTEHEAD_GLYPHS = {"E0A1": "notehead_breve", "E0A2": "notehead_whole", "E0A3": "notehead_hollow",
                   "E0A4": "notehead_filled"}  # verovio's breve is the square double whole in Leipzig and Bravura
REST_GLYPHS = {"E4E3": "whole", "E4E4": "half", "E4E5": "quarter", "E4E6": "eighth", "E4E7": "16th", "E4E8": "32nd"}
ACCIDENTAL_GLYPHS = {"E262": "sharp", "E260": "flat", "E261": "natural", "E263": "double-sharp", "E264": "double-flat"}
# A clef changed inside a staff is printed smaller: SMuFL's gClefChange and fClefChange.
CLEF_GLYPHS = {"E050": "treble", "E062": "bass", "E07A": "treble", "E07C": "bass"}
TUPLET_DIGITS = {f"E88{digit}": str(digit) for digit in range(10)}  # SMuFL tuplet0..tuplet9
# Flags per SMuFL code point (up and down stems): how many a stem carries.
FLAG_COUNT = {"E240": 1, "E241": 1, "E242": 2, "E243": 2, "E244": 3, "E245": 3}


@dataclass(frozen=True)
class SvgEvent:
    """A note or rest group of the SVG, in document (left to right) order."""

    id: str
    kind: str  # "note" | "rest" (an mRest too) | an unexpected group class such as "chord"
    glyph: str  # SMuFL code point of the notehead or rest
    box: Rect  # notehead glyph box, or the rest's box
    centre: tuple[float, float]  # notehead: box middle, on its staff position's line; rest: box middle
    dots: tuple[Rect, ...] = ()
    flags: tuple[tuple[str, Rect], ...] = ()
    accidental_id: str | None = None  # the accid child verovio gives a note with an alteration (printed or not)
    accidental: str | None = None  # the printed glyph's code point, None where nothing is printed
    accidental_box: Rect | None = None
    head_scale: float = 0.0  # the notehead glyph's scale: a grace note's is smaller (verovio's graceFactor)
    tuplet_id: str | None = None  # the tuplet group the event is drawn in
    whole_measure: bool = False  # an mRest: the measure rest verovio centres in its measure


@dataclass(frozen=True)
class SvgSignature:
    """A clef, key or time signature drawn on the staff (`kind` "clef" | "key" | "time"), with its glyphs (SMuFL code
    point and box) and the box around them (None for a key signature that prints nothing)."""

    kind: str
    id: str
    glyphs: tuple[tuple[str, Rect], ...]
    box: Rect | None
    before: int  # events drawn before it: the index of the event it stands before (a clef change is drawn at the
    # end of the measure before, a key or time at the start of its own; both stand before the same event)


@dataclass(frozen=True)
class SvgTuplet:
    """A tuplet group: verovio's id (its num/numbase through getElementAttr), the digits drawn and their box."""

    id: str
    number: str  # the printed digits, "" where none are drawn
    number_box: Rect | None


@dataclass(frozen=True)
class SvgStaff:
    """Everything read from the SVG of one staff; `staff_lines` top first, `ties` as (id, box)."""

    width: float
    height: float
    staff_lines: tuple[float, ...]
    staff_x: tuple[float, float]
    events: tuple[SvgEvent, ...]
    clefs: tuple[tuple[str, Rect], ...]
    key_signature: tuple[tuple[str, Rect], ...]
    key_signature_id: str | None
    time_signatures: tuple[tuple[str, Rect], ...]  # (verovio id, box)
    barlines: tuple[Rect, ...]
    beams: tuple[Rect, ...]  # one per beam polygon: each level's segment
    ties: tuple[tuple[str, Rect], ...]
    # Every clef, key and time signature in drawing order, those at the staff's start and those changed later; the
    # fields above list the same clefs, key glyphs and time signatures (`key_signature_id`: the first key's).
    signatures: tuple[SvgSignature, ...] = ()
    tuplets: tuple[SvgTuplet, ...] = ()
