import json

import pytest

from omr.fingerprint import dataset_fingerprint, write_fingerprint


def make_dataset(root):
    (root / "test" / "images").mkdir(parents=True)
    (root / "meta.json").write_text('{"name": "tiny"}')
    (root / "test" / "labels.jsonl").write_text('{"id": "00000"}\n')
    (root / "test" / "images" / "00000.png").write_bytes(b"\x89PNG one")
    return root


def test_identical_folders_in_different_places_have_the_same_fingerprint(tmp_path):
    first = dataset_fingerprint(make_dataset(tmp_path / "a"))
    second = dataset_fingerprint(make_dataset(tmp_path / "b"))
    assert first == second
    assert first["files"] == 3 and first["bytes"] == len('{"name": "tiny"}') + 16 + 8


def test_one_changed_byte_in_one_image_changes_the_fingerprint(tmp_path):
    folder = make_dataset(tmp_path / "a")
    before = dataset_fingerprint(folder)
    (folder / "test" / "images" / "00000.png").write_bytes(b"\x89PNG onE")
    after = dataset_fingerprint(folder)
    assert after["sha256"] != before["sha256"] and after["bytes"] == before["bytes"]


def test_a_renamed_file_changes_the_fingerprint(tmp_path):
    folder = make_dataset(tmp_path / "a")
    before = dataset_fingerprint(folder)
    (folder / "test" / "images" / "00000.png").rename(folder / "test" / "images" / "00001.png")
    assert dataset_fingerprint(folder)["sha256"] != before["sha256"]


def test_write_fingerprint_writes_the_json_it_returns(tmp_path):
    out = tmp_path / "fingerprints" / "tiny.json"
    written = write_fingerprint(make_dataset(tmp_path / "a"), out)
    assert json.loads(out.read_text()) == written


def test_missing_dataset_folder_names_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a folder"):
        dataset_fingerprint(tmp_path / "absent")
