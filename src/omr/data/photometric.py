"""The `ssd` preset's photometric distortions, drawn per image but applied to a whole padded batch at once.

Per sample, torchvision's v2 RandomPhotometricDistort, GaussianBlur and GaussianNoise cost ~0.6 ms of a v02
sample's ~2.2 ms, mostly per-call dispatch, and the network waited for it (benchmarks/train_speed.py prints the
loader's cost per image). Here each image still draws its own parameters from the same distributions as those
transforms, but a batch takes a few vectorised ops (~1 ms for 8 images of 128x192). Pixels outside an image's valid region stay paper, as at prediction time.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch

from omr.data.batching import Batch


@dataclass(frozen=True)
class BatchPhotometric:
    brightness: tuple[float, float] = (0.8, 1.1)  # multiplier, as v2.RandomPhotometricDistort(brightness=...)
    contrast: tuple[float, float] = (0.6, 1.4)  # blend with the image's mean grey, as its contrast=...
    distort_p: float = 0.5  # brightness and contrast each apply with this chance (its p)
    blur_sigma: tuple[float, float] = (0.1, 0.9)  # 3x3 Gaussian with reflect padding, as v2.GaussianBlur(3, sigma)
    blur_p: float = 0.3
    noise_sigma: float = 0.04  # additive, clipped to [0, 1], as v2.GaussianNoise(sigma)
    noise_p: float = 0.3

    def __call__(self, batch: Batch) -> Batch:
        return dataclasses.replace(batch, images=self.apply(batch.images, batch.valid))

    def apply(self, images: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        """Distort Bx1xHxW float images in [0, 1]; `valid` (Bx1xHxW bool) marks each image's own pixels."""
        count = images.shape[0]
        draws = torch.rand(count, 7)
        per_image = (count, 1, 1, 1)
        brightness = torch.where(draws[:, 0] < self.distort_p, _uniform(draws[:, 1], self.brightness), 1.0)
        contrast = torch.where(draws[:, 2] < self.distort_p, _uniform(draws[:, 3], self.contrast), 1.0)
        out = (images * brightness.view(per_image)).clamp_(0.0, 1.0)
        # The blend's grey is the mean of the image's own pixels, so padding does not brighten it.
        inside = valid.to(images.dtype)
        mean = (out * inside).sum(dim=(1, 2, 3)) / inside.sum(dim=(1, 2, 3)).clamp_min(1.0)
        out.mul_(contrast.view(per_image)).add_(((1.0 - contrast) * mean).view(per_image)).clamp_(0.0, 1.0)
        blurred = torch.nonzero(draws[:, 4] < self.blur_p).flatten()
        if blurred.numel():
            out[blurred] = gaussian_blur_3x3(out[blurred], _uniform(draws[blurred, 5], self.blur_sigma))
        noisy = torch.nonzero(draws[:, 6] < self.noise_p).flatten()
        if noisy.numel():
            noise = torch.randn((noisy.numel(), *images.shape[1:]), dtype=images.dtype).mul_(self.noise_sigma)
            out[noisy] = noise.add_(out[noisy]).clamp_(0.0, 1.0)
        return torch.where(valid, out, images)


def gaussian_blur_3x3(images: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
    """Blur each of Bx1xHxW images with its own 3x3 Gaussian (reflect padding), separably: a grouped convolution
    with one kernel per image was 8x slower on the CPU."""
    side = torch.exp(-0.5 / sigma.clamp_min(1e-6) ** 2)
    edge = (side / (1.0 + 2.0 * side)).view(-1, 1, 1, 1).to(images.dtype)
    centre = 1.0 - 2.0 * edge
    padded = torch.nn.functional.pad(images, (1, 1, 1, 1), mode="reflect")
    rows = centre * padded[:, :, 1:-1, :] + edge * (padded[:, :, :-2, :] + padded[:, :, 2:, :])
    return centre * rows[..., 1:-1] + edge * (rows[..., :-2] + rows[..., 2:])


def _uniform(unit: torch.Tensor, bounds: tuple[float, float]) -> torch.Tensor:
    return bounds[0] + unit * (bounds[1] - bounds[0])
