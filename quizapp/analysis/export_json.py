"""The report as JSON, for other programs; and the JSON Schema of that output.

Every field of `quizapp.analysis.model.Report` under its own name, dates in ISO 8601, and the computed
properties a reader would otherwise recompute (`COMPUTED`). Keys are sorted, after `format` and `version`
at the top, so two reports of the same data give the same text.

The schema is derived from the model's type hints, so it cannot drift from the output.
"""

from __future__ import annotations

import json
import math
import types
import typing
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from quizapp.analysis.model import ConfidenceRow, Figures, MockRow, Report, TrueRetention
from quizapp.analysis.pass_fail import PassFail

FORMAT = "quizapp-report"
VERSION = 1
"""Raised when a field changes meaning or goes away; adding a field keeps it."""

COMPUTED: dict[type, tuple[str, ...]] = {
    PassFail: ("count", "rate"),
    TrueRetention: ("total",),
    Figures: ("again_rate",),
    ConfidenceRow: ("rate",),
    MockRow: ("covered",),
    Report: ("empty",),
}
"""Properties exported beside the fields, by class."""


def to_json(report: Report) -> str:
    """The report as one line of JSON text (UTF-8 as is, no `\\u` escapes for CJK).

    Not `dataclasses.asdict`, which drops the properties and the classes needed to add them back. json's C
    encoder walks the report itself, calling `_object` only for dataclasses and dates: a Python walk over
    the 90k values of a 10k-question report took longer than the encoding. No `indent`, which only the
    Python encoder does (a report of 250 topics is 3 MB indented); `python -m json.tool` indents it for
    reading. A non-finite float (never expected) becomes null instead of the invalid JSON `NaN`.
    """
    try:
        body = json.dumps(report, default=_object, sort_keys=True, **_COMPACT)
    except ValueError:  # a NaN or an infinity somewhere: the Python walk makes it null
        body = json.dumps(_finite(report), default=_object, sort_keys=True, **_COMPACT)
    head = json.dumps({"format": FORMAT, "version": VERSION}, **_COMPACT)
    return f"{head[:-1]},{body[1:]}\n"  # format and version first, then every other key sorted


_COMPACT: dict[str, Any] = {
    "ensure_ascii": False, "allow_nan": False, "separators": (",", ":"), "check_circular": False,
}  # fmt: skip
"""One line, CJK as is, no NaN; the report is a tree (frozen dataclasses), which needs no check for cycles."""


@cache
def _names(cls: type) -> tuple[str, ...]:
    """The keys of a dataclass in the export: its fields and its COMPUTED properties."""
    return tuple([f.name for f in fields(cls)] + list(COMPUTED.get(cls, ())))


def _object(obj: object) -> object:
    """What json's encoder cannot write itself: a dataclass (a dict of its keys), a date or datetime (ISO 8601)."""
    kind = type(obj)
    if hasattr(kind, "__dataclass_fields__"):
        return {name: getattr(obj, name) for name in _names(kind)}  # type: ignore[arg-type]
    if isinstance(obj, date):  # and datetime, a subclass
        return obj.isoformat()
    raise TypeError(f"cannot export {kind.__name__} as JSON")


def _finite(obj: object) -> object:
    """`obj` with every non-finite float made None, dataclasses and dates turned as `_object` turns them."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {key: _finite(value) for key, value in obj.items()}
    if isinstance(obj, tuple | list):
        return [_finite(item) for item in obj]
    if hasattr(type(obj), "__dataclass_fields__") or isinstance(obj, date):
        return _finite(_object(obj))
    return obj


def _schema(hint: Any, defs: dict[str, Any]) -> dict[str, Any]:
    """The schema of values of one type hint of the model; dataclasses go to `defs`, once each."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        options = [_schema(arg, defs) for arg in args]
        if all(set(option) == {"type"} for option in options):
            return {"type": [option["type"] for option in options]}
        return {"anyOf": options}
    if origin is tuple:
        return {"type": "array", "items": _schema(args[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(args[1], defs)}
    if isinstance(hint, type) and is_dataclass(hint):
        if hint.__name__ not in defs:
            defs[hint.__name__] = {}  # a placeholder against recursion
            defs[hint.__name__] = _object_schema(hint, defs)
        return {"$ref": f"#/$defs/{hint.__name__}"}
    simple: dict[Any, dict[str, Any]] = {
        type(None): {"type": "null"},
        bool: {"type": "boolean"},
        int: {"type": "integer"},
        float: {"type": "number"},
        str: {"type": "string"},
        datetime: {"type": "string", "format": "date-time"},
        date: {"type": "string", "format": "date"},
    }
    if hint in simple:
        return simple[hint]
    raise TypeError(f"no JSON Schema for {hint!r}")


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties = {f.name: _schema(hints[f.name], defs) for f in fields(cls)}
    for name in COMPUTED.get(cls, ()):
        getter = getattr(cls, name).fget
        properties[name] = _schema(typing.get_type_hints(getter)["return"], defs)
    return {
        "type": "object",
        "description": " ".join((cls.__doc__ or "").split()),
        "properties": dict(sorted(properties.items())),
        "required": sorted(properties),
        "additionalProperties": False,
    }


def report_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of `to_json`'s output (built when asked: `schema --report` and the tests)."""
    defs: dict[str, Any] = {}
    report = _object_schema(Report, defs)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "quizapp report",
        **report,
        "properties": {"format": {"const": FORMAT}, "version": {"const": VERSION}, **report["properties"]},
        "required": ["format", "version", *report["required"]],
        "$defs": dict(sorted(defs.items())),
    }
