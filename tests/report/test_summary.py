import json

from omr.report.build import read_results, summary_metrics


def test_summary_keeps_one_rounded_ser_per_model_and_test_set():
    results = {
        "sequence-v03_aug": {"v03": {"ser": 0.121049, "note_f1": 0.9, "ser_ci95": [0.1, 0.14]},
                             "engraved_real": {"ser": 0.27749, "note_f1": 0.7}},
        "regression-v01": {"v01": {"ser": 1, "pitch_ser": 0.0}},
    }
    assert summary_metrics(results) == {
        "sequence-v03_aug": {"v03": 0.121, "engraved_real": 0.2775},
        "regression-v01": {"v01": 1.0},
    }


def test_summary_leaves_out_test_sets_and_models_without_a_numeric_ser():
    results = {"detection-v01": {"v01": {"ser": None}, "long": {"note_f1": 0.5}},
               "detection-v02_aug": {"v02": {"ser": 0.5}, "pages": {"ser": None}}}
    assert summary_metrics(results) == {"detection-v02_aug": {"v02": 0.5}}


def test_summary_of_evaluation_files_is_json_with_the_files_ser(tmp_path):
    (tmp_path / "segmentation-v01.json").write_text(json.dumps({"v01": {"ser": 0.25, "exact_match": 0.5}}))
    results, missing = read_results(tmp_path)
    summary = json.loads(json.dumps(summary_metrics(results)))
    assert summary == {"segmentation-v01": {"v01": 0.25}}
    assert "segmentation-v01" not in missing
