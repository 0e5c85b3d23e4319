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
