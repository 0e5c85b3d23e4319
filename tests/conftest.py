"""Fixtures shared across test folders: a tiny rendered dataset (v02-like: several notes, accidentals, varying widths)."""

from __future__ import annotations

import pytest

from omr.render.dataset import DatasetConfig, write_dataset


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory):
    out = tmp_path_factory.mktemp("datasets") / "tiny"
    config = DatasetConfig(min_notes=2, max_notes=5, note_types=("quarter", "half"), stem_directions=("up", "down"),
                           accidental_probability=0.5, seed=7, train=16, val=4)
    write_dataset(out, config)
    return out


@pytest.fixture(scope="session")
def tiny_pages(tmp_path_factory):
    """Two verovio pages (the `pages` set's writer on tiny params): (dataset folder, meta.json content)."""
    from omr.config import build_config
    from omr.engrave.pages_dataset import PagesConfig, write_pages_dataset

    out = tmp_path_factory.mktemp("datasets") / "pages"
    config = build_config(PagesConfig, {"seed": 5, "pages": 2, "measures": [6, 9], "bass_probability": 0.5}, "pages")
    return out, write_pages_dataset(out, config)


@pytest.fixture(scope="session")
def tiny_duets(tmp_path_factory):
    """Two verovio duet pages (the `duets` set's writer on tiny params): (dataset folder, meta.json content)."""
    from omr.config import build_config
    from omr.engrave.duets import DuetsConfig, write_duets_dataset

    out = tmp_path_factory.mktemp("datasets") / "duets"
    config = build_config(DuetsConfig, {"seed": 3, "pages": 2, "measures": [5, 7]}, "duets")
    return out, write_duets_dataset(out, config)
