"""Fixtures of the engrave tests: the files an engraved set's writer leaves, written with several worker counts."""

from __future__ import annotations

import pytest


@pytest.fixture
def files_by_workers(tmp_path):
    """`written(write, config, workers)`: `write(folder, config, workers=n)` into a folder of its own for each n, and
    each folder's files (relative path -> bytes), in the order of `workers`."""

    def written(write, config, workers: tuple[int, ...]) -> list[dict[str, bytes]]:
        folders = [tmp_path / f"workers_{n}" for n in workers]
        for folder, n in zip(folders, workers):
            write(folder, config, workers=n)
        return [_files(folder) for folder in folders]

    return written


def _files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
