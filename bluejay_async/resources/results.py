"""``client.results``: retrieve a run's results and enrich a result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bluejay_async._validation import (
    check_instances,
    check_json_object,
    check_str,
    path_segment,
)
from bluejay_async.converter import unstructure
from bluejay_async.errors import InvalidRequestError
from bluejay_async.models import Event, ResultUpdated, SimulationResults, ToolCall, TranscriptEntry
from bluejay_async.transport import Transport

__all__ = ["ResultsResource"]


class ResultsResource:
    """Operations on simulation results."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def retrieve(self, run_id: int | str) -> SimulationResults:
        """A run's details and all its results
        (``GET /v1/retrieve-simulation-results/{simulation_run_id}``).

        Raises:
            InvalidRequestError: ``run_id`` is empty or not a string/int.
            NotFoundError: no such run.
            ResponseDecodeError: the body does not match the documented schema.
        """
        path = "/v1/retrieve-simulation-results/" + path_segment(run_id, "run_id")
        return await self._transport.request("GET", path, into=SimulationResults)

    async def update(
        self,
        result_id: str | int,
        *,
        events: Iterable[Event] | None = None,
        tool_calls: Iterable[ToolCall] | None = None,
        recorded_transcript: Iterable[TranscriptEntry] | None = None,
        tags: Iterable[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> ResultUpdated:
        """Enrich one simulation result (``POST /v1/update-simulation-result``).

        ``result_id`` is the ``X-Simulation-Result-Id`` your agent received for the call. Only
        the arguments you pass are sent. The request is not retried on failures where the server
        may already have applied it (see :class:`~bluejay_async.RetryPolicy`), so an enrichment
        is never applied twice.

        Raises:
            InvalidRequestError: a malformed argument; nothing was sent.
            NotFoundError: no such result.
        """
        if isinstance(result_id, bool) or not isinstance(result_id, (str, int)):
            raise InvalidRequestError("result_id must be a string or an int", param="result_id")
        body: dict[str, Any] = {"simulation_result_id": check_str(str(result_id), "result_id")}
        if events is not None:
            body["events"] = [unstructure(e) for e in check_instances(events, "events", Event)]
        if tool_calls is not None:
            body["tool_calls"] = [
                unstructure(c) for c in check_instances(tool_calls, "tool_calls", ToolCall)
            ]
        if recorded_transcript is not None:
            body["recorded_transcript"] = [
                unstructure(t)
                for t in check_instances(
                    recorded_transcript, "recorded_transcript", TranscriptEntry
                )
            ]
        if tags is not None:
            if isinstance(tags, (str, bytes)):
                raise InvalidRequestError(
                    "tags must be a list of strings, not a string", param="tags"
                )
            body["tags"] = [check_str(t, "tags[]", allow_empty=True) for t in tags]
        if metadata is not None:
            body["metadata"] = check_json_object(metadata, "metadata")
        return await self._transport.request(
            "POST", "/v1/update-simulation-result", json=body, into=ResultUpdated
        )
