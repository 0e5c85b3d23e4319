"""One function per CONTRACT.md metric, used by tests, the evaluation stage and the report alike.

Corpus-level ratios throughout: totals are summed over images first, then divided (never a mean of per-image ratios).
Note sequences compare step+octave (`SymbolicNote.name`) left to right; accidentals and durations are scored only on
notes the edit alignment matched.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

import numpy as np

from omr.music import SymbolicNote, pitch_vector
from omr.samples import NOTEHEAD_CLASSES, Box

Notes = Sequence[SymbolicNote]


@dataclass(frozen=True)
class Alignment:
    """A minimum edit alignment of a predicted and a true sequence: distance and matched (pred, true) index pairs."""

    distance: int
    hits: tuple[tuple[int, int], ...]


def align(predicted: Sequence[str], truth: Sequence[str]) -> Alignment:
    """Levenshtein alignment (unit costs); among minimum-distance alignments, the one with the most hits."""
    return _align(tuple(predicted), tuple(truth))


@lru_cache(maxsize=65536)  # every sequence metric aligns the same pairs; align each pair once
def _align(predicted: tuple[str, ...], truth: tuple[str, ...]) -> Alignment:
    n, m = len(predicted), len(truth)
    # cost[i][j] = (edits, -hits) for predicted[:i] vs truth[:j]; tuples order by distance, then more hits.
    cost = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = (i, 0)
    for j in range(1, m + 1):
        cost[0][j] = (j, 0)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            same = predicted[i - 1] == truth[j - 1]
            diagonal = cost[i - 1][j - 1]
            diagonal = (diagonal[0], diagonal[1] - 1) if same else (diagonal[0] + 1, diagonal[1])
            insertion = (cost[i - 1][j][0] + 1, cost[i - 1][j][1])
            deletion = (cost[i][j - 1][0] + 1, cost[i][j - 1][1])
            cost[i][j] = min(diagonal, insertion, deletion)
    hits = []
    i, j = n, m
    while i > 0 and j > 0:
        same = predicted[i - 1] == truth[j - 1]
        diagonal = cost[i - 1][j - 1]
        if same and cost[i][j] == (diagonal[0], diagonal[1] - 1):
            hits.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif not same and cost[i][j] == (diagonal[0] + 1, diagonal[1]):
            i, j = i - 1, j - 1
        elif cost[i][j] == (cost[i - 1][j][0] + 1, cost[i - 1][j][1]):
            i -= 1
        else:
            j -= 1
    return Alignment(distance=cost[n][m][0], hits=tuple(reversed(hits)))


def _names(notes: Notes) -> list[str]:
    return [note.name for note in notes]


def _check(predicted: Sequence, truth: Sequence) -> None:
    if len(predicted) != len(truth):
        raise ValueError(f"{len(predicted)} predictions for {len(truth)} true samples")


def _alignments(predicted: Sequence[Notes], truth: Sequence[Notes]) -> list[Alignment]:
    _check(predicted, truth)
    return [align(_names(p), _names(t)) for p, t in zip(predicted, truth)]


def _ratio(numerator: float, denominator: float, empty: float) -> float:
    return float(numerator) / float(denominator) if denominator else empty


def exact_match(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float:
    """Fraction of images whose step+octave sequence equals the truth."""
    _check(predicted, truth)
    return _ratio(sum(_names(p) == _names(t) for p, t in zip(predicted, truth)), len(truth), 1.0)


def pitch_ser(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float:
    """Symbol error rate: summed edit distances over summed true note counts."""
    distance = sum(a.distance for a in _alignments(predicted, truth))
    return _ratio(distance, sum(len(t) for t in truth), 0.0 if distance == 0 else float("inf"))


def note_precision(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float:
    """Aligned hits over predicted notes."""
    hits = sum(len(a.hits) for a in _alignments(predicted, truth))
    total_true = sum(len(t) for t in truth)
    return _ratio(hits, sum(len(p) for p in predicted), 1.0 if total_true == 0 else 0.0)


def note_recall(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float:
    """Aligned hits over true notes."""
    hits = sum(len(a.hits) for a in _alignments(predicted, truth))
    total_predicted = sum(len(p) for p in predicted)
    return _ratio(hits, sum(len(t) for t in truth), 1.0 if total_predicted == 0 else 0.0)


def note_f1(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float:
    """Harmonic mean of note precision and recall."""
    return _f1(note_precision(predicted, truth), note_recall(predicted, truth))


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def _hit_agreement(predicted: Sequence[Notes], truth: Sequence[Notes], attribute: str) -> float | None:
    agree = total = 0
    for p, t, alignment in zip(predicted, truth, _alignments(predicted, truth)):
        for i, j in alignment.hits:
            total += 1
            agree += getattr(p[i], attribute) == getattr(t[j], attribute)
    return _ratio(agree, total, 0.0) if total else None


def accidental_accuracy(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float | None:
    """Among aligned hits, the fraction with the true alter; None when nothing was hit."""
    return _hit_agreement(predicted, truth, "alter")


def duration_accuracy(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float | None:
    """Among aligned hits, the fraction with the true duration; None when nothing was hit."""
    return _hit_agreement(predicted, truth, "duration")


def _vectors(notes: Sequence[Notes]) -> np.ndarray:
    return np.array([pitch_vector(n) for n in notes], dtype=bool).reshape(len(notes), -1)


def set_exact_match(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float:
    """Fraction of images whose 52-key pitch set equals the truth's."""
    _check(predicted, truth)
    p, t = _vectors(predicted), _vectors(truth)
    return _ratio(int((p == t).all(axis=1).sum()), len(truth), 1.0)


def set_micro_f1(predicted: Sequence[Notes], truth: Sequence[Notes]) -> float:
    """Micro F1 over all images' 52-key pitch sets."""
    _check(predicted, truth)
    return _micro_f1(_vectors(predicted), _vectors(truth))


def _micro_f1(predicted: np.ndarray, truth: np.ndarray) -> float:
    tp = int((predicted & truth).sum())
    fp = int((predicted & ~truth).sum())
    fn = int((~predicted & truth).sum())
    return _ratio(2 * tp, 2 * tp + fp + fn, 1.0)


def vector_micro_f1(probabilities: Sequence[np.ndarray], truth: Sequence[Sequence[int]], threshold: float) -> float:
    """Micro F1 of raw regression outputs thresholded at `threshold` against the true pitch vectors."""
    _check(probabilities, truth)
    predicted = np.array([np.asarray(p) >= threshold for p in probabilities], dtype=bool).reshape(len(truth), -1)
    return _micro_f1(predicted, np.array(truth, dtype=bool).reshape(len(truth), -1))


def _class_pixels(class_map: np.ndarray, class_names: Sequence[str], name: str) -> np.ndarray:
    """Boolean map of one class's pixels; all False when the map's class list lacks it."""
    names = list(class_names)
    return class_map == names.index(name) if name in names else np.zeros(class_map.shape, dtype=bool)


def notehead_iou(
    predicted: Sequence[np.ndarray],
    truth: Sequence[np.ndarray],
    predicted_classes: Sequence[str],
    true_classes: Sequence[str],
) -> float:
    """Class-aware notehead IoU: pixels of the same notehead class in both, over pixels that are a head in either."""
    _check(predicted, truth)
    intersection = union = 0
    for p, t in zip(predicted, truth):
        p_heads = [_class_pixels(p, predicted_classes, name) for name in NOTEHEAD_CLASSES]
        t_heads = [_class_pixels(t, true_classes, name) for name in NOTEHEAD_CLASSES]
        intersection += sum(int((ph & th).sum()) for ph, th in zip(p_heads, t_heads))
        union += int((np.logical_or.reduce(p_heads) | np.logical_or.reduce(t_heads)).sum())
    return _ratio(intersection, union, 1.0)


def staff_iou(
    predicted: Sequence[np.ndarray],
    truth: Sequence[np.ndarray],
    predicted_classes: Sequence[str],
    true_classes: Sequence[str],
) -> float:
    """IoU of the staff_line class, summed over images."""
    _check(predicted, truth)
    intersection = union = 0
    for p, t in zip(predicted, truth):
        p_line = _class_pixels(p, predicted_classes, "staff_line")
        t_line = _class_pixels(t, true_classes, "staff_line")
        intersection += int(np.sum(p_line & t_line))
        union += int(np.sum(p_line | t_line))
    return _ratio(intersection, union, 1.0)


def notehead_map(predicted: Sequence[Sequence[Box]], truth: Sequence[Sequence[Box]]) -> dict[str, float]:
    """COCO mAP of notehead boxes (per notehead class, averaged) at IoU 0.5 and 0.5:0.95, via torchmetrics."""
    import torch  # evaluation may use torch; imported here so the other metrics stay light
    from torchmetrics.detection import MeanAveragePrecision

    _check(predicted, truth)
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

    metric = MeanAveragePrecision(iou_type="bbox")  # COCO: top 100 heads per image, plenty for <= 32 notes
    metric.update([tensors(p, True) for p in predicted], [tensors(t, False) for t in truth])
    result = metric.compute()
    return {"map50": float(result["map_50"]), "map50_95": float(result["map"])}


def map50(predicted: Sequence[Sequence[Box]], truth: Sequence[Sequence[Box]]) -> float:
    """Notehead mAP at IoU 0.5."""
    return notehead_map(predicted, truth)["map50"]


def map50_95(predicted: Sequence[Sequence[Box]], truth: Sequence[Sequence[Box]]) -> float:
    """Notehead mAP averaged over IoU 0.5:0.95."""
    return notehead_map(predicted, truth)["map50_95"]


def note_metrics(
    predicted: Sequence[Notes],
    truth: Sequence[Notes],
    knows_accidentals: bool = True,
    knows_durations: bool = True,
) -> dict[str, float | None]:
    """Every sequence and set metric of CONTRACT.md; accidental/duration accuracy null where not predicted."""
    return {
        "exact_match": exact_match(predicted, truth),
        "pitch_ser": pitch_ser(predicted, truth),
        "note_precision": note_precision(predicted, truth),
        "note_recall": note_recall(predicted, truth),
        "note_f1": note_f1(predicted, truth),
        "accidental_accuracy": accidental_accuracy(predicted, truth) if knows_accidentals else None,
        "duration_accuracy": duration_accuracy(predicted, truth) if knows_durations else None,
        "set_exact_match": set_exact_match(predicted, truth),
        "set_micro_f1": set_micro_f1(predicted, truth),
    }
