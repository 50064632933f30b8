"""``client.runs``: list a simulation's runs."""

from __future__ import annotations

import attrs

from bluejay_async._validation import path_segment
from bluejay_async.models import SimulationRun
from bluejay_async.transport import Transport

__all__ = ["RunsResource"]


@attrs.frozen(kw_only=True)
class _RunsBody:
    simulation_runs: list[SimulationRun] = attrs.field(factory=list)


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
