"""``POST /v1/queue-simulation-run``: validation, refusals, the response, faults and counters."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bluejay_async.sandbox import FaultRule, Sandbox, SandboxConfig, run_sandbox
from bluejay_async.sandbox.state import MAX_RESULTS_PER_RUN

from .helpers import key, post, queue

UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
BY_ID, BY_CODE = "SimulationRunRequest", "SimulationRunRequestUsingBACID"


def _errors(payload: Any) -> list[tuple[str, list[Any]]]:
    return [(e["type"], e["loc"]) for e in payload["detail"]]


INVALID_BODIES = [
    (
        {},
        [
            ("missing", ["body", BY_ID, "simulation_id"]),
            ("missing", ["body", BY_CODE, "bluejay_as_code_id"]),
        ],
    ),
    (
        {"simulation_id": "1", "bluejay_as_code_id": "dental-regression-1"},
        [("value_error", ["body"])],
    ),
    (
        {"simulation_id": None, "bluejay_as_code_id": None},
        [
            ("string_type", ["body", BY_ID, "simulation_id"]),
            ("string_type", ["body", BY_CODE, "bluejay_as_code_id"]),
        ],
    ),
    (
        {"simulation_id": 1},
        [
            ("string_type", ["body", BY_ID, "simulation_id"]),
            ("missing", ["body", BY_CODE, "bluejay_as_code_id"]),
        ],
    ),
    (
        {"bluejay_as_code_id": ["x"]},
        [
            ("missing", ["body", BY_ID, "simulation_id"]),
            ("string_type", ["body", BY_CODE, "bluejay_as_code_id"]),
        ],
    ),
    (
        {"simulation_id": "1", "digital_human_ids": "7"},
        [
            ("list_type", ["body", BY_ID, "digital_human_ids"]),
            ("missing", ["body", BY_CODE, "bluejay_as_code_id"]),
            ("list_type", ["body", BY_CODE, "digital_human_ids"]),
        ],
    ),
    (
        {"simulation_id": "1", "digital_human_ids": ["7", 8]},
        [
            ("string_type", ["body", BY_ID, "digital_human_ids", 1]),
            ("missing", ["body", BY_CODE, "bluejay_as_code_id"]),
            ("string_type", ["body", BY_CODE, "digital_human_ids", 1]),
        ],
    ),
    (
        {"bluejay_as_code_id": "c", "runs_per_digital_human": 0},
        [
            ("missing", ["body", BY_ID, "simulation_id"]),
            ("greater_than_equal", ["body", BY_ID, "runs_per_digital_human"]),
            ("greater_than_equal", ["body", BY_CODE, "runs_per_digital_human"]),
        ],
    ),
    (
        {"bluejay_as_code_id": "c", "runs_per_digital_human": "two", "prompt_id": "p"},
        [
            ("missing", ["body", BY_ID, "simulation_id"]),
            ("uuid_parsing", ["body", BY_ID, "prompt_id"]),
            ("int_parsing", ["body", BY_ID, "runs_per_digital_human"]),
            ("uuid_parsing", ["body", BY_CODE, "prompt_id"]),
            ("int_parsing", ["body", BY_CODE, "runs_per_digital_human"]),
        ],
    ),
    (
        {"simulation_id": "1", "livekit_metadata": [], "pipecat_room_properties": "x"},
        [
            ("dict_type", ["body", BY_ID, "livekit_metadata"]),
            ("dict_type", ["body", BY_ID, "pipecat_room_properties"]),
            ("missing", ["body", BY_CODE, "bluejay_as_code_id"]),
            ("dict_type", ["body", BY_CODE, "livekit_metadata"]),
            ("dict_type", ["body", BY_CODE, "pipecat_room_properties"]),
        ],
    ),
    (
        "run it",
        [("model_attributes_type", ["body", BY_ID]), ("model_attributes_type", ["body", BY_CODE])],
    ),
]


@pytest.mark.parametrize(("body", "expected"), INVALID_BODIES)
async def test_invalid_bodies_are_422_with_every_error(
    sandbox: Sandbox, http: aiohttp.ClientSession, body: Any, expected: list[Any]
) -> None:
    status, payload = await queue(http, sandbox, body)
    assert status == 422
    assert _errors(payload) == expected
    for err in payload["detail"]:
        assert set(err) >= {"type", "loc", "msg", "input"}
    assert sandbox.counters.writes["queue_simulation_run"] == 0
    assert len(sandbox.state.runs) == 12


async def test_both_identifiers_is_one_value_error(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    body = {"simulation_id": "1", "bluejay_as_code_id": "x", "runs_per_digital_human": 0}
    status, payload = await queue(http, sandbox, body)
    assert status == 422
    [error] = payload["detail"]
    assert error == {
        "type": "value_error",
        "loc": ["body"],
        "msg": "Value error, give exactly one of simulation_id or bluejay_as_code_id, not both",
        "input": body,
        "ctx": {"error": {}},
    }


async def test_malformed_json_is_422_before_auth(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    status, payload = await post(http, f"{sandbox.bluejay_url}/v1/queue-simulation-run", b"{")
    assert status == 422
    assert _errors(payload) == [("json_invalid", ["body", 1])]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"simulation_id": "99"}, "Simulation not found"),
        ({"simulation_id": "0"}, "Simulation not found"),
        ({"simulation_id": "../1"}, "Simulation not found"),
        ({"simulation_id": " 1"}, "Simulation not found"),
        ({"bluejay_as_code_id": "no-such-code"}, "Simulation not found"),
        (
            {"simulation_id": "1", "digital_human_ids": ["12", "dh-x"]},
            "Digital human 'dh-x' not found",
        ),
    ],
)
async def test_unknown_simulation_or_digital_human_is_404(
    sandbox: Sandbox, http: aiohttp.ClientSession, body: Any, detail: str
) -> None:
    assert await queue(http, sandbox, body) == (404, {"detail": detail})
    assert sandbox.counters.writes["queue_simulation_run"] == 0
    assert len(sandbox.state.plans) == 12


async def test_a_run_larger_than_the_limit_is_refused(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    humans = [str(n) for n in range(MAX_RESULTS_PER_RUN // 100 + 1)]
    body = {"simulation_id": "1", "digital_human_ids": humans, "runs_per_digital_human": 100}
    status, payload = await queue(http, sandbox, body)
    assert status == 400
    assert str(MAX_RESULTS_PER_RUN) in payload["detail"]
    assert len(sandbox.state.plans) == 12


async def test_response_is_exactly_the_documented_shape(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    status, payload = await queue(http, sandbox, {"simulation_id": "2"})
    assert status == 200
    assert set(payload) == {"simulation_run_id", "simulation_result_ids", "agent_id", "status"}
    assert payload["status"] == "success"
    assert isinstance(payload["simulation_run_id"], str)
    assert all(isinstance(rid, str) for rid in payload["simulation_result_ids"])
    assert payload["agent_id"] == sandbox.state.simulations[2]["agent_id"]
    run_id = int(payload["simulation_run_id"])
    assert run_id == 1013, "the next run id after the seeded 1001..1012"
    plan = sandbox.state.plans[run_id]
    assert [str(r) for r in plan.result_ids] == payload["simulation_result_ids"]
    assert len(plan.result_ids) == sandbox.config.results_per_run
    assert sandbox.state.simulations[2]["run_ids"][-1] == run_id
    assert all(sandbox.state.result_run[r] == run_id for r in plan.result_ids)
    assert sandbox.counters.writes["queue_simulation_run"] == 1

    status, again = await queue(http, sandbox, {"simulation_id": "2"})
    assert status == 200
    assert int(again["simulation_run_id"]) == run_id + 1
    assert set(again["simulation_result_ids"]).isdisjoint(payload["simulation_result_ids"])


async def test_by_code_id_with_digital_humans_and_runs_per_human(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    code = sandbox.state.simulations[3]["bluejay_as_code_id"]
    body = {
        "bluejay_as_code_id": code,
        "digital_human_ids": ["5101", "5102", "5103"],
        "runs_per_digital_human": 2,
        "phone_number": "+15550001111",
        "livekit_metadata": {"room": "a"},
        "prompt_id": UUID,
    }
    status, payload = await queue(http, sandbox, body)
    assert status == 200
    assert payload["agent_id"] == sandbox.state.simulations[3]["agent_id"]
    run_id = int(payload["simulation_run_id"])
    plan = sandbox.state.plans[run_id]
    assert plan.simulation_id == 3
    assert plan.digital_humans == (5101, 5101, 5102, 5102, 5103, 5103)
    assert len(payload["simulation_result_ids"]) == 6
    assert sandbox.state.runs[run_id]["phone_number"] == "+15550001111"


async def test_runs_per_human_falls_back_to_the_simulation_then_to_one(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    created = await post(
        http,
        f"{sandbox.bluejay_url}/v1/create-simulation",
        {"agent_id": "agt_1", "runs_per_digital_human": 3},
        key(sandbox),
    )
    simulation_id = created[1]["simulation_id"]
    humans = {"digital_human_ids": ["1", "2"]}
    status, payload = await queue(http, sandbox, {"simulation_id": str(simulation_id), **humans})
    assert status == 200
    assert len(payload["simulation_result_ids"]) == 6
    status, payload = await queue(http, sandbox, {"simulation_id": "1", **humans})
    assert len(payload["simulation_result_ids"]) == 2
    status, payload = await queue(
        http, sandbox, {"simulation_id": "1", "digital_human_ids": [], "runs_per_digital_human": 1}
    )
    default_humans = sandbox.state.simulations[1]["digital_human_ids"]
    assert len(default_humans) == sandbox.config.results_per_run
    plan = sandbox.state.plans[int(payload["simulation_run_id"])]
    assert plan.digital_humans == tuple(default_humans)


async def test_a_simulation_without_digital_humans_completes_with_no_results(
    http: aiohttp.ClientSession,
) -> None:
    async with run_sandbox(SandboxConfig(results_per_run=0, run_seconds=60)) as sb:
        status, payload = await queue(http, sb, {"simulation_id": "1"})
        assert status == 200
        assert payload["simulation_result_ids"] == []
        row = sb.state.runs[int(payload["simulation_run_id"])]
        assert (row["status"], row["total_tests"]) == ("COMPLETED", 0)


async def test_auth(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    target = f"{sandbox.bluejay_url}/v1/queue-simulation-run"
    body = {"simulation_id": "1"}
    assert await post(http, target, body) == (401, {"detail": "Not authenticated"})
    assert await post(http, target, body, {"X-API-Key": "wrong"}) == (
        401,
        {"detail": "Invalid API key"},
    )
    assert sandbox.counters.writes.total() == 0


async def test_faults_apply_to_the_route(http: aiohttp.ClientSession) -> None:
    rules = [FaultRule("status", "queue_simulation_run", status=503, times=1)]
    async with run_sandbox(SandboxConfig(faults=rules)) as sb:
        status, _ = await queue(http, sb, {"simulation_id": "1"})
        assert status == 503
        status, _ = await queue(http, sb, {"simulation_id": "1"})
        assert status == 200
        assert sb.counters.writes["queue_simulation_run"] == 1
        assert sb.counters.faults[("queue_simulation_run", "status")] == 1
        assert sb.counters.responses[("queue_simulation_run", 200)] == 1
        assert [r.route for r in sb.request_log] == ["queue_simulation_run"] * 2


async def test_drop_after_applies_the_write_then_hangs_up(http: aiohttp.ClientSession) -> None:
    rules = [FaultRule("drop_after", "queue_simulation_run", times=1)]
    async with run_sandbox(SandboxConfig(faults=rules)) as sb:
        with pytest.raises(aiohttp.ClientError):
            await queue(http, sb, {"simulation_id": "1"})
        assert sb.counters.writes["queue_simulation_run"] == 1
        assert len(sb.state.queued) == 1
