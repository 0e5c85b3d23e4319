from omr.decode.spelling import key_from_signature, measure_numbers, sounding_notes
from omr.music.events import SymbolicNote


SPACE = 8.0


def test_key_signature_is_the_unattached_signs_left_of_the_first_head():
    signs = [("flat", 20.0, 60.0), ("flat", 28.0, 48.0), ("flat", 36.0, 64.0), ("sharp", 120.0, 60.0)]
    assert key_from_signature(signs, first_head_x=60.0, staff_space=SPACE) == -3


def test_a_stray_sign_does_not_flip_the_key():
    signs = [("sharp", 10.0, 44.0), ("sharp", 18.0, 56.0), ("flat", 26.0, 60.0)]
    assert key_from_signature(signs, first_head_x=60.0, staff_space=SPACE) == 2
    assert key_from_signature([("natural", 10.0, 60.0)], first_head_x=60.0, staff_space=SPACE) == 0
    assert key_from_signature([], first_head_x=None, staff_space=SPACE) == 0


def test_a_time_signatures_stacked_digits_read_as_sharps_are_not_a_key():
    # One flat, then a 4/4 whose two digits a model took for sharps (one column, upper and lower half).
    signs = [("flat", 20.0, 60.0), ("sharp", 34.0, 52.0), ("sharp", 34.5, 72.0)]
    assert key_from_signature(signs, first_head_x=60.0, staff_space=SPACE) == -1
    assert key_from_signature(signs[1:], first_head_x=60.0, staff_space=SPACE) == 0


def test_the_signature_ends_at_the_first_wide_gap():
    signs = [("sharp", 20.0, 44.0), ("sharp", 29.0, 56.0), ("sharp", 60.0, 60.0)]
    assert key_from_signature(signs, first_head_x=80.0, staff_space=SPACE) == 2


def test_without_barlines_an_accidental_holds_for_its_note_only():
    notes = [SymbolicNote("F", 4, accidental="natural", x=10), SymbolicNote("F", 4, x=30),
             SymbolicNote("B", 4, x=50)]
    sounded = sounding_notes(notes, key_fifths=1, barlines=())
    assert [n.alter for n in sounded] == [0, 1, 0]


def test_within_a_measure_an_accidental_holds_until_the_barline():
    notes = [SymbolicNote("C", 5, accidental="sharp", x=10), SymbolicNote("C", 5, x=30),
             SymbolicNote("C", 4, x=40), SymbolicNote("C", 5, x=70)]
    sounded = sounding_notes(notes, key_fifths=0, barlines=(50.0,))
    assert [n.alter for n in sounded] == [1, 1, 0, 0]
    assert measure_numbers([10, 30, 70], [50.0]) == [0, 0, 1]


def test_a_tied_note_keeps_its_alter_across_the_barline():
    notes = [SymbolicNote("G", 4, accidental="sharp", tie="start", x=10), SymbolicNote("G", 4, tie="stop", x=70),
             SymbolicNote("G", 4, x=90)]
    sounded = sounding_notes(notes, key_fifths=0, barlines=(50.0,))
    assert [n.alter for n in sounded] == [1, 1, 1]
