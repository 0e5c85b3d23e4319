import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from omr.render.dataset import DatasetConfig, write_dataset
from omr.render.notation import NotationConfig
from omr.samples import BOX_CLASSES, MASK_CLASSES, NOTATION_BOX_CLASSES, NOTATION_MASK_CLASSES, iter_split, read_meta

TINY = DatasetConfig(seed=7, train=6, val=2, test=3, min_notes=1, max_notes=6, accidental_probability=0.5,
                     stem_directions=("up", "down"))
REPO = Path(__file__).resolve().parents[2]


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_byte_identical_files_for_any_worker_count(tmp_path):
    write_dataset(tmp_path / "a" / "tiny", TINY, workers=0)
    write_dataset(tmp_path / "b" / "tiny", TINY, workers=2)
    first, second = tree_bytes(tmp_path / "a" / "tiny"), tree_bytes(tmp_path / "b" / "tiny")
    assert len(first) == 1 + 3 + 2 * (6 + 2 + 3)
    assert first == second


def test_another_seed_gives_other_samples(tmp_path):
    write_dataset(tmp_path / "a", TINY)
    write_dataset(tmp_path / "b", dataclasses.replace(TINY, seed=8))
    assert tree_bytes(tmp_path / "a")["train/labels.jsonl"] != tree_bytes(tmp_path / "b")["train/labels.jsonl"]


def test_dataset_folder_follows_the_sample_format(tmp_path):
    write_dataset(tmp_path / "tiny", TINY)
    meta = read_meta(tmp_path / "tiny")
    assert meta["name"] == "tiny" and meta["mask_classes"] == list(MASK_CLASSES)
    assert meta["splits"] == {"train": 6, "val": 2, "test": 3} and meta["params"]["seed"] == 7
    for split_dir, label in iter_split(tmp_path / "tiny", "train"):
        image = np.asarray(Image.open(split_dir / label.image))
        mask = np.asarray(Image.open(split_dir / label.mask))
        assert image.shape == mask.shape == (label.height, label.width) and image.dtype == np.uint8
        assert mask.max() < len(MASK_CLASSES) and np.all(image[mask > 0] < 200)
        assert sum(label.pitch_vector) == len({n.name for n in label.notes})
        line = json.loads((split_dir / "labels.jsonl").read_text().splitlines()[int(label.id)])
        assert len(line["pitch_vector"]) == 52


def test_a_failed_write_leaves_no_dataset_behind(tmp_path, monkeypatch):
    import omr.render.dataset as dataset

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(dataset, "write_sample", broken)
    with pytest.raises(RuntimeError):
        write_dataset(tmp_path / "tiny", TINY)
    assert list(tmp_path.iterdir()) == []


def run_stage(tmp_path, capsys, params_text, name="v02"):
    import importlib.util

    spec = importlib.util.spec_from_file_location("generate_stage", REPO / "stages" / "generate.py")
    stage = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stage)
    (tmp_path / "params.yaml").write_text(params_text)
    code = stage.main([name, "--params", str(tmp_path / "params.yaml"), "--out-root", str(tmp_path / "out"),
                       "--workers", "1"])
    return code, capsys.readouterr()


@pytest.mark.parametrize(
    "params_text, message",
    [
        ("datasets:\n  v02:\n    test: 2\n    max_notes: eight\n", "datasets.v02.max_notes: expected an integer"),
        ("datasets:\n  v02:\n    test: 2\n    colour: red\n", "datasets.v02.colour: unknown key"),
        ("datasets:\n  v01: {test: 2}\n", "missing key datasets.v02"),
    ],
)
def test_generate_stage_exits_1_with_a_one_line_error_for_bad_params(tmp_path, capsys, params_text, message):
    code, captured = run_stage(tmp_path, capsys, params_text)
    assert code == 1 and message in captured.err and captured.err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_generate_stage_writes_the_dataset(tmp_path, capsys):
    code, captured = run_stage(tmp_path, capsys, "datasets:\n  v02:\n    seed: 1\n    test: 3\n")
    assert code == 0 and read_meta(tmp_path / "out" / "v02")["splits"] == {"test": 3}


V03_TINY = DatasetConfig(seed=11, train=5, val=2, test=2, notation=NotationConfig(max_measures=2))


def test_same_seed_gives_byte_identical_v03_files_with_0_and_2_workers(tmp_path):
    write_dataset(tmp_path / "a" / "v03", V03_TINY, workers=0)
    write_dataset(tmp_path / "b" / "v03", V03_TINY, workers=2)
    first, second = tree_bytes(tmp_path / "a" / "v03"), tree_bytes(tmp_path / "b" / "v03")
    assert len(first) == 1 + 3 + 2 * (5 + 2 + 2)
    assert first == second


def test_v03_labels_hold_events_clef_key_time_and_barlines_and_meta_the_notation_classes(tmp_path):
    write_dataset(tmp_path / "v03", V03_TINY)
    meta = read_meta(tmp_path / "v03")
    assert meta["mask_classes"] == list(NOTATION_MASK_CLASSES) and meta["box_classes"] == list(NOTATION_BOX_CLASSES)
    labels = [label for _, label in iter_split(tmp_path / "v03", "train")]
    assert all(label.header.clef in ("treble", "bass") and label.header.barlines for label in labels)
    statistics = meta["statistics"]["train"]
    events = [event for label in labels for event in label.events]
    assert statistics["events"] == {kind: sum(e.kind == kind for e in events) for kind in statistics["events"]}
    assert sum(statistics["events"].values()) == len(events) == sum(statistics["events_by_clef"].values())
    assert statistics["rests"] == sum(e.kind == "rest" for e in events)
    assert sum(statistics["accidentals_printed"].values()) == sum(
        e.kind == "note" and e.accidental is not None for e in events)
    assert sum(statistics["time_signatures"].values()) == len(labels) == sum(statistics["clefs"].values())
    for split_dir, label in iter_split(tmp_path / "v03", "test"):
        mask = np.asarray(Image.open(split_dir / label.mask))
        assert mask.max() < len(NOTATION_MASK_CLASSES)


def test_old_datasets_keep_the_seed_class_lists_and_write_no_statistics(tmp_path):
    write_dataset(tmp_path / "tiny", TINY)
    meta = read_meta(tmp_path / "tiny")
    assert meta["box_classes"] == list(BOX_CLASSES) and "statistics" not in meta


def test_v02_labels_give_an_f_without_accidental_under_one_sharp_the_alter_1(tmp_path):
    config = DatasetConfig(seed=3, test=12, clef_probability=1.0, key_signature_max=1, accidental_probability=0.3,
                           accidentals=("flat",))
    write_dataset(tmp_path / "keys", config)
    checked = 0
    for _, label in iter_split(tmp_path / "keys", "test"):
        for note in label.notes:
            if label.header.key_fifths == 1 and note.step == "F" and note.accidental is None:
                assert note.alter == 1
                checked += 1
            elif note.accidental == "flat":
                assert note.alter == -1
    assert checked > 0
