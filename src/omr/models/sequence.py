"""Sequence: the CRNN of end-to-end OMR (Calvo-Zaragoza & Rizo 2018): encoder -> one frame per 8 px column ->
BiLSTM (or a small transformer), plus a shortcut from each frame -> logits over the vocabulary + the CTC blank (index 0).

Frames are 8 px (one staff space) apart: our densest staves (beamed 32nds, accidentals before heads) still have
about two frames per token (measured on v03 and engraved_real, `omr.decode.tokens`), which CTC needs. A frame sees
its column's whole height: the staff-normalised canvas keeps each staff position on a fixed row, so the column's
rows, kept apart (not pooled), say where a head sits.
"""

from __future__ import annotations

import math
from typing import Sequence

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from omr.models.encoder import build_encoder
from omr.samples import STAFF_CANVAS_HEIGHT

FRAME_STRIDE = 8
FRAME_ROWS = STAFF_CANVAS_HEIGHT // FRAME_STRIDE  # rows of a frame column on the 128-row staff canvas


class SequenceModel(nn.Module):
    """images Bx1xHxW in [0, 1] (1 = paper), valid Bx1xHxW -> (log-probabilities B x T x (V+1), frame counts B)."""

    def __init__(self, encoder: str, encoder_depth: int, weights: str | None, vocabulary_size: int,
                 channels: int = 32, hidden: int = 128, layers: int = 2, kind: str = "lstm",
                 factors: Sequence[Sequence[str]] | None = None) -> None:
        super().__init__()
        self.encoder = build_encoder(encoder, encoder_depth, weights)
        levels = self.encoder.out_channels
        self.lateral_fine = _conv_bn_relu(levels[3], channels, 1)  # stride 8
        self.lateral_deep = _conv_bn_relu(levels[-1], channels, 1)  # the deepest level: context for each column
        self.column = nn.Sequential(nn.Conv1d(channels * FRAME_ROWS, hidden, 3, padding=1), nn.BatchNorm1d(hidden),
                                    nn.ReLU(inplace=True))
        self.kind = kind
        if kind == "lstm":
            self.sequence = nn.LSTM(hidden, hidden, num_layers=layers, bidirectional=True, batch_first=True)
            out = 2 * hidden
        elif kind == "transformer":
            layer = nn.TransformerEncoderLayer(hidden, nhead=4, dim_feedforward=2 * hidden, dropout=0.1,
                                               batch_first=True, norm_first=True)
            self.sequence = nn.TransformerEncoder(layer, num_layers=layers, enable_nested_tensor=False)
            out = hidden
        else:
            raise ValueError(f"params.yaml: model.sequence.kind: expected lstm or transformer, got {kind!r}")
        # A shortcut from each frame's own features around the sequence layer: without it CTC sat 400-700 steps on
        # its all-blank plateau (loss ~3.5); with it the loss fell below 1 by step 160 (docs/sequence.md).
        self.shortcut = nn.Linear(hidden, out)
        self.classifier = (nn.Linear(out, vocabulary_size + 1) if factors is None
                           else FactorizedClassifier(out, factors))

    def forward(self, images: torch.Tensor, valid: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        levels = self.encoder(1.0 - images)
        fine = self.lateral_fine(levels[3])
        features = fine + F.interpolate(self.lateral_deep(levels[-1]), size=fine.shape[-2:], mode="nearest")
        if features.shape[-2] != FRAME_ROWS:
            features = F.adaptive_avg_pool2d(features, (FRAME_ROWS, features.shape[-1]))
        batch, channels, rows, width = features.shape
        frames = self.column(features.reshape(batch, channels * rows, width)).transpose(1, 2)  # B x T x hidden
        lengths = frame_counts(valid, width) if valid is not None else torch.full((batch,), width, dtype=torch.long)
        return F.log_softmax(self.classifier(self._sequence(frames, lengths)).float(), dim=-1), lengths

    def _sequence(self, frames: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        # Padding must not reach real frames (a staff read alone or in a batch gives the same output).
        if self.kind == "lstm":
            packed = pack_padded_sequence(frames, lengths.cpu(), batch_first=True, enforce_sorted=False)
            output, _ = self.sequence(packed)
            context = pad_packed_sequence(output, batch_first=True, total_length=frames.shape[1])[0]
        else:
            padding = torch.arange(frames.shape[1], device=frames.device)[None, :] >= lengths.to(frames.device)[:, None]
            context = self.sequence(frames + _positions(frames), src_key_padding_mask=padding)
        return context + self.shortcut(frames)


class FactorizedClassifier(nn.Module):
    """Logits = a joint linear layer (one vector per output) + shared factor vectors: the logit of `n4:8.` adds the
    factors note, pos:4, dur:8 and dots:1, each learnt from every token that has it. The factor weights start at
    zero, so training starts from the joint classifier."""

    def __init__(self, features: int, factors: Sequence[Sequence[str]]) -> None:
        super().__init__()
        names = sorted({name for row in factors for name in row})
        column = {name: i for i, name in enumerate(names)}
        assignment = torch.zeros(len(factors), max(1, len(names)))
        for output, row in enumerate(factors):
            for name in row:
                assignment[output, column[name]] = 1.0
        self.register_buffer("assignment", assignment)
        self.joint = nn.Linear(features, len(factors))
        self.factor = nn.Linear(features, assignment.shape[1])
        nn.init.zeros_(self.factor.weight)
        nn.init.zeros_(self.factor.bias)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return self.joint(features) + self.factor(features) @ self.assignment.T


def frame_counts(valid: torch.Tensor, frames: int) -> torch.Tensor:
    """Frames per image that cover its own pixels (valid width / stride, rounded up), at most `frames`."""
    widths = valid[:, 0].any(dim=1).sum(dim=-1)
    return (-(-widths // FRAME_STRIDE)).clamp(1, frames).to(torch.long)


def _positions(frames: torch.Tensor) -> torch.Tensor:
    """Sinusoidal positions (the transformer has no order of its own)."""
    length, size = frames.shape[1], frames.shape[2]
    position = torch.arange(length, device=frames.device, dtype=frames.dtype)[:, None]
    scale = torch.exp(torch.arange(0, size, 2, device=frames.device, dtype=frames.dtype) * (-math.log(10000.0) / size))
    table = torch.zeros(length, size, device=frames.device, dtype=frames.dtype)
    table[:, 0::2] = torch.sin(position * scale)
    table[:, 1::2] = torch.cos(position * scale[: table[:, 1::2].shape[1]])
    return table[None]


def _conv_bn_relu(in_channels: int, out_channels: int, kernel_size: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size, padding=kernel_size // 2),
                         nn.BatchNorm2d(out_channels), nn.ReLU(inplace=True))
