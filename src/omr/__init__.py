"""omr: a reproducible optical music recognition lab (render, data, models, decode, evaluate, report)."""

__version__ = "0.1.0"
