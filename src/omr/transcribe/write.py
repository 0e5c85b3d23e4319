"""The files `omr transcribe` writes for one image, from its PageTranscription: <stem>.musicxml, <stem>.mid,
<stem>.notes.json and <stem>.rendered.png (our renderer draws every staff again where it was found on the page).
Bytes only; the command writes them (all of an image's files or none).
"""

from __future__ import annotations

import dataclasses
import io
import json

import numpy as np
from PIL import Image

from omr.music.musicxml import change_positions
from omr.music.score import ScoreStaff, page_midi, page_musicxml
from omr.render import RenderStyle, render_staff, staff_from_notes
from omr.render.score import StaffChange
from omr.transcribe.assemble import PageTranscription, StaffTranscription

OUTPUT_SUFFIXES = (".musicxml", ".mid", ".notes.json", ".rendered.png")


def page_files(page: PageTranscription, stem: str, source: str = "") -> dict[str, bytes]:
    """Output file name -> content, one entry per OUTPUT_SUFFIXES."""
    staves = score_staves(page)
    return {
        f"{stem}.musicxml": page_musicxml(staves, title=stem).encode("utf-8"),
        f"{stem}.mid": page_midi(staves),
        f"{stem}.notes.json": (json.dumps(notes_document(page, source), indent=2) + "\n").encode("utf-8"),
        f"{stem}.rendered.png": _png(render_page(page)),
    }


def score_staves(page: PageTranscription) -> list[ScoreStaff]:
    """The staves as the MusicXML/MIDI writer takes them (clef treble where none was read: what a reader assumes)."""
    return [ScoreStaff(staff.events, dataclasses.replace(staff.header, clef=staff.header.clef or "treble"),
                       staff.measure_numbers(), staff.part)
            for staff in page.staves]


def notes_document(page: PageTranscription, source: str = "") -> dict:
    """notes.json (CONTRACT): every event in reading order, and per staff its events, geometry and preamble."""
    first = page.staves[0]
    header = first.header
    return {
        "image": source,
        "approach": page.approach,
        "knows_accidentals": page.knows_accidentals,
        "knows_durations": page.knows_durations,
        "coordinates": "deskewed page pixels (the input turned back by angle_degrees about its centre)",
        "angle_degrees": first.staff.angle,
        "clef": header.clef,
        "key_fifths": header.key_fifths,
        "time": header.time,
        "events": [_event_json(e) for e in page.events],
        "staves": [_staff_json(number, staff) for number, staff in enumerate(page.staves, start=1)],
    }


def _staff_json(number: int, staff: StaffTranscription) -> dict:
    located, header = staff.staff, staff.header
    return {
        "staff": number,
        "part": staff.part + 1,
        "system": located.system,
        "crop_origin": list(located.origin),
        "extent": list(located.extent),
        "angle_degrees": located.angle,
        "staff_space": round(located.staff_space, 3),
        "staff_lines": [round(y, 2) for y in staff.staff_lines],
        "clef": header.clef,
        "key_fifths": header.key_fifths,
        "time": header.time,
        "printed": list(staff.printed),
        "barlines": [round(x, 2) for x in header.barlines],
        # Signatures printed inside the staff, as a label writes them (only where there are some).
        **({"changes": [change.to_json() for change in header.changes]} if header.changes else {}),
        "events": [_event_json(e) for e in staff.events],
    }


def _event_json(event) -> dict:
    return {**event.to_json(), "x": round(event.x, 2), "y": round(event.y, 2)}


def render_page(page: PageTranscription) -> np.ndarray:
    """The page drawn again by our renderer: each staff at its size, its top line on the found staff's top line and
    its start at the found staff's start (deskewed page; the canvas grows where a re-drawn staff is longer)."""
    placed = []
    for staff in page.staves:
        rendered, style = render_transcribed_staff(staff)
        x = int(round(staff.staff.extent[0] - style.margin * style.staff_space))
        y = int(round(staff.staff_lines[0] - rendered.staff_lines[0]))
        placed.append((max(0, x), max(0, y), rendered.image))
    width = max([page.size[0]] + [x + image.shape[1] for x, _, image in placed])
    height = max([page.size[1]] + [y + image.shape[0] for _, y, image in placed])
    canvas = np.full((height, width), 255, dtype=np.uint8)
    for x, y, image in placed:
        region = canvas[y : y + image.shape[0], x : x + image.shape[1]]
        np.minimum(region, image, out=region)  # ink wins: neighbouring staves' margins overlap
    return canvas


def render_transcribed_staff(staff: StaffTranscription):
    """(RenderedSample, RenderStyle) of one transcribed staff: its clef and key (engravers repeat them on every
    system), its time signature where the staff printed one, barlines where they were read."""
    space = staff.staff.staff_space
    style = RenderStyle(staff_space=space, line_thickness=max(1.0, round(space / 8.0)),
                        height=int(np.ceil(16 * space)))
    header = staff.header
    score = staff_from_notes(staff.events, clef=header.clef is not None, clef_sign=header.clef or "treble",
                             key_fifths=header.key_fifths, time=header.time)
    changes = {}
    if "time" not in staff.printed:
        changes["time_signature"] = None
    if header.barlines:
        changes["barlines_after"] = _barlines_after(staff)
    if header.changes:
        changes["changes"] = staff_changes(staff)
    return render_staff(dataclasses.replace(score, **changes), style), style


def staff_changes(staff: StaffTranscription) -> tuple[StaffChange, ...]:
    """The header changes read inside the staff as the renderer draws them: one per event they stand before (those
    before the first event or after the last are left out: the renderer prints changes between events only)."""
    merged: dict[int, dict] = {}
    header = staff.header
    for change, before in zip(header.changes, change_positions(staff.events, header.changes)):
        if 0 < before < len(staff.events):
            found = merged.setdefault(before, {})
            found.update((name, value) for name, value in (("clef", change.clef), ("key_fifths", change.key_fifths),
                                                           ("time", change.time)) if value is not None)
    return tuple(StaffChange(before, **found) for before, found in sorted(merged.items()))


def _barlines_after(staff: StaffTranscription) -> tuple[int, ...]:
    """Index of the last event left of each barline read (barlines before the first event are not drawn)."""
    after = set()
    for x in staff.header.barlines:
        before = [index for index, event in enumerate(staff.events) if event.x < x]
        if before:
            after.add(before[-1])
    return tuple(sorted(after))


def _png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()
