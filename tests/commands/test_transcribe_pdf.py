"""`omr transcribe` on PDFs and on the inputs people have: every page read at the training staff space into one
MusicXML with page breaks, `--pages`, pages without music skipped by name, bad PDFs refused in a batch that goes on,
colour/dark/uneven photos, and the progress bar. Pages and the truth reader: page_truth.py."""

import json

import numpy as np
import pytest
from page_truth import THREE_STAVES, PageStaffSpec, TruthReader, render_page
from PIL import Image

import omr.models
from omr.cli import main
from omr.decode.geometry import estimate_staff_space
from omr.music.events import SymbolicNote as N, SymbolicRest as R
from omr.music.schema import musicxml_errors
from omr.music.score import staves_from_musicxml
from omr.transcribe.pdf import PdfDocument, page_numbers, parse_pages

# A second page: its first staff prints clef and key but no time signature (3/4 carries over the page turn).
SECOND_PAGE = (
    PageStaffSpec((N("D", 3, 0, "quarter"), N("E", 3, 0, "quarter"), N("F", 3, 1, "quarter"), R("half"),
                   N("A", 3, 0, "quarter")), "bass", 2, "3/4", prints_time=False),
    PageStaffSpec((N("B", 4, 0, "eighth"), N("C", 5, 1, "eighth"), N("D", 5, 0, "half", dots=1)), "treble", 2, "3/4",
                  prints_time=False),
)


class PagesReader:
    """A Predictor reading the i-th page it is given with the i-th page's TruthReader (pages are read in order)."""

    approach = "sequence"

    def __init__(self, pages):
        self.readers = [TruthReader(page) for page in pages]

    def predict_batch(self, images):
        return self.readers.pop(0).predict_batch(images)


@pytest.fixture(scope="module")
def pages():
    return render_page(THREE_STAVES), render_page(SECOND_PAGE)


def _save_pdf(path, images, resolution=100.0):
    """Pages as a PDF (Pillow): each image drawn at `resolution` dpi, so PDFium gives it back at that dpi."""
    first, *rest = [Image.fromarray(image) for image in images]
    first.save(path, "PDF", resolution=resolution, save_all=True, append_images=rest)
    return path


def _blank(page):
    return np.full_like(page.image, 255)


def _use(monkeypatch, predictor):
    monkeypatch.setattr(omr.models, "load_predictor", lambda path, device="auto": predictor)


def _encrypted_pdf(path):
    """The smallest PDF that PDFium refuses as encrypted: a Standard security handler whose /U matches no password."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>",
               b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"]
    data, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(data)
    data += b"xref\n0 5\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    data += b"trailer\n<< /Size 5 /Root 1 0 R /Encrypt 4 0 R /ID [<" + b"33" * 16 + b"> <" + b"33" * 16 + b">] >>\n"
    path.write_bytes(data + b"startxref\n%d\n%%%%EOF\n" % xref)
    return path


# --- pages, drawing -------------------------------------------------------------------------------------------------

def test_pages_option_reads_lists_and_ranges_and_refuses_nonsense():
    assert parse_pages("3") == ((3, 3),)
    assert parse_pages("2-5, 7,9-") == ((2, 5), (7, 7), (9, None))
    assert page_numbers(parse_pages("4-,1-2,2"), 5) == [4, 5, 1, 2]
    assert page_numbers(None, 3) == [1, 2, 3]
    for bad in ("0", "5-2", "a", "1-2-3", ""):
        with pytest.raises(ValueError):
            parse_pages(bad)
    with pytest.raises(ValueError, match="asks for page 5 but the PDF has 3 pages"):
        page_numbers(parse_pages("2-5"), 3)


@pytest.mark.parametrize("resolution", [72.0, 100.0, 300.0])
def test_a_pdf_page_is_drawn_at_the_training_staff_space(tmp_path, pages, resolution):
    path = _save_pdf(tmp_path / "score.pdf", [pages[0].image], resolution)
    with PdfDocument(path) as document:
        drawn = document.page(1, 8.0, 40_000_000)
    assert drawn.dpi == pytest.approx(resolution, rel=0.02)  # the page's 8 px staff space comes back
    assert estimate_staff_space(drawn.image) == pytest.approx(8.0, abs=0.15)


def test_a_pdf_page_is_never_drawn_over_the_pixel_limit(tmp_path, pages):
    path = _save_pdf(tmp_path / "score.pdf", [pages[0].image], 10.0)  # staff space 8 px only at 10 dpi
    with PdfDocument(path) as document:
        drawn = document.page(1, 80.0, 1_000_000)  # would need 100 dpi: 4.3 MP
    assert drawn.image.size <= 1_000_000


# --- the command ----------------------------------------------------------------------------------------------------

def test_a_pdf_becomes_one_musicxml_with_a_page_break_and_skips_its_page_without_music(tmp_path, pages,
                                                                                      monkeypatch, capsys):
    path = _save_pdf(tmp_path / "score.pdf", [pages[0].image, _blank(pages[0]), pages[1].image])
    _use(monkeypatch, PagesReader(pages))
    out = tmp_path / "out"
    assert main(["transcribe", str(path), "--model", "any.pt", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert [line.split(" (")[0] for line in lines[:-1]] == [
        "score.pdf page 1 staff 1/3", "score.pdf page 1 staff 2/3", "score.pdf page 1 staff 3/3",
        "score.pdf page 3 staff 1/2", "score.pdf page 3 staff 2/2"]
    assert "(bass, 2 sharps, 3/4 (carried))" in lines[3]  # the time signature carried over the page turn
    assert lines[-1] == "1 transcribed, 0 refused"
    assert captured.err.splitlines() == [
        f"omr transcribe: warning: {path}: page 2: no staff found (no five equally spaced long staff lines in the "
        "image); skipped"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["score.musicxml", "score.mid", "score.notes.json", "score.page-1.rendered.png", "score.page-3.rendered.png"])
    text = (out / "score.musicxml").read_text()
    assert text.count('new-page="yes"') == 1 and text.count('new-system="yes"') == 5
    assert musicxml_errors(text) == []
    back = staves_from_musicxml(text)
    assert [s.events for s in back] == pages[0].truth() + pages[1].truth()
    assert [s.header.time for s in back] == ["3/4"] * 5
    document = json.loads((out / "score.notes.json").read_text())
    assert [(p["page"], p["staves"]) for p in document["pages"]] == [(1, 3), (3, 2)]
    assert [(s["staff"], s["page"]) for s in document["staves"]] == [(1, 1), (2, 1), (3, 1), (4, 3), (5, 3)]
    assert len(document["events"]) == sum(len(staff) for page in pages for staff in page.truth())
    assert document["skipped_pages"][0].startswith("page 2: no staff found")


def test_pages_picks_the_pages_read(tmp_path, pages, monkeypatch, capsys):
    path = _save_pdf(tmp_path / "score.pdf", [pages[0].image, _blank(pages[0]), pages[1].image])
    _use(monkeypatch, PagesReader(pages[1:]))
    out = tmp_path / "out"
    assert main(["transcribe", str(path), "--model", "any.pt", "--out", str(out), "--pages", "3", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["status"], result["pages"], result["staves"]) == ("ok", [3], 2)
    assert [s.events for s in staves_from_musicxml(out / "score.musicxml")] == pages[1].truth()


def test_pages_beyond_the_pdf_refuse_it_with_one_line_and_write_nothing(tmp_path, pages, monkeypatch, capsys):
    path = _save_pdf(tmp_path / "score.pdf", [pages[0].image, pages[1].image])
    _use(monkeypatch, PagesReader(pages))
    out = tmp_path / "out"
    assert main(["transcribe", str(path), "--model", "any.pt", "--out", str(out), "--pages", "2-5"]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"omr transcribe: error: {path}: --pages asks for page 5 but the PDF has 2 pages"]
    assert not out.exists() or list(out.iterdir()) == []


def test_a_malformed_pages_option_is_one_line_before_anything_runs(tmp_path, pages, capsys):
    path = _save_pdf(tmp_path / "score.pdf", [pages[0].image])
    with pytest.raises(SystemExit) as exited:
        main(["transcribe", str(path), "--model", "any.pt", "--pages", "5-2"])
    assert exited.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith("argument --pages: '5-2' is no range of pages "
                                                             "(page numbers from 1, e.g. 3, 2-5, 2- or 1,3,6-8)")


def test_pages_without_a_pdf_is_refused_up_front(tmp_path, pages, capsys):
    Image.fromarray(pages[0].image).save(tmp_path / "page.png")
    assert main(["transcribe", str(tmp_path / "page.png"), "--model", "any.pt", "--pages", "1"]) == 1
    assert "--pages: picks pages of PDF inputs, and no input is a PDF" in capsys.readouterr().err


def test_a_batch_writes_the_good_input_and_names_each_bad_pdf(tmp_path, pages, monkeypatch, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    Image.fromarray(pages[0].image).save(folder / "good.png")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "broken.pdf").write_bytes(_save_pdf(tmp_path / "whole.pdf", [pages[0].image]).read_bytes()[:400])
    _encrypted_pdf(folder / "locked.pdf")
    _save_pdf(folder / "blank.pdf", [_blank(pages[0])])
    batch = [folder / name for name in ("empty.pdf", "good.png", "broken.pdf", "locked.pdf", "blank.pdf")]
    _use(monkeypatch, PagesReader(pages[:1]))
    out = tmp_path / "out"
    assert main(["transcribe", *map(str, batch), "--model", "any.pt", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f"omr transcribe: error: {batch[0]}: empty file, expected a PDF",
        f"omr transcribe: error: {batch[2]}: not a readable PDF (Failed to load document (PDFium: Data format "
        "error).)",
        f"omr transcribe: error: {batch[3]}: encrypted PDF (it needs a password); decrypt it first",
        f"omr transcribe: error: {batch[4]}: no staff found (no five-line staff on the only page)"]
    assert captured.out.splitlines()[-1] == "1 transcribed, 4 refused"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"good{suffix}" for suffix in (".musicxml", ".mid", ".notes.json", ".rendered.png"))


# --- photos as they come ----------------------------------------------------------------------------------------------

def test_a_dark_unevenly_lit_colour_photo_turned_by_exif_is_read(tmp_path, pages, monkeypatch, capsys):
    page = pages[0]
    height, width = page.image.shape
    # Grey-brown paper, darker to the right (a lamp on the left), ink not black: what a phone photo looks like.
    # (Much stronger unevenness, paper 200 -> 120 across the page, is not read yet: one ink threshold per page.)
    light = np.linspace(215, 160, width)[None, :]
    grey = page.image / 255.0 * (light - 40) + 40
    colour = np.stack([grey, grey * 0.93, grey * 0.8], axis=-1).round().astype(np.uint8)
    photo = Image.fromarray(colour).transpose(Image.Transpose.ROTATE_90)  # the camera held sideways...
    exif = Image.Exif()
    exif[0x0112] = 6  # ...says so: turn 90 degrees clockwise to view
    photo.save(tmp_path / "photo.jpg", quality=95, exif=exif)
    _use(monkeypatch, TruthReader(page))
    assert main(["transcribe", str(tmp_path / "photo.jpg"), "--model", "any.pt", "--out", str(tmp_path)]) == 0
    assert [s.events for s in staves_from_musicxml(tmp_path / "photo.musicxml")] == page.truth()


def test_a_photo_without_music_is_refused_saying_so(tmp_path, capsys, pages, monkeypatch):
    paper = np.full((300, 400, 3), (120, 110, 90), dtype=np.uint8)  # dark paper, nothing on it
    Image.fromarray(paper).save(tmp_path / "wall.jpg")
    _use(monkeypatch, TruthReader(pages[0]))
    assert main(["transcribe", str(tmp_path / "wall.jpg"), "--model", "any.pt", "--out", str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith(f"omr transcribe: error: {tmp_path / 'wall.jpg'}: no staff found (")


# --- progress -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("quiet", [False, True])
def test_a_progress_bar_shows_on_a_terminal_unless_quiet(tmp_path, pages, monkeypatch, capsys, quiet):
    path = _save_pdf(tmp_path / "score.pdf", [pages[0].image, pages[1].image])
    Image.fromarray(pages[0].image).save(tmp_path / "page.png")
    _use(monkeypatch, PagesReader([pages[0], pages[1], pages[0]]))
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)
    arguments = ["transcribe", str(path), str(tmp_path / "page.png"), "--model", "any.pt", "--out", str(tmp_path)]
    assert main(arguments + ["--quiet"] * quiet) == 0
    captured = capsys.readouterr()
    assert ("transcribe:" in captured.err and "2/2" in captured.err) is not quiet
    assert captured.out.splitlines()[-1] == "2 transcribed, 0 refused"
