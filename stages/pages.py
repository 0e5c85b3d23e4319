"""DVC stage `pages`: whole verovio pages of several systems from the engraved_real tunes (params.yaml `pages`)."""

from __future__ import annotations

import sys

from omr.engrave.pages_dataset import PagesConfig, write_pages_dataset
from omr.engrave.sets import run_stage


def summary(meta: dict) -> str:
    return (f"{meta['pages']} pages, {meta['staves']} staves, {meta['event_count']} events, new material on "
            f"{meta['fuller']['holding']['any']} pages; dropped by verification "
            f"{sum(meta['verification_drops'].values())}, by selection {meta['selection_drops']}")


if __name__ == "__main__":
    sys.exit(run_stage("pages", PagesConfig, write_pages_dataset, summary))
