"""The Bluejay routes (``/v1/...``), answering like the FastAPI service does.

* Auth: ``X-API-Key``. Missing or empty -> 401 ``{"detail": "Not authenticated"}`` with
  ``WWW-Authenticate: APIKey`` (FastAPI's ``APIKeyHeader`` since 0.12x); wrong -> 401
  ``{"detail": "Invalid API key"}``.
* Bodies are decoded before auth is checked (as FastAPI does): malformed JSON is a 422
  ``json_invalid`` even without a key; schema errors come after auth, all of them at once.
* Ids in paths are strings; anything that is not the decimal id of an existing object
  (``../admin`` included) is a 404 ``{"detail": "... not found"}``.
* ``queue-simulation-run`` takes either ``simulation_id`` or ``bluejay_as_code_id`` (a union
  of two models: with neither, both members' errors are reported; with both, one
  ``value_error``); an unknown simulation or digital human is a 404.
"""

from __future__ import annotations

import hmac
from typing import Any

from aiohttp import web

from .body import BodyError, decode_body
from .data.common import parse_id
from .errors import JSON_TYPE, bluejay_error, json_response
from .faults import SandboxCounters
from .schemas import (
    QUEUE_SIMULATION_RUN_REQUEST,
    SIMULATION_REQUEST,
    UPDATE_SIMULATION_RESULT_REQUEST,
)
from .state import Refused, SandboxState
from .validation import INVALID, Errors, Validator

PREFIX = "/v1"


class BluejayAPI:
    """The Bluejay request handlers.

    They read and change ``state``, count the writes they apply in ``counters``, and accept
    ``api_key`` only.
    """

    def __init__(self, state: SandboxState, counters: SandboxCounters, api_key: str) -> None:
        self._state = state
        self._counters = counters
        self._key = api_key.encode()

    def add_routes(self, app: web.Application) -> None:
        """Register the endpoints, named after their fault-rule route names."""
        router = app.router
        router.add_post(
            f"{PREFIX}/create-simulation", self.create_simulation, name="create_simulation"
        )
        router.add_get(
            f"{PREFIX}/get-simulation-runs/{{simulation_id:[^/]+}}",
            self.get_simulation_runs,
            name="get_simulation_runs",
            allow_head=False,
        )
        router.add_get(
            f"{PREFIX}/retrieve-simulation-results/{{simulation_run_id:[^/]+}}",
            self.retrieve_simulation_results,
            name="retrieve_simulation_results",
            allow_head=False,
        )
        router.add_post(
            f"{PREFIX}/update-simulation-result",
            self.update_simulation_result,
            name="update_simulation_result",
        )
        router.add_post(
            f"{PREFIX}/queue-simulation-run",
            self.queue_simulation_run,
            name="queue_simulation_run",
        )

    def _auth_error(self, request: web.Request) -> web.Response | None:
        key = request.headers.get("X-API-Key", "")
        if not key:
            return bluejay_error(401, "Not authenticated", {"WWW-Authenticate": "APIKey"})
        if not hmac.compare_digest(key.encode(), self._key):
            return bluejay_error(401, "Invalid API key")
        return None

    async def _read(
        self, request: web.Request, model: Validator
    ) -> tuple[Any, web.Response | None]:
        """Decode, authenticate, validate: the value, or the response that ends the request."""
        errors: Errors = []
        try:
            body = decode_body(await request.read(), request.headers.get("Content-Type"), errors)
        except BodyError as exc:
            return INVALID, bluejay_error(400, exc.detail)
        if errors and errors[0]["type"] == "json_invalid":
            return INVALID, bluejay_error(422, errors)
        denied = self._auth_error(request)
        if denied is not None:
            return INVALID, denied
        if body is not INVALID:
            body = model(body, ("body",), errors)
        if errors:
            return INVALID, bluejay_error(422, errors)
        return body, None

    async def create_simulation(self, request: web.Request) -> web.Response:
        """``POST /v1/create-simulation``."""
        body, failure = await self._read(request, SIMULATION_REQUEST)
        if failure is not None:
            return failure
        simulation_id = self._state.create_simulation(body)
        self._counters.writes["create_simulation"] += 1
        return json_response({"simulation_id": simulation_id, "status": "200"})

    async def get_simulation_runs(self, request: web.Request) -> web.Response:
        """``GET /v1/get-simulation-runs/{simulation_id}``."""
        denied = self._auth_error(request)
        if denied is not None:
            return denied
        simulation_id = parse_id(request.match_info["simulation_id"])
        body = None if simulation_id is None else self._state.simulation_runs_body(simulation_id)
        if body is None:
            return bluejay_error(404, "Simulation not found")
        return web.Response(body=body, content_type=JSON_TYPE)

    async def retrieve_simulation_results(self, request: web.Request) -> web.Response:
        """``GET /v1/retrieve-simulation-results/{simulation_run_id}``."""
        denied = self._auth_error(request)
        if denied is not None:
            return denied
        run_id = parse_id(request.match_info["simulation_run_id"])
        body = None if run_id is None else self._state.retrieve_body(run_id)
        if body is None:
            return bluejay_error(404, "Simulation run not found")
        return web.Response(body=body, content_type=JSON_TYPE)

    async def update_simulation_result(self, request: web.Request) -> web.Response:
        """``POST /v1/update-simulation-result``."""
        body, failure = await self._read(request, UPDATE_SIMULATION_RESULT_REQUEST)
        if failure is not None:
            return failure
        result_id = parse_id(body["simulation_result_id"])
        if result_id is None or not self._state.update_result(result_id, body):
            return bluejay_error(404, "Simulation result not found")
        self._counters.writes["update_simulation_result"] += 1
        return json_response(
            {"status": "success", "message": f"Simulation result {result_id} updated"}
        )

    async def queue_simulation_run(self, request: web.Request) -> web.Response:
        """``POST /v1/queue-simulation-run``."""
        body, failure = await self._read(request, QUEUE_SIMULATION_RUN_REQUEST)
        if failure is not None:
            return failure
        try:
            run = self._state.queue_run(body)
        except Refused as exc:
            return bluejay_error(exc.status, exc.detail)
        self._counters.writes["queue_simulation_run"] += 1
        agent_id = self._state.simulations[run.plan.simulation_id]["agent_id"]
        return json_response(
            {
                "simulation_run_id": str(run.plan.run_id),
                "simulation_result_ids": [str(rid) for rid in run.plan.result_ids],
                "agent_id": agent_id,
                "status": "success",
            }
        )
