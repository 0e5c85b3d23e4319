"""One engraved sample: verovio's SVG rasterised at our staff space, labels read from the SVG and checked against
the source.

Every note is verified: the pitch decoded from where its notehead sits on the engraved staff must be the source's
step and octave, its notehead must match its duration and a printed accidental must match its alteration. A window
failing any check is refused (WindowRejected), never labelled by guess.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

from omr.engrave.corpus import BEATS_PER_BAR, SourceNote, Window, WindowRejected
from omr.engrave.score import window_musicxml
from omr.engrave.svg_events import key_signature_glyphs
from omr.engrave.verovio_svg import ACCIDENTAL_GLYPHS, Engraving, EngravedNote, engrave_svg, read_engraving
from omr.music.events import QUARTER_LENGTH, StaffHeader, SymbolicNote, pitch_from_staff_position, sounding_alters
from omr.render.marks import TEXT_FONT_FAMILY, text_font_path
from omr.samples import ACCIDENTAL_ALTER, DURATION_OF_NOTEHEAD, Box

NOTEHEAD_OF_DURATION = {duration: head for head, duration in DURATION_OF_NOTEHEAD.items()}
OFF_GRID_TOLERANCE = 0.25  # in staff positions (half staff spaces)
# Why a verified window can be refused; meta.json lists each with its count, zeros included.
VERIFICATION_FAILURES = (
    "note_count_mismatch",
    "notes_out_of_order",
    "notehead_off_grid",
    "pitch_mismatch",
    "notehead_mismatch",
    "unexpected_accidental",
    "accidental_mismatch",
    "alter_unreadable",
    "key_signature_mismatch",
    "outside_image",
)


@dataclass(frozen=True)
class EngravingStyle:
    """How a window is engraved and framed: staff space and image height in pixels, signatures shown or not."""

    staff_space: float = 8.0
    height: int = 128
    margin: int = 16  # white pixels left of the staff's start and right of its end
    key_signature: bool = True
    time_signature: bool = True
    staff_line_width: float = 0.15  # MEI units (half staff spaces); verovio's default

    def __post_init__(self) -> None:
        check_frame(self, least_spaces=6, holds="the staff with margins")


def check_frame(style, least_spaces: int, holds: str) -> None:
    """The frame checks both sets' styles make: staff space > 0, a height of `least_spaces` staff spaces at least
    (enough for what `holds` says), margin >= 0."""
    if style.staff_space <= 0:
        raise ValueError(f"staff_space must be > 0, got {style.staff_space}")
    if style.height < least_spaces * style.staff_space:
        raise ValueError(f"height must hold {holds} (>= {least_spaces} staff spaces), got {style.height}")
    if style.margin < 0:
        raise ValueError(f"margin must be >= 0, got {style.margin}")


@dataclass(frozen=True)
class Frame:
    """Where verovio's SVG lands in an image: scaled by `zoom` (SVG units -> pixels at our staff space), the image's
    top-left corner at (left, top) of the scaled SVG, `width` x `height` pixels."""

    zoom: float
    left: int
    top: int
    width: int
    height: int

    def to_image(self, x: float, y: float) -> tuple[float, float]:
        """Image pixels of an SVG point."""
        return x * self.zoom - self.left, y * self.zoom - self.top


def staff_frame(staff_lines: tuple[float, ...], staff_x: tuple[float, float], style) -> Frame:
    """A one-staff window's frame: the staff space scaled to `style.staff_space`, `style.margin` pixels of paper
    either side of the staff, the middle line at the middle of `style.height`."""
    zoom = style.staff_space / ((staff_lines[-1] - staff_lines[0]) / 4)
    left = math.floor(staff_x[0] * zoom) - style.margin
    right = math.ceil(staff_x[1] * zoom) + style.margin
    top = round(staff_lines[2] * zoom - style.height / 2)
    return Frame(zoom, left, top, right - left, style.height)


def check_inside(boxes: tuple[Box, ...], shape: tuple[int, int]) -> None:
    """Refuse a sample with a box outside its image (WindowRejected `outside_image`)."""
    height, width = shape
    for box in boxes:
        x0, y0, x1, y1 = box.xyxy
        # Barlines reach past the staff's outer lines by half a line width; they are never cut in a way that matters.
        if box.label != "barline" and (x0 < 0 or y0 < 0 or x1 > width or y1 > height):
            raise WindowRejected("outside_image", box.label)


@dataclass(frozen=True)
class EngravedSample:
    """A rasterised window and its verified labels, in image pixels."""

    image: np.ndarray  # HxW uint8, 255 = white
    notes: tuple[SymbolicNote, ...]
    boxes: tuple[Box, ...]
    staff_lines: tuple[float, ...]
    staff_space: float
    header: StaffHeader = StaffHeader(clef="treble")  # the key and time signatures printed (0 / None where none is)


def engrave_window(toolkit, window: Window, font: str, style: EngravingStyle) -> EngravedSample:
    """Engrave, rasterise and label one window; raises WindowRejected when verification fails."""
    musicxml = window_musicxml(window, key_signature=style.key_signature, time_signature=style.time_signature)
    svg = engrave_svg(toolkit, musicxml, font, style.staff_line_width)
    engraving = read_engraving(svg)
    frame = staff_frame(engraving.staff_lines, engraving.staff_x, style)
    image = rasterise_svg(svg, frame.zoom, frame.left, frame.top, frame.width, frame.height)
    to_image = frame.to_image

    def box_to_image(label: str, rect: tuple[float, float, float, float]) -> Box:
        (x0, y0), (x1, y1) = to_image(rect[0], rect[1]), to_image(rect[2], rect[3])
        return Box(label, (x0, y0, x1, y1))

    staff_lines = tuple(to_image(0, y)[1] for y in engraving.staff_lines)
    notes, boxes = [], []
    for engraved, source in _paired(engraving, window):
        note = _verified_note(engraved, source, to_image, staff_lines, style)
        notes.append(note)
        boxes.append(box_to_image(engraved.notehead, engraved.box))
        if engraved.accidental is not None:
            boxes.append(box_to_image(engraved.accidental, engraved.accidental_box))
    (sx0, _), (sx1, _) = to_image(engraving.staff_x[0], 0), to_image(engraving.staff_x[1], 0)
    boxes.insert(0, Box("staff", (sx0, staff_lines[0], sx1, staff_lines[-1])))
    boxes.extend(box_to_image("clef", rect) for rect in engraving.clefs)
    key_fifths = window.sharps if style.key_signature else 0
    boxes.extend(box_to_image(label, rect) for label, rect in _key_signature(svg, font, key_fifths))
    boxes.extend(box_to_image("barline", rect) for rect in engraving.barlines)
    check_inside(tuple(boxes), image.shape)
    _check_alters_readable(notes, window, key_fifths)
    barlines = tuple(sorted((box.xyxy[0] + box.xyxy[2]) / 2 for box in boxes if box.label == "barline"))
    return EngravedSample(
        image=image, notes=tuple(notes), boxes=tuple(boxes), staff_lines=staff_lines, staff_space=style.staff_space,
        header=StaffHeader(clef="treble", key_fifths=key_fifths,
                           time=f"{BEATS_PER_BAR}/4" if style.time_signature else None, barlines=barlines),
    )


def _key_signature(svg: str, font: str, key_fifths: int) -> list[tuple[str, tuple[float, float, float, float]]]:
    """The key signature's signs, each boxed as a `sharp`/`flat` as our renderer boxes them (the decoders read the
    key from the signs that belong to no head); refused unless they are the key's kind and count."""
    signs = [(ACCIDENTAL_GLYPHS.get(code, code), rect) for code, rect in key_signature_glyphs(svg, font)]
    expected = ["sharp" if key_fifths > 0 else "flat"] * abs(key_fifths)
    if [label for label, _ in signs] != expected:
        raise WindowRejected("key_signature_mismatch", f"{[label for label, _ in signs]} for key {key_fifths}")
    return signs


def _check_alters_readable(notes: list[SymbolicNote], window: Window, key_fifths: int) -> None:
    """The sounding alters must follow from the printed glyphs by CONTRACT's reading rules (key, then the bar)."""
    measures, beat = [], 0
    for source in window.notes:
        measures.append(beat // BEATS_PER_BAR)  # rewritten durations never cross a barline
        beat += int(QUARTER_LENGTH[source.duration])
    read = sounding_alters([(n.step, n.octave, n.accidental) for n in notes], key_fifths, measures)
    if read != [n.alter for n in notes]:
        raise WindowRejected("alter_unreadable", f"read {read}, sounding {[n.alter for n in notes]}")


def _paired(engraving: Engraving, window: Window) -> list[tuple[EngravedNote, SourceNote]]:
    if len(engraving.notes) != len(window.notes):
        raise WindowRejected("note_count_mismatch", f"{len(engraving.notes)} engraved, {len(window.notes)} in source")
    xs = [note.centre[0] for note in engraving.notes]
    if any(b <= a for a, b in zip(xs, xs[1:])):
        raise WindowRejected("notes_out_of_order")
    return list(zip(engraving.notes, window.notes))


def _verified_note(engraved: EngravedNote, source: SourceNote, to_image, staff_lines, style) -> SymbolicNote:
    x, y = to_image(*engraved.centre)
    half_space = (staff_lines[-1] - staff_lines[0]) / 8
    position = (staff_lines[-1] - y) / half_space
    if abs(position - round(position)) > OFF_GRID_TOLERANCE:
        raise WindowRejected("notehead_off_grid", f"staff position {position:.2f}")
    step, octave = pitch_from_staff_position(round(position))
    if (step, octave) != (source.step, source.octave):
        raise WindowRejected("pitch_mismatch", f"engraved {step}{octave}, source {source.step}{source.octave}")
    if engraved.notehead != NOTEHEAD_OF_DURATION[source.duration]:
        raise WindowRejected("notehead_mismatch", f"{engraved.notehead} for a {source.duration} note")
    if engraved.accidental is not None:
        if engraved.accidental not in ACCIDENTAL_ALTER:
            raise WindowRejected("unexpected_accidental", engraved.accidental)
        if ACCIDENTAL_ALTER[engraved.accidental] != source.alter:
            raise WindowRejected("accidental_mismatch", f"{engraved.accidental} on a note with alter {source.alter}")
    # CONTRACT: `alter` sounds (the source pitch: an F under one sharp is F#), `accidental` is the glyph printed.
    return SymbolicNote(step=step, octave=octave, alter=source.alter, duration=source.duration, x=x, y=y,
                        accidental=engraved.accidental)


def rasterise_svg(svg: str, zoom: float, left: int, top: int, width: int, height: int,
                  text: bool = False) -> np.ndarray:
    """The SVG drawn by resvg at `zoom`, on a white canvas of width x height whose origin is (left, top).

    `text`: draw the SVG's text (a page's title, measure numbers) in DejaVu Serif, the font matplotlib ships, so the
    image never depends on the machine's fonts; without it text is not drawn (no system fonts are loaded)."""
    import resvg_py

    fonts = {}
    if text:
        fonts = {"font_files": [str(text_font_path())], "font_family": TEXT_FONT_FAMILY,
                 "serif_family": TEXT_FONT_FAMILY}
    png = resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=zoom, skip_system_fonts=True, **fonts)
    page = Image.open(io.BytesIO(bytes(png))).convert("L")
    canvas = Image.new("L", (width, height), 255)
    canvas.paste(page, (-left, -top))
    return np.asarray(canvas, dtype=np.uint8).copy()

