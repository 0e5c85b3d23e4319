"""Checkpoints: a plain dict (weights_only-loadable) written atomically; enough to rebuild the network alone."""

from __future__ import annotations

import dataclasses
import io
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from omr.approaches import approach_names
from omr.config import ConfigError, build_config
from omr.io import atomic_write_bytes
from omr.models.config import ModelConfig
from omr.models.registry import build_model

FORMAT = "omr-checkpoint/1"


@dataclass(frozen=True)
class Checkpoint:
    """A trained model and what it was trained on; `metrics` are its validation figures at `step`."""

    approach: str
    regime: str
    model_config: ModelConfig
    class_names: tuple[str, ...]
    state_dict: dict
    step: int = 0
    metrics: dict = dataclasses.field(default_factory=dict)

    def build(self) -> nn.Module:
        """The network with these weights loaded, in eval mode."""
        model = build_model(self.approach, self.model_config, self.class_names)
        model.load_state_dict(self.state_dict)
        return model.eval()


def save_checkpoint(path: Path, checkpoint: Checkpoint, extra: dict | None = None) -> None:
    """Write atomically (a reader never sees half a file); `extra` holds resume state (optimizer, step, ...)."""
    data = {
        "format": FORMAT,
        "approach": checkpoint.approach,
        "regime": checkpoint.regime,
        "model_config": dataclasses.asdict(checkpoint.model_config),
        "class_names": list(checkpoint.class_names),
        "state_dict": checkpoint.state_dict,
        "step": checkpoint.step,
        "metrics": dict(checkpoint.metrics),
    }
    if extra:
        data["extra"] = extra
    buffer = io.BytesIO()
    torch.save(data, buffer)
    atomic_write_bytes(Path(path), buffer.getvalue())


def read_checkpoint_data(path: Path) -> dict:
    """The raw dict of a checkpoint file; ValueError naming the file when it is missing or not ours."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: checkpoint not found")
    try:
        data = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as error:  # torch raises many kinds for a corrupt or foreign file
        raise ValueError(f"{path}: not a readable checkpoint ({type(error).__name__}: {str(error)[:120]})") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError(f"{path}: not an omr checkpoint (expected format {FORMAT!r})")
    if data.get("approach") not in approach_names():
        raise ValueError(f"{path}: unknown approach {data.get('approach')!r}")
    return data


def load_checkpoint(path: Path) -> Checkpoint:
    """Read a checkpoint written by save_checkpoint; ValueError naming the file when it is unusable."""
    data = read_checkpoint_data(path)
    try:
        model_config = build_config(ModelConfig, data["model_config"], "model")
    except ConfigError as error:
        raise ValueError(f"{path}: incompatible model config ({error})") from error
    return Checkpoint(
        approach=data["approach"],
        regime=str(data.get("regime", "")),
        model_config=model_config,
        class_names=tuple(data.get("class_names", ())),
        state_dict=data["state_dict"],
        step=int(data.get("step", 0)),
        metrics=dict(data.get("metrics", {})),
    )
