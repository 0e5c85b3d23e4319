"""`omr transcribe IMAGE... --model CKPT`: notes printed left to right, plus <name>.notes.json, <name>.musicxml and
<name>.rendered.png per image. Every input is checked and transcribed before anything is written, so a bad input
leaves no partial output."""

from __future__ import annotations

import argparse
from pathlib import Path

from omr.approaches import approach_names
from omr.io import atomic_write_bytes
from omr.locate import NoStaffFound
from omr.recognize import RecognizeConfig
from omr.transcription import read_image, transcribe


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="PNG/JPEG images, one staff each")
    parser.add_argument("--model", type=Path, required=True, help="a checkpoint, e.g. models/detection-v02_aug.pt")
    parser.add_argument("--approach", choices=approach_names(), help="refuse a model of another approach")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for the output files (default: .)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default: auto)")
    # The defaults are params.yaml's `decode` values, which the evaluation uses (chosen on v02 val).
    parser.add_argument("--score-threshold", type=float, default=0.35,
                        help="detection: boxes scoring less are not notes (default: 0.35)")
    parser.add_argument("--vector-threshold", type=float, default=0.5,
                        help="regression: white keys below this probability are not notes (default: 0.5)")


def run(args: argparse.Namespace) -> int:
    for option, value in (("--score-threshold", args.score_threshold), ("--vector-threshold", args.vector_threshold)):
        if not 0 < value < 1:
            raise ValueError(f"{option}: must be in (0, 1), got {value}")
    config = RecognizeConfig(score_threshold=args.score_threshold, vector_threshold=args.vector_threshold)
    images = {}
    for path in args.images:
        if path.stem in images:
            raise ValueError(f"{path}: another input is also named {path.stem!r}; outputs would overwrite each other")
        images[path.stem] = (path, read_image(path))
    from omr.models import load_predictor  # torch loads only once the inputs are known to be good

    predictor = load_predictor(args.model, device=args.device)
    if args.approach is not None and predictor.approach != args.approach:
        raise ValueError(f"{args.model}: is a {predictor.approach} model, not {args.approach} (--approach)")
    outputs: dict[Path, bytes] = {}
    lines = []
    for stem, (path, image) in images.items():
        try:
            transcription = transcribe(predictor, image, config)
        except NoStaffFound as error:
            raise ValueError(f"{path}: no staff found ({error})") from error
        lines.append(f"{path.name}: {transcription.text() or '(no notes found)'}")
        outputs.update({args.out / name: data for name, data in transcription.files(stem, str(path)).items()})
    for target, data in outputs.items():
        atomic_write_bytes(target, data)
    print("\n".join(lines))
    return 0
