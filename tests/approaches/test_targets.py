"""Per-sample approach targets travel untouched from CachedSample to the batch; mask formats are the approach's call."""

import dataclasses
import json
import pickle
import shutil

import pytest
import torch

from omr.approaches import get_approach
from omr.data import SampleDataset, build_augmentation, collate, load_split
from omr.samples import MASK_CLASSES, NOTATION_MASK_CLASSES


def _with_target(sample, value: float):
    return dataclasses.replace(sample, target=torch.full((3,), value))


def test_ssd_augmentation_passes_a_sample_target_through_unchanged(tiny_dataset):
    torch.manual_seed(0)
    samples = [_with_target(s, i) for i, s in enumerate(load_split(tiny_dataset, "train")[:4])]
    dataset = SampleDataset(samples, build_augmentation("ssd", crop_width=64), with_mask=False)
    for index in range(len(samples)):
        assert torch.equal(dataset[index]["target"], torch.full((3,), float(index)))


def test_collated_targets_survive_a_worker_pickle_and_the_move_to_a_device(tiny_dataset):
    samples = [_with_target(s, i) for i, s in enumerate(load_split(tiny_dataset, "val")[:3])]
    batch = collate([SampleDataset(samples)[i] for i in range(3)])
    received = pickle.loads(pickle.dumps(batch)).to(torch.device("cpu"))
    assert [t.tolist() for t in received.targets] == [[0.0] * 3, [1.0] * 3, [2.0] * 3]


def test_items_without_targets_collate_to_none(tiny_dataset):
    samples = load_split(tiny_dataset, "val")[:2]
    batch = collate([SampleDataset(samples)[i] for i in range(2)])
    assert batch.targets is None and pickle.loads(pickle.dumps(batch)).targets is None


@pytest.fixture
def notation_dataset(tmp_path, tiny_dataset):
    """The tiny dataset with its meta claiming the notation mask classes (v03, engraved_real)."""
    out = tmp_path / "notation"
    shutil.copytree(tiny_dataset, out)
    meta = json.loads((out / "meta.json").read_text())
    meta["mask_classes"] = list(NOTATION_MASK_CLASSES)
    (out / "meta.json").write_text(json.dumps(meta))
    return out


def test_load_split_reads_a_dataset_with_the_notation_mask_classes(notation_dataset, tiny_dataset):
    assert len(load_split(notation_dataset, "val")) == len(load_split(tiny_dataset, "val"))


def test_segmentation_refuses_masks_of_other_classes_naming_the_meta_file(notation_dataset, tiny_dataset):
    segmentation = get_approach("segmentation")
    with pytest.raises(ValueError, match=r"notation/meta.json: mask_classes .* differ from the segmentation's"):
        segmentation.check_dataset(notation_dataset, segmentation.default_class_names())
    segmentation.check_dataset(tiny_dataset, MASK_CLASSES)  # its own format passes
    get_approach("regression").check_dataset(notation_dataset, ())  # the regression needs no masks
