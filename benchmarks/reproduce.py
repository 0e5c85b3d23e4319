"""Does a run of the pipeline reproduce the committed figures? Datasets and models by hash, metrics cell by cell.

    .venv/bin/python benchmarks/pipeline.py --keep             # a clean copy's whole `dvc repro`, kept in /tmp
    .venv/bin/python benchmarks/reproduce.py --candidate /tmp/omr-pipeline-XXXX
    .venv/bin/python benchmarks/reproduce.py --candidate ../other-clone --reference HEAD~3

The reference is a git revision of this checkout (its dvc.lock and metrics/eval/*.json); the candidate a folder that
ran `dvc repro` (another clone, another machine's copy, or this checkout after `dvc exp apply`). A metrics cell
agrees when the candidate's figure lies inside the reference's 95% interval (omr.evaluate.agreement); exit 1 when
any headline cell (`ser`, `note_f1`) lies outside or is missing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import yaml

from omr.evaluate.agreement import compare_lock_outputs, compare_results

ROOT = Path(__file__).resolve().parents[1]


def reference_files(revision: str) -> tuple[dict, dict]:
    """(dvc.lock, {model: metrics}) as committed at `revision`."""
    def show(path: str) -> str:
        return subprocess.run(["git", "show", f"{revision}:{path}"], cwd=ROOT, check=True, text=True,
                              capture_output=True).stdout
    names = subprocess.run(["git", "ls-tree", "--name-only", f"{revision}:metrics/eval"], cwd=ROOT, check=True,
                           text=True, capture_output=True).stdout.split()
    results = {Path(name).stem: json.loads(show(f"metrics/eval/{name}")) for name in names if name.endswith(".json")}
    return yaml.safe_load(show("dvc.lock")), results


def candidate_files(folder: Path) -> tuple[dict, dict]:
    lock = yaml.safe_load((folder / "dvc.lock").read_text()) if (folder / "dvc.lock").is_file() else {}
    results = {path.stem: json.loads(path.read_text()) for path in sorted((folder / "metrics/eval").glob("*.json"))}
    return lock, results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidate", type=Path, default=ROOT, help="a folder that ran dvc repro (default: this checkout)")
    parser.add_argument("--reference", default="HEAD", help="a git revision of this checkout (default HEAD)")
    args = parser.parse_args()
    reference_lock, reference = reference_files(args.reference)
    candidate_lock, candidate = candidate_files(args.candidate)

    outputs = compare_lock_outputs(reference_lock, candidate_lock)
    for kind, prefix in (("datasets", "data/"), ("models", "models/"), ("metrics files", "metrics/")):
        chosen = [o for o in outputs if o.path.startswith(prefix)]
        same = sum(o.same is True for o in chosen)
        print(f"{kind}: {same}/{len(chosen)} byte-identical"
              + "".join(f"\n  differs: {o.path}" if o.same is False else f"\n  missing: {o.path}"
                        for o in chosen if o.same is not True))

    cells = compare_results(reference, candidate)
    counts = Counter(cell.verdict for cell in cells)
    print(f"metrics cells ({', '.join(sorted({c.metric for c in cells}))}): {len(cells)}: "
          + ", ".join(f"{counts[v]} {v}" for v in ("identical", "within", "outside", "missing")))
    for cell in cells:
        if cell.verdict in ("within", "outside", "missing"):
            interval = "no interval" if cell.interval is None else f"[{cell.interval[0]:.3f}, {cell.interval[1]:.3f}]"
            found = "-" if cell.candidate is None else f"{cell.candidate:.3f}"
            print(f"  {cell.verdict:8} {cell.model} {cell.dataset} {cell.metric}: "
                  f"{cell.reference:.3f} {interval} -> {found}")
    return 1 if counts["outside"] or counts["missing"] else 0


if __name__ == "__main__":
    sys.exit(main())
