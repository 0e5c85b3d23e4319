"""One way to build a backbone from a segmentation-models-pytorch encoder name, weights never downloaded."""

from __future__ import annotations

from pathlib import Path

import segmentation_models_pytorch as smp
import torch
from torch import nn


def build_encoder(name: str, depth: int, weights: str | None = None) -> nn.Module:
    """A 1-channel smp encoder (features at strides 1, 2, 4, ... 2**depth); `weights` is an optional local file."""
    try:
        encoder = smp.encoders.get_encoder(name, in_channels=1, depth=depth, weights=None)
    except (KeyError, ValueError, RuntimeError) as error:
        raise ValueError(f"params.yaml: model.encoder: cannot build encoder {name!r} ({error})") from error
    if weights is not None:
        load_encoder_weights(encoder, Path(weights))
    return encoder


def load_encoder_weights(encoder: nn.Module, path: Path) -> None:
    """Load a local state dict into the encoder (first conv's RGB weights summed to one grey channel)."""
    if not path.is_file():
        raise ValueError(f"params.yaml: model.weights: {path} is not a file")
    state = torch.load(path, map_location="cpu", weights_only=True)
    own = encoder.state_dict()
    for key, value in state.items():
        if key in own and value.ndim == 4 and value.shape[1] == 3 and own[key].shape[1] == 1:
            state[key] = value.sum(dim=1, keepdim=True)
    missing, unexpected = encoder.load_state_dict(state, strict=False)
    if len(missing) == len(own):
        raise ValueError(f"params.yaml: model.weights: {path} holds no weights of this encoder")
