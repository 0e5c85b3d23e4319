"""StaffHeader: what a staff says around its events, validated once; a label still writes it as flat keys."""

import dataclasses
import json

import pytest

from omr.decode.tokens import events_from_tokens
from omr.music.events import StaffHeader, SymbolicNote, SymbolicRest
from omr.samples import SampleLabel


@pytest.mark.parametrize("fields, named", [
    ({"clef": "alto"}, "clef"),
    ({"key_fifths": 8}, "key_fifths"),
    ({"key_fifths": -8}, "key_fifths"),
    ({"time": "3/5"}, "time signature"),
    ({"time": "three/4"}, "time signature"),
])
def test_a_bad_header_field_is_refused_naming_it(fields, named):
    with pytest.raises(ValueError, match=named):
        StaffHeader(**fields)


def test_a_header_shows_nothing_by_default_and_takes_every_clef_key_and_meter_a_staff_may_print():
    assert StaffHeader() == StaffHeader(clef=None, key_fifths=0, time=None, barlines=())
    for clef in ("treble", "bass"):
        for key in (-7, 0, 7):
            for time in ("2/4", "6/8", "C", None):
                assert StaffHeader(clef, key, time).time == time


def test_a_label_is_refused_through_its_header():
    with pytest.raises(ValueError, match="key_fifths must be in -7..7"):
        SampleLabel.from_json({**_label().to_json(), "key_fifths": 9})


def _label() -> SampleLabel:
    return SampleLabel(
        id="000007", image="images/000007.png", width=96, height=128, staff_space=8.0,
        staff_lines=(48.0, 56.0, 64.0, 72.0, 80.0),
        events=(SymbolicNote("F", 5, 1, "eighth", x=30.12, y=44.0), SymbolicRest("quarter", x=50.0, y=64.0)),
        header=StaffHeader(clef="bass", key_fifths=-2, time="3/4", barlines=(41.5, 70.0)),
    )


def test_a_label_writes_its_header_as_the_flat_keys_of_the_contract_and_reads_back_equal():
    label = _label()
    data = label.to_json()
    assert list(data) == ["id", "image", "mask", "width", "height", "staff_space", "staff_lines", "clef",
                          "key_fifths", "time", "barlines", "events", "boxes", "pitch_vector"]
    assert (data["clef"], data["key_fifths"], data["time"], data["barlines"]) == ("bass", -2, "3/4", [41.5, 70.0])
    assert SampleLabel.from_json(json.loads(json.dumps(data))) == label


def test_a_label_rounds_its_barlines_as_its_other_x_to_the_hundredth_of_a_pixel():
    label = dataclasses.replace(_label(), header=StaffHeader(barlines=(41.456, 70.0)))
    assert label.to_json()["barlines"] == [41.46, 70.0]


def test_a_label_written_before_headers_had_keys_reads_as_showing_nothing():
    data = _label().to_json()
    for key in ("clef", "key_fifths", "time", "barlines"):
        del data[key]
    assert SampleLabel.from_json(data).header == StaffHeader()


def test_a_malformed_time_token_is_dropped_as_any_token_out_of_place():
    assert events_from_tokens(["time:3/5", "n2:4"]).header == StaffHeader()
    assert events_from_tokens(["clef:bass", "time:6/8", "n2:4"]).header == StaffHeader("bass", 0, "6/8")
