"""Several training seeds of one model: intervals over images and seeds together, and the mean and spread per cell."""

import numpy as np
import pytest

from omr.evaluate import metrics
from omr.evaluate.runner import combine_seeds

from test_bootstrap_intervals import mixed_case
from test_event_metrics import events


def test_one_seed_gives_exactly_the_image_bootstrap_of_before_seeds():
    predicted, truth = mixed_case()
    pooled = metrics.seed_pooled_intervals([predicted], truth, seed=4, resamples=300)
    samples = metrics.bootstrap_samples(len(truth), np.random.default_rng(4), 300)
    expected = metrics.bootstrap_interval(metrics.ser_counts(predicted, truth), metrics.ser_of_sums, samples)
    assert pooled["ser_ci95"] == list(expected)


def test_seeds_that_disagree_widen_the_interval_beyond_either_seed_alone():
    truth = [events("C4 D4 E4 F4")] * 10
    good, bad = [events("C4 D4 E4 F4")] * 10, [events("C4 D4")] * 10  # ser 0 and 0.5 on every image
    assert metrics.headline_intervals(good, truth)["ser_ci95"] == [0.0, 0.0]
    assert metrics.headline_intervals(bad, truth)["ser_ci95"] == [0.5, 0.5]
    low, high = metrics.seed_pooled_intervals([good, bad], truth, resamples=500)["ser_ci95"]
    assert low == 0.0 and high == 0.5  # all-good and all-bad seed draws both occur among 500 resamples of two


def test_seed_predictions_of_another_length_than_the_truth_are_refused():
    predicted, truth = mixed_case()
    with pytest.raises(ValueError):
        metrics.seed_pooled_intervals([predicted, predicted[:-1]], truth)
    with pytest.raises(ValueError):
        metrics.seed_pooled_intervals([], truth)


def test_combining_seeds_keeps_each_seed_and_gives_mean_and_sample_std():
    scored = {0: {"ser": 0.1, "note_f1": 0.9, "map50": None, "ser_ci95": [0.05, 0.15]},
              1: {"ser": 0.3, "note_f1": 0.7, "map50": None, "ser_ci95": [0.2, 0.4]}}
    combined = combine_seeds(scored, {"ser_ci95": [0.04, 0.41], "note_f1_ci95": [0.6, 0.95]})
    assert combined["ser"] == pytest.approx(0.2) and combined["ser_std"] == pytest.approx(0.141421, abs=1e-6)
    assert combined["note_f1"] == pytest.approx(0.8) and combined["map50"] is None
    assert combined["ser_ci95"] == [0.04, 0.41] and combined["seed_count"] == 2
    assert combined["per_seed"] == {"0": {"ser": 0.1, "note_f1": 0.9, "map50": None},
                                    "1": {"ser": 0.3, "note_f1": 0.7, "map50": None}}


def test_one_seed_is_reported_as_it_was_scored():
    scored = {7: {"ser": 0.25, "ser_ci95": [0.2, 0.3]}}
    assert combine_seeds(scored, {"ser_ci95": [0.2, 0.3]}) == {"ser": 0.25, "ser_ci95": [0.2, 0.3]}
