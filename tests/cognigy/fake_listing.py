"""A pure, in-memory Cognigy listing for the pagination properties: no sockets, no clock.

Items are the integers ``0..total-1``. It answers the paging part of a query the way the
sandbox does (a page holds at most ``cap`` items; cursors name positions), with cursors on
every page, on none, or only on some (to exercise the switch from cursors to ``skip``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from bluejay_async.core.converter import structure
from bluejay_async.testing import bodies

CursorMode = Literal["always", "never", "sometimes"]


def run_json(position: int) -> dict[str, Any]:
    """A minimal valid run whose ``sequence`` is ``position``."""
    return bodies.cognigy_minimal_run_body(position)


@attrs.define
class FakeListing:
    total: int
    cap: int = 100
    cursors: CursorMode = "always"
    queries: list[dict[str, str]] = attrs.field(factory=list)

    def answer(self, params: Mapping[str, str]) -> dict[str, Any]:
        """The JSON body for one request's query parameters."""
        self.queries.append(dict(params))
        limit = int(params["limit"])
        size = min(limit, self.cap)
        if "next" in params:
            start = _position(params["next"])
        elif "previous" in params:
            stop = _position(params["previous"])
            start = max(0, stop - size)
            size = stop - start
        else:
            start = int(params.get("skip", "0"))
        items = list(range(start, min(self.total, start + size)))
        end = start + len(items)
        give = self.cursors == "always" or (self.cursors == "sometimes" and len(self.queries) % 2)
        return {
            "data": [run_json(i) for i in items],
            "pagination": {
                "limit": limit,
                "skip": start,
                "total": self.total,
                "hasNext": end < self.total,
                "hasPrevious": start > 0,
                "next": f"pos:{end}" if give and items and end < self.total else None,
                "previous": f"pos:{start}" if give and items and start > 0 else "",
            },
        }


def _position(cursor: str) -> int:
    assert cursor.startswith("pos:"), cursor
    return int(cursor[4:])


@attrs.define
class FakeTransport:
    """Stands in for ``Transport``: answers from a :class:`FakeListing`, decoding for real."""

    listing: FakeListing
    delay: float = 0.0

    async def request(
        self,
        method: str,
        path: str,
        *,
        into: type[Any],
        params: Mapping[str, str],
        json: Any = None,
    ) -> Any:
        assert method == "GET"
        await asyncio.sleep(self.delay)
        return structure(self.listing.answer(params), into)
