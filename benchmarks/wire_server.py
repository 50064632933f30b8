"""A benchmark server that costs next to nothing per request, so the client is what is measured.

    python benchmarks/wire_server.py --runs 2000 --cognigy-runs 10000 --page-size 100

At start it runs the project's sandbox in this process, fetches from it every body a benchmark
will ask for (the run listing, one results body per run, and every Cognigy page of the batch
at ``--page-size``, keyed by ``skip`` and by cursor), stops the sandbox, and then serves those
bytes from memory (``_http_loop.py``: one thread, non-blocking sockets, a ``selectors`` loop):
no routing framework, no asyncio, no JSON encoding, no header objects; a request is one
``recv``, one dictionary lookup and one ``send`` of the prepared response. It then prints,
flushed::

    bluejay: http://127.0.0.1:PORT
    cognigy: http://127.0.0.1:PORT/testing
    api-key: sandbox

and serves until SIGTERM or SIGINT. HTTP/1.1 keep-alive; ``Connection: close`` is honoured.

Why: a server that builds each response (as the sandbox does) spends as much CPU per request as
the client, and when the server is the bottleneck every client looks alike. This one spends
a few tens of microseconds (most of it in the kernel, sending the bytes), and reports its own
CPU time so that every table can show it next to the client's.

Routes (the API key is not checked):

* ``GET /v1/get-simulation-runs/1`` and ``GET /v1/retrieve-simulation-results/{run_id}``;
* ``GET /testing/simulations/sim/batches/batch/runs?limit=PAGE&skip=N`` or ``&next=CURSOR``
  (any other ``limit`` is a 400: only pages of ``--page-size`` were prepared);
* ``GET /_bench/configure?latency=S&rate=R&burst=B``: from now on, wait ``S`` seconds before
  each answer, and put a token bucket of ``R`` requests/second (``B`` stored, default ``R``) on
  the results route (429 with ``Retry-After`` and ``X-RateLimit-*`` when empty, as the sandbox's
  ``rate_limit`` fault); zeroes the counters. Parameters left out are turned off.
* ``GET /_bench/stats``: ``{"cpu": seconds, "requests": {route: n}, "responses":
  {"route status": n}}``; ``cpu`` is this process's CPU time (user + system).

:class:`WireServer` starts one in a child process and talks to those two routes.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import math
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs

import _http_loop
import attrs

API_KEY = "sandbox"
SIMULATION_ID = 1
SIMULATION_REF = "sim"
BATCH_REF = "batch"
PROJECT_ID = "bench"
RESULTS_ROUTE = "retrieve_simulation_results"
LISTING_ROUTE = "get_simulation_runs"
COGNIGY_ROUTE = "cognigy_runs"
_RESULTS_PREFIX = b"/v1/retrieve-simulation-results/"
_LISTING_PATH = f"/v1/get-simulation-runs/{SIMULATION_ID}".encode()
_COGNIGY_PATH = f"/testing/simulations/{SIMULATION_REF}/batches/{BATCH_REF}/runs".encode()


# --- the bodies, taken from the sandbox once ------------------------------------------------


@attrs.define
class Bodies:
    """Every body the server answers with, as the sandbox serialised it."""

    listing: bytes = b""
    results: dict[int, bytes] = attrs.Factory(dict)
    page_size: int = 0
    pages_by_skip: dict[int, bytes] = attrs.Factory(dict)
    pages_by_cursor: dict[str, bytes] = attrs.Factory(dict)


async def collect_bodies(
    runs: int, results_per_run: int, cognigy_runs: int, page_size: int, cursors: bool
) -> Bodies:
    """Run the sandbox in this process and fetch every body from it over HTTP."""
    import aiohttp

    from bluejay_async.sandbox import SandboxConfig, run_sandbox

    config = SandboxConfig(
        seed=0,
        simulations=1,
        runs_per_simulation=max(runs, 1),
        results_per_run=results_per_run,
        cognigy_runs_per_batch=cognigy_runs,
        cognigy_cursors=cursors,
    )
    bodies = Bodies(page_size=page_size)
    headers = {"X-API-Key": API_KEY}
    async with run_sandbox(config) as sandbox, aiohttp.ClientSession(headers=headers) as session:

        async def get(url: str, params: dict[str, str] | None = None) -> bytes:
            async with session.get(url, params=params) as response:
                response.raise_for_status()
                return await response.read()

        bodies.listing = await get(f"{sandbox.bluejay_url}/v1/get-simulation-runs/{SIMULATION_ID}")
        run_ids = [run["id"] for run in json.loads(bodies.listing)["simulation_runs"]][:runs]
        base = f"{sandbox.bluejay_url}/v1/retrieve-simulation-results/"
        for run_id in run_ids:
            bodies.results[run_id] = await get(f"{base}{run_id}")
        if cognigy_runs:
            url = f"{sandbox.cognigy_url}/simulations/{SIMULATION_REF}/batches/{BATCH_REF}/runs"
            params = {"projectId": PROJECT_ID, "limit": str(page_size), "skip": "0"}
            while True:
                page = await get(url, params)
                pagination = json.loads(page)["pagination"]
                if "next" in params:
                    bodies.pages_by_cursor[params["next"]] = page
                bodies.pages_by_skip[pagination["skip"]] = page
                if not pagination["hasNext"]:
                    break
                received = len(json.loads(page)["data"])
                params = {"projectId": PROJECT_ID, "limit": str(page_size)}
                if pagination["next"]:
                    params["next"] = pagination["next"]
                else:
                    params["skip"] = str(pagination["skip"] + received)
    return bodies


# --- the protocol ----------------------------------------------------------------------------


def _response(status: int, body: bytes, extra: str = "") -> bytes:
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 429: "Too Many Requests"}[status]
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n{extra}\r\n"
    )
    return head.encode() + body


def _error(status: int, detail: str) -> bytes:
    return _response(status, json.dumps({"detail": detail}).encode())


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` stored (as the sandbox's ``rate_limit``)."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.last = time.monotonic()

    def take(self) -> float:
        """Take a token: 0.0 when there was one, else the seconds until there is."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.last) * self.rate)
        self.last = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate


class Server:
    """What the connections share: the prepared responses, the behaviours and the counters."""

    def __init__(self, bodies: Bodies) -> None:
        self.page_size = bodies.page_size
        self.latency = 0.0
        self.bucket: TokenBucket | None = None
        self.requests: Counter[str] = Counter()
        self.responses: Counter[str] = Counter()
        # target -> (route, "route status", full response): filled on first sight of each
        # target, so a repeated request costs one dictionary lookup.
        self._prepared: dict[bytes, tuple[str, str, bytes]] = {}
        self._listing = _response(200, bodies.listing)
        self._results = {run_id: _response(200, b) for run_id, b in bodies.results.items()}
        self._pages_by_skip = {skip: _response(200, b) for skip, b in bodies.pages_by_skip.items()}
        by_body = {id(bodies.pages_by_skip[skip]): r for skip, r in self._pages_by_skip.items()}
        self._pages_by_cursor = {
            cursor: by_body[id(b)] for cursor, b in bodies.pages_by_cursor.items()
        }

    def respond(self, target: bytes) -> bytes:
        """The whole HTTP response to ``GET target``."""
        prepared = self._prepared.get(target)
        if prepared is None:
            if target.startswith(b"/_bench/"):
                return self._control(target)
            route, response = self._resolve(target)
            prepared = (route, f"{route} {response[9:12].decode()}", response)
            if response.startswith(b"HTTP/1.1 200"):
                self._prepared[target] = prepared
        route, counted, response = prepared
        self.requests[route] += 1
        if self.bucket is not None and route == RESULTS_ROUTE:
            wait = self.bucket.take()
            if wait:
                self.responses[f"{route} 429"] += 1
                return self._throttled(self.bucket, wait)
        self.responses[counted] += 1
        return response

    def _resolve(self, target: bytes) -> tuple[str, bytes]:
        path, _, query = target.partition(b"?")
        if path.startswith(_RESULTS_PREFIX):
            run_id = path[len(_RESULTS_PREFIX) :]
            response = self._results.get(int(run_id)) if run_id.isdigit() else None
            return RESULTS_ROUTE, response or _error(404, "Simulation run not found")
        if path == _LISTING_PATH:
            return LISTING_ROUTE, self._listing
        if path == _COGNIGY_PATH:
            return COGNIGY_ROUTE, self._page(parse_qs(query.decode()))
        return "unknown", _error(404, "Not Found")

    def _page(self, query: dict[str, list[str]]) -> bytes:
        limit = query.get("limit", ["20"])[-1]
        if limit != str(self.page_size):
            return _error(400, f"only pages of limit={self.page_size} were prepared")
        if "next" in query:
            page = self._pages_by_cursor.get(query["next"][-1])
        else:
            skip = query.get("skip", ["0"])[-1]
            page = self._pages_by_skip.get(int(skip)) if skip.isdigit() else None
        return page or _error(400, "no prepared page at this skip or cursor")

    @staticmethod
    def _throttled(bucket: TokenBucket, wait: float) -> bytes:
        headers = (
            f"Retry-After: {max(0, math.ceil(wait - 1e-9))}\r\n"
            f"X-RateLimit-Limit: {bucket.rate:g}\r\n"
            f"X-RateLimit-Remaining: {int(bucket.tokens)}\r\n"
            f"X-RateLimit-Reset: {wait:.3f}\r\n"
        )
        return _response(429, b'{"detail":"Rate limit exceeded"}', headers)

    def _control(self, target: bytes) -> bytes:
        path, _, query = target.partition(b"?")
        if path == b"/_bench/stats":
            stats = {
                "cpu": time.process_time(),
                "requests": dict(self.requests),
                "responses": dict(self.responses),
            }
            return _response(200, json.dumps(stats).encode())
        if path == b"/_bench/configure":
            params = {k: float(v[-1]) for k, v in parse_qs(query.decode()).items()}
            rate = params.get("rate", 0.0)
            self.latency = params.get("latency", 0.0)
            self.bucket = TokenBucket(rate, params.get("burst", rate)) if rate > 0 else None
            self.requests.clear()
            self.responses.clear()
            return _response(200, json.dumps({"latency": self.latency, "rate": rate}).encode())
        return _error(404, "Not Found")


def serve(args: argparse.Namespace) -> None:
    """Collect the bodies, then serve them until SIGTERM or SIGINT."""
    bodies = asyncio.run(
        collect_bodies(
            args.runs, args.results_per_run, args.cognigy_runs, args.page_size, not args.no_cursors
        )
    )
    server = Server(bodies)
    del bodies
    # The sandbox's data is garbage now: collect it once, then keep the collector out of the
    # way (the server allocates almost nothing per request).
    gc.collect()
    gc.freeze()
    listener = socket.create_server((args.host, args.port), backlog=512)
    port = listener.getsockname()[1]
    print(f"bluejay: http://{args.host}:{port}", flush=True)
    print(f"cognigy: http://{args.host}:{port}/testing", flush=True)
    print(f"api-key: {API_KEY}", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with contextlib.suppress(KeyboardInterrupt), listener:
        _http_loop.run(server, listener)


def main(argv: list[str] | None = None) -> None:
    """Parse the options and serve."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=2000, help="results bodies (run ids)")
    parser.add_argument("--results-per-run", type=int, default=10)
    parser.add_argument("--cognigy-runs", type=int, default=0, help="runs in the Cognigy batch")
    parser.add_argument("--page-size", type=int, default=100, help="Cognigy page size")
    parser.add_argument("--no-cursors", action="store_true", help="Cognigy offset paging only")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    serve(parser.parse_args(argv))


# --- driving it from a benchmark -------------------------------------------------------------


@attrs.frozen
class ServerStats:
    """The server's CPU time and counters at one moment; subtract two to get a window's."""

    cpu: float
    requests: dict[str, int]
    responses: dict[str, int]

    def __sub__(self, earlier: ServerStats) -> ServerStats:
        def minus(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            return {k: v - b.get(k, 0) for k, v in a.items() if v - b.get(k, 0)}

        return ServerStats(
            self.cpu - earlier.cpu,
            minus(self.requests, earlier.requests),
            minus(self.responses, earlier.responses),
        )

    @property
    def total_requests(self) -> int:
        """Requests to every route."""
        return sum(self.requests.values())


def _get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def stats(base_url: str) -> ServerStats:
    """The server's CPU time and counters now (``base_url``: its Bluejay URL)."""
    data = _get_json(f"{base_url}/_bench/stats")
    return ServerStats(data["cpu"], data["requests"], data["responses"])


def configure(
    base_url: str, *, latency: float = 0.0, rate: float = 0.0, burst: float | None = None
) -> None:
    """Set the server's latency and rate limit (0: off) and zero its counters."""
    query = f"latency={latency}&rate={rate}" + (f"&burst={burst}" if burst is not None else "")
    _get_json(f"{base_url}/_bench/configure?{query}")


@attrs.frozen
class WireServer:
    """A running wire server (see :func:`start`)."""

    pid: int
    bluejay_url: str
    cognigy_url: str


@contextlib.contextmanager
def start(
    runs: int = 2000,
    *,
    results_per_run: int = 10,
    cognigy_runs: int = 0,
    page_size: int = 100,
    cursors: bool = True,
) -> Iterator[WireServer]:
    """Start a wire server in a child process; stops it when the block ends."""
    command = [sys.executable, os.path.abspath(__file__), "--runs", str(runs)]
    command += ["--results-per-run", str(results_per_run), "--cognigy-runs", str(cognigy_runs)]
    command += ["--page-size", str(page_size)] + ([] if cursors else ["--no-cursors"])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        announced: dict[str, str] = {}
        while "api-key" not in announced:
            line = process.stdout.readline()
            if not line:
                raise RuntimeError(f"the wire server exited with status {process.wait()}")
            name, _, value = line.partition(": ")
            announced[name] = value.strip()
        yield WireServer(process.pid, announced["bluejay"], announced["cognigy"])
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


if __name__ == "__main__":
    main()
