"""Fixtures of the run-following tests: a fake clock, run bodies, clients on the scripted server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import attrs
import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.resources import RunsResource
from tests.scripted_server import ScriptedServer

API_KEY = "bj-test-runs-KEY-51c0"
FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002)


@attrs.define
class FakeTime:
    """A clock that moves only when something sleeps on it; every sleep is recorded.

    ``block`` makes every later sleep wait forever (until cancelled), to test cancellation.
    """

    now: float = 1000.0
    sleeps: list[float] = attrs.field(factory=list)
    block: bool = False
    slept: asyncio.Event = attrs.field(factory=asyncio.Event)

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.slept.set()
        if self.block:
            await asyncio.Event().wait()
        self.now += seconds
        await asyncio.sleep(0)  # a real suspension point, as a real sleep has


def result_body(result_id: int, status: str = "completed", **fields: Any) -> dict[str, Any]:
    """One result of a retrieve-simulation-results body."""
    finished = status in ("completed", "failed")
    return {
        "id": result_id,
        "digital_human_id": fields.pop("digital_human_id", 500 + result_id),
        "status": status,
        "end_time": "2025-01-01T10:05:00Z" if finished else None,
        **fields,
    }


def run_body(
    status: str | None, results: list[dict[str, Any]] | None = None, *, total: int | None = None
) -> dict[str, Any]:
    """A retrieve-simulation-results body for run 77."""
    results = results or []
    return {
        "simulation_run": {
            "id": "77",
            "simulation_id": "5",
            "created_at": "2025-01-01T10:00:00Z",
            "status": status,
            "total_tests": total,
        },
        "simulation_results": results,
        "status": "200",
    }


@pytest.fixture
async def bj(server: ScriptedServer) -> AsyncIterator[BluejayClient]:
    """A client of the scripted server with fast retries."""
    async with BluejayClient(api_key=API_KEY, base_url=server.url, retry=FAST_RETRY) as client:
        yield client


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def runs(bj: BluejayClient, fake_time: FakeTime) -> RunsResource:
    """``bj.runs`` on the fake clock, with no jitter (``rand`` is always 0)."""
    return RunsResource(
        bj._transport, clock=fake_time.clock, sleep=fake_time.sleep, rand=lambda: 0.0
    )
