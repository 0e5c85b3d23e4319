"""DVC stage `engraved_real`: real verovio engravings of music21's folk tunes as written (params.yaml `engraved_real`)."""

from __future__ import annotations

import sys

from omr.engrave import EngravedRealConfig, write_engraved_real_dataset
from omr.engrave.sets import run_stage


def summary(meta: dict) -> str:
    return (f"{meta['windows']} windows, {meta['note_count']} notes, {meta['rest_count']} rests, "
            f"clefs {meta['clefs']}, new material in {meta['fuller']['holding']['any']}; dropped by verification "
            f"{sum(meta['verification_drops'].values())}, by selection {meta['selection_drops']}")


if __name__ == "__main__":
    sys.exit(run_stage("engraved_real", EngravedRealConfig, write_engraved_real_dataset, summary))
