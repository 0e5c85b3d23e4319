"""Validation on the `val` split with each approach's figures (Approach.validation_figures, on omr.evaluate.metrics)."""

from __future__ import annotations

import torch

from omr.approaches import Approach, get_approach
from omr.data import CachedSample, SampleDataset, collate


@torch.inference_mode()
def validate(
    approach: Approach | str,
    model: torch.nn.Module,
    class_names: tuple[str, ...],
    samples: list[CachedSample],
    device: torch.device,
    batch_size: int = 16,
    threshold: float = 0.5,
) -> dict[str, float]:
    """The approach's validation figures on `samples` (batched by similar width to limit padding)."""
    approach = get_approach(approach) if isinstance(approach, str) else approach
    was_training = model.training
    model.eval()
    order = sorted(range(len(samples)), key=lambda i: samples[i].image.shape[-1])
    dataset = SampleDataset(samples, with_mask=False)  # the segmentation is scored against the cached masks
    outputs: list = [None] * len(samples)
    for start in range(0, len(order), batch_size):
        indices = order[start : start + batch_size]
        batch = collate([dataset[i] for i in indices]).to(device)
        for index, output in zip(indices, approach.outputs(
            model, class_names, batch.images, batch.valid, batch.sizes, with_probabilities=False
        )):
            outputs[index] = output
    model.train(was_training)
    return approach.validation_figures(outputs, samples, threshold)
