"""Loss modules (each approach picks its own: Approach.build_loss). Segmentation pairs Jaccard with cross-entropy (PITFALLS: Jaccard alone ignores absent
classes); regression offers the seed's weighted MSE and a BCE whose target knows neighbouring pitches are close."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F


class SegmentationLoss(nn.Module):
    """Multiclass Jaccard (pytorch-toolbelt) on logits, plus cross-entropy over the valid region."""

    def __init__(self, with_cross_entropy: bool = True) -> None:
        super().__init__()
        from pytorch_toolbelt.losses import JaccardLoss  # imports opencv; only training needs it

        self.jaccard = JaccardLoss(mode="multiclass", from_logits=True)
        self.with_cross_entropy = with_cross_entropy

    def forward(self, logits: torch.Tensor, target: torch.Tensor, valid: torch.Tensor) -> torch.Tensor:
        loss = self.jaccard(logits, target)
        if self.with_cross_entropy:
            per_pixel = F.cross_entropy(logits, target, reduction="none")
            weights = valid[:, 0].float()
            loss = loss + (per_pixel * weights).sum() / weights.sum().clamp_min(1.0)
        return loss


def smoothed_pitch_target(target: torch.Tensor, sigma: float) -> torch.Tensor:
    """Each true pitch spreads exp(-d^2 / 2 sigma^2) to pitches d positions away (max over notes; truth stays 1)."""
    if sigma <= 0:
        return target
    size = target.shape[-1]
    positions = torch.arange(size, device=target.device, dtype=target.dtype)
    kernel = torch.exp(-((positions[:, None] - positions[None, :]) ** 2) / (2 * sigma**2))  # [true, predicted]
    return (target[:, :, None] * kernel[None]).amax(dim=1)


class SmoothedBCELoss(nn.Module):
    """BCE against a target smoothed along the pitch axis, plus an optional count term."""

    def __init__(self, sigma: float, count_weight: float) -> None:
        super().__init__()
        self.sigma, self.count_weight = sigma, count_weight

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        loss = F.binary_cross_entropy_with_logits(logits, smoothed_pitch_target(target, self.sigma))
        if self.count_weight:
            count_error = (torch.sigmoid(logits).sum(dim=1) - target.sum(dim=1)).abs().mean()
            loss = loss + self.count_weight * count_error / target.shape[-1]
        return loss


class WeightedMSELoss(nn.Module):
    """The seed's loss: squared error of sigmoid outputs, 1-entries weighted up against the 50 empty keys."""

    def __init__(self, positive_weight: float) -> None:
        super().__init__()
        self.positive_weight = positive_weight

    def forward(self, logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        weights = 1.0 + (self.positive_weight - 1.0) * target
        return (weights * (torch.sigmoid(logits) - target) ** 2).mean()
