"""What the engraved test sets (`engraved`, `engraved_real`, `pages`) share: their configs' common checks, the stage's
worker count and run (`run_stage`), one verovio toolkit per worker, seeded candidates, and the writer of a test
split without masks.

Each set keeps what is its own (how a window is cut and engraved, its label's extras, its meta.json's counts); the
pieces here are the same logic for all, so a fix to one reaches the others.
"""

from __future__ import annotations

import io
import json
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, TypeVar

import numpy as np
from PIL import Image

from omr.config import ConfigError, build_config, load_params, section
from omr.engrave.candidates import first_results
from omr.engrave.corpus import list_tunes
from omr.engrave.verovio_svg import FONTS, make_toolkit
from omr.io import atomic_directory, atomic_write_bytes, atomic_write_text
from omr.samples import SampleLabel, write_labels

SPLIT = "test"
DATASETS = Path("data/datasets")  # where the stages write, relative to the repository root (DVC runs there)
C = TypeVar("C")
R = TypeVar("R")


def check_window_config(config, span: str, probability: str) -> None:
    """The checks both configs make, in this order: windows, the [fewest, most] pair named `span`, the probability
    named `probability`, positions, fonts. Raises ValueError naming the field."""
    if config.windows < 1:
        raise ValueError(f"windows must be >= 1, got {config.windows}")
    pair = getattr(config, span)
    if not 1 <= pair[0] <= pair[1]:
        raise ValueError(f"{span} must be [fewest, most] with 1 <= fewest <= most, got {list(pair)}")
    chance = getattr(config, probability)
    if not 0.0 <= chance <= 1.0:
        raise ValueError(f"{probability} must be in [0, 1], got {chance}")
    if config.positions[0] > config.positions[1]:
        raise ValueError(f"positions must be [lowest, highest], got {list(config.positions)}")
    unknown = [font for font in config.fonts if font not in FONTS]
    if not config.fonts or unknown:
        raise ValueError(f"fonts must be a non-empty list of {list(FONTS)}, got {list(config.fonts)}")


def stage_config(config_type: type[C], params: Mapping, key: str) -> tuple[C, int]:
    """The config and worker count of a stage from its params.yaml section `key` (ConfigError names the key).

    Workers change only the speed, never the dataset, so they stay out of the config (and meta.json)."""
    params = dict(params)
    workers = params.pop("workers", 2)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 0:
        raise ConfigError(f"params.yaml: {key}.workers: expected an integer >= 0, got {workers!r}")
    return build_config(config_type, params, key), workers


def run_stage(key: str, config_type: type[C], write: Callable[..., dict], summary: Callable[[dict], str]) -> int:
    """The whole DVC stage of the engraved test set `key` (stages/<key>.py): params.yaml section `key` -> config, the
    set written to data/datasets/<key>, then '<folder>: <summary(meta.json)>; <seconds> s' printed. Exit status 1,
    the error on stderr, for a bad config or a failed write."""
    started = time.perf_counter()
    out_dir = DATASETS / key
    try:
        config, workers = stage_config(config_type, section(load_params(), key), key)
        meta = write(out_dir, config, workers=workers)
    except (ConfigError, ValueError, OSError) as error:
        print(f"stage {key}: error: {error}", file=sys.stderr)
        return 1
    print(f"{out_dir}: {summary(meta)}; {time.perf_counter() - started:.1f} s")
    return 0


_toolkit = None  # one verovio toolkit per worker process


def worker_toolkit():
    """This process's verovio toolkit, made on first use (every engraving resets its options)."""
    global _toolkit
    if _toolkit is None:
        _toolkit = make_toolkit()
    return _toolkit


def candidate_draws(config, candidate: int) -> tuple[np.random.Generator, str]:
    """Candidate `candidate`'s generator, seeded by (seed, candidate) only, and the font it drew first."""
    rng = np.random.default_rng([config.seed, candidate])
    return rng, config.fonts[int(rng.integers(len(config.fonts)))]


def png_bytes(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def seeded_results(run: Callable[[tuple], R], config, workers: int = 0) -> Iterator[R]:
    """`run((config, tune, candidate))` for the tunes in seeded order, until `config.windows` results hold a sample
    (or the corpus runs out). `run` is module-level (a pool pickles it)."""
    tunes = list_tunes(config.collections)
    order = np.random.default_rng(config.seed).permutation(len(tunes))
    jobs = ((config, tunes[index], int(index)) for index in order)
    yield from first_results(run, jobs, config.windows, lambda r: r.sample is not None, workers)


def write_test_split(
    out_dir: Path,
    results: Iterable[R],
    windows: int,
    label: Callable[[str, R], SampleLabel],
    meta: Callable[[list[SampleLabel], list[R], Counter], dict],
) -> dict:
    """Write the images, labels.jsonl and meta.json of a test-only set atomically; returns meta.json's content.

    A result holds `sample` and `png`, or `reason` (counted as a drop); `meta(labels, kept results, drops)`."""
    labels, kept, drops = [], [], Counter()
    with atomic_directory(Path(out_dir)) as tmp:
        split_dir = tmp / SPLIT
        for result in results:
            if result.sample is None:
                drops[result.reason] += 1
                continue
            sample_id = f"{len(labels):05d}"
            atomic_write_bytes(split_dir / "images" / f"{sample_id}.png", result.png)
            labels.append(label(sample_id, result))
            kept.append(result)
        if len(labels) < windows:
            raise ValueError(f"the corpus gave only {len(labels)} of the {windows} windows asked for")
        write_labels(split_dir / "labels.jsonl", labels)
        content = meta(labels, kept, drops)
        atomic_write_text(tmp / "meta.json", json.dumps(content, indent=2) + "\n")
    return content


def refusals_and_params(labels: list, drops: Counter, verification_failures: tuple[str, ...], config) -> dict:
    """meta.json's last keys: tunes tried, drops by label verification (every reason, zeros included) and by
    selection (the rest, sorted), and the params."""
    return {
        "tunes_tried": len(labels) + sum(drops.values()),
        "verification_drops": {reason: drops[reason] for reason in verification_failures},
        "selection_drops": {r: n for r, n in sorted(drops.items()) if r not in verification_failures},
        "params": _plain(asdict(config)),
    }


def counts(values) -> dict:
    return dict(sorted(Counter(values).items()))


def event_contents(labels) -> dict:
    """What a single-staff set's events hold, as its meta.json writes it (in this key order): events by kind and
    duration, notes, rests, dotted events, tie starts, printed accidentals, altered notes."""
    events = [event for label in labels for event in label.events]
    notes = [event for event in events if event.kind == "note"]
    return {
        "event_count": len(events),
        "events": counts(f"{event.kind}_{event.duration}" for event in events),
        "note_count": len(notes),
        "rest_count": len(events) - len(notes),
        "dotted": counts(f"{event.kind}_{event.dots}_dots" for event in events if event.dots),
        "ties": sum(note.tie in ("start", "continue") for note in notes),
        "printed_accidentals": counts(note.accidental for note in notes if note.accidental is not None),
        "altered_notes": sum(note.alter != 0 for note in notes),
    }


# The meters of the vocabulary before the fuller one (issue 29): a staff in any other holds new material.
EARLIER_METERS = ("2/4", "3/4", "4/4", "6/8", "3/8", "2/2", "C")
NEW_MATERIAL = ("tuplet", "grace", "breve", "measure_rest", "new_meter", "change")


def fuller_counts(samples: list[tuple[tuple, list]]) -> dict:
    """meta.json's count of the fuller vocabulary over (events, staff headers) per sample: tuplet events by ratio,
    grace notes, breves, measure rests, signatures changed inside a staff, and how many samples hold each kind of
    new material (CONTRACT's `tuplet`, `grace`, `breve`, `measure`, a meter added with them, a header change)."""
    events = [event for sample_events, _ in samples for event in sample_events]
    changes = [change for _, headers in samples for header in headers for change in header.changes]
    holding = Counter()
    for sample_events, headers in samples:
        found = set(_new_material(sample_events, headers))
        holding.update(found)
        holding["any"] += bool(found)
    return {
        "tuplets": counts(f"{event.tuplet[0]}:{event.tuplet[1]}" for event in events if event.tuplet is not None),
        "grace_notes": sum(event.kind == "note" and event.grace for event in events),
        "breves": sum(event.duration == "breve" for event in events),
        "measure_rests": sum(event.kind == "rest" and event.measure for event in events),
        "header_changes": counts(name for change in changes for name in ("clef", "key_fifths", "time")
                                 if getattr(change, name) is not None),
        "holding": {kind: holding[kind] for kind in (*NEW_MATERIAL, "any")},
    }


def _new_material(events, headers) -> Iterator[str]:
    if any(event.tuplet is not None for event in events):
        yield "tuplet"
    if any(event.kind == "note" and event.grace for event in events):
        yield "grace"
    if any(event.duration == "breve" for event in events):
        yield "breve"
    if any(event.kind == "rest" and event.measure for event in events):
        yield "measure_rest"
    meters = [header.time for header in headers] + [c.time for header in headers for c in header.changes]
    if any(time is not None and time not in EARLIER_METERS for time in meters):
        yield "new_meter"
    if any(header.changes for header in headers):
        yield "change"


def sample_label(sample_id: str, sample, events: tuple, extra: dict) -> SampleLabel:
    """The shared-format label of an engraved sample (no mask); `events` are its notes or events."""
    height, width = sample.image.shape
    return SampleLabel(
        id=sample_id,
        image=f"images/{sample_id}.png",
        mask=None,
        width=width,
        height=height,
        staff_space=sample.staff_space,
        staff_lines=sample.staff_lines,
        events=events,
        boxes=sample.boxes,
        header=sample.header,
        extra=extra,
    )


def _plain(value):
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value
