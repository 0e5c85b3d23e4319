"""DVC stage contact_sheets: plots/datasets/<name>.png per dataset named, a grid of samples with their boxes and masks.

One stage for every dataset rather than one per dataset: a sheet takes about a second, while each stage costs every
no-op `dvc repro` ~60 ms of DVC's own checking (docs/reproducibility.md). A bad dataset costs only its own sheet."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from omr.io import atomic_write_bytes
from omr.render.contact_sheet import contact_sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("names", nargs="+", help="dataset names under data/datasets/")
    parser.add_argument("--data-root", type=Path, default=Path("data/datasets"))
    parser.add_argument("--out-root", type=Path, default=Path("plots/datasets"))
    parser.add_argument("--count", type=int, default=12)
    args = parser.parse_args(argv)
    failed = 0
    for name in args.names:
        try:
            sheet = contact_sheet(args.data_root / name, count=args.count)
        except (FileNotFoundError, ValueError) as error:
            print(f"contact_sheet: error: {error}", file=sys.stderr)
            failed += 1
            continue
        buffer = io.BytesIO()
        sheet.save(buffer, format="PNG", optimize=True)
        atomic_write_bytes(args.out_root / f"{name}.png", buffer.getvalue())
        print(f"contact_sheet: wrote {args.out_root / name}.png")
    return 1 if failed else 0

if __name__ == "__main__":
    sys.exit(main())
