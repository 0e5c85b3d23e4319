"""The report with the evaluation's 95% bootstrap intervals (`ser_ci95`, `note_f1_ci95`): who wins, tables, heatmaps."""

import json

import numpy as np

from omr.report import figures
from omr.report.build import ReportConfig, read_results, write_report
from omr.report.document import (comparison_table, interval, interval_matrix, intervals_overlap, matrix_table,
                                 summary, verdict)

DATASETS = ("v03", "engraved_real")


def cell(ser, ser_ci95, note_f1=0.9, note_f1_ci95=None, set_micro_f1=0.9):
    found = {"ser": ser, "note_f1": note_f1, "set_micro_f1": set_micro_f1, "ser_ci95": list(ser_ci95)}
    if note_f1_ci95 is not None:
        found["note_f1_ci95"] = list(note_f1_ci95)
    return found


def results():
    """v03: sequence clearly best; engraved_real: sequence best by its point but within segmentation's interval."""
    return {
        "sequence-v03_aug": {"v03": cell(0.12, (0.10, 0.14), 0.97, (0.96, 0.98)),
                             "engraved_real": cell(0.277, (0.24, 0.31))},
        "segmentation-v03_aug": {"v03": cell(0.40, (0.35, 0.45)), "engraved_real": cell(0.30, (0.27, 0.33))},
        "detection-v03_aug": {"v03": cell(0.90, (0.80, 1.00)), "engraved_real": cell(0.80, (0.70, 0.90))},
    }


def test_interval_reads_the_stored_pair_and_nothing_else():
    found = results()
    assert interval(found, "sequence-v03_aug", "v03", "ser") == (0.10, 0.14)
    assert interval(found, "sequence-v03_aug", "v03", "pitch_ser") is None  # never stored
    assert interval(found, "sequence-v03_aug", "engraved_real", "note_f1") is None
    found["sequence-v03_aug"]["v03"]["ser_ci95"] = [0.1]  # not a pair: no interval rather than a wrong one
    assert interval(found, "sequence-v03_aug", "v03", "ser") is None
    assert interval(found, "regression-v03_aug", "v03", "ser") is None  # no such model


def test_intervals_that_touch_overlap_and_disjoint_ones_do_not():
    assert intervals_overlap((0.1, 0.2), (0.2, 0.3)) and intervals_overlap((0.1, 0.4), (0.2, 0.3))
    assert not intervals_overlap((0.1, 0.19), (0.2, 0.3)) and not intervals_overlap((0.5, 0.6), (0.2, 0.3))


def test_a_best_whose_interval_clears_the_runner_up_wins():
    lines = summary(results(), "v03_aug", DATASETS)
    assert lines[0].startswith("- `v03` (v03_aug models): ser: **sequence** 0.120 [0.100-0.140] "
                               "(segmentation 0.400 [0.350-0.450], detection 0.900 [0.800-1.000])")


def test_overlapping_intervals_are_a_tie_within_noise_not_a_win():
    line = summary(results(), "v03_aug", DATASETS)[1]
    assert line.startswith("- `engraved_real` (v03_aug models): ser: tie within noise (intervals overlap): "
                           "sequence 0.277 [0.240-0.310], segmentation 0.300 [0.270-0.330] "
                           "(detection 0.800 [0.700-0.900])")
    assert "**sequence**" not in line.split(";")[0]


def test_a_figure_without_interval_names_the_best_point_estimate():
    without_best = verdict({"a": 0.2, "b": 0.21}, {"a": None, "b": (0.1, 0.3)}, higher_is_better=False)
    assert without_best == "**a** 0.200 (b 0.210 [0.100-0.300])"
    assert verdict({"a": 0.9, "b": 0.95}, {}, higher_is_better=True) == "**b** 0.950 (a 0.900)"
    line = summary(results(), "v03_aug", DATASETS)[0]
    assert "set_micro_f1: tie (equal figures): segmentation 0.900, detection 0.900, sequence 0.900" in line


def test_equal_figures_are_a_tie_never_a_win_with_or_without_intervals():
    """All equal and no interval (the report's set_micro_f1 of 1.000 everywhere) must not bold the first approach."""
    all_equal = verdict({"a": 1.0, "b": 1.0, "c": 1.0}, {}, higher_is_better=True)
    assert all_equal == "tie (equal figures): a 1.000, b 1.000, c 1.000" and "**" not in all_equal
    as_printed = verdict({"a": 0.9999, "b": 1.0, "c": 0.5}, {}, higher_is_better=True)  # 1.000 and 1.000 on the page
    assert as_printed == "tie (equal figures): b 1.000, a 1.000 (c 0.500)"
    beside_interval = verdict({"a": 0.1, "b": 0.1}, {"a": (0.05, 0.15), "b": None}, higher_is_better=False)
    assert beside_interval == "tie (equal figures): a 0.100 [0.050-0.150], b 0.100"
    assert verdict({"a": 0.1, "b": 0.2}, {}, higher_is_better=False) == "**a** 0.100 (b 0.200)"  # unequal: named


def test_comparison_table_bolds_no_tied_cell():
    tied = {f"{a}-v03_aug": {"v03": {"exact_match": 1.0, "note_f1": 0.5 if a == "detection" else 0.9}}
            for a in ("segmentation", "detection", "sequence")}
    table = comparison_table(tied, "v03_aug", "v03")
    assert "| exact_match | 1.000 | – | 1.000 | 1.000 |" in table
    assert "| note_f1 | 0.900 | – | 0.500 | 0.900 |" in table


def test_tables_write_the_interval_beside_the_figure():
    table = comparison_table(results(), "v03_aug", "v03")
    assert "| ser | 0.400 [0.350-0.450] | – | 0.900 [0.800-1.000] | **0.120** [0.100-0.140] |" in table
    assert "| note_f1 | 0.900 | – | 0.900 | **0.970** [0.960-0.980] |" in table
    rows = matrix_table(results(), "sequence", DATASETS, "ser").splitlines()
    assert rows[5] == "| v03_aug | 0.120 [0.100-0.140] | 0.277 [0.240-0.310] |"
    assert rows[4] == "| v02_aug | – | – |"


def test_ser_heatmap_annotates_each_cell_with_its_interval(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(figures, "_save", lambda fig, path: drawn.append(fig))
    found = results()
    del found["sequence-v03_aug"]["engraved_real"]["ser_ci95"]
    matrix = interval_matrix(found, "sequence", DATASETS, "ser")
    assert matrix.shape == (4, 2, 2) and matrix[3, 0].tolist() == [0.10, 0.14] and np.isnan(matrix[3, 1]).all()
    values = np.full((4, 2), np.nan)
    values[3] = (0.12, 0.277)
    figures.transfer_heatmap(values, ("v01", "v01_aug", "v02_aug", "v03_aug"), DATASETS, "t", tmp_path / "h.png",
                             lower_is_better=True, intervals=matrix)
    texts = [t.get_text() for t in drawn[0].axes[0].texts]
    assert texts[6:] == ["0.120\n[0.100, 0.140]", "0.277"] and texts[0] == "-"


def test_report_from_metrics_files_with_intervals_draws_and_writes_them(tmp_path):
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    for name, values in results().items():
        (metrics_dir / f"{name}.json").write_text(json.dumps(values))
    found, _ = read_results(metrics_dir)
    figures_written = write_report(found, [], DATASETS, ReportConfig(regime="v03_aug"), tmp_path / "dvclive", {},
                                   0.5, tmp_path / "plots", tmp_path / "report.md")
    text = (tmp_path / "report.md").read_text()
    assert "tie within noise (intervals overlap)" in text and "| v03_aug | 0.120 [0.100-0.140] |" in text
    assert (tmp_path / "plots" / "heatmap-sequence.png").is_file() and "heatmap-pitch_ser-sequence" in figures_written


def test_a_model_of_several_seeds_shows_its_mean_with_the_seeds_spread():
    found = results()
    found["sequence-v03_aug"]["v03"].update(ser_std=0.021, seed_count=3)
    table = matrix_table(found, "sequence", DATASETS, "ser")
    assert "0.120 ± 0.021 (3 seeds) [0.100-0.140]" in table
    assert "0.277 [0.240-0.310]" in table  # one seed: no spread to show
