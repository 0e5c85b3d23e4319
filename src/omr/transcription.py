"""A user's image -> notes, MusicXML and a re-rendering: find the staff, recognise, export. Torch-free (the predictor
is passed in), so `omr transcribe` and benchmarks/transcribe.py share it.
"""

from __future__ import annotations

import dataclasses
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from omr.locate import LocatedStaff, locate_staff
from omr.music import Event, SymbolicNote, event_text, notes_of
from omr.musicxml import events_to_musicxml, measure_numbers_from_barlines
from omr.recognize import Predictor, RecognizeConfig, recognize
from omr.render import render_staff, staff_from_notes

OUTPUT_SUFFIXES = (".notes.json", ".musicxml", ".rendered.png")


@dataclass(frozen=True)
class Transcription:
    """What was read from one image; event coordinates are in the located (deskewed, cropped) staff image."""

    events: tuple[Event, ...]
    staff: LocatedStaff
    approach: str
    knows_accidentals: bool = True
    knows_durations: bool = True
    clef: str | None = None
    key_fifths: int = 0
    time: str | None = None
    barlines: tuple[float, ...] = ()

    @property
    def notes(self) -> tuple[SymbolicNote, ...]:
        return notes_of(self.events)

    def text(self) -> str:
        """Events left to right as `omr render --notes` writes them, e.g. 'C4:4 r:8 F#4:8.' (pitch alone where the
        approach knows no durations, no sign where it knows no accidentals)."""
        words = []
        for event in self.events:
            if event.kind == "note" and not self.knows_accidentals:
                event = dataclasses.replace(event, alter=0)
            words.append(event_text(event) if self.knows_durations else event.spelled)
        return " ".join(words)

    def files(self, stem: str, source: str = "") -> dict[str, bytes]:
        """Output file name -> content: <stem>.notes.json, <stem>.musicxml, <stem>.rendered.png."""
        document = {
            "image": source,
            "approach": self.approach,
            "knows_accidentals": self.knows_accidentals,
            "knows_durations": self.knows_durations,
            # CONTRACT: a list, one entry per staff read (one here; pages give several).
            "staves": [{
                "angle_degrees": self.staff.angle,
                "crop_origin": list(self.staff.origin),
                "staff_space": round(self.staff.staff_space, 3),
                "staff_lines": [round(y, 2) for y in self.staff.staff_lines],
            }],
            "clef": self.clef,
            "key_fifths": self.key_fifths,
            "time": self.time,
            "events": [{**e.to_json(), "x": round(e.x, 2), "y": round(e.y, 2)} for e in self.events],
        }
        clef = self.clef or "treble"  # what a reader assumes of a staff whose clef was not read
        rendered = io.BytesIO()
        staff = staff_from_notes(self.events, clef=self.clef is not None, clef_sign=clef, key_fifths=self.key_fifths,
                                 time=self.time)
        Image.fromarray(render_staff(staff).image).save(rendered, format="PNG")
        measures = measure_numbers_from_barlines(self.events, self.barlines) if self.barlines else None
        musicxml = events_to_musicxml(self.events, clef, self.key_fifths, self.time, title=stem,
                                      measure_numbers=measures)
        return {
            f"{stem}.notes.json": (json.dumps(document, indent=2) + "\n").encode("utf-8"),
            f"{stem}.musicxml": musicxml.encode("utf-8"),
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
        events=recognition.events,
        staff=staff,
        approach=predictor.approach,
        knows_accidentals=recognition.knows_accidentals,
        knows_durations=recognition.knows_durations,
        clef=recognition.clef,
        key_fifths=recognition.key_fifths,
        time=recognition.time,
        barlines=recognition.barlines,
    )
