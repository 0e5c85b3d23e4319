"""One function per CONTRACT.md metric, used by tests, the evaluation stage and the report alike.

Corpus-level ratios throughout: totals are summed over images first, then divided (never a mean of per-image ratios).
Each sequence metric turns events into tokens and aligns predicted and true tokens by edit distance:
- `ser` / `exact_match`: every event; a note is its step, octave, alter, duration and dots, a rest its duration and
  dots, each with its tuplet, grace or measure flag where it has one (the printed accidental, ties and x/y are not
  compared: CONTRACT scores what sounds, not how it is spelled);
- `pitch_ser` / `note_*`: the notes alone, step+octave (the figure every earlier report used);
- `rest_f1`: the rests alone, duration+dots;
- `accidental_accuracy` / `duration_accuracy`: the alter / duration+dots of the notes the pitch alignment matched;
- `ser_new_material` / `ser_other`: `ser` over the images whose truth holds the fuller vocabulary (issue 29's figure:
  the first within 1.5x of the second) and over the rest.
Approach-specific metrics on raw outputs live in `output_metrics` and are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Hashable, Sequence

import numpy as np

from omr.evaluate.output_metrics import (  # noqa: F401  (re-exported: one function per metric, reached from here)
    check_counts,
    map50,
    map50_95,
    micro_f1,
    notehead_iou,
    notehead_map,
    ratio,
    staff_iou,
    vector_micro_f1,
)
from omr.music.events import Event, StaffHeader, SymbolicNote, notes_of, pitch_vector

Events = Sequence[Event]  # one image's events, left to right (a tuple of notes alone is one too)


@dataclass(frozen=True)
class Alignment:
    """A minimum edit alignment of a predicted and a true sequence: distance and matched (pred, true) index pairs."""

    distance: int
    hits: tuple[tuple[int, int], ...]


def align(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> Alignment:
    """Levenshtein alignment (unit costs); among minimum-distance alignments, the one with the most hits."""
    return _align(tuple(predicted), tuple(truth))


@lru_cache(maxsize=65536)  # every sequence metric aligns the same pairs; align each pair once
def _align(predicted: tuple, truth: tuple) -> Alignment:
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


# --- tokens: what each family of metrics compares -------------------------------------------------------------------

def event_token(event: Event) -> tuple:
    """What `ser` compares: a note's step, octave, alter, duration and dots; a rest's duration and dots; and the
    fuller vocabulary where present (tuplet, grace, measure rest: a triplet eighth is not an eighth)."""
    if event.kind == "rest":
        return ("rest", event.duration, event.dots) + _fuller_token(("tuplet", event.tuplet),
                                                                    ("measure", event.measure))
    return (("note", event.step, event.octave, event.alter, event.duration, event.dots)
            + _fuller_token(("tuplet", event.tuplet), ("grace", event.grace)))


def _fuller_token(*fields: tuple[str, object]) -> tuple:
    # Only the fields an event holds: events without them keep the tokens (and the figures) they always had.
    return tuple((name, value) for name, value in fields if value)


def _event_tokens(events: Events) -> tuple:
    return tuple(event_token(e) for e in events)


def _pitch_tokens(events: Events) -> tuple:
    return tuple(note.name for note in notes_of(events))


def _rest_tokens(events: Events) -> tuple:
    return tuple((e.duration, e.dots) for e in events if e.kind == "rest")


Tokens = Callable[[Events], tuple]


def _alignments(predicted: Sequence[Events], truth: Sequence[Events], tokens: Tokens) -> list[Alignment]:
    check_counts(predicted, truth)
    return [align(tokens(p), tokens(t)) for p, t in zip(predicted, truth)]


def _error_rate(predicted: Sequence[Events], truth: Sequence[Events], tokens: Tokens) -> float:
    distance = sum(a.distance for a in _alignments(predicted, truth, tokens))
    return ratio(distance, sum(len(tokens(t)) for t in truth), 0.0 if distance == 0 else float("inf"))


def _precision_recall(predicted: Sequence[Events], truth: Sequence[Events], tokens: Tokens) -> tuple[float, float]:
    """Aligned hits over predicted and over true tokens; with nothing on one side, 1.0 if the other is empty too."""
    hits = sum(len(a.hits) for a in _alignments(predicted, truth, tokens))
    total_predicted = sum(len(tokens(p)) for p in predicted)
    total_true = sum(len(tokens(t)) for t in truth)
    return (ratio(hits, total_predicted, 1.0 if total_true == 0 else 0.0),
            ratio(hits, total_true, 1.0 if total_predicted == 0 else 0.0))


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


# --- the metrics ----------------------------------------------------------------------------------------------------

def ser(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """Symbol error rate over events: summed edit distances over summed true event counts (the headline)."""
    return _error_rate(predicted, truth, _event_tokens)


def exact_match(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """Fraction of images whose event sequence equals the truth (events compared as for `ser`)."""
    check_counts(predicted, truth)
    return ratio(sum(_event_tokens(p) == _event_tokens(t) for p, t in zip(predicted, truth)), len(truth), 1.0)


def pitch_ser(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """Symbol error rate over the notes alone, step+octave: summed edit distances over summed true note counts."""
    return _error_rate(predicted, truth, _pitch_tokens)


def note_precision(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """Pitch-aligned hits over predicted notes."""
    return _precision_recall(predicted, truth, _pitch_tokens)[0]


def note_recall(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """Pitch-aligned hits over true notes."""
    return _precision_recall(predicted, truth, _pitch_tokens)[1]


def note_f1(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """Harmonic mean of note precision and recall."""
    return _f1(*_precision_recall(predicted, truth, _pitch_tokens))


def rest_f1(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """F1 of the rests aligned on their own (duration+dots); 1.0 when neither side has a rest."""
    return _f1(*_precision_recall(predicted, truth, _rest_tokens))


def _hit_agreement(predicted: Sequence[Events], truth: Sequence[Events],
                   same: Callable[[SymbolicNote, SymbolicNote], bool]) -> float | None:
    agree = total = 0
    for p, t, alignment in zip(predicted, truth, _alignments(predicted, truth, _pitch_tokens)):
        p_notes, t_notes = notes_of(p), notes_of(t)
        for i, j in alignment.hits:
            total += 1
            agree += same(p_notes[i], t_notes[j])
    return ratio(agree, total, 0.0) if total else None


def accidental_accuracy(predicted: Sequence[Events], truth: Sequence[Events]) -> float | None:
    """Among pitch-aligned hits, the fraction with the true sounding alter; None when nothing was hit."""
    return _hit_agreement(predicted, truth, lambda p, t: p.alter == t.alter)


def duration_accuracy(predicted: Sequence[Events], truth: Sequence[Events]) -> float | None:
    """Among pitch-aligned hits, the fraction with the true duration and dots; None when nothing was hit."""
    return _hit_agreement(predicted, truth, lambda p, t: (p.duration, p.dots) == (t.duration, t.dots))


def _vectors(events: Sequence[Events]) -> np.ndarray:
    return np.array([pitch_vector(e) for e in events], dtype=bool).reshape(len(events), -1)


def set_exact_match(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """Fraction of images whose 52-key pitch set equals the truth's."""
    check_counts(predicted, truth)
    p, t = _vectors(predicted), _vectors(truth)
    return ratio(int((p == t).all(axis=1).sum()), len(truth), 1.0)


def set_micro_f1(predicted: Sequence[Events], truth: Sequence[Events]) -> float:
    """Micro F1 over all images' 52-key pitch sets."""
    check_counts(predicted, truth)
    return micro_f1(_vectors(predicted), _vectors(truth))


def event_metrics(
    predicted: Sequence[Events],
    truth: Sequence[Events],
    knows_accidentals: bool = True,
    knows_durations: bool = True,
) -> dict[str, float | None]:
    """Every sequence and set metric of CONTRACT.md; accidental/duration accuracy null where not predicted."""
    return {
        "ser": ser(predicted, truth),
        "exact_match": exact_match(predicted, truth),
        "pitch_ser": pitch_ser(predicted, truth),
        "note_precision": note_precision(predicted, truth),
        "note_recall": note_recall(predicted, truth),
        "note_f1": note_f1(predicted, truth),
        "rest_f1": rest_f1(predicted, truth),
        "accidental_accuracy": accidental_accuracy(predicted, truth) if knows_accidentals else None,
        "duration_accuracy": duration_accuracy(predicted, truth) if knows_durations else None,
        "set_exact_match": set_exact_match(predicted, truth),
        "set_micro_f1": set_micro_f1(predicted, truth),
    }


note_metrics = event_metrics  # the name callers used before rests were events


# --- 95% bootstrap intervals over test images (issue 15) ------------------------------------------------------------
# The images are resampled with replacement and the corpus ratio recomputed; percentiles of those ratios bound it.
# Each image's pieces (edit distance, true count; hits, predicted, true) are computed once: a resample only sums
# rows, so 1000 resamples cost a matrix gather, not 1000 alignments.

BOOTSTRAP_RESAMPLES = 1000
BOOTSTRAP_SEED = 0  # the evaluation's fixed seed: the same predictions give the same interval on every run
BOOTSTRAP_LEVEL = 0.95


def ser_counts(predicted: Sequence[Events], truth: Sequence[Events]) -> np.ndarray:
    """Per image: [edit distance, true events] as `ser` counts them (shape images x 2)."""
    alignments = _alignments(predicted, truth, _event_tokens)
    return np.array([(a.distance, len(t)) for a, t in zip(alignments, truth)], dtype=np.int64).reshape(-1, 2)


def note_counts(predicted: Sequence[Events], truth: Sequence[Events]) -> np.ndarray:
    """Per image: [pitch-aligned hits, predicted notes, true notes] as `note_f1` counts them (shape images x 3)."""
    alignments = _alignments(predicted, truth, _pitch_tokens)
    rows = [(len(a.hits), len(_pitch_tokens(p)), len(_pitch_tokens(t)))
            for a, p, t in zip(alignments, predicted, truth)]
    return np.array(rows, dtype=np.int64).reshape(-1, 3)


def ser_of_sums(sums: np.ndarray) -> np.ndarray:
    """`ser` of summed [distance, true] rows (any leading shape); the empty cases as `ser` has them."""
    distance, true = sums[..., 0].astype(float), sums[..., 1].astype(float)
    empty = np.where(distance == 0, 0.0, np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(true > 0, distance / true, empty)


def note_f1_of_sums(sums: np.ndarray) -> np.ndarray:
    """`note_f1` of summed [hits, predicted, true] rows (any leading shape); the empty cases as `note_f1` has them."""
    hits, predicted, true = (sums[..., k].astype(float) for k in range(3))
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(predicted > 0, hits / predicted, np.where(true == 0, 1.0, 0.0))
        recall = np.where(true > 0, hits / true, np.where(predicted == 0, 1.0, 0.0))
        return np.where(precision + recall > 0, 2 * precision * recall / (precision + recall), 0.0)


def bootstrap_samples(images: int, rng: np.random.Generator, resamples: int = BOOTSTRAP_RESAMPLES) -> np.ndarray:
    """Image indices of `resamples` resamples with replacement (shape resamples x images)."""
    if resamples < 1:
        raise ValueError(f"bootstrap resamples: must be >= 1, got {resamples}")
    return rng.integers(0, images, size=(resamples, images)) if images else np.zeros((resamples, 0), np.int64)


def bootstrap_interval(counts: np.ndarray, statistic: Callable[[np.ndarray], np.ndarray], samples: np.ndarray,
                       level: float = BOOTSTRAP_LEVEL) -> tuple[float, float]:
    """The central `level` percentile interval of `statistic` over the resampled images' summed counts; with no
    images, the statistic of nothing at both ends (nothing to resample)."""
    # One seed: every resample draws that seed (the two-level bootstrap with nothing to resample at the top).
    return _two_level_interval(counts[None], statistic, samples, np.zeros((len(samples), 1), np.int64), level)


def ser_interval(predicted: Sequence[Events], truth: Sequence[Events], rng: np.random.Generator,
                 resamples: int = BOOTSTRAP_RESAMPLES, level: float = BOOTSTRAP_LEVEL) -> tuple[float, float]:
    """Bootstrap interval of `ser` over images (resampled with `rng`)."""
    counts = ser_counts(predicted, truth)
    return bootstrap_interval(counts, ser_of_sums, bootstrap_samples(len(counts), rng, resamples), level)


def note_f1_interval(predicted: Sequence[Events], truth: Sequence[Events], rng: np.random.Generator,
                     resamples: int = BOOTSTRAP_RESAMPLES, level: float = BOOTSTRAP_LEVEL) -> tuple[float, float]:
    """Bootstrap interval of `note_f1` over images (resampled with `rng`)."""
    counts = note_counts(predicted, truth)
    return bootstrap_interval(counts, note_f1_of_sums, bootstrap_samples(len(counts), rng, resamples), level)


def stored_interval(found: object) -> tuple[float, float] | None:
    """A metrics file's `<metric>_ci95` value as (low, high); None for anything but a pair of numbers."""
    if isinstance(found, (list, tuple)) and len(found) == 2 and all(isinstance(end, (int, float)) for end in found):
        return float(found[0]), float(found[1])
    return None


def headline_intervals(predicted: Sequence[Events], truth: Sequence[Events], seed: int = BOOTSTRAP_SEED,
                       resamples: int = BOOTSTRAP_RESAMPLES) -> dict[str, list[float]]:
    """{"ser_ci95": [low, high], "note_f1_ci95": [low, high]}: both over the same resamples of the images, drawn
    from a Generator seeded with `seed` (so a test set's interval does not depend on what was evaluated before)."""
    return seed_pooled_intervals([predicted], truth, seed, resamples)


def seed_pooled_intervals(predicted_by_seed: Sequence[Sequence[Events]], truth: Sequence[Events],
                          seed: int = BOOTSTRAP_SEED, resamples: int = BOOTSTRAP_RESAMPLES) -> dict[str, list[float]]:
    """`headline_intervals` of several training seeds' predictions on the same images: a two-level bootstrap that
    resamples the images and, independently, the seeds, so the interval holds both the test set's sampling noise and
    the spread between trainings. With one seed it is `headline_intervals` exactly (the seed draws come from their
    own Generator, so the image draws do not move)."""
    if not predicted_by_seed:
        raise ValueError("seed_pooled_intervals: needs the predictions of at least one seed")
    for predicted in predicted_by_seed:
        check_counts(predicted, truth)
    images = bootstrap_samples(len(truth), np.random.default_rng(seed), resamples)
    seeds = np.random.default_rng(seed + 1).integers(0, len(predicted_by_seed), size=(resamples, len(predicted_by_seed)))
    ser = np.stack([ser_counts(p, truth) for p in predicted_by_seed])
    notes = np.stack([note_counts(p, truth) for p in predicted_by_seed])
    return {
        "ser_ci95": list(_two_level_interval(ser, ser_of_sums, images, seeds)),
        "note_f1_ci95": list(_two_level_interval(notes, note_f1_of_sums, images, seeds)),
    }


def _two_level_interval(counts: np.ndarray, statistic: Callable[[np.ndarray], np.ndarray], images: np.ndarray,
                        seeds: np.ndarray, level: float = BOOTSTRAP_LEVEL) -> tuple[float, float]:
    """`bootstrap_interval` over counts of shape seeds x images x k: resample r sums the images `images[r]` of each
    of the seeds `seeds[r]` (drawn with replacement)."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"bootstrap level: must lie strictly between 0 and 1, got {level}")
    if counts.shape[1] == 0:
        point = float(statistic(counts.sum(axis=(0, 1))))
        return point, point
    per_seed = counts[:, images].sum(axis=2)  # seeds x resamples x k
    chosen = per_seed[seeds.T, np.arange(len(images))[None, :]].sum(axis=0)  # resamples x k
    values = statistic(chosen)
    tail = 100.0 * (1.0 - level) / 2.0
    low, high = np.percentile(values, [tail, 100.0 - tail])
    return float(low), float(high)


# --- the fuller vocabulary's figure (issue 29): `ser` on the images that hold it and on the others ------------------
# The meters added with it: a staff in one is new material even where it holds no new symbol.
NEW_MATERIAL_METERS = ("3/2", "4/2", "5/4", "6/4", "9/8", "12/8", "7/8", "C|")


def holds_new_material(events: Events, headers: Sequence[StaffHeader] = ()) -> bool:
    """Whether an image's truth (its events and its staves' headers) holds what the fuller vocabulary added: a
    tuplet, a grace note, a breve, a measure rest, a clef/key/time change inside a staff, or a NEW_MATERIAL_METERS
    meter (at a staff's start or changed to)."""
    for event in events:
        if event.duration == "breve" or getattr(event, "tuplet", None) is not None or getattr(event, "grace", False) \
                or getattr(event, "measure", False):
            return True
    return any(header.changes or header.time in NEW_MATERIAL_METERS for header in headers)


def _material_subsets(new_material: Sequence[bool], truth: Sequence[Events]) -> dict[str, list[int]]:
    check_counts(new_material, truth)
    return {"new_material": [i for i, flag in enumerate(new_material) if flag],
            "other": [i for i, flag in enumerate(new_material) if not flag]}


def ser_by_material(predicted: Sequence[Events], truth: Sequence[Events], new_material: Sequence[bool]
                    ) -> dict[str, float | int | None]:
    """{"ser_new_material", "ser_other": `ser` over the images flagged (`holds_new_material` of their truth) and
    over the others, None where a subset is empty; "images_new_material", "images_other": their counts}."""
    check_counts(predicted, truth)
    subsets = _material_subsets(new_material, truth)
    result: dict[str, float | int | None] = {
        f"ser_{name}": ser([predicted[i] for i in chosen], [truth[i] for i in chosen]) if chosen else None
        for name, chosen in subsets.items()}
    result.update({f"images_{name}": len(chosen) for name, chosen in subsets.items()})
    return result


def material_intervals(predicted_by_seed: Sequence[Sequence[Events]], truth: Sequence[Events],
                       new_material: Sequence[bool], seed: int = BOOTSTRAP_SEED,
                       resamples: int = BOOTSTRAP_RESAMPLES) -> dict[str, list[float] | None]:
    """{"ser_new_material_ci95", "ser_other_ci95"}: `ser_ci95` of each subset as `seed_pooled_intervals` bounds it
    (its images resampled, and the seeds where there are several); None where a subset is empty."""
    for predicted in predicted_by_seed:
        check_counts(predicted, truth)
    result: dict[str, list[float] | None] = {}
    for name, chosen in _material_subsets(new_material, truth).items():
        subset = [[predicted[i] for i in chosen] for predicted in predicted_by_seed]
        result[f"ser_{name}_ci95"] = (seed_pooled_intervals(subset, [truth[i] for i in chosen], seed, resamples)
                                      ["ser_ci95"] if chosen else None)
    return result
