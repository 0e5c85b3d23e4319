"""What each approach learns per CPU-second: the v03_aug models' learning curves (plots/curves/<model>.json, written
by the train stage: validation `ser` against training CPU-seconds) as a table of `ser` at equal CPU budgets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

Curve = list[dict]  # [{"step", "cpu_seconds", "ser"}, ...] in training order
BUDGETS = (60, 120, 240)  # training CPU-seconds at which the table compares the approaches


def read_learning_curves(curves_dir: Path, models: Sequence[str]) -> dict[str, Curve]:
    """model -> its curve, for each model whose file exists and holds at least one pass (an empty list: no curve)."""
    curves = {}
    for model in models:
        path = Path(curves_dir) / f"{model}.json"
        if not path.is_file():
            continue
        try:
            points = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: not valid JSON ({error})") from error
        if points:
            curves[model] = sorted(points, key=lambda p: p["cpu_seconds"])
    return curves


def ser_at(curve: Curve, seconds: float) -> float | None:
    """The `ser` of the last pass at or before `seconds` training CPU-seconds; None where the training never reached
    that budget (or had made no pass by then)."""
    if not curve or curve[-1]["cpu_seconds"] < seconds:
        return None
    passed = [point for point in curve if point["cpu_seconds"] <= seconds]
    return passed[-1]["ser"] if passed else None


def leaders(curves: dict[str, Curve], budgets: Sequence[float] = BUDGETS) -> list[tuple[float, list[str], float]]:
    """Per budget some training reached: (budget, the models with the lowest `ser` there, that ser). Only models
    that reached the budget compete: a training that stopped earlier is no winner or loser at a budget it never
    had (the table shows it as "-"); equal figures to 3 decimals are a tie (all are named)."""
    found = []
    for budget in budgets:
        scored = {model: ser_at(curve, budget) for model, curve in curves.items()}
        scored = {model: round(ser, 3) for model, ser in scored.items() if ser is not None}
        if scored:
            lowest = min(scored.values())
            found.append((budget, [model for model, ser in scored.items() if ser == lowest], lowest))
    return found


def compute_table(curves: dict[str, Curve], budgets: Sequence[float] = BUDGETS) -> str:
    """Markdown: one row per model, its validation `ser` at each budget ("-": not reached), and its whole training."""
    lines = ["| model | " + " | ".join(f"ser at {b:g} CPU s" for b in budgets) + " | trained (CPU s, steps) |",
             "|---" * (len(budgets) + 2) + "|"]
    for model, curve in curves.items():
        cells = [_cell(ser_at(curve, budget)) for budget in budgets]
        lines.append(f"| `{model}` | " + " | ".join(cells)
                     + f" | {curve[-1]['cpu_seconds']:.0f}, {curve[-1]['step']} |")
    return "\n".join(lines)


def compute_section(curves: dict[str, Curve], image: str | None = None) -> list[str]:
    """report.md's section: how the curves were measured, the table, who leads at each budget, the plot."""
    if not curves:
        return []
    out = ["## What each approach learns per CPU-second (v03_aug models)", "",
           "Validation `ser` (the first `curve_samples` v03 val images, recognised and decoded as the evaluation does)",
           "at each curve pass (`train.<approach>.curve_every`), against the training CPU-seconds spent so far:",
           "`time.process_time()` of the training steps alone (no validation, curve passes or start-up), summed over",
           "the process's threads, so about twice the wall time with 2 threads; a loader process's time is not in it.",
           "A cell is the last pass at or before that budget; \"-\": the training had not reached it.", "",
           compute_table(curves), ""]
    for budget, models, ser in leaders(curves):
        names = " and ".join(f"`{m}`" for m in models)
        unreached = [f"`{m}`" for m, curve in curves.items() if ser_at(curve, budget) is None]
        out.append(f"- At {budget:g} CPU-seconds: {names} {'has' if len(models) == 1 else 'tie with'} the lowest "
                   f"validation `ser` ({ser:.3f})" + (f"; no pass by then for {', '.join(unreached)}" if unreached else "")
                   + ".")
    out.append("")
    if image is not None:
        out += [f"![validation ser against training CPU-seconds]({image})", ""]
    return out


def _cell(number: float | None) -> str:
    return "-" if number is None else f"{number:.3f}"
