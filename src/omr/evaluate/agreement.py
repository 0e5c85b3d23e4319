"""Do two runs of the pipeline agree? Metrics cell by cell against the reference's intervals, outputs hash by hash.

Used by `benchmarks/reproduce.py` to check a clean clone's (or another machine's) `dvc repro` against the committed
figures: a cell agrees when the candidate's figure lies inside the reference's 95% interval (images, and seeds where
there are several); datasets and models are compared by the hashes dvc.lock records for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Mapping

from omr.evaluate.metrics import stored_interval

Results = Mapping[str, Mapping[str, Mapping[str, object]]]  # model -> test set -> metric -> value
HEADLINE_METRICS = ("ser", "note_f1")


@dataclass(frozen=True)
class CellAgreement:
    model: str
    dataset: str
    metric: str
    reference: float
    candidate: float | None  # None: the candidate has no such cell
    interval: tuple[float, float] | None  # the reference's 95% interval, where it has one

    @property
    def verdict(self) -> Literal["identical", "within", "outside", "missing"]:
        if self.candidate is None:
            return "missing"
        if self.candidate == self.reference:
            return "identical"
        if self.interval is not None and self.interval[0] <= self.candidate <= self.interval[1]:
            return "within"
        return "outside"


def compare_results(reference: Results, candidate: Results,
                    metrics: tuple[str, ...] = HEADLINE_METRICS) -> list[CellAgreement]:
    """One CellAgreement per model x test set x metric of the reference (the candidate's extra cells are ignored:
    they have nothing to agree with)."""
    cells = []
    for model, datasets in sorted(reference.items()):
        for dataset, values in datasets.items():
            for metric in metrics:
                figure = values.get(metric)
                if not isinstance(figure, (int, float)):
                    continue
                found = candidate.get(model, {}).get(dataset, {}).get(metric)
                cells.append(CellAgreement(model, dataset, metric, float(figure),
                                           float(found) if isinstance(found, (int, float)) else None,
                                           stored_interval(values.get(f"{metric}_ci95"))))
    return cells


@dataclass(frozen=True)
class OutputAgreement:
    stage: str
    path: str
    same: bool | None  # None: the candidate's dvc.lock lacks the output


def compare_lock_outputs(reference: Mapping, candidate: Mapping) -> list[OutputAgreement]:
    """Every cached output of the reference dvc.lock (a parsed YAML mapping) against the candidate's, by md5 (a
    folder's md5 is DVC's digest of its whole listing, so one changed byte anywhere in a dataset shows)."""
    found = {(stage, out["path"]): out.get("md5") for stage, out in _outputs(candidate)}
    return [OutputAgreement(stage, out["path"], None if (stage, out["path"]) not in found
                            else found[(stage, out["path"])] == out.get("md5"))
            for stage, out in _outputs(reference) if out.get("md5")]


def _outputs(lock: Mapping):
    for stage, entry in sorted(lock.get("stages", {}).items()):
        for out in entry.get("outs", []):
            yield stage, out
