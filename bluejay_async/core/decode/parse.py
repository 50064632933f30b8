"""Response bytes into JSON values, the first step of the pure path.

One rule on both decode paths: integers are exact at any size (up to Python's limit of 4,300
digits, past which the body is refused). Floats, ``NaN``, ``Infinity`` and numbers beyond the
float range are refused as invalid JSON, and so is text that is not UTF-8.

msgspec parses when it is installed (it keeps large integers exact, as the msgspec path does);
otherwise the standard library, with the same refusals. orjson is not used here: it turns an
integer beyond 64 bits into a float, silently changing its value.
"""

from __future__ import annotations

import json
import math
from typing import Any, NoReturn

__all__ = ["loads"]

_msgspec_decode: Any
_MsgspecDecodeError: Any
try:
    from msgspec import DecodeError as _MsgspecDecodeError
    from msgspec.json import decode as _msgspec_decode
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    _msgspec_decode = _MsgspecDecodeError = None


def _refuse_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"number {text[:40]} is beyond the float range")
    return value


def loads(raw: bytes) -> Any:
    """One JSON document; raises ``ValueError`` (or ``RecursionError``) when it is not one."""
    if _msgspec_decode is not None:
        try:
            return _msgspec_decode(raw)
        except _MsgspecDecodeError as exc:  # a ValueError only from msgspec 0.19 on
            raise ValueError(str(exc)) from exc
    return _loads_stdlib(raw)


def _loads_stdlib(raw: bytes) -> Any:
    # Decoding first refuses what json.loads(bytes) would let through: a byte-order mark and
    # UTF-8-encoded surrogates.
    text = raw.decode("utf-8")
    return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
