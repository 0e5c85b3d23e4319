"""Typed, frozen config objects built from plain mappings (a params.yaml section), validated once.

Stages load params.yaml and call `build_config(SomeConfig, section, "datasets.v02")`; the library only ever sees the
dataclass. Errors name the full key and what was expected, so a user can fix params.yaml from the message alone.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from pathlib import Path
from typing import Any, Literal, Mapping, TypeVar

import yaml

T = TypeVar("T")


class ConfigError(ValueError):
    """A params value with the wrong name, type or range; the message names the key."""


def load_params(path: Path = Path("params.yaml")) -> dict:
    """Read params.yaml as a mapping, with a one-line error for a missing or malformed file."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}: not valid YAML ({str(error).splitlines()[0]})") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def section(params: Mapping, dotted_key: str) -> Any:
    """params['a']['b'] for 'a.b', with an error naming the missing key."""
    value: Any = params
    walked = []
    for part in dotted_key.split("."):
        walked.append(part)
        if not isinstance(value, Mapping) or part not in value:
            raise ConfigError(f"params.yaml: missing key {'.'.join(walked)}")
        value = value[part]
    return value


def seed_list(value: Any, key: str = "seeds") -> tuple[int, ...]:
    """params.yaml `seeds`: a non-empty list of distinct non-negative integers, in the order they train."""
    if not isinstance(value, list) or not value:
        raise ConfigError(f"params.yaml: {key}: expected a non-empty list of seeds, e.g. [0, 1, 2], got {value!r}")
    if not all(isinstance(seed, int) and not isinstance(seed, bool) and seed >= 0 for seed in value):
        raise ConfigError(f"params.yaml: {key}: every seed must be an integer >= 0, got {value!r}")
    if len(set(value)) != len(value):
        raise ConfigError(f"params.yaml: {key}: a seed is listed twice in {value!r}")
    return tuple(value)


def build_config(cls: type[T], data: Mapping | None, key: str) -> T:
    """Build dataclass `cls` from `data`, rejecting unknown keys and wrong types; `key` prefixes error messages."""
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise ConfigError(f"params.yaml: {key}: expected a mapping, got {type(data).__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise ConfigError(f"params.yaml: {key}.{unknown[0]}: unknown key (known: {', '.join(sorted(fields))})")
    hints = typing.get_type_hints(cls)
    values = {}
    for name, field in fields.items():
        if name in data:
            values[name] = _coerce(hints[name], data[name], f"{key}.{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ConfigError(f"params.yaml: {key}.{name}: missing required key")
    try:
        return cls(**values)
    except (ValueError, TypeError) as error:
        message = str(error)
        raise ConfigError(message if message.startswith("params.yaml") else f"params.yaml: {key}: {message}") from error


def _coerce(hint: Any, value: Any, key: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if dataclasses.is_dataclass(hint):
        return build_config(hint, value, key)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        errors = []
        for option in options:
            try:
                return _coerce(option, value, key)
            except ConfigError as error:
                errors.append((_same_shape(option, value), str(error)))
        # Report the option the value was evidently meant as (a mapping for dict[...]), else the first.
        raise ConfigError(max(errors, key=lambda e: e[0])[1])
    if origin is Literal:
        if value not in args:
            raise ConfigError(f"params.yaml: {key}: expected one of {list(args)}, got {value!r}")
        return value
    if origin is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"params.yaml: {key}: expected a mapping, got {value!r}")
        key_hint, value_hint = args
        return {_coerce(key_hint, k, key): _coerce(value_hint, v, f"{key}.{k}") for k, v in value.items()}
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"params.yaml: {key}: expected a list, got {value!r}")
        item_hint = args[0] if args else Any
        if len(args) == 2 and args[1] is Ellipsis or len(args) <= 1:
            return tuple(_coerce(item_hint, v, f"{key}[{i}]") for i, v in enumerate(value))
        if len(value) != len(args):
            raise ConfigError(f"params.yaml: {key}: expected a list of {len(args)} items, got {value!r}")
        return tuple(_coerce(h, v, f"{key}[{i}]") for i, (h, v) in enumerate(zip(args, value)))
    if hint is Any:
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"params.yaml: {key}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"params.yaml: {key}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"params.yaml: {key}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"params.yaml: {key}: expected a string, got {value!r}")
        return value
    raise TypeError(f"build_config cannot handle the type {hint!r} of {key}")


def _same_shape(hint: Any, value: Any) -> bool:
    """Whether `value` has the container kind of `hint` (mapping vs list vs scalar)."""
    origin = typing.get_origin(hint)
    if origin is dict or dataclasses.is_dataclass(hint):
        return isinstance(value, Mapping)
    if origin is tuple:
        return isinstance(value, (list, tuple))
    return not isinstance(value, (Mapping, list, tuple))
