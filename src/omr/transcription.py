"""A user's image -> notes, MusicXML and a re-rendering: find the staff, recognise, export. Torch-free (the predictor
is passed in), so `omr transcribe` and benchmarks/transcribe.py share it.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from omr.locate import LocatedStaff, locate_staff
from omr.music import SymbolicNote
from omr.musicxml import notes_to_musicxml
from omr.recognize import Predictor, RecognizeConfig, recognize
from omr.render import render_staff, staff_from_notes

OUTPUT_SUFFIXES = (".notes.json", ".musicxml", ".rendered.png")


@dataclass(frozen=True)
class Transcription:
    """What was read from one image; note coordinates are in the located (deskewed, cropped) staff image."""

    notes: tuple[SymbolicNote, ...]
    staff: LocatedStaff
    approach: str
    knows_accidentals: bool = True
    knows_durations: bool = True

    def text(self) -> str:
        """Notes left to right, e.g. 'C4:q E4:h F#4:q' (accidentals/durations only where the approach knows them)."""
        words = []
        for note in self.notes:
            word = note.spelled if self.knows_accidentals else note.name
            words.append(f"{word}:{note.duration[0]}" if self.knows_durations else word)
        return " ".join(words)

    def files(self, stem: str, source: str = "") -> dict[str, bytes]:
        """Output file name -> content: <stem>.notes.json, <stem>.musicxml, <stem>.rendered.png."""
        document = {
            "image": source,
            "approach": self.approach,
            "knows_accidentals": self.knows_accidentals,
            "knows_durations": self.knows_durations,
            "staff": {
                "angle_degrees": self.staff.angle,
                "crop_origin": list(self.staff.origin),
                "staff_space": round(self.staff.staff_space, 3),
                "staff_lines": [round(y, 2) for y in self.staff.staff_lines],
            },
            "notes": [{**n.to_json(), "x": round(n.x, 2), "y": round(n.y, 2)} for n in self.notes],
        }
        rendered = io.BytesIO()
        Image.fromarray(render_staff(staff_from_notes(self.notes)).image).save(rendered, format="PNG")
        return {
            f"{stem}.notes.json": (json.dumps(document, indent=2) + "\n").encode("utf-8"),
            f"{stem}.musicxml": notes_to_musicxml(self.notes, title=stem).encode("utf-8"),
            f"{stem}.rendered.png": rendered.getvalue(),
        }


def read_image(path: Path) -> np.ndarray:
    """A PNG/JPEG as HxW uint8 grey (transparency over white, camera rotation applied); ValueError naming the file."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: image not found")
    if path.stat().st_size == 0:
        raise ValueError(f"{path}: empty file, expected a PNG or JPEG image")
    try:
        with Image.open(path) as opened:
            image = ImageOps.exif_transpose(opened)
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(f"{path}: not a readable image, expected PNG or JPEG ({error})") from error
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert("RGBA"))
    return np.asarray(image.convert("L"), dtype=np.uint8)


def transcribe(predictor: Predictor, image: np.ndarray, config: RecognizeConfig = RecognizeConfig()) -> Transcription:
    """Find the staff (NoStaffFound when there is none), then recognise its notes."""
    staff = locate_staff(image)
    recognition = recognize(predictor, staff.image, config)
    return Transcription(
        notes=recognition.notes,
        staff=staff,
        approach=predictor.approach,
        knows_accidentals=recognition.knows_accidentals,
        knows_durations=recognition.knows_durations,
    )
