from dataclasses import dataclass
from typing import Literal

import pytest

from omr.config import ConfigError, build_config, load_params, section


@dataclass(frozen=True)
class Inner:
    size: int = 3


@dataclass(frozen=True)
class Example:
    name: str
    rate: float = 0.1
    kinds: tuple[str, ...] = ("a",)
    mode: Literal["fast", "slow"] = "fast"
    inner: Inner = Inner()
    path: str | None = None

    def __post_init__(self):
        if self.rate < 0:
            raise ValueError("params.yaml: example.rate: must be >= 0")


def test_valid_mapping_builds_a_typed_frozen_config():
    config = build_config(Example, {"name": "x", "rate": 1, "kinds": ["a", "b"], "inner": {"size": 5}}, "example")
    assert config == Example(name="x", rate=1.0, kinds=("a", "b"), inner=Inner(5))
    assert isinstance(config.rate, float)


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "x", "rat": 1}, "example.rat: unknown key"),
        ({"name": 3}, "example.name: expected a string"),
        ({"name": "x", "rate": "high"}, "example.rate: expected a number"),
        ({"name": "x", "mode": "medium"}, "example.mode: expected one of"),
        ({"name": "x", "inner": {"size": 1.5}}, "example.inner.size: expected an integer"),
        ({}, "example.name: missing required key"),
        ({"name": "x", "rate": -1}, "example.rate: must be >= 0"),
    ],
)
def test_bad_values_raise_one_line_error_naming_the_key(data, message):
    with pytest.raises(ConfigError, match=message.replace(".", r"\.")) as info:
        build_config(Example, data, "example")
    assert "\n" not in str(info.value)


def test_booleans_are_not_accepted_as_integers():
    with pytest.raises(ConfigError, match="expected an integer"):
        build_config(Inner, {"size": True}, "inner")


def test_section_names_the_missing_key():
    with pytest.raises(ConfigError, match="missing key a.b"):
        section({"a": {}}, "a.b")
    assert section({"a": {"b": 2}}, "a.b") == 2


def test_load_params_reports_malformed_yaml(tmp_path):
    bad = tmp_path / "params.yaml"
    bad.write_text("a: [1, 2\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_params(bad)
