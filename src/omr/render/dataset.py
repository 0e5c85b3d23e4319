"""Write a synthetic dataset folder (format: omr.samples) from a DatasetConfig, in parallel and reproducibly.

Each sample draws from its own generator seeded by (dataset seed, split, index), so the bytes of every file are the
same whatever the number of workers or the order they finish in.
"""

from __future__ import annotations

import dataclasses
import json
import os
import struct
import zlib
from collections import Counter
from dataclasses import dataclass
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Iterator

import numpy as np

from omr.config import ConfigError
from omr.io import atomic_directory, atomic_write_text
from omr.render import RenderedSample, render_staff
from omr.render.random_config import RandomConfig
from omr.samples import BOX_CLASSES, MASK_CLASSES, NOTATION_BOX_CLASSES, NOTATION_MASK_CLASSES, SampleLabel

SPLITS = ("train", "val", "test")
_SPLIT_CODES = {name: zlib.crc32(name.encode()) for name in SPLITS}


@dataclass(frozen=True)
class DatasetConfig(RandomConfig):
    """A RandomConfig plus the dataset's seed and the number of samples per split (0: split absent)."""

    seed: int = 0
    train: int = 0
    val: int = 0
    test: int = 0

    def __post_init__(self) -> None:
        super().__post_init__()
        for split in SPLITS:
            if getattr(self, split) < 0:
                raise ConfigError(f"{split}: sample count must be >= 0, got {getattr(self, split)}")
        if not any(getattr(self, split) for split in SPLITS):
            raise ConfigError("train/val/test: at least one split needs samples")

    @property
    def splits(self) -> dict[str, int]:
        return {split: getattr(self, split) for split in SPLITS if getattr(self, split) > 0}

    @property
    def mask_classes(self) -> tuple[str, ...]:
        """The class list of the masks: the notation one where the staves are real notation (`notation` set)."""
        return NOTATION_MASK_CLASSES if self.notation is not None else MASK_CLASSES

    @property
    def box_classes(self) -> tuple[str, ...]:
        return NOTATION_BOX_CLASSES if self.notation is not None else BOX_CLASSES


def sample_rng(seed: int, split: str, index: int) -> np.random.Generator:
    """The generator of one sample: Philox keyed by (seed, split, index), a counter-based stream per sample."""
    if not 0 <= index < 2**32:
        raise ValueError(f"sample index must be in 0..2**32-1, got {index}")
    key = ((seed % 2**64) << 64) | (_SPLIT_CODES[split] << 32) | index
    return np.random.Generator(np.random.Philox(key=key))


def render_sample(config: RandomConfig, seed: int, split: str, index: int) -> RenderedSample:
    """Sample `index` of `split`, exactly as write_dataset writes it."""
    return render_staff(config.random(sample_rng(seed, split, index)), config.style())


def encode_png(pixels: np.ndarray) -> bytes:
    """8-bit grayscale PNG, no filtering, zlib level 1: fast, lossless and byte-stable across Pillow versions."""
    height, width = pixels.shape
    rows = np.zeros((height, width + 1), dtype=np.uint8)  # each row starts with filter type 0
    rows[:, 1:] = pixels
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header), _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)),
                     _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def write_sample(split_dir: Path, config: RandomConfig, seed: int, split: str, index: int) -> str:
    """Render, write image and mask PNGs, and return the sample's labels.jsonl line."""
    sample = render_sample(config, seed, split, index)
    sample_id = f"{index:06d}"
    image_path, mask_path = f"images/{sample_id}.png", f"masks/{sample_id}.png"
    _write_file(split_dir / image_path, encode_png(sample.image))
    _write_file(split_dir / mask_path, encode_png(sample.mask))
    label = SampleLabel(sample_id, image_path, sample.width, sample.height, sample.staff_space, sample.staff_lines,
                        sample.events, sample.boxes, mask_path, header=sample.header)
    return json.dumps(label.to_json(), separators=(",", ":")) + "\n"


def _write_file(path: Path, data: bytes) -> None:
    # os-level calls: about a third cheaper than open() for thousands of tiny files.
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(handle, data)
    finally:
        os.close(handle)


def _write_indices(split_dir: Path, config: DatasetConfig, split: str, indices: range) -> list[str]:
    return [write_sample(split_dir, config, config.seed, split, index) for index in indices]


def _chunks(count: int, size: int) -> Iterator[range]:
    for start in range(0, count, size):
        yield range(start, min(start + size, count))


def write_dataset(out_dir: Path, config: DatasetConfig, workers: int = 0, progress: bool = False) -> dict:
    """Write every split of the dataset to `out_dir` atomically; workers = 0 renders in this process. Returns meta."""
    out_dir = Path(out_dir)
    meta = {
        "name": out_dir.name,
        "mask_classes": list(config.mask_classes),
        "box_classes": list(config.box_classes),
        "splits": config.splits,
        "params": dataclasses.asdict(config),
    }
    if config.notation is not None:
        meta["statistics"] = {}
    total = sum(config.splits.values())
    bar = _progress_bar(total, out_dir.name) if progress else None
    pool = get_context("fork").Pool(workers) if workers > 1 else None
    try:
        with atomic_directory(out_dir) as tmp:
            for split, count in config.splits.items():
                split_dir = tmp / split
                (split_dir / "images").mkdir(parents=True)
                (split_dir / "masks").mkdir()
                job = partial(_write_indices, split_dir, config, split)
                chunks = _chunks(count, 64)
                results = pool.imap(job, chunks) if pool else map(job, chunks)
                lines = []
                for chunk_lines in results:
                    lines.extend(chunk_lines)
                    if bar is not None:
                        bar.update(len(chunk_lines))
                atomic_write_text(split_dir / "labels.jsonl", "".join(lines))
                if config.notation is not None:
                    meta["statistics"][split] = label_statistics(json.loads(line) for line in lines)
            atomic_write_text(tmp / "meta.json", json.dumps(meta, indent=2) + "\n")
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        if bar is not None:
            bar.close()
    return meta


def label_statistics(labels) -> dict:
    """What a split holds (label JSON objects in): events by kind and duration, dots, tie starts, printed
    accidentals, samples per clef, key and time signature ('none' where no signature is shown), events per clef
    and per time signature; and the fuller vocabulary: events in tuplets (by ratio), grace notes, measure rests,
    header changes inside a staff (by what changes)."""
    kinds, durations, dots, accidentals = Counter(), Counter(), Counter(), Counter()
    clefs, keys, times, ties = Counter(), Counter(), Counter(), 0
    events_by_clef, events_by_time = Counter(), Counter()
    tuplets, changes, graces, measure_rests = Counter(), Counter(), 0, 0
    for label in labels:
        for change in label.get("changes", ()):
            changes.update(name for name in ("clef", "key_fifths", "time") if name in change)
        clef, time = str(label.get("clef")), label.get("time") or "none"
        clefs[clef] += 1
        keys[str(label.get("key_fifths", 0))] += 1
        times[time] += 1
        events_by_clef[clef] += len(label["events"])
        events_by_time[time] += len(label["events"])
        for event in label["events"]:
            kind = event.get("kind", "note")
            kinds[kind] += 1
            durations[f"{kind} {event['duration']}"] += 1
            dots[str(event.get("dots", 0))] += 1
            ties += event.get("tie") in ("start", "continue")
            if event.get("accidental"):
                accidentals[event["accidental"]] += 1
            if event.get("tuplet"):
                tuplets[":".join(str(n) for n in event["tuplet"])] += 1
            graces += bool(event.get("grace"))
            measure_rests += bool(event.get("measure"))
    return {"events": dict(kinds), "durations": dict(sorted(durations.items())), "dots": dict(sorted(dots.items())),
            "ties": ties, "rests": kinds["rest"], "accidentals_printed": dict(sorted(accidentals.items())),
            "clefs": dict(sorted(clefs.items())), "key_fifths": dict(sorted(keys.items(), key=lambda kv: int(kv[0]))),
            "time_signatures": dict(sorted(times.items())), "events_by_clef": dict(sorted(events_by_clef.items())),
            "events_by_time_signature": dict(sorted(events_by_time.items())),
            "tuplet_events": dict(sorted(tuplets.items())), "grace_notes": graces, "measure_rests": measure_rests,
            "header_changes": dict(sorted(changes.items()))}


def _progress_bar(total: int, name: str):
    from tqdm import tqdm

    return tqdm(total=total, desc=f"generate {name}", unit="sample", mininterval=0.5)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
