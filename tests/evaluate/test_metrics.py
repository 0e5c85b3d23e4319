import numpy as np
import pytest

from omr.evaluate import metrics
from omr.music.events import SymbolicNote, pitch_vector
from omr.samples import MASK_CLASSES, Box


def seq(text: str, durations: str = "", alters: str = "") -> tuple[SymbolicNote, ...]:
    """'C4 E4 G4' -> notes; optional per-note durations ('qh') and alters ('0+-')."""
    names = text.split()
    notes = []
    for k, name in enumerate(names):
        duration = {"q": "quarter", "h": "half"}[durations[k]] if durations else "quarter"
        alter = {"0": 0, "+": 1, "-": -1}[alters[k]] if alters else 0
        notes.append(SymbolicNote(name[0], int(name[1:]), alter, duration))
    return tuple(notes)


TRUTH = [seq("C4 E4"), seq("G4 A4 B4")]


def test_perfect_prediction_scores_one_and_zero_error():
    result = metrics.note_metrics(TRUTH, TRUTH)
    assert result == {
        "ser": 0.0,
        "exact_match": 1.0,
        "pitch_ser": 0.0,
        "note_precision": 1.0,
        "note_recall": 1.0,
        "note_f1": 1.0,
        "rest_f1": 1.0,
        "accidental_accuracy": 1.0,
        "duration_accuracy": 1.0,
        "set_exact_match": 1.0,
        "set_micro_f1": 1.0,
    }


def test_one_substitution_is_neither_hit_nor_counted_twice():
    predicted = [seq("C4 F4"), seq("G4 A4 B4")]
    assert metrics.exact_match(predicted, TRUTH) == 0.5
    assert metrics.pitch_ser(predicted, TRUTH) == pytest.approx(1 / 5)
    assert metrics.note_precision(predicted, TRUTH) == pytest.approx(4 / 5)
    assert metrics.note_recall(predicted, TRUTH) == pytest.approx(4 / 5)
    assert metrics.note_f1(predicted, TRUTH) == pytest.approx(4 / 5)


def test_insertion_lowers_precision_only():
    predicted = [seq("C4 D4 E4"), seq("G4 A4 B4")]
    assert metrics.pitch_ser(predicted, TRUTH) == pytest.approx(1 / 5)
    assert metrics.note_precision(predicted, TRUTH) == pytest.approx(5 / 6)
    assert metrics.note_recall(predicted, TRUTH) == 1.0
    assert metrics.note_f1(predicted, TRUTH) == pytest.approx(2 * (5 / 6) / (5 / 6 + 1))


def test_deletion_lowers_recall_only():
    predicted = [seq("C4"), seq("G4 A4 B4")]
    assert metrics.pitch_ser(predicted, TRUTH) == pytest.approx(1 / 5)
    assert metrics.note_precision(predicted, TRUTH) == 1.0
    assert metrics.note_recall(predicted, TRUTH) == pytest.approx(4 / 5)


def test_ratios_are_corpus_level_not_means_of_images():
    # Image 1 (2 notes) all wrong, image 2 (3 notes) all right: corpus recall 3/5, a per-image mean would say 1/2.
    predicted = [seq("D4 F4"), seq("G4 A4 B4")]
    assert metrics.note_recall(predicted, TRUTH) == pytest.approx(3 / 5)
    assert metrics.pitch_ser(predicted, TRUTH) == pytest.approx(2 / 5)


def test_alignment_prefers_more_hits_among_equal_distances():
    alignment = metrics.align(["B", "A"], ["A", "B"])
    assert alignment.distance == 2
    assert len(alignment.hits) == 1


def test_empty_prediction_scores_zero_recall_and_precision():
    predicted = [(), ()]
    assert metrics.note_recall(predicted, TRUTH) == 0.0
    assert metrics.note_precision(predicted, TRUTH) == 0.0
    assert metrics.note_f1(predicted, TRUTH) == 0.0
    assert metrics.pitch_ser(predicted, TRUTH) == 1.0


def test_accidental_and_duration_accuracy_count_only_aligned_hits():
    truth = [seq("C4 E4 G4", durations="qhq", alters="0+0")]
    predicted = [seq("C4 E4 A4", durations="qqh", alters="000")]  # G4 -> A4 is a substitution, not scored
    assert metrics.accidental_accuracy(predicted, truth) == pytest.approx(1 / 2)
    assert metrics.duration_accuracy(predicted, truth) == pytest.approx(1 / 2)


def test_accidental_accuracy_is_none_without_hits_and_null_when_not_predicted():
    assert metrics.accidental_accuracy([seq("D4")], [seq("C4")]) is None
    result = metrics.note_metrics(TRUTH, TRUTH, knows_accidentals=False, knows_durations=False)
    assert result["accidental_accuracy"] is None and result["duration_accuracy"] is None


def test_set_metrics_ignore_order_and_repeats():
    predicted = [seq("E4 C4 C4"), seq("G4 A4")]
    assert metrics.set_exact_match(predicted, TRUTH) == 0.5
    # TP = 4 (C4 E4 G4 A4), FN = 1 (B4), FP = 0.
    assert metrics.set_micro_f1(predicted, TRUTH) == pytest.approx(8 / 9)


def test_vector_micro_f1_thresholds_raw_probabilities():
    truth = [pitch_vector(seq("C4 E4"))]
    probabilities = np.array(truth[0], dtype=np.float32) * 0.9
    probabilities[30] = 0.6  # one false positive above threshold
    probabilities[31] = 0.4  # below threshold: ignored
    assert metrics.vector_micro_f1([probabilities], truth, threshold=0.5) == pytest.approx(4 / 5)


def _class_map(shape, regions):
    class_map = np.zeros(shape, dtype=np.uint8)
    for name, (y0, y1, x0, x1) in regions.items():
        class_map[y0:y1, x0:x1] = MASK_CLASSES.index(name)
    return class_map


def test_notehead_iou_counts_wrong_head_class_as_miss():
    truth = _class_map((10, 10), {"notehead_filled": (0, 2, 0, 5)})  # 10 pixels
    same = truth.copy()
    wrong_class = _class_map((10, 10), {"notehead_hollow": (0, 2, 0, 5)})
    half = _class_map((10, 10), {"notehead_filled": (0, 2, 0, 10)})  # 20 pixels, 10 shared
    assert metrics.notehead_iou([same], [truth], MASK_CLASSES, MASK_CLASSES) == 1.0
    assert metrics.notehead_iou([wrong_class], [truth], MASK_CLASSES, MASK_CLASSES) == 0.0
    assert metrics.notehead_iou([half], [truth], MASK_CLASSES, MASK_CLASSES) == pytest.approx(0.5)


def test_staff_iou_maps_classes_by_name():
    truth = _class_map((10, 10), {"staff_line": (2, 3, 0, 10)})
    names = ("background", "staff_line")
    predicted = (truth == MASK_CLASSES.index("staff_line")).astype(np.uint8)
    predicted[2, :5] = 0
    assert metrics.staff_iou([predicted], [truth], names, MASK_CLASSES) == pytest.approx(0.5)


def test_map_is_one_for_true_boxes_and_drops_when_a_head_is_missed():
    truth = [[Box("notehead_filled", (10, 10, 20, 18)), Box("notehead_filled", (30, 12, 40, 20)), Box("staff", (0, 0, 50, 30))]]
    perfect = [[Box(b.label, b.xyxy, 0.9) for b in truth[0]]]
    assert metrics.map50(perfect, truth) == pytest.approx(1.0)
    assert metrics.map50_95(perfect, truth) == pytest.approx(1.0)
    missed = [[Box("notehead_filled", (10, 10, 20, 18), 0.9)]]
    assert metrics.map50(missed, truth) == pytest.approx(0.5, abs=0.02)


def test_mismatched_sample_counts_are_rejected():
    with pytest.raises(ValueError, match="predictions"):
        metrics.exact_match([seq("C4")], TRUTH)
