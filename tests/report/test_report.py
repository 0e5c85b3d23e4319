import json

import numpy as np
from PIL import Image

from omr.music.events import SymbolicNote, SymbolicRest
from omr.decode.outputs import DetectionOutput, RegressionOutput, SegmentationOutput
from omr.report.build import ReportConfig, read_results, write_report
from omr.report.document import comparison_table, headline_metric, matrix_table, summary, targets, transfer_matrix
from omr.report.figures import GridRow, read_curves
from omr.samples import MASK_CLASSES, Box

from report_fakes import sequence_row  # tests/report/report_fakes.py

DATASETS = ("v01", "long")


def fake_results(datasets=DATASETS):
    """segmentation perfect everywhere; detection good in distribution, weak on long; regression by sets."""
    base = {"ser": 0.0, "exact_match": 1.0, "note_f1": 1.0, "pitch_ser": 0.0, "rest_f1": 1.0, "set_exact_match": 1.0,
            "set_micro_f1": 1.0}
    results = {}
    for regime in ("v01", "v01_aug", "v02_aug"):
        results[f"segmentation-{regime}"] = {d: dict(base, notehead_iou=0.97) for d in datasets}
        results[f"detection-{regime}"] = {d: dict(base, map50=0.99) for d in datasets}
        results[f"detection-{regime}"]["long"] = dict(base, ser=0.62, pitch_ser=0.5, note_f1=0.5, map50=0.4)
        results[f"regression-{regime}"] = {d: dict(base, ser=1.3, pitch_ser=0.8, note_f1=0.3, set_micro_f1=0.96,
                                                   vector_micro_f1=0.96) for d in datasets}
    return results


def test_transfer_matrix_rows_are_regimes_and_columns_test_sets():
    results = fake_results()
    del results["detection-v01_aug"]
    matrix = transfer_matrix(results, "detection", DATASETS)
    assert matrix.shape == (4, 2)  # v01, v01_aug, v02_aug, v03_aug
    assert np.isnan(matrix[3]).all()  # no detection-v03_aug yet
    assert matrix[0].tolist() == [1.0, 0.5]
    assert transfer_matrix(results, "detection", DATASETS, "ser")[0].tolist() == [0.0, 0.62]
    assert np.isnan(matrix[1]).all()
    assert "| v01_aug | – | – |" in matrix_table(results, "detection", DATASETS)


def test_comparison_table_bolds_the_best_and_lower_is_better_for_error_rates():
    results = fake_results()
    results["detection-v02_aug"]["long"]["pitch_ser"] = 0.4
    results["segmentation-v02_aug"]["long"]["pitch_ser"] = 0.1
    results["regression-v02_aug"]["long"]["pitch_ser"] = 0.05
    table = comparison_table(results, "v02_aug", "long")
    assert "| pitch_ser | 0.100 | **0.050** | 0.400 | – |" in table
    assert "| map50 | – | – | 0.400 | – |" in table


def test_summary_names_the_winner_per_test_set():
    results = fake_results()
    results["segmentation-v02_aug"]["long"]["ser"] = 0.2  # the lowest ser wins, however high the others' F1
    lines = summary(results, "v02_aug", DATASETS)
    assert lines[1].startswith("- `long`") and "ser: **segmentation** 0.200" in lines[1]
    assert "detection 0.620" in lines[1] and "regression 1.300" in lines[1]
    assert "set_micro_f1: tie (equal figures): segmentation 1.000, detection 1.000 (regression 0.960)" in lines[1]


def test_headline_is_ser_for_every_approach_and_targets_keep_their_f1():
    assert {headline_metric(a) for a in ("segmentation", "regression", "detection")} == {"ser"}
    table = comparison_table(fake_results(), "v02_aug", "long")
    assert table.splitlines()[2] == "| ser | **0.000** | 1.300 | 0.620 | – |"  # lower is better: bold the least


def test_targets_flag_misses_and_use_set_metrics_for_regression():
    found = {(t.model, t.dataset): t for t in targets(fake_results())}
    assert not found[("detection-v02_aug", "long")].met
    assert found[("segmentation-v02_aug", "long")].met
    regression = found[("regression-v02_aug", "long")]
    assert regression.metric == "set_micro_f1" and regression.met
    assert found[("regression-v02_aug", "v01_3notes")].measured is None  # not evaluated is not met


def test_read_curves_takes_dvclive_tsv_files(tmp_path):
    metrics_dir = tmp_path / "plots" / "metrics"
    (metrics_dir / "val").mkdir(parents=True)
    (metrics_dir / "train_loss.tsv").write_text("timestamp\tstep\ttrain_loss\n1\t0\t2.0\n2\t10\t1.0\n")
    (metrics_dir / "val" / "iou.tsv").write_text("timestamp\tstep\tiou\n1\t10\t0.5\n")
    curves = read_curves(metrics_dir)
    assert set(curves) == {"train_loss", "val/iou"}
    assert curves["train_loss"][1].tolist() == [2.0, 1.0]


def grid_rows():
    image = np.full((40, 60), 255, np.uint8)
    image[10:30:5, :] = 0
    notes = (SymbolicNote("C", 4, dots=1), SymbolicRest("eighth"), SymbolicNote("E", 4, 1, "half", tie="start"))
    mask = (image == 0).astype(np.uint8)
    return {
        ("segmentation-v02_aug", "v01"): [
            GridRow(image, notes, notes, SegmentationOutput(mask, MASK_CLASSES), mask, MASK_CLASSES)],
        ("detection-v02_aug", "v01"): [GridRow(image, notes, notes[:1], DetectionOutput((
            Box("notehead_filled", (5, 5, 12, 11), 0.9), Box("notehead_filled", (30, 5, 37, 11), 0.1))))],
        ("regression-v02_aug", "long"): [GridRow(image, notes, (), RegressionOutput(np.zeros(52, np.float32)))],
        ("sequence-v03_aug", "v03"): [sequence_row(image)],
    }


def test_report_writes_every_figure_and_links_them_from_the_markdown(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    for name, values in fake_results().items():
        if name != "regression-v01":
            (metrics_dir / f"{name}.json").write_text(json.dumps(values))
    results, missing = read_results(metrics_dir)
    assert missing == ["segmentation-v03_aug", "regression-v01", "regression-v03_aug", "detection-v03_aug",
                       "sequence-v01", "sequence-v01_aug", "sequence-v02_aug", "sequence-v03_aug"]
    plots, report = tmp_path / "plots" / "report", tmp_path / "reports" / "report.md"
    figures = write_report(results, missing, ("v01", "long", "engraved"), ReportConfig(), tmp_path / "dvclive",
                           grid_rows(), 0.5, plots, report)
    text = report.read_text()
    for relative in figures.values():
        assert f"]({relative})" in text
        path = report.parent / relative
        assert Image.open(path).format == "PNG"
    assert {p.suffix for p in plots.iterdir()} == {".png"}  # nothing else in the plots folder (PITFALLS)
    assert "heatmap-detection" in figures and "grid-detection-v02_aug-v01" in figures and "curves" in figures
    assert "grid-sequence-v03_aug-v03" in figures and "heatmap-sequence" in figures
    assert "**MISSED**" in text and "`regression-v01`" in text
    assert "engraved" not in text.split("## Transfer matrices")[1].split("\n")[2]  # unevaluated sets left out


def test_report_shows_ser_and_pitch_ser_heatmaps_and_the_real_notation_sets_when_evaluated(tmp_path):
    datasets = ("v01", "long", "v03", "engraved_real")
    results = fake_results(datasets)
    figures = write_report(results, [], datasets + ("pages",), ReportConfig(), tmp_path / "dvclive", {}, 0.5,
                           tmp_path / "plots", tmp_path / "report.md")
    text = (tmp_path / "report.md").read_text()
    for approach in ("segmentation", "regression", "detection"):
        assert f"heatmap-{approach}" in figures and f"heatmap-pitch_ser-{approach}" in figures
    ser_section = text.split("## Transfer matrices: `ser`")[1].split("## Transfer matrices: `pitch_ser`")[0]
    assert "| detection (ser) | v01 | long | v03 | engraved_real |" in ser_section  # `pages` never evaluated
    assert "| v02_aug | 0.000 | 0.620 | 0.000 | 0.000 |" in ser_section
    assert "| regression (set_micro_f1) |" in text.split("## Transfer matrices")[0]  # the regression's set comparison
    assert "| detection (pitch_ser) |" in text.split("## Transfer matrices: `pitch_ser`")[1]


def test_page_target_is_one_and_a_half_times_the_same_models_staff_ser():
    results = {"sequence-v03_aug": {"engraved_real": {"ser": 0.2}, "pages": {"ser": 0.31}}}
    page = next(t for t in targets(results) if t.dataset == "pages")
    assert (page.model, page.threshold) == ("sequence-v03_aug", 0.3) and not page.met
    results["sequence-v03_aug"]["pages"]["ser"] = 0.29
    assert next(t for t in targets(results) if t.dataset == "pages").met
    assert not [t for t in targets({}) if t.dataset == "pages"]  # no staff figure, no page target
