"""A dataset folder's content fingerprint: one small file that changes exactly when any file in the folder does.

Why (DVC): every stage that lists a folder under `deps:` makes `dvc status`/`dvc repro` walk and look up each of
its files again, once per stage (13 evaluations x 8 test sets were ~300,000 file checks per no-op). The stages that
read datasets depend on this file instead; the folder itself is still checked once, as the `fingerprint` stage's dep.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from omr.io import atomic_write_text

_CHUNK = 1 << 20


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def dataset_fingerprint(folder: Path) -> dict:
    """{"files", "bytes", "sha256"} over every file's relative path and content, in path order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder}: not a folder; generate the dataset first (its DVC stage)")
    digest = hashlib.sha256()
    files = total = 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        # Path and content both enter the digest: a renamed or moved file changes it as an edited one does.
        digest.update(f"{relative}\0{_file_sha256(path)}\n".encode("utf-8"))
        files += 1
        total += path.stat().st_size
    return {"files": files, "bytes": total, "sha256": digest.hexdigest()}


def write_fingerprint(folder: Path, out: Path) -> dict:
    """Write `dataset_fingerprint(folder)` as JSON to `out` atomically; returns it."""
    fingerprint = dataset_fingerprint(folder)
    atomic_write_text(Path(out), json.dumps(fingerprint, indent=2, sort_keys=True) + "\n")
    return fingerprint
