"""retrieve_many against small hostile servers on 127.0.0.1: hanging, refusing some ids for good,
and a client closed under a running fetch. Each promise holds whatever the server does."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import aiohttp
import pytest
from aiohttp import web

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core.outcome import Failure, Outcome, Success
from bluejay_async.errors import APIError, APITimeoutError, RateLimitError
from bluejay_async.models import SimulationResults
from bluejay_async.sandbox import SandboxConfig, run_sandbox
from tests.loops import run_apart

Handler = Callable[[int], Awaitable[web.StreamResponse]]
HANG_GUARD = 60.0
"""Seconds after which a test that should end in well under one fails instead of hanging."""


@pytest.fixture(scope="module")
def results_body() -> bytes:
    """One valid results body, taken from the sandbox."""

    async def take() -> bytes:
        config = SandboxConfig(seed=0, simulations=1, runs_per_simulation=1, results_per_run=2)
        async with run_sandbox(config) as sb, aiohttp.ClientSession() as session:
            url = f"{sb.bluejay_url}/v1/retrieve-simulation-results/{min(sb.state.runs)}"
            async with session.get(url, headers={"X-API-Key": sb.api_key}) as response:
                return await response.read()

    return run_apart(take())


class Hostile:
    """A results route answered by ``handler(run_id)``; counts the requests per id."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: Counter[int] = Counter()
        self.url = ""
        self.released = asyncio.Event()
        """Set on exit: handlers that hang until then let the server shut down."""

    async def handle(self, request: web.Request) -> web.StreamResponse:
        run_id = int(request.match_info["run_id"])
        self.requests[run_id] += 1
        return await self.handler(run_id)


@asynccontextmanager
async def hostile(handler: Handler) -> AsyncIterator[Hostile]:
    server = Hostile(handler)
    app = web.Application()
    app.router.add_get("/v1/retrieve-simulation-results/{run_id}", server.handle)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.url = f"http://127.0.0.1:{port}"
    try:
        yield server
    finally:
        server.released.set()
        await runner.cleanup()


def throttled() -> web.Response:
    return web.json_response({"detail": "slow down"}, status=429, headers={"Retry-After": "0"})


async def collect(
    results: AsyncIterator[Outcome[int, SimulationResults]],
) -> dict[int, Outcome[int, SimulationResults]]:
    return {o.key: o async for o in results}


# --- the deadline bounds every key as it bounds a single call ------------------------------


async def test_the_deadline_bounds_each_key_of_a_bulk_fetch_as_it_bounds_a_single_call() -> None:
    """A hanging server, a per-attempt timeout far beyond the deadline (issue: a single call
    failed at the 2 s deadline, the bulk fetch only at the 10 s timeout)."""

    async def hang(_: int) -> web.Response:
        await server.released.wait()
        return web.Response()

    policy = RetryPolicy(deadline=0.2)
    async with (
        hostile(hang) as server,
        BluejayClient(api_key="k", base_url=server.url, timeout=3600, retry=policy) as bj,
    ):
        with pytest.raises(APITimeoutError):
            await asyncio.wait_for(bj.results.retrieve(1), HANG_GUARD)
        outcomes = await asyncio.wait_for(collect(bj.results.retrieve_many([1, 2, 3])), HANG_GUARD)
    assert sorted(outcomes) == [1, 2, 3]
    for outcome in outcomes.values():
        assert isinstance(outcome.error, APITimeoutError)
        assert "deadline of 0.2s" in str(outcome.error)
        assert outcome.error.url == f"{server.url}/v1/retrieve-simulation-results/{outcome.key}"
    # No attempt after the deadline: one request per key (the single call's included), at
    # most; a machine slow enough may cancel one before the server has even read it.
    assert server.requests[1] <= 2
    assert server.requests[2] <= 1
    assert server.requests[3] <= 1


# --- ids refused for good: bounded attempts, no collapse -----------------------------------


async def test_an_id_refused_for_good_gets_at_most_max_sends_requests(
    results_body: bytes,
) -> None:
    """One poisoned id among many that succeed (issue: 337 requests for one id of 5 000)."""

    async def answer(run_id: int) -> web.Response:
        if run_id == 7:
            return throttled()
        return web.Response(body=results_body, content_type="application/json")

    policy = RetryPolicy(backoff_base=0.001, backoff_max=0.002)
    async with (
        hostile(answer) as server,
        BluejayClient(api_key="k", base_url=server.url, retry=policy) as bj,
    ):
        outcomes = await collect(bj.results.retrieve_many(range(1500), concurrency=16))
    assert len(outcomes) == 1500
    assert isinstance(outcomes[7].error, RateLimitError)
    assert 1 < server.requests[7] <= policy.max_sends == 5
    assert sum(o.ok for o in outcomes.values()) == 1499


async def test_a_tenth_of_the_ids_refused_for_good_neither_collapses_nor_loops(
    results_body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """Every 10th id answered 429 forever (issue: 1 817 of 2 000 outcomes after 115 s): every
    id gets its outcome, none more than ``max_sends`` requests, and the send rate is never cut
    (a tenth of the keys refused is not a rate limit, however often they are retried)."""
    caplog.set_level(logging.DEBUG, logger="bluejay_async.bulk")

    async def answer(run_id: int) -> web.Response:
        if run_id % 10 == 0:
            return throttled()
        return web.Response(body=results_body, content_type="application/json")

    async with hostile(answer) as server, BluejayClient(api_key="k", base_url=server.url) as bj:
        outcomes = await asyncio.wait_for(
            collect(bj.results.retrieve_many(range(600), concurrency=16)), HANG_GUARD
        )
    assert len(outcomes) == 600
    assert {k for k, o in outcomes.items() if not o.ok} == set(range(0, 600, 10))
    assert all(isinstance(o.error, RateLimitError) for o in outcomes.values() if not o.ok)
    assert max(server.requests.values()) <= RetryPolicy().max_sends
    assert all(server.requests[k] == 1 for k in range(600) if k % 10)  # the others: once
    assert [r.getMessage() for r in caplog.records if r.name == "bluejay_async.bulk"] == []


# --- the client closed under a running fetch -----------------------------------------------


async def test_closing_the_client_under_a_running_fetch_ends_each_id_with_a_typed_error(
    results_body: bytes,
) -> None:
    """Calls waiting for a pool slot when the client closes (issue: the consumer ended
    cancelled, and the outcomes still to come were lost)."""

    async def answer(run_id: int) -> web.Response:
        if run_id >= 3:
            await server.released.wait()
        return web.Response(body=results_body, content_type="application/json")

    received: list[Outcome[int, SimulationResults]] = []
    three = asyncio.Event()
    async with hostile(answer) as server:
        bj = BluejayClient(
            api_key="k",
            base_url=server.url,
            max_connections=2,
            retry=RetryPolicy(backoff_base=0.001, backoff_max=0.002),
        )

        async def consume() -> None:
            async for outcome in bj.results.retrieve_many(range(20), concurrency=8):
                received.append(outcome)
                if len(received) == 3:
                    three.set()

        consumer = asyncio.ensure_future(consume())
        await asyncio.wait_for(three.wait(), HANG_GUARD)
        await bj.aclose()
        await asyncio.wait_for(asyncio.wait([consumer]), HANG_GUARD)
        assert not consumer.cancelled()
        assert consumer.exception() is None
    assert sorted(o.key for o in received) == list(range(20))
    assert sorted(o.key for o in received[:3] if isinstance(o, Success)) == [0, 1, 2]
    failures = [o for o in received if isinstance(o, Failure)]
    assert len(failures) == 17
    assert all(isinstance(o.error, APIError) for o in failures)
