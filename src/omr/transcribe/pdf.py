"""PDF input: each page drawn by PDFium (pypdfium2) at the resolution that brings its staves to the models' training
staff space, so a page is read like a page image and recognition needs no second resampling.

A page is drawn once at FIRST_DPI; the staff space found there (omr.decode.geometry.estimate_staff_space, the
estimate recognition uses) gives the resolution at which it is drawn again. A page without staff lines keeps its
first drawing (the page search then says there is no staff). Errors are ValueError naming the file (and the page).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from omr.decode.geometry import estimate_staff_space

# A printed staff space (rastral sizes 1.2-2.2 mm) is 7-13 px at 150 dpi: enough for the run-length estimate, and an
# A4 page is 2.2 megapixels there.
FIRST_DPI = 150.0
POINTS_PER_INCH = 72.0
MAX_DPI = 1200.0  # an estimate from a page of tiny print (or of text alone) never asks for more
PAGES_SYNTAX = "page numbers from 1, e.g. 3, 2-5, 2- or 1,3,6-8"


@dataclass(frozen=True)
class PdfPage:
    """One page drawn: its 1-based number, HxW uint8 grey pixels (white paper) and the resolution used."""

    number: int
    image: np.ndarray
    dpi: float


def is_pdf(path: Path) -> bool:
    """A `.pdf` name, or a file that starts as a PDF does (`%PDF-`)."""
    if path.suffix.lower() == ".pdf":
        return True
    try:
        with open(path, "rb") as opened:
            return opened.read(5) == b"%PDF-"
    except OSError:
        return False


def parse_pages(text: str) -> tuple[tuple[int, int | None], ...]:
    """`--pages` as (first, last) ranges, 1-based and inclusive (last None: to the end); ValueError when malformed."""
    ranges = []
    for part in text.replace(" ", "").split(","):
        match = re.fullmatch(r"(\d+)(-(\d*))?", part)
        if match is None:
            raise ValueError(f"{text!r} is not a page list ({PAGES_SYNTAX})")
        first = int(match[1])
        last = first if match[2] is None else (int(match[3]) if match[3] else None)
        if first < 1 or (last is not None and last < first):
            raise ValueError(f"{part!r} is no range of pages ({PAGES_SYNTAX})")
        ranges.append((first, last))
    return tuple(ranges)


def page_numbers(ranges: Sequence[tuple[int, int | None]] | None, count: int) -> list[int]:
    """The pages to read (1-based, in the order asked, each once) of a document of `count` pages; ValueError when a
    range asks for a page it does not have."""
    if not ranges:
        return list(range(1, count + 1))
    numbers: list[int] = []
    for first, last in ranges:
        end = count if last is None else last
        if max(first, end) > count:
            raise ValueError(f"--pages asks for page {max(first, end)} but the PDF has {count} "
                             f"page{'s' if count != 1 else ''}")
        numbers += [n for n in range(first, end + 1) if n not in numbers]
    return numbers


class PdfDocument:
    """An open PDF (use as a context manager): its page count and its pages drawn at the training staff space."""

    def __init__(self, path: Path):
        import pypdfium2 as pdfium

        self.path = Path(path)
        if not self.path.is_file():
            raise ValueError(f"{self.path}: file not found")
        if self.path.stat().st_size == 0:
            raise ValueError(f"{self.path}: empty file, expected a PDF")
        try:
            self._document = pdfium.PdfDocument(str(self.path))
        except pdfium.PdfiumError as error:
            if getattr(error, "err_code", None) == pdfium.raw.FPDF_ERR_PASSWORD:
                raise ValueError(f"{self.path}: encrypted PDF (it needs a password); decrypt it first") from error
            raise ValueError(f"{self.path}: not a readable PDF ({error})") from error

    def __len__(self) -> int:
        return len(self._document)

    def __enter__(self) -> "PdfDocument":
        return self

    def __exit__(self, *exc) -> None:
        self._document.close()

    def pages(self, numbers: Sequence[int], staff_space: float, max_pixels: int) -> Iterator[PdfPage]:
        """The pages drawn one at a time (a long score is never held whole), in the order given."""
        for number in numbers:
            yield self.page(number, staff_space, max_pixels)

    def page(self, number: int, staff_space: float, max_pixels: int) -> PdfPage:
        """Page `number` (1-based) with its staff space near `staff_space` px (capped at max_pixels)."""
        import pypdfium2 as pdfium

        try:
            page = self._document[number - 1]
            try:
                first = _draw(page, _capped_dpi(page, FIRST_DPI, max_pixels))
                dpi = drawing_dpi(first, staff_space)
                if dpi is None:
                    return PdfPage(number, first, FIRST_DPI)  # no staff lines: the page search will say so
                dpi = _capped_dpi(page, dpi, max_pixels)
                return PdfPage(number, _draw(page, dpi), dpi)
            finally:
                page.close()
        except pdfium.PdfiumError as error:
            raise ValueError(f"{self.path}: page {number}: not readable ({error})") from error


def drawing_dpi(first: np.ndarray, staff_space: float) -> float | None:
    """The resolution at which a page drawn at FIRST_DPI has the wanted staff space (None: no staff lines found)."""
    try:
        found = estimate_staff_space(first)
    except ValueError:
        return None
    return min(FIRST_DPI * staff_space / found, MAX_DPI)


def _capped_dpi(page, dpi: float, max_pixels: int) -> float:
    width, height = page.get_size()  # points
    pixels = width * height * (dpi / POINTS_PER_INCH) ** 2
    # 1% under the limit: PDFium rounds the bitmap's sides up
    return dpi if pixels <= max_pixels else 0.99 * dpi * (max_pixels / pixels) ** 0.5


def _draw(page, dpi: float) -> np.ndarray:
    bitmap = page.render(scale=dpi / POINTS_PER_INCH, grayscale=True, fill_color=(255, 255, 255, 255))
    try:
        image = np.array(bitmap.to_pil().convert("L"), dtype=np.uint8)
    finally:
        bitmap.close()
    return image
