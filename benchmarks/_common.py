"""Helpers shared by the benchmarks: measuring, rounds, tables, and the sandbox in a process.

The benchmarks that measure the client run against ``wire_server.py`` (bodies prepared once,
served from memory). ``decode.py`` needs only realistic bodies, which it takes from the
sandbox: ``python benchmarks/_common.py serve --runs N`` serves the sandbox (one simulation of
``N`` runs, bodies serialised up front) and two routes of its own:

* ``POST /_bench/faults`` with a JSON list of :class:`FaultRule` keyword dicts replaces the
  fault rules and zeroes the counters;
* ``GET /_bench/counters`` returns ``{"requests": {route: n}, "responses": {"route status": n}}``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aiohttp import web

API_KEY = "sandbox"
SIMULATION_ID = 1
ROUTE = "retrieve_simulation_results"


# --- the server process --------------------------------------------------------------------


@contextmanager
def sandbox_process(runs: int, *, results_per_run: int = 10) -> Iterator[str]:
    """Start the sandbox in a separate process; yields its Bluejay base URL."""
    command = [
        sys.executable,
        os.path.abspath(__file__),
        "serve",
        "--runs",
        str(runs),
        "--results-per-run",
        str(results_per_run),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("bluejay: "):
            raise RuntimeError(f"the sandbox did not start: {line!r}")
        yield line.split(" ", 1)[1].strip()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def set_faults(base_url: str, rules: Sequence[dict[str, Any]]) -> None:
    """Replace the server's fault rules (and zero its counters)."""
    request = urllib.request.Request(
        base_url + "/_bench/faults",
        data=json.dumps(list(rules)).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        response.read()


def counters(base_url: str) -> dict[str, dict[str, int]]:
    """The server's request and response counters since the last :func:`set_faults`."""
    with urllib.request.urlopen(base_url + "/_bench/counters", timeout=10) as response:
        data: dict[str, dict[str, int]] = json.loads(response.read())
    return data


def run_ids(base_url: str) -> list[int]:
    """The run ids of the benchmark's simulation, in listing order."""
    request = urllib.request.Request(
        f"{base_url}/v1/get-simulation-runs/{SIMULATION_ID}", headers={"X-API-Key": API_KEY}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.loads(response.read())
    return [run["id"] for run in body["simulation_runs"]]


def fetch_body(base_url: str, run_id: int) -> bytes:
    """One run's raw results body."""
    request = urllib.request.Request(
        f"{base_url}/v1/retrieve-simulation-results/{run_id}", headers={"X-API-Key": API_KEY}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body: bytes = response.read()
    return body


async def _serve(runs: int, results_per_run: int) -> None:
    # Imported here: a benchmark's client process imports this module, and its peak RSS must
    # not include a server.
    from aiohttp import web

    from bluejay_async.sandbox import FaultRule, SandboxConfig, build_app, start_site

    config = SandboxConfig(
        seed=0, simulations=1, runs_per_simulation=runs, results_per_run=results_per_run
    )
    app, sandbox = build_app(config)
    sandbox.state.warm()

    async def faults(request: web.Request) -> web.Response:
        rules = [FaultRule(**rule) for rule in await request.json()]
        sandbox.set_faults(rules)
        sandbox.counters.reset()
        return web.json_response({"faults": len(rules)})

    async def show_counters(_: web.Request) -> web.Response:
        return web.json_response(
            {
                "requests": dict(sandbox.counters.requests),
                "responses": {
                    f"{route} {status}": n
                    for (route, status), n in sandbox.counters.responses.items()
                },
            }
        )

    app.router.add_post("/_bench/faults", faults)
    app.router.add_get("/_bench/counters", show_counters)
    runner = await start_site(app, sandbox, "127.0.0.1", 0)
    print(f"bluejay: {sandbox.bluejay_url}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


# --- measuring -----------------------------------------------------------------------------


def peak_rss_mib() -> float:
    """This process's peak resident set size so far, in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Stopwatch:
    """Wall and CPU time of this process over a block."""

    def __enter__(self) -> Stopwatch:
        self._wall = time.perf_counter()
        self._cpu = time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def run_child(script: str, args: Sequence[str], env: dict[str, str] | None = None) -> Any:
    """Run ``script`` in a fresh interpreter; returns the JSON it printed on its last line."""
    completed = subprocess.run(
        [sys.executable, script, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{script} {' '.join(args)} failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def median(values: Sequence[float]) -> float:
    """The median of several rounds."""
    return float(statistics.median(values))


def ratio_text(ratios: Sequence[float]) -> str:
    """A ratio's median over the rounds, with its spread: ``0.85x (rounds 0.80x-0.90x)``."""
    if not ratios:
        return "-"
    text = f"{median(ratios):.2f}x"
    if len(ratios) > 1:
        text += f" ({min(ratios):.2f}-{max(ratios):.2f})"
    return text


def machine_line() -> str:
    """Python, CPUs and the load average when the run started (a busy machine drifts)."""
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return (
        f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, "
        f"load average {load} (1/5/15 min) at the start"
    )


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Print a Markdown table."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    sys.stdout.flush()


def main(argv: Sequence[str] | None = None) -> None:
    """``serve``: run the benchmark sandbox until SIGTERM."""
    parser = argparse.ArgumentParser(description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve")
    serve.add_argument("--runs", type=int, default=2000)
    serve.add_argument("--results-per-run", type=int, default=10)
    args = parser.parse_args(argv)
    asyncio.run(_serve(args.runs, args.results_per_run))


if __name__ == "__main__":
    main()
