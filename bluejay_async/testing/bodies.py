"""Realistic response bodies of both APIs, for tests that mock the HTTP layer.

Every builder returns a fresh JSON-ready ``dict`` made by the sandbox's own data generators
(the same seed gives the same body as a :func:`~bluejay_async.sandbox.run_sandbox` serves),
so a mock answers with what the API sends rather than a guess::

    from bluejay_async.testing import bodies

    aioresponses_mock.get(f"{BASE}/v1/retrieve-simulation-results/77",
                          payload=bodies.results_body(run_id=77))

Recipes, one per call (``BASE`` is the client's ``base_url``; ``m`` an ``aioresponses``)::

    # bj.simulations.create(...)
    m.post(f"{BASE}/v1/create-simulation", payload=simulation_created_body(7))
    # bj.runs.list(7): an object holding the rows, never a bare list
    m.get(f"{BASE}/v1/get-simulation-runs/7", payload=runs_body(7, run_ids=[11, 12]))
    # bj.results.retrieve(11), and each id of retrieve_many / runs.iter_results
    m.get(f"{BASE}/v1/retrieve-simulation-results/11", payload=results_body(11, simulation_id=7))
    # bj.results.update(50001, ...)
    m.post(f"{BASE}/v1/update-simulation-result", payload=result_updated_body(50001))
    # cg.runs.list / pages / iterate: one registration per page, answered in order
    for page in cognigy_pages("sim-1", "batch-1", total=45, page_size=20):
        m.get(re.compile(rf"{CG_BASE}/simulations/sim-1/batches/batch-1/runs\\?.*"), payload=page)
    # failures: Bluejay's FastAPI errors, Cognigy's error object, a 429 with Retry-After
    m.get(url, status=404, payload=error_body("Simulation run not found"))
    m.post(url, status=422, payload=validation_error_body({"max_concurrent": "too large"}))
    m.get(url, status=400, payload=cognigy_error_body("'limit' is too large", field="limit"))
    m.get(url, status=429, payload=error_body("Too Many Requests"), headers={"Retry-After": "1"})

The SDK sends request bodies as encoded bytes (``data=``, never ``json=``): read what a call
sent with :func:`bluejay_async.testing.sent_json`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from bluejay_async.sandbox import SandboxConfig, SandboxState

__all__ = [
    "FIRST_RESULT_ID",
    "FIRST_RUN_ID",
    "cognigy_error_body",
    "cognigy_minimal_run_body",
    "cognigy_page_body",
    "cognigy_pages",
    "error_body",
    "result_updated_body",
    "results_body",
    "runs_body",
    "simulation_created_body",
    "validation_error_body",
]

JSON = dict[str, Any]

FIRST_RUN_ID = 1001
"""The id of the sandbox's first run (simulation 1's first run): the default ``run_id``."""
FIRST_RESULT_ID = 50_001
"""The id of the sandbox's first result (the first result of run ``FIRST_RUN_ID``)."""
_RESULTS_PER_RUN = SandboxConfig().results_per_run
_RUNS_PER_SIMULATION = SandboxConfig().runs_per_simulation


def _state(seed: int, **config: Any) -> SandboxState:
    return SandboxState(SandboxConfig(seed=seed, **config))


def simulation_created_body(simulation_id: int = 1) -> JSON:
    """``POST /v1/create-simulation``: ``{"simulation_id", "status"}``."""
    return {"simulation_id": simulation_id, "status": "200"}


def runs_body(
    simulation_id: int = 1,
    *,
    run_ids: Sequence[int] | None = None,
    runs: int = _RUNS_PER_SIMULATION,
    results_per_run: int = _RESULTS_PER_RUN,
    seed: int = 0,
) -> JSON:
    """``GET /v1/get-simulation-runs/{simulation_id}``: ``{"simulation_runs": [row, ...]}``.

    The rows of the sandbox's first simulation for ``seed``, given ``simulation_id`` and, when
    ``run_ids`` is passed, one row per id (else ``runs`` rows with the sandbox's ids, from
    :data:`FIRST_RUN_ID`). With the defaults it is exactly what a default sandbox serves for
    simulation 1.
    """
    count = runs if run_ids is None else len(run_ids)
    state = _state(seed, simulations=1, runs_per_simulation=count, results_per_run=results_per_run)
    body: JSON = json.loads(state.simulation_runs_body(1) or b"{}")
    rows: list[JSON] = body["simulation_runs"]
    for i, row in enumerate(rows):
        row["experiment_id"] = simulation_id
        if run_ids is not None:
            row["id"] = run_ids[i]
    return body


def results_body(
    run_id: int = FIRST_RUN_ID,
    *,
    simulation_id: int = 1,
    results: int = _RESULTS_PER_RUN,
    seed: int = 0,
) -> JSON:
    """``GET /v1/retrieve-simulation-results/{run_id}``: the run and its per-call results.

    A finished run of the sandbox (``results`` results with ids from :data:`FIRST_RESULT_ID`,
    evaluations, events, tool calls), renamed to ``run_id`` and ``simulation_id``. With the
    defaults it is exactly what a default sandbox serves for run :data:`FIRST_RUN_ID`.
    """
    # Two runs, so the first is never the simulation's last (possibly still running) one.
    state = _state(seed, simulations=1, runs_per_simulation=2, results_per_run=results)
    body: JSON = json.loads(state.retrieve_body(FIRST_RUN_ID) or b"{}")
    body["simulation_run"]["id"] = str(run_id)
    body["simulation_run"]["simulation_id"] = str(simulation_id)
    return body


def result_updated_body(result_id: int | str = FIRST_RESULT_ID) -> JSON:
    """``POST /v1/update-simulation-result``: ``{"status": "success", "message"}``."""
    return {"status": "success", "message": f"Simulation result {result_id} updated"}


def cognigy_page_body(
    simulation_ref: str = "sim-1",
    batch_ref: str = "batch-1",
    *,
    project_id: str = "sandbox",
    limit: int = 20,
    skip: int = 0,
    total: int = 250,
    next_cursor: str | None = None,
    previous_cursor: str | None = None,
    seed: int = 0,
) -> JSON:
    """``GET .../simulations/{sim}/batches/{batch}/runs``: ``{"data", "pagination"}``.

    The page at offset ``skip`` (newest run first, as the API sorts by default) of a batch of
    ``total`` sandbox runs. ``next_cursor`` / ``previous_cursor`` fill ``pagination.next`` /
    ``.previous`` (null by default: offset paging, which the SDK follows with ``skip``).
    """
    if limit < 1 or skip < 0 or total < 0:
        raise ValueError(f"need limit >= 1, skip >= 0, total >= 0; got {limit}, {skip}, {total}")
    store = _state(seed, simulations=0, cognigy_runs_per_batch=total).cognigy
    stop = min(skip + limit, total)
    # Newest first: offset k holds the batch's run number total - 1 - k.
    data = [
        store.run(simulation_ref, batch_ref, total - 1 - k, project_id) for k in range(skip, stop)
    ]
    return {
        "data": data,
        "pagination": {
            "limit": limit,
            "skip": skip,
            "total": total,
            "hasNext": stop < total,
            "hasPrevious": skip > 0,
            "next": next_cursor,
            "previous": previous_cursor,
        },
    }


def cognigy_minimal_run_body(position: int, *, created_by: str = "test") -> JSON:
    """A Cognigy run with only its required fields, numbered ``position``.

    Its ``id`` is ``run-{position}``, its ``sequence`` is ``position`` and its ``createdAt``
    ``1_700_000_000_000 + position``: cheap to build by the hundred thousand, and distinct per
    position, for scripted listings that test how a walk follows (or refuses) pages.
    """
    return {
        "id": f"run-{position}",
        "organisationReference": "org",
        "projectReference": "p1",
        "simulationReference": "s",
        "simulationRunBatchReference": "b",
        "sequence": position,
        "largeLanguageModelReferenceId": "llm",
        "turns": [],
        "totalTurns": 0,
        "successCriteria": [],
        "metrics": {},
        "createdAt": 1_700_000_000_000 + position,
        "createdBy": created_by,
    }


def cognigy_pages(
    simulation_ref: str = "sim-1",
    batch_ref: str = "batch-1",
    *,
    total: int,
    page_size: int = 20,
    project_id: str = "sandbox",
    seed: int = 0,
) -> list[JSON]:
    """Every page of an offset-paged walk over a batch of ``total`` runs, in order.

    What ``cg.runs.iterate(..., page_size=page_size)`` receives: register them in order with
    one URL pattern and the SDK walks them all (an empty batch is one empty page).
    """
    return [
        cognigy_page_body(
            simulation_ref,
            batch_ref,
            project_id=project_id,
            limit=page_size,
            skip=skip,
            total=total,
            seed=seed,
        )
        for skip in range(0, max(total, 1), page_size)
    ]


def error_body(detail: Any) -> JSON:
    """A Bluejay (FastAPI) error: ``{"detail": detail}``, for any status."""
    return {"detail": detail}


def validation_error_body(problems: Mapping[str, str], *, location: str = "body") -> JSON:
    """A Bluejay 422: one FastAPI error per ``{"field.path": "message"}`` entry.

    The SDK raises ``UnprocessableEntityError`` whose ``.errors`` name these fields.
    """
    detail = [
        {
            "type": "value_error",
            "loc": [location, *(int(p) if p.isdigit() else p for p in field.split("."))],
            "msg": message,
            "input": None,
        }
        for field, message in problems.items()
    ]
    return {"detail": detail}


def cognigy_error_body(
    message: str,
    *,
    code: str = "VALIDATION_ERROR",
    field: str | None = None,
    trace_id: str = "00000000-0000-4000-8000-000000000000",
) -> JSON:
    """A Cognigy error: ``{"error", "field"?, "code", "traceId"}`` (``field`` on 400s)."""
    body: JSON = {"error": message}
    if field is not None:
        body["field"] = field
    body["code"] = code
    body["traceId"] = trace_id
    return body
