"""What each resource method sends (method, path, the exact JSON body) and how it reads the answer.

Request headers as they reach the wire are tested on a real socket in
``tests/core/test_requests.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

from aioresponses import aioresponses
from yarl import URL

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
)
from bluejay_async.errors import NotFoundError
from bluejay_async.testing import sent_json as sent_bodies
from tests.core import bodies
from tests.mocked.conftest import BASE, calls

CREATE = "/v1/create-simulation"
UPDATE = "/v1/update-simulation-result"


def sent_json(m: aioresponses, path: str) -> Any:
    """The JSON body of the last POST to ``path``."""
    return sent_bodies(m, "POST", BASE + path)[-1]


def sent_headers(m: aioresponses, method: str, path: str) -> Any:
    """The headers the SDK handed aiohttp for the first ``method`` request to ``path``."""
    return m.requests[(method, URL(BASE + path))][0].kwargs["headers"]


async def test_create_sends_only_the_fields_that_were_set(
    m: aioresponses, bj: BluejayClient
) -> None:
    m.post(BASE + CREATE, payload={"simulation_id": 123, "status": "200"})

    created = await bj.simulations.create("agent-1")

    assert created == SimulationCreated(simulation_id=123, status="200")
    assert sent_json(m, CREATE) == {"agent_id": "agent-1"}


async def test_create_sends_every_field_with_its_json_type(
    m: aioresponses, bj: BluejayClient
) -> None:
    m.post(BASE + CREATE, payload={"simulation_id": 9})
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
    body = sent_json(m, CREATE)
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
    m: aioresponses, bj: BluejayClient
) -> None:
    m.post(BASE + CREATE, payload={"simulation_id": 1})

    await bj.simulations.create("a", digital_humans_settings=DigitalHumansSettings())

    assert sent_json(m, CREATE) == {"agent_id": "a", "digital_humans_settings": {}}


async def test_runs_list(m: aioresponses, bj: BluejayClient) -> None:
    m.get(BASE + "/v1/get-simulation-runs/5", payload=bodies.runs_body())

    runs = await bj.runs.list(5)

    assert list(m.requests) == [("GET", URL(BASE + "/v1/get-simulation-runs/5"))]
    assert [r.id for r in runs] == [11, 12]
    first, second = runs
    assert first.simulation_id == first.experiment_id == 5
    assert first.status == SimulationRunStatus.COMPLETED
    assert first.phone_number == "+15550100"
    assert first.created_at.tzinfo is not None
    assert second.summary is None
    assert second.tests_passed is None
    assert second.status == "INITIALIZING"  # not a declared member: kept as its string


async def test_runs_list_accepts_a_string_id(m: aioresponses, bj: BluejayClient) -> None:
    m.get(BASE + "/v1/get-simulation-runs/sim-5", payload={"simulation_runs": None})

    assert await bj.runs.list("sim-5") == []


async def test_results_retrieve(m: aioresponses, bj: BluejayClient) -> None:
    path = f"/v1/retrieve-simulation-results/{bodies.RUN_ID}"
    m.get(BASE + path, payload=bodies.results_body(2))

    res = await bj.results.retrieve(bodies.RUN_ID)

    assert list(m.requests) == [("GET", URL(BASE + path))]
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


async def test_results_update_sends_only_what_is_passed(m: aioresponses, bj: BluejayClient) -> None:
    m.post(BASE + UPDATE, payload={"status": "success", "message": None})

    ack = await bj.results.update("res-1", tags=["vip"])

    assert ack == ResultUpdated(status="success", message=None)
    assert sent_json(m, UPDATE) == {"simulation_result_id": "res-1", "tags": ["vip"]}
    assert sent_headers(m, "POST", UPDATE)["Content-Type"] == "application/json"


async def test_results_update_sends_every_part(m: aioresponses, bj: BluejayClient) -> None:
    m.post(BASE + UPDATE, payload={"message": "stored"})

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
    assert sent_json(m, UPDATE) == {
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
    m: aioresponses, bj: BluejayClient
) -> None:
    m.post(BASE + UPDATE, payload={})

    await bj.results.update("r", events=[], tags=[], metadata={})

    assert sent_json(m, UPDATE) == {
        "simulation_result_id": "r",
        "events": [],
        "tags": [],
        "metadata": {},
    }


async def test_results_update_accepts_generators(m: aioresponses, bj: BluejayClient) -> None:
    m.post(BASE + UPDATE, payload={})

    await bj.results.update(
        "r",
        events=(Event(title=t, start_offset_ms=0) for t in "ab"),
        tags=(t for t in ["x"]),
    )

    body = sent_json(m, UPDATE)
    assert [e["title"] for e in body["events"]] == ["a", "b"]
    assert body["tags"] == ["x"]


async def test_results_retrieve_many_reports_one_outcome_per_id(
    m: aioresponses, bj: BluejayClient
) -> None:
    results = "/v1/retrieve-simulation-results/"
    m.get(BASE + results + "1", payload=bodies.results_body(1))
    m.get(BASE + results + "2", status=404, payload={"detail": "no such run"}, repeat=True)

    items = [item async for item in bj.results.retrieve_many([1, 2], concurrency=2)]

    by_key = {item.key: item for item in items}
    assert sorted(by_key) == [1, 2]
    assert by_key[1].ok
    assert by_key[1].value is not None
    assert by_key[1].value.simulation_results[0].id == 1000
    assert not by_key[2].ok
    assert isinstance(by_key[2].error, NotFoundError)
    assert calls(m, "GET", results + "2") == 1  # a 404 is not retried


async def test_runs_iter_results_lists_then_retrieves(m: aioresponses, bj: BluejayClient) -> None:
    m.get(BASE + "/v1/get-simulation-runs/5", payload=bodies.runs_body())
    for run_id in (11, 12):
        m.get(BASE + f"/v1/retrieve-simulation-results/{run_id}", payload=bodies.results_body(1))

    items = [item async for item in bj.runs.iter_results(5, concurrency=2)]

    assert sorted(item.key for item in items) == [11, 12]
    assert all(item.ok for item in items)
    assert next(iter(m.requests)) == ("GET", URL(BASE + "/v1/get-simulation-runs/5"))
