"""`build_model(approach, config)`: the only way stages and predictors make a network (timm-style registry)."""

from __future__ import annotations

from typing import Callable

from torch import nn

from omr.data.dataset import DETECTION_CLASSES
from omr.models.config import APPROACHES, ModelConfig
from omr.models.detection import DetectionModel
from omr.models.regression import RegressionModel
from omr.models.segmentation import SegmentationModel
from omr.samples import MASK_CLASSES

_BUILDERS: dict[str, Callable[[ModelConfig, tuple[str, ...]], nn.Module]] = {
    "segmentation": lambda config, names: SegmentationModel(config, names),
    "regression": lambda config, names: RegressionModel(config),
    "detection": lambda config, names: DetectionModel(config, names),
}
DEFAULT_CLASS_NAMES = {"segmentation": MASK_CLASSES, "regression": (), "detection": DETECTION_CLASSES}


def build_model(approach: str, config: ModelConfig, class_names: tuple[str, ...] | None = None) -> nn.Module:
    """A freshly initialised network for an approach; class_names default to the dataset format's classes."""
    if approach not in _BUILDERS:
        raise ValueError(f"unknown approach {approach!r}; expected one of {list(APPROACHES)}")
    names = DEFAULT_CLASS_NAMES[approach] if class_names is None else tuple(class_names)
    return _BUILDERS[approach](config, names)
