"""The `pages` test set: seeded long windows of the engraved_real tunes engraved by verovio as whole pages of several
systems, verified staff by staff, written in the shared format (test split only, no masks): one label per page, its
events in reading order, its staves in `staves`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from omr.engrave.corpus import TuneRef, WindowRejected, parse_tune
from omr.engrave.dataset import COLLECTIONS
from omr.engrave.measures import cut_measure_window
from omr.engrave.page import PageStyle, engrave_page
from omr.engrave.real_dataset import WindowResult
from omr.engrave.real_verify import REAL_VERIFICATION_FAILURES
from omr.engrave.sets import (SPLIT, candidate_draws, check_window_config, counts, fuller_counts, png_bytes,
                              refusals_and_params, seeded_results, worker_toolkit, write_test_split)
from omr.music.events import StaffHeader
from omr.samples import NOTATION_BOX_CLASSES, SampleLabel

DATASET_NAME = "pages"
PAGE_FAILURES = ("system_count_mismatch", "staff_size_mismatch", "more_than_one_page", "tie_across_every_break")


@dataclass(frozen=True)
class PagesConfig:
    """params.yaml `pages`: how many pages, from which tunes, how many measures a page holds, the layout."""

    seed: int = 0
    pages: int = 16
    collections: tuple[str, ...] = COLLECTIONS
    measures: tuple[int, int] = (10, 24)  # fewest and most whole measures per page
    bass_probability: float = 0.2
    positions: tuple[int, int] = (-4, 12)
    fonts: tuple[str, ...] = ("Leipzig", "Bravura")
    style: PageStyle = field(default_factory=PageStyle)

    def __post_init__(self) -> None:
        if self.pages < 1:
            raise ValueError(f"pages must be >= 1, got {self.pages}")
        check_window_config(self, span="measures", probability="bass_probability")

    @property
    def windows(self) -> int:  # the shared candidate loop counts samples as `windows`
        return self.pages


def engrave_page_candidate(job: tuple[PagesConfig, TuneRef, int]) -> WindowResult:
    """Cut and engrave candidate number `candidate` as a page; its randomness depends on (seed, candidate) only."""
    config, tune, candidate = job
    rng, font = candidate_draws(config, candidate)
    try:
        window = cut_measure_window(parse_tune(tune), tune, rng, config.measures, config.bass_probability,
                                    config.positions)
        sample = engrave_page(worker_toolkit(), window, font, config.style, rng)
    except WindowRejected as rejected:
        return WindowResult(tune=tune, font=font, reason=rejected.reason)
    return WindowResult(tune=tune, font=font, title=window.title, first_measure=window.first_measure,
                      octave_shift=window.octave_shift, png=png_bytes(sample.image), sample=sample)


def page_results(config: PagesConfig, workers: int = 0) -> Iterator[WindowResult]:
    """Results for the tunes in seeded order, until `config.pages` pages were made (or the corpus runs out)."""
    yield from seeded_results(engrave_page_candidate, config, workers)


def write_pages_dataset(out_dir: Path, config: PagesConfig, workers: int = 0) -> dict:
    """Write data/datasets/pages (test split only, no masks) atomically; returns its meta.json content."""
    return write_test_split(out_dir, page_results(config, workers), config.pages, page_label,
                            lambda labels, results, drops: dataset_meta(labels, results, drops, config))


def page_label(sample_id: str, result: WindowResult, parts: int = 1) -> SampleLabel:
    """The shared label of a page: every staff's events in reading order; staff lines, clef, key and time of the
    first staff at the top level (as a one-staff reader expects), each staff's own in `staves`. Where each system
    holds `parts` staves (a duet: 2), each staff also says its part (1 upper) and system (0 first)."""
    page = result.sample
    height, width = page.image.shape
    first = page.staves[0]
    staves = [staff.to_json() for staff in page.staves]
    if parts > 1:
        staves = [{**staff, "part": index % parts + 1, "system": index // parts} for index, staff in enumerate(staves)]
    return SampleLabel(
        id=sample_id, image=f"images/{sample_id}.png", mask=None, width=width, height=height,
        staff_space=page.staff_space, staff_lines=first.staff_lines, events=page.events, boxes=page.boxes,
        header=replace(first.header, barlines=()),  # a page's barlines are each staff's own, in `staves`
        extra={"staves": staves, "source": result.tune.name, "title": result.title, "font": result.font,
               "first_measure": result.first_measure, "octave_shift": result.octave_shift},
    )


def dataset_meta(labels: list[SampleLabel], results: list[WindowResult], drops: Counter, config: PagesConfig) -> dict:
    """meta.json: `kind: pages` (the evaluation finds the staves itself), sizes, contents, refusals, params."""
    events = [event for label in labels for event in label.events]
    staves = [len(label.extra["staves"]) for label in labels]
    return {
        "name": DATASET_NAME,
        "kind": "pages",
        "mask_classes": [],
        "box_classes": list(NOTATION_BOX_CLASSES),
        "splits": {SPLIT: len(labels)},
        "pages": len(labels),
        "staves": sum(staves),
        "staves_per_page": counts(str(n) for n in staves),
        "event_count": len(events),
        "note_count": sum(event.kind == "note" for event in events),
        "rest_count": sum(event.kind == "rest" for event in events),
        "clefs": counts(label.header.clef for label in labels),
        "key_signatures": counts(str(label.header.key_fifths) for label in labels),
        "time_signatures": counts(label.header.time for label in labels),
        "fonts": counts(result.font for result in results),
        "fuller": fuller_counts([(label.events, [StaffHeader.from_json(staff) for staff in label.extra["staves"]])
                                 for label in labels]),
        "size": {"width": max(label.width for label in labels),
                 "height": {"min": min(label.height for label in labels),
                            "max": max(label.height for label in labels)}},
        **refusals_and_params(labels, drops, REAL_VERIFICATION_FAILURES + PAGE_FAILURES, config),
    }
