"""Data files (TOML) -> frozen dataclasses, checked field by field against the dataclass's types.

Design rules:
- The dataclass is the schema: its type hints say what each field may hold (str, int, float,
  bool, Literal[...], tuple[X, ...], fixed tuples, dict[K, V], unions, nested dataclasses);
  a field with a default may be left out, any other must be given, and unknown keys are
  refused. Checks that span fields live in the dataclass's own `__post_init__`.
- Every error names the path of the field ("ladder.steps[2].days"), what was found and what
  was expected, so the person editing the file can put it right.
- No I/O here: callers hand in the parsed data.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from functools import lru_cache
from typing import Any, Literal, Union


class SchemaError(ValueError):
    """A data file that does not fit its dataclass; the message names the field and the fix."""


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def build(cls: type, data: Any, path: str = "") -> Any:
    """An instance of dataclass `cls` built from `data`, or SchemaError naming the first misfit."""
    return _value(cls, data, path or cls.__name__)


def _value(hint: Any, data: Any, path: str) -> Any:
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint):
        return _dataclass(hint, data, path)
    if hint is Any:
        return data
    if origin is Literal:
        allowed = typing.get_args(hint)
        if data not in allowed or isinstance(data, bool) != any(isinstance(a, bool) for a in allowed):
            raise SchemaError(f"{path}: got {data!r}; use one of {', '.join(repr(a) for a in allowed)}")
        return data
    if origin in (Union, types.UnionType):
        errors = []
        for option in typing.get_args(hint):
            if option is type(None):
                if data is None:
                    return None
                continue
            try:
                return _value(option, data, path)
            except SchemaError as exc:
                errors.append(str(exc).split(": ", 1)[-1])
        raise SchemaError(f"{path}: {'; or '.join(errors)}")
    if origin is tuple:
        args = typing.get_args(hint)
        if not isinstance(data, (list, tuple)):
            raise SchemaError(f"{path}: got {data!r}; use a list")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], x, f"{path}[{i}]") for i, x in enumerate(data))
        if len(data) != len(args):
            raise SchemaError(f"{path}: got {len(data)} values; use exactly {len(args)}")
        return tuple(_value(a, x, f"{path}[{i}]") for i, (a, x) in enumerate(zip(args, data)))
    if origin is dict:
        key_hint, value_hint = typing.get_args(hint)
        if not isinstance(data, dict):
            raise SchemaError(f"{path}: got {data!r}; use a table")
        return {_value(key_hint, k, f"{path} key {k!r}"): _value(value_hint, v, f"{path}.{k}") for k, v in data.items()}
    if hint is float:
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            raise SchemaError(f"{path}: got {data!r}; use a number")
        return float(data)
    if hint in (int, str, bool):
        if not isinstance(data, hint) or (hint is int and isinstance(data, bool)):
            raise SchemaError(f"{path}: got {data!r}; use {'a whole number' if hint is int else 'text' if hint is str else 'true or false'}")
        return data
    raise TypeError(f"{path}: no reader for {hint!r}")  # pragma: no cover - a schema the loader does not know


def _dataclass(cls: type, data: Any, path: str) -> Any:
    if not isinstance(data, dict):
        raise SchemaError(f"{path}: got {data!r}; use a table")
    hints = _hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise SchemaError(f"{path}: unknown field {unknown[0]!r}; remove it, or use one of {', '.join(fields)}")
    values = {}
    for name, f in fields.items():
        where = f"{path}.{name}"
        if name in data:
            values[name] = _value(hints[name], data[name], where)
        elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            raise SchemaError(f"{where}: missing; add it")
    try:
        return cls(**values)
    except SchemaError:
        raise
    except ValueError as exc:  # a check across fields, from the dataclass's __post_init__
        raise SchemaError(f"{path}: {exc}") from None
