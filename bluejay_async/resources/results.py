"""``client.results``: retrieve a run's results and enrich a result."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, Iterable, Mapping
from typing import Any, TypeVar

from bluejay_async.core.adaptive import AdaptiveWindow
from bluejay_async.core.bulk import Outcome, ProgressCallback, fetch_many
from bluejay_async.core.converter import unstructure
from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.core.retry import RetryPolicy
from bluejay_async.core.transport import Transport
from bluejay_async.core.validation import (
    check_instances,
    check_json_object,
    check_str,
    path_segment,
)
from bluejay_async.models import Event, ResultUpdated, SimulationResults, ToolCall, TranscriptEntry

__all__ = ["ResultsResource", "fetch_results"]

RunId = TypeVar("RunId", bound=int | str)


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
        return await self._transport.request("GET", _results_path(run_id), into=SimulationResults)

    def retrieve_many(
        self,
        run_ids: Iterable[RunId] | AsyncIterable[RunId],
        *,
        concurrency: int = 16,
        adaptive: bool = True,
        progress: ProgressCallback | None = None,
    ) -> AsyncGenerator[Outcome[RunId, SimulationResults], None]:
        """Retrieve many runs' results concurrently, yielding one outcome per id as each completes.

        ::

            async for item in bj.results.retrieve_many(run_ids, concurrency=16):
                if item.ok:  # a Success: item.value is the SimulationResults
                    export(item.key, item.value.simulation_results)
                else:  # a Failure: item.error is the APIError
                    log.warning("run %s: %s", item.key, item.error)

        Each outcome is a :class:`~bluejay_async.Success` or a :class:`~bluejay_async.Failure`
        (``Outcome``); a type checker narrows it on ``item.ok``, and ``item.unwrap()`` returns
        the value or raises the error.

        ``run_ids`` may be a list or any lazy iterable or async iterable; it is read as the
        window frees up, so memory stays bounded by ``concurrency``. A failing id is reported
        as a :class:`~bluejay_async.Failure` (after the client's retry policy is spent) and
        never stops the others. The client's :class:`~bluejay_async.RetryPolicy` applies to
        each id as to a single call (``deadline`` included); no id is ever sent more than
        ``RetryPolicy.max_sends`` times (``2 * max_attempts - 1``). When the server throttles
        (429, or 503 with ``Retry-After``) the window shrinks and requests are paced, then both
        grow back (``adaptive=False`` turns that off). Leaving the loop early or cancelling the
        task cancels every request in flight; closing the client under a running fetch ends
        each id still to come with the client's error, not the loop.
        See :func:`bluejay_async.core.bulk.fetch_many` for the details.

        Raises:
            InvalidRequestError: ``concurrency`` < 1 or another bad argument, before any request.
        """
        window = AdaptiveWindow(concurrency, adaptive=adaptive)
        return fetch_results(self._transport, run_ids, window=window, progress=progress)

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
            InvalidRequestError: a malformed argument, or none of the fields to update;
                nothing was sent.
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
            if isinstance(tags, (str, bytes, Mapping)) or not isinstance(tags, Iterable):
                raise InvalidRequestError(
                    f"tags must be a list of strings, got {type(tags).__name__}", param="tags"
                )
            body["tags"] = [check_str(t, "tags[]", allow_empty=True) for t in tags]
        if metadata is not None:
            body["metadata"] = check_json_object(metadata, "metadata")
        if len(body) == 1:
            raise InvalidRequestError(
                "nothing to update: pass events, tool_calls, recorded_transcript, tags or "
                "metadata (an empty list counts)"
            )
        return await self._transport.request(
            "POST", "/v1/update-simulation-result", json=body, into=ResultUpdated
        )


def _results_path(run_id: int | str) -> str:
    return "/v1/retrieve-simulation-results/" + path_segment(run_id, "run_id")


def fetch_results(
    transport: Transport,
    run_ids: Iterable[RunId] | AsyncIterable[RunId],
    *,
    window: AdaptiveWindow,
    progress: ProgressCallback | None,
) -> AsyncGenerator[Outcome[RunId, SimulationResults], None]:
    """Retrieve many runs' results over ``transport``: the machinery shared by
    :meth:`ResultsResource.retrieve_many` and ``runs.iter_results``.

    Each request is sent once and :func:`~bluejay_async.core.bulk.fetch_many` applies the
    transport's :class:`~bluejay_async.RetryPolicy` per run id, so it sees every 429; each body
    is decoded as its outcome is handed out.
    """
    single = transport.with_options(retry=RetryPolicy(max_attempts=1))

    def url(run_id: RunId) -> str:
        return single.url(_results_path(run_id))

    async def fetch(run_id: RunId) -> bytes:
        return await single.request_bytes("GET", _results_path(run_id))

    def decode(run_id: RunId, raw: bytes) -> SimulationResults:
        return single.decode(raw, SimulationResults, method="GET", url=url(run_id))

    return fetch_many(
        run_ids,
        fetch,
        decode=decode,
        window=window,
        retry=transport.retry,
        progress=progress,
        describe=lambda run_id: ("GET", url(run_id)),
    )
