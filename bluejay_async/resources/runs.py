"""``client.runs``: list a simulation's runs, start one, and wait for it to finish."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import AsyncGenerator, Callable, Iterable, Mapping
from contextlib import aclosing
from typing import Any, ClassVar

import attrs

from bluejay_async.core.adaptive import AdaptiveWindow
from bluejay_async.core.bulk import Outcome, ProgressCallback, check_progress
from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.core.markers import JsonList, empty_null_lists
from bluejay_async.core.retry import RetryPolicy
from bluejay_async.core.transport import Transport
from bluejay_async.core.validation import (
    check_int,
    check_json_object,
    check_str,
    check_uuid,
    path_segment,
)
from bluejay_async.models import QueuedRun, SimulationResults, SimulationRun
from bluejay_async.resources.polling import (
    Clock,
    PollSchedule,
    Sleep,
    check_seconds,
    poll_run,
    run_progress,
)
from bluejay_async.resources.results import fetch_results

__all__ = ["RunsResource"]


@empty_null_lists
@attrs.frozen(kw_only=True)
class _RunsBody:
    _response_name: ClassVar[str] = "get-simulation-runs"
    simulation_runs: JsonList[SimulationRun] = attrs.field(factory=list)


class RunsResource:
    """Operations on simulation runs."""

    def __init__(
        self,
        transport: Transport,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rand: Callable[[], float] = random.random,
    ) -> None:
        # clock, sleep and rand drive wait() / watch(); tests inject their own.
        self._transport = transport
        self._clock = clock
        self._sleep = sleep
        self._rand = rand

    async def list(self, simulation_id: int | str) -> list[SimulationRun]:
        """Every run of a simulation (``GET /v1/get-simulation-runs/{simulation_id}``).

        Raises:
            InvalidRequestError: ``simulation_id`` is empty or not a string/int.
            NotFoundError: no such simulation.
        """
        path = "/v1/get-simulation-runs/" + path_segment(simulation_id, "simulation_id")
        body = await self._transport.request("GET", path, into=_RunsBody)
        return body.simulation_runs

    async def queue(
        self,
        simulation_id: str | int | None = None,
        *,
        bluejay_as_code_id: str | None = None,
        prompt_id: str | uuid.UUID | None = None,
        knowledge_base_id: str | uuid.UUID | None = None,
        digital_human_ids: Iterable[str | int] | None = None,
        phone_number: str | None = None,
        sip_uri: str | None = None,
        livekit_agent_name: str | None = None,
        livekit_metadata: Mapping[str, Any] | None = None,
        pipecat_agent_name: str | None = None,
        pipecat_agent_configuration: Mapping[str, Any] | None = None,
        pipecat_room_properties: Mapping[str, Any] | None = None,
        eleven_labs_agent_id: str | None = None,
        retell_agent_id: str | None = None,
        vapi_assistant_id: str | None = None,
        runs_per_digital_human: int | None = None,
    ) -> QueuedRun:
        """Start a run of a simulation (``POST /v1/queue-simulation-run``).

        Name the simulation by ``simulation_id`` or by ``bluejay_as_code_id``, exactly one.
        Only the arguments you pass are sent; the server applies the simulation's settings to
        the rest. Follow the run with :meth:`wait` or :meth:`watch`::

            queued = await bj.runs.queue(simulation_id, digital_human_ids=["17", "42"])
            final = await bj.runs.wait(queued.simulation_run_id)

        A write: it is retried only where the server cannot have acted (the connection was never
        established, or a 429), so a run is never queued twice by the SDK. After any other
        failure the run may or may not exist; look with :meth:`list` before queueing again.

        Args:
            simulation_id: the simulation to run (an int, as ``simulations.create`` returns it,
                is sent as its string).
            bluejay_as_code_id: the Bluejay-as-Code id of the simulation, instead.
            prompt_id, knowledge_base_id: the prompt / knowledge base of this run (UUIDs).
            digital_human_ids: the digital humans to call with (default: the simulation's).
            phone_number, sip_uri: override the agent's number / SIP URI for this run.
            livekit_agent_name: the agent of your LiveKit deployment (``""``: its default).
            livekit_metadata: metadata passed to the LiveKit room.
            pipecat_agent_name, pipecat_agent_configuration, pipecat_room_properties: Pipecat.
            eleven_labs_agent_id, retell_agent_id, vapi_assistant_id: override the agent's id
                on that platform for this run.
            runs_per_digital_human: results per digital human, >= 1 (default: the simulation's
                setting, else 1).

        Returns:
            The new run: ``.simulation_run_id``, ``.simulation_result_ids``, ``.agent_id``.

        Raises:
            InvalidRequestError: neither or both of ``simulation_id`` / ``bluejay_as_code_id``,
                or an argument of the wrong type or range; nothing was sent.
            NotFoundError: no such simulation.
            UnprocessableEntityError: the server rejected the body (``.errors`` says where).
        """
        body = _queue_body(
            simulation_id,
            bluejay_as_code_id,
            {
                "prompt_id": prompt_id,
                "knowledge_base_id": knowledge_base_id,
                "digital_human_ids": digital_human_ids,
                "phone_number": phone_number,
                "sip_uri": sip_uri,
                "livekit_agent_name": livekit_agent_name,
                "livekit_metadata": livekit_metadata,
                "pipecat_agent_name": pipecat_agent_name,
                "pipecat_agent_configuration": pipecat_agent_configuration,
                "pipecat_room_properties": pipecat_room_properties,
                "eleven_labs_agent_id": eleven_labs_agent_id,
                "retell_agent_id": retell_agent_id,
                "vapi_assistant_id": vapi_assistant_id,
                "runs_per_digital_human": runs_per_digital_human,
            },
        )
        return await self._transport.request(
            "POST", "/v1/queue-simulation-run", json=body, into=QueuedRun
        )

    async def wait(
        self,
        run_id: str | int,
        *,
        timeout: float | None = 1800.0,
        poll_interval: float = 5.0,
        max_poll_interval: float | None = None,
        progress: ProgressCallback | None = None,
    ) -> SimulationResults:
        """Wait for a run to finish and return its results
        (polls ``GET /v1/retrieve-simulation-results/{simulation_run_id}``).

        The run is finished when ``simulation_run.status`` is terminal (``COMPLETED``, see
        :data:`~bluejay_async.resources.polling.TERMINAL_RUN_STATUSES`); a status the SDK does
        not know is not. The first read is immediate; the next ones wait ``poll_interval``
        seconds, growing (with jitter) up to ``max_poll_interval`` while nothing changes.
        Failed reads are retried under the client's :class:`~bluejay_async.RetryPolicy`
        (``Retry-After`` honoured). Cancelling the call stops it at once. See
        :mod:`bluejay_async.resources.polling` for the details.

        Args:
            run_id: the run, e.g. ``queued.simulation_run_id``.
            timeout: seconds to wait in all, or ``None`` to wait for as long as it takes.
            poll_interval: the first wait between reads, in seconds.
            max_poll_interval: the longest wait between reads (default ``max(30,
                poll_interval)``).
            progress: called as ``progress(finished, total)`` with the run's finished results
                each time that count changes (see
                :func:`~bluejay_async.resources.polling.run_progress`).

        Returns:
            The run's final :class:`~bluejay_async.SimulationResults`: pass it to
            :func:`bluejay_async.report.summarize`.

        Raises:
            InvalidRequestError: a bad argument, before any request.
            RunTimeoutError: the run was still not finished after ``timeout`` seconds
                (``.run_id``, ``.last_status``); the run goes on on the server.
            NotFoundError: no such run. Other ``APIError``: a read that kept failing.
        """
        check_progress(progress)
        snapshots = self._poll(run_id, poll_interval, max_poll_interval, timeout)
        reported: tuple[int, int] | None = None
        final: SimulationResults | None = None
        async with aclosing(snapshots):
            async for final in snapshots:
                counts = run_progress(final)
                if progress is not None and counts != reported:
                    reported = counts
                    progress(*counts)
        assert final is not None  # poll_run yields at least the first snapshot, or raises
        return final

    def watch(
        self,
        run_id: str | int,
        *,
        poll_interval: float = 5.0,
        max_poll_interval: float | None = None,
        timeout: float | None = None,
    ) -> AsyncGenerator[SimulationResults, None]:
        """Follow a run: yield its :class:`~bluejay_async.SimulationResults` on the first read
        and each time its status or its results change; end after the terminal snapshot::

            async for snapshot in bj.runs.watch(run_id):
                print(snapshot.simulation_run.status, len(snapshot.simulation_results))

        Same polling as :meth:`wait` (its arguments mean the same; ``timeout`` defaults to no
        limit here). Leaving the loop early stops polling at once.

        Raises:
            InvalidRequestError: a bad argument, before any request.
            RunTimeoutError: (while iterating) ``timeout`` ran out before the run finished.
        """
        return self._poll(run_id, poll_interval, max_poll_interval, timeout)

    def _poll(
        self,
        run_id: str | int,
        poll_interval: Any,
        max_poll_interval: Any,
        timeout: Any,
    ) -> AsyncGenerator[SimulationResults, None]:
        path = "/v1/retrieve-simulation-results/" + path_segment(run_id, "run_id")
        schedule = PollSchedule.create(poll_interval, max_poll_interval)
        limit = None if timeout is None else check_seconds(timeout, "timeout")
        # One attempt per read: poll_run makes the retry decisions, on its own clock.
        once = self._transport.with_options(retry=RetryPolicy(max_attempts=1))

        async def fetch() -> SimulationResults:
            return await once.request("GET", path, into=SimulationResults)

        return poll_run(
            fetch,
            run_id=str(run_id),
            url=self._transport.url(path),
            schedule=schedule,
            retry=self._transport.retry,
            timeout=limit,
            clock=self._clock,
            sleep=self._sleep,
            rand=self._rand,
        )

    def iter_results(
        self,
        simulation_id: int | str,
        *,
        concurrency: int = 16,
        adaptive: bool = True,
        progress: ProgressCallback | None = None,
    ) -> AsyncGenerator[Outcome[int, SimulationResults], None]:
        """Every run's results of a simulation, streamed as each arrives.

        Lists the simulation's runs, then retrieves their results with
        :meth:`~bluejay_async.resources.ResultsResource.retrieve_many` (same arguments, same
        outcomes; ``.key`` is the run id)::

            async for item in bj.runs.iter_results(simulation_id, concurrency=32):
                ...

        Raises:
            InvalidRequestError: a bad argument, before any request.
            NotFoundError: (while iterating) no such simulation; a failure to list the runs is
                raised, a failure to retrieve one run is reported as that run's outcome.
        """
        path_segment(simulation_id, "simulation_id")
        window = AdaptiveWindow(concurrency, adaptive=adaptive)
        check_progress(progress)
        return self._iter_results(simulation_id, window, progress)

    async def _iter_results(
        self,
        simulation_id: int | str,
        window: AdaptiveWindow,
        progress: ProgressCallback | None,
    ) -> AsyncGenerator[Outcome[int, SimulationResults], None]:
        runs = await self.list(simulation_id)
        ids = [run.id for run in runs]
        results = fetch_results(self._transport, ids, window=window, progress=progress)
        try:
            async for outcome in results:
                yield outcome
        finally:
            await results.aclose()


_OPTIONAL_STRINGS = (
    "phone_number",
    "sip_uri",
    "pipecat_agent_name",
    "eleven_labs_agent_id",
    "retell_agent_id",
    "vapi_assistant_id",
)
_OPTIONAL_OBJECTS = ("livekit_metadata", "pipecat_agent_configuration", "pipecat_room_properties")


def _queue_body(
    simulation_id: Any, bluejay_as_code_id: Any, options: Mapping[str, Any]
) -> dict[str, Any]:
    """The JSON body of queue-simulation-run, every argument checked; unset ones omitted."""
    if (simulation_id is None) == (bluejay_as_code_id is None):
        raise InvalidRequestError(
            "pass exactly one of simulation_id and bluejay_as_code_id"
            + (", not both" if simulation_id is not None else ""),
            param="simulation_id",
        )
    body: dict[str, Any] = {}
    if simulation_id is not None:
        body["simulation_id"] = _id_string(simulation_id, "simulation_id")
    else:
        body["bluejay_as_code_id"] = check_str(bluejay_as_code_id, "bluejay_as_code_id")
    for name in ("prompt_id", "knowledge_base_id"):
        if options[name] is not None:
            body[name] = check_uuid(options[name], name)
    humans = options["digital_human_ids"]
    if humans is not None:
        if isinstance(humans, (str, bytes, Mapping)) or not isinstance(humans, Iterable):
            raise InvalidRequestError(
                f"digital_human_ids must be a list of ids, got {type(humans).__name__}",
                param="digital_human_ids",
            )
        body["digital_human_ids"] = [
            _id_string(h, f"digital_human_ids[{i}]") for i, h in enumerate(humans)
        ]
    for name in _OPTIONAL_STRINGS:
        if options[name] is not None:
            body[name] = check_str(options[name], name)
    if options["livekit_agent_name"] is not None:
        # "" is meaningful here: the default agent of the user's LiveKit deployment.
        body["livekit_agent_name"] = check_str(
            options["livekit_agent_name"], "livekit_agent_name", allow_empty=True
        )
    for name in _OPTIONAL_OBJECTS:
        if options[name] is not None:
            body[name] = check_json_object(options[name], name)
    if options["runs_per_digital_human"] is not None:
        body["runs_per_digital_human"] = check_int(
            options["runs_per_digital_human"], "runs_per_digital_human", minimum=1
        )
    return body


def _id_string(value: Any, name: str) -> str:
    """An id the API takes as a string: a non-blank ``str``, or an ``int`` sent as its digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise InvalidRequestError(
            f"{name} must be a string or an int, got {type(value).__name__}", param=name
        )
    return check_str(value, name)
