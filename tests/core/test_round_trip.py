"""Every v03 label survives events -> MusicXML -> events: the check the generate stage runs over the whole set."""

from pathlib import Path

import yaml

from omr.config import build_config
from omr.render.dataset import DatasetConfig, render_sample
from omr.round_trip import check_labels
from omr.samples import SampleLabel

PARAMS = Path(__file__).resolve().parents[2] / "params.yaml"


def _v03_labels(count: int) -> list[tuple[str, SampleLabel]]:
    section = yaml.safe_load(PARAMS.read_text())["datasets"]["v03"]
    config = build_config(DatasetConfig, section, "datasets.v03")
    items = []
    for index in range(count):
        sample = render_sample(config, config.seed, "val", index)
        label = SampleLabel(f"{index:06d}", "", sample.width, sample.height, sample.staff_space, sample.staff_lines,
                            sample.events, sample.boxes, clef=sample.clef, key_fifths=sample.key_fifths,
                            time=sample.time, barlines=sample.barlines)
        items.append(("val", label))
    return items


def test_three_hundred_v03_labels_survive_the_musicxml_round_trip():
    items = _v03_labels(300)
    assert sum(len(label.events) for _, label in items) > 2000  # real staves, not empty ones
    assert check_labels(items) == []


def test_the_check_gives_the_same_answer_with_worker_processes():
    items = _v03_labels(40)
    assert check_labels(items, workers=2) == check_labels(items) == []
