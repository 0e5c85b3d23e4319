"""Training-side staff normalisation: the staff box (which followed the augmented image) is mapped to staff space 8
with the middle line on the centre row of a 128-row canvas, image and boxes together."""

import torch
from torchvision import tv_tensors

from omr.data.augment import StaffNormalize
from omr.samples import STAFF_CANVAS_HEIGHT, STAFF_CANVAS_MIDDLE


def sample(height, width, staff_top, space, line=1.0):
    """A white image with five dark lines and their staff box, plus one notehead box on the middle line."""
    image = torch.full((1, height, width), 255, dtype=torch.uint8)
    for k in range(5):
        row = int(staff_top + k * space)
        image[0, row : row + max(1, round(line)), 4 : width - 4] = 0
    bottom = staff_top + 4 * space + line
    middle = (staff_top + bottom) / 2
    boxes = torch.tensor([[4.0, staff_top, width - 4.0, bottom], [20.0, middle - space / 2, 31.0, middle + space / 2]])
    return {
        "image": tv_tensors.Image(image),
        "boxes": tv_tensors.BoundingBoxes(boxes, format="XYXY", canvas_size=(height, width)),
        "labels": torch.tensor([1, 2]),
    }


def test_staff_box_lands_on_canvas_centre_at_training_staff_space():
    out = StaffNormalize()(sample(height=200, width=150, staff_top=120.0, space=12.0, line=1.5))

    assert out["image"].shape[-2] == STAFF_CANVAS_HEIGHT
    staff, head = out["boxes"]
    assert abs((staff[1] + staff[3]) / 2 - STAFF_CANVAS_MIDDLE) <= 0.75
    assert abs((staff[3] - staff[1]) / 4.125 - 8.0) <= 0.25
    assert abs((head[1] + head[3]) / 2 - STAFF_CANVAS_MIDDLE) <= 0.75  # the note stays on the middle line
    dark_rows = torch.nonzero((out["image"][0] < 128).any(dim=1)).flatten()
    assert abs(float(dark_rows.float().median()) - 64) <= 1.5  # ink (not only the labels) moved with it


def test_training_geometry_is_left_unchanged():
    item = sample(height=128, width=96, staff_top=48.0, space=8.0)
    out = StaffNormalize()(item)

    assert torch.equal(out["image"], item["image"])
    assert torch.allclose(out["boxes"], item["boxes"])
