"""Predictor: a trained model behind `predict(image) -> output` (omr.decode.outputs), padding and cropping inside."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
import torch

from omr.approaches import get_approach
from omr.data.batching import pad_image, padded_size
from omr.models.checkpoint import Checkpoint, load_checkpoint
from omr.models.inference import fused_for_inference
from omr.decode.outputs import ModelOutput


def resolve_device(device: str) -> torch.device:
    """`auto` -> CUDA when present, else CPU; anything else is passed to torch.device."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        return torch.device(device)
    except RuntimeError as error:
        raise ValueError(f"params.yaml: device: expected auto, cpu or cuda[:N], got {device!r}") from error


class Predictor:
    """Runs one checkpoint on grey uint8 images (255 = paper) at the training staff space (8 px)."""

    def __init__(self, checkpoint: Checkpoint, device: str = "auto") -> None:
        self.approach = checkpoint.approach
        self.regime = checkpoint.regime
        self.class_names = checkpoint.class_names
        self.metrics = checkpoint.metrics
        # omr.transcribe.recognize maps an image's staff to the training canvas first when the model was trained that way.
        self.staff_normalized = get_approach(checkpoint.approach).staff_normalized(checkpoint.model_config)
        self.device = resolve_device(device)
        # Batch norms folded into their convolutions: 8-13% faster on this CPU, outputs equal to ~1e-5.
        self.model = fused_for_inference(checkpoint.build()).to(self.device)

    def predict(self, image: np.ndarray) -> ModelOutput:
        """One image HxW uint8 -> its approach's model output (omr.decode.outputs) in its coordinates."""
        return self.predict_batch([image])[0]

    def predict_batch(self, images: Sequence[np.ndarray], batch_size: int = 16) -> list[ModelOutput]:
        """Many images (any sizes); each result is cropped back to its own image."""
        return predict_images(self.model, self.approach, self.class_names, images, self.device, batch_size)


@torch.inference_mode()
def predict_images(model: torch.nn.Module, approach: str, class_names: tuple[str, ...], images: Sequence[np.ndarray],
                   device: torch.device, batch_size: int = 16) -> list[ModelOutput]:
    """An eval-mode model's outputs on grey uint8 images of any sizes, `batch_size` padded together at a time, each
    cropped back to its own image (Predictor; the training's learning curve, omr.train.curve)."""
    outputs: list[ModelOutput] = []
    for start in range(0, len(images), batch_size):
        outputs.extend(_predict_chunk(model, approach, class_names, images[start : start + batch_size], device))
    return outputs


def _predict_chunk(model: torch.nn.Module, approach: str, class_names: tuple[str, ...], images: Sequence[np.ndarray],
                   device: torch.device) -> list[ModelOutput]:
    sizes = []
    for image in images:
        if image.ndim != 2 or image.dtype != np.uint8:
            raise ValueError(f"predict expects HxW uint8 images, got shape {image.shape} dtype {image.dtype}")
        sizes.append(image.shape)
    size = padded_size(max(h for h, _ in sizes), max(w for _, w in sizes))
    tensors, valid = [], []
    for image, (height, width) in zip(images, sizes):
        tensor = torch.from_numpy(image.astype(np.float32)).div_(255.0).unsqueeze(0)  # a copy: inputs may be read-only
        tensors.append(pad_image(tensor, size, fill=1.0))
        region = torch.zeros((1, *size), dtype=torch.bool)
        region[:, :height, :width] = True
        valid.append(region)
    batch = torch.stack(tensors).to(device).contiguous(memory_format=torch.channels_last)
    return outputs_from_batch(model, approach, class_names, batch, torch.stack(valid).to(device), sizes)


def outputs_from_batch(
    model: torch.nn.Module,
    approach: str,
    class_names: tuple[str, ...],
    images: torch.Tensor,
    valid: torch.Tensor,
    sizes: Sequence[tuple[int, int]],
    with_probabilities: bool = True,
) -> list[ModelOutput]:
    """Run an eval-mode model on a padded batch and crop each output back to its image (Predictor and validation)."""
    return get_approach(approach).outputs(model, class_names, images, valid, sizes, with_probabilities)


def load_predictor(checkpoint_path: Path, device: str = "auto") -> Predictor:
    """A Predictor for a checkpoint file; ValueError naming the file when it is unreadable or incompatible."""
    checkpoint = load_checkpoint(Path(checkpoint_path))
    try:
        return Predictor(checkpoint, device=device)
    except (RuntimeError, ValueError, KeyError) as error:
        raise ValueError(f"{checkpoint_path}: incompatible checkpoint ({str(error)[:200]})") from error
