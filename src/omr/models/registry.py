"""`build_model(approach, config)`: the only way stages and predictors make a network (timm-style: by name)."""

from __future__ import annotations

from torch import nn

from omr.approaches import get_approach
from omr.models.config import ModelConfig


def build_model(approach: str, config: ModelConfig, class_names: tuple[str, ...] | None = None) -> nn.Module:
    """A freshly initialised network of a registered approach; class_names default to its default classes."""
    spec = get_approach(approach)
    names = spec.default_class_names() if class_names is None else tuple(class_names)
    return spec.build_model(config, names)
