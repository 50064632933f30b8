"""``client.runs``: list a simulation's runs."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import ClassVar

import attrs

from bluejay_async.core.adaptive import AdaptiveWindow
from bluejay_async.core.bulk import Outcome, ProgressCallback, check_progress
from bluejay_async.core.markers import JsonList, empty_null_lists
from bluejay_async.core.transport import Transport
from bluejay_async.core.validation import path_segment
from bluejay_async.models import SimulationResults, SimulationRun
from bluejay_async.resources.results import ResultsResource

__all__ = ["RunsResource"]


@empty_null_lists
@attrs.frozen(kw_only=True)
class _RunsBody:
    _response_name: ClassVar[str] = "get-simulation-runs"
    simulation_runs: JsonList[SimulationRun] = attrs.field(factory=list)


class RunsResource:
    """Operations on simulation runs."""

    def __init__(self, transport: Transport) -> None:
        self._transport = transport

    async def list(self, simulation_id: int | str) -> list[SimulationRun]:
        """Every run of a simulation (``GET /v1/get-simulation-runs/{simulation_id}``).

        Raises:
            InvalidRequestError: ``simulation_id`` is empty or not a string/int.
            NotFoundError: no such simulation.
        """
        path = "/v1/get-simulation-runs/" + path_segment(simulation_id, "simulation_id")
        body = await self._transport.request("GET", path, into=_RunsBody)
        return body.simulation_runs

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
        results = ResultsResource(self._transport)._fetch_many(
            [run.id for run in runs], window, progress
        )
        try:
            async for outcome in results:
                yield outcome
        finally:
            await results.aclose()
