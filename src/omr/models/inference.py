"""Inference copies of trained networks: each batch norm folded into the convolution before it.

In eval mode a batch norm is a fixed per-channel affine map, so it can be merged into the preceding convolution's
weights and bias; the network then computes the same function (to float rounding, ~1e-5) with one pass over each
feature map fewer. torch.fx finds the conv -> batch-norm pairs whose convolution output feeds nothing else. Only a
module whose forward takes one argument is traced (a trace fixes every branch on its inputs, so `valid=None`
would be traced as given); the others, and what fx cannot trace (SSD's post-processing, packed LSTM sequences),
are searched child by child instead, so every traceable piece is fused and the rest is kept as it is.
"""

from __future__ import annotations

import copy
import inspect

import torch
from torch import nn
from torch.fx.experimental.optimization import fuse


def fused_for_inference(model: nn.Module) -> nn.Module:
    """An eval-mode copy of `model` with its batch norms folded into their convolutions (the model is unchanged)."""
    fused = copy.deepcopy(model).eval()
    return _fused(fused)


def _fused(module: nn.Module) -> nn.Module:
    if not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in module.modules()):
        return module
    if _takes_one_argument(module):
        try:
            with torch.no_grad():
                return fuse(module, inplace=True)
        except Exception:  # noqa: BLE001 - fx could not trace it: fuse inside its children instead
            pass
    for name, child in module.named_children():
        setattr(module, name, _fused(child))
    return module


def _takes_one_argument(module: nn.Module) -> bool:
    parameters = list(inspect.signature(module.forward).parameters.values())
    return len(parameters) == 1 and parameters[0].kind in (parameters[0].POSITIONAL_ONLY,
                                                           parameters[0].POSITIONAL_OR_KEYWORD)
