"""The engraved dataset on disk: shared format, verified labels, same params -> identical files."""

import json

import pytest

from omr.config import ConfigError, build_config
from omr.engrave import EngravedConfig, write_engraved_dataset
from omr.engrave.sets import stage_config
from omr.samples import iter_split, read_meta

TINY = {"seed": 5, "windows": 4, "notes": [4, 6]}


def test_same_params_give_identical_dataset_for_any_worker_count(files_by_workers):
    in_process, pooled = files_by_workers(write_engraved_dataset, build_config(EngravedConfig, TINY, "engraved"), (0, 2))
    assert in_process == pooled


def test_dataset_is_a_test_split_without_masks_with_drops_counted(tmp_path):
    config = build_config(EngravedConfig, TINY, "engraved")
    write_engraved_dataset(tmp_path / "engraved", config)
    meta = read_meta(tmp_path / "engraved")
    assert meta["splits"] == {"test": 4}
    assert set(meta["verification_drops"]) >= {"pitch_mismatch", "accidental_mismatch"}
    assert meta["tunes_tried"] == 4 + sum(meta["verification_drops"].values()) + sum(meta["selection_drops"].values())
    samples = list(iter_split(tmp_path / "engraved", "test"))
    assert len(samples) == 4
    for split_dir, label in samples:
        assert label.mask is None and (split_dir / label.image).is_file()
        assert 4 <= len(label.notes) <= 6 and label.staff_space == 8.0 and len(label.staff_lines) == 5
        assert label.extra["font"] in ("Leipzig", "Bravura") and "#" in label.extra["source"]
        assert sum(b.label.startswith("notehead") for b in label.boxes) == len(label.notes)
        assert label.header.clef == "treble" and label.header.time == "4/4" and len(label.header.barlines) >= 1
    assert json.loads((tmp_path / "engraved" / "meta.json").read_text())["params"]["windows"] == 4


@pytest.mark.parametrize(
    "params, key",
    [({"fonts": ["Comic Sans"]}, "engraved"), ({"notes": [8, 4]}, "engraved"), ({"style": {"height": 8}}, "engraved.style")],
)
def test_bad_engraved_params_name_the_key(params, key):
    with pytest.raises(ConfigError, match=key):
        build_config(EngravedConfig, params, "engraved")


@pytest.mark.parametrize("workers", [True, -1, 1.5, "2"])
def test_stage_workers_must_be_an_integer_of_at_least_zero_named_by_key(workers):
    with pytest.raises(ConfigError, match=r"engraved\.workers"):
        stage_config(EngravedConfig, {"windows": 4, "workers": workers}, "engraved")


def test_stage_workers_stay_out_of_the_config_and_default_to_two():
    config, workers = stage_config(EngravedConfig, {"windows": 4}, "engraved")
    assert workers == 2 and config == EngravedConfig(windows=4)
    assert stage_config(EngravedConfig, {"windows": 4, "workers": 0}, "engraved") == (config, 0)
