"""The clients the benchmarks compare, each as a way to fetch a list of run ids' results.

Every variant is an async context manager yielding ``fetch_all(ids) -> (delivered, failed)``:
it fetches each id's results, processes the body (counts its results) and drops it, with
``concurrency`` requests in flight (1: one after the other).

* ``sdk``: this SDK's ``results.retrieve_many`` (records; the msgspec path unless
  ``BLUEJAY_ASYNC_DECODER=pure`` is set, which the ``sdk-pure`` rows do);
* ``sdk-fixed``: the same with ``adaptive=False``;
* ``sdk-retrieve``: ``await bj.results.retrieve(run_id)`` per id (the single-call path);
* ``raw``: aiohttp + ``orjson.loads`` into dicts, the floor;
* ``httpx``: ``httpx.AsyncClient`` + ``json.loads``;
* ``official``: the ``bluejay-sdk`` package's ``retrieve_simulation_results_async``;
* ``requests``: a sequential ``requests.get`` loop, as the API reference shows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import _common
import wire_server
from wire_server import API_KEY

FetchAll = Callable[[Sequence[int]], Awaitable[tuple[int, int]]]
"""Fetches every id, processing and dropping each body; returns (delivered, failed)."""

FAILURES: list[str] = []
"""Why requests failed in this process (reported with its figures)."""


async def _workers(
    ids: Sequence[int], concurrency: int, one: Callable[[int], Awaitable[int]]
) -> tuple[int, int]:
    """Fetch ``ids`` with ``concurrency`` workers; ``one`` returns how many results a body had."""
    queue = iter(ids)
    delivered = failed = 0

    async def worker() -> None:
        nonlocal delivered, failed
        for run_id in queue:
            try:
                await one(run_id)
            except Exception as exc:
                failed += 1
                FAILURES.append(f"{run_id}: {type(exc).__name__}: {exc}")
            else:
                delivered += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return delivered, failed


@asynccontextmanager
async def sdk_variant(url: str, concurrency: int, adaptive: bool = True) -> AsyncIterator[FetchAll]:
    from bluejay_async import BluejayClient

    async with BluejayClient(api_key=API_KEY, base_url=url) as bj:

        async def fetch_all(ids: Sequence[int]) -> tuple[int, int]:
            delivered = failed = 0
            results = 0
            async for item in bj.results.retrieve_many(
                ids, concurrency=concurrency, adaptive=adaptive
            ):
                if item.value is not None:
                    results += len(item.value.simulation_results)
                    delivered += 1
                else:
                    failed += 1
                    FAILURES.append(f"{item.key}: {type(item.error).__name__}: {item.error}")
            return delivered, failed

        yield fetch_all


@asynccontextmanager
async def sdk_retrieve_variant(url: str, concurrency: int) -> AsyncIterator[FetchAll]:
    from bluejay_async import BluejayClient

    async with BluejayClient(api_key=API_KEY, base_url=url) as bj:

        async def one(run_id: int) -> int:
            return len((await bj.results.retrieve(run_id)).simulation_results)

        async def fetch_all(ids: Sequence[int]) -> tuple[int, int]:
            return await _workers(ids, concurrency, one)

        yield fetch_all


@asynccontextmanager
async def raw_variant(url: str, concurrency: int) -> AsyncIterator[FetchAll]:
    import aiohttp
    import orjson

    headers = {"X-API-Key": API_KEY}
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(run_id: int) -> int:
            async with session.get(
                f"{url}/v1/retrieve-simulation-results/{run_id}", headers=headers
            ) as response:
                response.raise_for_status()
                doc = orjson.loads(await response.read())
            return len(doc["simulation_results"])

        async def fetch_all(ids: Sequence[int]) -> tuple[int, int]:
            return await _workers(ids, concurrency, one)

        yield fetch_all


@asynccontextmanager
async def httpx_variant(url: str, concurrency: int) -> AsyncIterator[FetchAll]:
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=url, headers={"X-API-Key": API_KEY}, limits=limits
    ) as client:

        async def one(run_id: int) -> int:
            response = await client.get(f"/v1/retrieve-simulation-results/{run_id}")
            response.raise_for_status()
            return len(json.loads(response.content)["simulation_results"])

        async def fetch_all(ids: Sequence[int]) -> tuple[int, int]:
            return await _workers(ids, concurrency, one)

        yield fetch_all


@asynccontextmanager
async def official_variant(url: str, concurrency: int) -> AsyncIterator[FetchAll]:
    from bluejay import Bluejay

    async with Bluejay(api_key=API_KEY, server_url=url) as bj:
        method = bj.retrieve_simulation_results.retrieve_simulation_results_async

        async def one(run_id: int) -> int:
            response = await method(simulation_run_id=str(run_id))
            return len(response.simulation_results or [])

        async def fetch_all(ids: Sequence[int]) -> tuple[int, int]:
            return await _workers(ids, concurrency, one)

        yield fetch_all


@asynccontextmanager
async def requests_variant(url: str, concurrency: int) -> AsyncIterator[FetchAll]:
    import requests

    def retrieve_simulation_results(simulation_run_id: str, api_key: str) -> dict[str, Any]:
        # Verbatim the API reference's example.
        url_ = f"{url}/v1/retrieve-simulation-results/{simulation_run_id}"
        headers = {"X-API-Key": api_key}
        response = requests.get(url_, headers=headers)
        response.raise_for_status()
        return response.json()  # type: ignore[no-any-return]

    async def fetch_all(ids: Sequence[int]) -> tuple[int, int]:
        delivered = failed = 0
        for run_id in ids:
            try:
                doc = retrieve_simulation_results(str(run_id), API_KEY)
                len(doc["simulation_results"])
            except Exception as exc:
                failed += 1
                FAILURES.append(f"{run_id}: {type(exc).__name__}: {exc}")
            else:
                delivered += 1
        return delivered, failed

    yield fetch_all


def variant(name: str, url: str, concurrency: int) -> AbstractAsyncContextManager[FetchAll]:
    """The variant called ``name`` (``sdk-pure`` is ``sdk``: the decoder is chosen by env)."""
    if name in ("sdk", "sdk-pure"):
        return sdk_variant(url, concurrency)
    if name == "sdk-fixed":
        return sdk_variant(url, concurrency, adaptive=False)
    if name in ("sdk-retrieve", "sdk-retrieve-pure"):
        return sdk_retrieve_variant(url, concurrency)
    makers: dict[str, Callable[[str, int], AbstractAsyncContextManager[FetchAll]]] = {
        "raw": raw_variant,
        "httpx": httpx_variant,
        "official": official_variant,
        "requests": requests_variant,
    }
    return makers[name](url, concurrency)


async def measure(
    name: str, url: str, ids: Sequence[int], concurrency: int, warmup: int
) -> dict[str, Any]:
    """One variant, one round, in this process: warm up, then fetch ``ids``, measured.

    The wire server's CPU time is read just before and just after the measured block, so
    ``server_cpu`` is what the server spent answering exactly those requests.
    """
    async with variant(name, url, concurrency) as fetch_all:
        if warmup:
            await fetch_all(ids[:warmup])
        before = wire_server.stats(url)
        with _common.Stopwatch() as watch:
            delivered, failed = await fetch_all(ids)
        server = wire_server.stats(url) - before
    return {
        "wall": watch.wall,
        "cpu": watch.cpu,
        "rss_mib": _common.peak_rss_mib(),
        "delivered": delivered,
        "failed": failed,
        "failures": FAILURES[:5],
        "count": len(ids),
        "server_cpu": server.cpu,
        "server_requests": server.total_requests,
        "server_responses": server.responses,
    }


async def measure_paired(
    names: Sequence[str], url: str, ids: Sequence[int], warmup: int, blocks: int
) -> dict[str, dict[str, Any]]:
    """Several variants in this process, one request at a time, their measured calls
    interleaved: ``ids`` is cut into ``blocks`` blocks and every variant fetches each block
    in turn (the order alternating block by block), so that a busy machine's drift hits every
    variant alike and a ratio between them is taken over the same minutes.

    Returns one :func:`measure`-shaped dict per variant (``rss_mib`` is the process's).
    """
    async with contextlib.AsyncExitStack() as stack:
        fetchers = {name: await stack.enter_async_context(variant(name, url, 1)) for name in names}
        if warmup:
            for fetch_all in fetchers.values():
                await fetch_all(ids[:warmup])
        totals = {
            name: {"wall": 0.0, "cpu": 0.0, "delivered": 0, "failed": 0, "server_cpu": 0.0}
            for name in names
        }
        requests = dict.fromkeys(names, 0)
        responses: dict[str, dict[str, int]] = {name: {} for name in names}
        size = -(-len(ids) // max(1, min(blocks, len(ids))))
        for number, start in enumerate(range(0, len(ids), size)):
            block = ids[start : start + size]
            for name in names if number % 2 == 0 else names[::-1]:
                before = wire_server.stats(url)
                with _common.Stopwatch() as watch:
                    delivered, failed = await fetchers[name](block)
                server = wire_server.stats(url) - before
                total = totals[name]
                total["wall"] += watch.wall
                total["cpu"] += watch.cpu
                total["delivered"] += delivered
                total["failed"] += failed
                total["server_cpu"] += server.cpu
                requests[name] += server.total_requests
                for key, count in server.responses.items():
                    responses[name][key] = responses[name].get(key, 0) + count
    return {
        name: {
            **totals[name],
            "rss_mib": _common.peak_rss_mib(),
            "failures": FAILURES[:5],
            "count": len(ids),
            "server_requests": requests[name],
            "server_responses": responses[name],
        }
        for name in names
    }
