"""DVC stage contact_sheet@<name>: plots/datasets/<name>.png, a grid of samples with their boxes and masks."""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from omr.io import atomic_write_bytes
from omr.render.contact_sheet import contact_sheet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", help="dataset name under data/datasets/")
    parser.add_argument("--data-root", type=Path, default=Path("data/datasets"))
    parser.add_argument("--out-root", type=Path, default=Path("plots/datasets"))
    parser.add_argument("--count", type=int, default=12)
    args = parser.parse_args(argv)
    try:
        sheet = contact_sheet(args.data_root / args.name, count=args.count)
    except (FileNotFoundError, ValueError) as error:
        print(f"contact_sheet: error: {error}", file=sys.stderr)
        return 1
    buffer = io.BytesIO()
    sheet.save(buffer, format="PNG", optimize=True)
    atomic_write_bytes(args.out_root / f"{args.name}.png", buffer.getvalue())
    print(f"contact_sheet: wrote {args.out_root / args.name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
