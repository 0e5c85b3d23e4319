"""`omr render`: draw one random sample of a dataset config, or a note list, to PNG + mask PNG + JSON."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

from PIL import Image

from omr.config import build_config, load_params, section
from omr.io import atomic_write_bytes, atomic_write_text
from omr.render.contact_sheet import mask_overlay
from omr.render import RenderStyle, Staff, note_from_text, render_staff
from omr.render.dataset import SPLITS, DatasetConfig, encode_png, render_sample
from omr.samples import MASK_CLASSES


def configure(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset-config", metavar="NAME",
                        help="render a random sample of params.yaml datasets.NAME (v01, v02, v01_3notes, long)")
    source.add_argument("--notes", metavar="NOTES",
                        help='space-separated notes STEP[#|b|n]OCTAVE[:q|:h], e.g. "C4:q E4:h F#5:q Bb4:h"')
    parser.add_argument("--seed", type=int, default=None,
                        help="with --dataset-config: generator seed (default: the dataset's own seed)")
    parser.add_argument("--split", choices=SPLITS, default="test", help="with --dataset-config (default: test)")
    parser.add_argument("--index", type=int, default=0,
                        help="with --dataset-config: sample index; default seed+split+index equal the dataset's file")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--clef", action="store_true", help="with --notes: draw a treble clef")
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
    else:
        notes = tuple(note_from_text(text) for text in args.notes.split())
        if not notes:
            raise ValueError("--notes: give at least one note, e.g. \"C4:q E4:h\"")
        style = RenderStyle(staff_space=args.staff_space, line_thickness=max(1.0, args.staff_space / 8),
                            height=args.height)
        sample = render_staff(Staff(notes, clef=args.clef), style)
    out = args.out / args.name
    atomic_write_bytes(out.with_name(f"{args.name}.png"), encode_png(sample.image))
    atomic_write_bytes(out.with_name(f"{args.name}.mask.png"), encode_png(sample.mask))
    truth = {
        "width": sample.width,
        "height": sample.height,
        "staff_space": sample.staff_space,
        "staff_lines": list(sample.staff_lines),
        "notes": [note.to_json() for note in sample.notes],
        "boxes": [box.to_json() for box in sample.boxes],
        "mask_classes": list(MASK_CLASSES),
    }
    overlay = Image.fromarray(mask_overlay(sample.image, sample.mask))  # for eyes; the .mask.png is for programs
    buffer = io.BytesIO()
    overlay.save(buffer, format="PNG")
    atomic_write_bytes(out.with_name(f"{args.name}.overlay.png"), buffer.getvalue())
    atomic_write_text(out.with_name(f"{args.name}.json"), json.dumps(truth, indent=2) + "\n")
    spelled = " ".join(f"{n.spelled}:{n.duration[0]}" for n in sample.notes)
    print(f"wrote {out}.png, {out}.mask.png, {out}.overlay.png, {out}.json ({spelled})")
    return 0
