"""JSON encoding for response bodies: orjson when importable, else the stdlib (same output)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def _std_dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _pick_dumps() -> Callable[[Any], bytes]:
    try:
        import orjson
    except ImportError:  # pragma: no cover - orjson is an optional extra
        return _std_dumps
    dumps: Callable[[Any], bytes] = orjson.dumps
    return dumps


dumps = _pick_dumps()
"""Serialise a JSON-compatible object to compact UTF-8 bytes."""
