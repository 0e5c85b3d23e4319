"""Hand-made staves read through the notation assembler (omr.decode.notation), by boxes and by a class map."""

import numpy as np

from omr.decode import notes_from_boxes, notes_from_mask
from omr.evaluate.metrics import event_token
from omr.samples import NOTATION_MASK_CLASSES, Box

# Lines at y = 20, 28, 36, 44, 52: staff space 8; treble bottom line E4, bass bottom line G2.
STAFF = Box("staff", (0.0, 20.0, 400.0, 52.0))


def head(x, y, label="notehead_filled"):
    return Box(label, (x - 5.0, y - 4.0, x + 5.0, y + 4.0))


def tokens(boxes):
    return [event_token(event) for event in notes_from_boxes([STAFF, *boxes], score_threshold=0.5).events]


def test_two_beam_boxes_over_both_stems_make_a_pair_of_16ths():
    # Stems up at the heads' right edges (x 105 and 135); two levels of beam span them both.
    beams = [Box("beam", (104.0, 6.0, 136.0, 10.0)), Box("beam", (104.0, 12.0, 136.0, 16.0))]
    assert tokens([head(100, 44), head(130, 40), *beams]) == [("note", "G", 4, 0, "16th", 0),
                                                               ("note", "A", 4, 0, "16th", 0)]


def test_a_dot_right_of_a_quarter_head_dots_it():
    assert tokens([head(100, 40), Box("augmentation_dot", (109.0, 38.0, 112.0, 41.0))]) == [
        ("note", "A", 4, 0, "quarter", 1)]


def test_a_flag_below_a_head_at_its_left_edge_makes_a_stem_down_eighth():
    assert tokens([head(100, 24), Box("flag", (95.0, 40.0, 104.0, 58.0))]) == [("note", "E", 5, 0, "eighth", 0)]


def test_a_half_rest_box_is_a_half_rest_between_the_notes():
    boxes = [head(60, 44), Box("rest_half", (95.0, 32.0, 105.0, 36.0)), head(140, 40)]
    assert tokens(boxes) == [("note", "G", 4, 0, "quarter", 0), ("rest", "half", 0), ("note", "A", 4, 0, "quarter", 0)]


def test_key_flat_holds_until_a_natural_which_holds_until_the_barline():
    boxes = [Box("clef", (5.0, 10.0, 20.0, 60.0)), Box("flat", (25.0, 28.0, 31.0, 38.0)),  # key: Bb (middle line)
             head(80, 36), Box("natural", (103.0, 30.0, 108.0, 42.0)), head(115, 36), head(140, 36),
             Box("barline", (159.0, 20.0, 161.0, 52.0)), head(180, 36)]
    decoded = notes_from_boxes([STAFF, *boxes], score_threshold=0.5)
    assert decoded.header.key_fifths == -1
    assert [(n.name, n.alter, n.accidental) for n in decoded.notes] == [
        ("B4", -1, None), ("B4", 0, "natural"), ("B4", 0, None), ("B4", -1, None)]


def test_a_bass_clef_box_reads_the_bottom_line_as_g2():
    boxes = [Box("clef_bass", (5.0, 20.0, 25.0, 42.0)), head(80, 52), head(120, 36, "notehead_whole")]
    decoded = notes_from_boxes([STAFF, *boxes], score_threshold=0.5)
    assert decoded.header.clef == "bass"
    assert [(n.name, n.duration) for n in decoded.notes] == [("G2", "quarter"), ("D3", "whole")]


def test_time_signatures_slurs_articulations_and_dynamics_make_no_events():
    boxes = [Box("time_signature", (30.0, 20.0, 40.0, 52.0)), head(80, 44), head(120, 40),
             Box("slur", (80.0, 10.0, 120.0, 18.0)), Box("articulation", (78.0, 54.0, 82.0, 58.0)),
             Box("dynamics", (70.0, 64.0, 90.0, 72.0))]
    assert tokens(boxes) == [("note", "G", 4, 0, "quarter", 0), ("note", "A", 4, 0, "quarter", 0)]


def test_a_tie_carries_an_accidental_across_the_barline():
    boxes = [head(80, 48), Box("sharp", (68.0, 40.0, 74.0, 56.0)), Box("barline", (99.0, 20.0, 101.0, 52.0)),
             head(120, 48), Box("tie", (84.0, 52.0, 116.0, 58.0))]
    decoded = notes_from_boxes([STAFF, *boxes], score_threshold=0.5)
    assert [(n.spelled, n.tie) for n in decoded.notes] == [("F#4", "start"), ("F#4", "stop")]


def paint(class_map, name, x0, y0, x1, y1):
    class_map[y0:y1, x0:x1] = NOTATION_MASK_CLASSES.index(name)


def test_mask_counts_beams_along_stems_and_reads_a_dotted_eighth_rest():
    class_map = np.zeros((80, 220), np.uint8)
    for y in (20, 28, 36, 44, 52):
        paint(class_map, "staff_line", 0, y, 220, y + 1)
    for x, y in ((60, 44), (90, 40)):  # two filled heads, stems up at their right edges
        paint(class_map, "stem", x + 4, 6, x + 5, y)
        rows, cols = np.ogrid[:80, :220]
        class_map[((cols - x) / 5) ** 2 + ((rows - y) / 4) ** 2 <= 1] = NOTATION_MASK_CLASSES.index("notehead_filled")
    paint(class_map, "beam", 64, 6, 95, 10)
    paint(class_map, "beam", 64, 12, 95, 16)
    paint(class_map, "rest_eighth", 140, 30, 148, 44)
    paint(class_map, "augmentation_dot", 152, 31, 155, 34)
    decoded = notes_from_mask(class_map, NOTATION_MASK_CLASSES)
    assert [event_token(e) for e in decoded.events] == [("note", "G", 4, 0, "16th", 0), ("note", "A", 4, 0, "16th", 0),
                                                        ("rest", "eighth", 1)]


def test_duplicated_beam_segments_meeting_at_a_stem_never_count_below_no_beam():
    # A model's output: three copies of a segment ending at the middle stem and three going on from it (Verovio's
    # one polygon per pair of stems). Counted per pair these made -3 levels (a crash on a v03_aug U-Net's output).
    left, right = (104.0, 10.0, 135.0, 14.0), (135.0, 10.0, 166.0, 14.0)
    beams = [Box("beam", left)] * 3 + [Box("beam", right)] * 3
    found = tokens([head(100, 44), head(130, 44), head(160, 44), *beams])
    assert len(found) == 3 and all(token[4] in {"eighth", "16th", "32nd"} for token in found)
