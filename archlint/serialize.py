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


def to_data(value: Any, shared: type | None = None) -> Any:
    """Dataclasses become dicts of their fields, tuples and lists become lists.

    With `shared`, the data is `{"shared": [...], "value": ...}`: every distinct instance of
    that dataclass is stored once in the table and referred to by its index (in a dense
    graph a hundred thousand chains are made of the same few thousand import statements).
    """
    if shared is None:
        return _encode(value, None, {})
    table: dict[Any, int] = {}
    data = _encode(value, shared, table)
    return {"shared": [_encode(item, None, {}) for item in table], "value": data}


def from_data(cls: type[T], data: Any, shared: type | None = None) -> T:
    """The inverse of `to_data` for an instance of the dataclass `cls`."""
    if shared is None:
        return _builder(cls, None)(data, ())
    table = tuple(_builder(shared, None)(item, ()) for item in data["shared"])
    return _builder(cls, shared)(data["value"], table)


def _encode(value: Any, shared: type | None, table: dict[Any, int]) -> Any:
    if shared is not None and type(value) is shared:
        return table.setdefault(value, len(table))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name), shared, table)
                for f in dataclasses.fields(value)}
    if isinstance(value, (tuple, list)):
        return [_encode(item, shared, table) for item in value]
    if isinstance(value, dict):
        return {key: _encode(item, shared, table) for key, item in value.items()}
    return value


Builder = Callable[[Any, tuple], Any]


@functools.cache
def _builder(annotation: Any, shared: type | None) -> Builder:
    """A function of (data, shared table) that makes a value of `annotation`, made once per
    annotation (a cached report is read on every warm check: reading the annotations anew
    for each value cost more than the rest of the lookup)."""
    if annotation is shared:
        return lambda data, table: table[data]
    if dataclasses.is_dataclass(annotation):
        hints = _hints(annotation)
        fields = [(f.name, hints[f.name]) for f in dataclasses.fields(annotation) if f.init]

        def build_dataclass(data: Any, table: tuple) -> Any:
            if data is None:
                return None
            return annotation(**{name: _builder(hint, shared)(data[name], table)
                                 for name, hint in fields if name in data})
        return build_dataclass
    origin = typing.get_origin(annotation)
    arguments = typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        concrete = [a for a in arguments if a is not type(None)]
        return _builder(concrete[0], shared) if len(concrete) == 1 else _unchanged
    if origin is tuple and len(arguments) == 2 and arguments[1] is Ellipsis:
        item = _builder(arguments[0], shared)
        return _none_or(lambda data, table: tuple(item(value, table) for value in data))
    if origin is tuple and arguments:
        items = [_builder(a, shared) for a in arguments]
        return _none_or(lambda data, table: tuple(
            build(value, table) for build, value in zip(items, data)))
    if origin is tuple:
        return _none_or(lambda data, table: tuple(data))
    if origin in (list, frozenset, set):
        item = _builder(arguments[0], shared) if arguments else _unchanged
        return _none_or(lambda data, table: origin([item(value, table) for value in data]))
    if origin is dict:
        item = _builder(arguments[1], shared)
        return _none_or(lambda data, table: {key: item(value, table)
                                             for key, value in data.items()})
    return _unchanged


def _none_or(build: Builder) -> Builder:
    return lambda data, table: None if data is None else build(data, table)


def _unchanged(data: Any, table: tuple) -> Any:
    return data


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """Resolved annotations (the model uses `from __future__ import annotations`)."""
    return typing.get_type_hints(cls, vars(sys.modules[cls.__module__]))
