"""Issue 29's fuller notation drawn: breves, measure rests, tuplets, grace notes, changes inside a staff and every
meter, each with its mask, box and event (staves without them drawing as before: test_notation_layout.py)."""

import numpy as np
import pytest

from omr.music.events import TIME_SIGNATURES, staff_position_y
from omr.music.musicxml import events_round_trip_mismatch, measure_numbers_from_barlines
from omr.render import Note, Rest, RenderStyle, Staff, render_staff
from omr.render.contact_sheet import showcase_labels
from omr.render.score import StaffChange
from omr.samples import NOTATION_BOX_CLASSES, NOTATION_MASK_CLASSES

CLASS = {name: index for index, name in enumerate(NOTATION_MASK_CLASSES)}
STYLE = RenderStyle()
S = STYLE.staff_space
T = (3, 2)

# Every new symbol in one staff whose measures add up (4/2, then 3/2 in the bass clef, then cut time).
FULLER = Staff((
    Note("G", 4, "breve"),  # 0: measure 1
    Rest("whole", measure=True),  # 1: measure 2
    Note("D", 5, "eighth", grace="acciaccatura"),  # 2: measure 3
    Note("C", 5, "quarter", tuplet=T), Note("B", 4, "quarter", tuplet=T), Note("A", 4, "quarter", tuplet=T),
    Note("E", 5, "eighth", tuplet=T), Note("D", 5, "eighth", tuplet=T), Note("C", 5, "eighth", tuplet=T),
    Note("F", 4, "16th", alter=1, accidental="sharp", grace="appoggiatura"),  # 9
    Note("G", 4, "whole"), Note("A", 4, "quarter"),  # 10, 11
    Note("C", 3, "half"), Note("E", 3, "half"), Note("G", 3, "half"),  # 12-14: measure 4, bass clef, 3/2
    Note("B", 2, "half", alter=-1), Rest("half"),  # 15, 16: measure 5, cut time
), clef=True, time_signature="4/2", barlines_after=(0, 1, 11, 14, 16), beams=((6, 7, 8),),
    tuplets=((3, 4, 5), (6, 7, 8)), final_barline=True,
    changes=(StaffChange(12, clef="bass", key_fifths=-1, time="3/2"), StaffChange(15, time="C|")))
FULLER_CLASSES = ("notehead_breve", "notehead_grace", "tuplet")


def render(*events, style=STYLE, **staff_fields):
    return render_staff(Staff(tuple(events), **staff_fields), style)


def boxes_of(sample, label):
    return [box.xyxy for box in sample.boxes if box.label == label]


def class_pixels(sample, name):
    ys, xs = np.nonzero(sample.mask == CLASS[name])
    return xs, ys


def inside(xs, ys, box):
    x0, y0, x1, y1 = box
    return (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)


def test_the_fuller_classes_are_drawn_dark_each_with_a_box_over_its_mask_pixels():
    sample = render_staff(FULLER, STYLE)
    assert set(FULLER_CLASSES) <= set(NOTATION_BOX_CLASSES)
    for name in ("notehead_breve", "notehead_grace"):
        xs, ys = class_pixels(sample, name)
        assert xs.size and sample.image[ys, xs].max() < 200, name
        covered = np.zeros(xs.size, dtype=bool)
        for box in boxes_of(sample, name):
            covered |= inside(xs, ys, box)
        assert covered.all(), name
    xs, ys = class_pixels(sample, "tuplet")
    assert xs.size and sample.image[ys, xs].max() < 200
    assert len(boxes_of(sample, "tuplet")) == 2  # one number per printed tuplet


def test_the_fuller_staffs_events_carry_breve_measure_grace_and_tuplet_fields():
    events = render_staff(FULLER, STYLE).events
    assert (events[0].duration, events[0].grace) == ("breve", False)
    assert (events[1].kind, events[1].duration, events[1].measure) == ("rest", "whole", True)
    assert [i for i, e in enumerate(events) if e.kind == "note" and e.grace] == [2, 9]
    assert (events[2].duration, events[9].duration, events[9].accidental) == ("eighth", "16th", "sharp")
    assert [i for i, e in enumerate(events) if e.tuplet == (3, 2)] == [3, 4, 5, 6, 7, 8]
    assert all(e.tuplet is None for i, e in enumerate(events) if not 3 <= i <= 8)


def test_the_fuller_staffs_labels_survive_musicxml():
    sample = render_staff(FULLER, STYLE)
    header = sample.header
    numbers = measure_numbers_from_barlines(sample.events, header.barlines)
    assert events_round_trip_mismatch(sample.events, header.clef, header.key_fifths, header.time, numbers,
                                      header.changes) is None


def test_a_breve_is_an_oval_between_bars_with_no_stem_and_more_room_than_a_whole():
    breve = render(Note("G", 4, "breve"), Note("G", 4))
    whole = render(Note("G", 4, "whole"), Note("G", 4))
    (bx0, _, bx1, _), = boxes_of(breve, "notehead_breve")
    (wx0, _, wx1, _), = boxes_of(whole, "notehead_whole")
    assert bx1 - bx0 >= (wx1 - wx0) + 0.25 * S  # the bars widen it
    xs, _ = class_pixels(breve, "stem")
    assert xs.size and xs.min() > bx1  # the only stem is the following quarter's
    assert breve.events[1].x - breve.events[0].x > whole.events[1].x - whole.events[0].x


def test_a_breve_rest_is_a_block_from_the_third_line_to_the_fourth_masked_as_a_whole_rest():
    sample = render(Note("G", 4), Rest("breve"))
    _, ys = class_pixels(sample, "rest_whole")
    fourth, middle = sample.staff_lines[1], sample.staff_lines[2]
    assert (ys.min(), ys.max()) == (int(fourth), int(middle))
    assert (sample.events[1].kind, sample.events[1].duration) == ("rest", "breve")
    assert sample.events[1].y == pytest.approx((fourth + middle) / 2, abs=0.5)
    assert len(boxes_of(sample, "rest_whole")) == 1


def test_a_measure_rest_is_a_whole_rest_centred_between_its_barlines():
    sample = render(Note("C", 5, "half"), Note("C", 5, "half"), Rest("whole", measure=True), Note("C", 5, "whole"),
                    barlines_after=(1, 2), time_signature="2/2")
    left, right = sample.header.barlines[:2]
    rest = sample.events[2]
    assert rest.x == pytest.approx((left + right) / 2)
    (x0, y0, x1, y1), = boxes_of(sample, "rest_whole")
    assert (x0 + x1) / 2 == pytest.approx(rest.x, abs=1.0)
    assert y0 == int(sample.staff_lines[1])  # hangs from the fourth line, as a whole rest
    assert (rest.duration, rest.dots, rest.measure) == ("whole", 0, True)


def test_a_first_measure_rest_is_centred_between_the_time_signature_and_the_barline():
    sample = render(Rest("whole", measure=True), Note("C", 5, "half", dots=1), clef=True, time_signature="3/4",
                    barlines_after=(0, 1))
    (_, _, time_right, _), = boxes_of(sample, "time_signature")
    assert sample.events[0].x == pytest.approx((time_right + sample.header.barlines[0]) / 2, abs=1.0)


def test_a_measure_rest_closing_a_fixed_width_staff_is_centred_up_to_its_end():
    sample = render(Note("C", 5, "whole"), Rest("whole", measure=True), barlines_after=(0, 1),
                    style=RenderStyle(width=400))
    first, closing = sample.header.barlines
    assert closing > 380
    assert sample.events[1].x == pytest.approx((first + closing) / 2, abs=1.0)


def test_an_unbeamed_triplet_gets_a_bracket_and_its_number_on_the_stem_side():
    up = render(Note("D", 4, "quarter", tuplet=T), Note("E", 4, "quarter", tuplet=T), Rest("quarter", tuplet=T),
                tuplets=((0, 1, 2),))
    (x0, y0, x1, y1), = boxes_of(up, "tuplet")
    assert y1 < up.staff_lines[0]  # above the staff, where the stems point
    xs, ys = class_pixels(up, "tuplet")
    outside = ~inside(xs, ys, (x0, y0, x1, y1))
    assert outside.sum() > 2 * S  # the bracket's line and hooks
    assert xs[outside].min() < x0 - S and xs[outside].max() > x1 + S
    down = render(Note("D", 5, "quarter", tuplet=T), Note("E", 5, "quarter", tuplet=T),
                  Note("F", 5, "quarter", tuplet=T), tuplets=((0, 1, 2),))
    (_, top, _, _), = boxes_of(down, "tuplet")
    _, stem_ys = class_pixels(down, "stem")
    assert top > stem_ys.max()  # below the down stems' tips
    assert [e.tuplet for e in up.events] == [T, T, T] and [e.tuplet for e in down.events] == [T, T, T]


def test_a_beamed_triplet_shows_its_number_alone_beyond_the_beam():
    sample = render(Note("E", 4, "eighth", tuplet=T), Note("F", 4, "eighth", tuplet=T),
                    Note("G", 4, "eighth", tuplet=T), beams=((0, 1, 2),), tuplets=((0, 1, 2),))
    box, = boxes_of(sample, "tuplet")
    xs, ys = class_pixels(sample, "tuplet")
    assert inside(xs, ys, box).all()  # no bracket
    beam_top = min(b[1] for b in boxes_of(sample, "beam"))
    assert box[3] <= beam_top
    assert box[0] < sample.events[1].x + S < box[2] + 2 * S  # over the group's middle


def test_a_quintuplet_prints_five():
    ratio = (5, 4)
    sample = render(*(Note(step, 5, "16th", tuplet=ratio) for step in "CDEFG"), beams=((0, 1, 2, 3, 4),),
                    tuplets=((0, 1, 2, 3, 4),))
    assert len(boxes_of(sample, "tuplet")) == 1
    assert all(e.tuplet == ratio for e in sample.events)


def test_a_grace_note_is_small_and_slurred_to_its_main_note_which_keeps_its_accidental_place():
    main = Note("C", 5, "quarter", alter=1, accidental="sharp")
    plain = render(Note("A", 4), main)
    graced = render(Note("A", 4), Note("D", 5, "eighth", grace="acciaccatura"), main)
    grace, after = graced.events[1], graced.events[2]
    assert (grace.grace, grace.duration, grace.tuplet, grace.tie) == (True, "eighth", None, None)
    assert after.grace is False and after.accidental == "sharp"
    (gx0, gy0, gx1, gy1), = boxes_of(graced, "notehead_grace")
    head = [b for b in boxes_of(graced, "notehead_filled") if b[0] <= after.x < b[2]][0]
    assert (gx1 - gx0) * (gy1 - gy0) < 0.5 * (head[2] - head[0]) * (head[3] - head[1])
    assert gx0 <= grace.x < gx1
    assert len(boxes_of(graced, "flag")) == 1
    slur, = boxes_of(graced, "slur")
    assert slur[0] < after.x and slur[2] > grace.x
    sharp = lambda sample, x: [b for b in boxes_of(sample, "sharp") if b[2] <= x][-1]
    assert after.x - sharp(graced, after.x)[2] == pytest.approx(plain.events[1].x - sharp(plain, plain.events[1].x)[2],
                                                                abs=1.0)
    assert after.x - graced.events[0].x < plain.events[1].x - plain.events[0].x + 3 * S  # little room taken


def test_an_acciaccatura_has_its_slash_and_an_appoggiatura_none():
    def stem_pixels(kind):
        sample = render(Note("D", 5, "eighth", grace=kind), Note("C", 5, "half"))
        xs, ys = class_pixels(sample, "stem")
        return int((xs < sample.events[1].x - S).sum())

    assert stem_pixels("acciaccatura") > stem_pixels("appoggiatura") + 4


def test_beamed_grace_notes_get_small_beams_and_no_flags():
    sample = render(Note("G", 5, "16th", grace="appoggiatura"), Note("A", 5, "16th", grace="appoggiatura"),
                    Note("G", 5, "quarter"), Note("E", 4, "16th"), Note("F", 4, "16th"), beams=((0, 1), (3, 4)))
    assert not boxes_of(sample, "flag")
    beams = sorted(boxes_of(sample, "beam"))
    grace_beam, full_beam = beams[0], beams[-1]
    assert grace_beam[2] < sample.events[2].x and grace_beam[3] - grace_beam[1] < full_beam[3] - full_beam[1]
    assert [e.grace for e in sample.events] == [True, True, False, False, False]


def test_a_clef_change_moves_the_following_pitches_and_is_labelled_in_x_order():
    sample = render(Note("C", 4), Note("C", 4), Note("C", 4), clef=True, barlines_after=(0,),
                    changes=(StaffChange(1, clef="bass"), StaffChange(2, clef="treble")))
    bottom = sample.staff_lines[-1]
    ys = [e.y for e in sample.events]
    assert ys == [staff_position_y(-2, bottom, S), staff_position_y(10, bottom, S), staff_position_y(-2, bottom, S)]
    first, second = sample.header.changes
    assert (first.clef, first.key_fifths, first.time, second.clef) == ("bass", None, None, "treble")
    assert sample.header.barlines[0] < first.x < sample.events[1].x < second.x < sample.events[2].x
    assert sample.header.clef == "treble"
    clefs = boxes_of(sample, "clef")
    assert len(clefs) == 2 and len(boxes_of(sample, "clef_bass")) == 1
    start, courtesy = sorted(clefs)
    assert courtesy[3] - courtesy[1] < 0.85 * (start[3] - start[1])  # smaller inside the staff


@pytest.mark.parametrize("old, new, naturals, signs", [(3, 1, 2, 1), (3, -2, 3, 2), (1, 3, 0, 3), (-2, 0, 2, 0)])
def test_a_key_change_prints_the_cancelling_naturals_first(old, new, naturals, signs):
    sample = render(Note("G", 4), Note("G", 4), key_signature=old, barlines_after=(0,),
                    changes=(StaffChange(1, key_fifths=new),))
    change_x = sample.header.changes[0].x
    later = lambda label: [b for b in boxes_of(sample, label) if b[0] > sample.header.barlines[0]]
    assert len(later("natural")) == naturals
    assert len(later("sharp" if new > 0 else "flat")) == signs
    if naturals and signs:
        assert max(b[2] for b in later("natural")) <= min(b[0] for b in later("sharp" if new > 0 else "flat")) + 1
    assert sample.header.changes[0].key_fifths == new and sample.header.key_fifths == old
    assert sample.events[0].x < change_x < sample.events[1].x


def test_a_key_change_after_a_clef_change_takes_the_new_clefs_positions():
    sample = render(Note("G", 4), Note("G", 2), clef=True, barlines_after=(0,),
                    changes=(StaffChange(1, clef="bass", key_fifths=1),))
    sharp, = [b for b in boxes_of(sample, "sharp")]
    f3_line = staff_position_y(6, sample.staff_lines[-1], S)  # bass clef's F#: the fourth line
    assert sharp[1] < f3_line < sharp[3]


@pytest.mark.parametrize("time", TIME_SIGNATURES)
def test_every_meter_draws_one_time_signature_box_at_the_start_and_as_a_change(time):
    sample = render(Note("G", 4), Note("G", 4), time_signature=time, barlines_after=(0,),
                    changes=(StaffChange(1, time=time),))
    boxes = boxes_of(sample, "time_signature")
    assert len(boxes) == 2
    assert sample.header.time == time and sample.header.changes[0].time == time


@pytest.mark.parametrize("font", [None, "Gootville"])
def test_two_digit_meters_are_wider_and_cut_time_taller_than_common_time(font):
    def time_box(time):
        box, = boxes_of(render(Note("G", 4), time_signature=time, glyph_font=font), "time_signature")
        return box

    wide, narrow = time_box("12/8"), time_box("6/8")
    assert wide[2] - wide[0] >= narrow[2] - narrow[0] + S
    cut, common = time_box("C|"), time_box("C")
    assert cut[3] - cut[1] >= common[3] - common[1] + S


def test_a_contact_sheet_picks_one_sample_of_each_new_symbol_then_the_first_ones():
    class Label:
        def __init__(self, name, events=(), changes=(), time=None):
            from omr.music.events import StaffHeader
            self.name, self.events, self.header = name, events, StaffHeader(time=time, changes=changes)

    from omr.music.events import HeaderChange, SymbolicNote, SymbolicRest
    labels = [Label("plain", (SymbolicNote("C", 4),)) for _ in range(6)]
    labels += [Label("tuplet", (SymbolicNote("C", 4, tuplet=T),)), Label("grace", (SymbolicNote("C", 4, grace=True),)),
               Label("breve", (SymbolicNote("C", 4, duration="breve"),)),
               Label("rest", (SymbolicRest("whole", measure=True),)),
               Label("change", (SymbolicNote("C", 4),), (HeaderChange(1.0, clef="bass"),)),
               Label("meter", (SymbolicNote("C", 4),), time="12/8")]
    assert [label.name for label in showcase_labels(labels, 8)] == \
        ["plain", "plain", "tuplet", "grace", "breve", "rest", "change", "meter"]
    assert [label.name for label in showcase_labels(labels[:6], 4)] == ["plain"] * 4


@pytest.mark.parametrize("height", [120, 121, 127, 128])
def test_a_tuplet_brackets_line_is_whole_pixels_in_the_mask(height):
    sample = render(Note("D", 4, "quarter", tuplet=T), Note("E", 4, "quarter", tuplet=T),
                    Note("F", 4, "quarter", tuplet=T), tuplets=((0, 1, 2),), style=RenderStyle(height=height))
    box, = boxes_of(sample, "tuplet")
    xs, ys = class_pixels(sample, "tuplet")
    bracket = ~inside(xs, ys, box)
    rows, counts = np.unique(ys[bracket], return_counts=True)
    line_row = rows[counts.argmax()]
    assert counts.max() >= 2 * S and sorted(counts)[-2] <= 2  # one row of line; the others hold the two hooks
    assert sample.image[line_row, xs[bracket & (ys == line_row)]].max() == 0  # fully inked
