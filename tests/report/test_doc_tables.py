"""Tables in docs/ are the committed metrics, rounded once: each generated block equals what its metrics give."""

import pytest

from omr.report.build import read_results
from omr.report.doc_tables import DOC_TABLES, METRICS, render, table_in, with_table


@pytest.mark.parametrize("path, name", [(path, name) for path, names in DOC_TABLES.items() for name in names],
                         ids=lambda x: getattr(x, "name", x))
def test_docs_table_equals_what_the_committed_metrics_give(path, name):
    results, _ = read_results(METRICS)
    assert results, "no metrics/eval/*.json to check the docs against"
    assert table_in(path.read_text(encoding="utf-8"), name) == render(name, results), (
        f"{path.name}: table {name!r} differs from metrics/eval/*.json; run `python -m omr.report.doc_tables`")


def test_ser_table_rounds_the_full_precision_figure_once():
    results = {"regression-v02_aug": {"v02": {"ser": 0.90652}, "long": {"ser": 0.88}},
               "sequence-v03_aug": {"v02": {"ser": 0.632}}}
    assert render("ser", results).splitlines() == [
        "| model | v02 | long |", "|---|---|---|",
        "| regression-v02_aug | 0.907 | 0.880 |",  # summary.json's 0.9065 printed again would read 0.906
        "| sequence-v03_aug | 0.632 | – |"]


def test_with_table_replaces_only_between_the_markers():
    text = "before\n<!-- table:ser (generated) -->\n| old |\n<!-- /table:ser -->\nafter\n"
    assert with_table(text, "ser", "| new |") == "before\n<!-- table:ser (generated) -->\n| new |\n<!-- /table:ser -->\nafter\n"
    with pytest.raises(ValueError, match="markers"):
        table_in("no markers here", "ser")


def test_report_carries_the_same_ser_table():
    from omr.report.document import report_markdown

    results, _ = read_results(METRICS)
    datasets = list(next(iter(results.values())))
    assert render("ser", results) in report_markdown(results, datasets, "v02_aug", {})
