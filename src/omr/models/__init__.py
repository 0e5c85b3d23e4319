"""Networks by name (`build_model`), checkpoints, and the Predictor used by evaluation and `omr transcribe`."""

from omr.models.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from omr.models.config import DetectionModelConfig, ModelConfig, RegressionModelConfig, SegmentationModelConfig
from omr.models.predictor import Predictor, load_predictor, resolve_device
from omr.models.registry import build_model

__all__ = [
    "Checkpoint",
    "DetectionModelConfig",
    "ModelConfig",
    "Predictor",
    "RegressionModelConfig",
    "SegmentationModelConfig",
    "build_model",
    "load_checkpoint",
    "load_predictor",
    "resolve_device",
    "save_checkpoint",
]
