"""`make bench` runs every benchmark, each with arguments it accepts: none is left out, none is named twice."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bench_scripts() -> list[str]:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = re.search(r"^bench:.*\n((?:\t.*\n?)+)", makefile, re.M)
    assert recipe, "Makefile: no bench target"
    return re.findall(r"\bbenchmarks/\w+\.py\b", recipe.group(1))


def test_make_bench_lists_every_benchmark_once():
    listed = bench_scripts()
    present = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "benchmarks").glob("*.py"))
    assert sorted(listed) == present
