"""Every documented range, enum and type is checked before anything is sent."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from bluejay_async import (
    BluejayClient,
    DigitalHumansSettings,
    Event,
    ToolCall,
    TranscriptEntry,
)
from bluejay_async.core.validation import (
    check_bool,
    check_choice,
    check_instances,
    check_int,
    check_json_object,
    check_str,
    check_uuid,
)
from bluejay_async.errors import InvalidRequestError
from tests.scripted_server import Reply, ScriptedServer

CREATE = "/v1/create-simulation"
UUID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"


def record(cls: Any, **fields: Any) -> Any:
    """A record built with wrongly typed fields (attrs does not check them, the SDK must)."""
    return cls(**fields)


def entry(**fields: Any) -> Any:
    return record(
        TranscriptEntry,
        **{"start_offset_ms": 0, "end_offset_ms": 1, "speaker": "USER", "utterance": "u", **fields},
    )


# (keyword, value, the parameter the error must name)
BAD_CREATE_ARGS: list[tuple[str, Any, str]] = [
    ("max_concurrent", 0, "max_concurrent"),
    ("max_concurrent", 501, "max_concurrent"),
    ("max_concurrent", -3, "max_concurrent"),
    ("max_concurrent", 2.0, "max_concurrent"),
    ("max_concurrent", "20", "max_concurrent"),
    ("max_concurrent", True, "max_concurrent"),
    ("custom_metrics_failing_threshold", -1, "custom_metrics_failing_threshold"),
    ("custom_metrics_failing_threshold", 101, "custom_metrics_failing_threshold"),
    ("custom_metrics_passing_threshold", -1, "custom_metrics_passing_threshold"),
    ("custom_metrics_passing_threshold", 101, "custom_metrics_passing_threshold"),
    ("custom_metrics_passing_threshold", 50.5, "custom_metrics_passing_threshold"),
    ("max_call_duration", 0, "max_call_duration"),
    ("max_call_duration", "10", "max_call_duration"),
    ("max_call_duration_units", "hours", "max_call_duration_units"),
    ("max_call_duration_units", "Minutes", "max_call_duration_units"),
    ("max_call_duration_units", ["minutes"], "max_call_duration_units"),
    ("max_call_duration_units", 1, "max_call_duration_units"),
    ("ringing_timeout", 0, "ringing_timeout"),
    ("ringing_timeout", 1.5, "ringing_timeout"),
    ("runs_per_digital_human", 0, "runs_per_digital_human"),
    ("prompt_id", "not-a-uuid", "prompt_id"),
    ("prompt_id", 123, "prompt_id"),
    ("knowledge_base_id", UUID + "0", "knowledge_base_id"),
    ("knowledge_base_id", "", "knowledge_base_id"),
    ("selected_custom_metrics", [UUID, "nope"], "selected_custom_metrics[1]"),
    ("selected_custom_metrics", UUID, "selected_custom_metrics"),
    ("selected_custom_metrics", 5, "selected_custom_metrics"),
    ("selected_custom_metrics", {UUID: 1}, "selected_custom_metrics"),
    ("sequential_calling", 1, "sequential_calling"),
    ("hangup_on_transfer", "false", "hangup_on_transfer"),
    ("always_on", 0, "always_on"),
    ("name", 5, "name"),
    ("description", b"x", "description"),
    ("digital_humans_settings", {"num_runs": 1}, "digital_humans_settings"),
    (
        "digital_humans_settings",
        DigitalHumansSettings(num_runs=0),
        "digital_humans_settings.num_runs",
    ),
    (
        "digital_humans_settings",
        record(DigitalHumansSettings, num_runs="2"),
        "digital_humans_settings",
    ),
    (
        "digital_humans_settings",
        record(DigitalHumansSettings, default_name=7),
        "digital_humans_settings",
    ),
]


@pytest.mark.parametrize(("keyword", "value", "param"), BAD_CREATE_ARGS)
async def test_create_refuses_bad_arguments_before_sending(
    server: ScriptedServer, bj: BluejayClient, keyword: str, value: Any, param: str
) -> None:
    with pytest.raises(InvalidRequestError) as info:
        await bj.simulations.create("agent", **{keyword: value})

    assert info.value.param == param
    assert param.split("[")[0].split(".")[0] in str(info.value)
    assert isinstance(info.value, ValueError)
    assert server.requests == []


async def test_a_bad_settings_field_is_named_by_its_own_path(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    settings = record(DigitalHumansSettings, num_runs="two")

    with pytest.raises(InvalidRequestError) as info:
        await bj.simulations.create("agent", digital_humans_settings=settings)

    assert str(info.value) == (
        "invalid DigitalHumansSettings: digital_humans_settings.num_runs: "
        "expected an integer, got string 'two'"
    )
    assert server.requests == []


@pytest.mark.parametrize("agent_id", ["", "  ", None, 5, b"agent"])
async def test_create_needs_a_non_empty_agent_id(
    server: ScriptedServer, bj: BluejayClient, agent_id: Any
) -> None:
    with pytest.raises(InvalidRequestError, match="agent_id"):
        await bj.simulations.create(agent_id)
    assert server.requests == []


@pytest.mark.parametrize(
    ("keyword", "value"),
    [
        ("max_concurrent", 1),
        ("max_concurrent", 500),
        ("custom_metrics_failing_threshold", 0),
        ("custom_metrics_passing_threshold", 100),
        ("max_call_duration_units", "minutes"),
        ("max_call_duration", 1),
        ("ringing_timeout", 1),
        ("selected_custom_metrics", []),
        ("prompt_id", uuid.UUID(UUID)),
        ("prompt_id", f"urn:uuid:{UUID}"),
    ],
)
async def test_create_accepts_the_bounds(
    server: ScriptedServer, bj: BluejayClient, keyword: str, value: Any
) -> None:
    server.script("POST", CREATE, Reply(json={"simulation_id": 1}))

    await bj.simulations.create("agent", **{keyword: value})

    assert len(server.requests) == 1


BAD_UPDATES: list[tuple[dict[str, Any], str]] = [
    ({"events": Event(title="t", start_offset_ms=0)}, "events"),
    ({"events": "events"}, "events"),
    ({"events": {"title": "t"}}, "events"),
    ({"events": 5}, "events"),
    ({"events": [{"title": "t", "start_offset_ms": 0}]}, r"events\[0\] must be an Event, got dict"),
    (
        {"events": [Event(title="t", start_offset_ms=0), ToolCall(name="n", start_offset_ms=0)]},
        r"events\[1\] must be an Event, got ToolCall",
    ),
    (
        {"events": [record(Event, title=1, start_offset_ms=0)]},
        r"events\[0\]\.title: expected a string, got integer 1",
    ),
    (
        {"events": [record(Event, title="t", start_offset_ms="0")]},
        r"events\[0\]\.start_offset_ms: expected an integer, got string '0'",
    ),
    (
        {"events": [record(Event, title="t", start_offset_ms=True)]},
        r"start_offset_ms: expected an integer, got boolean True",
    ),
    (
        {"events": [record(Event, title="t", start_offset_ms=0, tags="abc")]},
        r"events\[0\]\.tags: expected an array, got string 'abc'",
    ),
    (
        {"events": [record(Event, title="t", start_offset_ms=0, tags=("a",))]},
        r"events\[0\]\.tags: expected an array",
    ),
    (
        {"events": [record(Event, title="t", start_offset_ms=0, tags=["a", 1])]},
        r"events\[0\]\.tags\[1\]: expected a string",
    ),
    (
        {"events": [record(Event, title="t", start_offset_ms=0, metadata="m")]},
        r"events\[0\]\.metadata: expected an object, got string 'm'",
    ),
    (
        {"tool_calls": [record(ToolCall, name=None, start_offset_ms=1)]},
        r"tool_calls\[0\]\.name: expected a string, got null",
    ),
    (
        {"tool_calls": [record(ToolCall, name="n", start_offset_ms=1, parameters=[1])]},
        r"tool_calls\[0\]\.parameters: expected an object, got array$",
    ),
    (
        {"recorded_transcript": [entry(filler_utterance="no")]},
        r"recorded_transcript\[0\]\.filler_utterance: expected a boolean",
    ),
    (
        {"recorded_transcript": [entry(speaker=None)]},
        r"recorded_transcript\[0\]\.speaker: expected a string",
    ),
    (
        {"recorded_transcript": [entry(end_offset_ms=1.5)]},
        r"recorded_transcript\[0\]\.end_offset_ms: expected an integer",
    ),
    ({}, "^nothing to update: pass events, tool_calls, recorded_transcript, tags or metadata"),
    ({"tags": "vip"}, "tags must be a list"),
    ({"tags": 5}, "tags must be a list"),
    ({"tags": {"a": 1}}, "tags must be a list"),
    ({"tags": ["ok", 5]}, "tags"),
    ({"metadata": ["k", "v"]}, "metadata must be a mapping"),
    ({"metadata": {1: "v"}}, "metadata must be a mapping"),
    ({"metadata": {"when": object()}}, "not JSON-serialisable"),
    (
        {"tool_calls": [ToolCall(name="n", start_offset_ms=1, output={1, 2})]},
        "not JSON-serialisable",
    ),
]


@pytest.mark.parametrize(("kwargs", "message"), BAD_UPDATES)
async def test_update_refuses_bad_arguments_before_sending(
    server: ScriptedServer, bj: BluejayClient, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRequestError, match=message):
        await bj.results.update("res-1", **kwargs)
    assert server.requests == []


def test_check_helpers_directly() -> None:
    assert check_str("", "x", allow_empty=True) == ""
    assert check_int(5, "n", minimum=5, maximum=5) == 5
    with pytest.raises(InvalidRequestError, match=r"^n must be 3 or less, got 4$"):
        check_int(4, "n", maximum=3)
    with pytest.raises(InvalidRequestError, match=r"^n must be 1 or more, got 0$"):
        check_int(0, "n", minimum=1)
    with pytest.raises(InvalidRequestError, match=r"^n must be in 1\.\.3, got 4$"):
        check_int(4, "n", minimum=1, maximum=3)
    assert check_bool(False, "b") is False
    assert check_choice("a", "c", ("a", "b")) == "a"
    with pytest.raises(InvalidRequestError, match="must be one of 'a', 'b'"):
        check_choice({"a"}, "c", ("a", "b"))
    assert check_uuid(UUID.upper(), "u") == UUID
    assert check_json_object({"a": 1}, "m") == {"a": 1}
    long = "x" * 100
    with pytest.raises(InvalidRequestError, match=r"got 'x+\.\.\.$"):
        check_uuid(long, "u")


def test_check_instances_returns_a_list_and_keeps_str_enums() -> None:
    from bluejay_async import ParticipantRole

    entries = (
        TranscriptEntry(
            start_offset_ms=0, end_offset_ms=1, speaker=ParticipantRole.USER, utterance="hi"
        ),
    )
    assert check_instances(entries, "t", TranscriptEntry) == list(entries)
    assert check_instances(iter([]), "t", TranscriptEntry) == []


async def test_a_null_list_in_a_request_record_is_sent_as_null(
    bj: BluejayClient, server: ScriptedServer
) -> None:
    """The schema makes every list nullable, so ``tags=None`` is sent as it was given."""
    server.script("POST", "/v1/update-simulation-result", Reply(json={"status": "success"}))
    await bj.results.update("r1", events=[record(Event, title="t", start_offset_ms=0, tags=None)])
    assert json.loads(server.requests[0].body)["events"] == [
        {"title": "t", "start_offset_ms": 0, "tags": None}
    ]
