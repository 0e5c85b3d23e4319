"""Typed training configuration: params.yaml `regimes.<regime>` and `train.<approach>`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Literal

# workers "auto" on CUDA: one loader process per spare core, at most this many (past it the GPU no longer waits).
MAX_AUTO_WORKERS = 4

@dataclass(frozen=True)
class RegimeConfig:
    """Which dataset a regime trains on and whether augmentation is on."""

    dataset: str
    augmentation: Literal["none", "ssd"] = "none"


@dataclass(frozen=True)
class TrainConfig:
    """One approach's optimisation settings (which losses and crops suit it: Approach.check_train_config); `steps` is the budget (optimizer steps, not epochs): one number for
    every regime, or one per regime, since a step's cost and the steps needed differ per approach and regime."""

    loss: str
    steps: int | dict[str, int] = 300
    batch_size: int = 8
    lr: float = 3e-3
    weight_decay: float = 1e-4
    schedule: Literal["onecycle", "cosine", "constant"] = "onecycle"
    warmup: float = 0.15  # fraction of steps spent warming up (onecycle/cosine)
    val_every: int = 0  # 0: validate only at the end
    val_batch_size: int = 16
    log_every: int = 10
    seed: int = 0
    threads: int = 2  # torch intra-op threads on CPU
    # DataLoader worker processes (0: load in the training process); "auto": sized from the machine (loader_workers)
    workers: int | Literal["auto"] = 0
    amp: bool = False  # CUDA only: mixed precision (bfloat16, or float16 with a grad scaler); ignored on CPU
    # segmentation/detection: train on random windows about this wide, cut between symbols (None: whole images)
    crop_width: int | None = None
    grad_clip: float | None = None  # clip the gradient norm to this (CTC + LSTM spikes early on); None: never
    # Learning curve per CPU-second (omr.train.curve): every this many steps of the regimes listed, and at the last
    # step, the validation `ser` of the first `curve_samples` val images; regimes not listed draw none. It changes
    # neither what is trained nor which checkpoint is kept (that stays `val_every`'s figures).
    curve_every: dict[str, int] = field(default_factory=dict)
    curve_samples: int = 64
    # regression only
    threshold: float = 0.5  # probability above which a pitch counts as present (validation)
    smoothing_sigma: float = 0.5  # smoothed_bce: Gaussian width along the pitch axis, in pitch positions
    count_weight: float = 0.0  # smoothed_bce: weight of |sum(p) - number of true pitches|
    positive_weight: float = 10.0  # weighted_mse: weight of the 1-entries (the seed's class balance)

    def __post_init__(self) -> None:
        steps = self.steps.values() if isinstance(self.steps, dict) else [self.steps]
        if not steps or min(steps) < 1:
            raise ValueError(f"steps: every budget must be >= 1, got {self.steps}")
        for name in ("batch_size", "val_batch_size", "log_every", "threads", "curve_samples"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name}: must be >= 1, got {getattr(self, name)}")
        if self.workers != "auto" and self.workers < 0:
            raise ValueError(f"workers: must be >= 0 or auto, got {self.workers}")
        if self.crop_width is not None and self.crop_width < 32:
            raise ValueError(f"crop_width: must be >= 32 px or null, got {self.crop_width}")
        if self.grad_clip is not None and self.grad_clip <= 0:
            raise ValueError(f"grad_clip: must be > 0 or null, got {self.grad_clip}")
        if any(every < 1 for every in self.curve_every.values()):
            raise ValueError(f"curve_every: every interval must be >= 1 step, got {self.curve_every}")
        if self.lr <= 0:
            raise ValueError(f"lr: must be > 0, got {self.lr}")
        if not 0 <= self.warmup < 1:
            raise ValueError(f"warmup: must be in [0, 1), got {self.warmup}")

    def steps_for(self, regime: str, key: str) -> int:
        """The step budget of one regime; the error names the params key when the mapping lacks it."""
        if not isinstance(self.steps, dict):
            return self.steps
        if regime not in self.steps:
            raise ValueError(f"params.yaml: {key}.steps: no budget for regime {regime!r} (has {sorted(self.steps)})")
        return self.steps[regime]

    def curve_every_for(self, regime: str) -> int:
        """Steps between learning-curve passes in one regime; 0 where the regime asks for no curve."""
        return self.curve_every.get(regime, 0)

    def loader_workers(self, cuda: bool) -> int:
        """The DataLoader's worker processes. "auto" on CUDA: min(4, cores - 1), so augmentation keeps up with the GPU
        and one core is left to the training process; "auto" on CPU: 0, today's default (on CPU the model's threads
        use the cores a loader process would take)."""
        if self.workers != "auto":
            return self.workers
        if not cuda:
            return 0
        return max(0, min(MAX_AUTO_WORKERS, (os.cpu_count() or 1) - 1))
