import numpy as np

from omr.decode import notes_from_boxes, notes_from_mask, notes_from_vector
from omr.decode.components import components
from omr.music.events import pitch_index
from omr.samples import MASK_CLASSES, Box

STAFF_BOX = Box("staff", (0.0, 20.0, 100.0, 52.0))  # lines at 20, 28, 36, 44, 52 (bottom line = E4)


def head(label, x, y, score=1.0):
    return Box(label, (x - 5.0, y - 4.0, x + 5.0, y + 4.0), score)


def names(decoded):
    return [n.spelled for n in decoded.notes]


def test_vector_decodes_ascending_white_keys_with_unknown_accidentals_and_durations():
    probabilities = np.zeros(52, dtype=np.float32)
    probabilities[pitch_index("G", 4)] = 0.9
    probabilities[pitch_index("C", 4)] = 0.7
    probabilities[pitch_index("D", 4)] = 0.3
    decoded = notes_from_vector(probabilities, threshold=0.5)
    assert names(decoded) == ["C4", "G4"]
    assert not decoded.knows_accidentals and not decoded.knows_durations


def test_boxes_decode_left_to_right_with_durations():
    boxes = [STAFF_BOX, head("notehead_hollow", 60, 36), head("notehead_filled", 20, 60)]
    decoded = notes_from_boxes(boxes, score_threshold=0.5)
    assert names(decoded) == ["C4", "B4"]
    assert [n.duration for n in decoded.notes] == ["quarter", "half"]
    assert decoded.staff_lines == (20.0, 28.0, 36.0, 44.0, 52.0)


def test_accidental_box_left_of_a_head_sets_its_alter():
    boxes = [
        STAFF_BOX,
        head("notehead_filled", 30, 48),
        Box("sharp", (18.0, 40.0, 24.0, 56.0)),
        head("notehead_filled", 60, 44),
        Box("flat", (48.0, 34.0, 53.0, 46.0)),
        head("notehead_filled", 90, 40),
    ]
    assert names(notes_from_boxes(boxes, score_threshold=0.5)) == ["F#4", "Gb4", "A4"]


def test_low_scoring_boxes_are_dropped_and_duplicate_heads_merged():
    boxes = [
        STAFF_BOX,
        head("notehead_filled", 30, 48, score=0.9),
        head("notehead_hollow", 31, 48, score=0.6),  # same head, weaker class
        head("notehead_filled", 70, 36, score=0.2),
    ]
    decoded = notes_from_boxes(boxes, score_threshold=0.5)
    assert names(decoded) == ["F4"]
    assert decoded.notes[0].duration == "quarter"


def test_boxes_keep_one_head_per_column_but_notes_a_gap_apart():
    # Staff space 8: a weaker head 1 space left of a stronger one (an accidental taken for a head) is dropped; a
    # head 3 spaces away is a note of its own, however weak.
    boxes = [
        STAFF_BOX,
        head("notehead_filled", 40, 48, score=0.3),
        head("notehead_filled", 48, 36, score=0.9),
        head("notehead_filled", 72, 44, score=0.25),
    ]
    decoded = notes_from_boxes(boxes, score_threshold=0.2)
    assert names(decoded) == ["B4", "G4"]
    assert [n.x for n in decoded.notes] == [48.0, 72.0]


def test_boxes_without_staff_use_the_image_row_profile():
    image = np.full((80, 100), 255, np.uint8)
    for y in (20, 28, 36, 44, 52):
        image[y, :] = 0
    decoded = notes_from_boxes([head("notehead_filled", 30, 52)], 0.5, image=image)
    assert names(decoded) == ["E4"]
    assert notes_from_boxes([head("notehead_filled", 30, 52)], 0.5).notes == ()


def mask_with_staff(width=120, height=80):
    class_map = np.zeros((height, width), np.uint8)
    for y in (20, 28, 36, 44, 52):
        class_map[y, :] = MASK_CLASSES.index("staff_line")
    return class_map


def paint_head(class_map, name, x, y, rx=5, ry=4, stem="up"):
    """An elliptic head and, unless stem is None, its 3-space stem (up on the right, down on the left)."""
    rows, cols = np.ogrid[: class_map.shape[0], : class_map.shape[1]]
    if stem == "up":
        class_map[max(0, y - 24) : y, x + rx - 1] = MASK_CLASSES.index("stem")
    elif stem == "down":
        class_map[y : y + 24, x - rx + 1] = MASK_CLASSES.index("stem")
    inside = ((cols - x) / rx) ** 2 + ((rows - y) / ry) ** 2 <= 1.0
    class_map[inside] = MASK_CLASSES.index(name)


def test_mask_decodes_heads_on_the_staff_class():
    class_map = mask_with_staff()
    paint_head(class_map, "notehead_filled", 20, 60)
    paint_head(class_map, "notehead_hollow", 60, 40, stem="down")
    decoded = notes_from_mask(class_map, MASK_CLASSES)
    assert names(decoded) == ["C4", "A4"]
    assert [n.duration for n in decoded.notes] == ["quarter", "half"]


def test_mask_reads_no_note_from_a_head_shaped_blob_without_a_stem():
    # What models trained on our renderer do with glyphs they never saw: a font's clef curl or a time signature's
    # digit comes out as a head-sized notehead blob, with no stem, since quarter and half notes are the only heads.
    class_map = mask_with_staff()
    paint_head(class_map, "notehead_hollow", 20, 48, stem=None)
    paint_head(class_map, "notehead_filled", 60, 40, stem="down")
    paint_head(class_map, "notehead_filled", 95, 48, stem="up")
    class_map[26:46, 99] = MASK_CLASSES.index("flat")  # the stem's first 2 spaces read as another class
    assert names(notes_from_mask(class_map, MASK_CLASSES)) == ["A4", "F4"]


def test_mask_splits_heads_that_touch():
    class_map = mask_with_staff()
    paint_head(class_map, "notehead_filled", 40, 44)
    paint_head(class_map, "notehead_filled", 48, 40)  # overlaps the first one
    assert len(components(class_map >= MASK_CLASSES.index("notehead_filled"))) == 1
    assert names(notes_from_mask(class_map, MASK_CLASSES)) == ["G4", "A4"]


def test_mask_attaches_accidental_to_the_head_on_its_right():
    class_map = mask_with_staff()
    class_map[38:54, 18:22] = MASK_CLASSES.index("sharp")
    paint_head(class_map, "notehead_filled", 30, 48)
    paint_head(class_map, "notehead_filled", 70, 48)
    assert names(notes_from_mask(class_map, MASK_CLASSES)) == ["F#4", "F4"]


def test_mask_ignores_specks_and_needs_a_staff():
    class_map = mask_with_staff()
    class_map[10, 10] = MASK_CLASSES.index("notehead_filled")
    assert notes_from_mask(class_map, MASK_CLASSES).notes == ()
    no_staff = np.zeros((80, 120), np.uint8)
    paint_head(no_staff, "notehead_filled", 30, 48)
    assert notes_from_mask(no_staff, MASK_CLASSES).staff_lines is None


def test_boxes_read_the_staff_lines_from_the_image_when_the_staff_box_is_loose():
    # A detector's staff box is only good to a few pixels (mAP@0.75 << mAP@0.5); pitch needs a quarter space.
    from omr.music.events import SymbolicNote
    from omr.render import render_staff, staff_from_notes

    truth = [SymbolicNote("C", 4), SymbolicNote("G", 4, duration="half"), SymbolicNote("A", 5), SymbolicNote("E", 5)]
    sample = render_staff(staff_from_notes(truth))
    loose = [
        Box(b.label, (b.xyxy[0], b.xyxy[1] - 5, b.xyxy[2], b.xyxy[3] + 2)) if b.label == "staff" else b
        for b in sample.boxes
    ]
    decoded = notes_from_boxes(loose, score_threshold=0.5, image=sample.image)
    assert [n.name for n in decoded.notes] == [n.name for n in truth]
    assert np.allclose(decoded.staff_lines, sample.staff_lines, atol=0.3)
    assert [n.name for n in notes_from_boxes(loose, score_threshold=0.5).notes] != [n.name for n in truth]
