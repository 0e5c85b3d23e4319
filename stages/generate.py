"""DVC stage generate@<name>: render dataset `name` from params.yaml `datasets.<name>` into data/datasets/<name>."""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from omr.config import ConfigError, build_config, load_params, section
from omr.render.dataset import DatasetConfig, default_workers, write_dataset
from omr.music.round_trip import round_trip_failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("name", help="dataset name, a key under `datasets:` in params.yaml (v01, v02, ...)")
    parser.add_argument("--params", type=Path, default=Path("params.yaml"))
    parser.add_argument("--out-root", type=Path, default=Path("data/datasets"))
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="processes (default: all cores); the files are identical for any number")
    args = parser.parse_args(argv)
    try:
        key = f"datasets.{args.name}"
        config = build_config(DatasetConfig, section(load_params(args.params), key), key)
    except ConfigError as error:
        print(f"generate: error: {error}", file=sys.stderr)
        return 1
    out_dir = args.out_root / args.name
    meta = write_dataset(out_dir, config, workers=args.workers, progress=True)
    if config.notation is not None:  # real notation: every label must mean to MusicXML what it means to us
        failures = round_trip_failures(out_dir, workers=args.workers)
        if failures:
            shutil.rmtree(out_dir)
            print(f"generate: error: {len(failures)} labels of {out_dir} change through MusicXML, first: "
                  f"{failures[0]}; the dataset was removed", file=sys.stderr)
            return 1
        print(f"generate: every label of {out_dir} survives events -> MusicXML -> events")
    print(f"generate: wrote {args.out_root / args.name} ({', '.join(f'{k} {v}' for k, v in meta['splits'].items())})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
