"""JSON encode/decode: orjson when it is installed (the ``fast`` extra), the stdlib otherwise.

Decoding: both backends raise ``ValueError`` (``orjson.JSONDecodeError`` and
``json.JSONDecodeError`` are subclasses) on malformed input, which is all callers rely on.

Encoding a request body follows one rule, the same with and without orjson:

- objects with ``str`` keys (a key of another type is refused, never turned into a string),
  arrays (``list``/``tuple``), strings, ``bool``, ``None``;
- integers of any size (beyond 64 bits too, exactly);
- finite floats (``NaN`` and infinities are refused: JSON has no such number);
- ``datetime``/``date``/``time`` as ISO 8601 (``isoformat()``), ``UUID`` as its canonical
  string, an ``Enum`` as its value;
- anything else (bytes, sets, dataclasses, ...) is refused.

A refusal is a ``TypeError`` or ``ValueError`` naming the JSON path of the value; the
transport raises it as ``InvalidRequestError`` before anything is sent. orjson only makes the
accepted bodies faster: whatever it cannot encode goes to the standard encoder, which decides.
"""

from __future__ import annotations

import datetime
import enum
import json
import math
import uuid
from collections.abc import Iterator
from typing import Any

_orjson: Any
try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    _orjson = None

__all__ = ["BACKEND", "dumps", "loads"]

BACKEND = "orjson" if _orjson is not None else "json"

_ORJSON_OPTIONS = (
    0 if _orjson is None else _orjson.OPT_PASSTHROUGH_DATETIME | _orjson.OPT_PASSTHROUGH_DATACLASS
)


def loads(raw: bytes | str) -> Any:
    """Decode one JSON document."""
    if _orjson is not None:
        return _orjson.loads(raw)
    return json.loads(raw)


def dumps(obj: Any) -> bytes:
    """Encode one JSON document as compact UTF-8 bytes, by the rule of the module notes.

    Raises:
        TypeError: a value or an object key of a type the rule refuses.
        ValueError: a float that is not finite, a string that is not valid Unicode, or a value
            that contains itself.
    """
    if _orjson is not None:
        try:
            encoded = _orjson.dumps(obj, default=_default, option=_ORJSON_OPTIONS)
        except _orjson.JSONEncodeError:
            pass  # beyond 64 bits, a str subclass as a key, deep nesting: the stdlib decides
        else:
            if b"null" in encoded:  # orjson writes NaN and the infinities as null
                _check(obj)
            return bytes(encoded)
    _check(obj)
    return json.dumps(
        obj, default=_default, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def _default(value: Any) -> Any:
    """The values the rule accepts beyond JSON's own types."""
    if isinstance(value, (datetime.date, datetime.time)):  # datetime is a date
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float):  # a float subclass (numpy's float64, ...)
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def _check(obj: Any) -> None:
    """Refuse the non-``str`` keys and non-finite floats that an encoder would let through."""
    for path, value in _walk(obj):
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):
                    raise TypeError(
                        f"object key {key!r} at {_render(path)} is a {type(key).__name__}; "
                        "JSON object keys must be strings"
                    )
        elif isinstance(value, float) and not math.isfinite(value):
            raise ValueError(
                f"{value!r} at {_render(path)} is not a JSON number (JSON has no NaN or Infinity)"
            )


_Path = tuple[Any, ...]
"""A linked path: ``(parent_path, key)``, or ``()`` for the root."""


def _walk(obj: Any) -> Iterator[tuple[_Path, Any]]:
    """Every value in ``obj`` with its path; each container once (a cycle ends the walk)."""
    seen: set[int] = set()
    stack: list[tuple[_Path, Any]] = [((), obj)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, enum.Enum):
            value = value.value
        yield path, value
        if isinstance(value, (dict, list, tuple)):
            if id(value) in seen:
                continue
            seen.add(id(value))
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend(((path, key), item) for key, item in items)


def _render(path: _Path) -> str:
    keys: list[Any] = []
    while path:
        path, key = path
        keys.append(key)
    return "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in reversed(keys))
