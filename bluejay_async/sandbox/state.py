"""The sandbox's in-memory state: Bluejay simulations, runs and results, and Cognigy batches.

Seeded runs are planned eagerly (cheap); a run's results are generated when first needed and the
retrieve body is cached as serialised bytes, so a repeated retrieve is a dictionary lookup.
Results that were updated (or handed out through :attr:`SandboxState.results`) are kept as
dictionaries and the run's cached body is dropped whenever one of them changes.

Runs queued through ``POST /v1/queue-simulation-run`` (:mod:`.queued`) change with time: their
rows, results and bodies are rebuilt when the state's clock shows that a call has started or
finished since they were last built, and kept until then.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ._json import dumps
from .clock import Clock, SystemClock
from .cognigy_data import CognigyStore
from .config import SandboxConfig
from .data.common import RESULT_ID_BASE, RUN_ID_BASE, parse_id
from .data.results import make_result
from .data.simulations import (
    RunPlan,
    agent_phone_number,
    plan_run,
    run_header,
    run_row,
    seeded_simulation_request,
    simulation_digital_humans,
    simulation_record,
)
from .queued import QueuedRun, queue_run
from .updates import apply_update

JSON = dict[str, Any]

MAX_RESULTS_PER_RUN = 10_000
"""Most results one queued run may spawn (digital humans x runs per digital human)."""


class Refused(Exception):
    """A well-formed request the service refuses: the status and detail to answer with."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class ResultsView(Mapping[int, JSON]):
    """Every result by id; a result is generated on first access."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    def __getitem__(self, result_id: int) -> JSON:
        run_id = self._state.result_run[result_id]
        results = self._state.materialize(run_id)
        return results[self._state.plans[run_id].result_ids.index(result_id)]

    def __iter__(self) -> Iterator[int]:
        return iter(self._state.result_run)

    def __len__(self) -> int:
        return len(self._state.result_run)


class RunsView(Mapping[int, JSON]):
    """Every run's get-simulation-runs row by id (a queued run's row as of now)."""

    def __init__(self, state: SandboxState) -> None:
        self._state = state

    def __getitem__(self, run_id: int) -> JSON:
        return self._state.run_row(run_id)

    def __iter__(self) -> Iterator[int]:
        return iter(self._state.plans)

    def __len__(self) -> int:
        return len(self._state.plans)


@attrs.define
class _Live:
    """A queued run's results as last built, and the stage each was built at."""

    phase: int
    stages: list[int]
    results: list[JSON]


class SandboxState:
    """Everything the emulated services know. Safe to read from tests while serving.

    ``clock`` (seconds since the epoch; default: the system clock) is what queued runs are
    measured against; pass a :class:`~bluejay_async.sandbox.clock.ManualClock` to move it
    by hand.
    """

    def __init__(self, config: SandboxConfig, clock: Clock | None = None) -> None:
        self.config = config
        self.seed = config.seed
        self.clock: Clock = clock if clock is not None else SystemClock()
        """Read when a run is queued and whenever a queued run is looked at."""
        self.run_seconds = config.run_seconds
        """How long runs queued from now on take (starts as ``config.run_seconds``)."""
        self.goal_success_rate = config.goal_success_rate
        """Goal-success probability of calls queued from now on (``config.goal_success_rate``)."""
        self.simulations: dict[int, JSON] = {}
        """Simulation id -> record (``agent_id``, ``name``, ``settings``, ``run_ids``, ...)."""
        self.runs: Mapping[int, JSON] = RunsView(self)
        """Run id -> its get-simulation-runs row (a queued run's row as the clock reads now)."""
        self.plans: dict[int, RunPlan] = {}
        """Run id -> the plan its results are generated from (a queued run's: as it ends)."""
        self.queued: dict[int, QueuedRun] = {}
        """Run id -> progress schedule, for runs queued through queue-simulation-run."""
        self.result_run: dict[int, int] = {}
        """Result id -> id of the run it belongs to."""
        self.results: Mapping[int, JSON] = ResultsView(self)
        """Result id -> result as retrieve-simulation-results shows it (generated lazily)."""
        self.cognigy = CognigyStore(config.seed, config.cognigy_runs_per_batch)
        self._rows: dict[int, JSON] = {}
        self._materialized: dict[int, list[JSON]] = {}
        self._bodies: OrderedDict[int, bytes] = OrderedDict()
        self._run_lists: dict[int, tuple[tuple[int, ...], bytes]] = {}
        self._by_code: dict[str, int] = {}
        self._queued_by_simulation: dict[int, list[int]] = {}
        self._live: dict[int, _Live] = {}
        self._live_bodies: dict[int, tuple[int, bytes]] = {}
        self._updates: dict[int, list[JSON]] = {}
        self._next_run_id = RUN_ID_BASE + 1
        self._next_result_id = RESULT_ID_BASE + 1
        for simulation_id in range(1, config.simulations + 1):
            request = seeded_simulation_request(config.seed, simulation_id)
            self._add_simulation(simulation_id, request, config.runs_per_simulation)

    # -- Bluejay: simulations and seeded runs ----------------------------------------------

    def create_simulation(self, request: JSON) -> int:
        """Store a validated create-simulation body; returns the new simulation id."""
        simulation_id = max(self.simulations, default=0) + 1
        settings = request.get("digital_humans_settings") or {}
        num_runs = settings.get("num_runs")
        runs = self.config.runs_per_simulation if num_runs is None else min(max(num_runs, 0), 1000)
        self._add_simulation(simulation_id, request, runs)
        return simulation_id

    def _add_simulation(self, simulation_id: int, request: JSON, runs: int) -> None:
        record = simulation_record(self.seed, simulation_id, request)
        per_run = self.config.results_per_run
        record["digital_human_ids"] = simulation_digital_humans(self.seed, simulation_id, per_run)
        self.simulations[simulation_id] = record
        self._by_code[record["bluejay_as_code_id"]] = simulation_id
        for ordinal in range(runs):
            run_id, result_ids = self._new_ids(per_run)
            plan = plan_run(
                self.seed, record, run_id, ordinal, result_ids, may_be_running=ordinal == runs - 1
            )
            self.plans[run_id] = plan
            self._rows[run_id] = run_row(plan)
            record["run_ids"].append(run_id)
            for result_id in result_ids:
                self.result_run[result_id] = run_id

    def _new_ids(self, results: int) -> tuple[int, tuple[int, ...]]:
        run_id = self._next_run_id
        self._next_run_id += 1
        result_ids = tuple(range(self._next_result_id, self._next_result_id + results))
        self._next_result_id += results
        return run_id, result_ids

    def run_row(self, run_id: int, now: float | None = None) -> JSON:
        """Run ``run_id``'s get-simulation-runs row at clock reading ``now`` (default: now)."""
        run = self.queued.get(run_id)
        if run is None:
            return self._rows[run_id]
        return run_row(run.snapshot(self.clock() if now is None else now))

    def simulation_runs_body(self, simulation_id: int) -> bytes | None:
        """The get-simulation-runs body, or None for an unknown simulation."""
        queued = self._queued_by_simulation.get(simulation_id)
        now = self.clock() if queued else 0.0
        key = tuple(self.queued[run_id].phase(now) for run_id in queued) if queued else ()
        cached = self._run_lists.get(simulation_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        record = self.simulations.get(simulation_id)
        if record is None:
            return None
        rows = [self.run_row(run_id, now) for run_id in record["run_ids"]]
        body = dumps({"simulation_runs": rows})
        self._run_lists[simulation_id] = (key, body)
        return body

    def materialize(self, run_id: int) -> list[JSON]:
        """The run's results as (kept, mutable) dictionaries; a queued run's as of now."""
        run = self.queued.get(run_id)
        if run is not None:
            return self._live_results(run_id, run, self.clock()).results
        results = self._materialized.get(run_id)
        if results is None:
            results = self._materialized[run_id] = self._generate(run_id)
        return results

    def _generate(self, run_id: int) -> list[JSON]:
        plan = self.plans[run_id]
        return [make_result(self.seed, plan, i) for i in range(len(plan.result_ids))]

    def retrieve_body(self, run_id: int) -> bytes | None:
        """The retrieve-simulation-results body, or None for an unknown run."""
        body = self._bodies.get(run_id)
        if body is not None:
            self._bodies.move_to_end(run_id)
            return body
        run = self.queued.get(run_id)
        if run is not None:
            return self._live_body(run_id, run)
        plan = self.plans.get(run_id)
        if plan is None:
            return None
        results = self._materialized.get(run_id) or self._generate(run_id)
        body = dumps(
            {"simulation_run": run_header(plan), "simulation_results": results, "status": "200"}
        )
        if self.config.body_cache_size:
            self._bodies[run_id] = body
            if len(self._bodies) > self.config.body_cache_size:
                self._bodies.popitem(last=False)
        return body

    def warm(self) -> None:
        """Serialise every seeded run's retrieve body now (benchmarks measure serving)."""
        for run_id in self.plans:
            if run_id not in self.queued:
                self.retrieve_body(run_id)

    def update_result(self, result_id: int, update: JSON) -> bool:
        """Apply a validated update-simulation-result body; False for an unknown result."""
        run_id = self.result_run.get(result_id)
        if run_id is None:
            return False
        apply_update(self.results[result_id], update)
        if run_id in self.queued:
            # Kept, to be applied again when the result is rebuilt at its next stage.
            self._updates.setdefault(result_id, []).append(update)
            self._live_bodies.pop(run_id, None)
        else:
            self._bodies.pop(run_id, None)
        return True

    # -- Bluejay: queued runs --------------------------------------------------------------

    def simulation_by_code(self, bluejay_as_code_id: str) -> int | None:
        """The id of the simulation with this Bluejay-as-Code id, if any."""
        return self._by_code.get(bluejay_as_code_id)

    def queue_run(self, request: JSON) -> QueuedRun:
        """Start a run from a validated queue-simulation-run body.

        Raises :class:`Refused` (404) for an unknown simulation or digital human, and (400)
        for a run of more than :data:`MAX_RESULTS_PER_RUN` results.
        """
        code = request.get("bluejay_as_code_id")
        if code is not None:
            simulation_id = self.simulation_by_code(code)
        else:
            simulation_id = parse_id(request["simulation_id"])
        record = None if simulation_id is None else self.simulations.get(simulation_id)
        if record is None:
            raise Refused(404, "Simulation not found")
        chosen, per_human = self._digital_humans(record, request)
        if len(chosen) * per_human > MAX_RESULTS_PER_RUN:
            raise Refused(400, f"A run may spawn at most {MAX_RESULTS_PER_RUN} results")
        humans = tuple(human for human in chosen for _ in range(per_human))
        run_id, result_ids = self._new_ids(len(humans))
        run = queue_run(
            self.seed,
            record,
            run_id,
            result_ids,
            humans,
            now=self.clock(),
            run_seconds=self.run_seconds,
            goal_success_rate=self.goal_success_rate,
            phone_number=request.get("phone_number") or agent_phone_number(self.seed, record["id"]),
        )
        self.plans[run_id] = run.plan
        self.queued[run_id] = run
        record["run_ids"].append(run_id)
        self._queued_by_simulation.setdefault(record["id"], []).append(run_id)
        for result_id in result_ids:
            self.result_run[result_id] = run_id
        return run

    def _digital_humans(self, record: JSON, request: JSON) -> tuple[list[int], int]:
        """The digital humans to call and how many results to spawn for each."""
        chosen: list[int] = record["digital_human_ids"]
        if request.get("digital_human_ids"):
            chosen = []
            for text in request["digital_human_ids"]:
                human = parse_id(text)
                if human is None:
                    raise Refused(404, f"Digital human {text!r} not found")
                chosen.append(human)
        per_human = request.get("runs_per_digital_human")
        if per_human is None:
            per_human = record["settings"].get("runs_per_digital_human") or 1
        # A simulation's own setting is not range-checked at creation: keep it sane here.
        return chosen, min(max(per_human, 1), 100)

    def _live_results(self, run_id: int, run: QueuedRun, now: float) -> _Live:
        """A queued run's results at ``now``; only results whose stage changed are rebuilt."""
        phase = run.phase(now)
        live = self._live.get(run_id)
        if live is None:
            count = len(run.plan.result_ids)
            live = self._live[run_id] = _Live(-1, [-1] * count, [{} for _ in range(count)])
        if live.phase != phase:
            for position, result_id in enumerate(run.plan.result_ids):
                stage = run.stage(position, now)
                if stage != live.stages[position]:
                    result = run.result(self.seed, position, stage)
                    for update in self._updates.get(result_id, ()):
                        apply_update(result, update)
                    live.results[position] = result
                    live.stages[position] = stage
            live.phase = phase
        return live

    def _live_body(self, run_id: int, run: QueuedRun) -> bytes:
        now = self.clock()
        phase = run.phase(now)
        cached = self._live_bodies.get(run_id)
        if cached is not None and cached[0] == phase:
            return cached[1]
        results = self._live_results(run_id, run, now).results
        body = dumps(
            {
                "simulation_run": run_header(run.snapshot(now)),
                "simulation_results": results,
                "status": "200",
            }
        )
        self._live_bodies[run_id] = (phase, body)
        return body

    # -- Cognigy -------------------------------------------------------------------------

    def cognigy_append(self, simulation_ref: str, batch_ref: str, count: int) -> int:
        """Append ``count`` new runs to a Cognigy batch; returns the batch's new size."""
        return self.cognigy.append(simulation_ref, batch_ref, count)

    def cognigy_count(self, simulation_ref: str, batch_ref: str) -> int:
        """How many runs a Cognigy batch holds now."""
        return self.cognigy.count(simulation_ref, batch_ref)
