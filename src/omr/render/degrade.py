"""Seeded damage that makes a clean engraving look like a phone photo or a photocopy of it. numpy/Pillow only.

Each effect is a pure function of the image (HxW uint8, 255 = paper), its strength and, where it draws, a
`numpy.random.Generator`; strength 0 returns the image unchanged. `degrade` composes them in the order a copy is
made (print, then camera: ink weight, tilt, light, optics blur, sensor noise, JPEG), every strength drawn per image
from a `ScanPreset`, and returns the geometry that moved the pixels (`Affine`) so labels can follow them.

Used by the `engraved_real_scanned` test set (omr.engrave.scanned) and meant for training augmentation (omr.data):
both sit above omr.render in the package map.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageFilter

PAPER = 255
REFERENCE_STAFF_SPACE = 8.0  # the preset's pixel sizes (blur) are meant at this staff space
# The page reader deskews staves up to 5 degrees (omr.transcribe.locate's max_angle) and refuses paper lit so unevenly
# that no single ink threshold holds (docs/transcribe.md); the preset stays well inside both.
MAX_ROTATION = 5.0
MAX_LIGHT = 0.5


@dataclass(frozen=True)
class Affine:
    """A map of continuous pixel coordinates (pixel (i, j) covers [j, j+1) x [i, i+1)) from an input image to an
    output image of `size` (width, height): (x, y) -> matrix @ (x, y, 1)."""

    matrix: tuple[tuple[float, float, float], tuple[float, float, float]]
    size: tuple[int, int]

    @classmethod
    def identity(cls, size: tuple[int, int]) -> "Affine":
        return cls(((1.0, 0.0, 0.0), (0.0, 1.0, 0.0)), size)

    def points(self, xy: np.ndarray) -> np.ndarray:
        """Nx2 points (x, y) moved to the output image."""
        xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
        matrix = np.asarray(self.matrix)
        return xy @ matrix[:, :2].T + matrix[:, 2]

    def then(self, after: "Affine") -> "Affine":
        """This map followed by `after` (whose output size the result takes)."""
        first, second = np.vstack([self.matrix, (0, 0, 1)]), np.vstack([after.matrix, (0, 0, 1)])
        product = second @ first
        return Affine(tuple(tuple(float(v) for v in row) for row in product[:2]), after.size)


def rotation(size: tuple[int, int], angle: float) -> Affine:
    """The turn by `angle` degrees counter-clockwise (as seen; y points down) about the image centre, onto a canvas
    grown to hold every corner (as Pillow's rotate(expand=True)), so no ink leaves the image."""
    width, height = size
    if angle == 0:
        return Affine.identity(size)
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    # Counter-clockwise on screen: a point right of the centre moves up (y decreases).
    out_w = math.ceil(round(abs(width * cos) + abs(height * sin), 6))
    out_h = math.ceil(round(abs(width * sin) + abs(height * cos), 6))
    cx, cy, ox, oy = width / 2, height / 2, out_w / 2, out_h / 2
    return Affine(((cos, sin, ox - cos * cx - sin * cy), (-sin, cos, oy + sin * cx - cos * cy)), (out_w, out_h))


def rotate(image: np.ndarray, angle: float) -> np.ndarray:
    """The image turned as `rotation` says (bicubic, white where the canvas grew)."""
    image = np.asarray(image, dtype=np.uint8)
    if angle == 0:
        return image.copy()
    turn = rotation((image.shape[1], image.shape[0]), angle)
    # Pillow's AFFINE data maps each output point to its input point (continuous coordinates): the inverse.
    inverse = np.linalg.inv(np.vstack([turn.matrix, (0, 0, 1)]))[:2].ravel()
    turned = Image.fromarray(image).transform(turn.size, Image.Transform.AFFINE, tuple(float(v) for v in inverse),
                                              resample=Image.Resampling.BICUBIC, fillcolor=PAPER)
    return np.asarray(turned, dtype=np.uint8)


def ink_weight(image: np.ndarray, pixels: float) -> np.ndarray:
    """Strokes bolder by `pixels` (up to 1: a dark print or copy) or thinner (down to -1: a faint one); 0: unchanged.

    A 2x2 grey-level min (max) window puts exactly one pixel onto (takes one off) every stroke, where a 3x3 one
    would take two and wipe out an engraver's 1-2 px staff lines; a fraction blends it with the image, a sub-pixel
    weight on anti-aliased strokes. The window's anchor is its top-left pixel, so the ink's centre moves up and
    left by half of `pixels`' size: `ink_shift` is that move, for labels."""
    image = np.asarray(image, dtype=np.uint8)
    if not -1.0 <= pixels <= 1.0:
        raise ValueError(f"ink_weight: pixels must be in [-1, 1], got {pixels}")
    if pixels == 0:
        return image.copy()
    padded = np.pad(image, ((0, 1), (0, 1)), constant_values=PAPER)
    window = (padded[:-1, :-1], padded[1:, :-1], padded[:-1, 1:], padded[1:, 1:])
    moved = (np.minimum.reduce(window) if pixels > 0 else np.maximum.reduce(window)).astype(np.float64)
    return np.rint(image + abs(pixels) * (moved - image)).astype(np.uint8)


def ink_shift(size: tuple[int, int], pixels: float) -> Affine:
    """Where `ink_weight` moves the ink's centre: half of |pixels| up and left."""
    if pixels == 0:
        return Affine.identity(size)
    return Affine(((1.0, 0.0, -abs(pixels) / 2), (0.0, 1.0, -abs(pixels) / 2)), size)


def uneven_light(image: np.ndarray, depth: float, rng: np.random.Generator) -> np.ndarray:
    """Light falling off across the page: a linear gradient in a drawn direction blended with a vignette around a
    drawn centre; the darkest point keeps 1 - `depth` of its brightness (ink darkens in proportion, as under a lamp)."""
    image = np.asarray(image, dtype=np.uint8)
    direction, centre_x, centre_y, mix = rng.uniform(0, 2 * math.pi), rng.random(), rng.random(), rng.random()
    if depth <= 0:
        return image.copy()
    height, width = image.shape
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64) + 0.5
    gradient = (xs - width / 2) * math.cos(direction) + (ys - height / 2) * math.sin(direction)
    gradient = (gradient - gradient.min()) / max(float(np.ptp(gradient)), 1e-9)
    vignette = ((xs - centre_x * width) / width) ** 2 + ((ys - centre_y * height) / height) ** 2
    shade = mix * gradient + (1 - mix) * vignette / max(float(vignette.max()), 1e-9)
    field = 1.0 - depth * shade / max(float(shade.max()), 1e-9)
    return np.clip(np.rint(image * field), 0, 255).astype(np.uint8)


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    """An out-of-focus lens: Gaussian blur of standard deviation `sigma` pixels (Pillow's)."""
    image = np.asarray(image, dtype=np.uint8)
    if sigma <= 0:
        return image.copy()
    return np.asarray(Image.fromarray(image).filter(ImageFilter.GaussianBlur(sigma)), dtype=np.uint8)


def noise(image: np.ndarray, sigma: float, salt_pepper: float, rng: np.random.Generator) -> np.ndarray:
    """A sensor's grain: Gaussian noise of `sigma` grey levels, then a `salt_pepper` share of pixels set to black
    or white (dust, toner specks)."""
    image = np.asarray(image, dtype=np.uint8)
    grain = rng.standard_normal(image.shape)
    specks, dark = rng.random(image.shape), rng.random(image.shape) < 0.5
    out = np.clip(np.rint(image + sigma * grain), 0, 255) if sigma > 0 else image.astype(np.float64)
    out = np.where(specks < salt_pepper, np.where(dark, 0, PAPER), out)
    return out.astype(np.uint8)


def jpeg(image: np.ndarray, quality: int | None) -> np.ndarray:
    """The image saved as a JPEG of `quality` (1-95) and read back; None: unchanged."""
    image = np.asarray(image, dtype=np.uint8)
    if quality is None:
        return image.copy()
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="JPEG", quality=int(quality))
    with Image.open(io.BytesIO(buffer.getvalue())) as decoded:
        return np.asarray(decoded.convert("L"), dtype=np.uint8)


Range = tuple[float, float]


@dataclass(frozen=True)
class ScanPreset:
    """How hard `degrade` may damage an image: each strength is drawn uniformly from its [low, high] range per
    image; a range of zeros (a probability of 0) turns that effect off, so an all-zero preset is the identity
    (`ScanPreset.off()`)."""

    rotation: float = 2.0  # the tilt is drawn in [-rotation, rotation] degrees
    # Gaussian sigma, pixels at staff space 8 (scaled with the staff space). Above ~0.9 Verovio's ~1 px grey staff
    # lines fade past what omr.transcribe.locate finds (a sigma of 1.1 alone lost a staff): 20 windows x 3 draws kept
    # their whole staff 56 times with this preset, 33 with blur 0.5-1.2, light 0.05-0.25 and thinning to 0.4 px.
    blur: Range = (0.4, 0.9)
    noise: Range = (2.0, 8.0)  # Gaussian sigma, grey levels
    salt_pepper: Range = (0.0, 0.0005)  # share of pixels set to black or white (specks: dust, toner)
    light: Range = (0.03, 0.15)  # brightness lost at the darkest point (more: one ink threshold no longer holds)
    jpeg_probability: float = 1.0
    jpeg_quality: tuple[int, int] = (30, 70)
    # Strokes bolder (> 0) or thinner (< 0) by this many pixels. Thinning stops at 0.25 px: a whole pixel off leaves
    # Verovio's ~1 px anti-aliased stems and barlines a faint grey at staff space 8, which blur then erases.
    ink: Range = (-0.25, 1.0)

    def __post_init__(self) -> None:
        if not 0.0 <= self.rotation <= MAX_ROTATION:
            raise ValueError(f"rotation must be in [0, {MAX_ROTATION}] degrees (the reader deskews no more), "
                             f"got {self.rotation}")
        for name, bottom, top in (("blur", 0.0, 4.0), ("noise", 0.0, 64.0), ("salt_pepper", 0.0, 0.05),
                                  ("light", 0.0, MAX_LIGHT), ("ink", -1.0, 1.0)):
            low, high = getattr(self, name)
            if not bottom <= low <= high <= top:
                raise ValueError(f"{name} must be [low, high] with {bottom:g} <= low <= high <= {top:g}, "
                                 f"got {[low, high]}")
        low, high = self.jpeg_quality
        if not 1 <= low <= high <= 95:
            raise ValueError(f"jpeg_quality must be [low, high] with 1 <= low <= high <= 95, got {[low, high]}")
        if not 0.0 <= self.jpeg_probability <= 1.0:
            raise ValueError(f"jpeg_probability must be in [0, 1], got {self.jpeg_probability}")

    @classmethod
    def off(cls) -> "ScanPreset":
        """Every strength 0: `degrade` returns the image as it was."""
        return cls(rotation=0.0, blur=(0.0, 0.0), noise=(0.0, 0.0), salt_pepper=(0.0, 0.0), light=(0.0, 0.0),
                   jpeg_probability=0.0, ink=(0.0, 0.0))


@dataclass(frozen=True)
class Damage:
    """The strengths drawn for one image (what `degrade` did to it)."""

    angle: float = 0.0
    blur: float = 0.0
    noise: float = 0.0
    salt_pepper: float = 0.0
    light: float = 0.0
    jpeg_quality: int | None = None
    ink: float = 0.0

    def to_json(self) -> dict:
        return {"angle": round(self.angle, 3), "blur": round(self.blur, 3), "noise": round(self.noise, 3),
                "salt_pepper": round(self.salt_pepper, 5), "light": round(self.light, 3),
                "jpeg_quality": self.jpeg_quality, "ink": round(self.ink, 3)}


@dataclass(frozen=True)
class Degraded:
    """A damaged image, the map from the clean image's pixels to its pixels, and what was drawn."""

    image: np.ndarray
    geometry: Affine
    damage: Damage


def draw_damage(preset: ScanPreset, rng: np.random.Generator, staff_space: float = REFERENCE_STAFF_SPACE) -> Damage:
    """One image's strengths. Every draw is made whatever the preset, in a fixed order, so a knob changed (or set
    to 0) never changes what the others draw for the same generator."""
    angle, blur_sigma, grain, specks, light = rng.random(5)
    jpeg_draw, quality, ink = rng.random(3)

    def within(bounds: Range, unit: float) -> float:
        return float(bounds[0] + unit * (bounds[1] - bounds[0]))

    low, high = preset.jpeg_quality
    return Damage(
        angle=float(preset.rotation * (2.0 * angle - 1.0)),
        blur=within(preset.blur, blur_sigma) * staff_space / REFERENCE_STAFF_SPACE,
        noise=within(preset.noise, grain),
        salt_pepper=within(preset.salt_pepper, specks),
        light=within(preset.light, light),
        jpeg_quality=int(low + math.floor(quality * (high - low + 1))) if jpeg_draw < preset.jpeg_probability else None,
        ink=within(preset.ink, ink),
    )


def apply_damage(image: np.ndarray, damage: Damage, rng: np.random.Generator) -> Degraded:
    """`damage` done to the image in the order a copy is made: the print's ink weight, the camera's tilt, the lamp's
    uneven light, the lens's blur, the sensor's noise, the file's JPEG. `rng` feeds the light and the noise."""
    image = np.asarray(image, dtype=np.uint8)
    if image.ndim != 2:
        raise ValueError(f"degrade: expected a HxW grayscale image, got shape {image.shape}")
    size = (image.shape[1], image.shape[0])
    light_rng, noise_rng = rng.spawn(2)
    geometry = ink_shift(size, damage.ink).then(rotation(size, damage.angle))
    out = rotate(ink_weight(image, damage.ink), damage.angle)
    out = uneven_light(out, damage.light, light_rng)
    out = noise(blur(out, damage.blur), damage.noise, damage.salt_pepper, noise_rng)
    return Degraded(jpeg(out, damage.jpeg_quality), geometry, damage)


def degrade(image: np.ndarray, rng: np.random.Generator, preset: ScanPreset = ScanPreset(),
            staff_space: float = REFERENCE_STAFF_SPACE) -> Degraded:
    """The image damaged like a phone scan with strengths drawn from `preset` (blur scaled to `staff_space`)."""
    return apply_damage(image, draw_damage(preset, rng, staff_space), rng)
