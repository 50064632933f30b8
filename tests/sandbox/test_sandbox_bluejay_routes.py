"""Bluejay happy paths: every response field has the JSON type Bluejay's OpenAPI spec declares."""

from __future__ import annotations

import aiohttp

from bluejay_async.sandbox import Sandbox, SandboxConfig, run_sandbox

from .helpers import check_shape, get, is_datetime, key, post, url
from .shapes import SIMULATION_RUN_RES, SIMULATION_RUN_RESULT_RESPONSE, check_result


async def test_get_simulation_runs_rows(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    seen: set[int] = set()
    for simulation_id in (1, 2, 3):
        status, body = await get(
            http, f"{sandbox.bluejay_url}/v1/get-simulation-runs/{simulation_id}", key(sandbox)
        )
        assert status == 200
        rows = body["simulation_runs"]
        assert len(rows) == sandbox.config.runs_per_simulation
        for row in rows:
            check_shape(row, SIMULATION_RUN_RES, f"run {row.get('id')}")
            assert row["experiment_id"] == simulation_id
            assert row["created_at"].endswith("Z")
            assert is_datetime(row["created_at"])
            assert row["status"] in ("RUNNING", "COMPLETED")
            assert row["tests_passed"] + row["tests_failed"] == row["tests_completed"]
            assert row["tests_completed"] + row["tests_incompleted"] == row["total_tests"]
            assert (row["status"] == "COMPLETED") == (row["tests_incompleted"] == 0)
            seen.add(row["id"])
    assert seen == set(range(1001, 1013)), "run ids are unique across simulations"


async def test_retrieve_every_run_matches_the_spec(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    absent_trace_ids = present_trace_ids = null_fields = 0
    for run_id in sandbox.state.runs:
        target = f"{sandbox.bluejay_url}/v1/retrieve-simulation-results/{run_id}"
        status, body = await get(http, target, key(sandbox))
        assert status == 200
        assert body["status"] == "200"
        run = body["simulation_run"]
        check_shape(run, SIMULATION_RUN_RESULT_RESPONSE, "simulation_run")
        assert run["id"] == str(run_id)
        assert run["simulation_id"] == str(sandbox.state.runs[run_id]["experiment_id"])
        results = body["simulation_results"]
        assert len(results) == sandbox.config.results_per_run
        outcomes = [(r["result"] or {}).get("outcome") for r in results]
        assert outcomes.count("passed") == run["tests_passed"]
        assert run["tests_failed"] == sum(o in ("failed", "error") for o in outcomes)
        for result in results:
            check_result(result, f"run {run_id} result {result.get('id')}")
            absent_trace_ids += "trace_ids" not in result
            present_trace_ids += bool(result.get("trace_ids"))
            null_fields += sum(v is None for v in result.values())
    assert absent_trace_ids, "optional fields are sometimes absent"
    assert present_trace_ids
    assert null_fields, "optional fields are sometimes null"


async def test_retrieve_body_size_is_realistic(sandbox: Sandbox) -> None:
    sizes = [
        len(body)
        for run_id, row in sandbox.state.runs.items()
        if row["status"] == "COMPLETED" and (body := sandbox.state.retrieve_body(run_id))
    ]
    assert 25_000 < sum(sizes) / len(sizes) < 70_000


async def test_retrieve_body_is_served_from_cache(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    target = f"{sandbox.bluejay_url}/v1/retrieve-simulation-results/1001"
    async with http.get(target, headers=key(sandbox)) as first:
        one = await first.read()
        assert first.content_type == "application/json"
    async with http.get(target, headers=key(sandbox)) as second:
        assert await second.read() == one
    assert sandbox.state.retrieve_body(1001) is sandbox.state.retrieve_body(1001)


async def test_create_simulation_adds_runs_and_results(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    base = sandbox.bluejay_url
    body = {"agent_id": "agt_1", "name": "smoke", "digital_humans_settings": {"num_runs": 2}}
    status, created = await post(http, f"{base}/v1/create-simulation", body, key(sandbox))
    assert (status, created) == (200, {"simulation_id": 4, "status": "200"})
    status, runs = await get(http, f"{base}/v1/get-simulation-runs/4", key(sandbox))
    assert status == 200
    assert [r["id"] for r in runs["simulation_runs"]] == [1013, 1014]
    status, results = await get(http, f"{base}/v1/retrieve-simulation-results/1014", key(sandbox))
    assert status == 200
    assert len(results["simulation_results"]) == 10
    status, created = await post(
        http, f"{base}/v1/create-simulation", {"agent_id": "x"}, key(sandbox)
    )
    assert created["simulation_id"] == 5
    assert len(sandbox.state.simulations[5]["run_ids"]) == sandbox.config.runs_per_simulation
    assert sandbox.state.simulations[4]["settings"]["name"] == "smoke"
    assert sandbox.counters.writes["create_simulation"] == 2


async def test_update_enriches_the_result(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    base = sandbox.bluejay_url
    run_id = sandbox.state.result_run[50_003]
    before = sandbox.state.retrieve_body(run_id)
    old = dict(sandbox.state.results[50_003])
    update = {
        "simulation_result_id": "50003",
        "events": [{"title": "Escalation", "start_offset_ms": "1200", "tags": ["sdk"]}],
        "tool_calls": [
            {
                "name": "lookup_order",
                "start_offset_ms": 1500,
                "parameters": {"id": 7},
                "output": "ok",
            }
        ],
        "recorded_transcript": [
            {"start_offset_ms": 0, "end_offset_ms": 900, "speaker": "AGENT", "utterance": "Hi"}
        ],
        "tags": ["vip", "vip", "sdk"],
        "metadata": {"build": "42"},
    }
    status, ack = await post(http, f"{base}/v1/update-simulation-result", update, key(sandbox))
    assert status == 200
    assert ack["status"] == "success"
    assert isinstance(ack["message"], str)
    status, body = await get(http, f"{base}/v1/retrieve-simulation-results/{run_id}", key(sandbox))
    result = next(r for r in body["simulation_results"] if r["id"] == 50_003)
    assert result["events"][-1] == {
        "title": "Escalation",
        "start_offset_ms": 1200,
        "description": None,
        "end_offset_ms": None,
        "tags": ["sdk"],
        "metadata": None,
    }
    assert len(result["events"]) == len(old["events"] or []) + 1
    group = next(g for g in result["tool_calls"] if g["name"] == "lookup_order")
    assert group["actual"] == [{"parameters": {"id": 7}, "output": "ok", "start_offset_ms": 1500}]
    assert result["recorded_transcript"][0]["utterance"] == "Hi"
    assert result["tags"] == ["vip", "sdk"]
    assert result["metadata"] == {"build": "42"}
    check_result(result, "updated")
    assert sandbox.state.retrieve_body(run_id) != before
    # A second identical update is applied again: writes are counted, not deduplicated.
    await post(http, f"{base}/v1/update-simulation-result", update, key(sandbox))
    assert sandbox.counters.writes["update_simulation_result"] == 2
    assert len(sandbox.state.results[50_003]["events"]) == len(old["events"] or []) + 2
    assert sandbox.state.results[50_003]["tags"] == ["vip", "sdk"]


async def test_update_appends_to_existing_tool_group(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    result_id = next(
        rid for rid in sandbox.state.results if sandbox.state.results[rid].get("tool_calls")
    )
    group = sandbox.state.results[result_id]["tool_calls"][0]
    before = len(group["actual"] or [])
    call = {"name": group["name"], "start_offset_ms": 99}
    update = {"simulation_result_id": str(result_id), "tool_calls": [call]}
    status, _ = await post(
        http, f"{sandbox.bluejay_url}/v1/update-simulation-result", update, key(sandbox)
    )
    assert status == 200
    actual = sandbox.state.results[result_id]["tool_calls"][0]["actual"]
    assert len(actual) == before + 1
    assert actual[-1]["start_offset_ms"] == 99


async def test_unknown_routes_answer_like_fastapi(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    assert await get(http, f"{sandbox.bluejay_url}/v1/nope") == (404, {"detail": "Not Found"})
    assert await get(http, f"{sandbox.bluejay_url}/v1/get-simulation-runs/") == (
        404,
        {"detail": "Not Found"},
    )
    async with http.get(f"{sandbox.bluejay_url}/v1/create-simulation") as resp:
        assert resp.status == 405
        assert await resp.json() == {"detail": "Method Not Allowed"}
        assert "POST" in resp.headers["Allow"]
    assert sandbox.counters.requests["unmatched"] == 3


async def test_same_seed_same_bytes_other_seed_other_data(http: aiohttp.ClientSession) -> None:
    async def bodies(seed: int) -> list[bytes]:
        async with run_sandbox(SandboxConfig(seed=seed)) as sb:
            out = []
            for path in ("/v1/get-simulation-runs/2", "/v1/retrieve-simulation-results/1006"):
                async with http.get(url(sb.bluejay_url, path), headers=key(sb)) as resp:
                    out.append(await resp.read())
            return out

    first, again, other = await bodies(7), await bodies(7), await bodies(8)
    assert first == again
    assert first[0] != other[0]
    assert first[1] != other[1]
