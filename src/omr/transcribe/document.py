"""A PDF as one transcription: each page drawn (omr.transcribe.pdf) and transcribed as a page image is
(omr.transcribe.assemble), then clef, key and time carried and ties joined across the page turns, as they are from
staff to staff within a page. Its files: one MusicXML and one MIDI (a page break where each page begins), one
notes.json, and one re-rendered image per page (omr.transcribe.write draws and encodes each part).
"""

from __future__ import annotations

import dataclasses
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
from PIL import Image

from omr.decode.config import RecognizeConfig
from omr.music.score import page_midi, page_musicxml
from omr.transcribe.assemble import PageTranscription, per_part, transcribe_page
from omr.transcribe.page import MAX_PIXELS, NoStaffFound
from omr.transcribe.pdf import PdfDocument, page_numbers
from omr.transcribe.recognize import Predictor
from omr.transcribe.write import notes_document, render_page, score_staves

Progress = Callable[[Iterable, int], Iterable]  # (iterable, total) -> the same items, e.g. a tqdm bar


@dataclass(frozen=True)
class DocumentPage:
    """One page of a PDF as transcribed: its 1-based number, the resolution it was drawn at, and its staves."""

    number: int
    dpi: float
    page: PageTranscription


@dataclass(frozen=True)
class DocumentTranscription:
    """The pages of a PDF that hold music, in the order read, and why each other page asked for was skipped."""

    pages: tuple[DocumentPage, ...]
    skipped: tuple[str, ...] = ()  # e.g. 'page 1: no staff found (...)'


def transcribe_pdf(predictor: Predictor, path: Path, config: RecognizeConfig = RecognizeConfig(),
                   pages: Sequence[tuple[int, int | None]] | None = None,
                   progress: Progress = lambda items, total: items) -> DocumentTranscription:
    """Every page asked for (`pages`: omr.transcribe.pdf.parse_pages ranges; None: all) drawn at the training staff
    space and transcribed; a page without a staff is skipped (named in `skipped`); NoStaffFound when none has one,
    ValueError naming the file for an unreadable, encrypted or empty PDF or a page it does not have."""
    done, skipped = [], []
    with PdfDocument(path) as document:
        numbers = page_numbers(pages, len(document))
        if not numbers:
            raise ValueError(f"{path}: the PDF has no pages")
        for drawn in progress(document.pages(numbers, config.staff_space, MAX_PIXELS), len(numbers)):
            try:
                page = transcribe_page(predictor, drawn.image, config)
            except NoStaffFound as error:
                skipped.append(f"page {drawn.number}: no staff found ({error})")
                continue
            done.append(DocumentPage(drawn.number, drawn.dpi, page))
    if not done:
        asked = "the only page" if len(numbers) == 1 else f"any of its {len(numbers)} pages read"
        raise NoStaffFound(f"no five-line staff on {asked}")
    return DocumentTranscription(tuple(joined_across_pages(done)), tuple(skipped))


def joined_across_pages(pages: Sequence[DocumentPage]) -> list[DocumentPage]:
    """The pages with clef, key and time carried, and ties joined, over each page turn (a page's first staff that
    prints no time signature continues the previous page's)."""
    staves = per_part([staff for page in pages for staff in page.page.staves])
    joined, start = [], 0
    for page in pages:
        count = len(page.page.staves)
        transcription = dataclasses.replace(page.page, staves=tuple(staves[start : start + count]))
        joined.append(dataclasses.replace(page, page=transcription))
        start += count
    return joined


def document_files(document: DocumentTranscription, stem: str, source: str = "") -> dict[str, bytes]:
    """Output file name -> content: <stem>.musicxml, <stem>.mid, <stem>.notes.json and, per page N read,
    <stem>.page-N.rendered.png."""
    staves, breaks = [], []
    for page in document.pages:
        breaks.append(len(staves))
        staves += score_staves(page.page)
    files = {
        f"{stem}.musicxml": page_musicxml(staves, title=stem, page_breaks=breaks).encode("utf-8"),
        f"{stem}.mid": page_midi(staves),
        f"{stem}.notes.json": (json.dumps(document_notes(document, source), indent=2) + "\n").encode("utf-8"),
    }
    for page in document.pages:
        files[f"{stem}.page-{page.number}.rendered.png"] = _png(render_page(page.page))
    return files


def document_notes(document: DocumentTranscription, source: str = "") -> dict:
    """notes.json of a PDF: a page's document (omr.transcribe.write.notes_document) over every page read: all events
    in reading order, every staff numbered on across the pages with its `page`, and per page its drawing."""
    per_page = [notes_document(page.page, source) for page in document.pages]
    staves = [{**staff, "page": page.number} for page, doc in zip(document.pages, per_page) for staff in doc["staves"]]
    for number, staff in enumerate(staves, start=1):
        staff["staff"] = number
    pages = [{"page": page.number, "dpi": round(page.dpi, 2), "size": list(page.page.size),
              "angle_degrees": doc["angle_degrees"], "staves": len(doc["staves"])}
             for page, doc in zip(document.pages, per_page)]
    return {**per_page[0], "coordinates": "deskewed pixels of each staff's page, drawn at that page's dpi",
            "events": [event for doc in per_page for event in doc["events"]], "staves": staves, "pages": pages,
            "skipped_pages": list(document.skipped)}


def _png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()
