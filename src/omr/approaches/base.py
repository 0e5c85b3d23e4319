"""`Approach`: everything one way of reading music needs (model, targets, loss, validation, decoder, metrics).

The engine, validation, predictor, recognize, the evaluation runner, the report and the CLI ask the approach
instead of testing its name, so a new approach is one module and one `register` line (omr.approaches).
Torch stays out of this module's import (the report and the decoders run without it); subclasses import their
torch pieces inside the methods that train or run a network.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:  # only for annotations: importing them here would load torch for the report and decoders
    import numpy as np
    import torch
    from torch import nn

    from omr.data.batching import Batch
    from omr.data.dataset import CachedSample
    from omr.decode import Decoded
    from omr.decode.config import RecognizeConfig
    from omr.evaluate.test_set import LoadedSplit
    from omr.models.config import ModelConfig
    from omr.decode.outputs import ModelOutput
    from omr.samples import SampleLabel
    from omr.train.config import TrainConfig


class Approach:
    """One approach; each is a subclass instance registered by name (omr.approaches.register)."""

    name: str = ""
    losses: tuple[str, ...] = ()  # the `train.<approach>.loss` values it accepts; the first is the default
    primary_metric: str = ""  # validation figure that picks the best checkpoint
    secondary_metric: str = ""  # breaks ties of the primary one (e.g. a set exact match still 0 early on)
    uses_masks: bool = False  # the training items carry the class mask (SampleDataset with_mask)
    uses_boxes: bool = False  # boxes are targets: augmentation drops those it made degenerate
    allows_crop: bool = True  # train.<approach>.crop_width may be set (random windows of wider images)
    crop_refusal: str = "a window's targets are not the image's"  # why, where allows_crop is False
    max_rotation: float = 2.0  # degrees of the `ssd` preset's small rotation (targets that turn with the image)
    transfer_metric: str = "note_f1"  # the report's transfer targets
    exact_metric: str = "exact_match"  # the report's in-distribution targets
    report_notes: tuple[str, ...] = ()  # report.md lines explaining how to read this approach's figures

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"

    def class_names(self, train_labels: Sequence[SampleLabel]) -> tuple[str, ...]:
        """The class names stored in the checkpoint (a vocabulary may be built from the training labels)."""
        return self.default_class_names()

    def default_class_names(self) -> tuple[str, ...]:
        """The class names for callers that have no labels (a fresh model, a test)."""
        return ()

    def check_dataset(self, dataset_dir: Path, class_names: tuple[str, ...]) -> None:
        """Refuse a training set this approach cannot learn from; the error names the file (default: any)."""

    def staff_normalized(self, config: ModelConfig) -> bool:
        """Whether this approach's model sees staff-normalised images (its ModelConfig section says)."""
        return config.staff_normalized(self.name)

    def build_model(self, config: ModelConfig, class_names: tuple[str, ...]) -> nn.Module:
        """A freshly initialised network."""
        raise NotImplementedError(f"{self.name}: build_model")

    def build_loss(self, config: TrainConfig) -> nn.Module | None:
        """The loss module (None where the model computes its own)."""
        return None

    def sample_target(self, label: SampleLabel, class_names: tuple[str, ...]) -> torch.Tensor | None:
        """A per-sample target computed once when a split is cached (Batch.targets); None: the approach has none."""
        return None

    def loss(self, model: nn.Module, loss_fn: nn.Module | None, batch: Batch) -> torch.Tensor:
        """The training loss of one batch."""
        raise NotImplementedError(f"{self.name}: loss")

    def outputs(self, model: nn.Module, class_names: tuple[str, ...], images: torch.Tensor, valid: torch.Tensor,
                sizes: Sequence[tuple[int, int]], with_probabilities: bool = True) -> list[ModelOutput]:
        """Run an eval-mode model on a padded batch, each output cropped back to its image's `sizes`."""
        raise NotImplementedError(f"{self.name}: outputs")

    def validation_figures(self, outputs: list[ModelOutput], samples: list[CachedSample],
                           threshold: float) -> dict[str, float]:
        """The validation figures (primary and secondary metric among them) of outputs on their samples."""
        raise NotImplementedError(f"{self.name}: validation_figures")

    def is_better(self, figures: dict[str, float], best: dict[str, float] | None) -> bool:
        """Whether `figures` beat `best` on the primary metric, then the secondary one."""
        if best is None:
            return True
        key = (self.primary_metric, self.secondary_metric)
        return tuple(figures[k] for k in key) > tuple(best[k] for k in key)

    def decode(self, output: ModelOutput, image: np.ndarray, config: RecognizeConfig) -> Decoded:
        """Events from one model output made on `image` (the model's input, in its pixels)."""
        raise NotImplementedError(f"{self.name}: decode")

    def output_metrics(self, outputs: list[ModelOutput], test_set: LoadedSplit, config: RecognizeConfig) -> dict:
        """The approach-specific evaluation figures of raw outputs (in the images' pixels) on a test set."""
        return {}

    def check_train_config(self, config: TrainConfig, key: str) -> None:
        """The loss (and crop_width) must suit the approach; the error names the params key."""
        if config.loss not in self.losses:
            raise ValueError(f"params.yaml: {key}.loss: expected one of {list(self.losses)}, got {config.loss!r}")
        if config.crop_width is not None and not self.allows_crop:
            raise ValueError(f"params.yaml: {key}.crop_width: must be null for the {self.name} ({self.crop_refusal})")
