"""Training: one engine for the three approaches (optimizer, schedule, validation, checkpoints, dvclive)."""

from omr.train.config import LOSSES, RegimeConfig, TrainConfig
from omr.train.engine import TrainResult, TrainRun, train
from omr.train.validation import PRIMARY_METRIC, validate

__all__ = ["LOSSES", "PRIMARY_METRIC", "RegimeConfig", "TrainConfig", "TrainResult", "TrainRun", "train", "validate"]
