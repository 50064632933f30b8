"""A scripted HTTP server on 127.0.0.1 for unit tests of the transport.

Tests queue the responses a route must give (status, JSON or raw body, headers, a delay, or a
dropped connection) and read back every request it received. Real sockets, no mocking of aiohttp.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import attrs
from aiohttp import web


@attrs.frozen(kw_only=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    json: Any = None
    body: bytes | None = None
    headers: dict[str, str] = attrs.field(factory=dict)
    delay: float = 0.0
    drop: bool = False


@attrs.frozen(kw_only=True)
class Seen:
    """One request the server received."""

    method: str
    raw_path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes


@attrs.define
class ScriptedServer:
    """Queue replies with :meth:`script`; unscripted requests get 599 so a test notices."""

    url: str = ""
    requests: list[Seen] = attrs.field(factory=list)
    _queues: dict[tuple[str, str], deque[Reply]] = attrs.field(factory=lambda: defaultdict(deque))

    def script(self, method: str, path: str, *replies: Reply) -> None:
        self._queues[(method, path)].extend(replies)

    def count(self, method: str, path: str) -> int:
        return sum(1 for r in self.requests if r.method == method and r.raw_path == path)

    async def _handle(self, request: web.BaseRequest) -> web.StreamResponse:
        body = await request.read()
        raw_path = request.raw_path.split("?", 1)[0]
        self.requests.append(
            Seen(
                method=request.method,
                raw_path=raw_path,
                query=dict(request.query),
                headers=dict(request.headers),
                body=body,
            )
        )
        queue = self._queues.get((request.method, raw_path))
        if not queue:
            return web.Response(status=599, text=f"unscripted {request.method} {raw_path}")
        reply = queue.popleft() if len(queue) > 1 else queue[0]
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.drop:
            assert request.transport is not None
            request.transport.close()
            return web.Response(status=500)
        payload = reply.body if reply.body is not None else json.dumps(reply.json).encode()
        headers = {"Content-Type": "application/json", **reply.headers}
        return web.Response(status=reply.status, body=payload, headers=headers)


@asynccontextmanager
async def scripted_server() -> AsyncIterator[ScriptedServer]:
    """Run a :class:`ScriptedServer` on an ephemeral 127.0.0.1 port."""
    server = ScriptedServer()
    low_level = web.Server(server._handle)
    runner = web.ServerRunner(low_level)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    server.url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        await runner.cleanup()
