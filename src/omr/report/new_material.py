"""The fuller vocabulary's figure in the report (issue 29): per real-notation model and set, `ser` on the images whose
truth holds new material (a tuplet, a grace note, a breve, a measure rest, a clef/key/time change inside a staff, an
uncommon meter: omr.evaluate.metrics.holds_new_material) and on the others, and their ratio (the target: <= 1.5).

Reads the metrics files' `ser_new_material`, `ser_other`, `images_new_material`, `images_other` and their `_ci95`
intervals; a file from before them shows nothing.
"""

from __future__ import annotations

from typing import Sequence

from omr.evaluate.metrics import NEW_MATERIAL_METERS, stored_interval

# The sets where the fuller vocabulary is drawn or engraved: the real-notation sets and the pages built of them.
NEW_MATERIAL_SETS = ("v03", "engraved_real", "pages", "duets")
NEW_MATERIAL_FACTOR = 1.5  # the target: ser on new material within 1.5x the ser on the others

Results = dict[str, dict[str, dict]]  # model -> dataset -> metric -> value (omr.report.document.Results)


def material_ratio(new_material: float | None, other: float | None) -> float | None:
    """ser_new_material / ser_other; None where either is missing or the others' ser is 0 (no ratio to take)."""
    if new_material is None or other is None or other == 0:
        return None
    return new_material / other


def _figure(cell: dict, metric: str) -> str:
    found = cell.get(metric)
    if found is None:
        return "–"
    interval = stored_interval(cell.get(f"{metric}_ci95"))
    return f"{found:.3f}" + ("" if interval is None else f" [{interval[0]:.3f}-{interval[1]:.3f}]")


def _count(found) -> str:
    return "–" if found is None else f"{found:g}"


def new_material_table(results: Results, models: Sequence[str], datasets: Sequence[str]) -> str:
    """A row per model and set that has the figures: images of each kind, both `ser` (95% interval) and the ratio."""
    lines = ["| model | test set | images (new material / other) | ser, new material | ser, other | ratio |",
             "|---|---|---|---|---|---|"]
    for model in models:
        for dataset in datasets:
            cell = results.get(model, {}).get(dataset, {})
            if cell.get("ser_new_material") is None and cell.get("ser_other") is None:
                continue
            ratio = material_ratio(cell.get("ser_new_material"), cell.get("ser_other"))
            lines.append(f"| `{model}` | `{dataset}` | {_count(cell.get('images_new_material'))} / "
                         f"{_count(cell.get('images_other'))} | {_figure(cell, 'ser_new_material')} | "
                         f"{_figure(cell, 'ser_other')} | {'–' if ratio is None else f'{ratio:.2f}'} |")
    return "\n".join(lines)


def new_material_section(results: Results, models: Sequence[str], datasets: Sequence[str]) -> list[str]:
    """The report's section (none where no model has the figures on any of NEW_MATERIAL_SETS)."""
    shown = [d for d in NEW_MATERIAL_SETS if d in datasets]
    table = new_material_table(results, models, shown)
    if len(table.splitlines()) == 2:
        return []
    return ["## The fuller notation: `ser` on new material vs the other images", "",
            "New material: an image (a page's part, for `duets`) whose truth holds a tuplet, a grace note, a breve, a",
            "whole-measure rest, a clef/key/time change inside a staff, or a meter among "
            + ", ".join(f"`{m}`" for m in NEW_MATERIAL_METERS) + ".",
            f"The target: the sequence model's `ser` on new material within {NEW_MATERIAL_FACTOR:g}x its `ser` on the "
            "others (ratio <= 1.5).", "", table, ""]
