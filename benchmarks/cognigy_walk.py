"""Walk Cognigy runs: throughput against a raw aiohttp + orjson loop, heap growth, prefetch gain.

    python benchmarks/cognigy_walk.py --table walk        # 10 000 and 100 000 runs
    python benchmarks/cognigy_walk.py --table prefetch    # a slow consumer and a slow server
    python benchmarks/cognigy_walk.py                     # both
    python benchmarks/cognigy_walk.py --totals 10000 100000 --page-size 100 --prefetch 1

Walk table: for each total a wire server process (``wire_server.py``) holds a batch of that
many runs, every page of ``--page-size`` prepared from the sandbox and served from memory.
Every round, each variant walks the whole batch in a fresh interpreter (after a two-page warm
up): ``runs.iterate`` (records: msgspec path, then the pure path) and a raw aiohttp +
``orjson.loads`` loop that follows the same pages (same page size, same prefetch, cursors as
the SDK follows them) and counts the runs of each page. Ratios are taken within a round and
printed as their median with the spread; the server's CPU per page and its share of the
client's are printed next to each row. Then ``--trace-rounds`` more walks of this SDK per
total run under ``tracemalloc`` (each in a fresh interpreter), for the peak growth of the
Python heap over the walk (median and spread; the peak moves with the garbage collector's
timing) and what the walk still holds once it is over. A walk holds one page at a time (two
with prefetch) and the digests of its last ``RECENT_ITEMS`` runs (10 000: the whole of a
10 000-run walk), plus one digest per page for its cursors; so the growth must not depend on
the total beyond those few bytes per page.

Prefetch table: ``--slow-items`` runs with a consumer that awaits 2 ms per run, from a server
that adds 20 ms to every request, with ``prefetch=0`` and ``prefetch=1``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import time
import tracemalloc
from collections.abc import Sequence
from typing import Any

import _common
import wire_server

VARIANTS = ("sdk", "sdk-pure", "raw")
LABELS = {
    "sdk": "runs.iterate (records, msgspec path)",
    "sdk-pure": "runs.iterate (records, pure cattrs path)",
    "raw": "raw aiohttp + orjson loop (dicts)",
}
WARMUP_ITEMS_PAGES = 2
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def rss() -> int:
    """Resident set size of this process in bytes (Linux), else 0."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE
    except OSError:
        return 0


# --- the walks (in the child process) -------------------------------------------------------


async def sdk_walk(
    url: str,
    *,
    page_size: int,
    prefetch: bool,
    max_items: int | None = None,
    per_item: float = 0.0,
    trace: bool = False,
) -> dict[str, Any]:
    """Walk the batch with ``runs.iterate``; with ``trace``, measure the heap growth."""
    from cognigy_async import CognigyClient

    async with CognigyClient(token=wire_server.API_KEY, base_url=url, project_id="bench") as cg:

        async def walk(limit: int | None) -> int:
            items = 0
            runs = cg.runs.iterate(
                wire_server.SIMULATION_REF,
                wire_server.BATCH_REF,
                page_size=page_size,
                max_items=limit,
                prefetch=prefetch,
            )
            async with contextlib.aclosing(runs):
                async for _run in runs:
                    items += 1
                    if per_item:
                        await asyncio.sleep(per_item)
            return items

        await walk(page_size * WARMUP_ITEMS_PAGES)  # the pool and the decode hooks exist now
        if trace:
            tracemalloc.start()
        heap_before, rss_before = tracemalloc.get_traced_memory()[0], rss()
        result = await _measured(url, walk(max_items))
        if trace:
            held, peak = tracemalloc.get_traced_memory()
            result["heap_growth"] = peak - heap_before
            result["heap_held"] = held - heap_before  # after the walk: what it left behind
            tracemalloc.stop()
        result["rss_growth"] = max(0, rss() - rss_before)
        return result


async def raw_walk(url: str, *, page_size: int, prefetch: int) -> dict[str, Any]:
    """Walk the same pages with aiohttp + ``orjson.loads``: follow ``next``, else ``skip``."""
    import aiohttp
    import orjson

    runs_url = (
        f"{url}/simulations/{wire_server.SIMULATION_REF}/batches/{wire_server.BATCH_REF}/runs"
    )
    headers = {"X-API-Key": wire_server.API_KEY}
    first = {"projectId": wire_server.PROJECT_ID, "limit": str(page_size), "skip": "0"}
    async with aiohttp.ClientSession(headers=headers) as session:

        async def fetch(params: dict[str, str]) -> Any:
            async with session.get(runs_url, params=params) as response:
                response.raise_for_status()
                return orjson.loads(await response.read())

        def following(page: Any) -> dict[str, str] | None:
            pagination = page["pagination"]
            params = {"projectId": wire_server.PROJECT_ID, "limit": str(page_size)}
            if pagination["next"]:
                return {**params, "next": pagination["next"]}
            if pagination["hasNext"]:
                return {**params, "skip": str(pagination["skip"] + len(page["data"]))}
            return None

        async def walk(limit: int | None) -> int:
            items = 0
            page = await fetch(first)
            while True:
                params = following(page)
                if limit is not None and items + len(page["data"]) >= limit:
                    params = None
                ahead = asyncio.ensure_future(fetch(params)) if params and prefetch else None
                for _run in page["data"]:
                    items += 1
                if params is None:
                    return items
                page = await ahead if ahead is not None else await fetch(params)

        await walk(page_size * WARMUP_ITEMS_PAGES)
        return await _measured(url, walk(None))


async def _measured(url: str, walk: Any) -> dict[str, Any]:
    """Await ``walk`` (a coroutine returning the items walked) with this process's and the
    server's CPU time measured around it."""
    base = url.removesuffix("/testing")
    before = wire_server.stats(base)
    with _common.Stopwatch() as watch:
        items = await walk
    server = wire_server.stats(base) - before
    return {
        "items": items,
        "wall": watch.wall,
        "cpu": watch.cpu,
        "server_cpu": server.cpu,
        "server_requests": server.total_requests,
    }


def child(args: argparse.Namespace) -> dict[str, Any]:
    """One walk in this process, as the parent asked for it."""
    if args.child == "raw":
        return asyncio.run(raw_walk(args.url, page_size=args.page_size, prefetch=args.prefetch))
    return asyncio.run(
        sdk_walk(args.url, page_size=args.page_size, prefetch=bool(args.prefetch), trace=args.trace)
    )


# --- the parent: tables ---------------------------------------------------------------------


def run_walk(variant: str, url: str, args: argparse.Namespace, trace: bool = False) -> Any:
    """One walk in a fresh interpreter."""
    env = {"BLUEJAY_ASYNC_DECODER": "pure" if variant.endswith("-pure") else "auto"}
    child_args = ["--child", variant, "--url", url, "--page-size", str(args.page_size)]
    child_args += ["--prefetch", str(args.prefetch)] + (["--trace"] if trace else [])
    return _common.run_child(os.path.abspath(__file__), child_args, env)


def mib(n: float) -> str:
    return f"{n / 2**20:.2f}"


def walk_table(args: argparse.Namespace) -> None:
    heap: dict[int, float] = {}
    for total in args.totals:
        started = time.perf_counter()
        with wire_server.start(
            0, cognigy_runs=total, page_size=args.page_size, cursors=not args.no_cursors
        ) as server:
            print(
                f"  {total} runs: server ready in {time.perf_counter() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
            rounds: dict[str, list[dict[str, Any]]] = {v: [] for v in args.variants}
            for number in range(args.rounds):
                # Every other round runs the variants in reverse order, so that a machine
                # getting busier or quieter over a round favours none of them.
                order = args.variants if number % 2 == 0 else args.variants[::-1]
                for variant in order:
                    rounds[variant].append(run_walk(variant, server.cognigy_url, args))
                print(
                    f"  {total} runs: round {number + 1}/{args.rounds} done",
                    file=sys.stderr,
                    flush=True,
                )
            traced = [
                run_walk("sdk", server.cognigy_url, args, trace=True)
                for _ in range(args.trace_rounds)
            ]
        growths = [t["heap_growth"] for t in traced]
        heap[total] = _common.median(growths)
        for variant, results in rounds.items():
            for result in results:
                if result["items"] != total:
                    raise SystemExit(f"{variant} walked {result['items']} of {total} runs")

        def rate(r: dict[str, Any]) -> float:
            return float(r["items"]) / float(r["wall"])

        print(
            f"\n### {total:,} runs, page size {args.page_size}, prefetch={args.prefetch}, "
            f"{'offsets' if args.no_cursors else 'cursors'}, median of {args.rounds} rounds\n"
        )
        rows = []
        for variant in args.variants:
            results = rounds[variant]
            ratios = [rate(r) / rate(raw) for r, raw in zip(results, rounds["raw"], strict=True)]
            per_page = [r["server_cpu"] / max(1, r["server_requests"]) * 1e6 for r in results]
            rows.append(
                [
                    LABELS[variant],
                    f"{_common.median([rate(r) for r in results]):,.0f}",
                    _common.ratio_text(ratios),
                    f"{_common.median([r['cpu'] / r['items'] * 1e6 for r in results]):.1f}",
                    f"{_common.median(per_page):.0f}",
                    f"{_common.median([r['server_cpu'] / r['cpu'] for r in results]):.0%}",
                ]
            )
        _common.print_table(
            [
                "variant",
                "runs/s",
                "vs raw (spread)",
                "client CPU µs/run",
                "server CPU µs/page",
                "server/client CPU",
            ],
            rows,
        )
        if "sdk" in rounds:
            pairs = zip(rounds["sdk"], rounds["raw"], strict=True)
            print(
                f"\n- throughput, runs.iterate / raw aiohttp + orjson: "
                f"{_common.ratio_text([rate(a) / rate(b) for a, b in pairs])}, target >= 0.8x"
            )
        print(
            f"- this SDK's walk under tracemalloc, median of {len(traced)} walks: heap growth "
            f"{mib(heap[total])} MiB (peak over the walk; {mib(min(growths))}-"
            f"{mib(max(growths))}), held after the walk "
            f"{mib(_common.median([t['heap_held'] for t in traced]))} MiB, RSS growth "
            f"{mib(_common.median([t['rss_growth'] for t in traced]))} MiB",
            flush=True,
        )
    if len(heap) > 1:
        low, high = min(heap), max(heap)
        print(
            f"\n- heap growth at {high:,} runs / at {low:,} runs: {heap[high] / heap[low]:.2f}x "
            "(target within 10%: 0.90x to 1.10x)",
            flush=True,
        )


async def prefetch_table(args: argparse.Namespace) -> None:
    print(
        f"\n### prefetch: {args.slow_items} runs, consumer awaits 2 ms per run, "
        "server latency 20 ms per request\n"
    )
    rows = []
    for page_size in args.slow_page_sizes:
        with wire_server.start(0, cognigy_runs=args.slow_items, page_size=page_size) as server:
            wire_server.configure(server.bluejay_url, latency=0.02)
            walks = [
                await sdk_walk(
                    server.cognigy_url, page_size=page_size, prefetch=prefetch, per_item=0.002
                )
                for prefetch in (False, True)
            ]
        gain = 1 - walks[1]["wall"] / walks[0]["wall"]
        shares = [w["server_cpu"] / w["cpu"] for w in walks]
        rows.append(
            [
                str(page_size),
                f"{walks[0]['wall']:.2f}",
                f"{walks[1]['wall']:.2f}",
                f"{gain:.1%}",
                f"{max(shares):.0%}",
            ]
        )
    _common.print_table(
        ["page size", "prefetch=0 s", "prefetch=1 s", "time saved", "server/client CPU"], rows
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--table", choices=("walk", "prefetch", "all"), default="all")
    parser.add_argument("--totals", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--prefetch", type=int, default=0, choices=(0, 1))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--trace-rounds", type=int, default=3, help="walks under tracemalloc per total"
    )
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--no-cursors", action="store_true", help="offset paging only")
    parser.add_argument("--slow-items", type=int, default=2_000)
    parser.add_argument("--slow-page-sizes", type=int, nargs="+", default=[20, 100])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        print(json.dumps(child(args)))
        return
    if "raw" not in args.variants:
        args.variants.append("raw")
    print(_common.machine_line())
    print("server: wire_server.py, every page prepared from the sandbox and served from memory")
    if args.table in ("walk", "all"):
        walk_table(args)
    if args.table in ("prefetch", "all"):
        asyncio.run(prefetch_table(args))


if __name__ == "__main__":
    main()
