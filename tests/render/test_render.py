import dataclasses
import numpy as np
import pytest

from omr.music.events import SymbolicNote, staff_position, staff_position_y
from omr.render import Note, NoteBuilder, RandomConfig, RenderStyle, Staff, render_staff, staff_from_notes
from omr.render.dataset import render_sample
from omr.samples import MASK_CLASSES, NOTEHEAD_CLASSES

CLASS = {name: index for index, name in enumerate(MASK_CLASSES)}
BUSY = RandomConfig(min_notes=8, max_notes=12, note_types=("quarter", "half"), stem_directions=("up", "down", "auto"),
                    accidental_probability=0.6, accidentals=("sharp", "flat", "natural"), clef_probability=1.0, barlines=True)
LONG_STYLE = dict(staff_space=11.0, line_thickness=1.5, height=160)


def busy_samples():
    for seed in range(6):
        config = BUSY if seed % 2 else dataclasses.replace(BUSY, **LONG_STYLE)
        yield render_sample(config, seed, "test", seed)


def one_note(text_step, octave, note_type="quarter", **kwargs):
    return render_staff(Staff((Note(text_step, octave, note_type, **kwargs),)), RenderStyle())


def test_image_is_grayscale_on_white_and_mask_has_same_shape():
    sample = one_note("G", 4)
    assert sample.image.dtype == np.uint8 and sample.mask.dtype == np.uint8
    assert sample.image.shape == sample.mask.shape
    assert sample.image[0, 0] == 255 and sample.image.min() == 0


def test_every_mask_pixel_is_ink_in_the_image():
    for sample in busy_samples():
        assert np.all(sample.image[sample.mask > 0] < 200)


def test_dark_ink_is_covered_by_the_mask_within_a_pixel():
    for sample in busy_samples():
        labelled = sample.mask > 0
        grown = labelled.copy()
        grown[1:] |= labelled[:-1]
        grown[:-1] |= labelled[1:]
        grown[:, 1:] |= labelled[:, :-1]
        grown[:, :-1] |= labelled[:, 1:]
        assert np.all(grown[sample.image < 100])


def test_every_notehead_mask_pixel_lies_in_a_notehead_box_of_its_class():
    for sample in busy_samples():
        for name in NOTEHEAD_CLASSES:
            ys, xs = np.nonzero(sample.mask == CLASS[name])
            boxes = [b.xyxy for b in sample.boxes if b.label == name]
            inside = np.zeros(len(xs), dtype=bool)
            for x0, y0, x1, y1 in boxes:
                inside |= (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1)
            assert inside.all(), name


def test_each_note_centre_is_inside_exactly_one_notehead_box():
    for sample in busy_samples():
        heads = [b for b in sample.boxes if b.label in NOTEHEAD_CLASSES]
        assert len(heads) == len(sample.notes)
        for note, box in zip(sample.notes, heads):
            x0, y0, x1, y1 = box.xyxy
            assert x0 <= note.x <= x1 and y0 <= note.y <= y1
            assert box.label == ("notehead_filled" if note.duration == "quarter" else "notehead_hollow")


def test_notes_sit_on_their_staff_position_and_lines_are_one_staff_space_apart():
    for sample in busy_samples():
        lines = sample.staff_lines
        assert len(lines) == 5 and np.allclose(np.diff(lines), sample.staff_space)
        for note in sample.notes:
            expected = staff_position_y(staff_position(note.step, note.octave), lines[-1], sample.staff_space)
            assert note.y == pytest.approx(expected)
        assert [n.x for n in sample.notes] == sorted(n.x for n in sample.notes)


def test_staff_box_spans_the_five_lines():
    sample = one_note("G", 4)
    (staff_box,) = [b for b in sample.boxes if b.label == "staff"]
    x0, y0, x1, y1 = staff_box.xyxy
    assert y0 <= sample.staff_lines[0] - 0.5 and y1 >= sample.staff_lines[-1] + 0.5
    assert y1 - y0 <= 4 * sample.staff_space + 2
    assert (x0, x1) == (sample.staff_space, sample.width - sample.staff_space)  # one staff space of margin


def test_half_note_head_is_hollow_in_mask_and_quarter_is_filled():
    half, quarter = one_note("C", 5, "half"), one_note("C", 5, "quarter")
    for sample, centre_class in ((half, "background"), (quarter, "notehead_filled")):
        note = sample.notes[0]
        assert sample.mask[int(note.y), int(note.x)] == CLASS[centre_class]
    note = half.notes[0]
    ring = half.mask[int(note.y) - 5:int(note.y) + 6, int(note.x) - 6:int(note.x) + 7]
    assert (ring == CLASS["notehead_hollow"]).sum() > 10
    assert half.image[int(note.y), int(note.x)] > 200


@pytest.mark.parametrize("step, octave, lines", [("C", 4, 1), ("A", 3, 2), ("A", 5, 1), ("C", 6, 2), ("E", 4, 0),
                                                 ("G", 5, 0)])
def test_ledger_lines_appear_where_the_pitch_needs_them(step, octave, lines):
    sample = one_note(step, octave)
    note = sample.notes[0]
    s = sample.staff_space
    # Left of the head (away from an up stem), on the rows of the ledger positions.
    columns = sample.mask[:, int(note.x - 0.9 * s)]
    rows = np.nonzero(columns == CLASS["ledger_line"])[0]
    assert len(rows) == lines
    for row in rows:
        assert round((sample.staff_lines[-1] - row - 0.5) / (s / 2)) % 2 == 0  # on a line position


def test_stems_follow_the_usual_rule_unless_fixed():
    def stem_below_head(sample):
        ys, _ = np.nonzero(sample.mask == CLASS["stem"])
        return ys.mean() > sample.notes[0].y

    assert stem_below_head(one_note("B", 4))  # middle line: down
    assert not stem_below_head(one_note("A", 4))  # below the middle line: up
    assert not stem_below_head(one_note("B", 4, stem_direction="up"))
    assert stem_below_head(one_note("E", 4, stem_direction="down"))


@pytest.mark.parametrize("accidental, alter", [("sharp", 1), ("flat", -1), ("natural", 0)])
def test_accidental_is_drawn_left_of_its_head_with_its_own_class(accidental, alter):
    sample = render_staff(Staff((Note("F", 4, "quarter", alter, accidental),)), RenderStyle())
    (acc_box,) = [b for b in sample.boxes if b.label == accidental]
    (head_box,) = [b for b in sample.boxes if b.label == "notehead_filled"]
    assert acc_box.xyxy[2] <= head_box.xyxy[0] + 1
    assert (sample.mask == CLASS[accidental]).sum() > 10
    assert sample.notes[0].alter == alter


def test_clef_and_barlines_have_masks_and_boxes():
    staff = Staff(tuple(Note("G", 4) for _ in range(5)), clef=True, barlines_after=(3, 4))
    sample = render_staff(staff, RenderStyle())
    labels = [b.label for b in sample.boxes]
    assert labels.count("clef") == 1 and labels.count("barline") == 2
    assert (sample.mask == CLASS["clef"]).sum() > 40 and (sample.mask == CLASS["barline"]).sum() > 40


def test_staff_from_notes_renders_the_given_pitches():
    notes = [SymbolicNote("C", 4), SymbolicNote("F", 5, 1, "half"), SymbolicNote("B", 4, -1)]
    sample = render_staff(staff_from_notes(notes, clef=True), RenderStyle())
    assert [(n.step, n.octave, n.alter, n.duration) for n in sample.notes] == [
        ("C", 4, 0, "quarter"), ("F", 5, 1, "half"), ("B", 4, -1, "quarter")]
    assert {b.label for b in sample.boxes} >= {"sharp", "flat", "clef"}


def test_fixed_width_that_cannot_hold_the_notes_is_refused():
    with pytest.raises(ValueError, match="fixed at 40 px"):
        render_staff(Staff(tuple(Note("G", 4) for _ in range(4))), RenderStyle(width=40))


def test_note_builder_refuses_an_incomplete_note():
    with pytest.raises(ValueError, match="missing pitch"):
        NoteBuilder().quarter().build()
    with pytest.raises(ValueError, match="missing note type"):
        NoteBuilder().pitch("C", 4).build()
    note = NoteBuilder().pitch("F", 4, alter=1).half().stem("down").build()
    assert (note.accidental, note.note_type, note.stem_up) == ("sharp", "half", False)


def test_note_refuses_an_accidental_that_contradicts_its_alter():
    with pytest.raises(ValueError, match="sharp"):
        Note("F", 4, "quarter", -1, "sharp")


def test_key_signature_prints_its_accidentals_without_changing_the_notes():
    notes = (Note("F", 5), Note("C", 5))
    plain = render_staff(Staff(notes, clef=True), RenderStyle())
    keyed = render_staff(Staff(notes, clef=True, key_signature=3), RenderStyle())
    flats = render_staff(Staff(notes, clef=True, key_signature=-2), RenderStyle())
    assert [b.label for b in keyed.boxes].count("sharp") == 3 and [b.label for b in flats.boxes].count("flat") == 2
    assert [(n.step, n.octave, n.alter) for n in keyed.notes] == [(n.step, n.octave, n.alter) for n in plain.notes]
    # The first sharp sits on the top line (F5), left of every head, and the heads move right to make room.
    first_sharp = next(b for b in keyed.boxes if b.label == "sharp")
    assert abs((first_sharp.xyxy[1] + first_sharp.xyxy[3]) / 2 - keyed.staff_lines[0]) < 2
    assert first_sharp.xyxy[2] < keyed.notes[0].x and keyed.notes[0].x > plain.notes[0].x


def test_random_staves_get_clefs_and_keys_at_the_configured_rate():
    config = RandomConfig(clef_probability=0.5, key_signature_max=4)
    staves = [config.random(np.random.default_rng(seed)) for seed in range(200)]
    clefs = sum(staff.clef for staff in staves)
    assert 70 < clefs < 130
    assert all(staff.key_signature == 0 for staff in staves if not staff.clef)
    assert {staff.key_signature for staff in staves if staff.clef} == set(range(-4, 5))


def test_a_staff_of_events_prints_the_natural_a_reader_needs_against_the_key():
    from omr.music.events import SymbolicNote

    events = (SymbolicNote("F", 4, 0), SymbolicNote("F", 4, 1), SymbolicNote("C", 5, 1))
    staff = staff_from_notes(events, clef=True, key_fifths=1)
    assert [note.accidental for note in staff.notes] == ["natural", None, "sharp"]
    rendered = render_staff(staff)
    assert [n.alter for n in rendered.events] == [0, 1, 1]
