"""What each resource method puts on the wire: method, path, headers and the exact JSON body."""

from __future__ import annotations

import json
import uuid
from typing import Any

from bluejay_async import (
    BluejayClient,
    DigitalHumansSettings,
    Event,
    ParticipantRole,
    ResultUpdated,
    SimulationCreated,
    SimulationRunStatus,
    ToolCall,
    TranscriptEntry,
    __version__,
)
from bluejay_async.errors import NotFoundError
from tests.core import bodies
from tests.core.conftest import API_KEY
from tests.scripted_server import Reply, ScriptedServer

CREATE = "/v1/create-simulation"
UPDATE = "/v1/update-simulation-result"


def sent_json(server: ScriptedServer, index: int = -1) -> Any:
    return json.loads(server.requests[index].body)


async def test_create_sends_only_the_fields_that_were_set(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("POST", CREATE, Reply(json={"simulation_id": 123, "status": "200"}))

    created = await bj.simulations.create("agent-1")

    assert created == SimulationCreated(simulation_id=123, status="200")
    assert sent_json(server) == {"agent_id": "agent-1"}


async def test_create_sends_every_field_with_its_json_type(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("POST", CREATE, Reply(json={"simulation_id": 9}))
    prompt = uuid.UUID("3c90c3cc-0d44-4b50-8888-8dd25736052a")
    metric = "3C90C3CC0D444B5088888DD25736052B"  # upper case, no hyphens: canonicalised

    created = await bj.simulations.create(
        "agent-1",
        name="smoke",
        description="",
        prompt_id=prompt,
        knowledge_base_id="{3c90c3cc-0d44-4b50-8888-8dd25736052c}",
        sequential_calling=False,
        max_concurrent=500,
        hangup_on_transfer=True,
        max_call_duration=90,
        max_call_duration_units="seconds",
        ringing_timeout=30,
        digital_humans_settings=DigitalHumansSettings(
            default_name="random", default_language="en-US", num_runs=2
        ),
        selected_custom_metrics=[metric, prompt],
        custom_metrics_failing_threshold=0,
        custom_metrics_passing_threshold=100,
        runs_per_digital_human=3,
        always_on=False,
    )

    assert created.simulation_id == 9
    assert created.status == "200"  # the documented default when the server omits it
    body = sent_json(server)
    assert body == {
        "agent_id": "agent-1",
        "name": "smoke",
        "description": "",
        "prompt_id": "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        "knowledge_base_id": "3c90c3cc-0d44-4b50-8888-8dd25736052c",
        "sequential_calling": False,
        "max_concurrent": 500,
        "hangup_on_transfer": True,
        "max_call_duration": 90,
        "max_call_duration_units": "seconds",
        "ringing_timeout": 30,
        "digital_humans_settings": {
            "default_name": "random",
            "default_language": "en-US",
            "num_runs": 2,
        },
        "selected_custom_metrics": [
            "3c90c3cc-0d44-4b50-8888-8dd25736052b",
            "3c90c3cc-0d44-4b50-8888-8dd25736052a",
        ],
        "custom_metrics_failing_threshold": 0,
        "custom_metrics_passing_threshold": 100,
        "runs_per_digital_human": 3,
        "always_on": False,
    }
    # JSON types, not just equal values: False is not 0, 500 is not "500".
    assert body["sequential_calling"] is False
    assert type(body["max_concurrent"]) is int


async def test_create_with_empty_settings_sends_an_empty_object(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("POST", CREATE, Reply(json={"simulation_id": 1}))

    await bj.simulations.create("a", digital_humans_settings=DigitalHumansSettings())

    assert sent_json(server) == {"agent_id": "a", "digital_humans_settings": {}}


async def test_headers_of_a_post(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script("POST", CREATE, Reply(json={"simulation_id": 1}))

    await bj.simulations.create("a")

    seen = server.requests[0]
    assert seen.method == "POST"
    assert seen.raw_path == CREATE
    assert seen.query == {}
    assert seen.headers["X-API-Key"] == API_KEY
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["Accept"] == "application/json"
    assert seen.headers["User-Agent"].startswith(f"bluejay-cognigy-async/{__version__} python/")
    assert "aiohttp/" in seen.headers["User-Agent"]


async def test_headers_of_a_get_carry_no_content_type(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("GET", "/v1/get-simulation-runs/5", Reply(json={"simulation_runs": []}))

    await bj.runs.list(5)

    seen = server.requests[0]
    assert seen.body == b""
    assert "Content-Type" not in seen.headers
    assert seen.headers["X-API-Key"] == API_KEY
    assert seen.headers["Accept"] == "application/json"


async def test_runs_list(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script("GET", "/v1/get-simulation-runs/5", Reply(json=bodies.runs_body()))

    runs = await bj.runs.list(5)

    assert server.requests[0].method == "GET"
    assert [r.id for r in runs] == [11, 12]
    first, second = runs
    assert first.simulation_id == first.experiment_id == 5
    assert first.status == SimulationRunStatus.COMPLETED
    assert first.phone_number == "+15550100"
    assert first.created_at.tzinfo is not None
    assert second.summary is None
    assert second.tests_passed is None
    assert second.status == "INITIALIZING"  # not a declared member: kept as its string


async def test_runs_list_accepts_a_string_id(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script("GET", "/v1/get-simulation-runs/sim-5", Reply(json={"simulation_runs": None}))

    assert await bj.runs.list("sim-5") == []


async def test_results_retrieve(server: ScriptedServer, bj: BluejayClient) -> None:
    path = f"/v1/retrieve-simulation-results/{bodies.RUN_ID}"
    server.script("GET", path, Reply(json=bodies.results_body(2)))

    res = await bj.results.retrieve(bodies.RUN_ID)

    assert server.requests[0].method == "GET"
    assert server.requests[0].raw_path == path
    assert res.status == "200"
    assert res.simulation_run.id == "77"
    assert res.simulation_run.simulation_id == "5"
    assert res.simulation_run.status == SimulationRunStatus.COMPLETED
    assert [r.id for r in res.simulation_results] == [1000, 1001]
    evaluation = res.simulation_results[0].evaluations[0]
    assert evaluation.latency is not None
    assert evaluation.latency.p95_agent_latency == 1900.5
    assert evaluation.custom_metrics[1].name == "metric-1"
    assert res.simulation_results[0].tool_calls[0].actual[0].start_offset_ms == 2300
    assert res.simulation_results[0].events[1].start_offset_ms == 1000


async def test_results_update_sends_only_what_is_passed(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("POST", UPDATE, Reply(json={"status": "success", "message": None}))

    ack = await bj.results.update("res-1", tags=["vip"])

    assert ack == ResultUpdated(status="success", message=None)
    assert sent_json(server) == {"simulation_result_id": "res-1", "tags": ["vip"]}
    assert server.requests[0].headers["Content-Type"] == "application/json"


async def test_results_update_sends_every_part(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script("POST", UPDATE, Reply(json={"message": "stored"}))

    ack = await bj.results.update(
        42,
        events=[
            Event(title="transfer", start_offset_ms=100),
            Event(
                title="hold",
                start_offset_ms=200,
                end_offset_ms=900,
                description="music",
                tags=["x"],
                metadata={"queue": "billing", "n": 1},
            ),
        ],
        tool_calls=[
            ToolCall(name="lookup", start_offset_ms=1),
            ToolCall(
                name="book",
                start_offset_ms=5,
                description="book a slot",
                parameters={"day": "mon"},
                output=[1, "a", None],
            ),
        ],
        recorded_transcript=(
            TranscriptEntry(
                start_offset_ms=0,
                end_offset_ms=10,
                speaker=ParticipantRole.AGENT,
                utterance="Hello",
            ),
            TranscriptEntry(
                start_offset_ms=11,
                end_offset_ms=20,
                speaker="USER",
                utterance="uh",
                filler_utterance=True,
            ),
        ),
        tags=("vip", ""),
        metadata={"build": "1.2.3", "nested": {"a": [1, 2]}},
    )

    assert ack.status == "success"  # documented default
    assert ack.message == "stored"
    assert sent_json(server) == {
        "simulation_result_id": "42",
        "events": [
            {"title": "transfer", "start_offset_ms": 100},
            {
                "title": "hold",
                "start_offset_ms": 200,
                "description": "music",
                "end_offset_ms": 900,
                "tags": ["x"],
                "metadata": {"queue": "billing", "n": 1},
            },
        ],
        "tool_calls": [
            {"name": "lookup", "start_offset_ms": 1},
            {
                "name": "book",
                "start_offset_ms": 5,
                "description": "book a slot",
                "parameters": {"day": "mon"},
                "output": [1, "a", None],
            },
        ],
        "recorded_transcript": [
            {"start_offset_ms": 0, "end_offset_ms": 10, "speaker": "AGENT", "utterance": "Hello"},
            {
                "start_offset_ms": 11,
                "end_offset_ms": 20,
                "speaker": "USER",
                "utterance": "uh",
                "filler_utterance": True,
            },
        ],
        "tags": ["vip", ""],
        "metadata": {"build": "1.2.3", "nested": {"a": [1, 2]}},
    }


async def test_results_update_sends_empty_lists_that_were_passed(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("POST", UPDATE, Reply(json={}))

    await bj.results.update("r", events=[], tags=[], metadata={})

    assert sent_json(server) == {
        "simulation_result_id": "r",
        "events": [],
        "tags": [],
        "metadata": {},
    }


async def test_results_update_accepts_generators(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script("POST", UPDATE, Reply(json={}))

    await bj.results.update(
        "r",
        events=(Event(title=t, start_offset_ms=0) for t in "ab"),
        tags=(t for t in ["x"]),
    )

    body = sent_json(server)
    assert [e["title"] for e in body["events"]] == ["a", "b"]
    assert body["tags"] == ["x"]


async def test_results_retrieve_many_reports_one_outcome_per_id(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    results = "/v1/retrieve-simulation-results/"
    server.script("GET", results + "1", Reply(json=bodies.results_body(1)))
    server.script("GET", results + "2", Reply(status=404, json={"detail": "no such run"}))

    items = [item async for item in bj.results.retrieve_many([1, 2], concurrency=2)]

    by_key = {item.key: item for item in items}
    assert sorted(by_key) == [1, 2]
    assert by_key[1].ok
    assert by_key[1].value is not None
    assert by_key[1].value.simulation_results[0].id == 1000
    assert not by_key[2].ok
    assert isinstance(by_key[2].error, NotFoundError)
    assert server.count("GET", results + "2") == 1  # a 404 is not retried


async def test_runs_iter_results_lists_then_retrieves(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("GET", "/v1/get-simulation-runs/5", Reply(json=bodies.runs_body()))
    for run_id in (11, 12):
        server.script(
            "GET", f"/v1/retrieve-simulation-results/{run_id}", Reply(json=bodies.results_body(1))
        )

    items = [item async for item in bj.runs.iter_results(5, concurrency=2)]

    assert sorted(item.key for item in items) == [11, 12]
    assert all(item.ok for item in items)
    assert server.requests[0].raw_path == "/v1/get-simulation-runs/5"
