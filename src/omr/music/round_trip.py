"""Every label must say what MusicXML can say: events -> MusicXML (music21) -> events, unchanged, for each sample.

Dataset stages run this over all their labels and fail loudly on the first set that loses anything, so a label the
renderer or the engraver wrote is never one that a score program would read differently. A page label (its staves in
`extra["staves"]`, as the `pages` and `duets` sets write them) is checked as `omr transcribe` writes a page: every
staff through the page writer (omr.music.score), parts, carried signatures and changes inside a staff included.
"""

from __future__ import annotations

import dataclasses
from multiprocessing import get_context
from pathlib import Path
from typing import Sequence

from omr.music.events import StaffHeader
from omr.music.musicxml import events_round_trip_mismatch, measure_numbers_from_barlines
from omr.music.score import ScoreStaff, header_at_end, page_round_trip_mismatch
from omr.samples import SampleLabel, iter_split, read_meta


def label_mismatch(label: SampleLabel) -> str | None:
    """None when the label's events survive the round trip (measures from its barlines), else what changed."""
    header = label.header
    numbers = measure_numbers_from_barlines(label.events, header.barlines) if header.barlines else None
    return events_round_trip_mismatch(label.events, header.clef, header.key_fifths, header.time, numbers,
                                      header.changes)


def page_label_staves(label: SampleLabel) -> list[ScoreStaff]:
    """The staves of a page label (`extra["staves"]`: each staff's header, barlines, part (1 first; absent: 1) and
    [first, last) range of the page's events). A staff that prints no clef or time continues what the staff before
    in its part left in force (a page prints the time once), as a reader of the page does."""
    staves, ends = [], {}
    for staff in label.extra["staves"]:
        header, part = StaffHeader.from_json(staff), int(staff.get("part", 1)) - 1
        first, last = staff["events"]
        events = tuple(label.events[first:last])
        previous = ends.get(part)
        if previous is not None:
            header = dataclasses.replace(header, clef=header.clef or previous.clef, time=header.time or previous.time)
        numbers = measure_numbers_from_barlines(events, header.barlines) if header.barlines else None
        staves.append(ScoreStaff(events, header, None if numbers is None else tuple(numbers), part))
        ends[part] = header_at_end(header)
    return staves


def page_label_mismatch(label: SampleLabel) -> str | None:
    """None when a page label's staves survive the page's round trip (`page_round_trip_mismatch`), else what
    changed."""
    return page_round_trip_mismatch(page_label_staves(label))


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
