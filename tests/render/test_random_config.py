import numpy as np
import pytest

from omr.config import ConfigError, build_config, load_params
from omr.render import RandomConfig
from omr.render.dataset import DatasetConfig
from omr.music import staff_position


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
