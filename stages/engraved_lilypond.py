"""DVC stage `engraved_lilypond`: engraved_real's windows engraved by LilyPond, the engraver no training set uses
(params.yaml `engraved_lilypond`; `make lilypond` installs it)."""

from __future__ import annotations

import sys

from omr.engrave.lilypond_dataset import EngravedLilypondConfig, write_engraved_lilypond_dataset
from omr.engrave.sets import run_stage


def summary(meta: dict) -> str:
    return (f"{meta['windows']} windows ({meta['engraver']}), {meta['note_count']} notes, {meta['rest_count']} "
            f"rests, clefs {meta['clefs']}, new material in {meta['fuller']['holding']['any']}; dropped by "
            f"verification {sum(meta['verification_drops'].values())}, by selection {meta['selection_drops']}")


if __name__ == "__main__":
    sys.exit(run_stage("engraved_lilypond", EngravedLilypondConfig, write_engraved_lilypond_dataset, summary))
