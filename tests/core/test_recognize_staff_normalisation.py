"""Staff normalisation in omr.transcribe.recognize: a staff at another size and row reaches the model with the training geometry
(staff space 8, middle line on the centre row of a 128-row canvas), and what the model says maps back to the image."""

import numpy as np

from omr.decode.geometry import find_staff_lines, row_profile
from omr.music.events import SymbolicNote
from omr.decode.outputs import DetectionOutput
from omr.decode.config import RecognizeConfig
from omr.transcribe.recognize import recognize
from omr.render import RenderStyle, render_staff, staff_from_notes
from omr.samples import STAFF_CANVAS_HEIGHT, STAFF_CANVAS_MIDDLE

NOTES = [SymbolicNote("E", 4), SymbolicNote("C", 6), SymbolicNote("A", 3), SymbolicNote("B", 4)]


class TruthBoxesPredictor:
    """Answers every image with the boxes of the staff as rendered at the training geometry, and keeps what it saw."""

    approach = "detection"

    def __init__(self, boxes, staff_normalized=True):
        self.boxes, self.staff_normalized, self.seen = boxes, staff_normalized, []

    def predict_batch(self, images):
        self.seen.extend(images)
        return [DetectionOutput(boxes=self.boxes) for _ in images]


def test_shifted_scaled_staff_is_centred_on_the_canvas_and_notes_map_back():
    staff = staff_from_notes(NOTES)
    canonical = render_staff(staff, RenderStyle())
    big = render_staff(staff, RenderStyle(staff_space=11.0, line_thickness=1.5, height=190))
    pad_top = 37  # move the staff well off the centre row as well
    image = np.full((big.image.shape[0] + pad_top + 9, big.image.shape[1]), 255, dtype=np.uint8)
    image[pad_top : pad_top + big.image.shape[0]] = big.image
    predictor = TruthBoxesPredictor(tuple(b for b in canonical.boxes if b.label in ("staff", "notehead_filled")))

    result = recognize(predictor, image, RecognizeConfig())

    (seen,) = predictor.seen
    assert seen.shape[0] == STAFF_CANVAS_HEIGHT
    lines = find_staff_lines(row_profile(seen))
    assert abs(lines.lines[2] - STAFF_CANVAS_MIDDLE) <= 1.0
    assert abs(lines.staff_space - 8.0) <= 0.25
    assert [(n.step, n.octave) for n in result.notes] == [(n.step, n.octave) for n in big.notes]
    for found, truth in zip(result.notes, big.notes):
        assert abs(found.x - truth.x) <= 2.0 and abs(found.y - (truth.y + pad_top)) <= 2.0
    staff_box = next(b for b in result.output.boxes if b.label == "staff")
    assert abs((staff_box.xyxy[1] + staff_box.xyxy[3]) / 2 - (big.staff_lines[2] + pad_top)) <= 2.0


def test_models_not_trained_on_normalised_staffs_get_the_rescaled_image_unchanged():
    staff = staff_from_notes(NOTES)
    canonical = render_staff(staff, RenderStyle())
    image = np.full((150, canonical.image.shape[1]), 255, dtype=np.uint8)
    image[5:133] = canonical.image
    predictor = TruthBoxesPredictor((), staff_normalized=False)

    recognize(predictor, image, RecognizeConfig())

    assert np.array_equal(predictor.seen[0], image)
