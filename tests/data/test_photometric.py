import pytest
import torch
from torchvision.transforms.v2 import functional as F

from omr.data.batching import valid_region
from omr.data.photometric import BatchPhotometric, gaussian_blur_3x3


def _staves(count: int, size: tuple[int, int]) -> torch.Tensor:
    images = torch.ones(count, 1, *size)
    images[:, :, 20:60:8, 4:40] = 0.0  # staff lines
    images[:, :, 30:38, 10:18] = 0.2  # a head
    return images


@pytest.mark.parametrize("sigma", [0.1, 0.5, 0.9])
def test_blur_matches_torchvisions_gaussian_blur(sigma):
    images = torch.rand(2, 1, 17, 23)
    expected = F.gaussian_blur(images, kernel_size=[3, 3], sigma=[sigma, sigma])
    assert torch.allclose(gaussian_blur_3x3(images, torch.tensor([sigma, sigma])), expected, atol=1e-6)


def test_each_image_of_a_batch_draws_its_own_distortion():
    torch.manual_seed(0)
    out = BatchPhotometric().apply(_staves(32, (64, 48)), torch.ones(32, 1, 64, 48, dtype=torch.bool))
    assert len({round(float(image.mean()), 4) for image in out}) > 16
    assert float(out.min()) >= 0.0 and float(out.max()) <= 1.0


def test_padding_outside_each_image_stays_paper():
    torch.manual_seed(1)
    sizes = [(64, 30), (40, 48)]
    valid = valid_region(sizes, (64, 48))
    images = torch.where(valid, _staves(2, (64, 48)), torch.ones(()))
    out = BatchPhotometric(distort_p=1.0, blur_p=1.0, noise_p=1.0).apply(images, valid)
    assert torch.equal(out[~valid], torch.ones(int((~valid).sum())))
    assert not torch.equal(out[valid], images[valid])


def test_no_distortion_drawn_leaves_the_batch_unchanged():
    images = _staves(4, (32, 32))
    plain = BatchPhotometric(distort_p=0.0, blur_p=0.0, noise_p=0.0)
    assert torch.equal(plain.apply(images, torch.ones_like(images, dtype=torch.bool)), images)
