"""Validation on the `val` split with each approach's metric (from omr.evaluate.metrics, the one implementation)."""

from __future__ import annotations

import torch

from omr.data import CachedSample, SampleDataset, collate
from omr.decode import notes_from_vector
from omr.evaluate import metrics
from omr.models.predictor import outputs_from_batch
from omr.samples import MASK_CLASSES, Box

# The figure that picks the best checkpoint of each approach.
PRIMARY_METRIC = {"segmentation": "notehead_iou", "regression": "set_exact_match", "detection": "map50"}
# Breaks ties of the primary figure (e.g. a set exact match still at 0 early in training).
SECONDARY_METRIC = {"segmentation": "staff_iou", "regression": "vector_micro_f1", "detection": "map50_95"}


def is_better(approach: str, figures: dict[str, float], best: dict[str, float] | None) -> bool:
    """Whether `figures` beat `best` on the primary metric, then the secondary one."""
    if best is None:
        return True
    key = (PRIMARY_METRIC[approach], SECONDARY_METRIC[approach])
    return tuple(figures[k] for k in key) > tuple(best[k] for k in key)


@torch.inference_mode()
def validate(
    approach: str,
    model: torch.nn.Module,
    class_names: tuple[str, ...],
    samples: list[CachedSample],
    device: torch.device,
    batch_size: int = 16,
    threshold: float = 0.5,
) -> dict[str, float]:
    """The approach's validation figures on `samples` (batched by similar width to limit padding)."""
    was_training = model.training
    model.eval()
    order = sorted(range(len(samples)), key=lambda i: samples[i].image.shape[-1])
    dataset = SampleDataset(samples, with_mask=False)  # the segmentation is scored against the cached masks
    outputs: list = [None] * len(samples)
    for start in range(0, len(order), batch_size):
        indices = order[start : start + batch_size]
        batch = collate([dataset[i] for i in indices]).to(device)
        for index, output in zip(indices, outputs_from_batch(
            model, approach, class_names, batch.images, batch.valid, batch.sizes, with_probabilities=False
        )):
            outputs[index] = output
    model.train(was_training)
    return _figures(approach, outputs, samples, threshold)


def _figures(approach: str, outputs: list, samples: list[CachedSample], threshold: float) -> dict[str, float]:
    if approach == "segmentation":
        predicted = [o.class_map for o in outputs]
        truth = [s.mask.numpy() for s in samples]
        names = outputs[0].class_names if outputs else MASK_CLASSES
        return {
            "notehead_iou": metrics.notehead_iou(predicted, truth, names, MASK_CLASSES),
            "staff_iou": metrics.staff_iou(predicted, truth, names, MASK_CLASSES),
        }
    if approach == "regression":
        probabilities = [o.probabilities for o in outputs]
        truth_vectors = [s.label.pitch_vector for s in samples]
        predicted_notes = [notes_from_vector(p, threshold).notes for p in probabilities]
        truth_notes = [s.label.notes for s in samples]
        return {
            "set_exact_match": metrics.set_exact_match(predicted_notes, truth_notes),
            "vector_micro_f1": metrics.vector_micro_f1(probabilities, truth_vectors, threshold),
        }
    predicted_boxes = [o.boxes for o in outputs]
    truth_boxes: list[tuple[Box, ...]] = [s.label.boxes for s in samples]
    return metrics.notehead_map(predicted_boxes, truth_boxes)
