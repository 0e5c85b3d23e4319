"""Staff finding over real data: `locate_staff` on every test image of every dataset (refusals and ms per image),
and `locate_staves` on synthetic pages of 6-10 staves (staves found vs stacked, ms per page). Target (issue 14):
no refusal anywhere, a page in well under a second.

    .venv/bin/python benchmarks/locate.py [--datasets data/datasets] [--pages 10] [--limit 0]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from omr.transcribe.locate import locate_staff, locate_staves
from omr.transcribe.page import NoStaffFound, rotate

PAGE_WIDTH = 2000


def dataset_refusals(split_dir: Path, limit: int) -> tuple[int, int, float, Counter, int]:
    """(images, refusals, ms per image, refusal reasons) of locate_staff over one split, and the images where
    locate_staves misses the labelled staves (a crop's one, a page's several) or a line by more than a pixel."""
    records = [json.loads(line) for line in (split_dir / "labels.jsonl").read_text().splitlines() if line.strip()]
    if limit:
        records = records[:limit]
    refused, reasons, elapsed, not_one = 0, Counter(), 0.0, 0
    for record in records:
        image = np.asarray(Image.open(split_dir / record["image"]).convert("L"))
        start = time.perf_counter()
        try:
            locate_staff(image)
        except NoStaffFound as error:
            refused += 1
            reasons[str(error).split(",")[0][:70]] += 1
        elapsed += time.perf_counter() - start
        not_one += not staves_match(image, record)
    return len(records), refused, 1000 * elapsed / max(1, len(records)), reasons, not_one


def staves_match(image: np.ndarray, record: dict) -> bool:
    """Does locate_staves find the label's staves (one for a crop; a page's `staves`), each line within 1 px?"""
    truth = [staff["staff_lines"] for staff in record.get("staves") or [record]]
    try:
        found = locate_staves(image)
    except NoStaffFound:
        return False
    if len(found) != len(truth):
        return False
    if any(staff.angle for staff in found):  # a turned image's labels are not in the deskewed page's pixels
        return True
    return all(np.abs(np.add(staff.staff_lines, staff.origin[1]) - lines).max() <= 1.0
               for staff, lines in zip(found, truth))


def synthetic_page(split_dir: Path, rng: np.random.Generator) -> tuple[np.ndarray, int]:
    """6-10 test staves of one split, enlarged x2, stacked with varying gaps under a title, turned by up to 2 deg."""
    records = [json.loads(line) for line in (split_dir / "labels.jsonl").read_text().splitlines() if line.strip()]
    count = int(rng.integers(6, 11))
    chosen = rng.choice(len(records), size=count, replace=False)
    crops = []
    for index in chosen:
        image = Image.open(split_dir / records[index]["image"]).convert("L")
        crops.append(image.resize((image.width * 2, image.height * 2), Image.Resampling.BICUBIC))
    height = 160 + sum(c.height for c in crops) + 40
    page = Image.new("L", (PAGE_WIDTH, max(height, 2800)), 255)
    ImageDraw.Draw(page).text((PAGE_WIDTH // 2 - 60, 60), "Benchmark page", fill=0)
    y = 160
    for crop in crops:
        page.paste(crop.crop((0, 0, min(crop.width, PAGE_WIDTH - 200), crop.height)), (100, y))
        y += crop.height + int(rng.integers(-40, 60))  # negative: closer than two training crops' room
    pixels = np.asarray(page)
    angle = float(rng.uniform(-2.0, 2.0))
    return rotate(pixels, angle), count


def page_figures(split_dir: Path, pages: int, seed: int = 0) -> tuple[int, int, float]:
    """(pages whose staff count is right, pages, ms per page) of locate_staves on synthetic pages."""
    rng = np.random.default_rng(seed)
    right, elapsed = 0, 0.0
    for _ in range(pages):
        image, count = synthetic_page(split_dir, rng)
        start = time.perf_counter()
        try:
            found = len(locate_staves(image))
        except NoStaffFound:
            found = 0
        elapsed += time.perf_counter() - start
        right += found == count
    return right, pages, 1000 * elapsed / max(1, pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=Path("data/datasets"))
    parser.add_argument("--pages", type=int, default=10, help="synthetic pages per page source")
    parser.add_argument("--limit", type=int, default=0, help="images per dataset (0: all)")
    args = parser.parse_args()
    print(f"{'dataset':<16}{'images':>8}{'refused':>9}{'ms/image':>10}{'staves off':>12}")
    for split_dir in sorted(args.datasets.glob("*/test")):
        if not (split_dir / "labels.jsonl").is_file():
            continue
        count, refused, ms, reasons, not_one = dataset_refusals(split_dir, args.limit)
        print(f"{split_dir.parent.name:<16}{count:>8}{refused:>9}{ms:>10.1f}{not_one:>12}")
        for reason, n in reasons.most_common(3):
            print(f"    {n} x {reason}")
    print(f"\n{'pages from':<16}{'right':>8}{'pages':>9}{'ms/page':>10}")
    for name in ("v03", "engraved_real"):
        split_dir = args.datasets / name / "test"
        if (split_dir / "labels.jsonl").is_file():
            right, pages, ms = page_figures(split_dir, args.pages)
            print(f"{name:<16}{right:>8}{pages:>9}{ms:>10.1f}")


if __name__ == "__main__":
    main()
