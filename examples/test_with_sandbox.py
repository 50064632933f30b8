"""Testing your own code against the sandbox: real HTTP on 127.0.0.1, no account, no mocks.

``run_sandbox`` serves both APIs on an ephemeral port for the duration of a block, with seeded
data and any faults you ask for; ``sb.counters`` then tells what the server saw, so a test can
prove a retry happened or that a write was applied exactly once.

Needs ``pytest`` and ``pytest-asyncio`` with ``asyncio_mode = "auto"`` (or mark each test with
``@pytest.mark.asyncio``):

    pytest examples/test_with_sandbox.py
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.errors import ServerError
from bluejay_async.sandbox import FaultRule, Sandbox, SandboxConfig, run_sandbox
from cognigy_async import CognigyClient

# --- the code under test: yours -----------------------------------------------------------


async def failing_calls(bj: BluejayClient, simulation_id: int) -> dict[int, int]:
    """Failed calls per run of a simulation."""
    runs = await bj.runs.list(simulation_id)
    return {run.id: run.tests_failed or 0 for run in runs}


async def successful_runs(cg: CognigyClient, simulation_ref: str, batch_ref: str) -> int:
    """How many runs of a Cognigy batch succeeded."""
    return sum(
        [bool(run.metrics.success) async for run in cg.runs.iterate(simulation_ref, batch_ref)]
    )


# --- the tests ------------------------------------------------------------------------------


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with run_sandbox(SandboxConfig(seed=1, simulations=2, cognigy_runs_per_batch=30)) as sb:
        yield sb


@pytest.fixture
async def bluejay(sandbox: Sandbox) -> AsyncIterator[BluejayClient]:
    fast = RetryPolicy(max_attempts=3, backoff_base=0.01, backoff_max=0.05)
    async with BluejayClient(
        api_key=sandbox.api_key, base_url=sandbox.bluejay_url, retry=fast
    ) as bj:
        yield bj


async def test_failing_calls_are_counted_per_run(bluejay: BluejayClient) -> None:
    failures = await failing_calls(bluejay, 1)

    assert failures  # the seeded simulation 1 has runs
    assert all(count >= 0 for count in failures.values())


async def test_a_passing_503_is_retried(sandbox: Sandbox, bluejay: BluejayClient) -> None:
    sandbox.set_faults([FaultRule("status", "get_simulation_runs", status=503, times=1)])

    await failing_calls(bluejay, 1)

    assert sandbox.counters.requests["get_simulation_runs"] == 2  # the 503, then the retry


async def test_a_lasting_outage_raises_a_typed_error(
    sandbox: Sandbox, bluejay: BluejayClient
) -> None:
    sandbox.set_faults([FaultRule("status", "get_simulation_runs", status=502, html=True)])

    with pytest.raises(ServerError) as caught:
        await failing_calls(bluejay, 1)

    assert caught.value.status_code == 502
    assert sandbox.counters.requests["get_simulation_runs"] == 3  # max_attempts


async def test_an_update_is_applied_once(sandbox: Sandbox, bluejay: BluejayClient) -> None:
    sandbox.set_faults([FaultRule("status", "update_simulation_result", status=429, times=1)])
    result_id = min(sandbox.state.result_run)

    await bluejay.results.update(result_id, tags=["reviewed"])

    assert sandbox.counters.writes["update_simulation_result"] == 1


async def test_successful_cognigy_runs(sandbox: Sandbox) -> None:
    async with CognigyClient(
        token=sandbox.api_key, base_url=sandbox.cognigy_url, project_id="demo"
    ) as cg:
        succeeded = await successful_runs(cg, "sim-1", "batch-1")

    assert 0 < succeeded <= 30
