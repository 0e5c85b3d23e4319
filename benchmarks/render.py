"""Samples per CPU-second on one core: our renderer vs Verovio + resvg, same random staves, measured side by side.

Ours: image + mask + boxes + events, PNGs encoded and written, labels line serialised (exactly what write_dataset
does per sample). Verovio: the same staff as MusicXML -> verovio SVG -> resvg PNG written (image only: it has no
masks, boxes or event positions, so the comparison flatters it). v01/v02: hand-written MusicXML. v03 (real
notation): the staff built with music21 (measures, clef, key, time, rests, dots, ties, printed signs, our beam
groups; slurs, articulations and dynamics left out, which flatters Verovio again), engraved as
omr.engrave.verovio_svg does (Leipzig) and rasterised by resvg at our staff space; its rate is given with and
without the music21 step.

    .venv/bin/python benchmarks/render.py [--samples 3000] [--v03-samples 1000] [--verovio-samples 60]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from omr.config import build_config, load_params
from omr.render.dataset import DatasetConfig, encode_png, render_sample, sample_rng, write_sample

STEP_NAMES = {1: "sharp", -1: "flat", 0: "natural"}


def musicxml(staff) -> str:
    """A one-measure MusicXML score of the staff's notes (treble clef, our stems and accidentals)."""
    notes = []
    for note in staff.notes:
        alter = f"<alter>{note.alter}</alter>" if note.alter else ""
        accidental = f"<accidental>{note.accidental}</accidental>" if note.accidental else ""
        stem = "" if note.stem_direction == "auto" else f"<stem>{note.stem_direction}</stem>"
        duration = 1 if note.note_type == "quarter" else 2
        notes.append(f"<note><pitch><step>{note.step}</step>{alter}<octave>{note.octave}</octave></pitch>"
                     f"<duration>{duration}</duration><type>{note.note_type}</type>{accidental}{stem}</note>")
    return ('<?xml version="1.0" encoding="UTF-8"?><score-partwise version="3.1"><part-list><score-part id="P1">'
            '<part-name/></score-part></part-list><part id="P1"><measure number="1"><attributes>'
            "<divisions>1</divisions><clef><sign>G</sign><line>2</line></clef></attributes>"
            + "".join(notes) + "</measure></part></score-partwise>")


def time_ours(config: DatasetConfig, count: int, out_dir: Path | None) -> float:
    """Samples per CPU-second: written like write_dataset does, or (out_dir None) rendered and PNG-encoded only."""
    if out_dir is not None:
        (out_dir / "images").mkdir(parents=True)
        (out_dir / "masks").mkdir()
    render_sample(config, config.seed, "train", 0)  # warm the glyph caches
    start = time.process_time()
    for index in range(count):
        if out_dir is None:
            sample = render_sample(config, config.seed, "train", index)
            encode_png(sample.image), encode_png(sample.mask)
        else:
            write_sample(out_dir, config, config.seed, "train", index)
    return count / (time.process_time() - start)


def time_verovio(config: DatasetConfig, count: int, out_dir: Path | None) -> float:
    """Samples per CPU-second for the same staves through verovio + resvg (PNG written unless out_dir is None)."""
    import resvg_py
    import verovio

    verovio.enableLog(verovio.LOG_OFF)
    toolkit = verovio.toolkit()
    # 180 internal units per staff space, 0.18 px per unit of `scale`: scale 44 gives ~8 px, our staff space.
    toolkit.setOptions({"scale": round(config.staff_space / 0.18), "adjustPageHeight": True,
                        "adjustPageWidth": True, "breaks": "none", "header": "none", "footer": "none"})
    if out_dir is not None:
        out_dir.mkdir(parents=True)
    staves = [config.random(sample_rng(config.seed, "train", index)) for index in range(count)]
    start = time.process_time()
    for index, staff in enumerate(staves):
        toolkit.loadData(musicxml(staff))
        png = resvg_py.svg_to_bytes(svg_string=toolkit.renderToSVG(1), background="#ffffff")
        if out_dir is not None:
            (out_dir / f"{index:06d}.png").write_bytes(bytes(png))
    return count / (time.process_time() - start)


def v03_musicxml(staff, events) -> str:
    """The v03 staff as MusicXML through music21: our measures, preamble, events and beam groups."""
    from music21 import stream
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    from omr.music.elements import header_items, music21_event, tuplet_brackets  # the project's own mapping
    from omr.music.events import BEAM_COUNT, measure_length

    part, measure, number, brackets = stream.Part(), None, 0, tuplet_brackets(events)
    beam_type = {index: ("start" if index == group[0] else "stop" if index == group[-1] else "continue")
                 for group in staff.beams for index in group}
    for index, event in enumerate(events):
        if measure is None:
            number += 1
            measure = stream.Measure(number=number)
            if number == 1:
                for item in header_items(staff.clef_sign, staff.key_signature, staff.time_signature):
                    measure.insert(0, item)
        # Tuplets with their brackets, measure rests their measure (changes inside the staff left out: they flatter
        # Verovio, as the slurs do).
        written = music21_event(event, brackets[index], measure_length(staff.time_signature))
        if index in beam_type:
            written.beams.fill(BEAM_COUNT[event.duration], beam_type[index])
        measure.append(written)
        if index in staff.barlines_after or index == len(events) - 1:
            part.append(measure)
            measure = None
    exporter = GeneralObjectExporter(stream.Score([part]))
    exporter.makeNotation = False
    return exporter.parse().decode("utf-8")


def time_verovio_v03(config: DatasetConfig, count: int, out_dir: Path) -> tuple[float, float]:
    """(samples per CPU-second with the music21 step, without it) through music21 -> verovio -> resvg."""
    import resvg_py

    from omr.engrave.verovio_svg import engrave_svg, make_toolkit

    toolkit = make_toolkit()
    out_dir.mkdir(parents=True)
    # Same staves as ours; the events (with tie start/stop) come from our layout, outside the timing.
    staves = [(config.random(sample_rng(config.seed, "train", index)),
               render_sample(config, config.seed, "train", index).events) for index in range(count)]
    zoom = config.staff_space / 18.0  # engrave_svg draws at scale 100: 18 px per staff space
    start = time.process_time()
    documents = [v03_musicxml(staff, events) for staff, events in staves]
    built = time.process_time()
    for index, document in enumerate(documents):
        svg = engrave_svg(toolkit, document, "Leipzig", 0.15)
        png = resvg_py.svg_to_bytes(svg_string=svg, background="#ffffff", zoom=zoom, skip_system_fonts=True)
        (out_dir / f"{index:06d}.png").write_bytes(bytes(png))
    done = time.process_time()
    return count / (done - start), count / (done - built)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=3000, help="samples per dataset for our renderer")
    parser.add_argument("--v03-samples", type=int, default=1000, help="v03 samples for our renderer")
    parser.add_argument("--verovio-samples", type=int, default=60, help="samples per dataset through Verovio")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default: /dev/shm if present)")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, for both renderers
    # Rates are per CPU-second of this process (user + system, all threads), so other load on the machine does not
    # distort the comparison the way wall-clock time would.
    datasets = load_params(args.params)["datasets"]
    # tmpfs by default, so the figures measure rendering rather than this machine's disk journal (--dir to change).
    base = args.dir or (Path("/dev/shm") if Path("/dev/shm").is_dir() else None)
    rows = []
    with tempfile.TemporaryDirectory(dir=base) as tmp:
        for name in ("v01", "v02"):
            config = build_config(DatasetConfig, datasets[name], f"datasets.{name}")
            for mode, folder in (("written", Path(tmp)), ("in memory", None)):
                ours = time_ours(config, args.samples, folder and folder / f"ours-{name}")
                theirs = time_verovio(config, args.verovio_samples, folder and folder / f"verovio-{name}")
                rows.append((name, mode, ours, theirs))
        v03 = build_config(DatasetConfig, datasets["v03"], "datasets.v03")
        ours = time_ours(v03, args.v03_samples, Path(tmp) / "ours-v03")
        with_music21, engraving_only = time_verovio_v03(v03, args.verovio_samples, Path(tmp) / "verovio-v03")
        rows.append(("v03", "written", ours, with_music21))
        rows.append(("v03", "written", ours, engraving_only))
    print(f"temp dir: {tmp} (filesystem of {base or 'the default temp dir'})")
    print(f"{'dataset':<8} {'output':<10} {'ours':>8} {'verovio+resvg':>14} {'speedup':>8}   (samples per CPU-second)")
    for (name, mode, ours, theirs), note in zip(rows, [""] * (len(rows) - 2) + ["  music21 + verovio + resvg",
                                                                               "  verovio + resvg (MusicXML ready)"]):
        print(f"{name:<8} {mode:<10} {ours:>8.0f} {theirs:>14.1f} {ours / theirs:>7.1f}x{note}")
    print("one core; ours = image + mask PNGs (+ boxes and events JSON when written); verovio = image PNG only")


if __name__ == "__main__":
    main()
