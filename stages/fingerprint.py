"""DVC stage fingerprint@<name>: data/fingerprints/<name>.json, the content digest that dataset readers depend on."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from omr.fingerprint import write_fingerprint


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", help="dataset name under data/datasets/")
    parser.add_argument("--data-root", type=Path, default=Path("data/datasets"))
    parser.add_argument("--out-root", type=Path, default=Path("data/fingerprints"))
    args = parser.parse_args(argv)
    try:
        fingerprint = write_fingerprint(args.data_root / args.name, args.out_root / f"{args.name}.json")
    except FileNotFoundError as error:
        print(f"fingerprint: error: {error}", file=sys.stderr)
        return 1
    print(f"fingerprint {args.name}: {fingerprint['files']} files, sha256 {fingerprint['sha256'][:12]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
