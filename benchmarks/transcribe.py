"""Milliseconds of `omr transcribe`'s work after start-up, per approach: per staff image and per page.

Staff figure: v02-sized images (128 x ~400), target <= 100 ms each. Page figure: pages of 6-10 staves (the `pages`
test set's where data/datasets/pages exists, else 8 v03 test staves stacked on white paper), target <= 2 s each.
PDF figure: those pages (cycled) saved as one PDF of `--pdf-pages` pages at 150 dpi, transcribed as `omr transcribe
score.pdf` does it (each page drawn by pdfium, drawn again at the training staff space, read, the page turns joined,
one MusicXML/MIDI/notes.json and a PNG per page written), target <= 20 s for 10 pages.
Each timing is what the command does per image: find the staves, recognise them in one batch, carry the preamble,
then MusicXML and MIDI through music21, the re-rendered page and notes.json, written to disk (`network ms`: the
median part of it spent in the model; the rest is ours, and stays put when another process loads the CPU). Uses
models/<approach>-<regime>.pt where it exists (v02_aug for the staff figure, v03_aug else v02_aug for pages);
otherwise an untrained network of the same architecture (same cost, meaningless notes; the table says so).

    .venv/bin/python benchmarks/transcribe.py [--images 20] [--pages 5] [--pdf-pages 10] [--device cpu]
                                              [--approaches sequence ...]
"""

from __future__ import annotations

import argparse
import math
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from omr.approaches import approach_names, get_approach
from omr.commands.transcribe import write_all_or_none
from omr.config import build_config, load_params
from omr.transcribe.write import page_files
from omr.render import render_staff
from omr.render.dataset import DatasetConfig, render_sample, sample_rng
from omr.transcribe.assemble import transcribe_page

STAFF_TARGET_MS = 100.0
PAGE_TARGET_MS = 2000.0
PDF_TARGET_MS = 20000.0  # a 10-page PDF (issue 27)
PDF_DPI = 150.0
PAGE_STAVES = (6, 10)
PAGES_SET = Path("data/datasets/pages/test")


def predictor_for(approach: str, regimes: tuple[str, ...], params: dict, device: str):
    """(predictor, where it came from): the first trained checkpoint found, else fresh weights of the network."""
    from omr.models import Checkpoint, ModelConfig, Predictor, build_model, load_predictor

    for regime in regimes:
        path = Path("models") / f"{approach}-{regime}.pt"
        if path.is_file():
            return load_predictor(path, device=device), str(path)
    config = build_config(ModelConfig, params.get("model", {}), "model")
    names = tuple(get_approach(approach).default_class_names())
    checkpoint = Checkpoint(approach, "untrained", config, names, build_model(approach, config, names).state_dict())
    return Predictor(checkpoint, device=device), "untrained (no checkpoint yet)"


class TimedPredictor:
    """The predictor, with the time spent in its network counted (the rest is ours: locate, decode, outputs)."""

    def __init__(self, predictor):
        self.predictor, self.approach, self.spent = predictor, predictor.approach, 0.0
        self.staff_normalized = getattr(predictor, "staff_normalized", False)

    def predict_batch(self, images):
        start = time.perf_counter()
        outputs = self.predictor.predict_batch(images)
        self.spent += time.perf_counter() - start
        return outputs


def time_images(predictor, images, out_dir: Path, warmup: int = 2) -> list[tuple[float, float]]:
    """(ms, of which in the network) per image (warm-up images first, not counted): the command's whole work."""
    timings, timed = [], TimedPredictor(predictor)
    for index, image in enumerate(images[:warmup] + images):
        start, timed.spent = time.perf_counter(), 0.0
        page = transcribe_page(timed, image)
        write_all_or_none({out_dir / name: data for name, data in page_files(page, f"{index:04d}").items()})
        if index >= warmup:
            timings.append(((time.perf_counter() - start) * 1000, timed.spent * 1000))
    return timings


def pdf_of(pages: list[np.ndarray], count: int, path: Path) -> Path:
    """`count` pages (the page images cycled) as one PDF at PDF_DPI, as a scanner or an engraver would give it."""
    images = [Image.fromarray(pages[index % len(pages)]).convert("L") for index in range(count)]
    images[0].save(path, "PDF", resolution=PDF_DPI, save_all=True, append_images=images[1:])
    return path


def time_pdf(predictor, pdf: Path, out_dir: Path) -> list[tuple[float, float]]:
    """(ms, of which in the network) of the command's whole work on the PDF, after one warm-up run."""
    from omr.commands.transcribe import transcribe_pdf_file
    from omr.decode.config import RecognizeConfig

    timings, timed = [], TimedPredictor(predictor)
    for run in range(2):
        start, timed.spent = time.perf_counter(), 0.0
        result = transcribe_pdf_file(timed, pdf, out_dir, RecognizeConfig())
        if result["status"] != "ok":
            raise SystemExit(f"benchmark PDF refused: {result['error']}")
        if run:
            timings.append(((time.perf_counter() - start) * 1000, timed.spent * 1000))
    return timings


def staff_images(params: dict, count: int) -> list[np.ndarray]:
    v02 = build_config(DatasetConfig, params["datasets"]["v02"], "datasets.v02")
    return [render_staff(v02.random(sample_rng(v02.seed, "test", i))).image for i in range(count)]


def page_images(params: dict, count: int) -> tuple[list[np.ndarray], str]:
    """Pages of 6-10 staves and what they are."""
    labels = PAGES_SET / "labels.jsonl"
    if labels.is_file():
        from omr.samples import read_labels

        chosen = [label for label in read_labels(labels)
                  if PAGE_STAVES[0] <= len(label.extra.get("staves", ())) <= PAGE_STAVES[1]][:count]
        if chosen:
            images = [np.asarray(Image.open(PAGES_SET / label.image).convert("L")) for label in chosen]
            staves = [len(label.extra["staves"]) for label in chosen]
            return images, f"{len(images)} `pages` test pages, {min(staves)}-{max(staves)} staves"
    v03 = build_config(DatasetConfig, params["datasets"]["v03"], "datasets.v03")
    pages = [_stacked([render_sample(v03, v03.seed, "test", 8 * p + i).image for i in range(8)]) for p in range(count)]
    return pages, f"{count} pages of 8 v03 test staves stacked on white"


def _stacked(staves: list[np.ndarray], margin: int = 32) -> np.ndarray:
    width = max(s.shape[1] for s in staves) + 2 * margin
    page = np.full((sum(s.shape[0] for s in staves) + 2 * margin, width), 255, dtype=np.uint8)
    y = margin
    for staff in staves:
        page[y : y + staff.shape[0], margin : margin + staff.shape[1]] = staff
        y += staff.shape[0]
    return page


def report(kind: str, approach: str, timings: list[tuple[float, float]], target: float, source: str) -> None:
    totals = sorted(total for total, _ in timings)
    median, p90 = statistics.median(totals), totals[math.ceil(0.9 * (len(totals) - 1))]
    network = statistics.median(spent for _, spent in timings)
    verdict = "ok" if median <= target else "SLOW"
    print(f"{kind:<6} {approach:<13} {median:>10.1f} {p90:>8.1f} {network:>10.1f}  {target:>7.0f} {verdict:>4}  "
          f"{source}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--images", type=int, default=20, help="staff images (0: no staff figure)")
    parser.add_argument("--pages", type=int, default=5, help="page images (0: no page figure)")
    parser.add_argument("--pdf-pages", type=int, default=10, help="pages of the PDF figure (0: no PDF figure)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--approaches", nargs="+", choices=approach_names(), default=list(approach_names()))
    args = parser.parse_args()
    params = load_params(args.params)
    staves = staff_images(params, args.images) if args.images else []
    pages, pages_text = page_images(params, max(args.pages, args.pdf_pages and 1)) if args.pages or args.pdf_pages \
        else ([], "")
    if staves:
        width = statistics.mean(image.shape[1] for image in staves)
        print(f"staff: {len(staves)} v02 test images, 128 x {width:.0f} px on average")
    if pages:
        print(f"page: {pages_text}, {pages[0].shape[1]} x {pages[0].shape[0]} px (first), device {args.device}")
    print(f"{'kind':<6} {'approach':<13} {'median ms':>10} {'p90 ms':>8} {'network ms':>10}  {'target':>7} {'':>4}  "
          "model")
    with tempfile.TemporaryDirectory() as tmp:
        for approach in args.approaches:
            if staves:
                predictor, source = predictor_for(approach, ("v02_aug",), params, args.device)
                report("staff", approach, time_images(predictor, staves, Path(tmp)), STAFF_TARGET_MS, source)
            if pages and args.pages:
                predictor, source = predictor_for(approach, ("v03_aug", "v02_aug"), params, args.device)
                report("page", approach, time_images(predictor, pages[: args.pages], Path(tmp), warmup=1),
                       PAGE_TARGET_MS, source)
            if pages and args.pdf_pages:
                predictor, source = predictor_for(approach, ("v03_aug", "v02_aug"), params, args.device)
                pdf = pdf_of(pages, args.pdf_pages, Path(tmp) / "score.pdf")
                report("pdf", approach, time_pdf(predictor, pdf, Path(tmp)), PDF_TARGET_MS,
                       f"{source}; {args.pdf_pages} pages")


if __name__ == "__main__":
    main()
