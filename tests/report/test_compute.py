"""What each approach learns per CPU-second: the table at equal CPU budgets, the leader, the plot (fake curves)."""

from __future__ import annotations

import json

from PIL import Image

from omr.report.build import ReportConfig, write_report
from omr.report.compute import compute_section, compute_table, leaders, read_learning_curves, ser_at


def _curve(*points: tuple[int, float, float]) -> list[dict]:
    return [{"step": step, "cpu_seconds": seconds, "ser": ser} for step, seconds, ser in points]


FAKE_CURVES = {
    "sequence-v03_aug": _curve((50, 40.0, 0.9), (100, 80.0, 0.6), (150, 130.0, 0.4), (200, 250.0, 0.2)),
    "regression-v03_aug": _curve((50, 30.0, 1.0), (100, 65.0, 0.99), (150, 100.0, 0.98)),
    "detection-v03_aug": _curve((50, 70.0, 0.8), (100, 140.0, 0.5)),
}


def test_ser_at_takes_the_last_pass_at_or_before_the_budget_and_none_past_the_training():
    curve = FAKE_CURVES["sequence-v03_aug"]
    assert ser_at(curve, 60) == 0.9 and ser_at(curve, 80) == 0.6 and ser_at(curve, 240) == 0.4
    assert ser_at(curve, 30) is None  # no pass yet
    assert ser_at(FAKE_CURVES["regression-v03_aug"], 120) is None  # trained for 100 CPU-seconds only
    assert ser_at([], 60) is None


def test_compute_table_rows_per_model_with_dashes_where_not_reached():
    table = compute_table(FAKE_CURVES)
    lines = table.splitlines()
    assert lines[0] == "| model | ser at 60 CPU s | ser at 120 CPU s | ser at 240 CPU s | trained (CPU s, steps) |"
    assert "| `sequence-v03_aug` | 0.900 | 0.600 | 0.400 | 250, 200 |" in lines
    assert "| `regression-v03_aug` | 1.000 | - | - | 100, 150 |" in lines
    assert "| `detection-v03_aug` | - | 0.800 | - | 140, 100 |" in lines


def test_leader_at_each_budget_is_the_lowest_ser_among_the_trainings_that_reached_it():
    # at 60 s detection has made no pass yet; at 120 s regression has stopped (100 s); at 240 s only sequence runs
    assert leaders(FAKE_CURVES) == [(60, ["sequence-v03_aug"], 0.9), (120, ["sequence-v03_aug"], 0.6),
                                    (240, ["sequence-v03_aug"], 0.4)]
    text = "\n".join(compute_section(FAKE_CURVES))
    assert "- At 60 CPU-seconds: `sequence-v03_aug` has the lowest validation `ser` (0.900); no pass by then for " \
           "`detection-v03_aug`." in text
    assert "- At 240 CPU-seconds: `sequence-v03_aug` has the lowest validation `ser` (0.400); no pass by then for " \
           "`regression-v03_aug`, `detection-v03_aug`." in text
    assert compute_section({}) == []


def test_equal_figures_at_a_budget_are_a_tie_naming_every_model():
    curves = {"a": _curve((10, 50.0, 0.5), (20, 90.0, 0.4)), "b": _curve((10, 55.0, 0.5004), (20, 95.0, 0.3)),
              "c": _curve((10, 58.0, 0.7), (20, 99.0, 0.6))}
    assert leaders(curves, (60,)) == [(60, ["a", "b"], 0.5)]
    assert "`a` and `b` tie with the lowest validation `ser` (0.500)" in "\n".join(compute_section(curves))


def test_empty_or_missing_curve_files_are_left_out(tmp_path):
    (tmp_path / "sequence-v03_aug.json").write_text(json.dumps(FAKE_CURVES["sequence-v03_aug"]))
    (tmp_path / "regression-v03_aug.json").write_text("[]\n")
    curves = read_learning_curves(tmp_path, ["sequence-v03_aug", "regression-v03_aug", "detection-v03_aug"])
    assert list(curves) == ["sequence-v03_aug"]


def test_report_draws_the_cpu_curves_and_links_the_section(tmp_path):
    report = tmp_path / "reports" / "report.md"
    figures = write_report({}, [], ("v03",), ReportConfig(), tmp_path / "dvclive", {}, 0.5, tmp_path / "plots",
                           report, learning_curves=FAKE_CURVES)
    assert Image.open(report.parent / figures["cpu-curves"]).format == "PNG"
    text = report.read_text()
    assert "## What each approach learns per CPU-second" in text and f"]({figures['cpu-curves']})" in text
