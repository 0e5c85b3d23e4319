"""The page before any staff is known: the image read from its file, its ink told from the paper, and the page
turned straight by its staff lines' angle (classic projection-profile deskew). numpy/Pillow only.

The first step of omr.transcribe: the staves are found on the straightened page next (omr.transcribe.staves).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from omr.decode.geometry import INK_RELATIVE, ink_mask

# Refused before decoding: 40 megapixels hold an A4 page scanned at 600 dpi (35 MP); a larger image would take
# minutes and gigabytes (a 20000 x 20000 image is 400 MP of pixels, 1.6 GB as float32).
MAX_PIXELS = 40_000_000


class NoStaffFound(ValueError):
    """The image holds no five-line staff we can read."""


def read_image(path: Path, max_pixels: int = MAX_PIXELS) -> np.ndarray:
    """A PNG/JPEG as HxW uint8 grey (transparency over white, camera rotation applied); ValueError naming the file
    for a missing, empty, unreadable, truncated or oversized one (the size is checked before the pixels are read)."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: image not found")
    if path.stat().st_size == 0:
        raise ValueError(f"{path}: empty file, expected a PNG or JPEG image")
    try:
        with warnings.catch_warnings():
            # Pillow warns (on stderr) of images over its own limit and refuses those over twice it: both refused here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as opened:  # reads the header only: the size is known before any pixel is decoded
                width, height = opened.size
                if width * height > max_pixels:
                    raise ValueError(f"{path}: {width} x {height} px is over the limit of {max_pixels / 1e6:g} "
                                     "megapixels")
                image = ImageOps.exif_transpose(opened)
                image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise ValueError(f"{path}: over the limit of {max_pixels / 1e6:g} megapixels ({error})") from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ValueError(f"{path}: not a readable image, expected PNG or JPEG ({error})") from error
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, image.convert("RGBA"))
    return np.asarray(image.convert("L"), dtype=np.uint8)


def straightened_page(image: np.ndarray, max_angle: float = 5.0) -> tuple[np.ndarray, np.ndarray, float]:
    """(grey page turned back by its staff lines' angle, its ink mask, that angle) of a page of any staves."""
    gray = _grayscale(image)
    threshold = page_ink_threshold(gray)  # turning the page adds white paper only: the threshold stays
    gray, angle = _turned_back(gray, skew_angle(gray < threshold, max_angle))
    return gray, gray < threshold, angle


def straightened_staff(image: np.ndarray, max_angle: float = 5.0) -> tuple[np.ndarray, np.ndarray, float]:
    """`straightened_page` for an image of one staff: the angle from all ink relative to the paper, ink by Otsu."""
    gray, angle = _deskewed(_grayscale(image), max_angle)
    return gray, gray < ink_threshold(gray), angle


def _grayscale(image: np.ndarray) -> np.ndarray:
    gray = np.asarray(image, dtype=np.uint8)
    if gray.ndim != 2 or min(gray.shape) < 8:
        raise NoStaffFound(f"image of shape {gray.shape} is too small to hold a staff")
    return gray


def _deskewed(gray: np.ndarray, max_angle: float) -> tuple[np.ndarray, float]:
    """The image turned back by its staff lines' angle, and that angle (0 where turning would move no pixel)."""
    # The angle from all ink relative to the paper: with thin grey (engraved) staff lines Otsu's ink is noteheads
    # and stems alone, whose row profile has no sharp lines to align.
    return _turned_back(gray, skew_angle((gray < ink_threshold(gray)) | ink_mask(gray), max_angle))


def _turned_back(gray: np.ndarray, angle: float) -> tuple[np.ndarray, float]:
    # Turn back only where it moves the image's ends by half a pixel or more: resampling blurs thin lines.
    if abs(np.tan(np.radians(angle))) * gray.shape[1] / 2 >= 0.5:
        return rotate(gray, -angle), angle
    return gray, 0.0


def ink_threshold(gray: np.ndarray) -> float:
    """Otsu's threshold between paper and ink (photos have grey paper), capped so light grey never counts as ink."""
    return _otsu(np.bincount(gray.ravel(), minlength=256).astype(np.float64))


def _otsu(histogram: np.ndarray) -> float:
    total = histogram.sum()
    levels = np.arange(256)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mean[-1] * weight / total - mean) ** 2 / (weight * (total - weight))
    between = np.nan_to_num(between)
    if between.max() <= 0:
        return 128.0
    return float(min(np.argmax(between) + 1, 200))


def page_ink_threshold(gray: np.ndarray) -> float:
    """Grey levels below this are ink on a page: Otsu's dark ink or, lighter, anything darker than the paper by a
    fifth of the contrast (omr.decode.geometry.ink_mask's rule, from a histogram: a page has millions of pixels)."""
    histogram = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    cumulative = np.cumsum(histogram)
    paper = float(np.searchsorted(cumulative, 0.5 * cumulative[-1]))
    dark = float(np.searchsorted(cumulative, 0.005 * cumulative[-1]))
    relative = paper - INK_RELATIVE * (paper - dark) if paper > dark else 0.0
    return max(_otsu(histogram), relative)


def whiten_paper(gray: np.ndarray) -> np.ndarray:
    """Stretch grey levels so the paper (the median pixel) becomes white and the darkest ink black, as in training."""
    paper = float(np.percentile(gray, 50))
    ink = float(np.percentile(gray, 0.5))
    if paper >= 250 or paper - ink < 32:  # already white paper, or no contrast worth stretching
        return gray
    stretched = (gray.astype(np.float32) - ink) * (255.0 / (paper - ink))
    return np.clip(np.round(stretched), 0, 255).astype(np.uint8)


def skew_angle(ink: np.ndarray, max_angle: float, step: float = 0.1) -> float:
    """The lines' angle (degrees, counter-clockwise, |angle| <= max_angle): sheared back by it, the ink's row
    profile is sharpest, because long lines then fall into few rows (classic projection-profile deskew)."""
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return 0.0
    if ys.size > 200_000:  # a fixed subsample keeps big photos fast and the result deterministic
        keep = np.linspace(0, ys.size - 1, 200_000).astype(np.int64)
        ys, xs = ys[keep], xs[keep]
    xs = xs - xs.mean()

    def sharpness(angle: float) -> float:
        # A line at `angle` counter-clockwise rises to the right: y + x * tan(angle) stays constant along it.
        rows = np.round(ys + xs * np.tan(np.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min())
        return float((counts.astype(np.float64) ** 2).sum())

    best = _sharpest(np.arange(-max_angle, max_angle + 1e-9, 0.5), sharpness)
    fine = np.arange(best - 0.5, best + 0.5 + 1e-9, step)
    best = _sharpest(fine[np.abs(fine) <= max_angle + 1e-9], sharpness)
    return 0.0 if abs(best) < step / 2 else round(best, 2)


def _sharpest(angles: np.ndarray, sharpness) -> float:
    """The angle of highest sharpness; among ties (tiny angles move no pixel to another row) the smallest one."""
    scores = np.array([sharpness(a) for a in angles])
    tied = angles[scores >= scores.max() * (1 - 1e-9)]
    return float(tied[np.argmin(np.abs(tied))])


def rotate(gray: np.ndarray, angle: float) -> np.ndarray:
    """The image turned counter-clockwise by `angle` degrees about its centre (grown to fit), filled with white."""
    turned = Image.fromarray(gray).rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    return np.asarray(turned, dtype=np.uint8)
