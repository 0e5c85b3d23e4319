"""DVC stage `engraved_real`: real verovio engravings of music21's folk tunes as written (params.yaml `engraved_real`)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from omr.config import ConfigError, load_params, section
from omr.engrave import EngravedRealConfig, write_engraved_real_dataset
from omr.engrave.sets import stage_config

OUT_DIR = Path("data/datasets/engraved_real")


def main() -> int:
    started = time.perf_counter()
    try:
        config, workers = stage_config(EngravedRealConfig, section(load_params(), "engraved_real"), "engraved_real")
        meta = write_engraved_real_dataset(OUT_DIR, config, workers=workers)
    except (ConfigError, ValueError, OSError) as error:
        print(f"stage engraved_real: error: {error}", file=sys.stderr)
        return 1
    print(
        f"{OUT_DIR}: {meta['windows']} windows, {meta['note_count']} notes, {meta['rest_count']} rests, "
        f"clefs {meta['clefs']}; dropped by verification {sum(meta['verification_drops'].values())}, "
        f"by selection {meta['selection_drops']}; {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
