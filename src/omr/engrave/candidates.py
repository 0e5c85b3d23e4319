"""Seeded candidates run in order, in one process or a pool, until enough of them gave a sample.

The results come back in the candidates' order whatever the number of workers (Pool.imap keeps it), and each
candidate's randomness depends on its own number only, so a dataset never depends on `workers`.
"""

from __future__ import annotations

import multiprocessing
from typing import Callable, Iterable, Iterator, TypeVar

J = TypeVar("J")
R = TypeVar("R")


def first_results(
    run: Callable[[J], R], jobs: Iterable[J], wanted: int, accepted: Callable[[R], bool], workers: int = 0
) -> Iterator[R]:
    """`run(job)` for the jobs in order, yielded until `wanted` results were accepted (or the jobs run out).

    `run` must be a module-level function (the pool pickles it); workers <= 1 runs in this process.
    """
    made = 0
    if wanted <= 0:
        return
    if workers <= 1:
        for result in map(run, jobs):
            yield result
            made += accepted(result)
            if made >= wanted:
                return
        return
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for result in pool.imap(run, jobs, chunksize=4):
            yield result
            made += accepted(result)
            if made >= wanted:
                pool.terminate()
                return
