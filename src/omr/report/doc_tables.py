"""Tables in docs/ written from the committed metrics files, so that no figure there drifts from metrics/: each sits
between `<!-- table:<name> ... -->` and `<!-- /table:<name> -->`. `python -m omr.report.doc_tables` rewrites them;
tests/report/test_doc_tables.py fails while one differs from what the metrics give."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from omr.report.build import read_results
from omr.report.document import Results, ser_table

ROOT = Path(__file__).resolve().parents[3]
METRICS = ROOT / "metrics" / "eval"
# Document -> the generated tables it holds.
DOC_TABLES = {ROOT / "docs" / "evaluation.md": ("ser",)}


def evaluated_sets(results: Results) -> list[str]:
    """Test sets in the order the metrics files list them (the evaluate stage's order)."""
    return list(dict.fromkeys(dataset for per_model in results.values() for dataset in per_model))


def render(name: str, results: Results) -> str:
    """The named table from `results` (metrics/eval/*.json as build.read_results reads them)."""
    if name == "ser":
        return ser_table(results, evaluated_sets(results))
    raise ValueError(f"unknown docs table {name!r}: expected one of ['ser']")


def block(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- table:{re.escape(name)}\b[^>]*-->\n)(.*?)(\n<!-- /table:{re.escape(name)} -->)", re.S)


def table_in(text: str, name: str) -> str:
    """The table between the named markers; ValueError where the markers are missing."""
    found = block(name).search(text)
    if found is None:
        raise ValueError(f"no <!-- table:{name} --> ... <!-- /table:{name} --> markers")
    return found.group(2)


def with_table(text: str, name: str, table: str) -> str:
    """`text` with the named block's table replaced (the markers kept)."""
    table_in(text, name)
    return block(name).sub(lambda m: m.group(1) + table + m.group(3), text, count=1)


def main(metrics_dir: Path = METRICS) -> int:
    results, _ = read_results(metrics_dir)
    for path, names in DOC_TABLES.items():
        text = path.read_text(encoding="utf-8")
        for name in names:
            text = with_table(text, name, render(name, results))
        path.write_text(text, encoding="utf-8")
        print(f"doc_tables: wrote {', '.join(names)} in {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
