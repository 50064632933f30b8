"""Small hostile servers on 127.0.0.1: what a broken or malicious API could send back.

Each ``*_handler`` builds an ``aiohttp.web`` handler; :func:`hostile_server` serves one on an
ephemeral port and counts the requests it receives. The reliability tests use them with small
sizes, ``benchmarks/adversarial.py`` with large ones.
"""

from __future__ import annotations

import asyncio
import json
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import attrs
from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

MIB = 1024 * 1024


@attrs.define
class Hostile:
    """A running hostile server: its URL and the requests it received, per path."""

    url: str = ""
    requests: Counter[str] = attrs.field(factory=Counter)

    @property
    def total(self) -> int:
        """Every request received."""
        return sum(self.requests.values())


@asynccontextmanager
async def hostile_server(handler: Handler) -> AsyncIterator[Hostile]:
    """Serve ``handler`` (for every method and path) on an ephemeral 127.0.0.1 port."""
    hostile = Hostile()

    async def counted(request: web.Request) -> web.StreamResponse:
        hostile.requests[request.path] += 1
        return await handler(request)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", counted)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    hostile.url = f"http://127.0.0.1:{port}"
    try:
        yield hostile
    finally:
        await runner.cleanup()


# --- item 1: bodies without end ------------------------------------------------------------


def streamed_handler(total: int, *, status: int = 200, chunk: int = MIB) -> Handler:
    """A chunked body of ``total`` bytes (a JSON string, if it ever ended), no Content-Length."""
    piece = b" " * chunk

    async def handle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(status=status, headers={"Content-Type": "application/json"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        try:
            while sent < total:
                await response.write(piece[: min(chunk, total - sent)])
                sent += chunk
        except (ConnectionResetError, ConnectionError):  # the client stopped reading: fine
            return response
        await response.write_eof()
        return response

    return handle


def declared_length_handler(length: int) -> Handler:
    """A 200 that announces ``length`` bytes in Content-Length and sends only a few."""

    async def handle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        response.content_length = length
        await response.prepare(request)
        await response.write(b'{"simulation_runs": [')
        assert request.transport is not None
        request.transport.close()
        return response

    return handle


def gzip_bomb(unpacked: int) -> bytes:
    """``unpacked`` zero bytes, gzip-compressed (about a thousandth of the size), built in
    pieces so that the bomb itself never takes ``unpacked`` bytes of memory."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MIB)
    parts = [packer.compress(zeros) for _ in range(unpacked // MIB)]
    parts.append(packer.compress(bytes(unpacked % MIB)))
    parts.append(packer.flush())
    return b"".join(parts)


def encoded_handler(body: bytes, encoding: str, *, status: int = 200) -> Handler:
    """``body`` as given, announced with ``Content-Encoding: encoding``."""

    async def handle(request: web.Request) -> web.StreamResponse:
        headers = {"Content-Type": "application/json", "Content-Encoding": encoding}
        return web.Response(status=status, body=body, headers=headers)

    return handle


# --- item 2: redirects that cannot be followed ---------------------------------------------


def redirect_handler(status: int, location: str | None, *, body: object = None) -> Handler:
    """Every request redirected with ``status``; ``location=None`` sends no Location at all."""
    payload = json.dumps({"simulation_id": 1, "simulation_runs": []} if body is None else body)

    async def handle(request: web.Request) -> web.StreamResponse:
        headers = {} if location is None else {"Location": location}
        return web.Response(
            status=status, text=payload, content_type="application/json", headers=headers
        )

    return handle


# --- item 6: a server that holds every request ---------------------------------------------


def held_handler(release: asyncio.Event) -> Handler:
    """Answers an empty run list, but only once ``release`` is set."""

    async def handle(request: web.Request) -> web.StreamResponse:
        await release.wait()
        return web.json_response({"simulation_runs": []})

    return handle


# --- item 7: a server that echoes the credentials ------------------------------------------


def secret_of(request: web.Request) -> str:
    """The API key or bearer token the request carried."""
    return request.headers.get("X-API-Key") or request.headers.get(
        "Authorization", ""
    ).removeprefix("Bearer ")


def echo_handler(status: int, *, padding: int = 0, malformed: bool = False) -> Handler:
    """An error (or, for 200, a body of the wrong shape) that repeats the request's secret
    everywhere: in the body (``padding`` characters in front of it, to land it on the cut of an
    excerpt), in ``traceId``, in the request id and trace id headers, and in a header of its
    own. ``malformed`` sends the body as text that is not JSON."""

    async def handle(request: web.Request) -> web.StreamResponse:
        secret = secret_of(request)
        detail = "x" * padding + f"bad key {secret}"
        headers = {"X-Request-Id": secret, "X-Trace-Id": secret, "X-Echo": f"key={secret}"}
        if malformed:
            body = detail + " <not json>"
        elif status == 200:
            body = json.dumps({"simulation_runs": detail, "traceId": secret})
        else:
            body = json.dumps({"detail": detail, "error": detail, "traceId": secret})
        return web.Response(
            status=status, text=body, content_type="application/json", headers=headers
        )

    return handle
