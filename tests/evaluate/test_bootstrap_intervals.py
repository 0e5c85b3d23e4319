"""The 95% bootstrap intervals over test images of `ser` and `note_f1`, on hand-made cases whose answers are known."""

import numpy as np
import pytest

from omr.evaluate import metrics

from test_event_metrics import events  # tests/evaluate/test_event_metrics.py: 'C4:8 r:4 ...' -> events

TRUTH = [events("C4 r:4 E4:8 G4:8"), events("F#4:8. B3:16 r:2."), events("D5 D5 r:1")]


def mixed_case():
    """Twelve images: perfect ones, a substitution, a dropped note, an inserted note, an empty reading."""
    truth = [events("C4 D4 E4 F4"), events("G4 A4"), events("B3 r:4 C4"), events("E5:8 E5:8 r:2")] * 3
    predicted = [events("C4 D4 E4 F4"), events("G4 B4"), events("B3 r:4"), events("E5:8 E5:8 r:2 A4")] * 2
    predicted += [(), events("G4 A4"), events("B3 r:4 C4"), events("E5:8 r:2")]
    return predicted, truth


def test_perfect_prediction_gives_a_zero_ser_and_full_note_f1_interval():
    intervals = metrics.headline_intervals(TRUTH, TRUTH)
    assert intervals == {"ser_ci95": [0.0, 0.0], "note_f1_ci95": [1.0, 1.0]}


def test_identical_images_give_a_zero_width_interval_at_the_point_estimate():
    truth = [events("C4 D4 E4 r:4")] * 9
    predicted = [events("C4 D4 F4")] * 9  # one substitution, one deletion: ser 2/4, note F1 2*(2/3*2/3)/(4/3)
    intervals = metrics.headline_intervals(predicted, truth)
    assert intervals["ser_ci95"] == [0.5, 0.5]
    assert intervals["note_f1_ci95"] == pytest.approx([2 / 3, 2 / 3])


def test_interval_contains_the_point_estimate_and_has_width():
    predicted, truth = mixed_case()
    intervals = metrics.headline_intervals(predicted, truth)
    low, high = intervals["ser_ci95"]
    assert low < metrics.ser(predicted, truth) < high
    low, high = intervals["note_f1_ci95"]
    assert low < metrics.note_f1(predicted, truth) < high


def test_two_images_one_all_wrong_one_right_span_zero_to_one():
    # Resampling two images: both wrong, both right, or one of each; each "both" has probability 1/4 > 2.5%.
    truth = [events("C4"), events("D4")]
    predicted = [events("E4"), events("D4")]
    rng = np.random.default_rng(0)
    assert metrics.ser_interval(predicted, truth, rng) == (0.0, 1.0)
    assert metrics.note_f1_interval(predicted, truth, rng) == (0.0, 1.0)


def test_each_resample_is_a_corpus_ratio_not_a_mean_of_image_ratios():
    counts = np.array([[1, 1], [0, 3]])  # image 0: 1 edit of 1 event; image 1: none of 3
    samples = np.array([[1, 1], [0, 1]])  # resample ratios 0/6 = 0 and 1/4 = 0.25 (a mean of ratios: 0.5)
    low, high = metrics.bootstrap_interval(counts, metrics.ser_of_sums, samples)
    assert (low, high) == pytest.approx((0.025 * 0.25, 0.975 * 0.25))  # numpy's linear percentiles of [0, 0.25]


@pytest.mark.parametrize("predicted, truth", [
    mixed_case(),
    ([(), ()], [events("C4"), events("r:4")]),  # nothing read
    ([events("C4 r:4"), ()], [(), ()]),  # insertions into empty truth: ser infinite, note precision 0
    ([(), ()], [(), ()]),  # nothing on either side
])
def test_statistics_of_the_whole_set_equal_the_metrics_themselves(predicted, truth):
    assert metrics.ser_of_sums(metrics.ser_counts(predicted, truth).sum(axis=0)) == metrics.ser(predicted, truth)
    assert metrics.note_f1_of_sums(metrics.note_counts(predicted, truth).sum(axis=0)) == metrics.note_f1(
        predicted, truth)


def test_the_same_seed_gives_the_same_interval_and_resampling_is_by_image():
    predicted, truth = mixed_case()
    assert metrics.headline_intervals(predicted, truth, seed=3) == metrics.headline_intervals(predicted, truth, seed=3)
    samples = metrics.bootstrap_samples(12, np.random.default_rng(1), resamples=50)
    assert samples.shape == (50, 12) and samples.min() >= 0 and samples.max() <= 11


def test_no_images_give_the_empty_set_figures_and_bad_arguments_are_refused():
    assert metrics.headline_intervals([], []) == {"ser_ci95": [0.0, 0.0], "note_f1_ci95": [1.0, 1.0]}
    with pytest.raises(ValueError, match="resamples"):
        metrics.bootstrap_samples(3, np.random.default_rng(0), resamples=0)
    with pytest.raises(ValueError, match="level"):
        metrics.bootstrap_interval(np.ones((2, 2)), metrics.ser_of_sums, np.zeros((4, 2), int), level=95)
    with pytest.raises(ValueError, match="2 predictions for 3"):
        metrics.headline_intervals(TRUTH[:2], TRUTH)
