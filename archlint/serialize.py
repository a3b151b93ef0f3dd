"""Plain frozen dataclasses to JSON-ready data and back, driven by their type annotations.

The result cache stores a `Report` this way. Nothing here names a field of the model: a field
added to `Violation` or `ContractResult` round-trips as long as its annotation is built from
dataclasses, str/int/float/bool/None, tuples, lists, dicts with string keys and `X | None`.
"""

from __future__ import annotations

import dataclasses
import functools
import sys
import types
import typing
from typing import Any, TypeVar

T = TypeVar("T")


def to_data(value: Any) -> Any:
    """Dataclasses become dicts of their fields, tuples and lists become lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {key: to_data(item) for key, item in value.items()}
    return value


def from_data(cls: type[T], data: Any) -> T:
    """The inverse of `to_data` for an instance of the dataclass `cls`."""
    return _build(cls, data)


def _build(annotation: Any, data: Any) -> Any:
    if data is None:
        return None
    if dataclasses.is_dataclass(annotation):
        hints = _hints(annotation)
        return annotation(**{
            f.name: _build(hints[f.name], data[f.name])
            for f in dataclasses.fields(annotation) if f.name in data and f.init
        })
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        concrete = [a for a in arguments if a is not type(None)]
        return _build(concrete[0], data) if len(concrete) == 1 else data
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return tuple(_build(arguments[0], item) for item in data)
        if arguments:
            return tuple(_build(a, item) for a, item in zip(arguments, data))
        return tuple(data)
    if origin in (list, frozenset, set):
        built = [_build(arguments[0], item) for item in data] if arguments else list(data)
        return origin(built)
    if origin is dict:
        return {key: _build(arguments[1], item) for key, item in data.items()}
    return data


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """Resolved annotations (the model uses `from __future__ import annotations`)."""
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
