"""The Bluejay routes (``/v1/...``), answering like the FastAPI service does.

* Auth: ``X-API-Key``. Missing or empty -> 401 ``{"detail": "Not authenticated"}`` with
  ``WWW-Authenticate: APIKey`` (FastAPI's ``APIKeyHeader`` since 0.12x); wrong -> 401
  ``{"detail": "Invalid API key"}``.
* Bodies are decoded before auth is checked (as FastAPI does): malformed JSON is a 422
  ``json_invalid`` even without a key; schema errors come after auth, all of them at once.
* Ids in paths are strings; anything that is not the decimal id of an existing object
  (``../admin`` included) is a 404 ``{"detail": "... not found"}``.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .errors import JSON_TYPE, bluejay_error, json_response
from .validation import (
    INVALID,
    SIMULATION_REQUEST,
    UPDATE_SIMULATION_RESULT_REQUEST,
    BodyError,
    Errors,
    Model,
    decode_body,
)

if TYPE_CHECKING:
    from .server import Sandbox

PREFIX = "/v1"


def parse_id(text: str) -> int | None:
    """The integer an id path segment names, or None if it names nothing."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None


class BluejayAPI:
    """Request handlers bound to one sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sb = sandbox
        self._key = sandbox.config.api_key.encode()

    def add_routes(self, app: web.Application) -> None:
        """Register the four endpoints, named after their fault-rule route names."""
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

    def _auth_error(self, request: web.Request) -> web.Response | None:
        key = request.headers.get("X-API-Key", "")
        if not key:
            return bluejay_error(401, "Not authenticated", {"WWW-Authenticate": "APIKey"})
        if not hmac.compare_digest(key.encode(), self._key):
            return bluejay_error(401, "Invalid API key")
        return None

    async def _read(self, request: web.Request, model: Model) -> tuple[Any, web.Response | None]:
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
        simulation_id = self._sb.state.create_simulation(body)
        self._sb.counters.writes["create_simulation"] += 1
        return json_response({"simulation_id": simulation_id, "status": "200"})

    async def get_simulation_runs(self, request: web.Request) -> web.Response:
        """``GET /v1/get-simulation-runs/{simulation_id}``."""
        denied = self._auth_error(request)
        if denied is not None:
            return denied
        simulation_id = parse_id(request.match_info["simulation_id"])
        body = None if simulation_id is None else self._sb.state.simulation_runs_body(simulation_id)
        if body is None:
            return bluejay_error(404, "Simulation not found")
        return web.Response(body=body, content_type=JSON_TYPE)

    async def retrieve_simulation_results(self, request: web.Request) -> web.Response:
        """``GET /v1/retrieve-simulation-results/{simulation_run_id}``."""
        denied = self._auth_error(request)
        if denied is not None:
            return denied
        run_id = parse_id(request.match_info["simulation_run_id"])
        body = None if run_id is None else self._sb.state.retrieve_body(run_id)
        if body is None:
            return bluejay_error(404, "Simulation run not found")
        return web.Response(body=body, content_type=JSON_TYPE)

    async def update_simulation_result(self, request: web.Request) -> web.Response:
        """``POST /v1/update-simulation-result``."""
        body, failure = await self._read(request, UPDATE_SIMULATION_RESULT_REQUEST)
        if failure is not None:
            return failure
        result_id = parse_id(body["simulation_result_id"])
        if result_id is None or not self._sb.state.update_result(result_id, body):
            return bluejay_error(404, "Simulation result not found")
        self._sb.counters.writes["update_simulation_result"] += 1
        return json_response(
            {"status": "success", "message": f"Simulation result {result_id} updated"}
        )
