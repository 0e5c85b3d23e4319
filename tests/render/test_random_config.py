import numpy as np
import pytest

from omr.config import ConfigError, build_config, load_params
from omr.render import RandomConfig
from omr.render.dataset import DatasetConfig
from omr.music.events import staff_position


@pytest.mark.parametrize(
    "kwargs, key",
    [
        (dict(min_notes=5, max_notes=3), "min_notes"),
        (dict(min_notes=0), "min_notes"),
        (dict(lowest_pitch="C6", highest_pitch="C4"), "lowest_pitch"),
        (dict(lowest_pitch="H4"), "lowest_pitch"),
        (dict(note_types=("quarter", "64th")), "note_types"),
        (dict(note_types=()), "note_types"),
        (dict(stem_directions=("sideways",)), "stem_directions"),
        (dict(accidentals=("double_sharp",)), "accidentals"),
        (dict(accidental_probability=1.5), "accidental_probability"),
    ],
)
def test_impossible_random_config_is_refused_naming_the_key(kwargs, key):
    with pytest.raises(ConfigError, match=key):
        RandomConfig(**kwargs)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"max_notes": "8"}, "datasets.v02.max_notes: expected an integer"),
        ({"bogus": 1}, "datasets.v02.bogus: unknown key"),
        ({"min_notes": 9, "max_notes": 8, "test": 1}, "datasets.v02: min_notes"),
        ({"note_types": ["quarter", "64th"], "test": 1}, "note_types"),
    ],
)
def test_bad_dataset_params_give_one_line_errors_naming_the_key(data, message):
    with pytest.raises(ConfigError, match=message) as error:
        build_config(DatasetConfig, data, "datasets.v02")
    assert "\n" not in str(error.value)


def test_random_staff_stays_within_the_config():
    config = RandomConfig(min_notes=3, max_notes=5, lowest_pitch="C4", highest_pitch="A5", note_types=("half",),
                          stem_directions=("down",), accidental_probability=1.0, accidentals=("flat",))
    rng = np.random.default_rng(0)
    for _ in range(50):
        staff = config.random(rng)
        assert 3 <= len(staff.notes) <= 5
        for note in staff.notes:
            assert -2 <= staff_position(note.step, note.octave) <= 10
            assert (note.note_type, note.stem_direction, note.accidental, note.alter) == ("half", "down", "flat", -1)


def test_barlines_close_each_four_beat_measure_and_the_staff():
    config = RandomConfig(min_notes=12, max_notes=12, note_types=("quarter",), barlines=True)
    staff = config.random(np.random.default_rng(0))
    assert staff.barlines_after == (3, 7, 11)


def test_params_yaml_datasets_build_and_match_the_contract():
    datasets = load_params()["datasets"]
    configs = {name: build_config(DatasetConfig, datasets[name], f"datasets.{name}")
               for name in ("v01", "v02", "v01_3notes", "long")}
    assert set(configs["v01"].splits) == set(configs["v02"].splits) == {"train", "val", "test"}
    assert set(configs["v01_3notes"].splits) == set(configs["long"].splits) == {"test"}
    v01 = configs["v01"]
    assert (v01.min_notes, v01.max_notes, v01.note_types, v01.stem_directions, v01.accidental_probability,
            v01.clef_probability) == (2, 2, ("quarter",), ("up",), 0.0, 0.0)
    assert configs["v01_3notes"].min_notes == configs["v01_3notes"].max_notes == 3
    assert configs["long"].clef_probability == 1.0 and configs["long"].barlines and configs["long"].staff_space != 8
    assert (configs["v02"].min_notes, configs["v02"].max_notes) == (1, 16)


# --- real notation (v03): NotationConfig --------------------------------------------------------------------------
from omr.music.events import TIME_SIGNATURES, key_alters, sounding_alters  # noqa: E402
from omr.render.notation import NotationConfig  # noqa: E402

NOTATION = NotationConfig()


def random_staves(config=NOTATION, seeds=range(200)):
    for seed in seeds:
        yield config.random(np.random.default_rng(seed))


def notes_with_measures(staff):
    """(note, measure number, tied from the previous note) for each note of the staff."""
    result, measure = [], 0
    for index, event in enumerate(staff.notes):
        previous = staff.notes[index - 1] if index else None
        if event.kind == "note":
            result.append((event, measure, previous is not None and previous.kind == "note" and previous.tie))
        measure += index in staff.barlines_after
    return result


def test_ties_join_a_note_to_the_next_event_of_equal_pitch_only():
    ties = 0
    for staff in random_staves():
        for event, following in zip(staff.notes, staff.notes[1:]):
            if event.kind == "note" and event.tie:
                ties += 1
                assert following.kind == "note"
                assert (following.step, following.octave, following.alter) == (event.step, event.octave, event.alter)
        assert not (staff.notes[-1].kind == "note" and staff.notes[-1].tie)
    assert ties > 50


def test_printed_accidentals_and_the_key_give_back_the_sounding_alter():
    printed = 0
    for staff in random_staves():
        triples = notes_with_measures(staff)
        alters = sounding_alters([(n.step, n.octave, n.accidental) for n, _, _ in triples], staff.key_signature,
                                 [m for _, m, _ in triples], [t for _, _, t in triples])
        assert alters == [n.alter for n, _, _ in triples]
        printed += sum(n.accidental is not None for n, _, _ in triples)
    assert printed > 100


def test_a_courtesy_natural_follows_an_altered_note_of_the_previous_measure():
    courtesy = 0
    for staff in random_staves(NotationConfig(accidental_probability=0.4)):
        triples = notes_with_measures(staff)
        key = key_alters(staff.key_signature)
        for index, (note, measure, tied) in enumerate(triples):
            earlier_in_measure = [n for n, m, _ in triples[:index] if m == measure and (n.step, n.octave) ==
                                  (note.step, note.octave)]
            if note.accidental is None or earlier_in_measure or note.alter != key[note.step]:
                continue
            # A sign the key alone would not need: the previous measure altered this step and octave.
            courtesy += 1
            previous = [n for n, m, _ in triples[:index] if m == measure - 1 and (n.step, n.octave) ==
                        (note.step, note.octave)]
            assert previous and previous[-1].alter != note.alter
    assert courtesy > 5


def test_notation_staves_show_clef_key_time_and_close_with_a_barline():
    clefs, times = set(), set()
    for staff in random_staves(seeds=range(100)):
        assert staff.clef and staff.barlines_after[-1] == len(staff.notes) - 1
        assert 1 <= len(staff.barlines_after) <= 4
        clefs.add(staff.clef_sign)
        times.add(staff.time_signature)
        for event in staff.notes:
            if event.kind == "note":
                assert -4 <= staff.position_of(event) <= 12
    assert clefs == {"treble", "bass"} and times >= {"2/4", "3/4", "4/4", "6/8", "3/8", "2/2", "C"}


def test_distractor_probabilities_of_zero_turn_them_off():
    config = NotationConfig(slur_probability=0, staccato_probability=0, fermata_probability=0,
                            dynamics_probability=0, tie_probability=0, rest_probability=0, accidental_probability=0)
    for staff in random_staves(config, range(50)):
        assert staff.slurs == () and staff.dynamics == ()
        assert all(e.kind == "note" and e.articulation is None and not e.tie for e in staff.notes)
        assert all(e.alter == key_alters(staff.key_signature)[e.step] for e in staff.notes)


@pytest.mark.parametrize(
    "kwargs, key",
    [
        (dict(min_measures=0), "min_measures"),
        (dict(time_signatures=("11/16",)), "time_signatures"),
        (dict(time_signature_weights=(1.0, 2.0)), "time_signature_weights"),
        (dict(breve_weight=-1.0), "breve_weight"),
        (dict(tuplet_probability=1.5), "tuplet_probability"),
        (dict(grace_probability=-0.1), "grace_probability"),
        (dict(measure_rest_probability=2.0), "measure_rest_probability"),
        (dict(change_probability=1.1), "change_probability"),
        (dict(clefs=("alto",)), "clefs"),
        (dict(clef_weights=(1.0,)), "clef_weights"),
        (dict(key_fifths_min=-8), "key_fifths_min"),
        (dict(bass_positions=(6, 2)), "bass_positions"),
        (dict(tie_probability=2.0), "tie_probability"),
        (dict(durations=(1.0, 1.0)), "durations"),
    ],
)
def test_impossible_notation_config_is_refused_naming_the_key(kwargs, key):
    with pytest.raises(ConfigError, match=key):
        NotationConfig(**kwargs)


def test_a_dataset_with_a_notation_section_draws_real_notation():
    config = build_config(DatasetConfig, {"test": 1, "notation": {"max_measures": 2, "clefs": ["bass"],
                                                                  "clef_weights": [1]}}, "datasets.x")
    staff = config.random(np.random.default_rng(0))
    assert staff.clef_sign == "bass" and len(staff.barlines_after) <= 2


def test_v02_f_without_accidental_under_a_one_sharp_key_sounds_f_sharp():
    v02 = build_config(DatasetConfig, load_params()["datasets"]["v02"], "datasets.v02")
    checked = 0
    for seed in range(400):
        staff = v02.random(np.random.default_rng(seed))
        if staff.key_signature != 1:
            continue
        for note in staff.notes:
            if note.accidental is not None:
                assert note.alter == {"sharp": 1, "flat": -1}[note.accidental]  # v02: a sign holds for its note
            else:
                assert note.alter == (1 if note.step == "F" else 0)
                checked += note.step == "F"
    assert checked > 0


def test_long_accidentals_hold_to_the_barline():
    long = build_config(DatasetConfig, load_params()["datasets"]["long"], "datasets.long")
    held = 0
    for seed in range(30):
        staff = long.random(np.random.default_rng(seed))
        measure, in_force = 0, {}
        for index, note in enumerate(staff.notes):
            if note.accidental is not None:
                in_force[(note.step, note.octave)] = note.alter
            else:
                expected = in_force.get((note.step, note.octave), 0)
                held += expected != 0
                assert note.alter == expected
            if index in staff.barlines_after:
                in_force = {}
    assert held > 0


def test_chromatic_notes_are_never_e_sharp_b_sharp_f_flat_or_c_flat_where_the_key_leaves_the_step_alone():
    chromatic = 0
    for staff in random_staves(NotationConfig(accidental_probability=0.5), range(100)):
        key = key_alters(staff.key_signature)
        for note in staff.notes:
            if note.kind == "note" and key[note.step] == 0 and note.alter != 0:
                chromatic += 1
                assert (note.step, note.alter) not in {("E", 1), ("B", 1), ("F", -1), ("C", -1)}
    assert chromatic > 100


def test_params_yaml_v03_is_real_notation_with_every_meter_both_clefs_and_all_keys():
    v03 = build_config(DatasetConfig, load_params()["datasets"]["v03"], "datasets.v03")
    assert set(v03.splits) == {"train", "val", "test"} and v03.notation is not None
    assert set(v03.notation.time_signatures) == set(TIME_SIGNATURES)  # issue 29's meters (3/2 .. 7/8, C|) too
    assert set(v03.notation.clefs) == {"treble", "bass"}
    assert (v03.notation.key_fifths_min, v03.notation.key_fifths_max) == (-7, 7)
    assert v03.staff_space == 8 and v03.height == 128
