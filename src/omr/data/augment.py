"""Augmentation presets chosen by name, built from torchvision.transforms.v2 so boxes and masks follow the image.

Music constraints (PITFALLS 'Music'): never flip (accidentals would sit right of heads, pitches would change),
rotate only slightly, and never crop ink away: a crop that cut a note would silently falsify the pitch vector.
torchvision's transforms draw from torch's global generator; the training engine seeds it from params.
"""

from __future__ import annotations

from typing import Any, Callable

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F

AUGMENTATIONS = ("none", "ssd")
_FILL = {tv_tensors.Image: 255, tv_tensors.Mask: 0, "others": 0}
INK_THRESHOLD = 160  # uint8 grey below which a pixel is ink (anti-aliased edges included)


def build_augmentation(name: str) -> Callable[[dict], dict]:
    """The named preset: `none` (uint8 -> float only) or `ssd` (photometric, zoom-out, ink-safe crop, scale, ...)."""
    to_float = v2.ToDtype({tv_tensors.Image: torch.float32, "others": None}, scale=True)
    if name == "none":
        return v2.Compose([to_float])
    if name == "ssd":
        return v2.Compose(
            [
                v2.RandomPhotometricDistort(brightness=(0.8, 1.1), contrast=(0.6, 1.4), p=0.5),
                v2.RandomZoomOut(fill=_FILL, side_range=(1.0, 1.25), p=0.5),
                InkSafeCrop(p=0.7),
                RandomScale(0.75, 1.4),
                v2.RandomApply([v2.RandomRotation(degrees=2.0, fill=_FILL)], p=0.3),
                to_float,
                v2.RandomApply([v2.GaussianBlur(kernel_size=3, sigma=(0.1, 0.9))], p=0.3),
                v2.RandomApply([v2.GaussianNoise(sigma=0.04)], p=0.3),
                v2.SanitizeBoundingBoxes(min_size=1.0),
            ]
        )
    raise ValueError(f"unknown augmentation {name!r}; expected one of {list(AUGMENTATIONS)}")


def _image_of(flat_inputs: list[Any]) -> torch.Tensor:
    for inpt in flat_inputs:
        if isinstance(inpt, tv_tensors.Image):
            return inpt
    raise TypeError("augmentation needs a tv_tensors.Image in the sample")


class InkSafeCrop(v2.Transform):
    """An IoU-style random crop whose window always contains every ink pixel and every box (so all five staff
    lines, every note and its stem survive), i.e. it only trims random amounts of blank margin."""

    def __init__(self, p: float = 1.0) -> None:
        super().__init__()
        self.p = p

    def make_params(self, flat_inputs: list[Any]) -> dict[str, Any]:
        image = _image_of(flat_inputs)
        height, width = image.shape[-2:]
        if torch.rand(()) >= self.p:
            return {"top": 0, "left": 0, "height": height, "width": width}
        ink = image[0] < INK_THRESHOLD
        rows = torch.nonzero(ink.any(dim=1)).flatten()
        cols = torch.nonzero(ink.any(dim=0)).flatten()
        if rows.numel() == 0:
            return {"top": 0, "left": 0, "height": height, "width": width}
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        for inpt in flat_inputs:
            if isinstance(inpt, tv_tensors.BoundingBoxes) and inpt.numel():
                y0 = min(y0, int(inpt[:, 1].min().floor()))
                x0 = min(x0, int(inpt[:, 0].min().floor()))
                y1 = max(y1, int(inpt[:, 3].max().ceil()))
                x1 = max(x1, int(inpt[:, 2].max().ceil()))
        y0, x0, y1, x1 = max(y0, 0), max(x0, 0), min(y1, height), min(x1, width)
        top = int(torch.randint(0, y0 + 1, ()))
        left = int(torch.randint(0, x0 + 1, ()))
        bottom = int(torch.randint(y1, height + 1, ()))
        right = int(torch.randint(x1, width + 1, ()))
        return {"top": top, "left": left, "height": bottom - top, "width": right - left}

    def transform(self, inpt: Any, params: dict[str, Any]) -> Any:
        return self._call_kernel(F.crop, inpt, **params)


class RandomScale(v2.Transform):
    """Resize by a random factor so the models see other staff-space sizes (the `long` set uses ~11 px)."""

    def __init__(self, low: float, high: float) -> None:
        super().__init__()
        self.low, self.high = low, high

    def make_params(self, flat_inputs: list[Any]) -> dict[str, Any]:
        height, width = _image_of(flat_inputs).shape[-2:]
        factor = self.low + float(torch.rand(())) * (self.high - self.low)
        return {"size": [max(8, round(height * factor)), max(8, round(width * factor))]}

    def transform(self, inpt: Any, params: dict[str, Any]) -> Any:
        if isinstance(inpt, tv_tensors.Mask):
            # torchvision resizes masks with plain `nearest`, which samples half a source pixel off the bilinear
            # image: 1-px staff lines and head borders would then be learned shifted. `nearest-exact` is centred.
            resized = torch.nn.functional.interpolate(inpt[None, None].float(), size=params["size"], mode="nearest-exact")
            return tv_tensors.wrap(resized[0, 0].to(inpt.dtype), like=inpt)
        return self._call_kernel(F.resize, inpt, size=params["size"], antialias=True)
