"""Bluejay auth, FastAPI-style 422 validation, 404s and percent-encoded path ids."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from bluejay_async.sandbox import Sandbox

from .helpers import get, key, post, url

UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
ROUTES = [
    ("POST", "/v1/create-simulation", {"agent_id": "a"}),
    ("GET", "/v1/get-simulation-runs/1", None),
    ("GET", "/v1/retrieve-simulation-results/1001", None),
    ("POST", "/v1/update-simulation-result", {"simulation_result_id": "50001"}),
]


async def _call(
    http: aiohttp.ClientSession, sb: Sandbox, method: str, path: str, body: Any, headers: Any
) -> tuple[int, Any, Any]:
    async with http.request(method, sb.bluejay_url + path, json=body, headers=headers) as resp:
        return resp.status, await resp.json(), resp.headers


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
async def test_missing_key_is_401_not_authenticated(
    sandbox: Sandbox, http: aiohttp.ClientSession, method: str, path: str, body: Any
) -> None:
    for headers in (None, {"X-API-Key": ""}):
        status, payload, resp_headers = await _call(http, sandbox, method, path, body, headers)
        assert (status, payload) == (401, {"detail": "Not authenticated"})
        assert resp_headers["WWW-Authenticate"] == "APIKey"


@pytest.mark.parametrize(("method", "path", "body"), ROUTES)
async def test_wrong_key_is_401_invalid(
    sandbox: Sandbox, http: aiohttp.ClientSession, method: str, path: str, body: Any
) -> None:
    status, payload, _ = await _call(http, sandbox, method, path, body, {"X-API-Key": "nope"})
    assert (status, payload) == (401, {"detail": "Invalid API key"})
    assert sandbox.counters.writes.total() == 0


def _errors(payload: Any) -> list[tuple[str, list[Any]]]:
    return [(e["type"], e["loc"]) for e in payload["detail"]]


CREATE_CASES = [
    ({}, [("missing", ["body", "agent_id"])]),
    ({"agent_id": 17}, [("string_type", ["body", "agent_id"])]),
    ({"agent_id": None}, [("string_type", ["body", "agent_id"])]),
    ({"agent_id": "a", "name": 5}, [("string_type", ["body", "name"])]),
    ({"agent_id": "a", "max_concurrent": 0}, [("greater_than", ["body", "max_concurrent"])]),
    ({"agent_id": "a", "max_concurrent": 501}, [("less_than_equal", ["body", "max_concurrent"])]),
    ({"agent_id": "a", "max_concurrent": "ten"}, [("int_parsing", ["body", "max_concurrent"])]),
    ({"agent_id": "a", "max_concurrent": 2.5}, [("int_from_float", ["body", "max_concurrent"])]),
    ({"agent_id": "a", "max_concurrent": [1]}, [("int_type", ["body", "max_concurrent"])]),
    (
        {"agent_id": "a", "custom_metrics_failing_threshold": -1},
        [("greater_than_equal", ["body", "custom_metrics_failing_threshold"])],
    ),
    (
        {"agent_id": "a", "custom_metrics_passing_threshold": 101},
        [("less_than_equal", ["body", "custom_metrics_passing_threshold"])],
    ),
    (
        {"agent_id": "a", "max_call_duration_units": "hours"},
        [("literal_error", ["body", "max_call_duration_units"])],
    ),
    ({"agent_id": "a", "prompt_id": "not-a-uuid"}, [("uuid_parsing", ["body", "prompt_id"])]),
    ({"agent_id": "a", "knowledge_base_id": 3}, [("uuid_type", ["body", "knowledge_base_id"])]),
    (
        {"agent_id": "a", "selected_custom_metrics": [UUID, "x"]},
        [("uuid_parsing", ["body", "selected_custom_metrics", 1])],
    ),
    (
        {"agent_id": "a", "selected_custom_metrics": UUID},
        [("list_type", ["body", "selected_custom_metrics"])],
    ),
    (
        {"agent_id": "a", "hangup_on_transfer": "maybe"},
        [("bool_parsing", ["body", "hangup_on_transfer"])],
    ),
    (
        {"agent_id": "a", "digital_humans_settings": "lots"},
        [("model_attributes_type", ["body", "digital_humans_settings"])],
    ),
    (
        {"agent_id": "a", "digital_humans_settings": {"num_runs": "two"}},
        [("int_parsing", ["body", "digital_humans_settings", "num_runs"])],
    ),
    ([], [("model_attributes_type", ["body"])]),
]


@pytest.mark.parametrize(("body", "expected"), CREATE_CASES)
async def test_create_simulation_validation(
    sandbox: Sandbox, http: aiohttp.ClientSession, body: Any, expected: Any
) -> None:
    status, payload = await post(
        http, f"{sandbox.bluejay_url}/v1/create-simulation", body, key(sandbox)
    )
    assert status == 422
    assert _errors(payload) == expected
    for err in payload["detail"]:
        assert set(err) <= {"type", "loc", "msg", "input", "ctx"}
        assert isinstance(err["msg"], str)
        assert err["msg"]
    assert sandbox.counters.writes["create_simulation"] == 0


async def test_validation_messages_and_inputs(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    body = {"max_concurrent": 0, "custom_metrics_passing_threshold": 101, "prompt_id": "abc"}
    status, payload = await post(
        http, f"{sandbox.bluejay_url}/v1/create-simulation", body, key(sandbox)
    )
    assert status == 422
    by_field = {e["loc"][-1]: e for e in payload["detail"]}
    assert by_field["agent_id"] == {
        "type": "missing",
        "loc": ["body", "agent_id"],
        "msg": "Field required",
        "input": body,
    }
    assert by_field["max_concurrent"]["msg"] == "Input should be greater than 0"
    assert by_field["max_concurrent"]["ctx"] == {"gt": 0}
    assert by_field["max_concurrent"]["input"] == 0
    assert by_field["custom_metrics_passing_threshold"]["ctx"] == {"le": 100}
    assert by_field["prompt_id"]["msg"].startswith("Input should be a valid UUID, invalid length")


async def test_all_errors_are_reported_at_once(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    body = {
        "name": 1,
        "max_concurrent": 900,
        "max_call_duration_units": "days",
        "selected_custom_metrics": ["x", "y"],
        "always_on": [],
    }
    status, payload = await post(
        http, f"{sandbox.bluejay_url}/v1/create-simulation", body, key(sandbox)
    )
    assert status == 422
    assert [e["loc"][1:] for e in payload["detail"]] == [
        ["agent_id"],
        ["name"],
        ["max_concurrent"],
        ["max_call_duration_units"],
        ["selected_custom_metrics", 0],
        ["selected_custom_metrics", 1],
        ["always_on"],
    ]


async def test_lax_coercions_are_accepted(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    body = {
        "agent_id": "a",
        "name": None,
        "max_concurrent": "17",
        "max_call_duration": 5.0,
        "hangup_on_transfer": "yes",
        "prompt_id": UUID.upper(),
        "digital_humans_settings": {"num_runs": "1", "extra": "ignored"},
        "unknown_field": True,
    }
    status, payload = await post(
        http, f"{sandbox.bluejay_url}/v1/create-simulation", body, key(sandbox)
    )
    assert status == 200, payload
    settings = sandbox.state.simulations[payload["simulation_id"]]["settings"]
    assert settings["max_concurrent"] == 17
    assert settings["max_call_duration"] == 5
    assert settings["hangup_on_transfer"] is True
    assert settings["prompt_id"] == UUID
    assert "unknown_field" not in settings
    assert len(sandbox.state.simulations[payload["simulation_id"]]["run_ids"]) == 1


async def test_malformed_json_is_422_even_before_auth(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    target = f"{sandbox.bluejay_url}/v1/create-simulation"
    status, payload = await post(http, target, b'{"agent_id": ', None)
    assert status == 422
    [err] = payload["detail"]
    assert err["type"] == "json_invalid"
    assert err["loc"] == ["body", 13]
    assert err["msg"] == "JSON decode error"
    assert err["ctx"]["error"] == "Expecting value"


async def test_empty_and_non_json_bodies(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    target = f"{sandbox.bluejay_url}/v1/update-simulation-result"
    async with http.post(target, headers=key(sandbox)) as resp:
        assert resp.status == 422
        assert (await resp.json())["detail"] == [
            {"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}
        ]
    headers = {**key(sandbox), "Content-Type": "text/plain"}
    async with http.post(target, data=b'{"simulation_result_id": "1"}', headers=headers) as resp:
        assert resp.status == 422
        assert (await resp.json())["detail"][0]["type"] == "model_attributes_type"


UPDATE_CASES = [
    ({}, [("missing", ["body", "simulation_result_id"])]),
    ({"simulation_result_id": 50001}, [("string_type", ["body", "simulation_result_id"])]),
    (
        {"simulation_result_id": "50001", "events": [{"description": "x"}]},
        [
            ("missing", ["body", "events", 0, "title"]),
            ("missing", ["body", "events", 0, "start_offset_ms"]),
        ],
    ),
    (
        {
            "simulation_result_id": "50001",
            "events": [{"title": "t", "start_offset_ms": 1, "tags": "x"}],
        },
        [("list_type", ["body", "events", 0, "tags"])],
    ),
    (
        {"simulation_result_id": "50001", "tool_calls": [{"start_offset_ms": 1}, {"name": "n"}]},
        [
            ("missing", ["body", "tool_calls", 0, "name"]),
            ("missing", ["body", "tool_calls", 1, "start_offset_ms"]),
        ],
    ),
    (
        {
            "simulation_result_id": "50001",
            "tool_calls": [{"name": "n", "start_offset_ms": 1, "parameters": []}],
        },
        [("dict_type", ["body", "tool_calls", 0, "parameters"])],
    ),
    (
        {
            "simulation_result_id": "50001",
            "recorded_transcript": [{"start_offset_ms": 0, "speaker": "BOT", "utterance": 3}],
        },
        [
            ("missing", ["body", "recorded_transcript", 0, "end_offset_ms"]),
            ("enum", ["body", "recorded_transcript", 0, "speaker"]),
            ("string_type", ["body", "recorded_transcript", 0, "utterance"]),
        ],
    ),
    ({"simulation_result_id": "50001", "tags": [1]}, [("string_type", ["body", "tags", 0])]),
    ({"simulation_result_id": "50001", "metadata": "x"}, [("dict_type", ["body", "metadata"])]),
    ({"simulation_result_id": "50001", "events": {}}, [("list_type", ["body", "events"])]),
]


@pytest.mark.parametrize(("body", "expected"), UPDATE_CASES)
async def test_update_validation(
    sandbox: Sandbox, http: aiohttp.ClientSession, body: Any, expected: Any
) -> None:
    target = f"{sandbox.bluejay_url}/v1/update-simulation-result"
    status, payload = await post(http, target, body, key(sandbox))
    assert status == 422
    assert _errors(payload) == expected
    assert sandbox.counters.writes["update_simulation_result"] == 0


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/v1/get-simulation-runs/999", "Simulation not found"),
        ("/v1/get-simulation-runs/abc", "Simulation not found"),
        ("/v1/get-simulation-runs/..%2Fadmin", "Simulation not found"),
        ("/v1/get-simulation-runs/-1", "Simulation not found"),
        ("/v1/retrieve-simulation-results/1", "Simulation run not found"),
        ("/v1/retrieve-simulation-results/1001%2F..", "Simulation run not found"),
    ],
)
async def test_unknown_ids_are_404(
    sandbox: Sandbox, http: aiohttp.ClientSession, path: str, detail: str
) -> None:
    assert await get(http, url(sandbox.bluejay_url, path), key(sandbox)) == (
        404,
        {"detail": detail},
    )


@pytest.mark.parametrize("result_id", ["999999", "x", "../50001", ""])
async def test_update_unknown_result_is_404(
    sandbox: Sandbox, http: aiohttp.ClientSession, result_id: str
) -> None:
    body = {"simulation_result_id": result_id, "tags": ["a"]}
    status, payload = await post(
        http, f"{sandbox.bluejay_url}/v1/update-simulation-result", body, key(sandbox)
    )
    assert (status, payload) == (404, {"detail": "Simulation result not found"})
    assert sandbox.counters.writes["update_simulation_result"] == 0


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("..%2Fadmin", "../admin"),
        ("a%2Fb%3Fx%3D1", "a/b?x=1"),
        ("%23", "#"),
        ("%25", "%"),
        ("caf%C3%A9%20x", "café x"),
    ],
)
async def test_percent_encoded_ids_reach_their_route(
    sandbox: Sandbox, http: aiohttp.ClientSession, encoded: str, decoded: str
) -> None:
    for route, param, path in (
        ("get_simulation_runs", "simulation_id", "/v1/get-simulation-runs/"),
        ("retrieve_simulation_results", "simulation_run_id", "/v1/retrieve-simulation-results/"),
    ):
        status, _ = await get(http, url(sandbox.bluejay_url, path + encoded), key(sandbox))
        assert status == 404
        record = sandbox.request_log[-1]
        assert record.route == route
        assert record.match_info == {param: decoded}
        assert record.raw_path == path + encoded
        assert record.status == 404


async def test_ids_with_leading_zeros_name_the_same_run(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await get(
        http, f"{sandbox.bluejay_url}/v1/retrieve-simulation-results/01001", key(sandbox)
    )
    assert status == 200
    assert body["simulation_run"]["id"] == "1001"
