"""Torch datasets over the on-disk sample format, padding/batching for varying widths, augmentation presets."""

from omr.data.augment import AUGMENTATIONS, build_augmentation, build_batch_augmentation
from omr.data.batching import Batch, WidthBucketSampler, collate, pad_image, padded_size
from omr.data.dataset import DETECTION_CLASSES, CachedSample, SampleDataset, load_split

__all__ = [
    "AUGMENTATIONS",
    "Batch",
    "CachedSample",
    "DETECTION_CLASSES",
    "SampleDataset",
    "WidthBucketSampler",
    "build_augmentation",
    "build_batch_augmentation",
    "collate",
    "load_split",
    "pad_image",
    "padded_size",
]
