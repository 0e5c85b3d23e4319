"""Where each seed's checkpoint of a model lives, and the index evaluation reads them from."""

import pytest

from omr.models.seeds import read_seed_index, seed_checkpoint_paths, write_seed_index


def test_the_first_seed_keeps_the_model_name_and_the_others_go_to_the_seed_folder(tmp_path):
    paths = seed_checkpoint_paths(tmp_path, "sequence-v03_aug", (2, 0, 1))
    assert list(paths) == [2, 0, 1]
    assert paths[2] == tmp_path / "sequence-v03_aug.pt"
    assert paths[0] == tmp_path / "sequence-v03_aug.seeds" / "s0.pt"


def test_the_index_reads_back_the_paths_it_was_written_for(tmp_path):
    write_seed_index(tmp_path, "detection-v01", (0, 4))
    assert read_seed_index(tmp_path, "detection-v01") == seed_checkpoint_paths(tmp_path, "detection-v01", (0, 4))


def test_a_model_without_a_seed_folder_is_its_one_checkpoint(tmp_path):
    assert read_seed_index(tmp_path, "detection-v01") == {0: tmp_path / "detection-v01.pt"}


def test_a_broken_index_names_its_file(tmp_path):
    folder = tmp_path / "detection-v01.seeds"
    folder.mkdir()
    (folder / "seeds.json").write_text('{"seeds": [0]}')
    with pytest.raises(ValueError, match="detection-v01.seeds/seeds.json"):
        read_seed_index(tmp_path, "detection-v01")
