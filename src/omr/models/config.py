"""Typed model configuration (params.yaml `model`), shared by all approaches with per-approach parts."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal


@dataclass(frozen=True)
class SegmentationModelConfig:
    encoder: str | None = None  # overrides model.encoder for this approach when set
    decoder_channels: tuple[int, ...] = (64, 32, 16, 16)


@dataclass(frozen=True)
class RegressionModelConfig:
    encoder: str | None = None
    # spatial_max: 52 pitch logits at every location of the deepest feature map, max-pooled over the valid region
    # (keeps where a notehead sits relative to the staff); global_avg: the seed's pooled vector -> linear head.
    # width_pool: max over the width of a stride-8 map keeps a height profile (where heads and staff lines sit),
    # 1-D convolutions along the height turn it into 52 logits per row, max over rows.
    # column: each stride-8 column's whole height (staff and heads, rows kept apart) -> 52 logits per column, max
    # over the valid columns; a column holds at most one note, so notes of one image never mix in a feature.
    head: Literal["column", "width_pool", "spatial_max", "global_avg"] = "width_pool"
    hidden_channels: int = 64
    pool_sharpness: float = 0.0  # spatial_max: 0 = hard max, r > 0 = log-mean-exp with sharpness r (smooth max)
    # Staff normalisation: train on (and recognize from) images mapped to staff space 8 with the middle line on the
    # centre of a 128-row canvas, so the head reads pitch from a fixed row even under zoom/crop/scale augmentation.
    staff_normalize: bool = False  # False: checkpoints saved before this knob existed read as they were trained


@dataclass(frozen=True)
class DetectionModelConfig:
    encoder: str | None = None
    feature_channels: int = 64  # each used encoder level is projected to this width before the SSD head
    score_thresh: float = 0.05  # low boxes are kept on purpose: decoders and the report threshold themselves
    nms_thresh: float = 0.45
    detections_per_img: int = 100


@dataclass(frozen=True)
class SequenceModelConfig:
    encoder: str | None = None
    kind: Literal["lstm", "transformer"] = "lstm"  # the sequence layer over the frames (CRNN: BiLSTM)
    channels: int = 32  # per feature row of a frame column (16 rows on the staff canvas)
    hidden: int = 128  # frame features and each LSTM direction
    layers: int = 2
    # joint: one weight vector per token (the CRNN's); factorized: plus shared ones per note/rest factor (position,
    # duration, dots; omr.decode.tokens.token_factors). joint is the default so older checkpoints load as trained.
    classifier: Literal["joint", "factorized"] = "joint"
    # Frames read a column's rows as staff positions, so the staff must sit where training put it.
    staff_normalize: bool = True


@dataclass(frozen=True)
class ModelConfig:
    encoder: str = "resnet18"
    weights: str | None = None  # optional local file with encoder weights; nothing is downloaded
    encoder_depth: int = 4
    segmentation: SegmentationModelConfig = field(default_factory=SegmentationModelConfig)
    regression: RegressionModelConfig = field(default_factory=RegressionModelConfig)
    detection: DetectionModelConfig = field(default_factory=DetectionModelConfig)
    sequence: SequenceModelConfig = field(default_factory=SequenceModelConfig)

    def __post_init__(self) -> None:
        if not 3 <= self.encoder_depth <= 5:
            raise ValueError(f"params.yaml: model.encoder_depth: expected 3..5, got {self.encoder_depth}")
        for name in ("channels", "hidden", "layers"):
            if getattr(self.sequence, name) < 1:
                raise ValueError(f"params.yaml: model.sequence.{name}: must be >= 1, got {getattr(self.sequence, name)}")
        if len(self.segmentation.decoder_channels) != self.encoder_depth:
            raise ValueError(
                "params.yaml: model.segmentation.decoder_channels: expected one entry per encoder level "
                f"({self.encoder_depth}), got {list(self.segmentation.decoder_channels)}"
            )

    def encoder_for(self, approach: str) -> str:
        """The encoder name an approach uses: its own override, else model.encoder."""
        return getattr(self, approach).encoder or self.encoder

    def staff_normalized(self, approach: str) -> bool:
        """Whether this approach's model sees staff-normalised images (training labels / recognize's image)."""
        return bool(getattr(getattr(self, approach), "staff_normalize", False))

    def with_encoder(self, encoder: str) -> "ModelConfig":
        return replace(self, encoder=encoder)
