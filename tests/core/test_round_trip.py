"""Every v03 label survives events -> MusicXML -> events: the check the generate stage runs over the whole set."""

from pathlib import Path

import yaml

from omr.config import build_config
from omr.render.dataset import DatasetConfig, render_sample
from omr.music.round_trip import check_labels
from omr.samples import SampleLabel

PARAMS = Path(__file__).resolve().parents[2] / "params.yaml"


def _v03_labels(count: int) -> list[tuple[str, SampleLabel]]:
    section = yaml.safe_load(PARAMS.read_text())["datasets"]["v03"]
    config = build_config(DatasetConfig, section, "datasets.v03")
    items = []
    for index in range(count):
        sample = render_sample(config, config.seed, "val", index)
        label = SampleLabel(f"{index:06d}", "", sample.width, sample.height, sample.staff_space, sample.staff_lines,
                            sample.events, sample.boxes, header=sample.header)
        items.append(("val", label))
    return items


def test_three_hundred_v03_labels_survive_the_musicxml_round_trip():
    items = _v03_labels(300)
    assert sum(len(label.events) for _, label in items) > 2000  # real staves, not empty ones
    assert check_labels(items) == []


def test_the_check_gives_the_same_answer_with_worker_processes():
    items = _v03_labels(40)
    assert check_labels(items, workers=2) == check_labels(items) == []


def _pages(labels, staves_per_page=4):
    """v03 staves grouped into pages, each staff with the clef and time in force (a page cannot write 'no clef'
    or 'no time' after one: a reader keeps the last), measures from its barlines."""
    from omr.music.events import StaffHeader
    from omr.music.musicxml import measure_numbers_from_barlines
    from omr.music.score import ScoreStaff

    pages = []
    for start in range(0, len(labels) - staves_per_page + 1, staves_per_page):
        page, clef, time = [], None, None
        for label in labels[start : start + staves_per_page]:
            header = label.header
            clef, time = header.clef or clef, header.time or time
            numbers = measure_numbers_from_barlines(label.events, header.barlines) if header.barlines else None
            numbers = None if numbers is None else tuple(numbers)
            page.append(ScoreStaff(label.events, StaffHeader(clef, header.key_fifths, time), numbers))
        pages.append(page)
    return pages


def test_pages_of_v03_staves_survive_musicxml_and_midi():
    from omr.music.score import notes_from_midi, page_midi, page_round_trip_mismatch, sounding_notes

    pages = _pages([label for _, label in _v03_labels(48)])
    assert len(pages) == 12
    assert [page_round_trip_mismatch(page) for page in pages] == [None] * 12
    for page in pages[:4]:
        assert notes_from_midi(page_midi(page)) == sounding_notes(page)
