"""The SER family on hand-made event sequences whose answers are known (CONTRACT.md, Metrics)."""

import dataclasses

import pytest

from omr.evaluate import metrics
from omr.music.events import SymbolicNote, SymbolicRest

CODES = {"1": "whole", "2": "half", "4": "quarter", "8": "eighth", "16": "16th", "32": "32nd"}
ALTERS = {"": 0, "#": 1, "b": -1, "##": 2, "bb": -2}


def events(text: str):
    """'C4:8. F#4:16 r:4 Bb3:2' -> events (code after ':' = duration, each '.' a dot; default quarter)."""
    found = []
    for word in text.split():
        pitch, _, code = word.partition(":")
        code = code or "4"
        duration, dots = CODES[code.rstrip(".")], len(code) - len(code.rstrip("."))
        if pitch == "r":
            found.append(SymbolicRest(duration, dots))
        else:
            found.append(SymbolicNote(pitch[0], int(pitch[-1]), ALTERS[pitch[1:-1]], duration, dots=dots))
    return tuple(found)


TRUTH = [events("C4 r:4 E4:8 G4:8"), events("F#4:8. B3:16 r:2.")]  # 7 events, 5 notes, 2 rests


def test_perfect_events_score_zero_error_and_full_marks():
    result = metrics.event_metrics(TRUTH, TRUTH)
    assert result["ser"] == 0.0 and result["pitch_ser"] == 0.0
    for name in ("exact_match", "note_precision", "note_recall", "note_f1", "rest_f1", "accidental_accuracy",
                 "duration_accuracy", "set_exact_match", "set_micro_f1"):
        assert result[name] == 1.0, name


def test_one_substitution_among_four_true_events_is_a_quarter_ser():
    truth = [events("C4 r:4 E4:8 G4:8")]
    predicted = [events("C4 r:4 F4:8 G4:8")]
    assert metrics.ser(predicted, truth) == pytest.approx(0.25)
    assert metrics.pitch_ser(predicted, truth) == pytest.approx(1 / 3)
    assert metrics.exact_match(predicted, truth) == 0.0


def test_a_deleted_rest_costs_ser_and_rest_recall_but_no_pitch_metric():
    truth = [events("C4 r:4 E4 r:2")]
    predicted = [events("C4 E4 r:2")]
    assert metrics.ser(predicted, truth) == pytest.approx(0.25)
    assert metrics.rest_f1(predicted, truth) == pytest.approx(2 * 1 * 0.5 / 1.5)  # precision 1, recall 1/2
    assert metrics.pitch_ser(predicted, truth) == 0.0 and metrics.note_f1(predicted, truth) == 1.0
    assert metrics.exact_match(predicted, truth) == 0.0


def test_a_wrong_dot_hurts_only_ser_and_duration_accuracy():
    truth = [events("C4:8. D4:16 E4 F4")]
    predicted = [events("C4:8 D4:16 E4 F4")]
    result = metrics.event_metrics(predicted, truth)
    assert result["ser"] == pytest.approx(0.25)
    assert result["duration_accuracy"] == pytest.approx(3 / 4)
    assert result["pitch_ser"] == 0.0 and result["note_f1"] == 1.0 and result["accidental_accuracy"] == 1.0
    assert result["exact_match"] == 0.0


def test_a_double_dot_is_not_a_single_dot():
    assert metrics.ser([events("C4:4..")], [events("C4:4.")]) == 1.0


def test_a_wrong_alter_hurts_only_ser_and_accidental_accuracy():
    truth = [events("C4 F#4 G4 A4")]
    predicted = [events("C4 F4 G4 A4")]
    result = metrics.event_metrics(predicted, truth)
    assert result["ser"] == pytest.approx(0.25)
    assert result["accidental_accuracy"] == pytest.approx(3 / 4)
    assert result["pitch_ser"] == 0.0 and result["note_f1"] == 1.0 and result["duration_accuracy"] == 1.0


def test_a_rest_of_the_wrong_length_is_a_substitution():
    truth = [events("C4 r:4 D4")]
    predicted = [events("C4 r:8 D4")]
    assert metrics.ser(predicted, truth) == pytest.approx(1 / 3)
    assert metrics.rest_f1(predicted, truth) == 0.0
    assert metrics.pitch_ser(predicted, truth) == 0.0


def test_a_note_read_where_a_rest_stands_is_one_edit_for_ser():
    truth = [events("C4 r:4 D4")]
    predicted = [events("C4 E4 D4")]
    assert metrics.ser(predicted, truth) == pytest.approx(1 / 3)
    assert metrics.pitch_ser(predicted, truth) == pytest.approx(1 / 2)  # an inserted note among two true ones
    assert metrics.note_precision(predicted, truth) == pytest.approx(2 / 3)


def test_printed_accidental_tie_and_position_are_not_compared():
    truth = [(SymbolicNote("F", 4, 1, "half", accidental="sharp", tie="start"), SymbolicNote("F", 4, 1, "half", tie="stop"))]
    predicted = [tuple(dataclasses.replace(n, accidental=None, tie=None, x=n.x + 7, y=3.0) for n in truth[0])]
    assert metrics.ser(predicted, truth) == 0.0 and metrics.exact_match(predicted, truth) == 1.0


def test_ser_is_corpus_level_not_a_mean_of_images():
    # Image 1: 2 of 4 events wrong; image 2 (3 events) right: corpus 2/7, a per-image mean would say 1/4.
    truth = [events("C4 r:4 E4:8 G4:8"), events("F#4:8. B3:16 r:2.")]
    predicted = [events("C4 r:8 E4:8 A4:8"), events("F#4:8. B3:16 r:2.")]
    assert metrics.ser(predicted, truth) == pytest.approx(2 / 7)
    assert metrics.exact_match(predicted, truth) == 0.5


def test_empty_prediction_has_ser_one_and_inserted_rests_lower_rest_precision():
    assert metrics.ser([(), ()], TRUTH) == 1.0
    assert metrics.rest_f1([(), ()], TRUTH) == 0.0
    predicted = [events("C4 r:4 r:4 E4:8 G4:8"), TRUTH[1]]
    assert metrics.ser(predicted, TRUTH) == pytest.approx(1 / 7)
    assert metrics.rest_f1(predicted, TRUTH) == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))


def test_rest_f1_is_one_when_neither_side_has_rests_and_zero_for_invented_ones():
    notes_only = [events("C4 D4")]
    assert metrics.rest_f1(notes_only, notes_only) == 1.0
    assert metrics.rest_f1([events("C4 r:4 D4")], notes_only) == 0.0


def test_duration_and_accidental_accuracy_are_null_where_the_approach_cannot_know():
    result = metrics.event_metrics(TRUTH, TRUTH, knows_accidentals=False, knows_durations=False)
    assert result["accidental_accuracy"] is None and result["duration_accuracy"] is None
    assert result["ser"] == 0.0  # ser itself is still scored on every field
    assert metrics.note_metrics is metrics.event_metrics


def test_set_metrics_ignore_rests():
    predicted = [events("C4 E4:8 G4:8"), events("F#4:8. B3:16")]
    assert metrics.set_exact_match(predicted, TRUTH) == 1.0 and metrics.set_micro_f1(predicted, TRUTH) == 1.0
    assert metrics.ser(predicted, TRUTH) == pytest.approx(2 / 7)
