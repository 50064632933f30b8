"""retrieve_many and iter_results against the sandbox, over real sockets on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bluejay_async import BluejayClient, RetryPolicy, SimulationResults
from bluejay_async.core.bulk import Outcome
from bluejay_async.errors import InvalidRequestError, NotFoundError, ServerError
from bluejay_async.sandbox import FaultRule, Sandbox, SandboxConfig, run_sandbox

ROUTE = "retrieve_simulation_results"
QUICK_RETRY = RetryPolicy(max_attempts=4, backoff_base=0.001, backoff_max=0.002)


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    config = SandboxConfig(seed=0, simulations=2, runs_per_simulation=30, results_per_run=2)
    async with run_sandbox(config) as sb:
        yield sb


@pytest.fixture
async def client(sandbox: Sandbox) -> AsyncIterator[BluejayClient]:
    async with BluejayClient(
        api_key=sandbox.api_key, base_url=sandbox.bluejay_url, retry=QUICK_RETRY
    ) as bj:
        yield bj


async def run_ids(client: BluejayClient, simulation_id: int = 1) -> list[int]:
    return [run.id for run in await client.runs.list(simulation_id)]


async def test_every_run_is_retrieved_once_as_a_record(
    client: BluejayClient, sandbox: Sandbox
) -> None:
    ids = await run_ids(client)
    outcomes = [o async for o in client.results.retrieve_many(ids, concurrency=8)]
    assert sorted(o.key for o in outcomes) == sorted(ids)
    for outcome in outcomes:
        assert outcome.ok
        assert isinstance(outcome.value, SimulationResults)
        assert outcome.value.simulation_run.id == str(outcome.key)
    assert sandbox.counters.requests[ROUTE] == len(ids)


async def test_a_missing_or_malformed_id_fails_alone(
    client: BluejayClient, sandbox: Sandbox
) -> None:
    ids = await run_ids(client)
    keys: list[int | str] = [*ids[:5], 999_999, ""]
    outcomes = {o.key: o async for o in client.results.retrieve_many(keys)}
    assert isinstance(outcomes[999_999].error, NotFoundError)
    assert isinstance(outcomes[""].error, InvalidRequestError)
    assert all(outcomes[k].ok for k in ids[:5])
    assert sandbox.counters.requests[ROUTE] == 6  # the empty id was never sent


async def test_duplicate_ids_are_fetched_once(client: BluejayClient, sandbox: Sandbox) -> None:
    ids = await run_ids(client)
    keys = [ids[0], ids[1], ids[0], ids[0]]
    outcomes = [o async for o in client.results.retrieve_many(keys)]
    assert sorted(o.key for o in outcomes) == sorted(keys)
    assert sandbox.counters.requests[ROUTE] == 2


async def test_a_bad_concurrency_is_refused_before_any_request(
    client: BluejayClient, sandbox: Sandbox
) -> None:
    with pytest.raises(InvalidRequestError):
        client.results.retrieve_many([1], concurrency=0)
    with pytest.raises(InvalidRequestError):
        client.runs.iter_results(1, concurrency=0)
    with pytest.raises(InvalidRequestError):
        client.runs.iter_results("")
    assert not sandbox.counters.requests


async def test_transient_failures_are_retried_under_the_clients_policy(
    client: BluejayClient, sandbox: Sandbox
) -> None:
    ids = await run_ids(client)
    sandbox.set_faults([FaultRule("status", ROUTE, status=502, times=5)])
    outcomes = [o async for o in client.results.retrieve_many(ids[:10], concurrency=4)]
    assert all(o.ok for o in outcomes)
    assert sandbox.counters.responses[(ROUTE, 502)] == 5
    assert sandbox.counters.responses[(ROUTE, 200)] == 10

    sandbox.set_faults([FaultRule("status", ROUTE, status=503, times=1)])
    single = client.with_options(retry=RetryPolicy(max_attempts=1))
    outcomes = [o async for o in single.results.retrieve_many(ids[:3], concurrency=1)]
    assert [type(o.error) for o in outcomes if not o.ok] == [ServerError]


async def test_cut_off_bodies_are_retried_like_the_transport_retries_them(
    client: BluejayClient, sandbox: Sandbox
) -> None:
    ids = await run_ids(client)
    sandbox.set_faults(
        [
            FaultRule("truncate", ROUTE, times=2),
            FaultRule("truncate", ROUTE, broken_json=True, times=2),
        ]
    )
    outcomes = [o async for o in client.results.retrieve_many(ids[:8], concurrency=4)]
    assert all(o.ok for o in outcomes)
    assert sandbox.counters.responses[(ROUTE, 200)] >= 8 + 2  # the broken ones were answered too


async def test_a_rate_limited_fetch_delivers_everything(
    client: BluejayClient, sandbox: Sandbox
) -> None:
    ids = await run_ids(client) + await run_ids(client, 2)
    sandbox.set_faults([FaultRule("rate_limit", ROUTE, rate=30.0)])
    outcomes = [o async for o in client.results.retrieve_many(ids, concurrency=16)]
    assert sorted(o.key for o in outcomes if o.ok) == sorted(ids)
    throttled = sandbox.counters.responses[(ROUTE, 429)]
    assert throttled > 0
    assert sandbox.counters.responses[(ROUTE, 200)] == len(ids)
    assert sandbox.counters.requests[ROUTE] == len(ids) + throttled


async def test_iter_results_streams_a_whole_simulation(client: BluejayClient) -> None:
    ids = await run_ids(client, 2)
    done: list[tuple[int, int | None]] = []
    outcomes = [
        o
        async for o in client.runs.iter_results(
            2, concurrency=4, progress=lambda d, t: done.append((d, t))
        )
    ]
    assert sorted(o.key for o in outcomes) == sorted(ids)
    assert all(o.ok for o in outcomes)
    assert done[-1] == (len(ids), len(ids))


async def test_iter_results_raises_when_the_simulation_cannot_be_listed(
    client: BluejayClient,
) -> None:
    with pytest.raises(NotFoundError):
        async for _ in client.runs.iter_results(424242):
            pass


async def test_leaving_early_cancels_requests_and_frees_their_connections(
    sandbox: Sandbox,
) -> None:
    connector = aiohttp.TCPConnector(limit=8)
    async with aiohttp.ClientSession(connector=connector) as session:
        client = BluejayClient(
            api_key=sandbox.api_key, base_url=sandbox.bluejay_url, session=session
        )
        ids = await run_ids(client)
        sandbox.set_faults([FaultRule("latency", ROUTE, delay=30.0, after=1)])

        async def take_one_and_leave() -> None:
            results = client.results.retrieve_many(ids, concurrency=8)
            async with contextlib.aclosing(results):
                async for outcome in results:
                    assert outcome.ok
                    break

        # The seven other requests are held 30 s by the server: leaving must not wait for them.
        await asyncio.wait_for(take_one_and_leave(), timeout=10)
        leftover = {t for t in asyncio.all_tasks() if not _is_server_task(t)}
        assert leftover == {asyncio.current_task()}
        sandbox.clear_faults()
        # Eight more requests through a pool of eight: they would wait forever for a
        # connection if the cancelled requests had kept theirs.
        again = client.results.retrieve_many(ids[:8], concurrency=8)
        outcomes = await asyncio.wait_for(_collect(again), timeout=20)
        assert all(o.ok for o in outcomes)


def _is_server_task(task: asyncio.Task[object]) -> bool:
    return type(task.get_coro()).__name__ == "coroutine" and "RequestHandler" in (
        task.get_coro().__qualname__  # type: ignore[union-attr]
    )


async def _collect(
    results: AsyncIterator[Outcome[int, SimulationResults]],
) -> list[Outcome[int, SimulationResults]]:
    return [o async for o in results]


async def test_a_lazy_async_source_of_ids(client: BluejayClient) -> None:
    ids = await run_ids(client)

    async def source() -> AsyncIterator[int]:
        for run_id in ids:
            await asyncio.sleep(0)
            yield run_id

    outcomes = [o async for o in client.results.retrieve_many(source(), concurrency=3)]
    assert sorted(o.key for o in outcomes) == sorted(ids)
