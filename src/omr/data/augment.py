"""Augmentation presets chosen by name, built from torchvision.transforms.v2 so boxes and masks follow the image.

Music constraints (PITFALLS 'Music'): never flip (accidentals would sit right of heads, pitches would change),
rotate only slightly, and never crop ink away: a crop that cut a note would silently falsify the pitch vector.
torchvision's transforms draw from torch's global generator; the training engine seeds it from params.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import torch
from torchvision import tv_tensors
from torchvision.transforms import v2
from torchvision.transforms.v2 import functional as F

from omr.data.batching import Batch
from omr.data.photometric import BatchPhotometric
from omr.samples import STAFF_CANVAS_HEIGHT, STAFF_CANVAS_MIDDLE, STAFF_CANVAS_SPACE

AUGMENTATIONS = ("none", "ssd")
_FILL = {tv_tensors.Image: 255, tv_tensors.Mask: 0, "others": 0}
INK_THRESHOLD = 160  # uint8 grey below which a pixel is ink (anti-aliased edges included)


def build_augmentation(name: str, staff_normalize: bool = False, crop_width: int | None = None,
                       sanitize_boxes: bool = True, max_rotation: float = 2.0) -> Callable[[dict], dict]:
    """The named preset's geometric part, per sample: `none` (uint8 -> float only) or `ssd` (zoom-out, ink-safe
    crop, scale, small rotation, ...). Its photometric part works on whole batches: build_batch_augmentation.

    staff_normalize: after the geometric transforms, map every sample so its staff (from the `staff` box, which
    followed the image) has the training staff space with its middle line on the centre of a 128-row canvas (what
    omr.transcribe.recognize does to an image from its staff lines); small residual jitter mimics that estimate's error.
    crop_width: last, cut a random window about this wide out of wider images, between symbols (not for the
    regression: a window's pitch vector is not the image's). `ssd` also cuts a window 1.5 times as wide first, so
    its transforms work on what can end up in the last one (a scale of 0.75 still leaves it wide enough).
    sanitize_boxes: drop boxes the transforms made degenerate; only needed where boxes are targets (detection).
    max_rotation: degrees of the small rotation (0: none); targets that do not turn with the image (a staff
    position read from a fixed row) want less.
    """
    to_float = v2.ToDtype({tv_tensors.Image: torch.float32, "others": None}, scale=True)
    normalize = [StaffNormalize(scale_jitter=0.04, shift_jitter=1)] if staff_normalize else []
    crop = [RandomWidthCrop(crop_width)] if crop_width else []
    if name == "none":  # no jitter: `none` means the training images as rendered (normalising them is the identity)
        sanitize = [SanitizeBoxes()] if crop_width and sanitize_boxes else []
        return v2.Compose([*([StaffNormalize()] if staff_normalize else []), *crop, *sanitize, to_float])
    if name == "ssd":
        # The first window only clips the staff box (symbols are never cut), so it needs no sanitising of its own.
        precrop = [RandomWidthCrop(math.ceil(1.5 * crop_width))] if crop_width else []
        return v2.Compose(
            [
                *precrop,
                v2.RandomZoomOut(fill=_FILL, side_range=(1.0, 1.25), p=0.5),
                InkSafeCrop(p=0.7),
                # Half the samples keep the rendered scale: a mask is ink coverage >= 1/2 at that scale, and no
                # resampled mask matches its resampled image to the pixel (ink/mask IoU 0.92-0.95 after a 0.75-1.3
                # rescale), so always rescaling taught blurred borders (v02 val notehead IoU 0.85 -> 0.94).
                # (Staff normalisation undoes any scale: there its jitter stands in for this.)
                *([] if staff_normalize else [v2.RandomApply([RandomScale(0.75, 1.4)], p=0.5)]),
                *normalize,
                *([v2.RandomApply([SmallRotation(degrees=max_rotation)], p=0.3)] if max_rotation > 0 else []),
                *crop,
                to_float,
                *([SanitizeBoxes()] if sanitize_boxes else []),
            ]
        )
    raise _unknown(name)


def build_batch_augmentation(name: str) -> Callable[[Batch], Batch] | None:
    """The named preset's photometric part, applied to collated batches (None: the preset has none)."""
    if name not in AUGMENTATIONS:
        raise _unknown(name)
    return BatchPhotometric() if name == "ssd" else None


def _unknown(name: str) -> ValueError:
    return ValueError(f"unknown augmentation {name!r}; expected one of {list(AUGMENTATIONS)}")


class SanitizeBoxes:
    """v2.SanitizeBoundingBoxes(min_size=1) for our items (boxes under "boxes", theirs under "labels"), by its own
    functional: the transform's generic input handling cost 0.2 ms per sample, which the detector waited for."""

    def __init__(self, min_size: float = 1.0) -> None:
        self.min_size = min_size

    def __call__(self, item: dict) -> dict:
        boxes = item["boxes"]
        kept, valid = F.sanitize_bounding_boxes(boxes.as_subclass(torch.Tensor), format=boxes.format,
                                                canvas_size=boxes.canvas_size, min_size=self.min_size)
        if bool(valid.all()):
            return item
        return {**item, "boxes": tv_tensors.wrap(kept, like=boxes), "labels": item["labels"][valid]}


def _image_of(flat_inputs: list[Any]) -> torch.Tensor:
    for inpt in flat_inputs:
        if isinstance(inpt, tv_tensors.Image):
            return inpt
    raise TypeError("augmentation needs a tv_tensors.Image in the sample")


def _crop(transform: v2.Transform, inpt: Any, params: dict[str, Any]) -> Any:
    """F.crop, skipped when the window is the whole image (v1 staves are narrower than any window): a no-op crop
    still costs ~0.1 ms of dispatch per sample, which the network would wait for."""
    if params["whole"]:
        return inpt
    return transform._call_kernel(F.crop, inpt, top=params["top"], left=params["left"], height=params["height"],
                                  width=params["width"])


def _window(top: int, left: int, height: int, width: int, canvas: tuple[int, int]) -> dict[str, Any]:
    whole = top == 0 and left == 0 and (height, width) == tuple(canvas)
    return {"top": top, "left": left, "height": height, "width": width, "whole": whole}


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
            return _window(0, 0, height, width, (height, width))
        # Plain tensors: each op on a tv_tensor pays for torch_function dispatch.
        ink = image.as_subclass(torch.Tensor)[0] < INK_THRESHOLD
        rows = torch.nonzero(ink.any(dim=1)).flatten()
        cols = torch.nonzero(ink.any(dim=0)).flatten()
        if rows.numel() == 0:
            return _window(0, 0, height, width, (height, width))
        y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
        for inpt in flat_inputs:
            if isinstance(inpt, tv_tensors.BoundingBoxes) and inpt.numel():
                boxes = inpt.as_subclass(torch.Tensor)
                left, top = boxes[:, :2].min(dim=0).values.floor().tolist()
                right, bottom = boxes[:, 2:].max(dim=0).values.ceil().tolist()
                y0, x0, y1, x1 = min(y0, int(top)), min(x0, int(left)), max(y1, int(bottom)), max(x1, int(right))
        y0, x0, y1, x1 = max(y0, 0), max(x0, 0), min(y1, height), min(x1, width)
        top = int(torch.randint(0, y0 + 1, ()))
        left = int(torch.randint(0, x0 + 1, ()))
        bottom = int(torch.randint(y1, height + 1, ()))
        right = int(torch.randint(x1, width + 1, ()))
        return _window(top, left, bottom - top, right - left, (height, width))

    def transform(self, inpt: Any, params: dict[str, Any]) -> Any:
        return _crop(self, inpt, params)


class RandomWidthCrop(v2.Transform):
    """A random window about `width` px wide (full height) of images wider than that; narrower ones pass unchanged.
    Its edges move outwards to the nearest gap between symbols, so no head, accidental, clef or barline is cut
    (their boxes stay exact) and only the staff box, which spans the image, is clipped to the window.
    A step's cost grows with the batch's width, so cropping buys more steps for the same time on wide staves."""

    def __init__(self, width: int) -> None:
        super().__init__()
        if width < 32:
            raise ValueError(f"crop_width: must be >= 32 px, got {width}")
        self.width = width

    def make_params(self, flat_inputs: list[Any]) -> dict[str, Any]:
        height, width = _image_of(flat_inputs).shape[-2:]
        if width <= self.width:
            return _window(0, 0, height, width, (height, width))
        left = int(torch.randint(0, width - self.width + 1, ()))
        right = left + self.width
        symbols = [box for inpt in flat_inputs if isinstance(inpt, tv_tensors.BoundingBoxes)
                   for box in inpt.tolist() if box[2] - box[0] <= 2.5 * (box[3] - box[1])]  # not the staff box
        # Right to left (left to right): a box the moving edge reaches next is visited after the one that moved it.
        for x0, _, x1, _ in sorted(symbols, key=lambda box: -box[0]):
            if x0 < left < x1:
                left = int(x0)
        for x0, _, x1, _ in sorted(symbols, key=lambda box: box[2]):
            if x0 < right < x1:
                right = int(x1) + 1
        left, right = max(0, left), min(width, right)
        return _window(0, left, height, right - left, (height, width))

    def transform(self, inpt: Any, params: dict[str, Any]) -> Any:
        return _crop(self, inpt, params)


class SmallRotation(v2.Transform):
    """v2.RandomRotation(degrees, fill=paper) for images and masks, both sampled nearest as it does, at half its
    cost: its sampling grid comes from a batched matrix product (0.17 ms per call on this CPU); here the grid is two
    broadcast sums. Boxes go through torchvision's own rotate kernel."""

    def __init__(self, degrees: float) -> None:
        super().__init__()
        self.degrees = degrees

    def make_params(self, flat_inputs: list[Any]) -> dict[str, Any]:
        height, width = _image_of(flat_inputs).shape[-2:]
        angle = self.degrees * (2.0 * float(torch.rand(())) - 1.0)
        return {"angle": angle, "grid": _rotation_grid(height, width, angle)}

    def transform(self, inpt: Any, params: dict[str, Any]) -> Any:
        if isinstance(inpt, (tv_tensors.Image, tv_tensors.Mask)):
            fill = _FILL[tv_tensors.Image if isinstance(inpt, tv_tensors.Image) else tv_tensors.Mask]
            return tv_tensors.wrap(_sample_nearest(inpt.as_subclass(torch.Tensor), params["grid"], fill), like=inpt)
        if isinstance(inpt, tv_tensors.BoundingBoxes):
            return self._call_kernel(F.rotate, inpt, angle=params["angle"])
        return inpt


def _rotation_grid(height: int, width: int, angle: float) -> torch.Tensor:
    """grid_sample's 1xHxWx2 grid turning an image `angle` degrees anticlockwise about its centre (torchvision's
    convention), normalised to the image padded by one pixel on every side (see _sample_nearest)."""
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    xs = torch.arange(width, dtype=torch.float32) + (0.5 - width / 2)  # pixel centres about the image centre
    ys = (torch.arange(height, dtype=torch.float32) + (0.5 - height / 2))[:, None]
    source_x = (cos * xs - sin * ys) / ((width + 2) / 2)
    source_y = (sin * xs + cos * ys) / ((height + 2) / 2)
    return torch.stack([source_x, source_y], dim=-1)[None]


def _sample_nearest(plane: torch.Tensor, grid: torch.Tensor, fill: int) -> torch.Tensor:
    """Sample a HxW or CxHxW uint8 tensor at `grid`; everything outside it reads `fill` (a one-pixel frame of it,
    repeated outwards by the border mode)."""
    framed = torch.nn.functional.pad(plane.reshape(1, -1, *plane.shape[-2:]).float(), (1, 1, 1, 1), value=float(fill))
    out = torch.nn.functional.grid_sample(framed, grid, mode="nearest", padding_mode="border", align_corners=False)
    return out.reshape(plane.shape).round_().to(plane.dtype)


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
            return resize_mask(inpt, params["size"])
        return self._call_kernel(F.resize, inpt, size=params["size"], antialias=True)


def resize_mask(mask: torch.Tensor, size: list[int]) -> torch.Tensor:
    """Nearest-exact resize of a class mask. torchvision resizes masks with plain `nearest`, which samples half a
    source pixel off the bilinear image: 1-px staff lines and head borders would then be learned shifted."""
    resized = torch.nn.functional.interpolate(mask[None, None].float(), size=size, mode="nearest-exact")
    return tv_tensors.wrap(resized[0, 0].to(mask.dtype), like=mask)


LINE_TO_SPACE = 1.0 / 8.0  # training sets: 1 px lines at 8 px staff space; a staff box spans 4 spaces + 1 line


class StaffNormalize(v2.Transform):
    """Rescale so the staff space is `space` and shift/crop/pad rows so the middle staff line lands on `middle` of a
    `height`-row canvas; the staff comes from the sample's `staff` box (top/bottom = outer lines incl. thickness).
    Samples without a staff box pass unchanged. With `scale_jitter`/`shift_jitter` the target is perturbed a little."""

    def __init__(self, space: float = STAFF_CANVAS_SPACE, height: int = STAFF_CANVAS_HEIGHT,
                 middle: float = STAFF_CANVAS_MIDDLE, scale_jitter: float = 0.0, shift_jitter: int = 0) -> None:
        super().__init__()
        self.space, self.height, self.middle = space, height, middle
        self.scale_jitter, self.shift_jitter = scale_jitter, shift_jitter

    def make_params(self, flat_inputs: list[Any]) -> dict[str, Any]:
        height, width = _image_of(flat_inputs).shape[-2:]
        staff = None
        # v2 hands make_params only the transformable inputs (labels are not among them): the staff box is the widest
        # one (it spans the whole staff; heads and accidentals are about one staff space wide).
        for inpt in flat_inputs:
            if isinstance(inpt, tv_tensors.BoundingBoxes) and inpt.numel():
                widest = inpt[int(torch.argmax(inpt[:, 2] - inpt[:, 0]))]
                if float(widest[2] - widest[0]) > 3 * float(widest[3] - widest[1]) / 4:
                    staff = widest
        if staff is None:
            return {"skip": True}
        y0, y1 = float(staff[1]), float(staff[3])
        factor = self.space * (4.0 + LINE_TO_SPACE) / max(y1 - y0, 1e-6)
        if self.scale_jitter:
            factor *= 1.0 + self.scale_jitter * (2.0 * float(torch.rand(())) - 1.0)
        size = [max(8, round(height * factor)), max(8, round(width * factor))]
        middle = (y0 + y1) / 2.0 * size[0] / height
        top = round(middle - self.middle)
        if self.shift_jitter:
            top += int(torch.randint(-self.shift_jitter, self.shift_jitter + 1, ()))
        return {"skip": False, "size": size, "top": top}

    def transform(self, inpt: Any, params: dict[str, Any]) -> Any:
        if params["skip"] or not isinstance(inpt, (tv_tensors.Image, tv_tensors.Mask, tv_tensors.BoundingBoxes)):
            return inpt
        if isinstance(inpt, tv_tensors.Mask):
            out = resize_mask(inpt, params["size"])
        else:
            out = self._call_kernel(F.resize, inpt, size=params["size"], antialias=True)
        top, new_height = params["top"], params["size"][0]
        pad_top, pad_bottom = max(0, -top), max(0, top + self.height - new_height)
        if pad_top or pad_bottom:
            fill = 255 if isinstance(inpt, tv_tensors.Image) else 0
            out = self._call_kernel(F.pad, out, padding=[0, pad_top, 0, pad_bottom], fill=fill)
        return self._call_kernel(F.crop, out, top=top + pad_top, left=0, height=self.height, width=params["size"][1])
