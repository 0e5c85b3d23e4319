"""Learning curves per CPU-second: a model's validation `ser` during its training, against the training CPU time it
has cost so far (params.yaml `train.<approach>.curve_every`, `curve_samples`).

The `ser` is the evaluation's: each image goes through omr.transcribe.recognize (rescale, staff canvas, the
approach's own decoder) and the events are scored by omr.evaluate.metrics.ser. A pass only reads the model: it runs
in eval mode under inference_mode, draws from no random generator and leaves the mode as it found it, so a run with
curve passes trains bit-identical weights to one without (tests/train/test_curve.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from omr.approaches import Approach
from omr.data import CachedSample
from omr.decode.config import RecognizeConfig
from omr.evaluate import metrics
from omr.models import ModelConfig
from omr.models.predictor import predict_images
from omr.transcribe.recognize import recognize_batch


@dataclass
class ModelInTraining:
    """The network being trained behind omr.transcribe.recognize's Predictor protocol (no copy of its weights)."""

    approach: str
    model: torch.nn.Module
    class_names: tuple[str, ...]
    staff_normalized: bool
    device: torch.device
    batch_size: int = 16

    def predict_batch(self, images: Sequence[np.ndarray]) -> list:
        return predict_images(self.model, self.approach, self.class_names, images, self.device, self.batch_size)


class CurveProbe:
    """The validation `ser` of the model in training on a fixed subset of the val split (its first `samples`)."""

    def __init__(self, approach: Approach, model: torch.nn.Module, class_names: tuple[str, ...],
                 model_config: ModelConfig, samples: Sequence[CachedSample], count: int, device: torch.device,
                 config: RecognizeConfig, batch_size: int = 16) -> None:
        subset = list(samples)[:count]
        # Width-sorted batches, as the evaluation runner's recognize_all: little padding is computed.
        self.order = sorted(range(len(subset)), key=lambda i: (subset[i].image.shape[-1], subset[i].image.shape[-2]))
        self.images = [subset[i].image[0].numpy() for i in self.order]
        self.truth = [subset[i].label.events for i in self.order]
        self.predictor = ModelInTraining(approach.name, model, class_names, approach.staff_normalized(model_config),
                                         device, batch_size)
        self.config = config
        self.batch_size = batch_size

    def ser(self) -> float:
        """One pass: recognise every image of the subset with the model as it is now, score the events."""
        model = self.predictor.model
        was_training = model.training
        model.eval()
        try:
            events = []
            for start in range(0, len(self.images), self.batch_size):
                chunk = self.images[start : start + self.batch_size]
                events += [r.events for r in recognize_batch(self.predictor, chunk, self.config)]
        finally:
            model.train(was_training)
        return metrics.ser(events, self.truth)


def curve_point(step: int, cpu_seconds: float, ser: float) -> dict:
    """One row of plots/curves/<model>.json."""
    return {"step": step, "cpu_seconds": round(cpu_seconds, 2), "ser": round(float(ser), 6)}
