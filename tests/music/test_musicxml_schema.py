"""Every MusicXML file we write is valid MusicXML 4.0 (the W3C XSD in omr/music/schema, checked offline): a single
staff, a page of staves, and what `omr transcribe` writes."""

import sys
from pathlib import Path

import pytest

from omr.music.events import StaffHeader, SymbolicNote as N, SymbolicRest as R
from omr.music.musicxml import events_to_musicxml
from omr.music.schema import MUSICXML_XSD, musicxml_errors
from omr.music.score import ScoreStaff, page_musicxml, staves_from_musicxml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "commands"))
from page_truth import THREE_STAVES, TruthReader, render_page  # noqa: E402

# One staff with all a staff can say: ties, every accidental, dots, rests, 32nds, eighths to beam, clef/key/time.
EVERYTHING = (
    N("F", 4, 1, "quarter", accidental="sharp", dots=1), N("G", 4, 2, "eighth", accidental="double-sharp"),
    N("B", 4, -2, "eighth", accidental="double-flat"), N("B", 4, -1, "eighth", accidental="flat"),
    N("C", 5, 0, "32nd", accidental="natural"), N("D", 5, 0, "32nd"), N("E", 5, 0, "16th"),
    N("A", 4, 0, "half", tie="start"), N("A", 4, 0, "quarter", tie="stop"), R("eighth", dots=1), R("32nd"),
    R("32nd"), N("F", 4, 1, "half", dots=2), N("E", 4, 0, "whole", tie="start"), N("E", 4, 0, "eighth", tie="stop"),
    R("16th"), N("C", 4, 0, "16th"),
)


def test_musicxml_errors_names_what_is_wrong_and_where():
    assert musicxml_errors("<score-partwise version='4.0'><part-list/></score-partwise>")[0].startswith("line 1: ")
    assert "not well-formed" in musicxml_errors("<score-partwise")[0]


def test_schema_imports_resolve_from_the_package_without_network():
    folder = MUSICXML_XSD.parent
    assert {p.name for p in folder.glob("*.xsd")} == {"musicxml.xsd", "xml.xsd", "xlink.xsd"}
    assert "Community Final Specification Agreement" in (folder / "LICENSE.md").read_text()


@pytest.mark.parametrize("clef, key_fifths, time", [("treble", 2, "3/4"), ("bass", -3, "6/8"), ("treble", 0, "C"),
                                                    (None, 0, None), ("bass", 7, "2/2")])
def test_single_staff_musicxml_is_schema_valid(clef, key_fifths, time):
    text = events_to_musicxml(EVERYTHING, clef, key_fifths, time, title="everything")
    assert musicxml_errors(text) == []


def test_single_staff_with_barline_measures_is_schema_valid():
    numbers = [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 5, 6, 6, 6]
    assert musicxml_errors(events_to_musicxml(EVERYTHING, "treble", -1, "4/4", measure_numbers=numbers)) == []


def test_page_of_staves_with_changes_ties_and_page_breaks_is_schema_valid():
    staves = [
        ScoreStaff(EVERYTHING[:9], StaffHeader("treble", 2, "4/4")),
        ScoreStaff((N("A", 4, 0, "quarter", tie="stop"), *EVERYTHING[9:13]), StaffHeader("bass", 2, "4/4")),  # clef
        ScoreStaff(EVERYTHING[13:], StaffHeader("bass", -4, "3/8")),  # key and time change
        ScoreStaff((N("C", 4, 0, "eighth"), N("D", 4, 0, "eighth"), R("quarter")), StaffHeader("treble", -4, "C"),
                   (1, 1, 2)),
    ]
    text = page_musicxml(staves, title="page", page_breaks=(2,))
    assert text.count('new-system="yes"') == 4 and text.count('new-page="yes"') == 1 and "<beam" in text
    assert musicxml_errors(text) == []
    assert [staff.events for staff in staves_from_musicxml(text)] == [staff.events for staff in staves]


def test_musicxml_written_by_omr_transcribe_is_schema_valid(tmp_path, monkeypatch):
    import omr.models
    from PIL import Image

    from omr.cli import main

    page = render_page(THREE_STAVES)
    Image.fromarray(page.image).save(tmp_path / "page.png")
    monkeypatch.setattr(omr.models, "load_predictor", lambda path, device="auto": TruthReader(page))
    assert main(["transcribe", str(tmp_path / "page.png"), "--model", "any.pt", "--out", str(tmp_path), "--quiet"]) == 0
    text = (tmp_path / "page.musicxml").read_text()
    assert musicxml_errors(text) == []
    assert len(staves_from_musicxml(text)) == 3
