"""The request bodies of the Bluejay routes, as the service's pydantic models declare them.

Field names, types and nullability follow the Bluejay reference (models.json); ranges and formats
follow the endpoint pages. See :mod:`.validation` for how each check answers.
"""

from __future__ import annotations

from .validation import (
    Model,
    Union,
    any_value,
    boolean,
    dictionary,
    enum,
    exactly_one,
    integer,
    list_of,
    literal,
    optional,
    required,
    string,
    uuid_string,
)

DIGITAL_HUMANS_SETTINGS = Model(
    "DigitalHumansSettings",
    (
        optional("default_name", string),
        optional("default_caller_number", string),
        optional("default_language", string),
        optional("default_background_noise", string),
        optional("first_message", string),
        optional("num_runs", integer()),
    ),
)

_THRESHOLD = integer(ge=0, le=100)

SIMULATION_REQUEST = Model(
    "SimulationRequest",
    (
        required("agent_id", string),
        optional("name", string),
        optional("description", string),
        optional("prompt_id", uuid_string),
        optional("knowledge_base_id", uuid_string),
        optional("sequential_calling", boolean),
        optional("max_concurrent", integer(gt=0, le=500)),
        optional("hangup_on_transfer", boolean),
        optional("max_call_duration", integer()),
        optional("max_call_duration_units", literal("minutes", "seconds")),
        optional("ringing_timeout", integer()),
        optional("digital_humans_settings", DIGITAL_HUMANS_SETTINGS),
        optional("selected_custom_metrics", list_of(uuid_string)),
        optional("custom_metrics_failing_threshold", _THRESHOLD),
        optional("custom_metrics_passing_threshold", _THRESHOLD),
        optional("runs_per_digital_human", integer()),
        optional("always_on", boolean),
    ),
)
"""Body of ``POST /v1/create-simulation``."""

EVENT = Model(
    "Event",
    (
        required("title", string),
        required("start_offset_ms", integer()),
        optional("description", string),
        optional("end_offset_ms", integer()),
        optional("tags", list_of(string)),
        optional("metadata", dictionary),
    ),
)

TOOL_CALL = Model(
    "ToolCall",
    (
        required("name", string),
        required("start_offset_ms", integer()),
        optional("description", string),
        optional("parameters", dictionary),
        optional("output", any_value),
    ),
)

TRANSCRIPT_ENTRY = Model(
    "TranscriptEntryRequest",
    (
        required("start_offset_ms", integer()),
        required("end_offset_ms", integer()),
        required("speaker", enum("AGENT", "USER")),
        required("utterance", string),
        optional("filler_utterance", boolean),
    ),
)

UPDATE_SIMULATION_RESULT_REQUEST = Model(
    "UpdateSimulationResultRequest",
    (
        required("simulation_result_id", string),
        optional("events", list_of(EVENT)),
        optional("tool_calls", list_of(TOOL_CALL)),
        optional("recorded_transcript", list_of(TRANSCRIPT_ENTRY)),
        optional("tags", list_of(string)),
        optional("metadata", dictionary),
        # Not in the endpoint docs, but the official SDK's tracing helper posts it.
        optional("trace_ids", list_of(string)),
    ),
)
"""Body of ``POST /v1/update-simulation-result``."""

_RUN_OPTIONS = (
    optional("prompt_id", uuid_string),
    optional("knowledge_base_id", uuid_string),
    optional("digital_human_ids", list_of(string)),
    optional("phone_number", string),
    optional("sip_uri", string),
    optional("livekit_agent_name", string),
    optional("livekit_metadata", dictionary),
    optional("pipecat_agent_name", string),
    optional("pipecat_agent_configuration", dictionary),
    optional("pipecat_room_properties", dictionary),
    optional("eleven_labs_agent_id", string),
    optional("retell_agent_id", string),
    optional("vapi_assistant_id", string),
    # The reference gives no range; the sandbox keeps a run to at most 100 calls per human.
    optional("runs_per_digital_human", integer(ge=1, le=100)),
)

QUEUE_SIMULATION_RUN_REQUEST = exactly_one(
    "simulation_id",
    "bluejay_as_code_id",
    Union(
        (
            Model("SimulationRunRequest", (required("simulation_id", string), *_RUN_OPTIONS)),
            Model(
                "SimulationRunRequestUsingBACID",
                (required("bluejay_as_code_id", string), *_RUN_OPTIONS),
            ),
        )
    ),
)
"""Body of ``POST /v1/queue-simulation-run``: one of two forms, never both identifiers."""
