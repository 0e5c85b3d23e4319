"""The `duets` test set: pages whose systems hold two staves, two folk melodies of the `pages` corpus engraved by
verovio as a duet (the upper in treble, the lower moved down into bass clef), each staff labelled from the SVG and
verified as a `pages` staff is, written in the shared format (test split only, no masks): one label per page, its
events in reading order (system by system, top staff first), each staff's part and system in `staves`."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

import numpy as np

from omr.engrave.corpus import TuneRef, WindowRejected, list_tunes, parse_tune
from omr.engrave.dataset import COLLECTIONS
from omr.engrave.measures import cut_measure_window
from omr.engrave.window import MeasureWindow
from omr.engrave.page import (PageSample, PageStyle, engrave_page_svg, labelled_staff, page_frame, page_sample,
                              shows_time, system_starts, system_window)
from omr.engrave.pages_dataset import page_label
from omr.engrave.real_dataset import WindowResult
from omr.engrave.real_score import window_part
from omr.engrave.real_verify import REAL_VERIFICATION_FAILURES, check_alters_readable, check_round_trip
from omr.engrave.sets import (SPLIT, candidate_draws, check_window_config, counts, fuller_counts, png_bytes,
                              refusals_and_params, seeded_results, worker_toolkit, write_test_split)
from omr.engrave.svg_events import read_svg_system_staves
from omr.music.events import StaffHeader
from omr.samples import NOTATION_BOX_CLASSES, SampleLabel

DATASET_NAME = "duets"
PARTS = 2
DUET_FAILURES = ("system_count_mismatch", "staff_count_mismatch", "staff_size_mismatch", "more_than_one_page",
                 "tie_across_every_break", "no_partner")


@dataclass(frozen=True)
class DuetsConfig:
    """params.yaml `duets`: how many pages, from which tunes, how many measures a page holds, the layout."""

    seed: int = 0
    pages: int = 20
    collections: tuple[str, ...] = COLLECTIONS
    measures: tuple[int, int] = (4, 8)  # fewest and most whole measures per part
    bass_probability: float = 1.0  # the lower part: always moved into bass clef (the upper never is)
    positions: tuple[int, int] = (-4, 12)
    fonts: tuple[str, ...] = ("Leipzig", "Bravura")
    partner_tries: int = 8  # tunes drawn for the lower part until one shares the upper's time signature
    style: PageStyle = field(default_factory=PageStyle)

    def __post_init__(self) -> None:
        if self.pages < 1:
            raise ValueError(f"pages must be >= 1, got {self.pages}")
        if self.partner_tries < 1:
            raise ValueError(f"partner_tries must be >= 1, got {self.partner_tries}")
        check_window_config(self, span="measures", probability="bass_probability")

    @property
    def windows(self) -> int:  # the shared candidate loop counts samples as `windows`
        return self.pages


def engrave_duet_candidate(job: tuple[DuetsConfig, TuneRef, int]) -> WindowResult:
    """Cut both parts and engrave candidate number `candidate` as a duet page; its randomness depends on (seed,
    candidate) only. The result's tune, title and first measure are the upper part's."""
    config, tune, candidate = job
    rng, font = candidate_draws(config, candidate)
    try:
        upper = cut_measure_window(parse_tune(tune), tune, rng, config.measures, 0.0, config.positions)
        lower = partner_window(config, upper, rng)
        sample = engrave_duet(worker_toolkit(), upper, lower, font, config.style, rng)
    except WindowRejected as rejected:
        return WindowResult(tune=tune, font=font, reason=rejected.reason)
    return WindowResult(tune=tune, font=font, title=f"{upper.title} / {lower.title}",
                        first_measure=upper.first_measure, octave_shift=lower.octave_shift,
                        png=png_bytes(sample.image), sample=sample)


def partner_window(config: DuetsConfig, upper: MeasureWindow, rng: np.random.Generator) -> MeasureWindow:
    """The lower part: as many whole measures of another tune in the upper's meters (measure by measure), in bass
    clef."""
    tunes = list_tunes(config.collections)
    for _ in range(config.partner_tries):
        tune = tunes[int(rng.integers(len(tunes)))]
        if tune == upper.tune:
            continue
        try:
            lower = cut_measure_window(parse_tune(tune), tune, rng, (upper.measures, upper.measures),
                                       config.bass_probability, config.positions)
        except WindowRejected:
            continue
        if _meters(lower) == _meters(upper):
            return lower
    raise WindowRejected("no_partner", f"no tune in {upper.header.time} after {config.partner_tries} tries")


def _meters(window: MeasureWindow) -> list[str | None]:
    """The time signature in force in each measure: a duet's parts share their barlines."""
    return [window.in_force(measure).time for measure in range(window.measures)]


def duet_musicxml(upper: MeasureWindow, lower: MeasureWindow, starts: tuple[int, ...], title: str) -> str:
    """MusicXML of the two windows as two parts with the same system breaks (verovio joins each system's staves)."""
    from music21 import metadata, stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    score = stream.Score([window_part(upper, starts), window_part(lower, starts)])
    score.metadata = metadata.Metadata(title=title)
    exporter = GeneralObjectExporter(score)
    exporter.makeNotation = False  # never re-bar or re-tie: the measures are the sources', whole
    return exporter.parse().decode("utf-8")


def engrave_duet(toolkit, upper: MeasureWindow, lower: MeasureWindow, font: str, style: PageStyle,
                 rng: np.random.Generator) -> PageSample:
    """Engrave, rasterise, label and verify one duet page; raises WindowRejected when any check fails. The page's
    staves are in reading order: system by system, upper part first."""
    # Line breaks fall inside no tie of either part: both parts' events as one window's.
    starts = system_starts(replace(upper, events=upper.events + lower.events), rng, style.measures_per_system)
    svg = engrave_page_svg(toolkit, duet_musicxml(upper, lower, starts, upper.title), font, style)
    systems = read_svg_system_staves(svg, font)
    if len(systems) != len(starts):
        raise WindowRejected("system_count_mismatch", f"{len(systems)} systems drawn, {len(starts)} encoded")
    if any(len(system) != PARTS for system in systems):
        raise WindowRejected("staff_count_mismatch", f"{[len(system) for system in systems]} staves per system")
    frame = page_frame([staff for system in systems for staff in system], style)
    to_image = frame.to_image

    events, boxes, staves = [], [], []
    parts = {k: ([], []) for k in range(PARTS)}  # part -> (its events, their printed accidentals)
    for index, system in enumerate(systems):
        for k, (drawn, window) in enumerate(zip(system, (upper, lower))):
            staff, staff_events, staff_printed, staff_box_list = labelled_staff(
                toolkit, drawn, system_window(window, starts, index), shows_time(window, starts, index), to_image,
                len(events))
            staves.append(staff)
            events += staff_events
            parts[k][0].extend(staff_events)
            parts[k][1].extend(staff_printed)
            boxes += staff_box_list
    for window, (part_events, printed) in zip((upper, lower), parts.values()):
        check_alters_readable(window, printed)
        check_round_trip(part_events, window)
    return page_sample(svg, frame, style, events, boxes, staves)


def duet_results(config: DuetsConfig, workers: int = 0) -> Iterator[WindowResult]:
    """Results for the tunes in seeded order, until `config.pages` pages were made (or the corpus runs out)."""
    yield from seeded_results(engrave_duet_candidate, config, workers)


def write_duets_dataset(out_dir: Path, config: DuetsConfig, workers: int = 0) -> dict:
    """Write data/datasets/duets (test split only, no masks) atomically; returns its meta.json content."""
    return write_test_split(out_dir, duet_results(config, workers), config.pages, duet_label,
                            lambda labels, results, drops: dataset_meta(labels, results, drops, config))


def duet_label(sample_id: str, result: WindowResult) -> SampleLabel:
    """A duet page's label: a `pages` label whose staves say their part (1 upper) and system (0 first)."""
    return page_label(sample_id, result, parts=PARTS)


def dataset_meta(labels: list[SampleLabel], results: list[WindowResult], drops: Counter, config: DuetsConfig) -> dict:
    """meta.json: `kind: pages` with `parts: 2` (the evaluation finds the staves and parts itself), sizes, contents,
    refusals, params."""
    events = [event for label in labels for event in label.events]
    staves = [len(label.extra["staves"]) for label in labels]
    return {
        "name": DATASET_NAME,
        "kind": "pages",
        "parts": PARTS,
        "mask_classes": [],
        "box_classes": list(NOTATION_BOX_CLASSES),
        "splits": {SPLIT: len(labels)},
        "pages": len(labels),
        "staves": sum(staves),
        "staves_per_page": counts(str(n) for n in staves),
        "event_count": len(events),
        "note_count": sum(event.kind == "note" for event in events),
        "rest_count": sum(event.kind == "rest" for event in events),
        "key_signatures": counts(str(label.header.key_fifths) for label in labels),
        "time_signatures": counts(label.header.time for label in labels),
        "fonts": counts(result.font for result in results),
        "fuller": fuller_counts([(label.events, [StaffHeader.from_json(staff) for staff in label.extra["staves"]])
                                 for label in labels]),
        "size": {"width": max(label.width for label in labels),
                 "height": {"min": min(label.height for label in labels),
                            "max": max(label.height for label in labels)}},
        **refusals_and_params(labels, drops, REAL_VERIFICATION_FAILURES + DUET_FAILURES, config),
    }
