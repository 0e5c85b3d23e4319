"""`omr transcribe IMAGE... --model CKPT`: every staff of each page image, read into <name>.musicxml, <name>.mid,
<name>.notes.json and <name>.rendered.png, and printed one line per staff.
A PDF is read page by page (omr.transcribe.document; `--pages` picks pages) into one set of files.

A batch survives a bad image: each image is read, transcribed and written on its own, all of its files or none.
An image that cannot be (a text file, a truncated PNG, one over omr.transcribe.page.MAX_PIXELS, a page with no staff)
gets one line `omr transcribe: error: <path>: <reason>` on stderr and is skipped; the batch ends with a summary
(`238 transcribed, 2 refused`: on stdout, or on stderr with --json so that stdout holds JSON lines alone) and exits
1 if any image was refused. What makes the whole batch impossible (a bad model or option, two inputs whose outputs
would share a name) is refused up front, before anything is written.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
from pathlib import Path

from tqdm import tqdm

from omr.approaches import approach_names
from omr.io import atomic_write_bytes
from omr.transcribe.page import NoStaffFound, read_image
from omr.decode.config import RecognizeConfig
from omr.transcribe.assemble import transcribe_page
from omr.transcribe.pdf import PAGES_SYNTAX, is_pdf, parse_pages


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE",
                        help="PNG/JPEG images (pages or single staves) or PDF files (every page, or --pages)")
    parser.add_argument("--model", type=Path, required=True, help="a checkpoint, e.g. models/sequence-v03_aug.pt")
    parser.add_argument("--approach", choices=approach_names(),
                        help="refuse a model of another approach (default: whatever the checkpoint is)")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for the output files (default: .)")
    parser.add_argument("--device", default="auto", help="auto, cpu or cuda (default: auto)")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON line per image (image, status, error, staves, events, outputs)")
    # The defaults are params.yaml's `decode` values, which the evaluation uses (chosen on v02 val).
    parser.add_argument("--score-threshold", type=float, default=0.35,
                        help="detection: boxes scoring less are not notes (default: 0.35)")
    parser.add_argument("--vector-threshold", type=float, default=0.5,
                        help="regression: white keys below this probability are not notes (default: 0.5)")
    parser.add_argument("--pages", type=_pages_option, metavar="LIST",
                        help=f"PDF inputs: the pages to read ({PAGES_SYNTAX}; default: all)")
    parser.add_argument("--quiet", action="store_true",
                        help="no progress bar (there is none anyway when stderr is not a terminal)")


def _pages_option(text: str):
    try:
        return parse_pages(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def run(args: argparse.Namespace) -> int:
    for option, value in (("--score-threshold", args.score_threshold), ("--vector-threshold", args.vector_threshold)):
        if not 0 < value < 1:
            raise ValueError(f"{option}: must be in (0, 1), got {value}")
    config = RecognizeConfig(score_threshold=args.score_threshold, vector_threshold=args.vector_threshold)
    stems: dict[str, Path] = {}
    for path in args.images:
        if path.stem in stems:
            raise ValueError(f"{path}: {stems[path.stem]} has the same name {path.stem!r}; outputs would overwrite "
                             "each other")
        stems[path.stem] = path
    if args.pages is not None and not any(is_pdf(path) for path in args.images):
        raise ValueError("--pages: picks pages of PDF inputs, and no input is a PDF")
    from omr.models import load_predictor  # torch loads only once the options are known to be good

    predictor = load_predictor(args.model, device=args.device)
    if args.approach is not None and predictor.approach != args.approach:
        raise ValueError(f"{args.model}: is a {predictor.approach} model, not {args.approach} (--approach)")
    refused = 0
    show = not args.quiet and sys.stderr.isatty()  # a bar in a log file is noise
    say = tqdm.write if show else print  # tqdm.write keeps the bar below the lines printed
    bar = functools.partial(tqdm, file=sys.stderr, disable=not show, dynamic_ncols=True)
    for path in bar(args.images, unit="file", desc="transcribe", disable=not show or len(args.images) < 2):
        if is_pdf(path):
            pages = lambda items, total: bar(items, total=total, unit="page", desc=path.name, leave=False)
            result = transcribe_pdf_file(predictor, path, args.out, config, args.pages, pages)
        else:
            result = transcribe_image(predictor, path, args.out, config)
        refused += result["status"] != "ok"
        if result["status"] != "ok":
            say(f"omr transcribe: error: {result['error']}", file=sys.stderr)
        for warning in result.get("warnings", ()):
            say(f"omr transcribe: warning: {warning}", file=sys.stderr)
        if args.json:
            say(json.dumps({k: v for k, v in result.items() if k not in ("lines", "warnings")}), file=sys.stdout)
        elif result["status"] == "ok":
            say("\n".join(result["lines"]), file=sys.stdout)
        sys.stdout.flush()
    summary = f"{len(args.images) - refused} transcribed, {refused} refused"
    print(summary, file=sys.stderr if args.json else sys.stdout)
    return 1 if refused else 0


def transcribe_image(predictor, path: Path, out: Path, config: RecognizeConfig) -> dict:
    """Read, transcribe and write one image; its result line (status 'ok' or 'refused', with the error)."""
    from music21.exceptions21 import Music21Exception

    from omr.transcribe.write import page_files

    result = {"image": str(path), "status": "refused", "error": None, "staves": 0, "events": 0, "outputs": []}
    try:
        page = transcribe_page(predictor, read_image(path), config)
        files = {out / name: data for name, data in page_files(page, path.stem, str(path)).items()}
        write_all_or_none(files)
    except (NoStaffFound, ValueError, OSError, Music21Exception) as error:
        return {**result, "error": refusal(path, error)}
    lines = [f"{path.name} staff {number}/{len(page.staves)} ({staff.preamble_text()}): "
             f"{staff.text() or '(no notes found)'}" for number, staff in enumerate(page.staves, start=1)]
    return {**result, "status": "ok", "staves": len(page.staves), "events": len(page.events),
            "outputs": [str(target) for target in files], "lines": lines}


def transcribe_pdf_file(predictor, path: Path, out: Path, config: RecognizeConfig, pages=None,
                        progress=lambda items, total: items) -> dict:
    """Read, transcribe and write one PDF (the pages asked for) as transcribe_image does an image; a page without a
    staff is skipped with a warning, a PDF without any is refused."""
    from music21.exceptions21 import Music21Exception

    from omr.transcribe.document import document_files, transcribe_pdf

    result = {"image": str(path), "status": "refused", "error": None, "staves": 0, "events": 0, "outputs": [],
              "pages": []}
    try:
        document = transcribe_pdf(predictor, path, config, pages, progress)
        files = {out / name: data for name, data in document_files(document, path.stem, str(path)).items()}
        write_all_or_none(files)
    except (NoStaffFound, ValueError, OSError, Music21Exception) as error:
        return {**result, "error": refusal(path, error)}
    lines = [f"{path.name} page {page.number} staff {number}/{len(page.page.staves)} ({staff.preamble_text()}): "
             f"{staff.text() or '(no notes found)'}"
             for page in document.pages for number, staff in enumerate(page.page.staves, start=1)]
    return {**result, "status": "ok", "pages": [page.number for page in document.pages],
            "staves": sum(len(page.page.staves) for page in document.pages),
            "events": sum(len(page.page.events) for page in document.pages),
            "outputs": [str(target) for target in files], "lines": lines,
            "warnings": [f"{path}: {skipped}; skipped" for skipped in document.skipped]}


def refusal(path: Path, error: Exception) -> str:
    """The one line that names the input and what was wrong with it."""
    if isinstance(error, NoStaffFound):
        return f"{path}: no staff found ({error})"
    message = str(error)
    return message if message.startswith(str(path)) else f"{path}: {message}"


def write_all_or_none(files: dict[Path, bytes]) -> None:
    """All of an image's files or none: each is first written whole (atomically) beside its target, and only once
    every one is on disk are they renamed into place; a failure before that leaves the targets as they were."""
    pending: dict[Path, Path] = {}
    try:
        for target, data in files.items():
            pending[target] = target.with_name(f".{target.name}.pending")
            atomic_write_bytes(pending[target], data)
        for target, temporary in pending.items():
            os.replace(temporary, target)
    except BaseException:
        for temporary in pending.values():
            temporary.unlink(missing_ok=True)
        raise
