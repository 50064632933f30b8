"""Reading back what the SDK sent to an ``aioresponses`` mock."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import yarl

if TYPE_CHECKING:
    from aioresponses import aioresponses

__all__ = ["sent_json"]


def sent_json(mock: aioresponses, method: str, url: str) -> list[Any]:
    """The decoded JSON body of every ``method`` request to ``url``, in order (None: no body).

    The SDK encodes request bodies itself and hands aiohttp the bytes (``data=``), so
    aioresponses' own ``assert_called_with(json=...)`` never matches; compare these instead::

        assert sent_json(m, "POST", f"{BASE}/v1/create-simulation") == [{"agent_id": "a1"}]
    """
    parsed = yarl.URL(url)
    key = (method.upper(), parsed.with_query(sorted(parsed.query.items())))
    calls = mock.requests.get(key, [])
    return [None if c.kwargs.get("data") is None else json.loads(c.kwargs["data"]) for c in calls]
