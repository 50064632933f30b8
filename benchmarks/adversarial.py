"""Replay the hostile servers of the hardening work and measure what each costs the client.

    python benchmarks/adversarial.py                      # every scenario, full sizes
    python benchmarks/adversarial.py --only gzip-bomb stream-200 --big-mib 512
    python benchmarks/adversarial.py --list

The hostile servers (``tests/reliability/hostile.py``) run in this process, on 127.0.0.1; each
scenario's client runs in a fresh interpreter of its own, so its peak RSS is its own. For each
scenario the table shows what the call ended with, the requests the server received, the
seconds the client took and its peak RSS. Every figure can be re-measured with this script; no
scenario needs the network.

Adding a scenario: write a client coroutine ``async def name(url, args) -> str`` (it returns a
short description of how the call ended) and register it with :func:`scenario`, giving the
handler factory of its server (``None`` when it needs none). The bulk window, the deadline of
``retrieve_many`` and the Cognigy walks have their own section below, left for their scenarios.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import math
import os
import resource
import sys
import time
import warnings
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import attrs
from aiohttp import web

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The repository root must be importable (for tests.reliability.hostile).
from bluejay_async import BluejayClient, RetryPolicy
from cognigy_async import CognigyClient
from tests.reliability.hostile import (
    MIB,
    Handler,
    echo_handler,
    encoded_handler,
    gzip_bomb,
    held_handler,
    hostile_server,
    redirect_handler,
    streamed_handler,
)

KEY = "bj-adversarial-SECRET-3c9d"
_SCRIPT = os.path.abspath(__file__)
Client = Callable[[str, argparse.Namespace], Coroutine[Any, Any, str]]
HandlerFactory = Callable[[argparse.Namespace], Handler]


@attrs.frozen
class Scenario:
    """One hostile server and the client call replayed against it."""

    name: str
    item: str
    """The issue item it replays."""
    handler: HandlerFactory | None
    client: Client


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, item: str, handler: HandlerFactory | None) -> Callable[[Client], Client]:
    """Register a client coroutine as the scenario ``name``."""

    def register(client: Client) -> Client:
        SCENARIOS[name] = Scenario(name, item, handler, client)
        return client

    return register


def ended(outcome: Any) -> str:
    """How a call ended, in a few words."""
    if isinstance(outcome, BaseException):
        return f"{type(outcome).__name__}: {str(outcome)[:60]}"
    return f"ok ({type(outcome).__name__})"


async def attempt(call: Awaitable[Any]) -> str:
    try:
        return ended(await call)
    except Exception as exc:
        return ended(exc)


def retrieve_results(url: str, **options: Any) -> BluejayClient:
    return BluejayClient(api_key=KEY, base_url=url, **options)


# --- item 1: bodies without end ------------------------------------------------------------


@scenario("stream-200", "1", lambda a: streamed_handler(a.big_mib * MIB))
async def stream_200(url: str, args: argparse.Namespace) -> str:
    """A 200 body of --big-mib MiB, streamed (the default retry policy)."""
    async with retrieve_results(url) as bj:
        return await attempt(bj.results.retrieve(1))


@scenario("stream-503", "1", lambda a: streamed_handler(a.big_mib * MIB, status=503))
async def stream_503(url: str, args: argparse.Namespace) -> str:
    """The same size as an error body: a retryable status."""
    async with retrieve_results(url) as bj:
        return await attempt(bj.results.retrieve(1))


@scenario("gzip-bomb", "1", lambda a: encoded_handler(gzip_bomb(a.bomb_mib * MIB), "gzip"))
async def gzip_bomb_200(url: str, args: argparse.Namespace) -> str:
    """About a MiB on the wire, --bomb-mib MiB inflated."""
    async with retrieve_results(url) as bj:
        return await attempt(bj.results.retrieve(1))


# --- item 2: redirects that cannot be followed ---------------------------------------------


def _bad_location_on_7(args: argparse.Namespace) -> Handler:
    bad = redirect_handler(302, "http://[::1/x")
    body = json.dumps(_results_body()).encode()

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/7"):
            return await bad(request)
        return web.Response(body=body, content_type="application/json")

    return handle


@scenario("bad-location-bulk", "2", _bad_location_on_7)
async def bad_location_bulk(url: str, args: argparse.Namespace) -> str:
    """retrieve_many(range(50)); id 7 redirects to ``http://[::1/x``."""
    outcomes: list[Any] = []
    async with retrieve_results(url) as bj:
        try:
            async for outcome in bj.results.retrieve_many(range(50)):
                outcomes.append(outcome)
        except Exception as exc:
            return f"{len(outcomes)}/50 outcomes, then {ended(exc)}"
    failed = [o for o in outcomes if not o.ok]
    kinds = sorted({type(o.error).__name__ for o in failed})
    return f"{len(outcomes)}/50 outcomes, {len(failed)} failed ({', '.join(kinds)})"


@scenario("redirect-no-location", "2", lambda a: redirect_handler(307, None))
async def redirect_without_location(url: str, args: argparse.Namespace) -> str:
    """A 307 without Location, with a valid JSON body, to a POST."""
    async with retrieve_results(url) as bj:
        return await attempt(bj.simulations.create(agent_id="a", name="n"))


# --- items 6, 10: closing, and loops -------------------------------------------------------


@scenario("aclose-waiting", "6", None)
async def aclose_while_waiting(url: str, args: argparse.Namespace) -> str:
    """20 calls on a pool of 2 held by the server; aclose() while 18 wait for a slot."""
    release = asyncio.Event()
    async with hostile_server(held_handler(release)) as server:
        bj = retrieve_results(server.url, max_connections=2)
        tasks = [asyncio.ensure_future(bj.runs.list(1)) for _ in range(20)]
        while server.total < 2:  # noqa: ASYNC110 - a count on the server, nothing to await
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
        await bj.aclose()
        done = await asyncio.gather(*tasks, return_exceptions=True)
        release.set()
    kinds: dict[str, int] = {}
    for task, result in zip(tasks, done, strict=True):
        kind = "cancelled" if task.cancelled() else ended(result).split(":")[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    ends = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    return f"{ends} ({server.total} requests reached the server)"


def _runs_body_handler(args: argparse.Namespace) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        return web.json_response({"simulation_runs": []})

    return handle


@scenario("two-asyncio-runs", "10", _runs_body_handler)
async def two_asyncio_runs(url: str, args: argparse.Namespace) -> str:
    """A module-level client used by two asyncio.run() calls (run here in a thread)."""

    def script() -> str:
        bj = retrieve_results(url)
        ends = []
        for _ in range(2):
            try:
                asyncio.run(bj.runs.list(1))
                ends.append("ok")
            except Exception as exc:
                ends.append(ended(exc))
        del bj
        gc.collect()
        return "; ".join(ends)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        text = await asyncio.to_thread(script)
        gc.collect()
    unclosed = sum("nclosed" in str(w.message) for w in caught)
    return f"{text}; {unclosed} Unclosed warnings"


# --- items 7, 8, 9: secrets and request bodies ---------------------------------------------


@scenario("secret-echo", "7", lambda a: echo_handler(401, padding=180))
async def secret_echo(url: str, args: argparse.Namespace) -> str:
    """A 401 that repeats the key in its body, traceId and headers."""
    records: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: records.append(record.getMessage())  # type: ignore[method-assign]
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(logging.DEBUG)
    async with retrieve_results(url, retry=RetryPolicy(max_attempts=1)) as bj:
        try:
            await bj.runs.list(1)
        except Exception as exc:
            exposed = {
                "str": str(exc),
                "repr": repr(exc),
                "body": repr(getattr(exc, "body", "")),
                "headers": repr(dict(getattr(exc, "headers", {}))),
                "request_id": repr(getattr(exc, "request_id", "")),
                "trace_id": repr(getattr(exc, "trace_id", "")),
                "logs": " ".join(records),
            }
            leaks = [name for name, text in exposed.items() if KEY in text]
            return f"key shown in: {', '.join(leaks) or 'nothing'}"
    return "no error"


@scenario("userinfo-base-url", "8", None)
async def userinfo_base_url(url: str, args: argparse.Namespace) -> str:
    """``https://user:pa55word@host`` as base URL, with a key and with a token."""
    base = "https://user:pa55word@api.example.com"
    ends = []
    for make in (
        lambda: BluejayClient(api_key=KEY, base_url=base),
        lambda: CognigyClient(token=KEY, base_url=base),
    ):
        try:
            client = make()
            ends.append(f"accepted, repr shows password: {'pa55word' in repr(client)}")
            await client.aclose()
        except Exception as exc:
            ends.append(f"{type(exc).__name__}, password shown: {'pa55word' in str(exc)}")
    return "; ".join(ends)


@scenario("json-rule", "9", None)
async def json_rule(url: str, args: argparse.Namespace) -> str:
    """Request bodies on both encoders: which values each accepts."""
    import datetime
    import uuid

    from bluejay_async.core import codec

    values = {
        "nan": {"x": math.nan},
        "datetime": {"x": datetime.datetime(2024, 1, 1)},
        "uuid": {"x": uuid.UUID(int=1)},
        "2**70": {"x": 2**70},
        "int key": {1: "x"},
    }
    real = codec._orjson
    verdicts = []
    for name, value in values.items():
        both = []
        for backend in (real, None):
            codec._orjson = backend
            try:
                codec.dumps(value)
                both.append("sent")
            except (TypeError, ValueError):
                both.append("refused")
        codec._orjson = real
        verdicts.append(f"{name} {'/'.join(both)}")
    return "orjson/json: " + ", ".join(verdicts)


# --- issue 11 items 3, 4, 5: the bulk window and the Cognigy walks -------------------------
# Register their scenarios here with @scenario(name, item, handler_factory): the deadline of
# retrieve_many against a hanging server, ids answered 429 forever, and walks whose cursors or
# pages never end.


# --- running ---------------------------------------------------------------------------------


def _results_body() -> dict[str, Any]:
    from tests.core.bodies import results_body

    return results_body(1)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(name: str, url: str, args: argparse.Namespace) -> None:
    """Run one scenario's client and print its figures as a JSON line."""
    start = time.perf_counter()
    outcome = asyncio.run(SCENARIOS[name].client(url, args))
    seconds = time.perf_counter() - start
    print(json.dumps({"outcome": outcome, "seconds": seconds, "rss_mib": peak_rss_mib()}))


async def replay(item: Scenario, args: argparse.Namespace) -> dict[str, Any]:
    """Serve ``item``'s hostile server here and run its client in a fresh interpreter."""

    async def run_client(url: str) -> dict[str, Any]:
        command = [sys.executable, _SCRIPT, "--child", item.name, "--url", url]
        command += ["--big-mib", str(args.big_mib), "--bomb-mib", str(args.bomb_mib)]
        process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.PIPE)
        out, _ = await process.communicate()
        lines = out.decode().strip().splitlines()
        if process.returncode != 0 or not lines:
            return {"outcome": f"client crashed ({process.returncode})", "seconds": math.nan}
        result: dict[str, Any] = json.loads(lines[-1])
        return result

    if item.handler is None:
        return {"requests": "-", **await run_client("http://127.0.0.1:9")}
    async with hostile_server(item.handler(args)) as server:
        figures = await run_client(server.url)
    return {"requests": server.total, **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", nargs="+", choices=sorted(SCENARIOS), help="scenarios to run")
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    parser.add_argument("--big-mib", type=int, default=1536, help="streamed body size (MiB)")
    parser.add_argument("--bomb-mib", type=int, default=1024, help="gzip bomb, inflated (MiB)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.url, args)
        return
    if args.list:
        for item in SCENARIOS.values():
            print(f"{item.name:22} item {item.item:3} {item.client.__doc__}")
        return
    names = args.only or list(SCENARIOS)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| scenario | item | ended with | requests | seconds | peak RSS MiB |")
    print("|---|---|---|---|---|---|")
    for name in names:
        item = SCENARIOS[name]
        row = asyncio.run(replay(item, args))
        print(
            f"| {name} | {item.item} | {row['outcome']} | {row['requests']} "
            f"| {row['seconds']:.2f} | {row.get('rss_mib', math.nan):.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
