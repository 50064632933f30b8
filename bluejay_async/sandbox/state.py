"""The sandbox's in-memory state: Bluejay simulations, runs and results, and Cognigy batches.

Runs are planned eagerly (cheap); a run's results are generated when first needed and the
retrieve body is cached as serialised bytes, so a repeated retrieve is a dictionary lookup.
Results that were updated (or handed out through :attr:`SandboxState.results`) are kept as
dictionaries and the run's cached body is dropped whenever one of them changes.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Mapping
from typing import Any

from . import data
from ._json import dumps
from .cognigy_data import CognigyStore
from .config import SandboxConfig

JSON = dict[str, Any]


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


class SandboxState:
    """Everything the emulated services know. Safe to read from tests while serving."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.seed = config.seed
        self.simulations: dict[int, JSON] = {}
        """Simulation id -> record (``agent_id``, ``name``, ``settings``, ``run_ids``, ...)."""
        self.runs: dict[int, JSON] = {}
        """Run id -> its get-simulation-runs row."""
        self.plans: dict[int, data.RunPlan] = {}
        """Run id -> the plan its results are generated from."""
        self.result_run: dict[int, int] = {}
        """Result id -> id of the run it belongs to."""
        self.results: Mapping[int, JSON] = ResultsView(self)
        """Result id -> result as retrieve-simulation-results shows it (generated lazily)."""
        self.cognigy = CognigyStore(config.seed, config.cognigy_runs_per_batch)
        self._materialized: dict[int, list[JSON]] = {}
        self._bodies: OrderedDict[int, bytes] = OrderedDict()
        self._run_lists: dict[int, bytes] = {}
        self._next_run_id = data.RUN_ID_BASE + 1
        self._next_result_id = data.RESULT_ID_BASE + 1
        for simulation_id in range(1, config.simulations + 1):
            request = data.seeded_simulation_request(config.seed, simulation_id)
            self._add_simulation(simulation_id, request, config.runs_per_simulation)

    # -- Bluejay -------------------------------------------------------------------------

    def create_simulation(self, request: JSON) -> int:
        """Store a validated create-simulation body; returns the new simulation id."""
        simulation_id = max(self.simulations, default=0) + 1
        settings = request.get("digital_humans_settings") or {}
        num_runs = settings.get("num_runs")
        runs = self.config.runs_per_simulation if num_runs is None else min(max(num_runs, 0), 1000)
        self._add_simulation(simulation_id, request, runs)
        return simulation_id

    def _add_simulation(self, simulation_id: int, request: JSON, runs: int) -> None:
        record = data.simulation_record(self.seed, simulation_id, request)
        self.simulations[simulation_id] = record
        per_run = self.config.results_per_run
        for ordinal in range(runs):
            run_id = self._next_run_id
            self._next_run_id += 1
            result_ids = tuple(range(self._next_result_id, self._next_result_id + per_run))
            self._next_result_id += per_run
            plan = data.plan_run(
                self.seed, record, run_id, ordinal, result_ids, may_be_running=ordinal == runs - 1
            )
            self.plans[run_id] = plan
            self.runs[run_id] = data.run_row(plan)
            record["run_ids"].append(run_id)
            for result_id in result_ids:
                self.result_run[result_id] = run_id

    def simulation_runs_body(self, simulation_id: int) -> bytes | None:
        """The get-simulation-runs body, or None for an unknown simulation."""
        body = self._run_lists.get(simulation_id)
        if body is None:
            record = self.simulations.get(simulation_id)
            if record is None:
                return None
            rows = [self.runs[run_id] for run_id in record["run_ids"]]
            body = self._run_lists[simulation_id] = dumps({"simulation_runs": rows})
        return body

    def materialize(self, run_id: int) -> list[JSON]:
        """The run's results as (kept, mutable) dictionaries."""
        results = self._materialized.get(run_id)
        if results is None:
            results = self._materialized[run_id] = self._generate(run_id)
        return results

    def _generate(self, run_id: int) -> list[JSON]:
        plan = self.plans[run_id]
        return [data.make_result(self.seed, plan, i) for i in range(len(plan.result_ids))]

    def retrieve_body(self, run_id: int) -> bytes | None:
        """The retrieve-simulation-results body, or None for an unknown run."""
        body = self._bodies.get(run_id)
        if body is not None:
            self._bodies.move_to_end(run_id)
            return body
        plan = self.plans.get(run_id)
        if plan is None:
            return None
        results = self._materialized.get(run_id) or self._generate(run_id)
        body = dumps(
            {
                "simulation_run": data.run_header(plan),
                "simulation_results": results,
                "status": "200",
            }
        )
        if self.config.body_cache_size:
            self._bodies[run_id] = body
            if len(self._bodies) > self.config.body_cache_size:
                self._bodies.popitem(last=False)
        return body

    def warm(self) -> None:
        """Serialise every run's retrieve body now (benchmarks: measure serving, not generation)."""
        for run_id in self.plans:
            self.retrieve_body(run_id)

    def update_result(self, result_id: int, update: JSON) -> bool:
        """Apply a validated update-simulation-result body; False for an unknown result."""
        run_id = self.result_run.get(result_id)
        if run_id is None:
            return False
        result = self.results[result_id]
        if update.get("events"):
            result["events"] = [*(result.get("events") or []), *update["events"]]
        for call in update.get("tool_calls") or ():
            _add_actual_tool_call(result, call)
        if update.get("recorded_transcript") is not None:
            result["recorded_transcript"] = update["recorded_transcript"]
        if update.get("tags"):
            tags = result.setdefault("tags", [])
            tags.extend(t for t in dict.fromkeys(update["tags"]) if t not in tags)
        if update.get("metadata"):
            result.setdefault("metadata", {}).update(update["metadata"])
        if update.get("trace_ids"):
            result["trace_ids"] = [*(result.get("trace_ids") or []), *update["trace_ids"]]
        self._bodies.pop(run_id, None)
        return True

    # -- Cognigy -------------------------------------------------------------------------

    def cognigy_append(self, simulation_ref: str, batch_ref: str, count: int) -> int:
        """Append ``count`` new runs to a Cognigy batch; returns the batch's new size."""
        return self.cognigy.append(simulation_ref, batch_ref, count)

    def cognigy_count(self, simulation_ref: str, batch_ref: str) -> int:
        """How many runs a Cognigy batch holds now."""
        return self.cognigy.count(simulation_ref, batch_ref)


def _add_actual_tool_call(result: JSON, call: JSON) -> None:
    """Record a reported tool call as an *actual* call in the group of the same tool name."""
    groups: list[JSON] = result.get("tool_calls") or []
    result["tool_calls"] = groups
    group = next((g for g in groups if g["name"] == call["name"]), None)
    if group is None:
        group = {"name": call["name"], "expected": None, "actual": []}
        groups.append(group)
    actual = group.get("actual") or []
    group["actual"] = actual
    actual.append(
        {
            "parameters": call.get("parameters"),
            "output": call.get("output"),
            "start_offset_ms": call["start_offset_ms"],
        }
    )
