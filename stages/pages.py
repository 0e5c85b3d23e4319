"""DVC stage `pages`: whole verovio pages of several systems from the engraved_real tunes (params.yaml `pages`)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from omr.config import ConfigError, load_params, section
from omr.engrave.pages_dataset import PagesConfig, write_pages_dataset
from omr.engrave.sets import stage_config

OUT_DIR = Path("data/datasets/pages")


def main() -> int:
    started = time.perf_counter()
    try:
        config, workers = stage_config(PagesConfig, section(load_params(), "pages"), "pages")
        meta = write_pages_dataset(OUT_DIR, config, workers=workers)
    except (ConfigError, ValueError, OSError) as error:
        print(f"stage pages: error: {error}", file=sys.stderr)
        return 1
    print(
        f"{OUT_DIR}: {meta['pages']} pages, {meta['staves']} staves, {meta['event_count']} events; dropped by "
        f"verification {sum(meta['verification_drops'].values())}, by selection {meta['selection_drops']}; "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
