"""`RecognizeConfig`: params.yaml `decode`, the settings every decoder and `omr.transcribe.recognize` read.

A type module below the approaches (whose `decode` takes it), the evaluation runner and the page path, so they all
import it without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RecognizeConfig:
    """params.yaml `decode`: the models' training staff space and the decoders' thresholds."""

    staff_space: float = 8.0  # px; every training set is rendered at this size
    rescale_tolerance: float = 0.03  # closer than this (relative) to staff_space: used as is, no resampling
    score_threshold: float = 0.5  # detection: boxes below this score are not decoded
    vector_threshold: float = 0.5  # regression: keys below this probability are not decoded
    ctc_beam: int = 1  # sequence: 1 = greedy CTC decoding, N > 1 = prefix beam search keeping N prefixes

    def __post_init__(self) -> None:
        if self.ctc_beam < 1:
            raise ValueError("params.yaml: decode.ctc_beam: must be >= 1 (1 = greedy)")
        if self.staff_space <= 0:
            raise ValueError("params.yaml: decode.staff_space: must be > 0")
        if not 0 <= self.rescale_tolerance < 1:
            raise ValueError("params.yaml: decode.rescale_tolerance: must be in [0, 1)")
        for name in ("score_threshold", "vector_threshold"):
            if not 0 < getattr(self, name) < 1:
                raise ValueError(f"params.yaml: decode.{name}: must be in (0, 1)")
