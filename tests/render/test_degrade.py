"""The scan damage (omr.render.degrade): each effect changes the image its own way, strength 0 changes nothing, the
geometry says where the pixels went, and a seed gives the same bytes."""

from dataclasses import replace

import numpy as np
import pytest

from omr.config import ConfigError, build_config
from omr.render.degrade import (Affine, ScanPreset, blur, degrade, draw_damage, ink_shift, ink_weight, jpeg, noise,
                                rotate, rotation, uneven_light)


def staff_like(width: int = 240, height: int = 96) -> np.ndarray:
    """White paper, five 2 px grey lines 8 px apart, a few black blobs and stems: a tiny engraving."""
    image = np.full((height, width), 255, dtype=np.uint8)
    for y in range(32, 72, 8):
        image[y - 1:y + 1, 10:width - 10] = 182
    for x in range(40, width - 30, 37):
        image[50:57, x:x + 9] = 0
        image[26:54, x + 8:x + 9] = 40
    return image


def centroid(image: np.ndarray) -> tuple[float, float]:
    """The darkness-weighted centre of the image's ink, in continuous pixel coordinates."""
    weight = 255.0 - image.astype(np.float64)
    ys, xs = np.mgrid[0:image.shape[0], 0:image.shape[1]] + 0.5
    return float((weight * xs).sum() / weight.sum()), float((weight * ys).sum() / weight.sum())


def test_every_effect_at_strength_zero_returns_the_image_unchanged():
    image, rng = staff_like(), np.random.default_rng(0)
    for same in (rotate(image, 0.0), blur(image, 0.0), noise(image, 0.0, 0.0, rng), uneven_light(image, 0.0, rng),
                 jpeg(image, None), ink_weight(image, 0.0)):
        assert np.array_equal(same, image)
    degraded = degrade(image, np.random.default_rng(3), ScanPreset.off())
    assert np.array_equal(degraded.image, image)
    assert degraded.geometry == Affine.identity((240, 96)) and degraded.damage.jpeg_quality is None


def test_rotation_moves_a_known_ink_point_where_the_geometry_says():
    image = np.full((128, 300), 255, dtype=np.uint8)
    image[60:62, 200:202] = 0  # a 2x2 dot centred on (201, 61)
    for angle in (2.0, -1.3):
        turned = rotate(image, angle)
        expected = rotation((300, 128), angle).points([[201.0, 61.0]])[0]
        assert centroid(turned) == pytest.approx(tuple(expected), abs=0.05)
    # Counter-clockwise as seen: a point right of the centre rises; the canvas grows to hold every corner.
    turn = rotation((300, 128), 2.0)
    rise = turn.points([[150.0, 64.0]])[0][1] - turn.points([[201.0, 64.0]])[0][1]
    assert rise == pytest.approx(51 * np.sin(np.radians(2.0)))
    assert rotation((300, 128), 2.0).size == (305, 139) and rotate(image, 2.0).shape == (139, 305)


def test_rotation_keeps_ink_in_the_corners():
    image = np.full((64, 200), 255, dtype=np.uint8)
    image[:3, :3] = image[-3:, -3:] = 0
    turned = rotate(image, 2.0)
    # Bicubic resampling spreads each 3x3 corner but keeps its ink (the canvas grew around it).
    assert (255 - turned.astype(int)).sum() == pytest.approx((255 - image.astype(int)).sum(), rel=0.05)


def test_blur_lowers_edge_contrast_the_more_the_larger_sigma():
    image = staff_like()
    steepest = [int(np.abs(np.diff(blur(image, s).astype(int), axis=1)).max()) for s in (0.0, 0.5, 1.2)]
    assert steepest[0] == 255 and steepest[0] > steepest[1] > steepest[2]
    assert blur(image, 1.2)[53, 44] < 40  # the middle of a 9x7 blob stays black


def test_jpeg_error_grows_as_quality_falls():
    image = staff_like()
    error = {q: float(np.abs(jpeg(image, q).astype(int) - image).mean()) for q in (90, 70, 30)}
    assert 0 < error[90] < error[70] < error[30]
    assert jpeg(image, 30).shape == image.shape


def test_ink_weight_puts_one_pixel_on_or_off_a_stroke_and_says_where_it_moved():
    image = np.full((20, 30), 255, dtype=np.uint8)
    image[9:11, 5:25] = 0  # a 2 px line, centre y = 10
    bolder, thinner = ink_weight(image, 1.0), ink_weight(image, -1.0)
    assert (bolder[:, 15] == 0).sum() == 3 and (thinner[:, 15] == 0).sum() == 1
    for weighted, pixels in ((bolder, 1.0), (thinner, -1.0)):
        moved = ink_shift((30, 20), pixels).points([[15.0, 10.0]])[0]
        assert centroid(weighted[:, 10:20])[1] == pytest.approx(moved[1], abs=0.01)
    assert ink_weight(image, 0.5)[8, 15] == 128  # half a pixel: the new row half dark


def test_uneven_light_darkens_paper_smoothly_by_at_most_its_depth():
    paper = np.full((128, 400), 255, dtype=np.uint8)
    lit = uneven_light(paper, 0.2, np.random.default_rng(1))
    assert lit.min() == round(255 * 0.8) and lit.max() >= 250
    assert np.abs(np.diff(lit.astype(int), axis=1)).max() <= 1  # no edge a reader could take for ink


def test_noise_has_its_sigma_and_its_share_of_specks():
    grey = np.full((200, 200), 128, dtype=np.uint8)
    grainy = noise(grey, 6.0, 0.0, np.random.default_rng(2)).astype(float)
    assert grainy.std() == pytest.approx(6.0, rel=0.05)
    specked = noise(grey, 0.0, 0.01, np.random.default_rng(2))
    assert ((specked == 0) | (specked == 255)).mean() == pytest.approx(0.01, rel=0.15)


def test_same_seed_gives_identical_bytes_and_another_seed_other_damage():
    image = staff_like()
    first, again = (degrade(image, np.random.default_rng([7, 1])) for _ in range(2))
    other = degrade(image, np.random.default_rng([7, 2]))
    assert first.image.tobytes() == again.image.tobytes() and first.damage == again.damage
    assert first.damage != other.damage


def test_a_knob_turned_off_leaves_the_other_draws_as_they_were():
    on = draw_damage(ScanPreset(), np.random.default_rng(5))
    off = draw_damage(replace(ScanPreset(), blur=(0.0, 0.0), jpeg_probability=0.0), np.random.default_rng(5))
    assert off.blur == 0 and off.jpeg_quality is None
    assert (off.angle, off.noise, off.light, off.ink) == (on.angle, on.noise, on.light, on.ink)
    assert 30 <= on.jpeg_quality <= 70 and 0.4 <= on.blur <= 0.9 and abs(on.angle) <= 2.0


def test_blur_follows_the_staff_space():
    small, large = (draw_damage(ScanPreset(), np.random.default_rng(4), space) for space in (8.0, 16.0))
    assert large.blur == pytest.approx(2 * small.blur)


@pytest.mark.parametrize("params, field", [({"rotation": 9}, "rotation"), ({"blur": [1.0, 0.5]}, "blur"),
                                           ({"ink": [-2, 1]}, "ink"), ({"jpeg_quality": [0, 50]}, "jpeg_quality"),
                                           ({"light": [0.1, 0.9]}, "light")])
def test_bad_preset_values_name_the_field(params, field):
    with pytest.raises(ConfigError, match=f"preset.*{field}"):
        build_config(ScanPreset, params, "engraved_real_scanned.preset")
