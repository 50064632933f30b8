"""Walk Cognigy runs from a sandbox in another process: throughput, memory growth, prefetch gain.

    python benchmarks/cognigy_walk.py
    python benchmarks/cognigy_walk.py --totals 10000 100000 --page-size 100 --slow-items 2000

For each total the sandbox (``python -m bluejay_async.sandbox.cli serve``) is started with that
many runs per batch and ``runs.iterate`` walks all of them twice: once plain, for items/second,
and once under ``tracemalloc``, for the peak growth of the Python heap over the walk (RSS growth
is printed too; it is coarser). A generator holds one page at a time, so the growth must not
depend on the total.

The prefetch comparison walks ``--slow-items`` runs with a consumer that awaits 2 ms per run,
from a sandbox that adds 20 ms to every request, with ``prefetch=0`` and ``prefetch=1``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Iterator

import attrs

from cognigy_async import CognigyClient

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@contextlib.contextmanager
def sandbox(*options: str) -> Iterator[tuple[str, str]]:
    """Run the sandbox CLI on a free port; yields its Cognigy URL and API key."""
    command = [sys.executable, "-m", "bluejay_async.sandbox.cli", "serve", "--port", "0"]
    proc = subprocess.Popen([*command, *options], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        announced: dict[str, str] = {}
        while "api-key" not in announced:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the sandbox exited with status {proc.wait()}")
            name, _, value = line.partition(": ")
            announced[name] = value.strip()
        yield announced["cognigy"], announced["api-key"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def rss() -> int:
    """Resident set size of this process in bytes (Linux), else 0."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * PAGE
    except OSError:
        return 0


@attrs.frozen
class Walked:
    items: int
    seconds: float
    heap_growth: int = 0
    rss_growth: int = 0

    @property
    def rate(self) -> float:
        return self.items / self.seconds


async def walk(
    url: str,
    key: str,
    *,
    page_size: int,
    max_items: int | None = None,
    prefetch: int = 0,
    per_item: float = 0.0,
    trace: bool = False,
) -> Walked:
    """Walk the batch once; with ``trace``, measure the heap growth over the walk."""
    async with CognigyClient(token=key, base_url=url, project_id="bench") as cg:
        await cg.runs.list("sim", "batch", limit=1)  # the pool and the decode hooks exist now
        if trace:
            tracemalloc.start()
            tracemalloc.reset_peak()
        heap_before, rss_before, rss_peak = tracemalloc.get_traced_memory()[0], rss(), 0
        items = 0
        started = time.perf_counter()
        async with contextlib.aclosing(
            cg.runs.iterate(
                "sim", "batch", page_size=page_size, max_items=max_items, prefetch=prefetch
            )
        ) as runs:
            async for _run in runs:
                items += 1
                if per_item:
                    await asyncio.sleep(per_item)
                if items % page_size == 0:
                    rss_peak = max(rss_peak, rss())
        seconds = time.perf_counter() - started
        heap_growth = 0
        if trace:
            heap_growth = tracemalloc.get_traced_memory()[1] - heap_before
            tracemalloc.stop()
        return Walked(items, seconds, heap_growth, max(0, rss_peak - rss_before))


def mib(n: int) -> str:
    return f"{n / 2**20:6.2f} MiB"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--totals", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--slow-items", type=int, default=2_000)
    parser.add_argument("--slow-page-sizes", type=int, nargs="+", default=[20, 100])
    parser.add_argument(
        "--no-cursors", action="store_true", help="serve offset paging only (no cursors)"
    )
    args = parser.parse_args()
    mode = ("--no-cognigy-cursors",) if args.no_cursors else ()

    print(
        f"walk: page_size={args.page_size}, {'offsets' if args.no_cursors else 'cursors'}, "
        "sandbox in a separate process"
    )
    print(
        f"{'runs':>8}  {'items/s':>9}  {'prefetch=1':>10}  "
        f"{'heap growth (tracemalloc peak)':>30}  {'RSS growth':>10}"
    )
    for total in args.totals:
        with sandbox("--cognigy-runs-per-batch", str(total), *mode) as (url, key):
            plain = await walk(url, key, page_size=args.page_size)
            ahead = await walk(url, key, page_size=args.page_size, prefetch=1)
            traced = await walk(url, key, page_size=args.page_size, trace=True)
        assert plain.items == ahead.items == traced.items == total
        print(
            f"{total:>8}  {plain.rate:>9,.0f}  {ahead.rate:>10,.0f}  "
            f"{mib(traced.heap_growth):>30}  {mib(traced.rss_growth):>10}"
        )

    print(
        f"\nprefetch: {args.slow_items} runs, consumer awaits 2 ms per run, "
        "sandbox latency 20 ms per request"
    )
    print(f"{'page_size':>9}  {'prefetch=0':>10}  {'prefetch=1':>10}  {'gain':>6}")
    total = str(max(args.slow_items, 1))
    with sandbox("--cognigy-runs-per-batch", total, "--latency", "0.02") as (url, key):
        for page_size in args.slow_page_sizes:
            times = []
            for prefetch in (0, 1):
                walked = await walk(
                    url,
                    key,
                    page_size=page_size,
                    prefetch=prefetch,
                    per_item=0.002,
                    max_items=args.slow_items,
                )
                times.append(walked.seconds)
            gain = 1 - times[1] / times[0]
            print(f"{page_size:>9}  {times[0]:>9.2f}s  {times[1]:>9.2f}s  {gain:>6.1%}")


if __name__ == "__main__":
    asyncio.run(main())
