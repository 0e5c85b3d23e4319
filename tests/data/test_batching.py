import pickle

import torch
from torchvision import tv_tensors

from omr.data import SampleDataset, collate, load_split, pad_image, padded_size


def _item(height: int, width: int) -> dict:
    image = torch.randint(0, 256, (1, height, width), dtype=torch.uint8)
    return {
        "image": tv_tensors.Image(image),
        "mask": tv_tensors.Mask(torch.full((height, width), 3, dtype=torch.uint8)),
        "boxes": tv_tensors.BoundingBoxes(torch.zeros(0, 4), format="XYXY", canvas_size=(height, width)),
        "labels": torch.zeros(0, dtype=torch.int64),
        "pitch_vector": torch.zeros(52),
    }


def test_padded_size_rounds_up_to_multiples_of_32():
    assert padded_size(128, 96) == (128, 96)
    assert padded_size(100, 97) == (128, 128)


def test_collate_pads_with_paper_and_marks_the_valid_region():
    batch = collate([_item(128, 96), _item(120, 130)])
    assert batch.images.shape == (2, 1, 128, 160)
    assert batch.sizes == [(128, 96), (120, 130)]
    assert batch.valid[0, 0, :, :96].all() and not batch.valid[0, 0, :, 96:].any()
    assert batch.valid[1, 0, :120, :130].all() and not batch.valid[1, 0, 120:].any() and not batch.valid[1, 0, :, 130:].any()
    assert (batch.images[1, 0, :, 130:] == 1.0).all()  # padding is white paper
    assert (batch.masks[1, :, 130:] == 0).all() and (batch.masks[1, :120, :130] == 3).all()


def test_pad_image_keeps_content_at_the_top_left():
    image = torch.arange(6, dtype=torch.float32).reshape(1, 2, 3)
    padded = pad_image(image, (32, 32), fill=-1.0)
    assert torch.equal(padded[:, :2, :3], image) and (padded[:, 2:, :] == -1).all()


def test_load_split_caches_images_and_masks_as_uint8(tiny_dataset):
    samples = load_split(tiny_dataset, "train")
    assert len(samples) == 16
    first = samples[0]
    assert first.image.dtype == torch.uint8 and first.image.shape == (1, first.label.height, first.label.width)
    assert first.mask.shape == first.image.shape[1:]
    assert first.pitch_vector.sum() == len({n.name for n in first.label.notes})
    item = SampleDataset(samples)[0]
    assert isinstance(item["boxes"], tv_tensors.BoundingBoxes) and len(item["boxes"]) == len(item["labels"])


def test_a_batch_crosses_process_boundaries_whole():
    """A DataLoader worker pickles each batch; small tensors travel inline and `valid` is rebuilt from the sizes."""
    batch = collate([_item(128, 96), _item(120, 130)])
    batch.boxes[0] = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
    batch.labels[0] = torch.tensor([2])
    copy = pickle.loads(pickle.dumps(batch))
    assert torch.equal(copy.images, batch.images) and torch.equal(copy.valid, batch.valid)
    assert torch.equal(copy.masks, batch.masks) and copy.sizes == batch.sizes
    assert all(torch.equal(a, b) for a, b in zip(copy.boxes, batch.boxes))
    assert all(torch.equal(a, b) for a, b in zip(copy.labels, batch.labels))
    assert torch.equal(copy.pitch_vectors, batch.pitch_vectors)


def test_dataset_without_masks_serves_none(tiny_dataset):
    samples = load_split(tiny_dataset, "val")
    assert "mask" not in SampleDataset(samples, with_mask=False)[0]
    assert collate([SampleDataset(samples, with_mask=False)[i] for i in range(2)]).masks is None
