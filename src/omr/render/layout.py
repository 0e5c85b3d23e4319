"""Layout: place every element of a staff once, in pixels. Every output (image, mask, boxes, events) reads this."""

from __future__ import annotations

import math
from dataclasses import dataclass

from omr.music.events import StaffHeader, SymbolicNote, SymbolicRest, notes_of, staff_position_y
from omr.render.beams import BeamPlan, beam_polygons, group_stem_up, plan_beam
from omr.render.glyphs import GLYPH_WIDTH, place_glyph
from omr.render.marks import (column_extent, dynamics_element, fermata_element, measure_number_element,
                              slur_element, tie_element)
from omr.render.note_layout import (DOT_ADVANCE, DOT_OFFSET, FLAG_DOT_SHIFT, REST_HALF_WIDTH, Element,
                                    default_tip, flag_count, head_half_width, note_core, note_extras, rest_elements,
                                    stem_edges)
from omr.render.preamble import (KEY_SIGNATURE_GAP, TIME_SIGNATURE_GAP, TIME_SIGNATURE_WIDTH, clef_element,
                                 key_signature_elements, key_signature_x, time_signature_element)
from omr.render.score import Note, Staff
from omr.render.sprites import place_polygon, place_rect

__all__ = ["Element", "Layout", "RenderStyle", "layout"]

# Room after each event, as a factor of note_gap: longer values get a little more, as engravers space them
# (quarter and half keep the seed's spacing, so its datasets draw the same).
DURATION_SPACE = {"whole": 1.5, "half": 1.0, "quarter": 1.0, "eighth": 0.85, "16th": 0.75, "32nd": 0.7}
UP_FLAG_ROOM = 0.6  # spaces more after an unbeamed note whose flag hangs right of an up stem (clears a barline)
FINAL_BARLINE_ROOM = 1.0  # spaces between the last event and a final double bar
FINAL_THICK, FINAL_GAP = 0.5, 0.4  # spaces: the double bar's thick line and the white between its two lines


@dataclass(frozen=True)
class RenderStyle:
    """Sizes in pixels (staff_space, line_thickness, height, width) and in staff spaces (margin, gaps, stems)."""

    staff_space: float = 8.0
    line_thickness: float = 1.0
    height: int = 128
    width: int | None = None  # fixed image width; None: follows the content, rounded up to width_multiple
    width_multiple: int = 32
    margin: float = 1.0  # image edge to staff start/end
    note_gap: float = 2.0  # free space after each notehead
    stem_length: float = 3.5  # from the notehead centre

    def __post_init__(self) -> None:
        if self.staff_space <= 0 or self.line_thickness <= 0:
            raise ValueError("staff_space and line_thickness must be > 0")
        if self.height < 4 * self.staff_space + 2:
            raise ValueError(f"height {self.height} px cannot hold a staff of staff_space {self.staff_space} px")
        if self.width_multiple < 1:
            raise ValueError(f"width_multiple must be >= 1, got {self.width_multiple}")

    @property
    def stem_thickness(self) -> float:
        return max(1.0, 0.12 * self.staff_space)

    @property
    def barline_thickness(self) -> float:
        return max(1.0, 0.16 * self.staff_space)


@dataclass(frozen=True)
class Layout:
    """Every placed element plus the truth read off the same placement: events left to right, and the header: what
    the preamble shows (clef None: no clef drawn) and the x of each barline."""

    width: int
    height: int
    staff_space: float
    staff_lines: tuple[float, ...]  # centre y of the five lines, top first
    elements: tuple[Element, ...]
    events: tuple[SymbolicNote | SymbolicRest, ...]
    header: StaffHeader = StaffHeader()

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        return notes_of(self.events)


@dataclass(frozen=True)
class _Columns:
    accidental_x: list  # per event: x of its accidental, or None
    centre_x: list  # per event: head (rest) centre
    barline_x: list
    content_end: float
    time_x: float | None


def _beamed(staff: Staff) -> set[int]:
    return {index for group in staff.beams for index in group}


def _extra_room(event, beamed: bool, position: int | None) -> float:
    """Spaces an event needs right of its head beyond the gap: its dots, and an up stem's flag."""
    room = 0.0
    flag_up = event.kind == "note" and flag_count(event, beamed) > 0 and event.stem_up_at(position)
    if flag_up:
        room += UP_FLAG_ROOM
    if event.dots:
        room += DOT_OFFSET + 0.35 + DOT_ADVANCE * (event.dots - 1) + (FLAG_DOT_SHIFT if flag_up else 0.0)
    return room


def _horizontal_positions(staff: Staff, style: RenderStyle) -> _Columns:
    """x of each accidental (None: none), each event's centre, each barline, the time signature and the end."""
    s = style.staff_space
    x = _preamble_start(staff, style)
    key_end = key_signature_x(staff.key_signature, x, s)[-1] if staff.key_signature else None
    if key_end is not None:
        x = key_end + KEY_SIGNATURE_GAP * s
    time_x = None
    if staff.time_signature is not None:
        start = key_end + TIME_SIGNATURE_GAP * s if key_end is not None else x
        time_x = start + TIME_SIGNATURE_WIDTH * s / 2
        x = start + TIME_SIGNATURE_WIDTH * s + KEY_SIGNATURE_GAP * s
    accidental_x, centre_x, barline_x = [], [], []
    barlines, beamed = set(staff.barlines_after), _beamed(staff)
    gap = style.note_gap * s
    for index, event in enumerate(staff.notes):
        kind = event.note_type if event.kind == "note" else event.rest_type
        factor = DURATION_SPACE[kind]
        gap = style.note_gap * s if factor == 1.0 else style.note_gap * factor * s
        if event.kind == "note" and event.accidental is not None:
            width = GLYPH_WIDTH[event.accidental] * s
            accidental_x.append(x + width / 2)
            x += width + 0.25 * s
        else:
            accidental_x.append(None)
        half_width = head_half_width(kind) if event.kind == "note" else REST_HALF_WIDTH[kind]
        centre_x.append(x + half_width * s)
        position = staff.position_of(event) if event.kind == "note" else None
        extra = _extra_room(event, index in beamed, position) * s
        x += 2 * half_width * s + gap if not extra else 2 * half_width * s + extra + gap  # seed's sum kept exact
        if index in barlines:
            barline_x.append(x - gap / 2)
            x += 0.5 * s
    end = x - gap + 1.0 * s + (FINAL_BARLINE_ROOM * s if staff.final_barline else 0.0)
    return _Columns(accidental_x, centre_x, barline_x, end, time_x)


def _preamble_start(staff: Staff, style: RenderStyle) -> float:
    """x where what follows the clef begins: the key signature, else the time signature or the first note."""
    s = style.staff_space
    return style.margin * s + (3.4 * s if staff.clef else 1.0 * s)


def _image_width(content_end: float, style: RenderStyle) -> int:
    needed = math.ceil(content_end + style.margin * style.staff_space)
    if style.width is not None:
        if needed > style.width:
            raise ValueError(f"the notes need {needed} px but the image width is fixed at {style.width} px")
        return style.width
    return -(-needed // style.width_multiple) * style.width_multiple


def _stems(staff: Staff, centre_x: list, bottom_y: float, style: RenderStyle):
    """Per note index: (stem up, tip y); plus the beam plans. A beamed note takes its group's direction."""
    s = style.staff_space
    stems, plans = {}, []
    for group in staff.beams:
        notes = [staff.notes[i] for i in group]
        positions = [staff.position_of(n) for n in notes]
        up = group_stem_up(notes, positions)
        edges = [stem_edges(centre_x[i], n.note_type, up, s, style.stem_thickness) for i, n in zip(group, notes)]
        heads = [staff_position_y(p, bottom_y, s) for p in positions]
        plan = plan_beam(notes, up, edges, heads, style.stem_length, s)
        plans.append(plan)
        stems.update({i: (up, tip) for i, tip in zip(group, plan.tips)})
    for index, event in enumerate(staff.notes):
        if event.kind == "note" and index not in stems:
            position = staff.position_of(event)
            up = event.stem_up_at(position)
            stems[index] = (up, default_tip(event, staff_position_y(position, bottom_y, s), up, False, style))
    return stems, plans


def _tie_label(staff: Staff, index: int) -> str | None:
    """start/stop/continue from this note's tie flag and the previous note's."""
    event = staff.notes[index]
    previous = staff.notes[index - 1] if index > 0 else None
    from_previous = previous is not None and previous.kind == "note" and previous.tie
    return {(False, True): "start", (True, False): "stop", (True, True): "continue"}.get((from_previous, event.tie))


def layout(staff: Staff, style: RenderStyle) -> Layout:
    """Place staff lines, preamble, notes and rests with everything they carry, barlines, beams and marks."""
    s, t = style.staff_space, style.line_thickness
    middle_y = round(style.height / 2 - t / 2) + t / 2  # keeps a 1 px line on one pixel row
    staff_lines = tuple(middle_y + k * s for k in (-2, -1, 0, 1, 2))
    bottom_y = staff_lines[-1]
    columns = _horizontal_positions(staff, style)
    width = _image_width(columns.content_end, style)
    staff_start, staff_end = style.margin * s, width - style.margin * s

    elements = [Element("staff_line", "staff", tuple(place_rect(staff_start, y - t / 2, staff_end, y + t / 2)
                                                     for y in staff_lines))]
    if staff.clef:
        elements.append(clef_element(staff.clef_sign, staff_start, bottom_y, s, staff.glyph_font))
    if staff.key_signature:
        elements.extend(key_signature_elements(staff.key_signature, staff.clef_sign, _preamble_start(staff, style),
                                               bottom_y, s, staff.glyph_font))
    if staff.time_signature is not None:
        elements.append(time_signature_element(staff.time_signature, columns.time_x, bottom_y, s,
                                               staff.glyph_font))
    if staff.measure_number is not None:
        elements.append(measure_number_element(staff.measure_number, staff_start, staff_lines[0], s))
    stems, plans = _stems(staff, columns.centre_x, bottom_y, style)
    events = _event_elements(staff, columns, stems, bottom_y, style, elements)
    barlines = _barline_elements(staff, columns.barline_x, staff_lines, staff_end, style, elements)
    for plan in plans:
        elements.extend(_beam_elements(plan, s))
    _mark_elements(staff, events, stems, staff_lines, style, elements)
    header = StaffHeader(staff.clef_sign if staff.clef else None, staff.key_signature, staff.time_signature, barlines)
    return Layout(width, style.height, s, staff_lines, tuple(elements), tuple(events), header)


def _event_elements(staff: Staff, columns: _Columns, stems: dict, bottom_y: float, style: RenderStyle,
                    elements: list) -> list:
    s = style.staff_space
    beamed, events = _beamed(staff), []
    for index, (event, acc_x, x) in enumerate(zip(staff.notes, columns.accidental_x, columns.centre_x)):
        if event.kind == "rest":
            placed, y = rest_elements(event, x, bottom_y, style)
            elements.extend(placed)
            events.append(SymbolicRest(event.rest_type, event.dots, x, y))
            continue
        position = staff.position_of(event)
        y = staff_position_y(position, bottom_y, s)
        up, tip = stems[index]
        elements.extend(note_core(event, position, x, y, up, tip, bottom_y, style))
        if acc_x is not None:
            elements.append(Element(event.accidental, event.accidental, (
                place_glyph(event.accidental, acc_x, y, s, staff.glyph_font),)))
        elements.extend(note_extras(event, position, x, up, tip, index in beamed, bottom_y, style))
        events.append(SymbolicNote(event.step, event.octave, event.alter, event.note_type, x, y, event.accidental,
                                   event.dots, _tie_label(staff, index)))
    return events


def _barline_elements(staff: Staff, barline_x: list, staff_lines, staff_end: float, style: RenderStyle,
                      elements: list) -> tuple[float, ...]:
    """Barlines (a barline after the last event closes the staff; a final one is the thin-thick double bar)."""
    s, t = style.staff_space, style.line_thickness
    top, bottom = staff_lines[0] - t / 2, staff_lines[-1] + t / 2
    closes = bool(staff.barlines_after) and staff.barlines_after[-1] == len(staff.notes) - 1
    if closes:
        barline_x[-1] = staff_end - style.barline_thickness / 2
        if staff.final_barline:
            barline_x.pop()
    half_bar = style.barline_thickness / 2
    xs = list(barline_x)
    for x in barline_x:
        x0 = round(x - half_bar)
        elements.append(Element("barline", "barline", (place_rect(x0, top, x0 + 2 * half_bar, bottom),)))
    if staff.final_barline:
        thick_x0 = round(staff_end - FINAL_THICK * s)
        thin_x0 = round(thick_x0 - FINAL_GAP * s) - 2 * half_bar
        elements.append(Element("barline", "barline", (place_rect(thin_x0, top, thin_x0 + 2 * half_bar, bottom),
                                                       place_rect(thick_x0, top, staff_end, bottom))))
        xs.append((thin_x0 + staff_end) / 2)
    return tuple(xs)


def _beam_elements(plan: BeamPlan, s: float) -> list[Element]:
    # One box per beam segment per level: a 16th pair gives two boxes, a hook its own short one.
    return [Element("beam", "beam", (place_polygon(points),)) for _, points in beam_polygons(plan, s)]


def _mark_elements(staff: Staff, events: list, stems: dict, staff_lines, style: RenderStyle, elements: list) -> None:
    """Ties (one box each), slurs, fermatas and dynamics, placed clear of what the notes already occupy."""
    s = style.staff_space
    for index, event in enumerate(staff.notes[:-1]):
        following = staff.notes[index + 1]
        if event.kind == "note" and event.tie and following.kind == "note":
            a, b = events[index], events[index + 1]
            up = stems[index][0]
            elements.append(tie_element(a.x + 0.6 * head_half_width(event.note_type) * s, a.y,
                                        b.x - 0.6 * head_half_width(following.note_type) * s, b.y, up, s))
    for first, last in staff.slurs:
        elements.append(slur_element([(e.x, e.y) for e in events[first:last + 1]], s))
    for index, event in enumerate(staff.notes):
        if event.articulation == "fermata":
            half = 1.0 * s
            extent = column_extent(elements, events[index].x - half, events[index].x + half)
            elements.append(fermata_element(events[index].x, staff_lines[0], extent, s))
    for index, mark in staff.dynamics:
        x = events[index].x
        extent = column_extent(elements, x - 1.2 * s, x + 1.2 * s)
        elements.append(dynamics_element(mark, x, staff_lines[-1], extent, style.height, s))
