"""Regression: the encoder and a head predicting the 52 logits of the pitch vector (CONTRACT 'pitch vector')."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from omr.models.config import ModelConfig
from omr.models.encoder import build_encoder
from omr.music.events import PITCH_VECTOR_SIZE
from omr.samples import STAFF_CANVAS_HEIGHT

# The column head's height in feature rows: the staff canvas (128 px) at stride 8. Other heights are pooled to it.
COLUMN_ROWS = STAFF_CANVAS_HEIGHT // 8


class RegressionModel(nn.Module):
    """images Bx1xHxW in [0, 1] (1 = paper), valid Bx1xHxW -> Bx52 logits.

    A pitch is a vertical position relative to the staff. A global average pool would blur where the notehead sits;
    `spatial_max` instead scores all 52 pitches at every location of a stride-2**(depth-1) map (the deepest map,
    whose receptive field sees staff and note together, added into the finer one) and keeps each pitch's best
    location inside the valid (unpadded) region.
    """

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        head_config = config.regression
        self.encoder = build_encoder(config.encoder_for("regression"), config.encoder_depth, config.weights)
        channels = self.encoder.out_channels[-1]
        self.head_kind = head_config.head
        self.pool_sharpness = head_config.pool_sharpness
        hidden = head_config.hidden_channels
        if self.head_kind in ("spatial_max", "width_pool", "column"):
            # Deepest map (context: staff + note) added into the one above it (finer vertical position), FPN-like.
            fine = self.encoder.out_channels[-2]
            self.lateral_deep = nn.Sequential(nn.Conv2d(channels, hidden, 1), nn.BatchNorm2d(hidden), nn.ReLU(inplace=True))
            self.lateral_fine = nn.Sequential(nn.Conv2d(fine, hidden, 1), nn.BatchNorm2d(hidden), nn.ReLU(inplace=True))
            self.head = nn.Sequential(
                nn.Conv2d(hidden, hidden, kernel_size=3, padding=1),
                nn.BatchNorm2d(hidden),
                nn.ReLU(inplace=True),
                nn.Conv2d(hidden, PITCH_VECTOR_SIZE, kernel_size=1),
            )
            if self.head_kind == "column":
                self.head = nn.Sequential(
                    nn.Conv1d(hidden * COLUMN_ROWS, 2 * hidden, 3, padding=1), nn.BatchNorm1d(2 * hidden),
                    nn.ReLU(inplace=True), nn.Conv1d(2 * hidden, PITCH_VECTOR_SIZE, 1),
                )
            if self.head_kind == "width_pool":
                self.head = nn.Sequential(
                    nn.Conv2d(hidden, hidden, kernel_size=3, padding=1), nn.BatchNorm2d(hidden), nn.ReLU(inplace=True)
                )
                self.profile = nn.Sequential(
                    nn.Conv1d(hidden, hidden, 3, padding=1), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                    nn.Conv1d(hidden, hidden, 3, padding=2, dilation=2), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                    nn.Conv1d(hidden, hidden, 3, padding=4, dilation=4), nn.BatchNorm1d(hidden), nn.ReLU(inplace=True),
                    nn.Conv1d(hidden, PITCH_VECTOR_SIZE, 1),
                )
        else:
            self.head = nn.Sequential(nn.Linear(channels, hidden), nn.ReLU(inplace=True), nn.Linear(hidden, PITCH_VECTOR_SIZE))

    def forward(self, images: torch.Tensor, valid: torch.Tensor | None = None) -> torch.Tensor:
        levels = self.encoder(1.0 - images)
        if valid is None:
            valid = torch.ones_like(images, dtype=torch.bool)
        if self.head_kind in ("spatial_max", "width_pool", "column"):
            fine = self.lateral_fine(levels[-2])
            features = fine + F.interpolate(self.lateral_deep(levels[-1]), size=fine.shape[-2:], mode="nearest")
            if self.head_kind == "column":
                return self._column_logits(features, valid, images)
            logits = self.head(features)
            cell_valid = _cell_valid(valid, images, logits)
            if self.head_kind == "width_pool":
                low = torch.finfo(logits.dtype).min
                profile = logits.masked_fill(~cell_valid, low).amax(dim=-1)  # B x C x rows
                row_valid = cell_valid.any(dim=-1)  # B x 1 x rows
                profile = profile.masked_fill(~row_valid, 0.0)
                return self.profile(profile).masked_fill(~row_valid, low).amax(dim=-1)
            if self.pool_sharpness <= 0:
                return logits.masked_fill(~cell_valid, torch.finfo(logits.dtype).min).amax(dim=(-2, -1))
            # Log-mean-exp: a smooth max whose gradient reaches every location, not just the current argmax.
            r = self.pool_sharpness
            scaled = (r * logits).masked_fill(~cell_valid, float("-inf")).flatten(2)
            count = cell_valid.flatten(2).sum(-1).clamp_min(1).float()
            return (torch.logsumexp(scaled, dim=-1) - torch.log(count)) / r
        features = levels[-1]
        weights = _cell_valid(valid, images, features).float()
        pooled = (features * weights).sum(dim=(-2, -1)) / weights.sum(dim=(-2, -1)).clamp_min(1.0)
        return self.head(pooled)

    def _column_logits(self, features: torch.Tensor, valid: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
        if features.shape[-2] != COLUMN_ROWS:
            features = F.adaptive_avg_pool2d(features, (COLUMN_ROWS, features.shape[-1]))
        batch, channels, rows, width = features.shape
        logits = self.head(features.reshape(batch, channels * rows, width))  # B x 52 x columns
        column_valid = _cell_valid(valid, images, features).any(dim=-2)  # B x 1 x columns
        return logits.masked_fill(~column_valid, torch.finfo(logits.dtype).min).amax(dim=-1)


def _cell_valid(valid: torch.Tensor, images: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
    """A feature cell counts as valid when any of its input pixels was (max-pool of the valid mask)."""
    stride = images.shape[-1] // features.shape[-1]
    return F.max_pool2d(valid.float(), kernel_size=stride, stride=stride) > 0
