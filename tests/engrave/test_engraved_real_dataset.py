"""The engraved_real dataset on disk: shared format, drops counted, same params -> identical files."""

import pytest

from omr.config import ConfigError, build_config
from omr.engrave.real_dataset import EngravedRealConfig, write_engraved_real_dataset
from omr.engrave.real_verify import REAL_VERIFICATION_FAILURES
from omr.samples import NOTATION_BOX_CLASSES, iter_split, read_meta

TINY = {"seed": 3, "windows": 3, "measures": [1, 2], "bass_probability": 0.5}


def test_same_params_give_identical_engraved_real_for_any_worker_count(files_by_workers):
    in_process, pooled = files_by_workers(write_engraved_real_dataset, build_config(EngravedRealConfig, TINY, "engraved_real"), (0, 2))
    assert in_process == pooled


def test_engraved_real_is_a_test_split_of_whole_measures_with_drops_counted(tmp_path):
    config = build_config(EngravedRealConfig, TINY, "engraved_real")
    write_engraved_real_dataset(tmp_path / "engraved_real", config)
    meta = read_meta(tmp_path / "engraved_real")
    assert meta["splits"] == {"test": 3} and meta["windows"] == 3
    assert meta["box_classes"] == list(NOTATION_BOX_CLASSES)  # our renderer's vocabulary, its indices too
    assert list(meta["verification_drops"]) == list(REAL_VERIFICATION_FAILURES)  # every reason, zeros included
    refused = sum(meta["verification_drops"].values()) + sum(meta["selection_drops"].values())
    assert meta["tunes_tried"] == 3 + refused
    assert meta["event_count"] == sum(meta["events"].values()) == meta["note_count"] + meta["rest_count"]
    samples = list(iter_split(tmp_path / "engraved_real", "test"))
    for split_dir, label in samples:
        assert label.mask is None and (split_dir / label.image).is_file() and label.height == 128
        header = label.header
        assert header.clef in ("treble", "bass") and header.time is not None and 1 <= len(header.barlines) <= 2
        assert sum(b.label.startswith("notehead") for b in label.boxes) == len(label.notes)
        assert sum(b.label.startswith("rest_") for b in label.boxes) == len(label.events) - len(label.notes)
        # A window moved down is in bass clef; one in bass without a move is a bass-clef tune's, as written.
        assert label.extra["octave_shift"] == 0 or header.clef == "bass"
        assert {b.label for b in label.boxes} <= set(meta["box_classes"])
    assert sum(meta["clefs"].values()) == 3 and meta["params"]["measures"] == [1, 2]


@pytest.mark.parametrize(
    "params, key",
    [({"fonts": ["Comic Sans"]}, "engraved_real"), ({"measures": [3, 2]}, "engraved_real"),
     ({"bass_probability": 1.5}, "engraved_real"), ({"style": {"height": 64}}, "engraved_real.style")],
)
def test_bad_engraved_real_params_name_the_key(params, key):
    with pytest.raises(ConfigError, match=key):
        build_config(EngravedRealConfig, params, "engraved_real")
