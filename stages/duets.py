"""DVC stage `duets`: verovio pages whose systems hold two staves, two tunes as a duet (params.yaml `duets`)."""

from __future__ import annotations

import sys

from omr.engrave.duets import DuetsConfig, write_duets_dataset
from omr.engrave.sets import run_stage


def summary(meta: dict) -> str:
    return (f"{meta['pages']} pages, {meta['staves']} staves, {meta['event_count']} events; dropped by verification "
            f"{sum(meta['verification_drops'].values())}, by selection {meta['selection_drops']}")


if __name__ == "__main__":
    sys.exit(run_stage("duets", DuetsConfig, write_duets_dataset, summary))
