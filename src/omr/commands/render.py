"""`omr render`: draw one random sample of a dataset config, or an event list, to PNG + mask PNG + JSON."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

from PIL import Image

from omr.config import build_config, load_params, section
from omr.io import atomic_write_bytes, atomic_write_text
from omr.render.contact_sheet import mask_overlay
from omr.music.events import CLEFS, event_text, measure_length
from omr.render import RenderStyle, render_staff
from omr.render.dataset import SPLITS, DatasetConfig, encode_png, render_sample
from omr.render.text_staff import staff_from_text
from omr.samples import NOTATION_MASK_CLASSES


def configure(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset-config", metavar="NAME",
                        help="render a random sample of params.yaml datasets.NAME (v01, v02, v01_3notes, long, v03)")
    source.add_argument("--notes", metavar="EVENTS",
                        help="space-separated events STEP[#|b|n]OCTAVE[:DURATION[.][.][~]] or r:DURATION[.][.], "
                             "DURATION 1 2 4 8 16 32 (or q h), ~ = tied to the next; signs given are printed, e.g. "
                             '"C4:8. D4:16 r:4 E4:2~ E4:8"')
    parser.add_argument("--seed", type=int, default=None,
                        help="with --dataset-config: generator seed (default: the dataset's own seed)")
    parser.add_argument("--split", choices=SPLITS, default="test", help="with --dataset-config (default: test)")
    parser.add_argument("--index", type=int, default=0,
                        help="with --dataset-config: sample index; default seed+split+index equal the dataset's file")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--clef", nargs="?", const="treble", default=None, choices=CLEFS,
                        help="with --notes: draw a clef (bare --clef: treble)")
    parser.add_argument("--key", type=int, default=0, metavar="FIFTHS",
                        help="with --notes: key signature, -7..7 (flats < 0 < sharps)")
    parser.add_argument("--time", default=None, metavar="TIME",
                        help="with --notes: time signature (2/4, 3/4, 4/4, 6/8, 3/8, 2/2, C); barlines where measures "
                             "fill")
    parser.add_argument("--staff-space", type=float, default=8.0, help="with --notes: pixels between staff lines")
    parser.add_argument("--height", type=int, default=128, help="with --notes: image height in pixels")
    parser.add_argument("--out", type=Path, required=True, help="output folder")
    parser.add_argument("--name", default="sample", help="file name stem (default: sample)")


def run(args: argparse.Namespace) -> int:
    if args.dataset_config is not None:
        key = f"datasets.{args.dataset_config}"
        config = build_config(DatasetConfig, section(load_params(args.params), key), key)
        seed = config.seed if args.seed is None else args.seed
        sample = render_sample(config, seed, args.split, args.index)
        mask_classes = config.mask_classes
    else:
        if not -7 <= args.key <= 7:
            raise ValueError(f"--key: must be in -7..7 (flats < 0 < sharps), got {args.key}")
        try:
            measure_length(args.time)
        except ValueError as error:
            raise ValueError(f"--time: {error}") from None
        staff = staff_from_text(args.notes, clef=args.clef, key_fifths=args.key, time=args.time)
        style = RenderStyle(staff_space=args.staff_space, line_thickness=max(1.0, args.staff_space / 8),
                            height=args.height)
        sample = render_staff(staff, style)
        mask_classes = NOTATION_MASK_CLASSES  # the seed's classes are its first entries, with the same indices
    out = args.out / args.name
    atomic_write_bytes(out.with_name(f"{args.name}.png"), encode_png(sample.image))
    atomic_write_bytes(out.with_name(f"{args.name}.mask.png"), encode_png(sample.mask))
    truth = {
        "width": sample.width,
        "height": sample.height,
        "staff_space": sample.staff_space,
        "staff_lines": list(sample.staff_lines),
        "clef": sample.header.clef,
        "key_fifths": sample.header.key_fifths,
        "time": sample.header.time,
        "barlines": list(sample.header.barlines),  # unrounded, unlike labels.jsonl
        "events": [event.to_json() for event in sample.events],
        "boxes": [box.to_json() for box in sample.boxes],
        "mask_classes": list(mask_classes),
    }
    overlay = Image.fromarray(mask_overlay(sample.image, sample.mask))  # for eyes; the .mask.png is for programs
    buffer = io.BytesIO()
    overlay.save(buffer, format="PNG")
    atomic_write_bytes(out.with_name(f"{args.name}.overlay.png"), buffer.getvalue())
    atomic_write_text(out.with_name(f"{args.name}.json"), json.dumps(truth, indent=2) + "\n")
    spelled = " ".join(event_text(event) for event in sample.events)
    print(f"wrote {out}.png, {out}.mask.png, {out}.overlay.png, {out}.json ({spelled})")
    return 0
