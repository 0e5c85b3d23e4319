"""The report with the fourth approach (sequence) and the fourth regime (v03_aug): cells, targets, grids."""

import numpy as np

from omr.approaches import get_approach
from omr.report import figures
from omr.report.build import grid_plan
from omr.report.document import (comparison_table, matrix_table, report_markdown, reported_lines, summary, targets,
                                 transfer_matrix)
from omr.report.figures import GridRow, sample_grid

from report_fakes import TOKENS, sequence_output, sequence_row  # tests/report/report_fakes.py

DATASETS = ("v02", "long", "v03", "engraved_real")


def figures_of(**by_dataset):
    """dataset -> {ser, exact_match, note_f1} from (ser, exact_match, note_f1) triples."""
    return {d: dict(zip(("ser", "exact_match", "note_f1"), v)) for d, v in by_dataset.items()}


def sequence_results():
    """sequence-v01 missing; v01_aug, v02_aug, v03_aug present; segmentation has v02_aug and v03_aug only."""
    return {
        "sequence-v01_aug": figures_of(long=(0.40, 0.0, 0.70)),
        "sequence-v02_aug": figures_of(v02=(0.001, 0.995, 1.0), long=(0.08, 0.2, 0.95), v03=(0.9, 0.0, 0.3)),
        "sequence-v03_aug": figures_of(v03=(0.008, 0.9, 0.99), engraved_real=(0.05, 0.5, 0.97)),
        "segmentation-v02_aug": figures_of(v02=(0.02, 0.9, 0.99), long=(0.30, 0.1, 0.9), v03=(1.2, 0.0, 0.2)),
        "segmentation-v03_aug": figures_of(v03=(0.2, 0.3, 0.9), engraved_real=(0.01, 0.6, 0.98)),
    }


def test_v03_aug_row_holds_its_values_and_a_missing_model_row_is_blank():
    results = sequence_results()
    matrix = transfer_matrix(results, "sequence", DATASETS, "ser")
    assert np.isnan(matrix[0]).all()  # sequence-v01 does not exist
    assert matrix[3, 2] == 0.008 and matrix[3, 3] == 0.05 and np.isnan(matrix[3, :2]).all()
    assert matrix[2].tolist()[:3] == [0.001, 0.08, 0.9]
    table = matrix_table(results, "sequence", DATASETS, "ser").splitlines()
    assert table[2] == "| v01 | – | – | – | – |"
    assert table[5] == "| v03_aug | – | – | 0.008 | 0.050 |"
    assert "| v03_aug | – | – | – | – |" in matrix_table(results, "detection", DATASETS, "ser")  # no such model


def test_comparison_and_who_wins_where_include_sequence():
    results = sequence_results()
    table = comparison_table(results, "v02_aug", "v02")
    assert table.splitlines()[0] == "| metric | segmentation | regression | detection | sequence |"
    assert "| ser | 0.020 | – | – | **0.001** |" in table
    lines = summary(results, "v03_aug", ("v03", "engraved_real"))
    assert lines[0].startswith("- `v03` (v03_aug models): ser: **sequence** 0.008 (segmentation 0.200)")
    assert lines[1].startswith("- `engraved_real` (v03_aug models): ser: **segmentation** 0.010 (sequence 0.050)")


def test_sequence_targets_are_met_or_missed_by_the_measured_figures():
    found = {(t.model, t.dataset): t for t in targets(sequence_results())}
    on_v03 = found[("sequence-v03_aug", "v03")]
    assert on_v03.metric == "ser" and on_v03.met and "ser <= 0.01" in on_v03.line()  # 0.008: an error rate, <=
    real = found[("sequence-v03_aug", "engraved_real")]
    assert not real.met and "**MISSED**" in real.line()  # 0.05 > 0.03
    assert found[("sequence-v02_aug", "v02")].met  # exact_match 0.995 >= 0.99
    assert not targets({})[-1].met and "not evaluated" in targets({})[-1].line()
    assert found[("sequence-v02_aug", "long")].metric == "note_f1"  # every registered approach has its targets


def test_each_measurement_is_one_target_and_the_stricter_goal_stands():
    """sequence-v02_aug's exact match on v02 is every approach's in-distribution goal (0.97) and the sequence
    models' own (0.99): one row, one count, the stricter goal."""
    found = targets(sequence_results())
    measured = [(t.model, t.dataset, t.metric) for t in found]
    assert len(measured) == len(set(measured))
    on_v02 = [t for t in found if (t.model, t.dataset, t.metric) == ("sequence-v02_aug", "v02", "exact_match")]
    assert len(on_v02) == 1 and on_v02[0].threshold == 0.99
    assert all("issue" not in t.line() for t in found)


def test_reported_long_figures_of_the_sequence_models_say_n_a_when_missing():
    lines = reported_lines(sequence_results())
    assert lines == ["- `sequence-v01_aug` on `long`: ser 0.400, note_f1 0.700",
                     "- `sequence-v02_aug` on `long`: ser 0.080, note_f1 0.950"]
    assert reported_lines({})[0] == "- `sequence-v01_aug` on `long`: ser n/a, note_f1 n/a"


def test_report_carries_the_sequence_notes_and_the_v03_aug_real_notation_sections():
    text = report_markdown(sequence_results(), DATASETS, "v02_aug", {})
    for note in get_approach("sequence").report_notes:
        assert note in text
    assert "- `v03` (v02_aug models):" in text and "- `v03` (v03_aug models):" in text
    real = text.split("## All metrics, v03_aug models")[1]
    assert "### `v03`" in real and "### `engraved_real`" in real and "### `long`" not in real
    assert "## All metrics, v03_aug models" not in report_markdown({}, DATASETS, "v02_aug", {})


def test_grid_plan_adds_every_v03_aug_model_on_the_real_notation_sets_once():
    plan = grid_plan("v02_aug", ("v01", "v03"))
    assert plan["sequence-v02_aug"] == ("v01", "v03")
    assert plan["sequence-v03_aug"] == ("v03", "engraved_real")
    assert plan["detection-v03_aug"] == ("v03", "engraved_real")
    assert grid_plan("v03_aug", ("v01", "v03"))["segmentation-v03_aug"] == ("v01", "v03", "engraved_real")


def test_sequence_grid_row_writes_its_tokens_above_its_events(tmp_path, monkeypatch):
    drawn = []
    monkeypatch.setattr(figures, "_save", lambda fig, path: drawn.append(fig))
    image = np.full((40, 64), 255, np.uint8)
    wrong = GridRow(image, sequence_row(image).truth_events, (), sequence_output(frames=(0, 0)))
    sample_grid([sequence_row(image), wrong], "sequence-v03_aug on v03", 0.5, tmp_path / "grid.png")
    axes = drawn[0].axes
    assert axes[2].get_xlabel() == f"{TOKENS}\nB4:4 B4:4"  # prediction: tokens, then the events they decode to
    assert axes[1].get_xlabel() == "B4:4 B4:4"  # truth: events only
    assert axes[5].get_xlabel() == "(no tokens)\n(no events)"
    ticks = axes[2].lines[0].get_xdata()
    assert list(ticks) == [4.0, 24.0, 44.0, 60.0]  # frames 0, 2-3, 5, 7 at 8 px: centres of where each token was read


def test_grid_plan_never_draws_pages_as_staves():
    plan = grid_plan("v02_aug", ("v02", "pages"))
    assert all("pages" not in sets for sets in plan.values()) and "v02" in plan["detection-v02_aug"]
