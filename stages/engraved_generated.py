"""DVC stage `engraved_generated` (frozen): the reader's training set, random v03 staves engraved by verovio in fonts
the test sets never use, distractors drawn and left out of the events (params.yaml `engraved_generated`)."""

from __future__ import annotations

import sys

from omr.engrave.generated_dataset import EngravedGeneratedConfig, write_engraved_generated_dataset
from omr.engrave.sets import run_stage


def summary(meta: dict) -> str:
    tried = sum(meta["candidates_tried"].values())
    dropped = sum(n for drops in meta["verification_drops"].values() for n in drops.values())
    return (f"{meta['splits']} staves, fonts {meta['fonts']}; dropped by verification {dropped} of {tried} "
            f"candidates, other drops {meta['other_drops']}")


if __name__ == "__main__":
    sys.exit(run_stage("engraved_generated", EngravedGeneratedConfig, write_engraved_generated_dataset, summary))
