"""Closing a client under load, and one client used from several event loops.

``aclose()`` while calls wait for a connection: each call ends with ``ClientClosedError``, never
a bare cancellation the caller cannot tell from its own. A client used by a second
``asyncio.run()`` opens a new session there and leaves no "Unclosed" warning behind; two loops
open at once get a ``ConfigurationError`` that says what to do.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.errors import ClientClosedError, ConfigurationError
from tests.core.bodies import results_body
from tests.reliability.hostile import Hostile, held_handler, hostile_server

KEY = "bj-close-SECRET-4d2e"
RETRY = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002)


async def wait_for(condition: Any) -> None:
    """Let the loop run until ``condition()`` holds; no clock involved. The conditions are
    states of the pool and the server with nothing to await, so each turn of the loop looks."""
    while not condition():  # noqa: ASYNC110
        await asyncio.sleep(0)


def waiting(client: BluejayClient) -> int:
    """How many requests of ``client`` wait for a slot of its pool."""
    bound = client._transport._pool._bound
    return 0 if bound is None else len(bound.slots._waiters)


async def test_aclose_fails_every_waiting_call_with_client_closed() -> None:
    release = asyncio.Event()
    async with hostile_server(held_handler(release)) as server:
        bj = BluejayClient(api_key=KEY, base_url=server.url, retry=RETRY, max_connections=1)
        tasks = [asyncio.ensure_future(bj.runs.list(1)) for _ in range(5)]
        await wait_for(lambda: server.total == 1 and waiting(bj) == 4)

        await bj.aclose()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        release.set()

    assert not any(t.cancelled() for t in tasks)
    assert [type(r) for r in results] == [ClientClosedError] * 5
    assert server.total == 1  # the waiting calls never reached the server


async def test_aclose_during_a_bulk_fetch_gives_each_key_an_outcome() -> None:
    release = asyncio.Event()
    async with hostile_server(held_handler(release)) as server:
        bj = BluejayClient(api_key=KEY, base_url=server.url, retry=RETRY, max_connections=2)
        seen: list[Any] = []

        async def consume() -> None:
            async for outcome in bj.results.retrieve_many(range(10), concurrency=4):
                seen.append(outcome)

        consumer = asyncio.ensure_future(consume())
        await wait_for(lambda: server.total == 2 and waiting(bj) == 2)
        await bj.aclose()
        await consumer
        release.set()

    assert not consumer.cancelled()
    assert sorted(o.key for o in seen) == list(range(10))
    assert all(isinstance(o.error, ClientClosedError) for o in seen)


async def test_a_cancelled_waiter_gives_its_turn_to_the_next() -> None:
    release = asyncio.Event()
    async with (
        hostile_server(held_handler(release)) as server,
        BluejayClient(api_key=KEY, base_url=server.url, retry=RETRY, max_connections=1) as bj,
    ):
        first = asyncio.ensure_future(bj.runs.list(1))
        second = asyncio.ensure_future(bj.runs.list(1))
        third = asyncio.ensure_future(bj.runs.list(1))
        await wait_for(lambda: server.total == 1 and waiting(bj) == 2)
        second.cancel()
        await wait_for(lambda: waiting(bj) == 1)
        release.set()
        assert await first == []
        assert await third == []
    assert second.cancelled()
    assert server.total == 2


# --- one client, several event loops -------------------------------------------------------


@contextmanager
def server_in_a_thread() -> Iterator[Hostile]:
    """A results server on its own loop in a daemon thread, so test loops can come and go."""
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def serve() -> None:
        async def handle(request: Any) -> Any:
            from aiohttp import web

            return web.json_response(results_body(1))

        async with hostile_server(handle) as server:
            box["server"], box["stop"] = server, asyncio.Event()
            box["loop"] = asyncio.get_running_loop()
            ready.set()
            await box["stop"].wait()

    thread = threading.Thread(target=lambda: asyncio.run(serve()), daemon=True)
    thread.start()
    assert ready.wait(10)
    try:
        yield box["server"]
    finally:
        box["loop"].call_soon_threadsafe(box["stop"].set)
        thread.join(10)


@contextmanager
def no_unclosed_warnings() -> Iterator[list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        messages: list[str] = []
        yield messages
        gc.collect()
        messages += [str(w.message) for w in caught]
    # aiohttp's own warnings ("Unclosed client session", "Unclosed connector"). An "unclosed
    # event loop" is not the client's: old pytest-asyncio releases (0.23 on Python 3.10) leave
    # one of their own behind for the collector to find here.
    assert [m for m in messages if m.startswith("Unclosed")] == []


def run_in_a_loop_of_its_own(coroutine: Any, *, close: bool = True) -> Any:
    """What ``asyncio.run`` does, without the 3.11 ``asyncio.Runner``: run, then shut down the
    loop's async generators (which closes the client's session) and close it."""
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(coroutine)
    finally:
        if close:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()


def test_a_client_serves_one_asyncio_run_after_another() -> None:
    with server_in_a_thread() as server, no_unclosed_warnings():
        clients = [BluejayClient(api_key=KEY, base_url=server.url, retry=RETRY)]
        sessions = []

        async def use() -> None:
            await clients[0].results.retrieve(1)
            sessions.append(clients[0]._transport._pool._session)

        asyncio.run(use())
        asyncio.run(use())  # raised "Event loop is closed" with the first loop's session
        run_in_a_loop_of_its_own(use())

        async def use_and_close() -> None:
            await use()
            await clients[0].aclose()

        asyncio.run(use_and_close())
        clients.clear()
    assert len({id(s) for s in sessions}) == 4
    assert all(s is not None and s.closed for s in sessions)
    assert server.total == 4


def test_two_open_loops_cannot_share_a_client() -> None:
    with server_in_a_thread() as server, no_unclosed_warnings():
        bj = BluejayClient(api_key=KEY, base_url=server.url, retry=RETRY)
        first = asyncio.new_event_loop()
        try:
            first.run_until_complete(bj.results.retrieve(1))
            with pytest.raises(ConfigurationError, match="one event loop at a time"):
                run_in_a_loop_of_its_own(bj.results.retrieve(1))
            first.run_until_complete(bj.aclose())
        finally:
            first.run_until_complete(first.shutdown_asyncgens())
            first.close()
    assert server.total == 1
