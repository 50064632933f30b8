"""Replay the hostile servers of bulk fetching and Cognigy walks; measure what each costs.

    python benchmarks/adversarial_bulk.py                  # every scenario
    python benchmarks/adversarial_bulk.py --only poisoned-tenth one-poisoned
    python benchmarks/adversarial_bulk.py --list

The hostile servers run in this process (in a thread of their own, on 127.0.0.1); each
scenario's client runs in a fresh interpreter, so its peak RSS is its own. For each scenario the
table shows what the client saw, the requests the server received (and the most for one id or
page), the seconds the client took and its peak RSS. No scenario needs the network.

Adding a scenario: write a client coroutine ``async def name(url, args) -> str`` (it returns a
short description of how the call ended), a server handler ``async def (request, state)``, and
register both with :func:`scenario`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import _common
import aiohttp
import attrs
from aiohttp import web

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.errors import PaginationError
from bluejay_async.sandbox import SandboxConfig, run_sandbox
from bluejay_async.testing import bodies
from cognigy_async import CognigyClient

_SCRIPT = os.path.abspath(__file__)
RESULTS = "/v1/retrieve-simulation-results/{key}"
RUNS = "/simulations/s/batches/b/runs"

Client = Callable[[str, argparse.Namespace], Coroutine[Any, Any, str]]
Handler = Callable[[web.Request, "State"], Awaitable[web.StreamResponse]]


@attrs.define
class State:
    """What a hostile server counts, and what it serves."""

    body: bytes = b""
    requests: Counter[str] = attrs.Factory(Counter)
    released: asyncio.Event | None = None


@attrs.frozen
class Scenario:
    name: str
    issue: str
    """What the issue observed before the fix."""
    path: str
    handler: Handler
    client: Client


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, issue: str, path: str, handler: Handler) -> Callable[[Client], Client]:
    """Register a client coroutine as the scenario ``name``, served by ``handler`` on ``path``."""

    def register(client: Client) -> Client:
        SCENARIOS[name] = Scenario(name, issue, path, handler, client)
        return client

    return register


# --- servers ---------------------------------------------------------------------------------


def results(state: State) -> web.Response:
    return web.Response(body=state.body, content_type="application/json")


def throttled(retry_after: str | None) -> web.Response:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return web.json_response({"detail": "slow down"}, status=429, headers=headers)


def poisoned(share: int, retry_after: str | None) -> Handler:
    """Ids ending in ``0..share-1`` (so ``share`` tenths of them) are answered 429 for ever."""

    async def handle(request: web.Request, state: State) -> web.Response:
        if int(request.match_info["key"]) % 10 < share:
            return throttled(retry_after)
        return results(state)

    return handle


async def one_poisoned(request: web.Request, state: State) -> web.Response:
    return throttled("0") if request.match_info["key"] == "7" else results(state)


async def hanging(request: web.Request, state: State) -> web.Response:
    assert state.released is not None
    await state.released.wait()
    return results(state)


async def slow_after_three(request: web.Request, state: State) -> web.Response:
    if int(request.match_info["key"]) >= 3:
        return await hanging(request, state)
    return results(state)


def run_json(position: int) -> dict[str, Any]:
    return bodies.cognigy_minimal_run_body(position, created_by="bench")


def page(
    data: list[dict[str, Any]], *, skip: int = 0, total: int = 10**9, next: str | None = None
) -> web.Response:
    pagination = {
        "limit": 100,
        "skip": skip,
        "total": total,
        "hasNext": True,
        "hasPrevious": skip > 0,
        "next": next,
        "previous": None,
    }
    return web.json_response({"data": data, "pagination": pagination})


def walk_handler(answer: Callable[[int, web.Request], web.Response]) -> Handler:
    async def handle(request: web.Request, state: State) -> web.Response:
        number = state.requests["pages"]
        state.requests["pages"] += 1
        return answer(number, request)

    return handle


# --- scenarios: bulk -------------------------------------------------------------------------


async def fetch_all(bj: BluejayClient, ids: range | list[int], **kwargs: Any) -> str:
    outcomes: Counter[str] = Counter()
    async for item in bj.results.retrieve_many(ids, **kwargs):
        outcomes["ok" if item.ok else type(item.error).__name__] += 1
    return ", ".join(f"{n} {what}" for what, n in sorted(outcomes.items()))


@scenario(
    "deadline",
    "results.retrieve failed at the 2 s deadline, retrieve_many([1, 2, 3]) at 10.75 s",
    RESULTS,
    hanging,
)
async def deadline(url: str, args: argparse.Namespace) -> str:
    policy = RetryPolicy(deadline=2.0)
    async with BluejayClient(api_key="k", base_url=url, timeout=10.0, retry=policy) as bj:
        started = time.perf_counter()
        try:
            await bj.results.retrieve(1)
        except Exception as exc:
            single = f"retrieve: {type(exc).__name__} at {time.perf_counter() - started:.2f} s"
        started = time.perf_counter()
        bulk = await fetch_all(bj, [1, 2, 3])
        return f"{single}; retrieve_many: {bulk} at {time.perf_counter() - started:.2f} s"


def poisoned_scenario(name: str, share: int, retry_after: str | None, adaptive: bool) -> None:
    wait = "no Retry-After" if retry_after is None else f"Retry-After: {retry_after}"
    window = "adaptive" if adaptive else "adaptive=False"

    async def client(url: str, args: argparse.Namespace) -> str:
        async with BluejayClient(api_key="k", base_url=url) as bj:
            return await fetch_all(bj, range(args.ids), adaptive=adaptive)

    issue = (
        "1 817 of 2 000 outcomes after 115 s"
        if share == 1 and adaptive and retry_after == "0"
        else "-"
    )
    scenario(name, issue, RESULTS, poisoned(share, retry_after))(client)
    SCENARIOS[name] = attrs.evolve(
        SCENARIOS[name], issue=f"{share}0% of ids 429 for ever, {wait}, {window}; {issue}"
    )


poisoned_scenario("poisoned-tenth", 1, "0", adaptive=True)
poisoned_scenario("poisoned-tenth-fixed", 1, "0", adaptive=False)
poisoned_scenario("poisoned-tenth-no-hint", 1, None, adaptive=True)
poisoned_scenario("poisoned-tenth-wait-1s", 1, "1", adaptive=True)
poisoned_scenario("poisoned-third", 3, "0", adaptive=True)
poisoned_scenario("poisoned-half", 5, "0", adaptive=True)


@scenario("one-poisoned", "one id among 5 000 got 337 requests", RESULTS, one_poisoned)
async def one_poisoned_client(url: str, args: argparse.Namespace) -> str:
    async with BluejayClient(api_key="k", base_url=url) as bj:
        return await fetch_all(bj, range(5000))


@scenario(
    "aclose-mid-fetch",
    "the consumer ended cancelled; outcomes still to come were lost",
    RESULTS,
    slow_after_three,
)
async def aclose_mid_fetch(url: str, args: argparse.Namespace) -> str:
    bj = BluejayClient(api_key="k", base_url=url, max_connections=2)
    seen: Counter[str] = Counter()
    three = asyncio.Event()

    async def consume() -> None:
        async for item in bj.results.retrieve_many(range(20), concurrency=8):
            seen["ok" if item.ok else type(item.error).__name__] += 1
            if sum(seen.values()) == 3:
                three.set()

    consumer = asyncio.ensure_future(consume())
    await three.wait()
    await bj.aclose()
    await asyncio.wait([consumer])
    ended = "cancelled" if consumer.cancelled() else f"ended ({consumer.exception() or 'ok'})"
    return f"consumer {ended}; outcomes: " + ", ".join(f"{n} {w}" for w, n in seen.items())


# --- scenarios: Cognigy walks ----------------------------------------------------------------


async def walk(url: str, **kwargs: Any) -> str:
    yielded: set[str] = set()
    count = 0
    ended = "ended"
    async with CognigyClient(token="t", base_url=url, project_id="p") as cg:
        try:
            async for run in cg.runs.iterate("s", "b", **kwargs):
                count += 1
                yielded.add(run.id)
        except PaginationError as exc:
            ended = f"PaginationError ({str(exc)[:60]}...)"
    return f"{count} runs yielded ({len(yielded)} unique); {ended}"


@scenario(
    "fresh-cursors",
    "the same 100 runs under a fresh cursor each page: 200 000 runs in 2 000 pages",
    RUNS,
    walk_handler(lambda n, _: page([run_json(i) for i in range(100)], next=f"c{n}")),
)
async def fresh_cursors(url: str, args: argparse.Namespace) -> str:
    return await walk(url)


@scenario(
    "repeat-one",
    "skip mode, a page repeating one run: yielded 300 times",
    RUNS,
    walk_handler(lambda _, r: page([run_json(0)], skip=int(r.query["skip"]), total=300)),
)
async def repeat_one(url: str, args: argparse.Namespace) -> str:
    return await walk(url)


@scenario(
    "past-total",
    "hasNext with total 0: walked on to skip=199 900",
    RUNS,
    walk_handler(
        lambda _, r: page(
            [run_json(int(r.query["skip"]) + i) for i in range(100)],
            skip=int(r.query["skip"]),
            total=0,
        )
    ),
)
async def past_total(url: str, args: argparse.Namespace) -> str:
    return await walk(url)


@scenario(
    "no-end",
    "new runs under new cursors for ever: no end",
    RUNS,
    walk_handler(lambda n, _: page([run_json(n * 100 + i) for i in range(100)], next=f"c{n}")),
)
async def no_end(url: str, args: argparse.Namespace) -> str:
    return await walk(url, max_pages=args.max_pages)


HUGE = "x" * 100_000


@scenario(
    "huge-cursors",
    "100 KB cursors: +29 MB per 300 pages",
    RUNS,
    walk_handler(
        lambda n, _: page([run_json(n * 100 + i) for i in range(100)], next=f"{n:08d}{HUGE}")
    ),
)
async def huge_cursors(url: str, args: argparse.Namespace) -> str:
    return await walk(url, max_pages=args.huge_pages)


# --- the parent: servers, children, table ----------------------------------------------------


class Servers:
    """One aiohttp app serving every scenario under ``/<name>``, on a thread of its own."""

    def __init__(self, body: bytes) -> None:
        self.states = {name: State(body=body) for name in SCENARIOS}
        self.url = ""
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._loop.run_until_complete, args=(self._main(),))

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        app = web.Application()
        for name, item in SCENARIOS.items():
            state = self.states[name]
            state.released = asyncio.Event()
            app.router.add_get(f"/{name}{item.path}", self._route(item.handler, state))
        runner = web.AppRunner(app, access_log=None, max_line_size=512 * 1024)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{runner.addresses[0][1]}"
        self._ready.set()
        await self._stop.wait()
        for state in self.states.values():
            assert state.released is not None
            state.released.set()
        await runner.cleanup()

    @staticmethod
    def _route(handler: Handler, state: State) -> Callable[[web.Request], Awaitable[Any]]:
        async def route(request: web.Request) -> web.StreamResponse:
            state.requests["all"] += 1
            state.requests[f"key:{request.match_info.get('key', '')}"] += 1
            return await handler(request, state)

        return route

    def __enter__(self) -> Servers:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        assert self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(30)


def results_body() -> bytes:
    """One valid results body (10 results), from the sandbox."""

    async def take() -> bytes:
        config = SandboxConfig(seed=0, simulations=1, runs_per_simulation=1, results_per_run=10)
        async with run_sandbox(config) as sb, aiohttp.ClientSession() as session:
            url = sb.bluejay_url + RESULTS.format(key=min(sb.state.runs))
            async with session.get(url, headers={"X-API-Key": sb.api_key}) as response:
                return await response.read()

    return asyncio.run(take())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), default=None)
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--ids", type=int, default=2000, help="ids of the poisoned fetches")
    parser.add_argument("--max-pages", type=int, default=1000, help="cap of the no-end walk")
    parser.add_argument("--huge-pages", type=int, default=300, help="pages of huge cursors")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.list:
        for name, item in SCENARIOS.items():
            print(f"{name:24} {item.issue}")
        return
    if args.child:
        with _common.Stopwatch() as watch:
            ended = asyncio.run(SCENARIOS[args.child].client(args.url, args))
        print(json.dumps({"ended": ended, "wall": watch.wall, "rss": _common.peak_rss_mib()}))
        return

    names = args.only or list(SCENARIOS)
    passed = ["--ids", str(args.ids), "--max-pages", str(args.max_pages)]
    passed += ["--huge-pages", str(args.huge_pages)]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    rows = []
    with Servers(results_body()) as servers:
        for name in names:
            url = f"{servers.url}/{name}"
            result = _common.run_child(_SCRIPT, ["--child", name, "--url", url, *passed])
            counts = servers.states[name].requests
            per_id = [n for k, n in counts.items() if k.startswith("key:") and k != "key:"]
            most = f" (most for one id: {max(per_id)})" if per_id else ""
            requests = f"{counts['all']}{most}"
            rows.append(
                [name, result["ended"], requests, f"{result['wall']:.2f}", f"{result['rss']:.1f}"]
            )
            print(f"  {name} done", file=sys.stderr, flush=True)
    _common.print_table(
        ["scenario", "what the client saw", "requests", "seconds", "peak RSS MiB"], rows
    )
    print()
    for name in names:
        print(f"- {name}: {SCENARIOS[name].issue}")


if __name__ == "__main__":
    main()
