"""Leaks and cancellation: no pending task, no connection held, no "Unclosed" warning, flat fds.

The sandbox runs on its own event loop in a thread here, so that every task of the test's loop
belongs to the SDK (or the test): after a cancelled call, ``asyncio.all_tasks()`` must hold the
test's own task only. Connections are checked on the client's connector (none acquired after a
call ends, none at all once the client is closed), file descriptors in ``/proc/self/fd`` and
memory with ``tracemalloc``.

No check races a clock: each waits for the event it depends on (the sandbox's loop has closed
its side of every connection, the loop has run the callbacks that close ours, the tasks have
ended), however long a busy machine takes to get there; :data:`HANG_GUARD` only fails a wait
that would never end, a real leak.
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import os
import random
import threading
import time
import tracemalloc
import warnings
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import aclosing, asynccontextmanager, contextmanager
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.sandbox import FaultRule, Sandbox, SandboxConfig, build_app, start_site
from cognigy_async import CognigyClient
from tests.reliability.harness import (
    BATCH_REF,
    CALLS,
    SIMULATION_REF,
    Call,
    Clients,
    clients_for,
    deliver,
    loop_reports,
    recording_logs,
    sandbox_config,
)

FD_DIR = "/proc/self/fd"
pytestmark = pytest.mark.skipif(not os.path.isdir(FD_DIR), reason="needs /proc/self/fd")
HANG_GUARD = 60.0
"""Seconds after which a wait for something that must happen fails (a leak) instead of hanging.
Not a deadline to beat: a busy machine takes what it takes, well within this."""


async def eventually(condition: Callable[[], bool]) -> bool:
    """Let the loop run until ``condition`` holds; ``False`` only past :data:`HANG_GUARD`."""
    stop = time.monotonic() + HANG_GUARD
    for _ in itertools.count():
        if condition():
            return True
        if time.monotonic() > stop:
            return condition()
        await asyncio.sleep(0.001)
    raise AssertionError("unreachable")


class ThreadedSandbox:
    """A sandbox serving from its own event loop in a daemon thread."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._ready = threading.Event()
        self._done: asyncio.Event | None = None
        self._server: web.Server | None = None
        self.sb: Sandbox | None = None

    def _serve(self) -> None:
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._done = asyncio.Event()
        app, sb = build_app(self._config)
        runner = await start_site(app, sb, sb.config.host, sb.config.port)
        try:
            self.sb, self._server = sb, runner.server
            self._ready.set()
            await self._done.wait()
        finally:
            await runner.cleanup()

    def __enter__(self) -> ThreadedSandbox:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the sandbox thread did not start")
        return self

    def __exit__(self, *_: object) -> None:
        assert self._done is not None
        self._loop.call_soon_threadsafe(self._done.set)
        self._thread.join(10)

    @property
    def sandbox(self) -> Sandbox:
        assert self.sb is not None
        return self.sb

    async def idle(self) -> None:
        """Return once the sandbox holds no connection: its loop has seen every client's EOF
        and closed its side of the socket (the server drops a connection from its list just
        before it closes that socket, in the same callback)."""
        server = self._server
        assert server is not None

        async def no_connections() -> bool:
            return await eventually(lambda: not server.connections)

        done = asyncio.run_coroutine_threadsafe(no_connections(), self._loop)
        assert await asyncio.wrap_future(done), server.connections

    def set_faults(self, rules: list[FaultRule]) -> None:
        """Replace the fault rules and zero the counters, on the sandbox's own loop."""

        async def apply() -> None:
            self.sandbox.set_faults(rules)
            self.sandbox.counters.reset()

        asyncio.run_coroutine_threadsafe(apply(), self._loop).result(10)


@pytest.fixture(scope="module")
def threaded() -> Iterator[ThreadedSandbox]:
    with ThreadedSandbox(sandbox_config(seed=11)) as served:
        yield served


# --- what "nothing leaked" means -----------------------------------------------------------


def _connector(client: BluejayClient | CognigyClient) -> aiohttp.BaseConnector | None:
    session = client._transport._pool._session
    return None if session is None else session.connector


def fd_count() -> int:
    return len(os.listdir(FD_DIR))


def other_tasks() -> set[asyncio.Task[Any]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


async def assert_nothing_pending(clients: Clients) -> None:
    """No task but the test's, no connection acquired on either client's connector."""
    assert await eventually(lambda: not other_tasks()), other_tasks()
    for client in (clients.bj, clients.cg):
        connector = _connector(client)
        if connector is not None:
            assert not connector._acquired


@contextmanager
def no_unclosed_warnings() -> Iterator[None]:
    """Fail if anything warns or reports "Unclosed" (warnings and the loop's handler)."""
    with loop_reports() as reported, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
        gc.collect()
    texts = [str(w.message) for w in caught] + [str(c.get("message")) for c in reported]
    assert not [t for t in texts if "nclosed" in t], texts
    assert reported == []


@asynccontextmanager
async def leak_checked(
    threaded: ThreadedSandbox, *, retry: RetryPolicy, timeout: float = 5.0
) -> AsyncIterator[Clients]:
    """Clients of the threaded sandbox; on exit, both closed and nothing left behind."""
    await threaded.idle()  # what an earlier test opened is closed: the count starts exact
    fds = fd_count()
    with no_unclosed_warnings():
        async with clients_for(threaded.sandbox, retry=retry, timeout=timeout) as clients:
            yield clients
        for client in (clients.bj, clients.cg):
            connector = _connector(client)
            if connector is not None:
                assert connector.closed
                assert not connector._conns
        assert not other_tasks()
    # The sandbox's side of each connection closes on its own loop once it sees the EOF; ours
    # close in callbacks of this loop.
    await threaded.idle()
    assert await eventually(lambda: fd_count() <= fds), (fd_count(), fds)


# --- cancelling at random points -----------------------------------------------------------

RANDOM_POLICY = RetryPolicy(max_attempts=4, backoff_base=0.01, backoff_max=0.03)
NOISE = [
    FaultRule("latency", "*", delay=0.01, probability=0.7),
    FaultRule("status", "*", status=503, probability=0.3),
    FaultRule("drop_before", "*", probability=0.1),
]


@pytest.mark.parametrize("call", CALLS, ids=str)
async def test_cancel_at_random_points_leaves_nothing(
    threaded: ThreadedSandbox, call: Call
) -> None:
    rng = random.Random(f"cancel:{call.name}")
    threaded.set_faults(NOISE)
    span = 0.02 if call.kind == "single" else 0.08  # about how long the call takes
    cancelled = 0
    async with leak_checked(threaded, retry=RANDOM_POLICY) as clients:
        for _ in range(16):
            task = asyncio.ensure_future(deliver(call, clients, threaded.sandbox))
            await asyncio.sleep(rng.uniform(0.0, span))
            task.cancel()
            await asyncio.wait([task])
            cancelled += task.cancelled()
            await assert_nothing_pending(clients)
    assert cancelled > 0  # some calls were cut short, not all had finished


# --- cancelling during a retry backoff -----------------------------------------------------

BACKOFF_POLICY = RetryPolicy(max_attempts=3, retry_after_max=60.0)


@pytest.mark.parametrize("call", CALLS, ids=str)
async def test_cancel_during_retry_backoff_leaves_nothing(
    threaded: ThreadedSandbox, call: Call
) -> None:
    """A 503 (or, for a write, a 429) with ``Retry-After: 30``: cancelled while waiting it out."""
    status = 429 if call.write else 503
    threaded.set_faults([FaultRule("status", "*", status=status, retry_after=30)])
    logger = "cognigy_async" if call.kind == "walk" else "bluejay_async"
    with recording_logs() as logs:
        async with leak_checked(threaded, retry=BACKOFF_POLICY) as clients:
            task = asyncio.ensure_future(deliver(call, clients, threaded.sandbox))
            first_attempts = 3 if call.kind == "bulk" else 1
            # Each attempt logs once its response is released: the connection is back in the
            # pool before the line is written, and the Retry-After of 30 s has just begun.
            assert await eventually(lambda: logs.attempts()[logger] >= first_attempts)
            assert not task.done()
            connector = _connector(clients.bj if logger == "bluejay_async" else clients.cg)
            assert connector is not None
            assert not connector._acquired
            task.cancel()
            await asyncio.wait([task])
            assert task.cancelled()
            await assert_nothing_pending(clients)
    assert logs.attempts()[logger] == first_attempts


# --- leaving an iterator early -------------------------------------------------------------


async def test_leaving_retrieve_many_early_cancels_requests_in_flight(
    threaded: ThreadedSandbox,
) -> None:
    threaded.set_faults([FaultRule("latency", "*", delay=0.05)])
    ids = sorted(threaded.sandbox.state.runs)
    async with leak_checked(threaded, retry=RANDOM_POLICY) as clients:
        seen = 0
        async with aclosing(clients.bj.results.retrieve_many(ids, concurrency=8)) as results:
            async for _ in results:
                seen += 1
                break
        assert seen == 1
        await assert_nothing_pending(clients)
        # A plain ``break`` without aclosing: the generator is finalised when dropped.
        gen = clients.bj.results.retrieve_many(ids, concurrency=8)
        async for _ in gen:
            break
        del gen
        await assert_nothing_pending(clients)


@pytest.mark.parametrize("prefetch", [False, True])
async def test_leaving_a_walk_early_cancels_its_read_ahead(
    threaded: ThreadedSandbox, prefetch: bool
) -> None:
    threaded.set_faults([FaultRule("latency", "*", delay=0.05)])
    async with leak_checked(threaded, retry=RANDOM_POLICY) as clients:
        runs = clients.cg.runs.iterate(SIMULATION_REF, BATCH_REF, page_size=50, prefetch=prefetch)
        taken = [run.id async for run in _take(runs, 120)]
        assert len(set(taken)) == 120
        del runs
        await assert_nothing_pending(clients)


async def _take(runs: AsyncIterator[Any], count: int) -> AsyncIterator[Any]:
    async with aclosing(runs):  # type: ignore[type-var]
        async for run in runs:
            yield run
            count -= 1
            if count == 0:
                return


# --- open/close cycles ---------------------------------------------------------------------

LAZY_CYCLES = 10_000
REQUEST_CYCLES = 150


def _traced() -> int:
    gc.collect()
    return tracemalloc.get_traced_memory()[0]


async def _traced_at_rest(served: ThreadedSandbox) -> int:
    """Traced memory once the sandbox thread holds no connection.

    That thread is in this process: a read buffer it holds for a connection (asyncio reads up
    to 256 KiB at a time) would otherwise be counted as the client's growth.
    """
    await served.idle()
    return _traced()


async def test_10000_unused_clients_open_and_close_without_a_session() -> None:
    """A client that sends nothing creates no session: cycles cost no fd and no memory."""
    base = "http://127.0.0.1:9"

    async def cycle() -> None:
        async with BluejayClient(api_key="k", base_url=base) as bj:
            pass
        async with CognigyClient(token="t", base_url=base, project_id="p") as cg:
            pass
        assert _connector(bj) is None
        assert _connector(cg) is None

    fds = fd_count()
    tracemalloc.start()
    try:
        for _ in range(500):
            await cycle()
        before = _traced()
        for _ in range(LAZY_CYCLES):
            await cycle()
        grown = _traced() - before
    finally:
        tracemalloc.stop()
    assert fd_count() == fds
    assert grown < 64 * 1024, grown


async def _request_cycle(sb: Sandbox) -> None:
    policy = RetryPolicy(max_attempts=1)
    async with clients_for(sb, retry=policy) as clients:
        await clients.bj.runs.list(1)
        await clients.cg.runs.list(SIMULATION_REF, BATCH_REF, limit=1)


async def test_clients_that_send_requests_open_and_close_with_flat_fds_and_memory() -> None:
    config = sandbox_config(request_log_size=0, cognigy_runs_per_batch=5)
    with ThreadedSandbox(config) as served:
        sb = served.sandbox
        for _ in range(30):
            await _request_cycle(sb)
        await served.idle()  # the sandbox's loop has closed its side of the last sockets
        fds = fd_count()
        tracemalloc.start()
        try:
            # Two equal batches: one-off growth (the sandbox, running in this process, warms
            # its caches too) lands in the first; a leak grows with every cycle, so it shows
            # in the second as well.
            start = await _traced_at_rest(served)
            for _ in range(REQUEST_CYCLES):
                await _request_cycle(sb)
            middle = await _traced_at_rest(served)
            for _ in range(REQUEST_CYCLES):
                await _request_cycle(sb)
            grown = await _traced_at_rest(served) - middle
        finally:
            tracemalloc.stop()
        await served.idle()
        assert await eventually(lambda: fd_count() <= fds), (fd_count(), fds)
        assert sb.counters.requests["get_simulation_runs"] == 30 + 2 * REQUEST_CYCLES
    assert grown < 256 * 1024, (grown, middle - start)
