"""The connection pool of a client: one ``aiohttp.ClientSession`` per event loop, and its slots.

A client (and its ``with_options`` copies) shares one :class:`Pool`. The pool opens its session
lazily in the event loop of the first call. A session belongs to its loop, so a client used
from a second loop, as a module-level client of a script that calls ``asyncio.run()`` twice, or
across tests that each get a new loop, opens a new session there; the old one was closed when
its loop shut down (``asyncio.run``/``asyncio.Runner`` close every open async generator then,
and the pool keeps one per session whose only job is closing it). Two loops open at once cannot
share a client: that is a :class:`~bluejay_async.errors.ConfigurationError` saying so.

Each request holds a slot of the pool while it is sent and read. When the client is closed,
every request waiting for a slot gets a :class:`~bluejay_async.errors.ClientClosedError` (never
a bare cancellation, which a caller cannot tell from its own), and the requests in flight get
one when their connection is closed under them.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator

import aiohttp
import attrs

from bluejay_async.core.errors import ClientClosedError, ConfigurationError

__all__ = ["Pool"]


def closed_error() -> ClientClosedError:
    """The error of a call made on, or waiting in, a closed client."""
    return ClientClosedError("the client is closed; create a new one to send more requests")


class _Slots:
    """At most ``limit`` requests at once (no limit when ``None``), FIFO; closing fails every
    waiter with :class:`ClientClosedError`."""

    def __init__(self, limit: int | None) -> None:
        self._free = limit
        self._waiters: deque[asyncio.Future[None]] = deque()

    def take(self) -> bool:
        """Take a free slot at once, if there is one and nobody is waiting for it."""
        if self._free is None:
            return True
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return True
        return False

    async def wait(self) -> None:
        """Wait in line for a slot (when :meth:`take` found none)."""
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self.release()  # handed a slot just as the caller was cancelled: pass it on
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            raise

    def release(self) -> None:
        if self._free is None:
            return
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)  # the slot goes straight to the next in line
                return
        self._free += 1

    def close(self) -> None:
        waiters, self._waiters = self._waiters, deque()
        for waiter in waiters:
            if not waiter.done():
                waiter.set_exception(closed_error())


async def _close_with_the_loop(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Suspended for the session's life; closing it (or the loop shutting down) closes it."""
    try:
        yield
    finally:
        await session.close()


@attrs.define(eq=False)
class _Bound:
    """The pool's state in one event loop."""

    loop: asyncio.AbstractEventLoop
    session: aiohttp.ClientSession
    slots: _Slots
    closer: AsyncGenerator[None, None] | None = None


class Pool:
    """The pooled session(s) shared by a client and its ``with_options`` copies."""

    def __init__(self, *, session: aiohttp.ClientSession | None, max_connections: int) -> None:
        self._given = session
        self._max_connections = max_connections
        self._bound: _Bound | None = None
        self.closed = False

    @property
    def _session(self) -> aiohttp.ClientSession | None:
        """The session in use (``None`` before the first call): for tests and debugging."""
        return None if self._bound is None else self._bound.session

    async def acquire(self) -> _Bound:
        """One request's turn on the pool: its session is ``.session``, and the caller gives
        the turn back with ``.slots.release()`` once the response is read.

        Not an async context manager, which would cost every request two more coroutines."""
        bound = self._current()
        if not bound.slots.take():
            await bound.slots.wait()
        return bound

    def _current(self) -> _Bound:
        if self.closed:
            raise closed_error()
        loop = asyncio.get_running_loop()
        bound = self._bound
        if bound is not None and bound.loop is loop:
            return bound
        if self._given is not None:
            if self._given.closed:
                raise ConfigurationError("the aiohttp session given to the client has been closed")
            bound = self._bound = _Bound(loop, self._given, _Slots(None))
            return bound
        if bound is not None and not bound.loop.is_closed():
            raise ConfigurationError(
                "this client is already in use by another event loop that is still open; a "
                "client serves one event loop at a time: create a client in each loop (or "
                "thread), or close the client in its loop before using it in another"
            )
        self._bound = bound = self._open(loop)
        return bound

    def _open(self, loop: asyncio.AbstractEventLoop) -> _Bound:
        connector = aiohttp.TCPConnector(limit=self._max_connections, ttl_dns_cache=300)
        session = aiohttp.ClientSession(connector=connector)
        # aiohttp silently re-sends an idempotent request once when the connection drops;
        # the RetryPolicy is the only retry decision, so max_attempts means what it says.
        if hasattr(session, "_retry_connection"):
            session._retry_connection = False
        closer = _close_with_the_loop(session)
        # Started here, so the running loop registers it as one of its async generators: the
        # loop's shutdown (asyncio.run, asyncio.Runner) then closes it, and the session with it.
        with contextlib.suppress(StopIteration):
            closer.asend(None).send(None)
        return _Bound(loop, session, _Slots(self._max_connections), closer)

    async def aclose(self) -> None:
        """Close the pool: waiting requests fail with :class:`ClientClosedError`, and the
        session is closed if the pool opened it."""
        self.closed = True
        bound, self._bound = self._bound, None
        if bound is None:
            return
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if bound.loop is not current:
            return  # its loop closes it when it shuts down; nothing here can reach it
        bound.slots.close()
        if bound.closer is not None:
            await bound.closer.aclose()
