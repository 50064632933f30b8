"""Records for the Bluejay API: frozen, slotted, keyword-only ``attrs`` classes.

Attribute names are the API's JSON field names. Responses are tolerant: unknown fields are
ignored, unknown enum values are kept as plain strings, a ``null`` list becomes ``[]``, and
timestamps become timezone-aware ``datetime`` objects.

The open enums (:class:`SimulationRunStatus`, :class:`ParticipantRole`) are ``str`` enums, so
``run.status == SimulationRunStatus.COMPLETED`` works while a status the SDK does not know yet
still arrives as its string.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any, Literal

import attrs

from bluejay_async.core.markers import TZ_AWARE, JsonList, empty_null_lists, often_absent

__all__ = [
    "ActualToolCall",
    "CallDurationUnit",
    "CustomMetric",
    "DigitalHumansSettings",
    "Evaluation",
    "Event",
    "ExpectedToolCall",
    "FillerIgnoredLatency",
    "Latency",
    "ParticipantRole",
    "QueuedRun",
    "ResultUpdated",
    "SimulationCreated",
    "SimulationResult",
    "SimulationResults",
    "SimulationRun",
    "SimulationRunDetail",
    "SimulationRunStatus",
    "Timestamp",
    "ToolCall",
    "ToolCallGroup",
    "TranscriptEntry",
]

_REVIEW_FIELDS = ("human_", "override_", "last_edited_")
"""Prefixes of the fields a person's review of an evaluation or metric fills in: the API leaves
them out until someone edits the record, so the msgspec decoder sets them up front."""

Timestamp = Annotated[datetime, TZ_AWARE]
"""A timezone-aware ``datetime`` (ISO-8601 on the wire; a missing offset is read as UTC)."""

CallDurationUnit = Literal["minutes", "seconds"]


class SimulationRunStatus(str, enum.Enum):
    """Known states of a simulation run (the field itself is a ``str``: the set may grow)."""

    INITIALIZING = "INITIALIZING"
    RUNNING = "RUNNING"
    COMPLETED = "COMPLETED"


class ParticipantRole(str, enum.Enum):
    """Who spoke a transcript entry."""

    AGENT = "AGENT"
    USER = "USER"


# --- get-simulation-runs -------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class SimulationRun:
    """One row of ``GET /v1/get-simulation-runs/{simulation_id}``."""

    id: int
    experiment_id: int
    created_at: Timestamp
    status: str
    summary: str | None = None
    tests_passed: int | None = None
    tests_failed: int | None = None
    total_tests: int | None = None
    tests_completed: int | None = None
    tests_incompleted: int | None = None
    curr_step_id: int | None = None
    phone_number: str | None = None

    @property
    def simulation_id(self) -> int:
        """The parent simulation's id (the API calls it ``experiment_id`` in this listing)."""
        return self.experiment_id


# --- retrieve-simulation-results -----------------------------------------------------------


@attrs.frozen(kw_only=True)
class SimulationRunDetail:
    """The run described by a results body. Note the API sends both ids as strings here."""

    id: str
    simulation_id: str
    created_at: Timestamp
    summary: str | None = None
    status: str | None = None
    total_tests: int | None = None
    tests_passed: int | None = None
    tests_failed: int | None = None
    tests_completed: int | None = None
    tests_incompleted: int | None = None


@attrs.frozen(kw_only=True)
class Latency:
    """Agent response latency percentiles of one evaluation (milliseconds)."""

    avg_agent_latency: float | None = None
    max_agent_latency: float | None = None
    p50_agent_latency: float | None = None
    p90_agent_latency: float | None = None
    p95_agent_latency: float | None = None
    p99_agent_latency: float | None = None


@attrs.frozen(kw_only=True)
class FillerIgnoredLatency:
    """Latency percentiles with filler utterances ignored (milliseconds)."""

    avg_filler_ignored_latency: float | None = None
    p50_filler_ignored_latency: float | None = None
    p90_filler_ignored_latency: float | None = None
    p95_filler_ignored_latency: float | None = None
    p99_filler_ignored_latency: float | None = None


@often_absent(*_REVIEW_FIELDS)
@empty_null_lists
@attrs.frozen(kw_only=True)
class CustomMetric:
    """One custom metric scored by an evaluation."""

    name: str
    description: str
    response_type: str
    response_value: str
    reasoning: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    category: str | None = None
    tags: JsonList[str] = attrs.field(factory=list)
    scoring_guidance: str | None = None
    enum_options: JsonList[str] = attrs.field(factory=list)
    human_edited: bool | None = None
    human_response_value: str | None = None
    human_reasoning: str | None = None
    override_reason_code: str | None = None
    override_notes: str | None = None
    last_edited_by: str | None = None
    last_edited_at: Timestamp | None = None


@often_absent(*_REVIEW_FIELDS)
@empty_null_lists
@attrs.frozen(kw_only=True)
class Evaluation:
    """The evaluation of one simulated call: goal, hallucination, latency, sentiment, metrics."""

    agent_speak_percentage: float | None
    avg_agent_latency: float | None
    id: str | None = None
    created_at: Timestamp | None = None
    hallucination: bool | None = None
    hallucination_reasoning: str | None = None
    redundancy: bool | None = None
    redundancy_reasoning: str | None = None
    latency: Latency | None = None
    filler_ignored_latency: FillerIgnoredLatency | None = None
    num_turns: int | None = None
    call_summary: str | None = None
    custom_evals: list[Any] | dict[str, Any] | None = None
    custom_evals_success_rate: float | None = None
    goal_success: bool | None = None
    goal_reasoning: str | None = None
    pronunciation_score: float | None = None
    pronunciation_reasoning: str | None = None
    sentiment_label: str | None = None
    sentiment_score: float | None = None
    sentiment_scores: dict[str, float] | None = None
    custom_metrics: JsonList[CustomMetric] = attrs.field(factory=list)
    human_edited: bool | None = None
    human_goal_success: bool | None = None
    human_goal_reasoning: str | None = None
    human_hallucination: bool | None = None
    human_hallucination_reasoning: str | None = None
    human_redundancy: bool | None = None
    human_redundancy_reasoning: str | None = None
    human_pronunciation_score: float | None = None
    human_pronunciation_reasoning: str | None = None
    override_goal_reason_code: str | None = None
    override_goal_notes: str | None = None
    override_hallucination_reason_code: str | None = None
    override_hallucination_notes: str | None = None
    override_redundancy_reason_code: str | None = None
    override_redundancy_notes: str | None = None
    override_pronunciation_reason_code: str | None = None
    override_pronunciation_notes: str | None = None
    last_edited_by: str | None = None
    last_edited_at: Timestamp | None = None


@empty_null_lists
@attrs.frozen(kw_only=True)
class Event:
    """Something that happened during a call, at an offset from its start.

    Read from results and sent with :meth:`ResultsResource.update`.
    """

    title: str
    start_offset_ms: int
    description: str | None = None
    end_offset_ms: int | None = None
    tags: JsonList[str] = attrs.field(factory=list)
    metadata: dict[str, Any] | None = None


@attrs.frozen(kw_only=True)
class ExpectedToolCall:
    """A tool call the scenario expected."""

    parameters: dict[str, Any] | None = None
    output: Any = None


@attrs.frozen(kw_only=True)
class ActualToolCall:
    """A tool call the agent made."""

    parameters: dict[str, Any] | None = None
    output: Any = None
    start_offset_ms: int | None = None


@empty_null_lists
@attrs.frozen(kw_only=True)
class ToolCallGroup:
    """The expected and actual calls of one tool within a result."""

    name: str
    expected: JsonList[ExpectedToolCall] = attrs.field(factory=list)
    actual: JsonList[ActualToolCall] = attrs.field(factory=list)


@empty_null_lists
@attrs.frozen(kw_only=True)
class SimulationResult:
    """One simulated call of a run, with its evaluations, events and tool calls."""

    id: int
    digital_human_id: int | None = None
    result: dict[str, Any] | None = None
    duration: int | None = None
    start_time: Timestamp | None = None
    end_time: Timestamp | None = None
    custom_metrics: dict[str, Any] | list[Any] | None = None
    status: str | None = None
    latency: dict[str, Any] | list[Any] | None = None
    events: JsonList[Event] = attrs.field(factory=list)
    transcript_url: str | None = None
    audio_url: str | None = None
    evaluations: JsonList[Evaluation] = attrs.field(factory=list)
    tool_calls: JsonList[ToolCallGroup] = attrs.field(factory=list)
    trace_ids: JsonList[str] = attrs.field(factory=list)


@empty_null_lists
@attrs.frozen(kw_only=True)
class SimulationResults:
    """The whole body of ``GET /v1/retrieve-simulation-results/{simulation_run_id}``."""

    simulation_run: SimulationRunDetail
    simulation_results: JsonList[SimulationResult] = attrs.field(factory=list)
    status: str | None = "200"


# --- create-simulation ---------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class DigitalHumansSettings:
    """Settings of the digital humans (simulated callers) of a new simulation."""

    default_name: str | None = None
    default_caller_number: str | None = None
    default_language: str | None = None
    default_background_noise: str | None = None
    first_message: str | None = None
    num_runs: int | None = None


@attrs.frozen(kw_only=True)
class SimulationCreated:
    """The answer to ``POST /v1/create-simulation``."""

    simulation_id: int
    status: str | None = "200"


# --- update-simulation-result --------------------------------------------------------------


@attrs.frozen(kw_only=True)
class ToolCall:
    """A tool call the agent made during a call, reported with ``results.update``."""

    name: str
    start_offset_ms: int
    description: str | None = None
    parameters: dict[str, Any] | None = None
    output: Any = None


@attrs.frozen(kw_only=True)
class TranscriptEntry:
    """One utterance of a recorded transcript, reported with ``results.update``."""

    start_offset_ms: int
    end_offset_ms: int
    speaker: str
    utterance: str
    filler_utterance: bool | None = None


@attrs.frozen(kw_only=True)
class ResultUpdated:
    """The answer to ``POST /v1/update-simulation-result``."""

    status: str | None = "success"
    message: str | None = None


# --- queue-simulation-run ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class QueuedRun:
    """The answer to ``POST /v1/queue-simulation-run``: the new run and its results.

    The ids arrive as strings here (get-simulation-runs reports run ids as integers); pass
    ``simulation_run_id`` to ``runs.wait`` / ``runs.watch`` / ``results.retrieve`` as it is.
    """

    simulation_run_id: str
    simulation_result_ids: list[str]
    agent_id: str
    status: str | None = "success"
