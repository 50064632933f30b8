"""The benchmarks' wire server answers with the sandbox's own bytes, and its behaviours work."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import aiohttp
import pytest
import wire_server

from bluejay_async.sandbox import SandboxConfig, run_sandbox
from cognigy_async import CognigyClient

RUNS, COGNIGY_RUNS, PAGE_SIZE = 3, 250, 100


@pytest.fixture(scope="module")
def server() -> Iterator[wire_server.WireServer]:
    with wire_server.start(RUNS, cognigy_runs=COGNIGY_RUNS, page_size=PAGE_SIZE) as srv:
        yield srv


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


async def test_bodies_are_the_sandboxs_bytes(server: wire_server.WireServer) -> None:
    config = SandboxConfig(
        seed=0, simulations=1, runs_per_simulation=RUNS, cognigy_runs_per_batch=COGNIGY_RUNS
    )
    headers = {"X-API-Key": wire_server.API_KEY}
    async with run_sandbox(config) as sandbox, aiohttp.ClientSession(headers=headers) as session:
        async with session.get(f"{sandbox.bluejay_url}/v1/get-simulation-runs/1") as response:
            listing = await response.read()
        run_id = json.loads(listing)["simulation_runs"][-1]["id"]
        path = f"/v1/retrieve-simulation-results/{run_id}"
        async with session.get(sandbox.bluejay_url + path) as response:
            results = await response.read()

    assert get(server.bluejay_url + "/v1/get-simulation-runs/1")[::2] == (200, listing)
    assert get(server.bluejay_url + path)[::2] == (200, results)


async def test_a_cognigy_walk_gets_every_run_once(server: wire_server.WireServer) -> None:
    async with CognigyClient(
        token=wire_server.API_KEY, base_url=server.cognigy_url, project_id="bench"
    ) as cg:
        runs = [run.id async for run in cg.runs.iterate("sim", "batch", page_size=PAGE_SIZE)]

    assert len(runs) == len(set(runs)) == COGNIGY_RUNS


def test_pages_of_another_size_are_refused(server: wire_server.WireServer) -> None:
    status, _, body = get(f"{server.cognigy_url}/simulations/sim/batches/batch/runs?limit=7")

    assert status == 400
    assert b"limit=100" in body


def test_an_empty_bucket_answers_429_with_retry_after(server: wire_server.WireServer) -> None:
    run_id = json.loads(get(server.bluejay_url + "/v1/get-simulation-runs/1")[2])[
        "simulation_runs"
    ][0]["id"]
    url = f"{server.bluejay_url}/v1/retrieve-simulation-results/{run_id}"
    # One token, refilled after 1 000 s: the first request passes, the second cannot.
    wire_server.configure(server.bluejay_url, rate=0.001, burst=1)
    try:
        first, second = get(url), get(url)
        stats = wire_server.stats(server.bluejay_url)
    finally:
        wire_server.configure(server.bluejay_url)

    assert first[0] == 200
    assert second[0] == 429
    assert int(second[1]["Retry-After"]) >= 1
    assert stats.responses == {
        f"{wire_server.RESULTS_ROUTE} 200": 1,
        f"{wire_server.RESULTS_ROUTE} 429": 1,
    }
    assert stats.cpu > 0


def test_an_unknown_path_is_404(server: wire_server.WireServer) -> None:
    assert get(server.bluejay_url + "/v1/nothing")[0] == 404
