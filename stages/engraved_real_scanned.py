"""DVC stage `engraved_real_scanned`: every engraved_real window damaged like a phone scan, labels moved with it
(params.yaml `engraved_real_scanned`)."""

from __future__ import annotations

import sys

from omr.engrave.scanned import ScannedConfig, write_scanned_dataset
from omr.engrave.sets import run_stage


def summary(meta: dict) -> str:
    angle = meta["damage"]["angle"]
    return (f"{meta['windows']} of {meta['source_windows']} {meta['source']} windows, {meta['event_count']} events; "
            f"tilt up to {angle.get('max', 0)} degrees; dropped by verification {meta['verification_drops']}")


if __name__ == "__main__":
    sys.exit(run_stage("engraved_real_scanned", ScannedConfig, write_scanned_dataset, summary))
