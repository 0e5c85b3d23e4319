"""Real engraving as a test set: music21's folk-tune corpus -> MusicXML -> verovio SVG -> verified labelled PNGs.

numpy/Pillow/music21/verovio/resvg only (no torch).
"""

from omr.engrave.dataset import EngravedConfig, write_engraved_dataset
from omr.engrave.sample import EngravingStyle

__all__ = ["EngravedConfig", "EngravingStyle", "write_engraved_dataset"]
