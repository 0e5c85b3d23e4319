"""One `pages` sample: a long window of whole measures engraved by verovio as a page of one-staff systems (its own
line breaks, justified systems, the title in the header), each system labelled from the SVG and verified as an
engraved_real window is (omr.engrave.real_verify), the events of all systems in reading order."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from omr.engrave.corpus import WindowRejected
from omr.engrave.window import MeasureWindow
from omr.engrave.real_sample import barline_xs, image_changes, staff_boxes, verified_staff_events
from omr.engrave.real_score import measure_window_musicxml
from omr.engrave.real_signatures import verified_signatures
from omr.engrave.real_verify import check_alters_readable, check_round_trip, check_ties
from omr.engrave.sample import Frame, check_inside, rasterise_svg
from omr.engrave.svg_events import read_svg_systems
from omr.engrave.verovio_svg import FONTS
from omr.music.events import Event, StaffHeader
from omr.samples import Box

VEROVIO_UNITS_PER_SPACE = 18  # verovio's page options are in units of which a staff space holds 2 x `unit` (9)


@dataclass(frozen=True)
class PageStyle:
    """How a page is laid out, in pixels at `staff_space`: its width (verovio justifies the systems to it), the
    white margin around the music, and how many measures a system holds (the line breaks are encoded)."""

    staff_space: float = 8.0
    width: int = 960
    margin: int = 40
    measures_per_system: tuple[int, int] = (2, 4)
    staff_line_width: float = 0.15  # MEI units (half staff spaces); verovio's default

    def __post_init__(self) -> None:
        if self.staff_space <= 0:
            raise ValueError(f"staff_space must be > 0, got {self.staff_space}")
        if self.margin < 0 or self.width < 2 * self.margin + 40 * self.staff_space:
            raise ValueError(f"width must hold 40 staff spaces inside the margins, got width {self.width}, "
                             f"margin {self.margin}")
        low, high = self.measures_per_system
        if not 1 <= low <= high:
            raise ValueError(f"measures_per_system must be [fewest, most] with 1 <= fewest <= most, got "
                             f"{list(self.measures_per_system)}")


@dataclass(frozen=True)
class PageStaff:
    """One staff of a page, in page pixels: what it shows and which of the page's events are its own."""

    staff_lines: tuple[float, ...]
    box: tuple[float, float, float, float]  # the five lines' extent: x0, top line, x1, bottom line
    header: StaffHeader  # time only on the first system and where it changes at a system's start
    events: tuple[int, int]  # [first, last) index into the page's events

    def to_json(self) -> dict:
        return {
            "staff_lines": [round(float(y), 2) for y in self.staff_lines],
            "box": [round(float(v), 2) for v in self.box],
            **self.header.to_json(),
            "events": list(self.events),
        }


@dataclass(frozen=True)
class PageSample:
    """A rasterised page and its verified labels, in page pixels; `events` are every staff's, in reading order."""

    image: np.ndarray  # HxW uint8, 255 = white
    events: tuple[Event, ...]
    boxes: tuple[Box, ...]
    staves: tuple[PageStaff, ...]
    staff_space: float


def system_starts(window: MeasureWindow, rng: np.random.Generator, per_system: tuple[int, int]) -> tuple[int, ...]:
    """The window measures (from 0) that begin a system: each system holds a drawn number of measures, and no
    line break falls inside a tie (a tie across a break is drawn as two halves our labels cannot say)."""
    tied_into = {event.measure for previous, event in zip(window.events, window.events[1:])
                 if previous.kind == "note" and previous.tie in ("start", "continue")
                 and event.measure != previous.measure}
    starts, measure = [0], 0
    while True:
        wanted = int(rng.integers(per_system[0], per_system[1] + 1))
        if measure + wanted >= window.measures:
            return tuple(starts)
        allowed = [measure + n for n in range(per_system[0], per_system[1] + 1)
                   if measure + n < window.measures and measure + n not in tied_into]
        if not allowed:
            raise WindowRejected("tie_across_every_break")
        measure = min(allowed, key=lambda m: (abs(m - measure - wanted), m))
        starts.append(measure)


def system_window(window: MeasureWindow, starts: tuple[int, ...], index: int) -> MeasureWindow:
    """The measures of system `index` as a window of their own (measures counted from the system's first), in the
    clef, key and time in force where it starts, with the changes inside it. A change where the next system starts
    is printed there and, as a courtesy, at this system's end too (verovio does as engravers do): it is this window's
    last change, right of every event."""
    first = starts[index]
    end = starts[index + 1] if index + 1 < len(starts) else window.measures
    events = tuple(replace(e, measure=e.measure - first) for e in window.events if first <= e.measure < end)
    changes = tuple(replace(c, measure=c.measure - first) for c in window.changes if first < c.measure <= end
                    and c.measure < window.measures)
    return replace(window, events=events, measures=end - first, first_measure=window.first_measure + first,
                   header=window.in_force(first), changes=changes)


def shows_time(window: MeasureWindow, starts: tuple[int, ...], index: int) -> bool:
    """Whether system `index` prints a time signature: the first does, a later one where the meter changes there."""
    return index == 0 or any(c.measure == starts[index] and c.time is not None for c in window.changes)


def engrave_page(toolkit, window: MeasureWindow, font: str, style: PageStyle, rng: np.random.Generator) -> PageSample:
    """Engrave, rasterise, label and verify one page; raises WindowRejected when any check fails."""
    starts = system_starts(window, rng, style.measures_per_system)
    svg = engrave_page_svg(toolkit, measure_window_musicxml(window, starts, title=window.title), font, style)
    systems = read_svg_systems(svg, font)
    if len(systems) != len(starts):
        raise WindowRejected("system_count_mismatch", f"{len(systems)} systems drawn, {len(starts)} encoded")
    frame = page_frame(systems, style)
    to_image = frame.to_image

    events, printed, boxes, staves = [], [], [], []
    for index, system in enumerate(systems):
        staff, staff_events, staff_printed, staff_box_list = labelled_staff(
            toolkit, system, system_window(window, starts, index), shows_time(window, starts, index), to_image,
            len(events))
        staves.append(staff)
        events += staff_events
        printed += staff_printed
        boxes += staff_box_list
    check_alters_readable(window, printed)
    check_round_trip(events, window)
    return page_sample(svg, frame, style, events, boxes, staves)


def page_frame(staves, style: PageStyle) -> Frame:
    """The image frame of a page's staves (its first's page, at `style.staff_space`); staff_size_mismatch where the
    staves' spaces differ (one zoom must fit them all)."""
    spaces = {round((s.staff_lines[-1] - s.staff_lines[0]) / 4, 3) for s in staves}
    if len(spaces) != 1:
        raise WindowRejected("staff_size_mismatch", f"staff spaces {sorted(spaces)}")
    zoom = style.staff_space / spaces.pop()
    return Frame(zoom, 0, 0, math.ceil(staves[0].width * zoom), math.ceil(staves[0].height * zoom))


def labelled_staff(toolkit, drawn, part: MeasureWindow, time_shown: bool, to_image, first_event: int):
    """One drawn staff verified against the measures it holds (`part`) and labelled in image pixels: (its PageStaff,
    whose events start at `first_event` of the page, its events, their printed accidentals, its boxes). A system
    prints the time signature where `time_shown` (see `shows_time`)."""
    staff_events, staff_printed, pairs = verified_staff_events(toolkit, drawn, part, to_image)
    check_ties(toolkit, drawn, pairs)
    changes = image_changes(verified_signatures(toolkit, drawn, part, shows_time=time_shown), to_image)
    lines = tuple(to_image(0, y)[1] for y in drawn.staff_lines)
    (x0, _), (x1, _) = to_image(drawn.staff_x[0], 0), to_image(drawn.staff_x[1], 0)
    header = replace(part.header, time=part.header.time if time_shown else None,
                     barlines=barline_xs(drawn, to_image), changes=changes)
    staff = PageStaff(staff_lines=lines, box=(x0, lines[0], x1, lines[-1]), header=header,
                      events=(first_event, first_event + len(staff_events)))
    return staff, staff_events, staff_printed, staff_boxes(drawn, to_image)


def page_sample(svg: str, frame: Frame, style: PageStyle, events, boxes, staves) -> PageSample:
    """The page rasterised in its frame (page_frame), every box checked inside it."""
    image = rasterise_svg(without_text_boxes(svg), frame.zoom, frame.left, frame.top, frame.width, frame.height,
                          text=True)
    check_inside(tuple(boxes), image.shape)
    return PageSample(image=image, events=tuple(events), boxes=tuple(boxes), staves=tuple(staves),
                      staff_space=style.staff_space)


_TEXT = re.compile(r"<text\b.*?</text>", re.DOTALL)
_TEXT_BOX = re.compile(r"<g [^>]*bounding-box[^>]*/>|<g [^>]*bounding-box[^>]*>.*?</g>|<title\b[^>]*>[^<]*</title>",
                       re.DOTALL)


def without_text_boxes(svg: str) -> str:
    """The SVG with the bounding-box groups and labels that `svgBoundingBoxes` puts inside <text> removed: resvg
    lays them out as text (a title drawn off the page, a stray word), while the music's own boxes stay."""
    return _TEXT.sub(lambda text: _TEXT_BOX.sub("", text.group(0)), svg)


def engrave_page_svg(toolkit, musicxml: str, font: str, style: PageStyle) -> str:
    """Verovio's SVG of a one-staff MusicXML document as one page: its encoded system breaks, the title header, the
    page as wide as `style.width` pixels at `style.staff_space`, as tall as the music needs."""
    if font not in FONTS:
        raise ValueError(f"verovio font must be one of {list(FONTS)}, got {font!r}")
    units = VEROVIO_UNITS_PER_SPACE / style.staff_space  # verovio page units per pixel
    margin = round(style.margin * units)
    toolkit.resetOptions()
    toolkit.setOptions({
        "font": font,
        "breaks": "encoded",
        "svgBoundingBoxes": True,
        "header": "auto",
        "footer": "none",
        "scale": 100,
        "pageWidth": round(style.width * units),
        "adjustPageHeight": True,
        "pageMarginLeft": margin,
        "pageMarginRight": margin,
        "pageMarginTop": margin,
        "pageMarginBottom": margin,
        "staffLineWidth": style.staff_line_width,
    })
    toolkit.resetXmlIdSeed(0)
    if not toolkit.loadData(musicxml):
        raise ValueError("verovio could not load the MusicXML")
    if toolkit.getPageCount() != 1:
        raise WindowRejected("more_than_one_page", f"{toolkit.getPageCount()} pages")
    return toolkit.renderToSVG(1)
