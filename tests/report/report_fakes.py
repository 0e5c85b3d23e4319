"""Hand-made report inputs shared by the report tests: a CTC output over a tiny vocabulary and its grid row."""

from __future__ import annotations

import numpy as np

from omr.decode.tokens import events_from_tokens
from omr.decode.outputs import SequenceOutput
from omr.report.figures import GridRow

VOCABULARY = ("clef:treble", "n4:4", "|")
# Best class per frame (0 = blank): greedy CTC reads clef:treble n4:4 | n4:4 (the repeated 2 is one token).
FRAMES = (1, 0, 2, 2, 0, 3, 0, 2)
TOKENS = "clef:treble n4:4 | n4:4"


def sequence_output(frames=FRAMES, vocabulary=VOCABULARY, stride: float = 8.0) -> SequenceOutput:
    """Log-probabilities whose argmax per frame is `frames`."""
    log_probs = np.full((len(frames), len(vocabulary) + 1), np.log(0.01), np.float32)
    log_probs[np.arange(len(frames)), frames] = np.log(0.97)
    return SequenceOutput(log_probs, vocabulary, stride)


def sequence_row(image: np.ndarray) -> GridRow:
    """A row whose prediction is what the fake output's tokens decode to (two B4 quarters in treble)."""
    events = events_from_tokens(TOKENS.split()).events
    return GridRow(image, events, events, sequence_output())
