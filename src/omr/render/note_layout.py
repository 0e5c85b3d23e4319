"""The elements of one note (head, stem, ledger lines, flags, dots, staccato) and of one rest, placed in pixels."""

from __future__ import annotations

from typing import NamedTuple

from omr.music.events import BEAM_COUNT, staff_position_y
from omr.render.glyphs import NOTEHEAD_HALF_WIDTH, place_glyph
from omr.render.sprites import Sprite, place_rect
from omr.render.notation_glyphs import BREVE_HALF_WIDTH, WHOLE_HEAD_A
from omr.render.score import Note, Rest

NOTEHEAD_OF_TYPE = {"breve": "notehead_breve", "whole": "notehead_whole", "half": "notehead_hollow"}  # shorter: filled
STEMLESS = ("breve", "whole")
# Where the tilted head's right (left) edge meets a stem up (down): slightly above (below) the head's centre.
STEM_ATTACH = 0.05
FLAG_SPACING = 0.75  # spaces between the flags of a 16th or 32nd; its stem grows by as much per extra flag
DOT_OFFSET, DOT_ADVANCE = 0.45, 0.5  # first dot's centre right of the head's edge; from one dot to the next
FLAG_DOT_SHIFT = 0.5  # a dot beside an up stem's flag moves right to clear it
REST_HALF_WIDTH = {"breve": 0.4, "whole": 0.6, "half": 0.6, "quarter": 0.45, "eighth": 0.5, "16th": 0.6, "32nd": 0.75}
REST_DOT_POSITION = 5  # the space above the middle line
BREVE_REST_HALF_WIDTH = 0.3  # spaces: the block is a little narrower than a whole rest


class Element(NamedTuple):
    """One drawn thing: its mask class, its box class (None: no box), and its placed sprites (a NamedTuple, as
    Sprite is: cheap to make, and a staff makes dozens)."""

    mask_class: str
    box_class: str | None
    sprites: tuple[Sprite, ...]


def notehead_class(note_type: str) -> str:
    return NOTEHEAD_OF_TYPE.get(note_type, "notehead_filled")


def head_half_width(note_type: str) -> float:
    """Half the head's width in spaces (a breve's with its bars)."""
    if note_type == "breve":
        return BREVE_HALF_WIDTH
    return WHOLE_HEAD_A if note_type == "whole" else NOTEHEAD_HALF_WIDTH


def flag_count(note: Note, beamed: bool) -> int:
    return 0 if beamed else BEAM_COUNT.get(note.note_type, 0)


def stem_edges(x: float, note_type: str, up: bool, s: float, thickness: float) -> tuple[float, float]:
    """(left, right) of the stem: on whole pixels (crisp), at the head's right edge going up, left edge going down."""
    half_width = head_half_width(note_type) * s
    if up:
        x1 = round(x + half_width - 0.02 * s)
        return x1 - thickness, x1
    x0 = round(x - half_width + 0.02 * s)
    return x0, x0 + thickness


def default_tip(note: Note, y: float, up: bool, beamed: bool, style) -> float:
    """y of an unbeamed stem's end: the style's length, longer by a flag spacing per flag beyond the first."""
    length = style.stem_length
    flags = flag_count(note, beamed)
    if flags > 1:
        length = style.stem_length + FLAG_SPACING * (flags - 1)
    return y - length * style.staff_space if up else y + length * style.staff_space


def note_core(note: Note, position: int, x: float, y: float, up: bool, tip: float, bottom_y: float,
              style) -> list[Element]:
    """Head, stem (none for a whole note or a breve) and ledger lines, in the seed's order."""
    s, t = style.staff_space, style.line_thickness
    head = notehead_class(note.note_type)
    elements = [Element(head, head, (place_glyph(head, x, y, s),))]
    if note.note_type not in STEMLESS:
        left, right = stem_edges(x, note.note_type, up, s, style.stem_thickness)
        stem = place_rect(left, tip, right, y - STEM_ATTACH * s) if up else \
            place_rect(left, y + STEM_ATTACH * s, right, tip)
        elements.append(Element("stem", None, (stem,)))
    ledgers = ledger_element(position, x, head_half_width(note.note_type) * s + 0.35 * s, bottom_y, s, t)
    return elements + ([ledgers] if ledgers else [])


def ledger_element(position: int, x: float, reach: float, bottom_y: float, s: float, t: float) -> Element | None:
    """The ledger lines of a head at `position`, `reach` px either side of x: every line position (even) between the
    staff (0..8) and the head, beyond the staff; None where it needs none."""
    ledgers = list(range(-2, position - 1, -2)) + list(range(10, position + 1, 2))
    if not ledgers:
        return None
    return Element("ledger_line", None, tuple(place_rect(x - reach, ly - t / 2, x + reach, ly + t / 2)
                                              for ly in (staff_position_y(p, bottom_y, s) for p in ledgers)))


def note_extras(note: Note, position: int, x: float, up: bool, tip: float, beamed: bool, bottom_y: float,
                style) -> list[Element]:
    """Flags (one element each, so one box each), dots and a staccato dot."""
    s = style.staff_space
    elements = []
    flags = flag_count(note, beamed)
    if flags:
        left, right = stem_edges(x, note.note_type, up, s, style.stem_thickness)
        step = FLAG_SPACING * s if up else -FLAG_SPACING * s
        for k in range(flags):
            elements.append(Element("flag", "flag", (place_glyph("flag_up" if up else "flag_down", right,
                                                                 tip + k * step, s),)))
    if note.dots:
        dot_x = x + (head_half_width(note.note_type) + DOT_OFFSET) * s + (FLAG_DOT_SHIFT * s if flags and up else 0)
        # A head on a line has its dot in the space above; a head in a space, in that space.
        dot_y = staff_position_y(position + 1 if position % 2 == 0 else position, bottom_y, s)
        elements.extend(_dots(note.dots, dot_x, dot_y, s))
    if note.articulation == "staccato":
        elements.append(Element("articulation", "articulation", (
            place_glyph("staccato", x, staff_position_y(staccato_position(position, up), bottom_y, s), s),)))
    return elements


def staccato_position(position: int, stem_up: bool) -> int:
    """The head's side away from the stem, a space clear of the head; never on a staff line."""
    away = -1 if stem_up else 1
    target = position + 2 * away
    if target % 2 == 0 and 0 <= target <= 8:
        target += away
    return target


def _dots(count: int, x: float, y: float, s: float) -> list[Element]:
    return [Element("augmentation_dot", "augmentation_dot", (place_glyph("dot", x + k * DOT_ADVANCE * s, y, s),))
            for k in range(count)]


def rest_elements(rest: Rest, x: float, bottom_y: float, style) -> tuple[list[Element], float]:
    """The rest's glyph (and dots); returns the elements and the glyph's centre y (the event's y). A breve rest, a
    block filling the space from the third line to the fourth, is masked and boxed as the whole rest (no class of
    its own: its duration is told by its shape, as a whole rest's from a half rest's)."""
    s, t = style.staff_space, style.line_thickness
    name = f"rest_{rest.rest_type}" if rest.rest_type != "breve" else "rest_whole"
    half = REST_HALF_WIDTH[rest.rest_type] * s
    if rest.rest_type == "breve":
        top, bottom = staff_position_y(6, bottom_y, s) - t / 2, staff_position_y(4, bottom_y, s) + t / 2
        sprite = place_rect(round(x - BREVE_REST_HALF_WIDTH * s), top, round(x + BREVE_REST_HALF_WIDTH * s), bottom)
        centre = (top + bottom) / 2
    elif rest.rest_type in ("whole", "half"):
        # A whole rest hangs from the fourth line; a half rest sits on the middle line (both a half space tall).
        if rest.rest_type == "whole":
            line_y = staff_position_y(6, bottom_y, s)
            top, bottom = line_y - t / 2, line_y + 0.5 * s
        else:
            line_y = staff_position_y(4, bottom_y, s)
            top, bottom = line_y - 0.5 * s, line_y + t / 2
        sprite = place_rect(round(x - half), top, round(x + half), bottom)
        centre = (top + bottom) / 2
    else:
        centre = staff_position_y(4, bottom_y, s)
        sprite = place_glyph(name, x, centre, s)
    elements = [Element(name, name, (sprite,))]
    if rest.dots:
        elements.extend(_dots(rest.dots, x + half + DOT_OFFSET * s,
                              staff_position_y(REST_DOT_POSITION, bottom_y, s), s))
    return elements, centre
