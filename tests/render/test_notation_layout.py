"""Real notation: every new symbol's mask, boxes and labels, and the seed's staves drawing exactly as before."""

import dataclasses
import hashlib
import json

import numpy as np
import pytest

from omr.music.events import staff_position_y
from omr.render import Note, Rest, RenderStyle, Staff, render_staff
from omr.render.dataset import DatasetConfig, encode_png, render_sample
from omr.samples import MASK_CLASSES, NOTATION_BOX_CLASSES, NOTATION_MASK_CLASSES

CLASS = {name: index for index, name in enumerate(NOTATION_MASK_CLASSES)}
FULLER_CLASSES = ("notehead_breve", "notehead_grace", "tuplet")  # issue 29's: pinned in test_draw_fuller.py
NEW_CLASSES = tuple(name for name in NOTATION_MASK_CLASSES[len(MASK_CLASSES):] if name not in FULLER_CLASSES)
STYLE = RenderStyle()
S = STYLE.staff_space

EVERYTHING = Staff((
    Note("G", 4, "whole"), Note("E", 5, "half", dots=1), Note("A", 4, "quarter", articulation="staccato"),
    Note("B", 4, "eighth", dots=1), Note("C", 5, "16th"), Note("F", 4, "eighth"), Note("D", 5, "16th"),
    Note("E", 4, "32nd"),
    Rest("whole"), Rest("half", dots=1), Rest("quarter"), Rest("eighth"), Rest("16th"), Rest("32nd"),
    Note("G", 4, "eighth"), Note("A", 4, "eighth"), Note("A", 4, "half", tie=True),
    Note("A", 4, "quarter", articulation="fermata"),
), clef=True, key_signature=2, time_signature="3/4", beams=((3, 4), (14, 15)), barlines_after=(7, 13, 16),
   slurs=((14, 16),), dynamics=((0, "p"), (10, "mf")), final_barline=True)
BASS = Staff((Note("C", 4), Note("D", 3), Note("C", 3), Rest("half")), clef=True, clef_sign="bass", key_signature=-2,
             time_signature="C")


def render(*events, **staff_fields):
    return render_staff(Staff(tuple(events), **staff_fields), STYLE)


def rows_of(sample, name):
    return np.nonzero(sample.mask == CLASS[name])[0]


def test_box_classes_append_to_the_seeds_and_name_every_new_mask_class():
    assert NOTATION_MASK_CLASSES[:len(MASK_CLASSES)] == MASK_CLASSES
    assert set(NEW_CLASSES) <= set(NOTATION_BOX_CLASSES)


def test_every_new_class_is_drawn_and_its_mask_pixels_are_dark_in_the_image():
    samples = [render_staff(EVERYTHING, STYLE), render_staff(BASS, STYLE)]
    for name in NEW_CLASSES:
        pixels = np.concatenate([s.image[s.mask == CLASS[name]] for s in samples])
        assert pixels.size > 0, name
        assert pixels.max() < 200, name


def test_every_box_contains_its_class_mask_pixels():
    for sample in (render_staff(EVERYTHING, STYLE), render_staff(BASS, STYLE)):
        for name in NEW_CLASSES:
            ys, xs = np.nonzero(sample.mask == CLASS[name])
            inside = np.zeros(len(xs), dtype=bool)
            for box in sample.boxes:
                if box.label == name:
                    x0, y0, x1, y1 = box.xyxy
                    inside |= (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
            assert inside.all(), name


def test_whole_rest_hangs_from_the_fourth_line():
    sample = render(Note("G", 4), Rest("whole"))
    fourth_line = sample.staff_lines[1]  # second from the top
    rows = rows_of(sample, "rest_whole")
    assert rows.min() == int(fourth_line)  # its top is the line's own row
    assert rows.max() == int(fourth_line + 0.5 * S)  # half a space below the line
    assert sample.events[1].y == pytest.approx((rows.min() + rows.max() + 1) / 2, abs=0.5)


def test_half_rest_sits_on_the_middle_line():
    sample = render(Note("G", 4), Rest("half"))
    middle_line = sample.staff_lines[2]
    rows = rows_of(sample, "rest_half")
    assert rows.max() == int(middle_line)  # its bottom is the line's own row
    assert rows.min() == int(middle_line - 0.5 * S)
    assert sample.events[1].kind == "rest" and sample.events[1].duration == "half"


def test_a_dot_on_a_line_note_sits_in_the_space_above_and_a_space_note_keeps_its_space():
    on_line = render(Note("B", 4, "quarter", dots=1))  # middle line
    in_space = render(Note("C", 5, "quarter", dots=1))
    line_dot = rows_of(on_line, "augmentation_dot").mean() + 0.5
    space_dot = rows_of(in_space, "augmentation_dot").mean() + 0.5
    assert line_dot == pytest.approx(staff_position_y(5, on_line.staff_lines[-1], S), abs=1.0)
    assert space_dot == pytest.approx(in_space.events[0].y, abs=1.0)
    assert on_line.events[0].dots == 1


def test_two_dots_of_a_rest_sit_side_by_side_in_a_space():
    sample = render(Rest("half", dots=2))
    dots = [b for b in sample.boxes if b.label == "augmentation_dot"]
    assert len(dots) == 2 and dots[0].xyxy[1] == dots[1].xyxy[1] and dots[0].xyxy[2] <= dots[1].xyxy[0]
    assert sample.events[0].dots == 2


@pytest.mark.parametrize("pitches, up", [((("E", 4), ("G", 4), ("D", 5)), True),  # two of three below the middle
                                         ((("F", 5), ("A", 5), ("E", 4)), False),
                                         ((("A", 4), ("C", 5)), False)])  # one each side: down
def test_beam_direction_follows_the_groups_majority(pitches, up):
    sample = render(*(Note(step, octave, "eighth") for step, octave in pitches), beams=(tuple(range(len(pitches))),))
    beam_y = rows_of(sample, "beam").mean()
    heads_y = np.mean([e.y for e in sample.events])
    assert (beam_y < heads_y) == up
    assert not (sample.mask == CLASS["flag"]).any()  # beamed notes carry no flags


def test_a_16th_beside_a_dotted_eighth_gets_a_partial_beam_towards_it():
    for events, sixteenth in (((Note("G", 4, "eighth", dots=1), Note("A", 4, "16th")), 1),
                              ((Note("G", 4, "16th"), Note("A", 4, "eighth", dots=1)), 0)):
        sample = render(*events, beams=((0, 1),))
        beams = sorted((b.xyxy for b in sample.boxes if b.label == "beam"), key=lambda xyxy: xyxy[2] - xyxy[0])
        assert len(beams) == 2
        hook, full = beams
        assert hook[2] - hook[0] < 1.5 * S < full[2] - full[0]
        other_x = sample.events[1 - sixteenth].x
        x = sample.events[sixteenth].x
        # The hook hangs from the 16th's stem and points at the dotted eighth.
        ys, xs = np.nonzero(sample.mask == CLASS["stem"])
        stem_x = xs[np.abs(xs - x) < S].mean()
        hook_centre = (hook[0] + hook[2]) / 2
        assert abs(hook_centre - stem_x) < S
        assert (hook_centre < stem_x) == (other_x < x)


def test_unbeamed_16th_gets_two_flags_and_32nd_three():
    sixteenth, thirty_second = render(Note("G", 4, "16th")), render(Note("D", 5, "32nd"))
    assert [b.label for b in sixteenth.boxes].count("flag") == 2
    assert [b.label for b in thirty_second.boxes].count("flag") == 3


def test_bass_clef_c4_draws_on_the_first_ledger_line_above_the_staff():
    sample = render(Note("C", 4), clef=True, clef_sign="bass")
    note = sample.events[0]
    assert (note.step, note.octave) == ("C", 4) and sample.header.clef == "bass"
    assert note.y == pytest.approx(sample.staff_lines[0] - S)
    ledger_rows = set(rows_of(sample, "ledger_line"))
    assert ledger_rows == {int(note.y)}
    assert (sample.mask == CLASS["clef_bass"]).sum() > 30 and (sample.mask == CLASS["clef"]).sum() == 0


def test_stems_follow_the_usual_rule_in_bass_clef():
    sample = render(Note("D", 3), Note("C", 3), clef=True, clef_sign="bass")  # middle line: down; below: up
    stem_rows = [rows_of_column(sample, e.x) for e in sample.events]
    assert stem_rows[0].mean() > sample.events[0].y and stem_rows[1].mean() < sample.events[1].y


def rows_of_column(sample, x):
    ys, xs = np.nonzero(sample.mask == CLASS["stem"])
    return ys[np.abs(xs - x) < S]


def test_tie_labels_are_start_continue_and_stop_and_the_tie_is_drawn_between_the_heads():
    sample = render(Note("A", 4, "half", tie=True), Note("A", 4, "quarter", tie=True), Note("A", 4, "quarter"),
                    barlines_after=(0,))
    assert [e.tie for e in sample.events] == ["start", "continue", "stop"]
    ties = [b.xyxy for b in sample.boxes if b.label == "tie"]
    assert len(ties) == 2
    assert sample.events[0].x < ties[0][2] and ties[0][0] < sample.events[1].x  # across the barline between them
    assert ties[0][1] > sample.events[0].y  # A4's stem is up: the tie lies below the heads


def test_a_slur_or_dynamics_leave_the_events_unchanged():
    notes = (Note("G", 4, "eighth"), Note("B", 4, "eighth"), Note("D", 5), Note("C", 5, "half"))
    plain = render(*notes, beams=((0, 1),))
    marked = render(*notes, beams=((0, 1),), slurs=((0, 3),), dynamics=((0, "mf"), (3, "p")))
    assert marked.events == plain.events
    assert (marked.mask == CLASS["slur"]).any() and (marked.mask == CLASS["dynamics"]).any()
    slur = next(b.xyxy for b in marked.boxes if b.label == "slur")
    assert slur[3] <= max(e.y for e in marked.events)  # above the heads


def test_preamble_and_barlines_are_labelled():
    sample = render_staff(EVERYTHING, STYLE)
    header = sample.header
    assert (header.clef, header.key_fifths, header.time) == ("treble", 2, "3/4")
    assert len(header.barlines) == 4 and header.barlines[-1] > sample.events[-1].x
    assert [b.label for b in sample.boxes].count("time_signature") == 1
    no_clef = render(Note("G", 4))
    assert (no_clef.header.clef, no_clef.header.time, no_clef.header.barlines) == (None, None, ())


def test_rests_are_events_with_their_glyph_centre():
    sample = render_staff(EVERYTHING, STYLE)
    rests = [e for e in sample.events if e.kind == "rest"]
    assert [r.duration for r in rests] == ["whole", "half", "quarter", "eighth", "16th", "32nd"]
    for rest in rests:
        box = next(b.xyxy for b in sample.boxes if b.label == f"rest_{rest.duration}")
        assert box[0] <= rest.x <= box[2] and abs((box[1] + box[3]) / 2 - rest.y) <= 1.0
    assert len(sample.notes) == len(sample.events) - len(rests)


def test_longer_values_get_more_room():
    wholes = render(*(Note("G", 4, "whole") for _ in range(4)))
    quarters = render(*(Note("G", 4) for _ in range(4)))
    sixteenths = render(*(Note("G", 4, "16th") for _ in range(4)), beams=((0, 1, 2, 3),))
    gaps = [np.diff([e.x for e in s.events]).mean() for s in (wholes, quarters, sixteenths)]
    assert gaps[0] > gaps[1] > gaps[2]


def test_seed_kind_staves_draw_exactly_as_the_seed_did():
    # Hashes from the renderer before real notation (commit bd3711f~1) of quarter/half staves with every seed feature.
    staff = Staff((Note("C", 4, "half", 1, "sharp", "up"), Note("B", 4), Note("F", 5, "quarter", -1, "flat", "down"),
                   Note("A", 3, "half"), Note("E", 4, "quarter", 0, "natural"), Note("C", 6)), clef=True,
                  barlines_after=(2, 5), key_signature=-3)
    expected = ("7a12bb1b31c87ddf8655c88a1074afecd8396c0c14e5031298ffbc010b49c661",
                "6e0d06fb2b943106caf85835e32206cc3ca7decf2c0eb0806d0b0642d808684c")
    styles = (RenderStyle(), RenderStyle(staff_space=11.0, line_thickness=1.5, height=160, note_gap=1.5))
    for style, digest in zip(styles, expected):
        sample = render_staff(staff, style)
        assert hashlib.sha256(encode_png(sample.image) + encode_png(sample.mask)).hexdigest() == digest


def test_a_v02_sample_is_unchanged():
    config = DatasetConfig(seed=2, train=4000, val=300, test=300, min_notes=1, max_notes=16, note_types=("quarter", "half"),
                           stem_directions=("up", "down"), accidental_probability=0.35, accidentals=("sharp", "flat"),
                           clef_probability=0.5, key_signature_max=4)  # params.yaml's v02
    sample = render_sample(config, config.seed, "test", 0)
    assert hashlib.sha256(encode_png(sample.image)).hexdigest() == \
        "eae5182560b36b1d2303fd42c0396c24f3fc95045affc995ccd439ffc4f1007f"
    assert hashlib.sha256(encode_png(sample.mask)).hexdigest() == \
        "210eb817d52019e8bf48cd498f3fc0ecf7ba68f0e3f1f860d15a294a587caf68"


def test_a_measure_number_is_text_above_the_staffs_start_boxed_as_dynamics_and_never_an_event():
    notes = (Note("G", 4, note_type="half"), Note("B", 4, note_type="half"))
    plain = render_staff(Staff(notes, clef=True, time_signature="2/4"))
    numbered = render_staff(Staff(notes, clef=True, time_signature="2/4", measure_number=17))
    assert numbered.events == plain.events and numbered.image.shape == plain.image.shape
    (box,) = [b for b in numbered.boxes if b.label == "dynamics"]
    clef = next(b for b in numbered.boxes if b.label == "clef")
    x0, y0, x1, y1 = box.xyxy
    assert y1 <= clef.xyxy[1] + 1 and y0 > 0  # above the treble clef's top (3 spaces over the staff), inside the image
    assert abs(x0 - clef.xyxy[0]) < 8 and 10 < x1 - x0 < 24  # two digits, left-aligned with the staff's start
    ink = numbered.image[int(y0):int(y1) + 1, int(x0):int(x1) + 1]
    assert ink.min() < 64 and (plain.image[int(y0):int(y1) + 1, int(x0):int(x1) + 1] == 255).all()


def test_notation_staves_drawn_without_measure_numbers_are_unchanged_by_the_option():
    from omr.render.notation import NotationConfig

    for seed in range(5):
        off = NotationConfig().random(np.random.default_rng(seed))
        assert off.measure_number is None
        assert off == NotationConfig(measure_number_probability=0.0).random(np.random.default_rng(seed))
    numbered = [NotationConfig(measure_number_probability=1.0).random(np.random.default_rng(s)) for s in range(5)]
    assert all(2 <= staff.measure_number < 100 for staff in numbered)
    assert [replace_number(s) for s in numbered] == [NotationConfig().random(np.random.default_rng(s)) for s in range(5)]


def replace_number(staff):
    """The staff without what the options drawn last add (measure number, glyph font)."""
    from dataclasses import replace

    return replace(staff, measure_number=None, glyph_font=None)


def test_a_staff_in_a_smufl_font_draws_other_clef_accidental_and_time_shapes_with_the_same_labels():
    notes = (Note("F", 5, alter=1, accidental="sharp"), Note("B", 4, note_type="half", alter=-1))
    ours = render_staff(Staff(notes, clef=True, key_signature=-2, time_signature="3/4"))
    font = render_staff(Staff(notes, clef=True, key_signature=-2, time_signature="3/4", glyph_font="Gootville"))
    assert font.events == ours.events and font.image.shape == ours.image.shape
    assert [b.label for b in font.boxes] == [b.label for b in ours.boxes]
    for label in ("clef", "flat", "sharp", "time_signature"):
        mine = next(b for b in ours.boxes if b.label == label)
        theirs = next(b for b in font.boxes if b.label == label)
        x0, y0, x1, y1 = (int(v) for v in theirs.xyxy)
        assert abs((theirs.xyxy[0] + theirs.xyxy[2]) - (mine.xyxy[0] + mine.xyxy[2])) / 2 < 8  # same place
        assert not np.array_equal(font.image[y0:y1, x0:x1], ours.image[y0:y1, x0:x1])  # another shape
    # The mask contract holds for font glyphs too: a mask pixel is always dark in the image.
    assert (font.image[font.mask > 0] < 128).all()


def test_time_signature_digits_of_every_font_fill_half_the_staff():
    # Petaluma's digits are 3-4 spaces high in the font; printed, a digit fills two spaces in every engraving.
    for font in (None, "Gootville", "Leland", "Petaluma"):
        staff = render_staff(Staff((Note("B", 4),), clef=True, time_signature="3/4", glyph_font=font))
        box = next(b for b in staff.boxes if b.label == "time_signature")
        space = staff.staff_space
        assert 3.6 * space <= box.xyxy[3] - box.xyxy[1] <= 4.6 * space, font  # two digits stacked on the staff
        assert box.xyxy[1] >= staff.staff_lines[0] - 0.4 * space and box.xyxy[3] <= staff.staff_lines[-1] + 0.4 * space


def test_glyph_fonts_must_be_verovios_smufl_fonts():
    from omr.render.notation import NotationConfig

    with pytest.raises(Exception, match="glyph_fonts"):
        NotationConfig(glyph_fonts=("Times",), glyph_font_probability=0.5)
    staves = [NotationConfig(glyph_fonts=("Petaluma",), glyph_font_probability=1.0).random(np.random.default_rng(s))
              for s in range(3)]
    assert {s.glyph_font for s in staves} == {"Petaluma"}
    assert [replace_number(s) for s in staves] == [NotationConfig().random(np.random.default_rng(s)) for s in range(3)]


def test_staves_without_the_fuller_notation_draw_exactly_as_before_issue_29():
    # Digests of image, mask, boxes, events and header as the renderer drew them before issue 29's notation.
    bass = dataclasses.replace(BASS, glyph_font="Gootville", barlines_after=(3,))
    expected = ("211e266a9e5da4f537852a4c9a67ab1eab56682d7c5613dde41a12ba76d3487a",
                "21d37062d52ab2df36d09162eea2c258f44ffc429819fecd8a42b392d5ba4309")
    for staff, digest in zip((EVERYTHING, bass), expected):
        s = render_staff(staff, RenderStyle())
        drawn = (encode_png(s.image) + encode_png(s.mask) + repr(s.boxes).encode()
                 + json.dumps([e.to_json() for e in s.events]).encode() + json.dumps(s.header.to_json()).encode())
        assert hashlib.sha256(drawn).hexdigest() == digest
