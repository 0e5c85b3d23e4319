"""Where each training seed's checkpoint of one model lives.

`models/<model>.pt` is the first seed's (the model people run: `omr transcribe`, the report's grids); every further
seed's is `models/<model>.seeds/s<seed>.pt`. The folder's `seeds.json` lists them all, the first included, so the
folder is never empty (DVC tracks it as the stage's output) and evaluation reads which checkpoints belong together.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from omr.io import atomic_write_text

SEED_INDEX = "seeds.json"


def seed_folder(models_dir: Path, model: str) -> Path:
    return Path(models_dir) / f"{model}.seeds"


def seed_checkpoint_paths(models_dir: Path, model: str, seeds: tuple[int, ...]) -> dict[int, Path]:
    """{seed: checkpoint path} in training order: the first seed at models/<model>.pt, the rest in the seed folder."""
    first, *rest = seeds
    paths = {first: Path(models_dir) / f"{model}.pt"}
    paths.update({seed: seed_folder(models_dir, model) / f"s{seed}.pt" for seed in rest})
    return paths


def write_seed_index(models_dir: Path, model: str, seeds: tuple[int, ...]) -> Path:
    """seeds.json: {"seeds": [...], "checkpoints": {seed: path relative to the seed folder}}."""
    folder = seed_folder(models_dir, model)
    paths = seed_checkpoint_paths(models_dir, model, seeds)
    index = {"seeds": list(seeds),
             "checkpoints": {str(seed): _relative(path, folder) for seed, path in paths.items()}}
    target = folder / SEED_INDEX
    atomic_write_text(target, json.dumps(index, indent=2) + "\n")
    return target


def read_seed_index(models_dir: Path, model: str) -> dict[int, Path]:
    """{seed: checkpoint path} of a trained model. A model without a seed folder (a checkpoint copied on its own, or
    trained before seeds) is its one checkpoint, under seed 0."""
    folder = seed_folder(models_dir, model)
    index_path = folder / SEED_INDEX
    if not index_path.is_file():
        return {0: Path(models_dir) / f"{model}.pt"}
    try:
        index = json.loads(index_path.read_text())
        return {int(seed): Path(os.path.normpath(folder / relative)) for seed, relative in index["checkpoints"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{index_path}: expected {{\"seeds\": [...], \"checkpoints\": {{seed: path}}}} "
                         f"({type(error).__name__}: {error})") from error


def _relative(path: Path, folder: Path) -> str:
    return "../" + path.name if path.parent != folder else path.name
