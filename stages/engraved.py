"""DVC stage `engraved`: the test set of real verovio engravings of music21's folk tunes (params.yaml `engraved`)."""

from __future__ import annotations

import sys

from omr.engrave import EngravedConfig, write_engraved_dataset
from omr.engrave.sets import run_stage


def summary(meta: dict) -> str:
    return (f"{meta['splits']['test']} windows, {meta['note_count']} notes; dropped by verification "
            f"{sum(meta['verification_drops'].values())}, by selection {meta['selection_drops']}")


if __name__ == "__main__":
    sys.exit(run_stage("engraved", EngravedConfig, write_engraved_dataset, summary))
