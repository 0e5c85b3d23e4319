"""A page of two-staff systems (a duet: the upper part in treble, the lower in bass): staff k of each system continues
part k, the MusicXML holds one part per staff of the system (schema-valid, read back part by part), notes.json names
each staff's part and system, the MIDI file one track per part. The page and its truth reader: page_truth.py."""

import dataclasses
import json
import re

import numpy as np
import pytest
from page_truth import PAGE_MARGIN, PageStaffSpec, RenderedPage, TruthReader, placeless, render_page

from omr.music.events import SymbolicNote as N, SymbolicRest as R
from omr.music.schema import musicxml_errors
from omr.music.score import notes_from_midi, page_round_trip_mismatch, sounding_notes, staves_from_musicxml
from omr.transcribe.assemble import part_indices, transcribe_page
from omr.transcribe.write import page_files, score_staves

# Two systems of a duet; the upper part ties over the system break (its tie skips the lower staff between).
DUET = (
    PageStaffSpec((N("D", 5, 0, "quarter"), N("E", 5, 0, "eighth"), N("F", 5, 1, "eighth"), R("half"),
                   N("A", 4, 0, "half"), N("B", 4, 0, "half", tie="start")), "treble", 2, "4/4"),
    PageStaffSpec((N("D", 3, 0, "half"), N("A", 2, 0, "half"), N("F", 3, 1, "quarter"), R("quarter"),
                   N("D", 3, 0, "half")), "bass", 2, "4/4"),
    PageStaffSpec((N("B", 4, 0, "quarter", tie="stop"), N("C", 5, 1, "quarter"), N("D", 5, 0, "half"),
                   N("E", 5, 0, "whole")), "treble", 2, "4/4", prints_time=False),
    PageStaffSpec((N("G", 2, 0, "half"), N("A", 2, 0, "half"), N("D", 3, 0, "whole")),
                  "bass", 2, "4/4", prints_time=False),
)


def with_system_barlines(page: RenderedPage, systems: int) -> RenderedPage:
    """The page with a barline joining each system's staves at their start, as engravers draw it."""
    image = page.image.copy()
    tops = np.cumsum([PAGE_MARGIN] + [staff.height for staff in page.staves])
    per_system = len(page.staves) // systems
    for first in range(0, len(page.staves), per_system):
        last = first + per_system - 1
        upper, lower = page.staves[first], page.staves[last]
        top = int(tops[first] + upper.staff_lines[0])
        bottom = int(np.ceil(tops[last] + lower.staff_lines[-1]))
        row = image[int(round(tops[first] + upper.staff_lines[0]))]
        x = int(np.argmax(row < 128))  # the staff lines' first column
        image[top : bottom + 1, x : x + 2] = 0
    return RenderedPage(image, page.specs, page.staves)


def read_truth(page: RenderedPage) -> list[tuple]:
    """Each staff's events as drawn, and the tie that ends part 1's first system on system 2's first note (a staff
    drawn alone shows no tie's end)."""
    truth = page.truth()
    truth[2] = (dataclasses.replace(truth[2][0], tie="stop"), *truth[2][1:])
    return truth


@pytest.fixture(scope="module")
def duet_page():
    return with_system_barlines(render_page(DUET), systems=2)


@pytest.fixture(scope="module")
def duet(duet_page):
    return transcribe_page(TruthReader(duet_page), duet_page.image)


def test_staff_k_of_each_system_continues_part_k(duet, duet_page):
    assert [staff.staff.system for staff in duet.staves] == [0, 0, 1, 1]
    assert [staff.part for staff in duet.staves] == [0, 1, 0, 1]
    assert [tuple(placeless(e) for e in staff.events) for staff in duet.staves] == read_truth(duet_page)


def test_systems_of_unequal_size_stay_one_part():
    assert part_indices([0, 1, 2]) == (0, 0, 0)
    assert part_indices([0, 0, 1, 1, 2, 2]) == (0, 1, 0, 1, 0, 1)
    assert part_indices([0, 0, 1]) == (0, 0, 0)


def test_preamble_and_ties_follow_each_part_across_systems(duet_page):
    # The upper staff of system 2 reads no clef: it continues part 1's treble, not the bass staff just above it.
    page = transcribe_page(TruthReader(duet_page, missed={2: ("clef",)}), duet_page.image)
    assert [staff.header.clef for staff in page.staves] == ["treble", "bass", "treble", "bass"]
    assert [staff.header.time for staff in page.staves] == ["4/4"] * 4
    assert page.staves[2].events[0].tie == "stop"  # the tie from part 1's last note, over the lower staff between
    assert [tuple(placeless(e) for e in staff.events) for staff in page.staves] == read_truth(duet_page)


def test_musicxml_holds_one_part_per_staff_of_the_system_and_reads_back_part_by_part(duet, duet_page):
    files = page_files(duet, "duet")
    text = files["duet.musicxml"].decode("utf-8")
    assert musicxml_errors(text) == []
    assert text.count("<score-part ") == 2
    assert text.count('new-system="yes"') == 4  # once per system in each part
    parts = re.findall(r"<part id=.*?</part>", text, flags=re.S)
    assert [re.findall(r'<measure[^>]* number="(\d+)"', part) for part in parts] == [["1", "2", "3", "4"]] * 2
    back = staves_from_musicxml(text)
    assert [staff.part for staff in back] == [0, 1, 0, 1]
    assert [staff.events for staff in back] == read_truth(duet_page)
    assert [staff.header.clef for staff in back] == ["treble", "bass", "treble", "bass"]
    assert page_round_trip_mismatch(score_staves(duet)) is None
    assert notes_from_midi(files["duet.mid"]) == sounding_notes(score_staves(duet))


def test_midi_has_one_track_per_part(duet):
    from music21 import converter

    midi = converter.parseData(page_files(duet, "duet")["duet.mid"], format="midi")
    assert len(midi.parts) == 2


def test_notes_json_names_each_staffs_part_and_system(duet):
    document = json.loads(page_files(duet, "duet")["duet.notes.json"])
    assert [(staff["part"], staff["system"]) for staff in document["staves"]] == [(1, 0), (2, 0), (1, 1), (2, 1)]


def test_a_page_of_one_staff_systems_stays_one_part():
    page = render_page(DUET[:1] + DUET[2:3])  # no system barline: each staff is a system of its own
    transcription = transcribe_page(TruthReader(page), page.image)
    assert [staff.part for staff in transcription.staves] == [0, 0]
    files = page_files(transcription, "melody")
    assert files["melody.musicxml"].decode("utf-8").count("<score-part ") == 1
    assert [staff["part"] for staff in json.loads(files["melody.notes.json"])["staves"]] == [1, 1]
