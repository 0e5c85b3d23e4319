"""The approach registry: each approach is one `Approach` object registered by name (as smp registers encoders).

The engine, validation, predictor, recognize, the evaluation runner, the report and `omr transcribe` look
approaches up here; none asks for an approach by name. Importing this package registers the built-in ones, in the
order the report and the CLI list them. It imports no torch: the approaches load theirs when they build or run.
"""

from __future__ import annotations

from omr.approaches.base import Approach
from omr.approaches.detection import DetectionApproach
from omr.approaches.regression import RegressionApproach
from omr.approaches.segmentation import SegmentationApproach
from omr.approaches.sequence import SequenceApproach

_REGISTRY: dict[str, Approach] = {}


def register(approach: Approach) -> Approach:
    """Add an approach under its `name` (ValueError when the name is empty or taken); returns it."""
    if not approach.name:
        raise ValueError(f"{type(approach).__name__}: an approach needs a name")
    if approach.name in _REGISTRY:
        raise ValueError(f"approach {approach.name!r} is already registered")
    _REGISTRY[approach.name] = approach
    return approach


def get_approach(name: str) -> Approach:
    """The registered approach called `name`; ValueError naming the known ones otherwise."""
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown approach {name!r}; expected one of {list(_REGISTRY)}") from None


def approach_names() -> tuple[str, ...]:
    """Every registered approach's name, in registration order."""
    return tuple(_REGISTRY)


register(SegmentationApproach())
register(RegressionApproach())
register(DetectionApproach())
register(SequenceApproach())

__all__ = ["Approach", "approach_names", "get_approach", "register"]
