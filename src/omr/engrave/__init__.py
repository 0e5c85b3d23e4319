"""Real engraving as test sets: music21's folk-tune corpus -> MusicXML -> verovio SVG -> verified labelled PNGs.

`engraved`: melody windows rewritten to quarter/half notes; `engraved_real`: whole measures as written.
numpy/Pillow/music21/verovio/resvg only (no torch).
"""

from omr.engrave.dataset import EngravedConfig, write_engraved_dataset
from omr.engrave.real_dataset import EngravedRealConfig, write_engraved_real_dataset
from omr.engrave.real_sample import RealStyle
from omr.engrave.sample import EngravingStyle

__all__ = ["EngravedConfig", "EngravedRealConfig", "EngravingStyle", "RealStyle", "write_engraved_dataset",
           "write_engraved_real_dataset"]
