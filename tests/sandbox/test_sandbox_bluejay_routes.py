"""Bluejay happy paths: every response field has the JSON type Bluejay's OpenAPI spec declares."""

from __future__ import annotations

from typing import Any

import aiohttp

from bluejay_async.sandbox import Sandbox, SandboxConfig, run_sandbox

from .helpers import NULL, NUMBER, check_shape, get, is_datetime, key, post, url

STR, INT, BOOL, OBJ, ARR = (str,), (int,), (bool,), (dict,), (list,)
REQ, OPT = True, False


def t(types: tuple[type, ...], required: bool, nullable: bool = True) -> Any:
    return ((*types, NULL) if nullable else types), required


# Field tables transcribed from the Bluejay reference (models.json): (types, required).
SIMULATION_RUN_RES = {
    "id": t(INT, REQ, False),
    "experiment_id": t(INT, REQ, False),
    "created_at": t(STR, REQ, False),
    "status": t(STR, REQ, False),
    "summary": t(STR, OPT),
    "tests_passed": t(INT, OPT),
    "tests_failed": t(INT, OPT),
    "total_tests": t(INT, OPT),
    "tests_completed": t(INT, OPT),
    "curr_step_id": t(INT, OPT),
    "phone_number": t(STR, OPT),
}
SIMULATION_RUN_RESULT_RESPONSE = {
    "id": t(STR, REQ, False),
    "simulation_id": t(STR, REQ, False),
    "created_at": t(STR, REQ, False),
    "summary": t(STR, OPT),
    "status": t(STR, OPT),
    "total_tests": t(INT, OPT),
    "tests_passed": t(INT, OPT),
    "tests_failed": t(INT, OPT),
    "tests_completed": t(INT, OPT),
}
SIMULATION_RESULT_RESPONSE = {
    "id": t(INT, REQ, False),
    "digital_human_id": t(INT, OPT),
    "result": t(OBJ, OPT),
    "duration": t(INT, OPT),
    "start_time": t(STR, OPT),
    "end_time": t(STR, OPT),
    "custom_metrics": t((dict, list), OPT),
    "status": t(STR, OPT),
    "latency": t((dict, list), OPT),
    "events": t(ARR, OPT),
    "transcript_url": t(STR, OPT),
    "audio_url": t(STR, OPT),
    "evaluations": t(ARR, OPT),
    "tool_calls": t(ARR, OPT),
    "trace_ids": t(ARR, OPT),
}
EVENT = {
    "title": t(STR, REQ, False),
    "start_offset_ms": t(INT, REQ, False),
    "description": t(STR, OPT),
    "end_offset_ms": t(INT, OPT),
    "tags": t(ARR, OPT),
    "metadata": t(OBJ, OPT),
}
EVALUATION = {
    "agent_speak_percentage": t(NUMBER, REQ),
    "avg_agent_latency": t(NUMBER, REQ),
    "id": t(STR, OPT),
    "created_at": t(STR, OPT),
    "hallucination": t(BOOL, OPT),
    "hallucination_reasoning": t(STR, OPT),
    "redundancy": t(BOOL, OPT),
    "redundancy_reasoning": t(STR, OPT),
    "latency": t(OBJ, OPT),
    "filler_ignored_latency": t(OBJ, OPT),
    "num_turns": t(INT, OPT),
    "call_summary": t(STR, OPT),
    "custom_evals": t((list, dict), OPT),
    "custom_evals_success_rate": t(NUMBER, OPT),
    "goal_success": t(BOOL, OPT),
    "goal_reasoning": t(STR, OPT),
    "pronunciation_score": t(NUMBER, OPT),
    "pronunciation_reasoning": t(STR, OPT),
    "sentiment_label": t(STR, OPT),
    "sentiment_score": t(NUMBER, OPT),
    "sentiment_scores": t(OBJ, OPT),
    "custom_metrics": t(ARR, OPT),
    "human_edited": t(BOOL, OPT),
    "human_goal_success": t(BOOL, OPT),
    "human_goal_reasoning": t(STR, OPT),
    "human_hallucination": t(BOOL, OPT),
    "human_hallucination_reasoning": t(STR, OPT),
    "human_redundancy": t(BOOL, OPT),
    "human_redundancy_reasoning": t(STR, OPT),
    "human_pronunciation_score": t(NUMBER, OPT),
    "human_pronunciation_reasoning": t(STR, OPT),
    "override_goal_reason_code": t(STR, OPT),
    "override_goal_notes": t(STR, OPT),
    "override_hallucination_reason_code": t(STR, OPT),
    "override_hallucination_notes": t(STR, OPT),
    "override_redundancy_reason_code": t(STR, OPT),
    "override_redundancy_notes": t(STR, OPT),
    "override_pronunciation_reason_code": t(STR, OPT),
    "override_pronunciation_notes": t(STR, OPT),
    "last_edited_by": t(STR, OPT),
    "last_edited_at": t(STR, OPT),
}
LATENCY = {f"{k}_agent_latency": t(NUMBER, OPT) for k in ("avg", "max", "p50", "p90", "p95", "p99")}
FILLER_LATENCY = {
    f"{k}_filler_ignored_latency": t(NUMBER, OPT) for k in ("avg", "p50", "p90", "p95", "p99")
}
CUSTOM_METRIC = {
    "name": t(STR, REQ, False),
    "description": t(STR, REQ, False),
    "response_type": t(STR, REQ, False),
    "response_value": t(STR, REQ, False),
    "reasoning": t(STR, OPT),
    "min_value": t(NUMBER, OPT),
    "max_value": t(NUMBER, OPT),
    "category": t(STR, OPT),
    "tags": t(ARR, OPT),
    "scoring_guidance": t(STR, OPT),
    "enum_options": t(ARR, OPT),
    "human_edited": t(BOOL, OPT),
    "human_response_value": t(STR, OPT),
    "human_reasoning": t(STR, OPT),
    "override_reason_code": t(STR, OPT),
    "override_notes": t(STR, OPT),
    "last_edited_by": t(STR, OPT),
    "last_edited_at": t(STR, OPT),
}
TOOL_CALL_GROUP = {"name": t(STR, REQ, False), "expected": t(ARR, OPT), "actual": t(ARR, OPT)}
EXPECTED_CALL = {"parameters": t(OBJ, OPT), "output": ((object,), OPT)}
ACTUAL_CALL = {**EXPECTED_CALL, "start_offset_ms": t(INT, OPT)}


def check_result(result: Any, where: str) -> None:
    """Deep shape check of one SimulationResultResponse."""
    check_shape(result, SIMULATION_RESULT_RESPONSE, where)
    for field in ("start_time", "end_time"):
        assert result.get(field) is None or is_datetime(result[field]), (where, field)
    for i, event in enumerate(result.get("events") or ()):
        check_shape(event, EVENT, f"{where}.events[{i}]")
        assert all(isinstance(tag, str) for tag in event.get("tags") or ())
    for i, ev in enumerate(result.get("evaluations") or ()):
        w = f"{where}.evaluations[{i}]"
        check_shape(ev, EVALUATION, w)
        assert ev.get("created_at") is None or is_datetime(ev["created_at"])
        if ev.get("latency") is not None:
            check_shape(ev["latency"], LATENCY, f"{w}.latency")
        if ev.get("filler_ignored_latency") is not None:
            check_shape(ev["filler_ignored_latency"], FILLER_LATENCY, f"{w}.filler")
        for value in (ev.get("sentiment_scores") or {}).values():
            assert isinstance(value, NUMBER)
            assert not isinstance(value, bool)
        for j, metric in enumerate(ev.get("custom_metrics") or ()):
            check_shape(metric, CUSTOM_METRIC, f"{w}.custom_metrics[{j}]")
    for i, group in enumerate(result.get("tool_calls") or ()):
        check_shape(group, TOOL_CALL_GROUP, f"{where}.tool_calls[{i}]")
        for call in group.get("expected") or ():
            check_shape(call, EXPECTED_CALL, f"{where}.tool_calls[{i}].expected")
        for call in group.get("actual") or ():
            check_shape(call, ACTUAL_CALL, f"{where}.tool_calls[{i}].actual")


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
