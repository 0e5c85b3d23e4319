"""CTC frame scores -> token indices, each with the frame it was read at (numpy only; blank = index 0)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

BLANK = 0


def greedy_ctc(log_probs: np.ndarray) -> tuple[list[int], list[float]]:
    """Best class per frame, repeats merged, blanks dropped: (labels 1..V, the mean frame of each label's run)."""
    best = np.asarray(log_probs).argmax(axis=-1)
    labels, frames = [], []
    start = 0
    for index in range(1, len(best) + 1):
        if index == len(best) or best[index] != best[start]:
            if best[start] != BLANK:
                labels.append(int(best[start]))
                frames.append((start + index - 1) / 2.0)
            start = index
    return labels, frames


def beam_ctc(log_probs: np.ndarray, beam_width: int = 8) -> tuple[list[int], list[float]]:
    """CTC prefix beam search (no language model): the most probable label sequence summed over its alignments;
    each label's frame is where the kept prefix first emitted it."""
    log_probs = np.asarray(log_probs, dtype=np.float64)
    # prefix -> (log P ending in blank, log P ending in its last label); frames per prefix
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (0.0, -np.inf)}
    frames: dict[tuple[int, ...], tuple[float, ...]] = {(): ()}
    for t, scores in enumerate(log_probs):
        candidates = np.argsort(scores)[::-1][: beam_width + 1]
        next_beams: dict[tuple[int, ...], list[float]] = defaultdict(lambda: [-np.inf, -np.inf])
        for prefix, (blank, label) in beams.items():
            total = np.logaddexp(blank, label)
            for c in candidates:
                p = scores[c]
                if c == BLANK:
                    entry = next_beams[prefix]
                    entry[0] = np.logaddexp(entry[0], total + p)
                    continue
                extended = prefix + (int(c),)
                frames.setdefault(extended, frames[prefix] + (float(t),))
                entry = next_beams[extended]
                if prefix and prefix[-1] == c:  # a repeat needs a blank between; without one it stays the prefix
                    entry[1] = np.logaddexp(entry[1], blank + p)
                    same = next_beams[prefix]
                    same[1] = np.logaddexp(same[1], label + p)
                else:
                    entry[1] = np.logaddexp(entry[1], total + p)
        ranked = sorted(next_beams.items(), key=lambda item: np.logaddexp(*item[1]), reverse=True)[:beam_width]
        beams = {prefix: (b, lab) for prefix, (b, lab) in ranked}
    best = max(beams, key=lambda prefix: np.logaddexp(*beams[prefix]))
    return list(best), list(frames[best])
