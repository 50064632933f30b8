"""runs.queue: the body it sends, what it refuses before sending, and when it is retried."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from bluejay_async import BluejayClient, QueuedRun, RetryPolicy
from bluejay_async.errors import (
    APIConnectionError,
    InvalidRequestError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    UnprocessableEntityError,
)
from tests.scripted_server import Reply, ScriptedServer

QUEUE = "/v1/queue-simulation-run"
QUEUED = {
    "simulation_run_id": "901",
    "simulation_result_ids": ["9001", "9002"],
    "agent_id": "agent-1",
    "status": "success",
}
PROMPT = "0b6f4a58-6f1e-4f7e-9a51-3d2b8f1f6c11"


def sent(server: ScriptedServer) -> list[dict[str, Any]]:
    return [json.loads(r.body) for r in server.requests if r.raw_path == QUEUE]


async def test_queue_by_simulation_id_sends_only_that(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    server.script("POST", QUEUE, Reply(json=QUEUED))
    queued = await bj.runs.queue("42")
    assert queued == QueuedRun(
        simulation_run_id="901",
        simulation_result_ids=["9001", "9002"],
        agent_id="agent-1",
        status="success",
    )
    assert sent(server) == [{"simulation_id": "42"}]
    assert server.requests[0].headers["Content-Type"] == "application/json"


async def test_an_int_simulation_id_is_sent_as_its_string(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    server.script("POST", QUEUE, Reply(json=QUEUED))
    await bj.runs.queue(42, digital_human_ids=[7, "8"])
    assert sent(server) == [{"simulation_id": "42", "digital_human_ids": ["7", "8"]}]


async def test_queue_by_bluejay_as_code_id(bj: BluejayClient, server: ScriptedServer) -> None:
    server.script("POST", QUEUE, Reply(json=QUEUED))
    await bj.runs.queue(bluejay_as_code_id="checkout-smoke")
    assert sent(server) == [{"bluejay_as_code_id": "checkout-smoke"}]


async def test_every_option_is_sent_under_its_documented_name(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    server.script("POST", QUEUE, Reply(json={**QUEUED, "status": None}))
    queued = await bj.runs.queue(
        "42",
        prompt_id=uuid.UUID(PROMPT),
        knowledge_base_id=PROMPT.upper(),
        digital_human_ids=("a", "b"),
        phone_number="+14155550100",
        sip_uri="sip:agent@example.com",
        livekit_agent_name="",
        livekit_metadata={"tier": "gold"},
        pipecat_agent_name="pc",
        pipecat_agent_configuration={"voice": "x"},
        pipecat_room_properties={"max": 2},
        eleven_labs_agent_id="el",
        retell_agent_id="rt",
        vapi_assistant_id="va",
        runs_per_digital_human=2,
    )
    assert queued.status is None
    assert sent(server) == [
        {
            "simulation_id": "42",
            "prompt_id": PROMPT,
            "knowledge_base_id": PROMPT,
            "digital_human_ids": ["a", "b"],
            "phone_number": "+14155550100",
            "sip_uri": "sip:agent@example.com",
            "livekit_agent_name": "",
            "livekit_metadata": {"tier": "gold"},
            "pipecat_agent_name": "pc",
            "pipecat_agent_configuration": {"voice": "x"},
            "pipecat_room_properties": {"max": 2},
            "eleven_labs_agent_id": "el",
            "retell_agent_id": "rt",
            "vapi_assistant_id": "va",
            "runs_per_digital_human": 2,
        }
    ]


async def test_a_missing_status_defaults_to_success(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    body = {k: v for k, v in QUEUED.items() if k != "status"}
    server.script("POST", QUEUE, Reply(json=body))
    assert (await bj.runs.queue("42")).status == "success"


@pytest.mark.parametrize(
    ("args", "kwargs", "param"),
    [
        ((), {}, "simulation_id"),
        (("42",), {"bluejay_as_code_id": "x"}, "simulation_id"),
        (("",), {}, "simulation_id"),
        ((" ",), {}, "simulation_id"),
        ((True,), {}, "simulation_id"),
        ((4.2,), {}, "simulation_id"),
        ((), {"bluejay_as_code_id": ""}, "bluejay_as_code_id"),
        ((), {"bluejay_as_code_id": 5}, "bluejay_as_code_id"),
        (("42",), {"prompt_id": "not-a-uuid"}, "prompt_id"),
        (("42",), {"knowledge_base_id": 12}, "knowledge_base_id"),
        (("42",), {"digital_human_ids": "abc"}, "digital_human_ids"),
        (("42",), {"digital_human_ids": 5}, "digital_human_ids"),
        (("42",), {"digital_human_ids": ["a", None]}, "digital_human_ids[1]"),
        (("42",), {"digital_human_ids": [""]}, "digital_human_ids[0]"),
        (("42",), {"phone_number": ""}, "phone_number"),
        (("42",), {"sip_uri": 5}, "sip_uri"),
        (("42",), {"livekit_agent_name": 5}, "livekit_agent_name"),
        (("42",), {"livekit_metadata": ["x"]}, "livekit_metadata"),
        (("42",), {"pipecat_room_properties": {1: "x"}}, "pipecat_room_properties"),
        (("42",), {"runs_per_digital_human": 0}, "runs_per_digital_human"),
        (("42",), {"runs_per_digital_human": True}, "runs_per_digital_human"),
        (("42",), {"runs_per_digital_human": 1.5}, "runs_per_digital_human"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    bj: BluejayClient,
    server: ScriptedServer,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    param: str,
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        await bj.runs.queue(*args, **kwargs)
    assert caught.value.param == param
    assert server.requests == []


async def test_exactly_one_id_message_is_plain(bj: BluejayClient) -> None:
    with pytest.raises(InvalidRequestError, match="exactly one of simulation_id and bluejay"):
        await bj.runs.queue()
    with pytest.raises(InvalidRequestError, match="not both"):
        await bj.runs.queue("1", bluejay_as_code_id="x")


async def test_a_non_json_option_value_is_refused_before_sending(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    with pytest.raises(InvalidRequestError):
        await bj.runs.queue("42", livekit_metadata={"when": object()})
    assert server.requests == []


async def test_a_server_error_is_not_retried(bj: BluejayClient, server: ScriptedServer) -> None:
    server.script("POST", QUEUE, Reply(status=503), Reply(json=QUEUED))
    with pytest.raises(ServerError):
        await bj.runs.queue("42")
    assert server.count("POST", QUEUE) == 1


async def test_a_dropped_connection_is_not_retried(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    server.script("POST", QUEUE, Reply(drop=True), Reply(json=QUEUED))
    with pytest.raises(APIConnectionError):
        await bj.runs.queue("42")
    assert server.count("POST", QUEUE) == 1


async def test_a_429_is_retried_since_the_server_did_not_act(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    server.script(
        "POST", QUEUE, Reply(status=429, headers={"Retry-After": "0"}), Reply(json=QUEUED)
    )
    assert (await bj.runs.queue("42")).simulation_run_id == "901"
    assert server.count("POST", QUEUE) == 2


async def test_a_429_beyond_the_policy_is_raised(server: ScriptedServer) -> None:
    server.script("POST", QUEUE, Reply(status=429, headers={"Retry-After": "120"}))
    async with BluejayClient(
        api_key="k", base_url=server.url, retry=RetryPolicy(retry_after_max=5)
    ) as client:
        with pytest.raises(RateLimitError) as caught:
            await client.runs.queue("42")
    assert caught.value.retry_after == 120
    assert server.count("POST", QUEUE) == 1


async def test_opting_in_retries_the_write(server: ScriptedServer) -> None:
    server.script("POST", QUEUE, Reply(status=503), Reply(json=QUEUED))
    policy = RetryPolicy(backoff_base=0.001, backoff_max=0.002, retry_non_idempotent=True)
    async with BluejayClient(api_key="k", base_url=server.url, retry=policy) as client:
        await client.runs.queue("42")
    assert server.count("POST", QUEUE) == 2


async def test_validation_errors_are_structured(bj: BluejayClient, server: ScriptedServer) -> None:
    detail = [{"loc": ["body", "simulation_id"], "msg": "Field required", "type": "missing"}]
    server.script("POST", QUEUE, Reply(status=422, json={"detail": detail}))
    with pytest.raises(UnprocessableEntityError) as caught:
        await bj.runs.queue("42")
    assert [e.field for e in caught.value.errors] == ["simulation_id"]


async def test_integer_ids_in_the_answer_are_a_decode_error(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    server.script("POST", QUEUE, Reply(json={**QUEUED, "simulation_run_id": 901}))
    with pytest.raises(ResponseDecodeError) as caught:
        await bj.runs.queue("42")
    assert caught.value.path == "$.simulation_run_id"
