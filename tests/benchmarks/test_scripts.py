"""Every benchmark script runs end to end at tiny sizes, so that none of them can rot.

Nothing here looks at a figure: only that each script finishes, prints its tables (with the
server's CPU share and the targets next to them) and that every item it fetched arrived. The
comparison peers (httpx, requests, the official ``bluejay-sdk``) are in the ``bench`` extra;
their variants run when it is installed.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
PEERS = {"httpx": "httpx", "official": "bluejay", "requests": "requests"}


def available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def run(script: str, *args: str) -> str:
    """Run ``benchmarks/<script>`` with ``args``; returns its stdout (fails on a non-zero exit)."""
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=BENCHMARKS.parent,
        env={**os.environ, "PYTHONPATH": str(BENCHMARKS.parent)},
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return completed.stdout


def test_bulk_results_prints_every_scenario() -> None:
    variants = ["sdk", "sdk-pure", "raw"] + [v for v, m in PEERS.items() if available(m)]
    out = run(
        "bulk_results.py",
        *("--ids", "40", "--rounds", "1", "--warmup", "4", "--concurrency", "4"),
        *("--rate", "20", "--rate-rounds", "1", "--variants", *variants),
    )

    for heading in ("### loopback", "### 50 ms server latency", "### rate-limited"):
        assert heading in out
    assert out.count("server/client CPU") == 3
    assert "throughput, this SDK / raw aiohttp + orjson" in out
    assert "peak RSS, this SDK / raw aiohttp + orjson" in out
    assert "failed" not in out.replace("failed)", "")  # every id of every variant delivered
    assert "40/40" in out


def test_single_call_prints_the_ratio_to_raw() -> None:
    out = run("single_call.py", "--calls", "20", "--rounds", "2", "--warmup", "2")

    assert "bj.results.retrieve (records, msgspec path)" in out
    assert "client CPU per call, results.retrieve / raw aiohttp + orjson" in out
    assert out.count("20/20") == 3


def test_cognigy_walk_prints_both_tables() -> None:
    out = run(
        "cognigy_walk.py",
        *("--totals", "200", "400", "--page-size", "50", "--rounds", "1", "--prefetch", "1"),
        *("--slow-items", "40", "--slow-page-sizes", "20"),
    )

    assert "### 200 runs" in out
    assert "### 400 runs" in out
    assert "throughput, runs.iterate / raw aiohttp + orjson" in out
    assert "heap growth at 400 runs / at 200 runs" in out
    assert "### prefetch" in out


def test_profile_bulk_prints_the_profile() -> None:
    out = run("profile_bulk.py", "--ids", "40", "--top", "3")

    assert "server/client CPU" in out
    assert "cProfile of the SDK run" in out
    assert out.count("40/40") == 2


def test_soak_runs_clean() -> None:
    out = run("soak.py", "--items", "60", "--runs", "300")

    assert out.strip()


@pytest.mark.skipif(not available("bluejay"), reason="decode.py compares with bluejay-sdk")
def test_decode_prints_its_table() -> None:
    out = run("decode.py", "--rounds", "1", "--docs", "3", "--budget", "0.01")

    assert "vs orjson.loads" in out


@pytest.mark.skipif(not available("msgspec"), reason="decode_costs.py prices msgspec's decode")
def test_decode_costs_prints_every_variant() -> None:
    out = run("decode_costs.py", "--rounds", "1", "--docs", "2", "--pages", "1", "--budget", "0.01")

    assert "vs orjson.loads" in out
    assert "without the review-field pre-init" in out
    assert "msgspec.Struct instead of attrs" in out
    assert "timestamps left as integers" in out  # the Cognigy table
    assert "the records' __init__ alone, values ready" in out  # the pure path's table
