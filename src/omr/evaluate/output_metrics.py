"""Approach-specific metrics on raw model outputs (CONTRACT.md): mask IoUs, notehead box mAP, thresholded vectors.

Re-exported by `omr.evaluate.metrics`, so every caller still reaches one function per metric there.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from omr.samples import NOTEHEAD_CLASSES, Box


def check_counts(predicted: Sequence, truth: Sequence) -> None:
    """One prediction per true sample, or a ValueError saying how many of each."""
    if len(predicted) != len(truth):
        raise ValueError(f"{len(predicted)} predictions for {len(truth)} true samples")


def ratio(numerator: float, denominator: float, empty: float) -> float:
    """numerator / denominator, or `empty` when there is nothing to divide by."""
    return float(numerator) / float(denominator) if denominator else empty


def micro_f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    """Micro F1 of two boolean arrays of the same shape (1.0 when both are empty)."""
    tp = int((predicted & truth).sum())
    fp = int((predicted & ~truth).sum())
    fn = int((~predicted & truth).sum())
    return ratio(2 * tp, 2 * tp + fp + fn, 1.0)


def vector_micro_f1(probabilities: Sequence[np.ndarray], truth: Sequence[Sequence[int]], threshold: float) -> float:
    """Micro F1 of raw regression outputs thresholded at `threshold` against the true pitch vectors."""
    check_counts(probabilities, truth)
    predicted = np.array([np.asarray(p) >= threshold for p in probabilities], dtype=bool).reshape(len(truth), -1)
    return micro_f1(predicted, np.array(truth, dtype=bool).reshape(len(truth), -1))


def _class_pixels(class_map: np.ndarray, class_names: Sequence[str], name: str) -> np.ndarray:
    """Boolean map of one class's pixels; all False when the map's class list lacks it."""
    names = list(class_names)
    return class_map == names.index(name) if name in names else np.zeros(class_map.shape, dtype=bool)


def class_iou(
    predicted: Sequence[np.ndarray],
    truth: Sequence[np.ndarray],
    predicted_classes: Sequence[str],
    true_classes: Sequence[str],
    classes: Sequence[str],
) -> float:
    """Class-aware IoU of a group of classes, summed over images: pixels of the same class in both, over pixels of
    any class of the group in either."""
    check_counts(predicted, truth)
    intersection = union = 0
    for p, t in zip(predicted, truth):
        p_maps = [_class_pixels(p, predicted_classes, name) for name in classes]
        t_maps = [_class_pixels(t, true_classes, name) for name in classes]
        intersection += sum(int((pm & tm).sum()) for pm, tm in zip(p_maps, t_maps))
        union += int((np.logical_or.reduce(p_maps) | np.logical_or.reduce(t_maps)).sum())
    return ratio(intersection, union, 1.0)


def notehead_iou(predicted: Sequence[np.ndarray], truth: Sequence[np.ndarray], predicted_classes: Sequence[str],
                 true_classes: Sequence[str]) -> float:
    """Class-aware notehead IoU: a filled head read as hollow counts in the union, not the intersection."""
    return class_iou(predicted, truth, predicted_classes, true_classes, NOTEHEAD_CLASSES)


def staff_iou(predicted: Sequence[np.ndarray], truth: Sequence[np.ndarray], predicted_classes: Sequence[str],
              true_classes: Sequence[str]) -> float:
    """IoU of the staff_line class, summed over images."""
    return class_iou(predicted, truth, predicted_classes, true_classes, ("staff_line",))


def notehead_map(predicted: Sequence[Sequence[Box]], truth: Sequence[Sequence[Box]]) -> dict[str, float]:
    """COCO mAP of notehead boxes (per notehead class, averaged) at IoU 0.5 and 0.5:0.95, via torchmetrics."""
    import torch  # evaluation may use torch; imported here so the other metrics stay light
    from torchmetrics.detection import MeanAveragePrecision

    check_counts(predicted, truth)
    label_of = {name: k for k, name in enumerate(NOTEHEAD_CLASSES)}

    def tensors(boxes: Sequence[Box], scores: bool) -> dict:
        heads = [b for b in boxes if b.label in label_of]
        item = {
            "boxes": torch.tensor([b.xyxy for b in heads], dtype=torch.float32).reshape(-1, 4),
            "labels": torch.tensor([label_of[b.label] for b in heads], dtype=torch.int64),
        }
        if scores:
            item["scores"] = torch.tensor([b.score for b in heads], dtype=torch.float32)
        return item

    # COCO: top 100 heads per image, plenty for <= 32 notes. faster_coco_eval gives pycocotools' figures (the same
    # floats on 300 images of random boxes) in a third of the time: 12 of a detection evaluation's 78 s were mAP.
    metric = MeanAveragePrecision(iou_type="bbox", backend="faster_coco_eval")
    metric.update([tensors(p, True) for p in predicted], [tensors(t, False) for t in truth])
    result = metric.compute()
    return {"map50": float(result["map_50"]), "map50_95": float(result["map"])}


def map50(predicted: Sequence[Sequence[Box]], truth: Sequence[Sequence[Box]]) -> float:
    """Notehead mAP at IoU 0.5."""
    return notehead_map(predicted, truth)["map50"]


def map50_95(predicted: Sequence[Sequence[Box]], truth: Sequence[Sequence[Box]]) -> float:
    """Notehead mAP averaged over IoU 0.5:0.95."""
    return notehead_map(predicted, truth)["map50_95"]
