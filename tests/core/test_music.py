import pytest

from omr.music.events import (
    PITCH_VECTOR_SIZE,
    SymbolicNote,
    pitch_from_index,
    pitch_from_staff_position,
    pitch_index,
    pitch_vector,
    staff_position,
    staff_position_y,
)


def test_pitch_vector_anchors_match_the_contract():
    assert pitch_index("A", 0) == 0
    assert pitch_index("C", 4) == 23
    assert pitch_index("D", 4) == 24
    assert pitch_index("C", 8) == 51 == PITCH_VECTOR_SIZE - 1


def test_pitch_index_round_trips_over_every_white_key():
    for index in range(PITCH_VECTOR_SIZE):
        assert pitch_index(*pitch_from_index(index)) == index


def test_pitch_outside_the_piano_is_refused():
    with pytest.raises(ValueError, match="A0..C8"):
        pitch_index("G", 0)
    with pytest.raises(ValueError, match="A0..C8"):
        pitch_index("D", 8)


def test_treble_staff_positions_put_e4_on_bottom_line_and_f5_on_top_line():
    assert staff_position("E", 4) == 0
    assert staff_position("B", 4) == 4  # middle line
    assert staff_position("F", 5) == 8
    assert staff_position("C", 4) == -2  # first ledger line below
    assert staff_position("A", 5) == 10  # first ledger line above
    assert pitch_from_staff_position(-2) == ("C", 4)
    assert pitch_from_staff_position(7) == ("E", 5)


def test_staff_position_y_goes_up_half_a_space_per_step():
    assert staff_position_y(0, bottom_line_y=80, staff_space=8) == 80
    assert staff_position_y(8, bottom_line_y=80, staff_space=8) == 48
    assert staff_position_y(-1, bottom_line_y=80, staff_space=8) == 84


def test_pitch_vector_is_multi_hot_and_ignores_accidentals_and_repeats():
    notes = [SymbolicNote("C", 4), SymbolicNote("C", 4, alter=1), SymbolicNote("E", 4)]
    vector = pitch_vector(notes)
    assert sum(vector) == 2
    assert vector[23] == vector[25] == 1


def test_note_names_spell_accidentals():
    assert SymbolicNote("F", 4, alter=1).spelled == "F#4"
    assert SymbolicNote("B", 4, alter=-1).spelled == "Bb4"
    assert SymbolicNote("B", 4, alter=-1).name == "B4"


def test_note_rejects_unknown_duration_with_a_clear_message():
    with pytest.raises(ValueError, match="duration"):
        SymbolicNote("C", 4, duration="64th")


def test_note_json_round_trip():
    note = SymbolicNote("G", 5, alter=-1, duration="half", x=12.5, y=40.0)
    assert SymbolicNote.from_json(note.to_json()) == note
