"""Bulk result fetching: this SDK against the floor, the usual clients and the official SDK.

    python benchmarks/bulk_results.py                      # loopback, 50 ms latency, rate-limited
    python benchmarks/bulk_results.py --scenario loopback --rounds 3

One sandbox process serves a simulation of ``--ids`` runs (10 results each). For every round,
every variant runs in a fresh interpreter of its own (so its peak RSS is its own): it lists the
runs, warms up on a few, then fetches every run's results with ``--concurrency`` requests in
flight, processes each body (counts its results) and drops it. Figures are medians of the
rounds; ratios are against raw aiohttp + orjson measured in the same round against the same
server.

Variants: ``sdk`` (this SDK's ``results.retrieve_many``, structured records, msgspec fast path),
``sdk-pure`` (the same with ``BLUEJAY_ASYNC_DECODER=pure``: the cattrs path), ``raw`` (aiohttp
+ orjson into dicts, the floor), ``httpx`` (httpx.AsyncClient + json), ``official`` (the
``bluejay-sdk`` package's ``retrieve_simulation_results_async``), ``requests`` (a sequential
``requests.get`` loop, as the API reference shows it).

The ``rate-limited`` scenario puts a token bucket of ``--rate`` requests/second on the results
route and fetches every id with this SDK, adaptive window on and off, and prints what was
delivered, the goodput against the limit, and the requests wasted on 429s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import _common

FetchAll = Callable[[Sequence[int]], Awaitable[tuple[int, int]]]
"""Fetches every id, processing and dropping each body; returns (delivered, failed)."""

SCENARIOS = ("loopback", "latency", "rate-limited")
VARIANTS = ("sdk", "sdk-pure", "raw", "httpx", "official", "requests")
LABELS = {
    "sdk": "bluejay_async (records, msgspec path)",
    "sdk-pure": "bluejay_async (records, pure cattrs path)",
    "raw": "raw aiohttp + orjson (dicts)",
    "httpx": "httpx.AsyncClient + json (dicts)",
    "official": "official bluejay-sdk (async, pydantic)",
    "requests": "sequential requests loop (dicts)",
}
WARMUP_IDS = 64
FAILURES: list[str] = []
"""Why requests failed in this child (the first few), reported with its figures."""
SEQUENTIAL_IDS_WITH_LATENCY = 100
"""A sequential loop over 2 000 ids at 50 ms each would take 100 s a round; its throughput does
not depend on the count, so it fetches this many."""


# --- the variants (run in the child process) ------------------------------------------------


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

    async with BluejayClient(api_key=_common.API_KEY, base_url=url) as bj:

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
async def raw_variant(url: str, concurrency: int) -> AsyncIterator[FetchAll]:
    import aiohttp
    import orjson

    headers = {"X-API-Key": _common.API_KEY}
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
        base_url=url, headers={"X-API-Key": _common.API_KEY}, limits=limits
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

    async with Bluejay(api_key=_common.API_KEY, server_url=url) as bj:
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
                doc = retrieve_simulation_results(str(run_id), _common.API_KEY)
                len(doc["simulation_results"])
            except Exception:
                failed += 1
            else:
                delivered += 1
        return delivered, failed

    yield fetch_all


def _variant(name: str, url: str, concurrency: int) -> Any:
    if name in ("sdk", "sdk-pure"):
        return sdk_variant(url, concurrency)
    if name == "sdk-fixed":
        return sdk_variant(url, concurrency, adaptive=False)
    return {
        "raw": raw_variant,
        "httpx": httpx_variant,
        "official": official_variant,
        "requests": requests_variant,
    }[name](url, concurrency)


async def child(
    variant: str, url: str, count: int, concurrency: int, warmup: int
) -> dict[str, Any]:
    """One variant, one round: warm up, then fetch ``count`` ids, measured."""
    ids = _common.run_ids(url)[:count]
    async with _variant(variant, url, concurrency) as fetch_all:
        if warmup:
            await fetch_all(ids[:warmup])
        with _common.Stopwatch() as watch:
            delivered, failed = await fetch_all(ids)
    return {
        "wall": watch.wall,
        "cpu": watch.cpu,
        "rss_mib": _common.peak_rss_mib(),
        "delivered": delivered,
        "failed": failed,
        "failures": FAILURES[:5],
        "count": len(ids),
    }


# --- the parent: scenarios, rounds and tables ----------------------------------------------


def run_round(variant: str, url: str, count: int, concurrency: int, warmup: int) -> dict[str, Any]:
    env = {"BLUEJAY_ASYNC_DECODER": "pure" if variant == "sdk-pure" else "auto"}
    args = ["--child", variant, "--url", url, "--ids", str(count)]
    args += ["--concurrency", str(concurrency), "--warmup", str(warmup)]
    result: dict[str, Any] = _common.run_child(os.path.abspath(__file__), args, env)
    return result


def throughput_scenario(name: str, url: str, args: argparse.Namespace) -> None:
    latency = name == "latency"
    rules = [{"kind": "latency", "route": _common.ROUTE, "delay": 0.05}] if latency else []
    _common.set_faults(url, rules)
    counts = dict.fromkeys(args.variants, args.ids)
    if latency and "requests" in counts:
        counts["requests"] = min(args.ids, SEQUENTIAL_IDS_WITH_LATENCY)
    rounds: dict[str, list[dict[str, Any]]] = {v: [] for v in args.variants}
    for number in range(args.rounds):
        for variant in args.variants:  # interleaved, so drift hits every variant alike
            rounds[variant].append(
                run_round(variant, url, counts[variant], args.concurrency, WARMUP_IDS)
            )
        print(f"  round {number + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    def rate(r: dict[str, Any]) -> float:
        return float(r["delivered"]) / float(r["wall"])

    raw_rates = [rate(r) for r in rounds.get("raw", [])]
    title = "loopback" if not latency else "50 ms server latency per request"
    print(
        f"\n### {title}: {args.ids} runs, concurrency {args.concurrency}, "
        f"median of {args.rounds} rounds\n"
    )
    rows = []
    for variant in args.variants:
        results = rounds[variant]
        throughput = _common.median([rate(r) for r in results])
        ratios = (
            [rate(r) / raw for r, raw in zip(results, raw_rates, strict=True)] if raw_rates else []
        )
        delivered = f"{results[0]['delivered']}/{results[0]['count']}"
        if any(r["failed"] for r in results):
            delivered += f" ({max(r['failed'] for r in results)} failed)"
        rows.append(
            [
                LABELS[variant],
                f"{throughput:,.0f}",
                f"{_common.median(ratios):.2f}x" if ratios else "-",
                f"{_common.median([r['cpu'] / r['count'] * 1000 for r in results]):.3f}",
                f"{_common.median([r['rss_mib'] for r in results]):.1f}",
                delivered,
            ]
        )
    _common.print_table(
        ["variant", "req/s", "vs raw", "client CPU ms/req", "peak RSS MiB", "delivered"], rows
    )
    _print_targets(rounds, latency)


TARGETS = {
    False: (
        ("sdk", "raw", "throughput, this SDK / raw aiohttp + orjson", ">= 0.6x"),
        ("sdk", "official", "throughput, this SDK / official bluejay-sdk", ">= 10x"),
        ("sdk-pure", "raw", "throughput, pure cattrs path / raw aiohttp + orjson", ">= 0.3x"),
    ),
    True: (("sdk", "requests", "throughput, this SDK / sequential requests loop", ">= 25x"),),
}
"""The issue's targets: (variant, baseline, what, target) per scenario (keyed by latency)."""


def _print_targets(rounds: dict[str, list[dict[str, Any]]], latency: bool) -> None:
    """Each target's ratio, as the median of the per-round ratios."""

    def rate(r: dict[str, Any]) -> float:
        return float(r["delivered"]) / float(r["wall"])

    lines = []
    for variant, baseline, what, target in TARGETS[latency]:
        if variant in rounds and baseline in rounds:
            pairs = zip(rounds[variant], rounds[baseline], strict=True)
            ratios = [rate(a) / rate(b) for a, b in pairs]
            spread = f"; rounds {min(ratios):.2f}x to {max(ratios):.2f}x" if len(ratios) > 1 else ""
            lines.append(f"- {what}: {_common.median(ratios):.2f}x (target {target}{spread})")
    if "sdk" in rounds and "raw" in rounds:
        pairs = zip(rounds["sdk"], rounds["raw"], strict=True)
        ratio = _common.median([a["rss_mib"] / b["rss_mib"] for a, b in pairs])
        lines.append(f"- peak RSS, this SDK / raw aiohttp + orjson: {ratio:.2f}x (target < 1.5x)")
    print("\n" + "\n".join(lines), flush=True)


def rate_limited_scenario(url: str, args: argparse.Namespace) -> None:
    rate = args.rate
    rows = []
    figures_by_label: dict[str, list[dict[str, Any]]] = {}
    for variant, label in (
        ("sdk", "adaptive window (default)"),
        ("sdk-fixed", "fixed window (adaptive=False)"),
    ):
        figures = []
        for _ in range(args.rate_rounds):
            _common.set_faults(url, [{"kind": "rate_limit", "route": _common.ROUTE, "rate": rate}])
            result = run_round(variant, url, args.ids, args.concurrency, warmup=0)
            responses = _common.counters(url)["responses"]
            throttled = responses.get(f"{_common.ROUTE} 429", 0)
            answered = sum(n for key, n in responses.items() if key.startswith(_common.ROUTE))
            figures.append((result, throttled, answered))
        goodput = [r["delivered"] / r["wall"] for r, _, _ in figures]
        steady = [max(0, r["delivered"] - rate) / r["wall"] for r, _, _ in figures]
        waste = [t / a for _, t, a in figures]
        worst = min(figures, key=lambda f: f[0]["delivered"])[0]
        if variant == "sdk":  # a fixed window failing ids is the point of the comparison
            figures_by_label[label] = [r for r, _, _ in figures]
        rows.append(
            [
                label,
                f"{worst['delivered']}/{worst['count']}",
                f"{_common.median([r['wall'] for r, _, _ in figures]):.2f}",
                f"{_common.median(goodput):.0f} ({_common.median(goodput) / rate:.0%})",
                f"{_common.median(steady):.0f} ({_common.median(steady) / rate:.0%})",
                f"{_common.median([t for _, t, _ in figures]):.0f}",
                f"{_common.median(waste):.1%}",
            ]
        )
    print(
        f"\n### rate-limited: token bucket of R = {rate:.0f} req/s (burst {rate:.0f}), "
        f"{args.ids} runs, concurrency {args.concurrency}, median of {args.rate_rounds} rounds\n"
    )
    _common.print_table(
        [
            "this SDK",
            "delivered (worst)",
            "seconds",
            "goodput req/s (of R)",
            "goodput after the burst (of R)",
            "429s",
            "requests wasted on 429",
        ],
        rows,
    )
    _print_failures(figures_by_label)


def _print_failures(figures_by_label: dict[str, list[dict[str, Any]]]) -> None:
    """Why anything failed, so that a lost id is explained rather than only counted."""
    for label, results in figures_by_label.items():
        for number, result in enumerate(results, 1):
            for failure in result.get("failures", []):
                print(f"- {label}, round {number}: {failure}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=(*SCENARIOS, "all"), default="all")
    parser.add_argument("--ids", type=int, default=2000, help="runs to fetch (default 2000)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per variant (default 5)")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument(
        "--rate", type=float, default=100.0, help="rate limit R, req/s (default 100)"
    )
    parser.add_argument("--rate-rounds", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--warmup", type=int, default=WARMUP_IDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        result = asyncio.run(child(args.child, args.url, args.ids, args.concurrency, args.warmup))
        print(json.dumps(result))
        return

    scenarios = SCENARIOS if args.scenario == "all" else (args.scenario,)
    if "raw" not in args.variants:
        args.variants.insert(0, "raw")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    with _common.sandbox_process(args.ids) as url:
        size = len(_common.fetch_body(url, _common.run_ids(url)[0]))
        print(
            f"results body: {size / 1024:.1f} KiB "
            "(10 results with evaluations, latency blocks, events, tool calls)"
        )
        for scenario in scenarios:
            if scenario == "rate-limited":
                rate_limited_scenario(url, args)
            else:
                throughput_scenario(scenario, url, args)


if __name__ == "__main__":
    main()
