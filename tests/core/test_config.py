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


def test_step_budgets_are_one_number_or_one_per_regime():
    from omr.train import TrainConfig

    shared = build_config(TrainConfig, {"loss": "ssd", "steps": 40}, "train.detection")
    per_regime = build_config(TrainConfig, {"loss": "ssd", "steps": {"v01": 40, "v02_aug": 90}}, "train.detection")
    assert shared.steps_for("v02_aug", "train.detection") == 40
    assert per_regime.steps_for("v02_aug", "train.detection") == 90
    with pytest.raises(ValueError, match=r"train.detection.steps: no budget for regime 'v01_aug'"):
        per_regime.steps_for("v01_aug", "train.detection")
    with pytest.raises(ConfigError, match=r"train.detection.steps.v01: expected an integer"):
        build_config(TrainConfig, {"loss": "ssd", "steps": {"v01": "many"}}, "train.detection")


def test_crop_width_is_refused_for_the_regression():
    from omr.approaches import get_approach
    from omr.train import TrainConfig

    config = build_config(TrainConfig, {"loss": "smoothed_bce", "crop_width": 128}, "train.regression")
    with pytest.raises(ValueError, match=r"train.regression.crop_width: must be null"):
        get_approach("regression").check_train_config(config, "train.regression")
