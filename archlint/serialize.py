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
from collections.abc import Callable
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
    return _builder(cls)(data)


@functools.cache
def _builder(annotation: Any) -> Callable[[Any], Any]:
    """A function that turns data into a value of `annotation`, made once per annotation
    (a cached report is read on every warm check: reading the annotations anew for each
    value cost more than the rest of the lookup)."""
    if dataclasses.is_dataclass(annotation):
        hints = _hints(annotation)
        fields = [(f.name, hints[f.name]) for f in dataclasses.fields(annotation) if f.init]

        def build_dataclass(data: Any) -> Any:
            if data is None:
                return None
            return annotation(**{name: _builder(hint)(data[name])
                                 for name, hint in fields if name in data})
        return build_dataclass
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        concrete = [a for a in arguments if a is not type(None)]
        return _builder(concrete[0]) if len(concrete) == 1 else _unchanged
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        item = _builder(arguments[0])
        return _none_or(lambda data: tuple(item(value) for value in data))
    if origin is tuple and arguments:
        items = [_builder(a) for a in arguments]
        return _none_or(lambda data: tuple(b(value) for b, value in zip(items, data)))
    if origin is tuple:
        return _none_or(tuple)
    if origin in (list, frozenset, set):
        item = _builder(arguments[0]) if arguments else _unchanged
        return _none_or(lambda data: origin([item(value) for value in data]))
    if origin is dict:
        item = _builder(arguments[1])
        return _none_or(lambda data: {key: item(value) for key, value in data.items()})
    return _unchanged


def _none_or(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda data: None if data is None else build(data)


def _unchanged(data: Any) -> Any:
    return data


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """Resolved annotations (the model uses `from __future__ import annotations`)."""
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
