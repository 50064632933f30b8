"""Where the client's time goes during a bulk fetch: CPU per request, the garbage collector, and
a profile of the hottest functions.

    python benchmarks/profile_bulk.py                 # 2 000 ids, concurrency 32
    python benchmarks/profile_bulk.py --top 30 --sort cumulative

One wire server process (``wire_server.py``, bodies served from memory) serves the same
simulation as ``bulk_results.py``. This process fetches every run's results with
``results.retrieve_many`` (and, for comparison, with raw aiohttp + orjson), dropping each body
as ``bulk_results.py`` does, and prints:

* client CPU per request, measured without the profiler, and the server's next to it;
* the cyclic garbage collector's passes per generation and the time they took (the collector is
  easy to set off by keeping many freshly decoded bodies alive at once, and costs nothing when
  each body is dropped as soon as it is used);
* a ``cProfile`` table of the SDK run, so that the cost that is ours (not aiohttp's, not the
  decoder's) can be read off and removed.

Figures are for reading side by side in one run; absolute times drift on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import pstats
import sys
import time
from collections.abc import Sequence
from typing import Any

import _common
import wire_server
from _clients import raw_variant, sdk_variant
from bulk_results import WARMUP_IDS


class GcMeter:
    """Counts the collector's passes per generation and the time they take."""

    def __init__(self) -> None:
        self.passes = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._started = 0.0

    def __enter__(self) -> GcMeter:
        gc.callbacks.append(self._on_gc)
        return self

    def __exit__(self, *_: object) -> None:
        gc.callbacks.remove(self._on_gc)

    def _on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        generation = info["generation"]
        self.passes[generation] += 1
        self.seconds[generation] += time.perf_counter() - self._started


async def measure(variant: str, url: str, ids: Sequence[int], concurrency: int) -> dict[str, Any]:
    make = sdk_variant if variant == "sdk" else raw_variant
    async with make(url, concurrency) as fetch_all:
        await fetch_all(ids[:WARMUP_IDS])
        before = wire_server.stats(url)
        with GcMeter() as meter, _common.Stopwatch() as watch:
            delivered, _failed = await fetch_all(ids)
        server = wire_server.stats(url) - before
    return {"watch": watch, "gc": meter, "delivered": delivered, "server": server}


async def profile_sdk(url: str, ids: Sequence[int], concurrency: int) -> pstats.Stats:
    async with sdk_variant(url, concurrency) as fetch_all:
        await fetch_all(ids[:WARMUP_IDS])
        profiler = cProfile.Profile()
        profiler.enable()
        await fetch_all(ids)
        profiler.disable()
    return pstats.Stats(profiler)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--ids", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--top", type=int, default=20, help="rows of the profile to print")
    parser.add_argument("--sort", default="tottime", choices=("tottime", "cumulative"))
    args = parser.parse_args(argv)

    print(_common.machine_line())
    with wire_server.start(args.ids) as srv:
        url = srv.bluejay_url
        ids = _common.run_ids(url)[: args.ids]
        rows = []
        for variant, label in (("sdk", "bluejay_async retrieve_many"), ("raw", "raw aiohttp")):
            result = asyncio.run(measure(variant, url, ids, args.concurrency))
            watch, meter, server = result["watch"], result["gc"], result["server"]
            n = max(1, result["delivered"])
            rows.append(
                [
                    label,
                    f"{result['delivered']}/{len(ids)}",
                    f"{watch.cpu / n * 1e6:.0f}",
                    f"{server.cpu / max(1, server.total_requests) * 1e6:.0f}",
                    f"{server.cpu / watch.cpu:.0%}",
                    " / ".join(str(p) for p in meter.passes),
                    f"{sum(meter.seconds) / n * 1e6:.1f}",
                ]
            )
        print(f"\n### {len(ids)} runs, concurrency {args.concurrency}\n")
        _common.print_table(
            [
                "variant",
                "delivered",
                "client CPU µs/req",
                "server CPU µs/req",
                "server/client CPU",
                "GC passes gen 0/1/2",
                "GC µs/req",
            ],
            rows,
        )
        print(f"\n### cProfile of the SDK run (top {args.top} by {args.sort})\n", flush=True)
        stats = asyncio.run(profile_sdk(url, ids, args.concurrency))
        stats.stream = sys.stdout  # type: ignore[attr-defined]
        stats.strip_dirs().sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
