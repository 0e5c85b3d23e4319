"""Layout: place every element of a staff once, in pixels. Every output (image, mask, boxes, events) reads this."""

from __future__ import annotations

import math
from dataclasses import dataclass

from omr.music.events import HeaderChange, StaffHeader, SymbolicNote, SymbolicRest, notes_of, staff_position_y
from omr.render.beams import BeamPlan, beam_polygons, group_stem_up, plan_beam
from omr.render.glyphs import place_glyph
from omr.render.grace import GRACE_SCALE, grace_elements, grace_slur_element, grace_tip
from omr.render.marks import (column_extent, dynamics_element, fermata_element, measure_number_element,
                              slur_element, tie_element)
from omr.render.note_layout import (REST_HALF_WIDTH, Element, default_tip, head_half_width, note_core, note_extras,
                                    rest_elements, stem_edges)
from omr.render.preamble import clef_element, key_signature_elements, time_signature_element
from omr.render.score import Staff
from omr.render.spacing import Columns, beamed_indices, horizontal_positions, preamble_start
from omr.render.sprites import place_polygon, place_rect
from omr.render.tuplets import tuplet_elements

__all__ = ["Element", "Layout", "RenderStyle", "layout"]

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


def _image_width(content_end: float, style: RenderStyle) -> int:
    needed = math.ceil(content_end + style.margin * style.staff_space)
    if style.width is not None:
        if needed > style.width:
            raise ValueError(f"the notes need {needed} px but the image width is fixed at {style.width} px")
        return style.width
    return -(-needed // style.width_multiple) * style.width_multiple


def _stems(staff: Staff, centre_x: list, bottom_y: float, style: RenderStyle):
    """Per note index: (stem up, tip y); plus the beam plans with the staff space they are drawn at. A beamed note
    takes its group's direction; grace notes' stems go up, at their small size (beamed among themselves alone)."""
    s = style.staff_space
    stems, plans = {}, []
    for group in staff.beams:
        notes = [staff.notes[i] for i in group]
        positions = [staff.position_at(i) for i in group]
        grace = notes[0].grace is not None
        size = GRACE_SCALE * s if grace else s
        thickness = max(1.0, 0.7 * style.stem_thickness) if grace else style.stem_thickness
        up = True if grace else group_stem_up(notes, positions)
        edges = [stem_edges(centre_x[i], n.note_type, up, size, thickness) for i, n in zip(group, notes)]
        heads = [staff_position_y(p, bottom_y, s) for p in positions]
        plan = plan_beam(notes, up, edges, heads, style.stem_length, size)
        plans.append((plan, size))
        stems.update({i: (up, tip) for i, tip in zip(group, plan.tips)})
    for index, event in enumerate(staff.notes):
        if event.kind == "note" and index not in stems:
            position = staff.position_at(index)
            y = staff_position_y(position, bottom_y, s)
            if event.grace is not None:
                stems[index] = (True, grace_tip(event, y, style))
                continue
            up = event.stem_up_at(position)
            stems[index] = (up, default_tip(event, y, up, False, style))
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
    columns = horizontal_positions(staff, style, bottom_y)
    width = _image_width(columns.content_end, style)
    staff_start, staff_end = style.margin * s, width - style.margin * s

    elements = [Element("staff_line", "staff", tuple(place_rect(staff_start, y - t / 2, staff_end, y + t / 2)
                                                     for y in staff_lines))]
    if staff.clef:
        elements.append(clef_element(staff.clef_sign, staff_start, bottom_y, s, staff.glyph_font))
    if staff.key_signature:
        elements.extend(key_signature_elements(staff.key_signature, staff.clef_sign, preamble_start(staff, style),
                                               bottom_y, s, staff.glyph_font))
    if staff.time_signature is not None:
        elements.append(time_signature_element(staff.time_signature, columns.time_x, bottom_y, s,
                                               staff.glyph_font))
    if staff.measure_number is not None:
        elements.append(measure_number_element(staff.measure_number, staff_start, staff_lines[0], s))
    changes = []
    for before, left, placed in columns.changes:
        elements.extend(placed.elements)
        changes.append(_header_change(staff, before, placed, left))
    single_x, final = _barline_geometry(staff, columns.barline_x, staff_end, style)
    centre_x = _centred_measure_rests(staff, columns, single_x, final, staff_end)
    stems, plans = _stems(staff, centre_x, bottom_y, style)
    events = _event_elements(staff, columns, centre_x, stems, bottom_y, style, elements)
    barlines = _barline_elements(single_x, final, staff_lines, staff_end, style, elements)
    for plan, size in plans:
        elements.extend(_beam_elements(plan, size))
    _mark_elements(staff, events, stems, staff_lines, style, elements)
    header = StaffHeader(staff.clef_sign if staff.clef else None, staff.key_signature, staff.time_signature, barlines,
                         tuple(changes))
    return Layout(width, style.height, s, staff_lines, tuple(elements), tuple(events), header)


def _header_change(staff: Staff, before: int, placed, left: float) -> HeaderChange:
    """The label of a change printed inside the staff: its x is the middle of what it prints (clef, key and time
    together), which lies between the event before it and the one after, where MusicXML's writer places it."""
    change = next(change for change in staff.changes if change.before == before)
    return HeaderChange(left + placed.width / 2, change.clef, change.key_fifths, change.time)


def _centred_measure_rests(staff: Staff, columns: Columns, single_x: list, final, staff_end: float) -> list:
    """Event centres, a measure rest's moved to the middle of its measure: from the barline, preamble or change
    before it to the barline (or the staff's end) after it."""
    centre_x = list(columns.centre_x)
    order = {index: k for k, index in enumerate(staff.barlines_after)}
    last = len(staff.notes) - 1
    for index, left in (columns.measure_left or {}).items():
        if index in order and order[index] < len(single_x):
            right = single_x[order[index]]
        elif index == last and (index in order or not staff.barlines_after or staff.barlines_after[-1] < index):
            right = final[0] if final is not None else staff_end
        else:
            continue  # another event follows in its measure: it is no measure to centre in
        centre_x[index] = (left + right) / 2
    return centre_x


def _event_elements(staff: Staff, columns: Columns, centre_x: list, stems: dict, bottom_y: float,
                    style: RenderStyle, elements: list) -> list:
    s = style.staff_space
    beamed, events = beamed_indices(staff), []
    first_of_beam = {group[0] for group in staff.beams}
    for index, (event, acc_x, x) in enumerate(zip(staff.notes, columns.accidental_x, centre_x)):
        if event.kind == "rest":
            placed, y = rest_elements(event, x, bottom_y, style)
            elements.extend(placed)
            events.append(SymbolicRest(event.rest_type, event.dots, x, y, event.tuplet, event.measure))
            continue
        position = staff.position_at(index)
        y = staff_position_y(position, bottom_y, s)
        up, tip = stems[index]
        if event.grace is not None:
            elements.extend(grace_elements(event, position, x, y, acc_x, tip, index in beamed,
                                           index in first_of_beam, bottom_y, style, staff.glyph_font))
            events.append(SymbolicNote(event.step, event.octave, event.alter, event.note_type, x, y,
                                       event.accidental, event.dots, None, grace=True))
            continue
        elements.extend(note_core(event, position, x, y, up, tip, bottom_y, style))
        if acc_x is not None:
            elements.append(Element(event.accidental, event.accidental, (
                place_glyph(event.accidental, acc_x, y, s, staff.glyph_font),)))
        elements.extend(note_extras(event, position, x, up, tip, index in beamed, bottom_y, style))
        events.append(SymbolicNote(event.step, event.octave, event.alter, event.note_type, x, y, event.accidental,
                                   event.dots, _tie_label(staff, index), event.tuplet))
    return events


def _barline_geometry(staff: Staff, barline_x: list, staff_end: float, style: RenderStyle):
    """x of each single barline (one after the last event closes the staff at its end) and, for a final double
    bar, the left x of its thin and of its thick line (None: none)."""
    s = style.staff_space
    xs = list(barline_x)
    closes = bool(staff.barlines_after) and staff.barlines_after[-1] == len(staff.notes) - 1
    if closes:
        xs[-1] = staff_end - style.barline_thickness / 2
        if staff.final_barline:
            xs.pop()
    if not staff.final_barline:
        return xs, None
    thick_x0 = round(staff_end - FINAL_THICK * s)
    return xs, (round(thick_x0 - FINAL_GAP * s) - style.barline_thickness, thick_x0)


def _barline_elements(single_x: list, final, staff_lines, staff_end: float, style: RenderStyle,
                      elements: list) -> tuple[float, ...]:
    """Barlines (a barline after the last event closes the staff; a final one is the thin-thick double bar)."""
    t = style.line_thickness
    top, bottom = staff_lines[0] - t / 2, staff_lines[-1] + t / 2
    half_bar = style.barline_thickness / 2
    xs = list(single_x)
    for x in single_x:
        x0 = round(x - half_bar)
        elements.append(Element("barline", "barline", (place_rect(x0, top, x0 + 2 * half_bar, bottom),)))
    if final is not None:
        thin_x0, thick_x0 = final
        elements.append(Element("barline", "barline", (place_rect(thin_x0, top, thin_x0 + 2 * half_bar, bottom),
                                                       place_rect(thick_x0, top, staff_end, bottom))))
        xs.append((thin_x0 + staff_end) / 2)
    return tuple(xs)


def _beam_elements(plan: BeamPlan, s: float) -> list[Element]:
    # One box per beam segment per level: a 16th pair gives two boxes, a hook its own short one.
    return [Element("beam", "beam", (place_polygon(points),)) for _, points in beam_polygons(plan, s)]


def _mark_elements(staff: Staff, events: list, stems: dict, staff_lines, style: RenderStyle, elements: list) -> None:
    """Ties (one box each), slurs (grace notes' to their main note too), tuplets, fermatas and dynamics, placed
    clear of what the notes already occupy."""
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
    _grace_slurs(staff, events, s, elements)
    _tuplets(staff, events, stems, staff_lines, style, elements)
    for index, event in enumerate(staff.notes):
        if event.articulation == "fermata":
            half = 1.0 * s
            extent = column_extent(elements, events[index].x - half, events[index].x + half)
            elements.append(fermata_element(events[index].x, staff_lines[0], extent, s))
    for index, mark in staff.dynamics:
        x = events[index].x
        extent = column_extent(elements, x - 1.2 * s, x + 1.2 * s)
        elements.append(dynamics_element(mark, x, staff_lines[-1], extent, style.height, s))


def _grace_slurs(staff: Staff, events: list, s: float, elements: list) -> None:
    """A slur from each run of grace notes' first head to the main note after the run (none before a rest)."""
    first = None
    for index, event in enumerate(staff.notes):
        if event.kind == "note" and event.grace is not None:
            first = index if first is None else first
            continue
        if first is not None and event.kind == "note":
            elements.append(grace_slur_element(events[first].x, events[first].y, events[index].x, events[index].y,
                                               event.note_type, s))
        first = None


def _tuplets(staff: Staff, events: list, stems: dict, staff_lines, style: RenderStyle, elements: list) -> None:
    """Each printed tuplet's number (and bracket, unless the group is exactly one beam group), on its stems' side."""
    s = style.staff_space
    beam_groups = {tuple(group) for group in staff.beams}
    for group in staff.tuplets:
        members = [staff.notes[i] for i in group]
        ups = [stems[i][0] for i in group if staff.notes[i].kind == "note"]
        above = not ups or 2 * sum(ups) >= len(ups)  # rests alone, or a tie: above, where engravers prefer it
        halves = [(head_half_width(m.note_type) if m.kind == "note" else REST_HALF_WIDTH[m.rest_type]) * s
                  for m in members]
        x0, x1 = events[group[0]].x - halves[0], events[group[-1]].x + halves[-1]
        elements.extend(tuplet_elements(members[0].tuplet[0], x0, x1, above, tuple(group) not in beam_groups,
                                        elements, staff_lines, style.height, s))
