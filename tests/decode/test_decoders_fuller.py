"""The fuller notation (issue 29) through the box and class-map decoders: breves, grace notes, tuplets, measure
rests, clef and key changes inside a staff; hand-made symbols on a staff of lines 20, 28, 36, 44, 52 (space 8)."""

from fractions import Fraction

import numpy as np
import pytest

from omr.decode import notes_from_boxes, notes_from_mask
from omr.decode.changes import clefs_in_staff, key_changes, printed_as_key
from omr.decode.components import components
from omr.decode.tuplets import beam_groups, measure_positions, tuplet_members, tuplet_of_printed
from omr.evaluate.metrics import event_token
from omr.music.events import HeaderChange
from omr.samples import NOTATION_MASK_CLASSES, Box

STAFF = Box("staff", (0.0, 20.0, 600.0, 52.0))
EIGHTH, QUARTER, SIXTEENTH = Fraction(1, 2), Fraction(1), Fraction(1, 4)


def head(x, y, label="notehead_filled", half_width=5.0):
    return Box(label, (x - half_width, y - 4.0, x + half_width, y + 4.0))


def grace(x, y):
    return Box("notehead_grace", (x - 3.0, y - 2.5, x + 3.0, y + 2.5))


def bar(x):
    return Box("barline", (x - 1.0, 20.0, x + 1.0, 52.0))


def decode(boxes):
    return notes_from_boxes([STAFF, *boxes], score_threshold=0.5)


def tokens(boxes):
    return [event_token(event) for event in decode(boxes).events]


# ---- the tuplet-number rule, read backwards ---------------------------------------------------------------------

@pytest.mark.parametrize("lengths, ratio", [
    ([EIGHTH] * 3, (3, 2)),  # a triplet of eighths
    ([QUARTER, EIGHTH], (3, 2)),  # printed lengths summing to three units: a triplet too
    ([EIGHTH] * 2, (2, 3)),  # a duplet (compound meters)
    ([EIGHTH] * 4, (4, 3)),
    ([SIXTEENTH] * 5, (5, 4)),
    ([SIXTEENTH] * 6, (6, 4)),
    ([SIXTEENTH] * 7, (7, 4)),
    ([QUARTER] * 3, (3, 2)),
])
def test_printed_lengths_give_the_tuplet_the_number_stands_for(lengths, ratio):
    assert tuplet_of_printed(lengths) == ratio


@pytest.mark.parametrize("lengths", [
    [EIGHTH],  # one event is no tuplet
    [EIGHTH] * 8,  # no 8 in the rule
    [QUARTER * 3 / 2, QUARTER],  # 2.5 quarters: not a whole count
    [EIGHTH, QUARTER * 3 / 4],  # 2.5 sixteenths
])
def test_lengths_that_no_tuplet_number_closes_are_none(lengths):
    assert tuplet_of_printed(lengths) is None


def test_a_bare_number_takes_the_smallest_group_centred_under_it():
    xs = [100.0, 120.0, 140.0, 160.0, 180.0]  # five eighths; a 3 over the middle three
    assert tuplet_members((137.0, 143.0), xs, [EIGHTH] * 5, 8.0) == ([1, 2, 3], (3, 2))


def test_a_bracketed_number_takes_the_events_inside_its_span():
    xs = [100.0, 120.0, 140.0, 160.0, 180.0, 200.0]  # six 16ths under one bracket: a sextuplet, not two triplets
    assert tuplet_members((95.0, 205.0), xs, [SIXTEENTH] * 6, 8.0) == ([0, 1, 2, 3, 4, 5], (6, 4))


def test_a_number_over_no_group_that_closes_is_dropped():
    assert tuplet_members((117.0, 123.0), [120.0], [QUARTER], 8.0) is None


def test_a_number_over_a_whole_beam_group_takes_it_where_its_middle_three_are_centred_alike():
    xs = [100.0, 120.0, 145.0, 170.0, 190.0]  # five 16ths, the middle one wider set: 1..3 centred as 0..4
    assert tuplet_members((142.0, 148.0), xs, [SIXTEENTH] * 5, 8.0, beamed=[(0, 4)]) == ([0, 1, 2, 3, 4], (5, 4))


def test_a_number_takes_the_group_that_fills_a_beat_from_a_beat():
    # Six evenly set 16ths on beat 2 (a rest breaks their beam): the middle two would be a 2:3 duplet filling a
    # dotted eighth, no beat; the six fill one quarter from the beat.
    xs = [100.0, 120.0, 140.0, 160.0, 180.0, 200.0]
    positions = measure_positions([QUARTER] + [SIXTEENTH] * 6, [None] * 7, [0] * 7)[1:]
    assert tuplet_members((147.0, 153.0), xs, [SIXTEENTH] * 6, 8.0, positions=[p for p in positions]) == (
        [0, 1, 2, 3, 4, 5], (6, 4))


def test_measure_positions_restart_each_measure_and_scale_by_the_tuplets_read():
    positions = measure_positions([EIGHTH] * 4, [(3, 2), (3, 2), (3, 2), None], [0, 0, 0, 0])
    assert positions == [0, Fraction(1, 3), Fraction(2, 3), 1]
    assert measure_positions([QUARTER] * 3, [None] * 3, [0, 1, 1]) == [0, 0, 1]


def test_beam_segments_that_meet_are_one_group_over_the_heads_at_their_ends():
    xs = [100.0, 120.0, 140.0, 170.0, 190.0]
    segments = [(105.0, 125.0), (125.0, 145.0), (175.0, 195.0)]  # Verovio: one polygon per pair of stems
    assert beam_groups(segments, xs, 8.0) == [(0, 2), (3, 4)]


# ---- boxes -------------------------------------------------------------------------------------------------------

def test_a_breve_head_is_a_breve_and_its_dot_dots_it():
    dot = Box("augmentation_dot", (111.0, 38.0, 114.0, 41.0))
    assert tokens([head(100, 40, "notehead_breve", half_width=9.0), dot]) == [("note", "A", 4, 0, "breve", 1)]


def test_a_grace_note_keeps_its_own_flag_and_accidental_and_leaves_the_main_notes():
    # A slashed grace eighth F#4 (small sharp left of it, flag up from its stem) before a stem-down quarter C5 with
    # its own natural, and a stem-up eighth G4 after; no beam, no flag reaches the main note.
    boxes = [Box("sharp", (82.0, 41.0, 87.0, 51.0)), grace(92, 48), Box("flag", (95.0, 31.0, 99.0, 41.0)),
             Box("natural", (103.0, 27.0, 107.0, 37.0)), head(115, 32),
             head(150, 44), Box("flag", (155.0, 20.0, 161.0, 36.0))]
    events = decode(boxes).events
    assert [event_token(e) for e in events] == [
        ("note", "F", 4, 1, "eighth", 0, ("grace", True)), ("note", "C", 5, 0, "quarter", 0),
        ("note", "G", 4, 0, "eighth", 0)]
    assert [e.accidental for e in events] == ["sharp", "natural", None]


def test_a_grace_note_is_never_read_as_a_beamed_note():
    # A beam over the main notes passes above the grace note's stem: it still has no flag, so it is a quarter grace.
    beam = Box("beam", (104.0, 6.0, 146.0, 10.0))
    assert tokens([grace(92, 44), head(100, 40), head(140, 40), beam])[0] == (
        "note", "G", 4, 0, "quarter", 0, ("grace", True))


def test_a_triplet_number_over_three_eighths_makes_them_triplet_eighths():
    flags = [Box("flag", (x + 5.0, 20.0, x + 11.0, 36.0)) for x in (100, 125, 150, 175)]
    heads = [head(x, 44) for x in (100, 125, 150, 175)]
    three = Box("tuplet", (147.0, 4.0, 153.0, 12.0))  # over the second to fourth notes' centre (150)
    found = tokens([*heads, *flags, three])
    assert [token[-1] for token in found] == [0, ("tuplet", (3, 2)), ("tuplet", (3, 2)), ("tuplet", (3, 2))]


def test_a_whole_rest_alone_between_barlines_is_a_measure_rest_but_not_beside_a_note():
    rest = Box("rest_whole", (155.0, 28.0, 165.0, 32.0))
    other = Box("rest_whole", (255.0, 28.0, 265.0, 32.0))
    found = tokens([head(100, 44), bar(130), rest, bar(200), other, head(300, 44)])
    assert found[1] == ("rest", "whole", 0, ("measure", True))
    assert found[2] == ("rest", "whole", 0)


def test_a_clef_change_reads_later_heads_in_the_new_clef():
    boxes = [Box("clef", (5.0, 10.0, 20.0, 60.0)), head(80, 52), bar(110), Box("clef_bass", (120.0, 26.0, 134.0, 42.0)),
             head(160, 52)]
    decoded = decode(boxes)
    assert [n.name for n in decoded.notes] == ["E4", "G2"]
    assert decoded.header.clef == "treble"
    assert [(c.clef, c.key_fifths) for c in decoded.header.changes] == [("bass", None)]


def test_a_key_change_after_a_barline_with_cancelling_naturals_moves_later_alters():
    # Key of two sharps (F5, C5); after the barline two naturals cancel them and one flat (B4) follows.
    boxes = [Box("clef", (5.0, 10.0, 20.0, 60.0)), Box("sharp", (25.0, 14.0, 31.0, 26.0)),
             Box("sharp", (34.0, 26.0, 40.0, 38.0)), head(80, 20), head(110, 36), bar(130),
             Box("natural", (140.0, 14.0, 145.0, 26.0)), Box("natural", (150.0, 26.0, 155.0, 38.0)),
             Box("flat", (160.0, 30.0, 165.0, 40.0)), head(200, 20), head(230, 36)]
    decoded = decode(boxes)
    assert decoded.header.key_fifths == 2
    assert [n.spelled for n in decoded.notes] == ["F#5", "B4", "F5", "Bb4"]
    assert decoded.header.changes == (HeaderChange(x=152.5, key_fifths=-1),)


def test_accidentals_of_notes_after_a_barline_are_no_key_change():
    boxes = [head(80, 44), bar(130), Box("sharp", (142.0, 39.0, 148.0, 49.0)), head(160, 44)]
    decoded = decode(boxes)
    assert [n.spelled for n in decoded.notes] == ["G4", "G#4"] and decoded.header.changes == ()


def test_clef_changes_need_an_event_after_them_and_a_different_clef():
    assert clefs_in_staff([("clef", 0.0, 20.0), ("clef", 100.0, 110.0), ("clef_bass", 200.0, 210.0)],
                          [50.0, 150.0]) == ("treble", [])


def treble_position(y):
    return round((52.0 - y) / 4.0)  # bottom line y = 52, half a space 4 px


def test_a_key_run_before_the_first_event_is_the_signature_not_a_change():
    signs = [("sharp", 30.0, 20.0), ("natural", 150.0, 20.0)]  # F#5, then its cancelling natural on the top line
    found = key_changes(signs, [100.0, 200.0], [130.0], 1, 8.0, treble_position, lambda x: "treble")
    assert found == [(150.0, 0)]
    assert key_changes(signs, [100.0, 200.0], [], 1, 8.0, treble_position, lambda x: "treble") == []  # no barline


def test_a_sign_after_a_barline_off_the_key_signature_places_is_no_key_change():
    # A sharp on G4 (a note's, whose head was missed) is not where a one-sharp key prints its sharp (F5).
    assert key_changes([("sharp", 150.0, 44.0)], [100.0, 200.0], [130.0], 0, 8.0, treble_position,
                       lambda x: "treble") == []
    assert printed_as_key([("sharp", 8), ("sharp", 5)], 0, 2, "treble")
    assert printed_as_key([("flat", 5)], 0, -1, "treble")  # a flat's centre is a position above its line
    assert printed_as_key([("sharp", 6)], 0, 1, "bass")
    assert not printed_as_key([("natural", 2)], 2, 0, "treble")  # D major's sharps stand on F5 and C5, not G4


def test_a_grace_note_does_not_take_the_key_signatures_last_sign():
    # Verovio sets a grace note 1.9 spaces after the key signature: its C5 sharp is the key's, not the grace note's.
    boxes = [Box("clef", (5.0, 10.0, 20.0, 60.0)), Box("sharp", (20.0, 9.0, 26.0, 31.0)),
             Box("sharp", (28.0, 21.0, 34.0, 43.0)), grace(46, 32), Box("flag", (48.0, 14.0, 52.0, 24.0)),
             head(66, 36)]
    decoded = decode(boxes)
    assert decoded.header.key_fifths == 2
    assert [(n.spelled, n.accidental, n.grace) for n in decoded.notes] == [("C#5", None, True), ("B4", None, False)]


# ---- class maps --------------------------------------------------------------------------------------------------

def paint(class_map, name, x0, y0, x1, y1):
    class_map[y0:y1, x0:x1] = NOTATION_MASK_CLASSES.index(name)


def ellipse(class_map, name, x, y, rx, ry):
    rows, cols = np.ogrid[:class_map.shape[0], :class_map.shape[1]]
    class_map[((cols - x) / rx) ** 2 + ((rows - y) / ry) ** 2 <= 1] = NOTATION_MASK_CLASSES.index(name)


def staff_map(width=320):
    class_map = np.zeros((80, width), np.uint8)
    for y in (20, 28, 36, 44, 52):
        paint(class_map, "staff_line", 0, y, width, y + 1)
    return class_map


def mask_tokens(class_map):
    return [event_token(e) for e in notes_from_mask(class_map, NOTATION_MASK_CLASSES).events]


def test_mask_reads_a_wide_breve_as_one_stemless_breve():
    class_map = staff_map()
    ellipse(class_map, "notehead_breve", 100, 40, 9, 4)  # 2.3 spaces wide: a filled-head blob that wide is cut
    assert mask_tokens(class_map) == [("note", "A", 4, 0, "breve", 0)]


def test_mask_reads_a_grace_eighth_with_its_small_flag_before_a_quarter():
    class_map = staff_map()
    paint(class_map, "stem", 95, 30, 96, 48)  # the grace note's short stem, up from its right edge
    ellipse(class_map, "notehead_grace", 92, 48, 3, 2.5)
    paint(class_map, "flag", 95, 30, 99, 39)  # one small flag (about 1.1 spaces)
    paint(class_map, "stem", 124, 16, 125, 44)
    ellipse(class_map, "notehead_filled", 120, 44, 5, 4)
    assert mask_tokens(class_map) == [("note", "F", 4, 0, "eighth", 0, ("grace", True)),
                                      ("note", "G", 4, 0, "quarter", 0)]


def test_mask_groups_a_bracketed_triplet_and_reads_a_measure_rest():
    class_map = staff_map()
    for x in (100, 125, 150):
        paint(class_map, "stem", x + 4, 12, x + 5, 44)
        ellipse(class_map, "notehead_filled", x, 44, 5, 4)
    # Quarter triplet: a bracket's two halves with the number between them.
    paint(class_map, "tuplet", 95, 4, 118, 5)
    paint(class_map, "tuplet", 95, 4, 96, 8)
    paint(class_map, "tuplet", 122, 1, 128, 9)
    paint(class_map, "tuplet", 132, 4, 156, 5)
    paint(class_map, "tuplet", 155, 4, 156, 8)
    paint(class_map, "barline", 180, 20, 182, 53)
    paint(class_map, "rest_whole", 220, 28, 230, 32)
    assert mask_tokens(class_map) == [("note", "G", 4, 0, "quarter", 0, ("tuplet", (3, 2)))] * 3 + [
        ("rest", "whole", 0, ("measure", True))]


def test_mask_reads_a_clef_change_where_it_stands():
    class_map = staff_map()
    paint(class_map, "clef", 5, 10, 20, 60)
    for x in (100, 250):
        paint(class_map, "stem", x + 4, 24, x + 5, 52)
        ellipse(class_map, "notehead_filled", x, 52, 5, 4)
    paint(class_map, "barline", 180, 20, 182, 53)
    paint(class_map, "clef_bass", 195, 24, 210, 40)
    decoded = notes_from_mask(class_map, NOTATION_MASK_CLASSES)
    assert [n.name for n in decoded.notes] == ["E4", "G2"]
    assert decoded.header.clef == "treble" and [c.clef for c in decoded.header.changes] == ["bass"]


def test_components_within_the_class_bounding_box_are_those_of_the_whole_image():
    from scipy import ndimage

    binary = np.random.default_rng(0).random((60, 200)) > 0.97
    for bridge in (0, 1, 3):
        dilated = ndimage.binary_dilation(binary, np.ones((2 * bridge + 1,) * 2, bool)) if bridge else binary
        labels, count = ndimage.label(dilated, np.ones((3, 3), bool))
        whole = sorted(sorted(zip(*np.nonzero(binary & (labels == k)))) for k in range(1, count + 1))
        found = sorted(sorted(zip(c.rows, c.cols)) for c in components(binary, bridge=bridge))
        assert found == [group for group in whole if group]
