"""Every label must say what MusicXML can say: events -> MusicXML (music21) -> events, unchanged, for each sample.

Dataset stages run this over all their labels and fail loudly on the first set that loses anything, so a label the
renderer or the engraver wrote is never one that a score program would read differently.
"""

from __future__ import annotations

from multiprocessing import get_context
from pathlib import Path
from typing import Sequence

from omr.music.musicxml import events_round_trip_mismatch, measure_numbers_from_barlines
from omr.samples import SampleLabel, iter_split, read_meta


def label_mismatch(label: SampleLabel) -> str | None:
    """None when the label's events survive the round trip (measures from its barlines), else what changed."""
    header = label.header
    numbers = measure_numbers_from_barlines(label.events, header.barlines) if header.barlines else None
    return events_round_trip_mismatch(label.events, header.clef, header.key_fifths, header.time, numbers,
                                      header.changes)


def _checked(item: tuple[str, SampleLabel]) -> str | None:
    where, label = item
    mismatch = label_mismatch(label)
    return None if mismatch is None else f"{where}/{label.id}: {mismatch}"


def round_trip_failures(dataset_dir: Path, workers: int = 0) -> list[str]:
    """'<split>/<id>: what changed' for every label of every split that does not survive the round trip."""
    dataset_dir = Path(dataset_dir)
    items = [(split, label) for split in read_meta(dataset_dir)["splits"]
             for _, label in iter_split(dataset_dir, split)]
    return check_labels(items, workers)


def check_labels(items: Sequence[tuple[str, SampleLabel]], workers: int = 0) -> list[str]:
    """round_trip_failures over (where, label) pairs already in memory; music21 is slow, so workers help."""
    if workers > 1:
        with get_context("fork").Pool(workers) as pool:
            results = pool.map(_checked, items, chunksize=64)
    else:
        results = [_checked(item) for item in items]
    return [failure for failure in results if failure is not None]
