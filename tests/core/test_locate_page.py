"""Every staff of a page: found top to bottom, cropped like a training image, neighbours painted out."""

import re
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from omr.transcribe.locate import locate_staff, locate_staves
from omr.transcribe.page import NoStaffFound, rotate
from omr.transcribe.staves import runs_at_least
from omr.music.events import SymbolicNote
from omr.render import render_staff, staff_from_notes

MELODIES = [
    "C4 E4 G4 C5 E5 G5 C6 A3",  # ledger lines above and below
    "D5 B4 G4 E4 F4 A4 C5 E5 G5 B5",
    "A5 C6 E6 A5 B3 G3 E4 D4",  # notes far above and below the staff
]
BEAMED = "C5:8 D5:8 E5:16 F5:16 G5:16 A5:16 B5:32 A5:32 G5:32 F5:32 E5:32 D5:32 C5:32 B4:32 A4:8 F4:8 D4:8 B3:8"
SVG = "{http://www.w3.org/2000/svg}"
ZOOM = 2.5  # verovio at scale 40 draws 7.2 px per staff space; x2.5 gives a 2100 px wide page, 18 px per space


def _staff(pitches: str, time: str | None = None):
    notes = []
    for word in pitches.split():
        pitch, _, duration = word.partition(":")
        name = {"": "quarter", "8": "eighth", "16": "16th", "32": "32nd"}[duration]
        notes.append(SymbolicNote(pitch[0], int(pitch[-1]), duration=name))
    return render_staff(staff_from_notes(notes, clef=True, time=time))


def _page(staffs, gaps, width=900, title=True):
    """The rendered staves stacked top to bottom, `gaps[i]` px between one crop's bottom and the next's top (crops
    have 6 spaces of room, so negative gaps bring the staves close); the true five line rows of each."""
    height = 80 + sum(s.height for s in staffs) + sum(gaps) + 40
    page = Image.new("L", (width, height), 255)
    if title:
        ImageDraw.Draw(page).text((width // 2 - 160, 10), "Title of the Tune", fill=0, font=ImageFont.load_default(40))
    y, truth = 80, []
    for staff, gap in zip(staffs, [0, *gaps]):
        y += gap
        under = np.asarray(page)[y : y + staff.height, 40 : 40 + staff.width]
        page.paste(Image.fromarray(np.minimum(under, staff.image)), (40, y))
        truth.append([y + line for line in staff.staff_lines])
        y += staff.height
    return np.asarray(page).copy(), truth


def _bowed(image: np.ndarray, amplitude: float) -> np.ndarray:
    """Each column moved down by up to `amplitude` px (-amplitude at the edges, +amplitude in the middle): a warp."""
    height, width = image.shape
    rows = np.arange(height, dtype=np.float64)
    out = np.empty_like(image)
    for x in range(width):
        shift = amplitude * (2 * np.sin(np.pi * x / (width - 1)) - 1)
        out[:, x] = np.round(np.interp(rows - shift, rows, image[:, x].astype(np.float64), left=255, right=255))
    return out


@pytest.fixture(scope="module")
def staffs():
    return [_staff(m) for m in MELODIES]


def test_stacked_staves_are_found_top_to_bottom_with_their_lines(staffs):
    image, truth = _page(staffs, [10, -40])
    located = locate_staves(image)
    assert len(located) == 3
    for staff, lines in zip(located, truth):
        assert np.allclose(np.array(staff.staff_lines) + staff.origin[1], lines, atol=1.0)
        assert staff.angle == 0.0
    # One staff per system on a melody page: nothing joins them.
    assert [s.system for s in located] == [0, 1, 2]


def test_each_crop_looks_like_a_training_image(staffs):
    image, _ = _page(staffs, [10, -40])
    for staff in locate_staves(image):
        space = staff.staff_space
        assert space == pytest.approx(8.0, abs=0.3)
        assert staff.image.shape[0] == pytest.approx(16 * space, abs=2)
        assert staff.staff_lines[0] == pytest.approx(6 * space, abs=1.5)
        x0, x1 = staff.extent
        assert staff.image.shape[1] == pytest.approx(x1 - x0 + 4 * space, abs=2)


def test_close_neighbours_are_painted_out_but_ledger_notes_stay(staffs):
    # Staff 0 ends with A3 (ledger lines below), staff 2 starts far above; 5.6 spaces between the staves.
    image, truth = _page(staffs, [-50, -50])
    located = locate_staves(image)
    assert len(located) == 3
    middle = located[1]
    space = middle.staff_space
    top_gap = (truth[1][0] - truth[0][4]) / 2 - middle.origin[1] + truth[0][4]  # mid-gap rows, in the crop
    bottom_gap = (truth[2][0] - truth[1][4]) / 2 - middle.origin[1] + truth[1][4]
    assert 0 < top_gap < middle.staff_lines[0] and bottom_gap < middle.image.shape[0]  # the neighbours did reach in
    # No long horizontal strokes (the neighbours' staff lines) beyond the middle of either gap.
    long = runs_at_least(middle.image < 128, int(4 * space)).any(axis=1)
    assert not long[: int(top_gap)].any() and not long[int(np.ceil(bottom_gap)) :].any()
    # The neighbour above ends with a low A3 on ledger lines; in its own crop the note stays, below the middle.
    upper = located[0]
    ledger_rows = (upper.image[:, -int(6 * space) :] < 128).any(axis=1)
    assert ledger_rows[int(upper.staff_lines[4] + 1.5 * space) :].any()


def test_beamed_runs_of_32nd_notes_do_not_hide_the_staff():
    beamed = _staff(BEAMED, time="4/4")
    image, truth = _page([beamed, beamed, beamed], [-30, 0])
    located = locate_staves(image)
    assert len(located) == 3
    for staff, lines in zip(located, truth):
        assert np.allclose(np.array(staff.staff_lines) + staff.origin[1], lines, atol=1.0)


@pytest.mark.parametrize("angle", [-3.0, 1.5])
def test_a_turned_page_is_deskewed_once_for_all_staves(staffs, angle):
    image, _ = _page(staffs, [0, 20])
    located = locate_staves(rotate(image, angle))
    assert len(located) == 3
    assert all(staff.angle == pytest.approx(angle, abs=0.25) for staff in located)
    for staff in located:  # straight again: every line a dark band across the staff
        for y in staff.staff_lines:
            band = staff.image[int(round(y)) - 1 : int(round(y)) + 2, int(3 * staff.staff_space) : -int(3 * staff.staff_space)]
            assert (band.min(axis=0) < 160).mean() > 0.9


def test_a_warped_page_with_lines_bowed_by_a_pixel_keeps_every_staff(staffs):
    image, truth = _page(staffs + staffs[:1], [-20, 0, -40])
    # No deskew (the staves sit left of the page's middle, where the bow reads as a tilt): the warp alone.
    located = locate_staves(_bowed(image, 1.0), max_angle=0.0)
    assert len(located) == 4
    for staff, lines in zip(located, truth):
        # Over the staff the bow averages out to about a third of its amplitude below the flat lines.
        assert np.allclose(np.array(staff.staff_lines) + staff.origin[1], lines, atol=1.2)


def test_a_page_without_staves_is_refused():
    page = Image.new("L", (600, 400), 255)
    ImageDraw.Draw(page).text((50, 50), "no music here, only words", fill=0, font=ImageFont.load_default(30))
    with pytest.raises(NoStaffFound):
        locate_staves(np.asarray(page))


def test_one_staff_image_gives_the_same_staff_as_locate_staff(staffs):
    image = staffs[1].image
    (page_staff,) = locate_staves(image)
    single = locate_staff(image)
    assert page_staff.origin == single.origin
    assert np.allclose(page_staff.staff_lines, single.staff_lines, atol=0.5)


def _verovio_page(score, tmp_path):
    """A music21 score engraved by verovio on an A4-shaped page, rasterised; its staves' line rows, top first."""
    from omr.engrave.sample import rasterise_svg
    from omr.engrave.verovio_svg import make_toolkit

    path = tmp_path / "page.musicxml"
    score.write("musicxml", fp=str(path))
    toolkit = make_toolkit()
    toolkit.setOptions({"breaks": "auto", "pageWidth": 2100, "pageHeight": 2970, "scale": 40, "adjustPageHeight": True,
                        "header": "none", "footer": "none"})
    assert toolkit.loadFile(str(path))
    svg = toolkit.renderToSVG(1)
    root = ElementTree.fromstring(svg)
    inner = root.find(f"{SVG}svg")
    width, height = (float(root.get(key).removesuffix("px")) for key in ("width", "height"))
    view = [float(v) for v in inner.get("viewBox").split()]
    # The page's viewBox is fitted into whole pixels (preserveAspectRatio's default: uniform scale, centred).
    scale = min(width / view[2], height / view[3])
    offset = (height - view[3] * scale) / 2
    margin = next(g for g in inner.iter(f"{SVG}g") if "page-margin" in g.get("class", ""))
    dy = float(re.search(r"translate\(\s*[-\d.]+[ ,]+([-\d.]+)", margin.get("transform")).group(1))
    staves = set()
    for group in margin.iter(f"{SVG}g"):
        if group.get("class") == "staff":  # verovio draws one such group per measure of a staff
            ys = sorted({float(re.match(r"M\s*[-\d.]+\s+([-\d.]+)", p.get("d")).group(1)) for p in group.findall(f"{SVG}path")
                         if re.fullmatch(r"M\s*[-\d.]+\s+([-\d.]+)\s*L\s*[-\d.]+\s+\1\s*", p.get("d"))})
            staves.add(tuple(round(((y + dy) * scale + offset) * ZOOM, 2) for y in ys))
    image = rasterise_svg(svg, ZOOM, 0, 0, int(width * ZOOM), int(height * ZOOM))
    return image, sorted(staves)


def test_verovio_melody_page_has_one_staff_per_system_on_its_lines(tmp_path):
    from omr.engrave.corpus import TuneRef, parse_tune

    image, truth = _verovio_page(parse_tune(TuneRef("essenFolksong/altdeu10.abc", 4)), tmp_path)
    located = locate_staves(image)
    assert len(truth) >= 5 and all(len(lines) == 5 for lines in truth)
    assert len(located) == len(truth)
    assert [s.system for s in located] == list(range(len(truth)))
    for staff, lines in zip(located, truth):
        assert np.allclose(np.array(staff.staff_lines) + staff.origin[1], lines, atol=1.0)
        assert staff.staff_space == pytest.approx(18.0, abs=0.3)


def test_verovio_chorale_staves_joined_by_barlines_form_systems(tmp_path):
    from music21 import corpus

    image, truth = _verovio_page(corpus.parse("bach/bwv66.6"), tmp_path)
    located = locate_staves(image)
    assert len(located) == len(truth) == 8
    assert [s.system for s in located] == [0, 0, 0, 0, 1, 1, 1, 1]  # two systems of four voices
    for staff, lines in zip(located, truth):
        assert np.allclose(np.array(staff.staff_lines) + staff.origin[1], lines, atol=1.0)
