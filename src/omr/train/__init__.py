"""Training: one engine for every registered approach (optimizer, schedule, validation, checkpoints, dvclive)."""

from omr.train.config import RegimeConfig, TrainConfig
from omr.train.engine import TrainResult, TrainRun, train
from omr.train.validation import validate

__all__ = ["RegimeConfig", "TrainConfig", "TrainResult", "TrainRun", "train", "validate"]
