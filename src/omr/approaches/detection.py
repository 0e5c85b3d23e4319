"""The detection approach: SSD boxes of staff, noteheads, accidentals, clefs and barlines, decoded into events."""

from __future__ import annotations

from omr.approaches.base import Approach
from omr.decode import notes_from_boxes
from omr.evaluate import metrics
from omr.decode.outputs import DetectionOutput
from omr.samples import Box


class DetectionApproach(Approach):
    name = "detection"
    losses = ("ssd",)
    primary_metric = "map50"
    secondary_metric = "map50_95"
    uses_boxes = True

    def class_names(self, train_labels):
        # The seed's eight classes unless the training set boxes real notation (v03): then every labelled symbol,
        # so beams, flags, rests and dots are learnt as themselves rather than as background.
        from omr.data.dataset import NOTATION_DETECTION_CLASSES
        from omr.samples import has_notation_symbols

        return NOTATION_DETECTION_CLASSES if has_notation_symbols(train_labels) else self.default_class_names()

    def default_class_names(self) -> tuple[str, ...]:
        from omr.data.dataset import DETECTION_CLASSES  # the cached splits' box labels index these (first)

        return DETECTION_CLASSES

    def build_model(self, config, class_names):
        from omr.models.detection import DetectionModel

        return DetectionModel(config, class_names)

    def loss(self, model, loss_fn, batch):
        # SSD computes its own losses (loss_fn is None).
        targets = [{"boxes": boxes, "labels": labels} for boxes, labels in zip(batch.boxes, batch.labels)]
        losses = model(batch.images, targets)
        return sum(losses.values())

    def outputs(self, model, class_names, images, valid, sizes, with_probabilities=True):
        detections = model(images)
        return [_boxes(d, class_names, h, w) for d, (h, w) in zip(detections, sizes)]

    def validation_figures(self, outputs, samples, threshold):
        return metrics.notehead_map([o.boxes for o in outputs], [s.label.boxes for s in samples])

    def decode(self, output, image, config):
        return notes_from_boxes(output.boxes, config.score_threshold, image=image)

    def output_metrics(self, outputs, test_set, config):
        if not outputs:
            return {}
        return dict(metrics.notehead_map([o.boxes for o in outputs], [label.boxes for label in test_set.labels]))


def _boxes(detection: dict, class_names: tuple[str, ...], height: int, width: int) -> DetectionOutput:
    """torchvision's detections of one image, clamped to it, degenerate boxes dropped; label i is class i - 1."""
    boxes = detection["boxes"].float().cpu()
    boxes[:, 0::2] = boxes[:, 0::2].clamp(0, width)
    boxes[:, 1::2] = boxes[:, 1::2].clamp(0, height)
    found = []
    for xyxy, label, score in zip(boxes.tolist(), detection["labels"].tolist(), detection["scores"].tolist()):
        if xyxy[2] - xyxy[0] > 0 and xyxy[3] - xyxy[1] > 0:
            found.append(Box(label=class_names[label - 1], xyxy=tuple(xyxy), score=float(score)))
    return DetectionOutput(boxes=tuple(found))
