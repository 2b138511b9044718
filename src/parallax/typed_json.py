"""Typed records back from the JSON they were stored as.

The inverse of ``dataclasses.asdict`` (with dates as ISO 8601 text) for the
records of ``parallax.model``, driven by their type hints, so a field added to
a record is read back without another line here.  Stored JSON outlives the
code that wrote it, so reading is lenient where it can be and strict where it
must: a field that is missing or of the wrong type takes its default when it
has one; an item of a list that lacks a required field is left out, so one
odd quote does not cost a story its briefing.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Hashable, Mapping
from dataclasses import MISSING, fields, is_dataclass
from datetime import date
from functools import cache
from typing import Any, TypeVar, Union, cast, get_args, get_origin, get_type_hints

T = TypeVar("T")


class Unreadable(ValueError):
    """The value cannot be read as the type asked for; the message says why."""


def read(cls: type[T], data: object) -> T:
    """An instance of the dataclass ``cls`` from ``data`` (a JSON object)."""
    result: T = _converter(cast(Hashable, cls))(data)
    return result


Convert = Callable[[object], Any]


@cache
def _converter(hint: Any) -> Convert:
    """The function that reads a value of type ``hint``, built once per type: a
    briefing holds hundreds of records, read on every story page."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        return _union(hint)
    if origin is list:
        return _list(_converter(get_args(hint)[0]))
    if is_dataclass(hint) and isinstance(hint, type):
        return _record(hint)
    if hint is date:
        return _date
    if hint is float:
        return _float
    if hint is int:
        return _int
    if hint in (str, bool):
        return _exactly(hint)
    raise TypeError(f"no JSON reader for {hint!r}")


def _record(cls: type[Any]) -> Convert:
    hints = get_type_hints(cls)
    plan = [
        (
            f.name,
            _converter(hints[f.name]),
            f.default is MISSING and f.default_factory is MISSING,
        )
        for f in fields(cls)
    ]

    def convert(data: object) -> Any:
        if not isinstance(data, Mapping):
            raise Unreadable(f"a {cls.__name__} is a JSON object, not {type(data).__name__}")
        values: dict[str, Any] = {}
        for name, field_value, required in plan:
            if name not in data:
                if required:
                    raise Unreadable(f"a {cls.__name__} needs {name!r}")
                continue
            try:
                values[name] = field_value(data[name])
            except Unreadable:
                if required:
                    raise
        return cls(**values)

    return convert


def _union(hint: Any) -> Convert:
    options = [_converter(a) for a in get_args(hint) if a is not type(None)]
    nullable = type(None) in get_args(hint)

    def convert(value: object) -> Any:
        if value is None and nullable:
            return None
        for option in options:
            try:
                return option(value)
            except Unreadable:
                continue
        raise Unreadable(f"{value!r} is none of {hint}")

    return convert


def _list(item: Convert) -> Convert:
    def convert(value: object) -> list[Any]:
        if not isinstance(value, list):
            raise Unreadable(f"expected a list, not {type(value).__name__}")
        kept = []
        for element in value:
            try:
                kept.append(item(element))
            except Unreadable:
                continue  # one bad item costs that item
        return kept

    return convert


def _exactly(kind: type) -> Convert:
    def convert(value: object) -> Any:
        if isinstance(value, kind):
            return value
        raise Unreadable(f"expected {kind.__name__}, not {value!r}")

    return convert


def _float(value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    raise Unreadable(f"expected a number, not {value!r}")


def _int(value: object) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise Unreadable(f"expected a whole number, not {value!r}")


def _date(value: object) -> date:
    """A date written in ISO 8601, to the day or cut to the month or the year
    ("2024-11", "2011": a timeline gives a date only as precisely as its sources)."""
    if isinstance(value, str):
        parts = value.split("-")
        try:
            if len(parts) == 1 and len(value) == 4:
                return date(int(value), 1, 1)
            if len(parts) == 2:
                return date(int(parts[0]), int(parts[1]), 1)
            return date.fromisoformat(value[:10])
        except ValueError:
            pass
    raise Unreadable(f"{value!r} is not an ISO 8601 date")
