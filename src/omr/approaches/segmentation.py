"""The segmentation approach: a U-Net class mask per pixel, decoded into events by the mask decoder."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from omr.approaches.base import Approach
from omr.decode import notes_from_mask
from omr.evaluate import metrics
from omr.decode.outputs import SegmentationOutput
from omr.samples import MASK_CLASSES, NOTATION_MASK_CLASSES, has_notation_symbols, read_meta


class SegmentationApproach(Approach):
    name = "segmentation"
    losses = ("jaccard_ce", "jaccard")
    primary_metric = "notehead_iou"
    secondary_metric = "staff_iou"
    uses_masks = True

    def class_names(self, train_labels):
        # Real notation (v03) has its own mask format, NOTATION_MASK_CLASSES (the seed's first, same indices).
        return NOTATION_MASK_CLASSES if has_notation_symbols(train_labels) else MASK_CLASSES

    def default_class_names(self) -> tuple[str, ...]:
        return MASK_CLASSES

    def check_dataset(self, dataset_dir: Path, class_names: tuple[str, ...]) -> None:
        # The network's channels are the checkpoint's class names; a mask indexing another class list would train
        # the wrong classes silently.
        meta_path = Path(dataset_dir) / "meta.json"
        mask_classes = tuple(read_meta(Path(dataset_dir)).get("mask_classes", MASK_CLASSES))
        if mask_classes != tuple(class_names):
            raise ValueError(f"{meta_path}: mask_classes {list(mask_classes)} differ from the segmentation's "
                             f"classes {list(class_names)}")

    def build_model(self, config, class_names):
        from omr.models.segmentation import SegmentationModel

        return SegmentationModel(config, class_names)

    def build_loss(self, config):
        from omr.train.losses import SegmentationLoss

        return SegmentationLoss(with_cross_entropy=config.loss == "jaccard_ce")

    def loss(self, model, loss_fn, batch):
        return loss_fn(model(batch.images), batch.masks, batch.valid)

    def outputs(self, model, class_names, images, valid, sizes, with_probabilities=True):
        import torch

        if not with_probabilities:  # validation: the class map is all it scores
            class_maps = model(images).argmax(dim=1).to(torch.uint8).cpu().numpy()
            return [SegmentationOutput(np.ascontiguousarray(m[:h, :w]), class_names)
                    for m, (h, w) in zip(class_maps, sizes)]
        probabilities = torch.softmax(model(images).float(), dim=1).cpu().numpy()
        return [
            SegmentationOutput(
                class_map=p[:, :h, :w].argmax(axis=0).astype(np.uint8),
                class_names=class_names,
                probabilities=np.ascontiguousarray(p[:, :h, :w], dtype=np.float32),
            )
            for p, (h, w) in zip(probabilities, sizes)
        ]

    def validation_figures(self, outputs, samples, threshold):
        predicted = [o.class_map for o in outputs]
        truth = [s.mask.numpy() for s in samples]
        names = outputs[0].class_names if outputs else MASK_CLASSES
        # check_dataset made the training set's mask classes the model's, so the truth uses the model's names too.
        return {
            "notehead_iou": metrics.notehead_iou(predicted, truth, names, names),
            "staff_iou": metrics.staff_iou(predicted, truth, names, names),
        }

    def decode(self, output, image, config):
        return notes_from_mask(output.class_map, output.class_names, image=image)

    def output_metrics(self, outputs: Sequence[SegmentationOutput], test_set, config) -> dict:
        if not outputs:
            return {}
        has_masks = test_set.masks is not None
        names = outputs[0].class_names
        class_maps = [o.class_map for o in outputs]
        return {
            "notehead_iou": metrics.notehead_iou(class_maps, test_set.masks, names, test_set.mask_classes)
            if has_masks else None,
            "staff_iou": metrics.staff_iou(class_maps, test_set.masks, names, test_set.mask_classes)
            if has_masks else None,
        }
