"""Detection: torchvision's SSD on a backbone built from the smp encoder, with pixel-sized anchors.

torchvision's DefaultBoxGenerator sizes anchors as fractions of the image and the SSD transform resizes every input
to a fixed size; both would break varying-width staffs. Here anchors are in pixels (sized for staff space 8 and the
0.75-1.4 scale jitter) and inputs keep their size (padded to multiples of 32 by the caller).
"""

from __future__ import annotations

from collections import OrderedDict

import torch
from torch import nn
from torch.nn import functional as F
from torchvision.models.detection.image_list import ImageList
from torchvision.models.detection.ssd import SSD, SSDHead
from torchvision.models.detection.transform import GeneralizedRCNNTransform

from omr.models.config import ModelConfig
from omr.models.encoder import build_encoder
from omr.samples import BOX_CLASSES as SEED_CLASSES

# (width, height) in pixels per feature level. Stride 4: noteheads (~10x8 at staff space 8) and accidentals
# (~8x20); stride 16: the staff box (its width follows the note count, its height ~34 px spans the five lines).
# Heads sit anywhere on a 4 px (half staff space) grid: on a stride-8 grid a head half a cell off its anchor
# matched no anchor at IoU 0.5 and was learned from one low-quality match only (measured: recall 0.98 on v02).
ANCHORS = {
    4: ((10, 8), (14, 11), (7, 6), (8, 20), (11, 28)),
    16: ((64, 28), (128, 28), (256, 28), (512, 28), (64, 42), (128, 42), (256, 42), (512, 42)),
}
# Real notation adds shapes the seed's lists never had: augmentation dots (~4x4), whole/half rests and beam hooks
# (~10x4), time signatures and tall rests (~14x32), ties and short beam segments (~24x7) at stride 4, and long thin
# beam segments, ties and slurs (one box per beam level per segment: 30-150 px wide, 4-20 high as the slope goes) at
# stride 16. Only a detector of the notation classes gets them: the seed's models keep their anchors (and weights).
NOTATION_ANCHORS = {
    4: ANCHORS[4] + ((5, 5), (10, 5), (14, 32), (24, 7)),
    16: ANCHORS[16] + ((32, 10), (64, 14), (128, 20)),
}


class PixelAnchorGenerator(nn.Module):
    """Anchors of fixed pixel sizes centred on each feature cell, in SSDHead's order (level, y, x, anchor)."""

    def __init__(self, anchors: dict[int, tuple[tuple[int, int], ...]]) -> None:
        super().__init__()
        self.strides = tuple(anchors)
        self.sizes = [torch.tensor(anchors[s], dtype=torch.float32) for s in self.strides]

    def num_anchors_per_location(self) -> list[int]:
        return [len(s) for s in self.sizes]

    def forward(self, images: ImageList, feature_maps: list[torch.Tensor]) -> list[torch.Tensor]:
        height, width = images.tensors.shape[-2:]
        levels = []
        for feature, sizes in zip(feature_maps, self.sizes):
            rows, cols = feature.shape[-2:]
            step_y, step_x = height / rows, width / cols
            device = feature.device
            ys = (torch.arange(rows, device=device, dtype=torch.float32) + 0.5) * step_y
            xs = (torch.arange(cols, device=device, dtype=torch.float32) + 0.5) * step_x
            cy, cx = torch.meshgrid(ys, xs, indexing="ij")
            centres = torch.stack((cx, cy), dim=-1).reshape(-1, 1, 2)
            half = sizes.to(device).reshape(1, -1, 2) / 2
            levels.append(torch.cat((centres - half, centres + half), dim=-1).reshape(-1, 4))
        anchors = torch.cat(levels)
        return [anchors for _ in range(images.tensors.shape[0])]


class _KeepSizeTransform(GeneralizedRCNNTransform):
    """Batching without resizing: inputs arrive at their training scale, padded to multiples of 32."""

    def resize(self, image, target=None):  # noqa: D102 - torchvision hook
        return image, target


class _EncoderBackbone(nn.Module):
    """smp encoder -> features at strides 4 and 16 (FPN-like: each deeper level projected to one width and added
    into the finer one, through stride 8), so the stride-4 map sees the whole staff around a head."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        if config.encoder_depth < 4:
            raise ValueError("params.yaml: model.encoder_depth: detection needs >= 4 (features at stride 16)")
        self.encoder = build_encoder(config.encoder_for("detection"), config.encoder_depth, config.weights)
        channels = self.encoder.out_channels
        width = config.detection.feature_channels
        self.lateral4 = _conv_bn_relu(channels[2], width, 1)
        self.lateral8 = _conv_bn_relu(channels[3], width, 1)
        self.lateral16 = _conv_bn_relu(channels[4], width, 1)
        self.smooth8 = _conv_bn_relu(width, width, 3)
        self.smooth4 = _conv_bn_relu(width, width, 3)
        self.out_channels = [width, width]

    def forward(self, images: torch.Tensor) -> OrderedDict[str, torch.Tensor]:
        features = self.encoder(images)
        p16 = self.lateral16(features[4])
        p8 = self.smooth8(self.lateral8(features[3]) + F.interpolate(p16, size=features[3].shape[-2:], mode="nearest"))
        p4 = self.smooth4(self.lateral4(features[2]) + F.interpolate(p8, size=features[2].shape[-2:], mode="nearest"))
        return OrderedDict([("stride4", p4), ("stride16", p16)])


def _conv_bn_relu(in_channels: int, out_channels: int, kernel_size: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2),
                         nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))


class DetectionModel(nn.Module):
    """images Bx1xHxW in [0, 1] (1 = paper); training: (images, targets) -> loss dict; eval: -> SSD detections."""

    def __init__(self, config: ModelConfig, class_names: tuple[str, ...]) -> None:
        super().__init__()
        self.class_names = tuple(class_names)
        backbone = _EncoderBackbone(config)
        anchors = PixelAnchorGenerator(NOTATION_ANCHORS if len(self.class_names) > len(SEED_CLASSES) else ANCHORS)
        head = SSDHead(backbone.out_channels, anchors.num_anchors_per_location(), len(self.class_names) + 1)
        det = config.detection
        self.ssd = SSD(
            backbone,
            anchors,
            size=(128, 128),
            num_classes=len(self.class_names) + 1,
            head=head,
            score_thresh=det.score_thresh,
            nms_thresh=det.nms_thresh,
            detections_per_img=det.detections_per_img,
            topk_candidates=400,
        )
        self.ssd.transform = _KeepSizeTransform(128, 128, image_mean=[0.0], image_std=[1.0], size_divisible=32)

    def forward(self, images: torch.Tensor, targets: list[dict] | None = None):
        # Ink = 1, paper and padding = 0 (torchvision pads with zeros too).
        return self.ssd(list(1.0 - images), targets)
