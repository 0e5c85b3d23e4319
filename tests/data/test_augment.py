import pytest
import torch

from omr.data import DETECTION_CLASSES, SampleDataset, build_augmentation, load_split
from omr.samples import MASK_CLASSES

HEAD_LABELS = {DETECTION_CLASSES.index(n) + 1 for n in ("notehead_filled", "notehead_hollow")}
ACCIDENTAL_LABELS = {DETECTION_CLASSES.index(n) + 1 for n in ("sharp", "flat", "natural")}
HEAD_MASK = [MASK_CLASSES.index("notehead_filled"), MASK_CLASSES.index("notehead_hollow")]


@pytest.fixture(scope="module")
def augmented(tiny_dataset):
    torch.manual_seed(3)
    samples = load_split(tiny_dataset, "train")
    dataset = SampleDataset(samples, build_augmentation("ssd"))
    return [(samples[i % len(samples)], dataset[i % len(samples)]) for i in range(48)]


def test_boxes_follow_the_noteheads_through_augmentation(augmented):
    for _, item in augmented:
        heads = torch.isin(item["mask"], torch.tensor(HEAD_MASK))
        inside = torch.zeros_like(heads)
        for box, label in zip(item["boxes"], item["labels"]):
            if int(label) in HEAD_LABELS:
                x0, y0, x1, y1 = box.round().int().tolist()
                inside[max(y0 - 1, 0) : y1 + 1, max(x0 - 1, 0) : x1 + 1] = True
                assert item["image"][0, y0:y1, x0:x1].mean() < 0.75  # a box still sits on ink
        assert (heads & inside).sum() >= 0.97 * heads.sum()


def test_augmentation_never_crops_a_labelled_symbol_away(augmented):
    for sample, item in augmented:
        assert item["labels"].tolist() == sample.labels.tolist()
        assert torch.equal(item["pitch_vector"], sample.pitch_vector)


def test_augmentation_never_flips(augmented):
    """Accidentals stay left of their heads; heads stay on their side of the staff's middle (a flip breaks either)."""
    for sample, item in augmented:
        for box, label in zip(item["boxes"], item["labels"]):
            if int(label) in ACCIDENTAL_LABELS:
                right = [b for b, lab in zip(item["boxes"], item["labels"]) if int(lab) in HEAD_LABELS and b[0] >= box[2] - 2]
                assert right, "an accidental lost its notehead on the right"
        assert _sides(sample.boxes, sample.labels) == _sides(item["boxes"], item["labels"])


def _sides(boxes: torch.Tensor, labels: torch.Tensor) -> list[int]:
    staff = boxes[labels == DETECTION_CLASSES.index("staff") + 1][0]
    middle, space = (staff[1] + staff[3]) / 2, (staff[3] - staff[1]) / 4
    sides = []
    for box, label in zip(boxes, labels):
        offset = ((box[1] + box[3]) / 2 - middle) / space
        if int(label) in HEAD_LABELS and abs(offset) > 0.75:
            sides.append(int(torch.sign(offset)))
    return sides


def test_ssd_preset_changes_the_scale_within_limits(augmented):
    ratios = [item["image"].shape[-2] / sample.image.shape[-2] for sample, item in augmented]
    assert min(ratios) < 0.95 and max(ratios) > 1.1 and max(ratios) < 1.4 * 1.4 + 0.01


def test_none_preset_returns_the_image_unchanged_as_float(tiny_dataset):
    sample = load_split(tiny_dataset, "val")[0]
    item = SampleDataset([sample], build_augmentation("none"))[0]
    assert torch.allclose(item["image"], sample.image.float() / 255)


def test_unknown_preset_names_the_choices():
    with pytest.raises(ValueError, match="none"):
        build_augmentation("flip")


@pytest.mark.parametrize("factor", [0.8, 1.4])
def test_scale_jitter_keeps_a_one_pixel_line_and_its_mask_on_the_same_row(factor):
    from torchvision import tv_tensors

    from omr.data.augment import RandomScale

    image = torch.full((1, 40, 40), 255, dtype=torch.uint8)
    image[0, 20, :] = 0
    mask = torch.zeros(40, 40, dtype=torch.uint8)
    mask[20, :] = 1
    out = RandomScale(factor, factor)({"image": tv_tensors.Image(image), "mask": tv_tensors.Mask(mask)})
    ink = 255.0 - out["image"][0, :, 10].float()
    centre = float((ink * torch.arange(len(ink))).sum() / ink.sum())
    rows = torch.nonzero(out["mask"][:, 10]).flatten().float()
    assert abs(float(rows.mean()) - centre) <= 0.5


def test_width_crop_cuts_between_symbols_and_drops_the_boxes_outside(tiny_dataset):
    torch.manual_seed(0)
    samples = [s for s in load_split(tiny_dataset, "train") if s.image.shape[-1] > 64]
    assert samples, "the tiny dataset needs staves wider than the crop"
    dataset = SampleDataset(samples, build_augmentation("none", crop_width=48))
    staff_label = DETECTION_CLASSES.index("staff") + 1
    cropped_some = False
    for _ in range(4):
        for sample, item in zip(samples, dataset):
            width = item["image"].shape[-1]
            cropped_some |= width < sample.image.shape[-1]
            assert item["mask"].shape[-1] == width
            original = {tuple(round(v, 3) for v in (b[2] - b[0], b[3] - b[1])) for b in sample.boxes.tolist()}
            for box, label in zip(item["boxes"].tolist(), item["labels"].tolist()):
                if label != staff_label:  # every symbol box is whole: its size is one of the original sizes
                    assert tuple(round(v, 3) for v in (box[2] - box[0], box[3] - box[1])) in original
            assert staff_label in item["labels"].tolist()
    assert cropped_some


def test_ssd_preset_with_a_crop_width_trains_on_windows_of_whole_heads(tiny_dataset):
    """The ssd preset cuts a wider window first and the crop_width one last; neither may cut a notehead."""
    torch.manual_seed(1)
    samples = [s for s in load_split(tiny_dataset, "train") if s.image.shape[-1] > 96]
    dataset = SampleDataset(samples, build_augmentation("ssd", crop_width=48))

    def head_aspects(boxes, labels) -> list[float]:
        return [float((b[2] - b[0]) / (b[3] - b[1])) for b, lab in zip(boxes, labels) if int(lab) in HEAD_LABELS]

    rendered = head_aspects(samples[0].boxes, samples[0].labels)
    narrower = 0
    for _ in range(3):
        for sample, item in zip(samples, dataset):
            narrower += item["image"].shape[-1] < sample.image.shape[-1]
            for aspect in head_aspects(item["boxes"], item["labels"]):  # a cut head would be a narrower box
                assert min(rendered) * 0.85 <= aspect <= max(rendered) * 1.15
    assert narrower >= len(samples)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_small_rotation_turns_images_masks_and_boxes_as_torchvision_does(seed):
    from torchvision import tv_tensors
    from torchvision.transforms import v2
    from torchvision.transforms.v2 import functional as F

    from omr.data.augment import SmallRotation

    torch.manual_seed(seed)
    image = torch.randint(0, 256, (1, 128, 256), dtype=torch.uint8)
    mask = torch.randint(0, 5, (128, 256), dtype=torch.uint8)
    boxes = tv_tensors.BoundingBoxes(torch.tensor([[10.0, 20.0, 30.0, 28.0]]), format="XYXY", canvas_size=(128, 256))
    rotation = SmallRotation(degrees=2.0)
    params = rotation.make_params([tv_tensors.Image(image)])
    angle, nearest = params["angle"], v2.InterpolationMode.NEAREST
    assert 0.0 < abs(angle) <= 2.0
    turned = rotation.transform(tv_tensors.Image(image), params)
    assert (turned != F.rotate(image, angle, interpolation=nearest, fill=255)).float().mean() < 1e-3
    turned_mask = rotation.transform(tv_tensors.Mask(mask), params)
    assert (turned_mask != F.rotate(mask[None], angle, interpolation=nearest, fill=0)[0]).float().mean() < 1e-3
    assert torch.allclose(rotation.transform(boxes, params), F.rotate(boxes, angle))


def test_crops_leave_images_narrower_than_the_window_untouched(tiny_dataset):
    from omr.data.augment import RandomWidthCrop

    sample = load_split(tiny_dataset, "val")[0]
    item = SampleDataset([sample])[0]
    out = RandomWidthCrop(sample.image.shape[-1] + 10)(item)
    assert out["image"] is item["image"] and out["boxes"] is item["boxes"]


def test_sanitizing_drops_degenerate_boxes_with_their_labels_as_torchvision_does():
    from torchvision import tv_tensors
    from torchvision.transforms import v2

    from omr.data.augment import SanitizeBoxes

    boxes = torch.tensor([[2.0, 2.0, 10.0, 9.0], [5.0, 5.0, 5.5, 12.0], [30.0, 1.0, 41.0, 8.0], [3.0, 3.0, 9.0, 3.0]])
    item = {
        "image": tv_tensors.Image(torch.zeros(1, 20, 40, dtype=torch.uint8)),
        "boxes": tv_tensors.BoundingBoxes(boxes, format="XYXY", canvas_size=(20, 40)),
        "labels": torch.tensor([1, 2, 3, 4]),
        "pitch_vector": torch.zeros(52),
    }
    ours, theirs = SanitizeBoxes()(item), v2.SanitizeBoundingBoxes(min_size=1.0)(item)
    assert ours["labels"].tolist() == theirs["labels"].tolist() == [1]
    assert torch.equal(ours["boxes"], theirs["boxes"]) and isinstance(ours["boxes"], tv_tensors.BoundingBoxes)
    whole = {**item, "boxes": tv_tensors.wrap(item["boxes"][:1], like=item["boxes"]), "labels": item["labels"][:1]}
    assert SanitizeBoxes()(whole) is whole
