"""Typed reading of TOML tables into dataclasses, shared by settings and contracts.

A dataclass field is a user-facing key unless its metadata says `config=False`. Values keep
their native TOML types (booleans stay booleans, lists become tuples); every unknown key and
every wrong type becomes a `Problem` naming the key, the expected type and the near miss.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from typing import Any

from .errors import Problem, did_you_mean

_TYPE_NAMES = {str: "a string", bool: "a boolean (true or false)", int: "an integer"}


def config_fields(cls: type) -> dict[str, dataclasses.Field[Any]]:
    return {
        f.name: f
        for f in dataclasses.fields(cls)
        if f.metadata.get("config", True)
    }


def read_table(
    cls: type,
    table: Mapping[str, Any],
    *,
    where: Problem,
    skip: frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], list[Problem]]:
    """Convert `table` into keyword arguments for `cls`; `where` supplies file/line/contract."""
    fields = config_fields(cls)
    hints = typing.get_type_hints(cls)
    kwargs: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in table.items():
        if key in skip:
            continue
        if key not in fields:
            problems.append(dataclasses.replace(
                where, key=key, message=f"unknown key{did_you_mean(key, fields)}"
            ))
            continue
        converted, error = _convert(value, hints[key])
        if error:
            problems.append(dataclasses.replace(where, key=key, message=error))
        else:
            kwargs[key] = converted
    for name, f in fields.items():
        required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        if required and name not in table and name not in skip:
            problems.append(dataclasses.replace(where, key=name, message="required key is missing"))
    return kwargs, problems


def _describe(expected: Any) -> str:
    origin = typing.get_origin(expected)
    if origin is tuple:
        return "a list of strings"
    if origin is dict:
        return "a table of strings"
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in typing.get_args(expected) if a is not type(None))
    return _TYPE_NAMES.get(expected, str(expected))


def _convert(value: Any, expected: Any) -> tuple[Any, str | None]:
    """Return (converted value, None) or (None, message)."""
    origin = typing.get_origin(expected)
    wrong = f"expected {_describe(expected)}, got {toml_type(value)}"
    if origin in (typing.Union, types.UnionType):
        return _convert_to_union(value, expected, wrong)
    if origin is tuple:
        if isinstance(value, str):
            return None, f"expected a list of strings, got a string (write [\"{value}\"])"
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return None, wrong
        return tuple(value), None
    if origin is dict:
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            return None, wrong
        return dict(value), None
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int):
            return None, wrong
        return value, None
    if not isinstance(value, expected):
        return None, wrong
    return value, None


def _convert_to_union(value: Any, expected: Any, wrong: str) -> tuple[Any, str | None]:
    """The value as the first type of the union that takes it (TOML has no None: an
    optional key is one left out), else the message `wrong`."""
    for option in typing.get_args(expected):
        if option is type(None):
            continue
        converted, error = _convert(value, option)
        if error is None:
            return converted, None
    return None, wrong


def toml_type(value: Any) -> str:
    """How a message names a TOML value: its kind, and a scalar's value."""
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, str):
        return f"a string (\"{value}\")"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a float ({value})"
    if isinstance(value, list):
        return "a list" if all(isinstance(v, str) for v in value) else "a list of non-strings"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
