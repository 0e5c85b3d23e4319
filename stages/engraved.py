"""DVC stage `engraved`: the test set of real verovio engravings of music21's folk tunes (params.yaml `engraved`)."""

from __future__ import annotations

import sys
from pathlib import Path

from omr.config import ConfigError, load_params, section
from omr.engrave import EngravedConfig, write_engraved_dataset
from omr.engrave.sets import stage_config

OUT_DIR = Path("data/datasets/engraved")


def main() -> int:
    try:
        config, workers = stage_config(EngravedConfig, section(load_params(), "engraved"), "engraved")
        meta = write_engraved_dataset(OUT_DIR, config, workers=workers)
    except (ConfigError, ValueError, OSError) as error:
        print(f"stage engraved: error: {error}", file=sys.stderr)
        return 1
    print(
        f"{OUT_DIR}: {meta['splits']['test']} windows, {meta['note_count']} notes; "
        f"dropped by verification {sum(meta['verification_drops'].values())}, by selection {meta['selection_drops']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
