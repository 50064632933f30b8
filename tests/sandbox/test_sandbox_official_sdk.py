"""The official ``bluejay-sdk`` (the ``bench`` extra) talks to the sandbox's queued runs.

Its pydantic models come from Bluejay's OpenAPI description: every sandbox response they parse
here, at every stage of a queued run, is one the real service's clients accept.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bluejay_async.sandbox import ManualClock, SandboxConfig, run_sandbox

from .helpers import queue, retrieve, run_rows

bluejay = pytest.importorskip("bluejay")
models = pytest.importorskip("bluejay.models")
sdk_errors = pytest.importorskip("bluejay.errors")
httpx = pytest.importorskip("httpx")


def _parse(model: Any, body: Any) -> Any:
    return model.model_validate(body)


async def test_sdk_models_parse_every_stage_of_a_queued_run(http: aiohttp.ClientSession) -> None:
    clock = ManualClock()
    async with run_sandbox(SandboxConfig(run_seconds=40, seed=2), clock=clock) as sb:
        status, payload = await queue(
            http, sb, {"simulation_id": "1", "digital_human_ids": ["5001", "5002"]}
        )
        assert status == 200
        queued = _parse(models.SrcAPIQueueSimulationRunSimulationRunResponse, payload)
        assert queued.simulation_run_id == payload["simulation_run_id"]
        assert queued.simulation_result_ids == payload["simulation_result_ids"]
        assert queued.status == "success"
        run_id = queued.simulation_run_id
        seen: set[str] = set()
        for step in (0, 5, 10, 10, 10, 5):
            clock.advance(step)
            body = await retrieve(http, sb, run_id)
            parsed = _parse(models.SimulationResultsResponse, body)
            assert parsed.simulation_run.id == run_id
            seen.add(str(parsed.simulation_run.status))
            assert [r.id for r in parsed.simulation_results] == [
                int(r) for r in queued.simulation_result_ids
            ]
            assert [r.digital_human_id for r in parsed.simulation_results] == [5001, 5002]
            rows = _parse(
                models.GetSimulationRunsResponse, {"simulation_runs": await run_rows(http, sb, 1)}
            )
            assert rows.simulation_runs[-1].id == int(run_id)
        assert seen == {"RUNNING", "COMPLETED"}
        for result in parsed.simulation_results:
            for evaluation in result.evaluations or ():
                assert isinstance(evaluation.goal_success, bool)


async def test_the_official_client_queues_and_follows_a_run() -> None:
    clock = ManualClock()
    async with (
        run_sandbox(SandboxConfig(run_seconds=10), clock=clock) as sb,
        httpx.AsyncClient(trust_env=False) as transport,  # no proxy between it and 127.0.0.1
        bluejay.Bluejay(
            api_key=sb.api_key, server_url=sb.bluejay_url, async_client=transport
        ) as client,
    ):
        code = sb.state.simulations[2]["bluejay_as_code_id"]
        queued = await client.simulations.queue_simulation_run_async(
            request={"bluejay_as_code_id": code, "runs_per_digital_human": 2}
        )
        assert len(queued.simulation_result_ids) == 2 * sb.config.results_per_run
        assert queued.agent_id == sb.state.simulations[2]["agent_id"]
        first = await client.retrieve_simulation_results.retrieve_simulation_results_async(
            simulation_run_id=queued.simulation_run_id
        )
        assert first.simulation_run.status == "RUNNING"
        clock.advance(10)
        final = await client.retrieve_simulation_results.retrieve_simulation_results_async(
            simulation_run_id=queued.simulation_run_id
        )
        assert final.simulation_run.status == "COMPLETED"
        assert final.simulation_run.total_tests == len(queued.simulation_result_ids)
        runs = await client.simulations.get_simulation_runs_async(simulation_id="2")
        assert runs.simulation_runs[-1].status == "COMPLETED"

        with pytest.raises(sdk_errors.BluejayDefaultError) as info:
            await client.simulations.queue_simulation_run_async(request={"simulation_id": "404"})
        assert info.value.status_code == 404


async def test_sdk_parses_the_422_body(http: aiohttp.ClientSession) -> None:
    async with run_sandbox(SandboxConfig()) as sb:
        for body in ({}, {"simulation_id": "1", "bluejay_as_code_id": "x"}):
            status, payload = await queue(http, sb, body)
            assert status == 422
            parsed = _parse(sdk_errors.HTTPValidationErrorData, payload)
            assert parsed.detail
            assert [list(e.loc) for e in parsed.detail] == [e["loc"] for e in payload["detail"]]
