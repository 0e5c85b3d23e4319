"""Segmentation: the seed's U-Net over one grey channel, one logit map per mask class."""

from __future__ import annotations

import segmentation_models_pytorch as smp
import torch
from torch import nn

from omr.models.config import ModelConfig
from omr.models.encoder import load_encoder_weights


class SegmentationModel(nn.Module):
    """images Bx1xHxW in [0, 1] (1 = paper, H and W multiples of 32) -> BxCxHxW logits."""

    def __init__(self, config: ModelConfig, class_names: tuple[str, ...]) -> None:
        super().__init__()
        self.class_names = tuple(class_names)
        try:
            self.unet = smp.Unet(
                encoder_name=config.encoder_for("segmentation"),
                encoder_weights=None,
                encoder_depth=config.encoder_depth,
                decoder_channels=config.segmentation.decoder_channels,
                in_channels=1,
                classes=len(self.class_names),
                activation=None,
            )
        except (KeyError, ValueError, RuntimeError) as error:
            raise ValueError(f"params.yaml: model.encoder: cannot build a U-Net on it ({error})") from error
        if config.weights is not None:
            from pathlib import Path

            load_encoder_weights(self.unet.encoder, Path(config.weights))

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        # Ink = 1, paper and padding = 0: padding then looks like empty paper to every filter.
        return self.unet(1.0 - images)
