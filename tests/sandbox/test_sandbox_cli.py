"""The ``serve`` command as a real subprocess on an ephemeral port."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parents[2]


async def _start(*extra: str) -> tuple[asyncio.subprocess.Process, dict[str, str]]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bluejay_async.sandbox.cli",
        "serve",
        "--port",
        "0",
        *extra,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    lines: dict[str, str] = {}
    while len(lines) < 3:
        line = await asyncio.wait_for(proc.stdout.readline(), timeout=20)
        assert line, "server exited before printing its URLs"
        name, _, value = line.decode().strip().partition(": ")
        lines[name] = value
    return proc, lines


async def _stop(proc: asyncio.subprocess.Process, sig: signal.Signals) -> int:
    proc.send_signal(sig)
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
    assert b"Traceback" not in stderr, stderr.decode()
    return proc.returncode if proc.returncode is not None else -1


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_serve_prints_urls_serves_and_exits_cleanly(sig: signal.Signals) -> None:
    proc, lines = await _start("--api-key", "k1", "--simulations", "2", "--seed", "4")
    try:
        bluejay, cognigy = lines["bluejay"], lines["cognigy"]
        assert bluejay.startswith("http://127.0.0.1:")
        assert int(bluejay.rsplit(":", 1)[1]) > 0
        assert cognigy == f"{bluejay}/testing"
        assert lines["api-key"] == "k1"
        async with aiohttp.ClientSession() as http:
            async with http.get(
                f"{bluejay}/v1/get-simulation-runs/2", headers={"X-API-Key": "k1"}
            ) as r:
                assert r.status == 200
                assert len((await r.json())["simulation_runs"]) == 4
            async with http.get(
                f"{bluejay}/v1/get-simulation-runs/3", headers={"X-API-Key": "k1"}
            ) as r:
                assert r.status == 404
            runs = f"{cognigy}/simulations/s/batches/b/runs?projectId=p&limit=3"
            async with http.get(runs, headers={"Authorization": "Bearer k1"}) as r:
                assert r.status == 200
                assert len((await r.json())["data"]) == 3
    finally:
        code = await _stop(proc, sig)
    assert code == 0


async def test_serve_with_a_fault_preset_and_options() -> None:
    proc, lines = await _start(
        "--faults", "rate-limited", "--cognigy-runs-per-batch", "5", "--no-cognigy-cursors"
    )
    try:
        runs = f"{lines['cognigy']}/simulations/s/batches/b/runs?projectId=p"
        async with (
            aiohttp.ClientSession() as http,
            http.get(runs, headers={"X-API-Key": "sandbox"}) as r,
        ):
            body = await r.json()
        assert body["pagination"]["total"] == 5
        assert body["pagination"]["next"] is None
        assert r.headers["X-RateLimit-Limit"] == "50"
    finally:
        assert await _stop(proc, signal.SIGINT) == 0


async def test_unknown_preset_is_a_usage_error() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bluejay_async.sandbox.cli",
        "serve",
        "--faults",
        "nope",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=20)
    assert proc.returncode == 2
    assert b"invalid choice" in stderr
