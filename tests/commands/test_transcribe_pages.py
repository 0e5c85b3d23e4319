"""`omr transcribe` on pages and batches: every staff read in one batch, the preamble carried from staff to staff,
MusicXML and MIDI that give the page back, a re-rendered page, and a batch that survives its bad images.
The page and its truth reader: page_truth.py."""

import dataclasses
import json
import struct
import zlib

import numpy as np
import pytest
from page_truth import THREE_STAVES, TruthReader, placeless, render_page
from PIL import Image

import omr.commands.transcribe as transcribe_command
import omr.models
from omr.cli import main
from omr.transcribe.page import MAX_PIXELS, NoStaffFound, read_image
from omr.music.events import SymbolicNote as N
from omr.transcribe.write import OUTPUT_SUFFIXES, render_page as render_transcription
from omr.music.score import notes_from_midi, sounding_notes, staves_from_musicxml
from omr.transcribe.assemble import tied_across_staves, transcribe_page


@pytest.fixture(scope="module")
def three_staff_page():
    return render_page(THREE_STAVES)


@pytest.fixture
def page_path(tmp_path, three_staff_page):
    path = tmp_path / "in" / "page.png"
    path.parent.mkdir(exist_ok=True)
    Image.fromarray(three_staff_page.image).save(path)
    return path


@pytest.fixture
def reader(monkeypatch, three_staff_page):
    reader = TruthReader(three_staff_page)
    monkeypatch.setattr(omr.models, "load_predictor", lambda path, device="auto": reader)
    return reader


def _staves_events(staves):
    return [tuple(placeless(e) for e in staff.events) for staff in staves]


def test_every_staff_of_a_page_is_read_in_one_batch_into_its_true_events(three_staff_page):
    reader = TruthReader(three_staff_page)
    page = transcribe_page(reader, three_staff_page.image)
    assert reader.batches == [3]
    assert _staves_events(page.staves) == three_staff_page.truth()
    assert [e for staff in three_staff_page.truth() for e in staff] == [placeless(e) for e in page.events]
    assert [(s.header.clef, s.header.key_fifths, s.header.time, s.printed) for s in page.staves] == [
        ("treble", 2, "3/4", ("clef", "key", "time")), ("bass", 2, "3/4", ("clef", "key")),
        ("bass", 2, "3/4", ("clef", "key"))]


def test_a_staff_whose_clef_and_key_were_missed_is_read_under_the_ones_carried(three_staff_page):
    # The reader sees staff 3's heads where they are drawn but not its bass clef or key: treble pitches, no sharps.
    page = transcribe_page(TruthReader(three_staff_page, missed={2: ("clef", "key")}), three_staff_page.image)
    assert page.staves[2].printed == ()
    assert (page.staves[2].header.clef, page.staves[2].header.key_fifths) == ("bass", 2)
    assert _staves_events(page.staves) == three_staff_page.truth()  # F#3 and C#3 from the carried key


def test_page_command_writes_musicxml_and_midi_that_give_the_page_back(tmp_path, page_path, three_staff_page, reader,
                                                                       capsys):
    out = tmp_path / "out"
    assert main(["transcribe", str(page_path), "--model", "any.pt", "--approach", "sequence", "--out", str(out)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines[:3]] == [
        "page.png staff 1/3 (treble, 2 sharps, 3/4)", "page.png staff 2/3 (bass, 2 sharps, 3/4 (carried))",
        "page.png staff 3/3 (bass, 2 sharps, 3/4 (carried))"]
    assert lines[3] == "1 transcribed, 0 refused"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"page{suffix}" for suffix in OUTPUT_SUFFIXES)
    back = staves_from_musicxml(out / "page.musicxml")
    assert [s.events for s in back] == three_staff_page.truth()
    assert [(s.header.clef, s.header.key_fifths, s.header.time) for s in back] == [
        ("treble", 2, "3/4"), ("bass", 2, "3/4"), ("bass", 2, "3/4")]
    assert (out / "page.musicxml").read_text().count('<print new-system="yes"') == 3
    assert notes_from_midi((out / "page.mid").read_bytes()) == sounding_notes(back)


def test_notes_json_holds_every_event_and_each_staffs_events_and_geometry(tmp_path, page_path, three_staff_page,
                                                                          reader):
    out = tmp_path / "out"
    assert main(["transcribe", str(page_path), "--model", "any.pt", "--out", str(out)]) == 0
    document = json.loads((out / "page.notes.json").read_text())
    truth = three_staff_page.truth()
    assert len(document["events"]) == sum(len(staff) for staff in truth)
    assert [len(staff["events"]) for staff in document["staves"]] == [len(staff) for staff in truth]
    tops = [staff["staff_lines"][0] for staff in document["staves"]]
    # Stacked 128-px renderings: each staff's top line 128 px below the one before, in page pixels.
    assert np.allclose(np.diff(tops), 128, atol=1) and tops[0] == pytest.approx(
        24 + three_staff_page.staves[0].staff_lines[0], abs=1)
    assert [staff["time"] for staff in document["staves"]] == ["3/4"] * 3
    for staff in document["staves"]:  # page x/y: a staff's events lie between its top and bottom lines' reach
        ys = [e["y"] for e in staff["events"]]
        assert staff["staff_lines"][0] - 40 < min(ys) and max(ys) < staff["staff_lines"][-1] + 40


def test_rendered_page_draws_each_staff_again_where_it_was_found(three_staff_page):
    page = transcribe_page(TruthReader(three_staff_page), three_staff_page.image)
    again = render_transcription(page)
    assert again.shape == three_staff_page.image.shape
    # Same music, same renderer, same places: nearly every ink pixel of the input is ink again.
    ink, ink_again = three_staff_page.image < 128, again < 128
    assert (ink & ink_again).sum() / ink.sum() > 0.95


def test_a_tie_leaving_a_staff_ends_on_the_next_staffs_first_note(three_staff_page):
    page = transcribe_page(TruthReader(three_staff_page), three_staff_page.image)
    first, second = page.staves[0], page.staves[1]
    second = dataclasses.replace(second, events=(N("B", 4, tie=None), *second.events[1:]))
    tied = dataclasses.replace(first, events=(*first.events[:-1], N("B", 4, tie="start")))
    joined = tied_across_staves([tied, second])
    assert joined[1].events[0].tie == "stop"
    assert tied_across_staves([first, second])[1].events[0].tie is None  # B4 -> B4 not tied: left alone


# --- batches ------------------------------------------------------------------------------------------------------

def _png_header(path, width, height):
    """A PNG whose header claims width x height with (almost) no pixel data: what a huge image looks like before
    it is decoded."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b""))
    return path


@pytest.fixture
def batch(tmp_path, page_path):
    """One good page, a text file, a truncated PNG and a blank page."""
    folder = page_path.parent
    (folder / "notes.png").write_text("C4 E4 G4\n")
    (folder / "cut.png").write_bytes(page_path.read_bytes()[:300])
    Image.new("L", (400, 300), 255).save(folder / "blank.png")
    return [page_path, folder / "notes.png", folder / "cut.png", folder / "blank.png"]


def test_a_batch_writes_the_good_image_and_skips_each_bad_one_with_one_line(tmp_path, batch, reader, capsys):
    out = tmp_path / "out"
    assert main(["transcribe", *map(str, batch), "--model", "any.pt", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    errors = captured.err.splitlines()
    assert len(errors) == 3 and all(line.startswith("omr transcribe: error: ") for line in errors)
    assert [line.split(": ")[2] for line in errors] == [str(path) for path in batch[1:]]
    assert "not a readable image" in errors[0] and "not a readable image" in errors[1]
    assert "no staff found" in errors[2]
    assert captured.out.splitlines()[-1] == "1 transcribed, 3 refused"
    assert sorted(p.name for p in out.iterdir()) == sorted(f"page{suffix}" for suffix in OUTPUT_SUFFIXES)


def test_json_prints_one_parsable_line_per_image(tmp_path, batch, reader, capsys):
    out = tmp_path / "out"
    assert main(["transcribe", *map(str, batch), "--model", "any.pt", "--out", str(out), "--json"]) == 1
    captured = capsys.readouterr()
    results = [json.loads(line) for line in captured.out.splitlines()]
    assert [(r["image"], r["status"]) for r in results] == [(str(batch[0]), "ok")] + [
        (str(path), "refused") for path in batch[1:]]
    good = results[0]
    assert (good["staves"], good["events"], good["error"]) == (3, 22, None)
    assert sorted(good["outputs"]) == sorted(str(out / f"page{suffix}") for suffix in OUTPUT_SUFFIXES)
    assert all(r["error"].startswith(r["image"]) and r["outputs"] == [] for r in results[1:])
    assert captured.err.splitlines()[-1] == "1 transcribed, 3 refused"  # stdout keeps JSON lines alone


@pytest.mark.parametrize("width, height", [(20000, 20000), (8000, 8000)])
def test_an_image_over_the_pixel_limit_is_refused_before_its_pixels_are_read(tmp_path, width, height):
    assert width * height > MAX_PIXELS
    with pytest.raises(ValueError, match="over the limit of 40 megapixels"):
        read_image(_png_header(tmp_path / "huge.png", width, height))


def test_a_failed_write_leaves_none_of_the_images_files(tmp_path, page_path, reader, monkeypatch, capsys):
    real = transcribe_command.atomic_write_bytes
    calls = []

    def failing_third(path, data):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(transcribe_command, "atomic_write_bytes", failing_third)
    out = tmp_path / "out"
    assert main(["transcribe", str(page_path), "--model", "any.pt", "--out", str(out)]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert list(out.iterdir()) == []  # neither outputs nor the temporary files


def test_a_page_without_staves_raises_no_staff_found(three_staff_page):
    with pytest.raises(NoStaffFound):
        transcribe_page(TruthReader(three_staff_page), np.full((300, 400), 255, dtype=np.uint8))

