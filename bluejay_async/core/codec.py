"""JSON encode/decode: orjson when it is installed (the ``fast`` extra), the stdlib otherwise.

Both backends raise ``ValueError`` (``orjson.JSONDecodeError`` and ``json.JSONDecodeError`` are
subclasses) on malformed input, which is all callers rely on.
"""

from __future__ import annotations

import json
from typing import Any

_orjson: Any
try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised when the fast extra is absent
    _orjson = None

__all__ = ["BACKEND", "dumps", "loads"]

BACKEND = "orjson" if _orjson is not None else "json"


def loads(raw: bytes | str) -> Any:
    """Decode one JSON document."""
    if _orjson is not None:
        return _orjson.loads(raw)
    return json.loads(raw)


def dumps(obj: Any) -> bytes:
    """Encode one JSON document as compact UTF-8 bytes."""
    if _orjson is not None:
        return bytes(_orjson.dumps(obj))
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
