"""The body builders give what the sandbox serves, and the SDK decodes every one of them."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bluejay_async import BluejayClient, SimulationRunStatus
from bluejay_async.errors import (
    BadRequestError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
)
from bluejay_async.sandbox import Sandbox
from bluejay_async.testing import bodies
from cognigy_async import CognigyClient


@pytest.fixture
async def http(bluejay_sandbox: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    """A plain session with the sandbox's key, to read bodies as served."""
    headers = {"X-API-Key": bluejay_sandbox.api_key}
    async with aiohttp.ClientSession(bluejay_sandbox.base_url, headers=headers) as session:
        yield session


async def served(http: aiohttp.ClientSession, path: str) -> Any:
    async with http.get(path) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_runs_body_is_what_the_sandbox_serves(http: aiohttp.ClientSession) -> None:
    assert bodies.runs_body() == await served(http, "/v1/get-simulation-runs/1")


async def test_results_body_is_what_the_sandbox_serves(http: aiohttp.ClientSession) -> None:
    path = f"/v1/retrieve-simulation-results/{bodies.FIRST_RUN_ID}"
    assert bodies.results_body() == await served(http, path)


@pytest.mark.parametrize(("skip", "limit"), [(0, 20), (40, 20), (240, 20), (0, 100)])
async def test_cognigy_page_body_is_what_the_sandbox_serves(
    bluejay_sandbox: Sandbox, http: aiohttp.ClientSession, skip: int, limit: int
) -> None:
    assert bluejay_sandbox.config.cognigy_runs_per_batch == 250  # the builder's default total
    path = f"/testing/simulations/s/batches/b/runs?projectId=sandbox&limit={limit}&skip={skip}"
    page = await served(http, path)
    # The sandbox's cursors are its own opaque tokens; the builder takes yours (or none).
    page["pagination"]["next"] = page["pagination"]["previous"] = None
    assert bodies.cognigy_page_body("s", "b", limit=limit, skip=skip) == page


def test_builders_rename_what_they_are_asked_to() -> None:
    runs = bodies.runs_body(7, run_ids=[11, 12, 13])
    assert [r["id"] for r in runs["simulation_runs"]] == [11, 12, 13]
    assert {r["experiment_id"] for r in runs["simulation_runs"]} == {7}
    results = bodies.results_body(11, simulation_id=7, results=3)
    assert results["simulation_run"]["id"] == "11"
    assert results["simulation_run"]["simulation_id"] == "7"
    assert [r["id"] for r in results["simulation_results"]] == [
        bodies.FIRST_RESULT_ID + k for k in range(3)
    ]
    assert results["simulation_run"]["status"] == "COMPLETED"
    assert bodies.results_body(seed=1) != bodies.results_body(seed=0)
    assert bodies.results_body() == bodies.results_body()  # deterministic, fresh each time
    assert bodies.results_body() is not bodies.results_body()


def test_cognigy_pages_cover_the_batch_once_in_order() -> None:
    pages = bodies.cognigy_pages("s", "b", total=45, page_size=20)
    assert [len(p["data"]) for p in pages] == [20, 20, 5]
    assert [p["pagination"]["hasNext"] for p in pages] == [True, True, False]
    sequences = [run["sequence"] for p in pages for run in p["data"]]
    assert sequences == list(range(45, 0, -1))  # newest first, each run once
    assert bodies.cognigy_pages(total=0) == [bodies.cognigy_page_body(total=0)]
    assert bodies.cognigy_pages(total=0)[0]["data"] == []
    with pytest.raises(ValueError, match="limit"):
        bodies.cognigy_page_body(limit=0)


# --- every body decodes through the SDK (served by the sandbox's own routes) ---------------


async def test_the_sdk_decodes_the_bluejay_bodies(
    bluejay_sandbox: Sandbox, bluejay_client: BluejayClient
) -> None:
    created = await bluejay_client.simulations.create("agent-1")
    assert created.simulation_id == bodies.simulation_created_body(4)["simulation_id"]
    runs = await bluejay_client.runs.list(1)
    assert [r.id for r in runs] == [r["id"] for r in bodies.runs_body()["simulation_runs"]]
    res = await bluejay_client.results.retrieve(bodies.FIRST_RUN_ID)
    assert res.simulation_run.status == SimulationRunStatus.COMPLETED
    assert res.simulation_results[0].id == bodies.FIRST_RESULT_ID
    ack = await bluejay_client.results.update(bodies.FIRST_RESULT_ID, tags=["x"])
    assert (ack.status, ack.message) == (
        bodies.result_updated_body()["status"],
        bodies.result_updated_body()["message"],
    )


async def test_the_sdk_decodes_the_cognigy_page(cognigy_client: CognigyClient) -> None:
    page = await cognigy_client.runs.list("s", "b", limit=5)
    expected = bodies.cognigy_page_body("s", "b", limit=5)
    assert [run.id for run in page.data] == [run["id"] for run in expected["data"]]
    assert page.pagination is not None
    assert page.pagination.total == expected["pagination"]["total"]


def test_a_minimal_cognigy_run_decodes_with_its_position() -> None:
    from datetime import datetime, timezone

    from bluejay_async.core.converter import structure
    from cognigy_async.models import Run

    run = structure(bodies.cognigy_minimal_run_body(7, created_by="me"), Run)
    assert (run.id, run.sequence, run.created_by, run.turns) == ("run-7", 7, "me", [])
    assert run.created_at == datetime.fromtimestamp(1_700_000_000.007, tz=timezone.utc)


# --- the error bodies, through the SDK's error mapping ---------------------------------------


async def test_error_bodies_map_to_the_documented_errors(aioresponses_mock: Any) -> None:
    base = "https://api.test"
    m = aioresponses_mock
    m.get(f"{base}/v1/get-simulation-runs/9", status=404, payload=bodies.error_body("Nope"))
    m.post(
        f"{base}/v1/create-simulation",
        status=422,
        payload=bodies.validation_error_body(
            {"max_concurrent": "too large", "digital_humans_settings.num_runs": "bad"}
        ),
    )
    m.get(
        f"{base}/v1/retrieve-simulation-results/1",
        status=429,
        payload=bodies.error_body("Too Many Requests"),
        headers={"Retry-After": "120"},
    )
    m.get(
        re.compile(rf"{base}/testing/simulations/s/batches/b/runs\?.*"),
        status=400,
        payload=bodies.cognigy_error_body("'filter' is not valid", field="filter"),
    )
    async with BluejayClient(api_key="bj-test-key", base_url=base) as bj:
        with pytest.raises(NotFoundError, match="Nope"):
            await bj.runs.list(9)
        with pytest.raises(UnprocessableEntityError) as invalid:
            await bj.simulations.create("a")
        with pytest.raises(RateLimitError) as limited:
            await bj.results.retrieve(1)
    assert [e.field for e in invalid.value.errors] == [
        "max_concurrent",
        "digital_humans_settings.num_runs",
    ]
    assert limited.value.retry_after == 120.0
    async with CognigyClient(token="cg-test-token", base_url=f"{base}/testing") as cg:
        with pytest.raises(BadRequestError) as bad:
            await cg.runs.list("s", "b", project_id="p", filter="(")
    assert (bad.value.field, bad.value.code) == ("filter", "VALIDATION_ERROR")
    assert bad.value.trace_id == "00000000-0000-4000-8000-000000000000"
