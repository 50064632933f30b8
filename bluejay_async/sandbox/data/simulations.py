"""Simulations and run plans: the records get-simulation-runs and retrieve headers are made of.

A run is *planned* up front (:class:`RunPlan`: its result ids and each result's outcome) so
the run row's counts agree with its results, which are generated only when first needed.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import attrs

from .catalogue import DOMAINS
from .common import (
    EPOCH,
    FAILED,
    INCOMPLETE,
    JSON,
    PASSED,
    RESULT_ID_BASE,
    iso,
    random_hex,
    rng_for,
)
from .phrases import LANGUAGES, NOISES, RUN_SUMMARIES_CLEAN, RUN_SUMMARIES_DONE, WEAKNESSES


def simulation_created_at(seed: int, simulation_id: int) -> datetime:
    """When simulation ``simulation_id`` was created."""
    rng = rng_for(seed, "simulation-time", simulation_id)
    return EPOCH + timedelta(days=simulation_id - 1, minutes=rng.randrange(0, 480))


def seeded_simulation_request(seed: int, simulation_id: int) -> JSON:
    """The create-simulation body a seeded simulation is built from."""
    rng = rng_for(seed, "simulation", simulation_id)
    domain = DOMAINS[rng.randrange(len(DOMAINS))]
    return {
        "agent_id": f"agt_{random_hex(rng, 12)}",
        "name": f"{domain.agent}: regression #{simulation_id}",
        "description": f"Nightly regression of the {domain.slug} voice agent against "
        f"{len(domain.scenarios)} scenarios.",
        "max_concurrent": rng.choice((5, 10, 20, 50)),
        "max_call_duration": 10,
        "max_call_duration_units": "minutes",
        "digital_humans_settings": {
            "default_language": rng.choice(LANGUAGES),
            "default_background_noise": rng.choice(NOISES),
        },
    }


def simulation_record(seed: int, simulation_id: int, request: JSON) -> JSON:
    """What the sandbox stores for a simulation (the validated request plus bookkeeping)."""
    rng = rng_for(seed, "simulation-domain", simulation_id, request.get("agent_id"))
    domain = _domain_index(request.get("name"), rng)
    return {
        "id": simulation_id,
        "agent_id": request["agent_id"],
        "name": request.get("name"),
        "description": request.get("description"),
        "created_at": iso(simulation_created_at(seed, simulation_id)),
        "domain": domain,
        "settings": dict(request),
        "bluejay_as_code_id": f"{DOMAINS[domain].slug}-regression-{simulation_id}",
        "run_ids": [],
    }


def simulation_digital_humans(seed: int, simulation_id: int, count: int) -> list[int]:
    """The ``count`` digital humans a run of the simulation calls with unless told otherwise."""
    rng = rng_for(seed, "digital-humans", simulation_id)
    first = RESULT_ID_BASE // 10 + 1
    return sorted(rng.sample(range(first, first + max(4_000, count)), count))


def _domain_index(name: object, rng: random.Random) -> int:
    if isinstance(name, str):
        for i, d in enumerate(DOMAINS):
            if d.agent in name:
                return i
    return rng.randrange(len(DOMAINS))


def agent_phone_number(seed: int, simulation_id: int) -> str:
    """The number a simulation's agent answers on, unless a run overrides it."""
    return f"+1415555{rng_for(seed, 'agent-phone', simulation_id).randrange(10_000):04d}"


@attrs.frozen
class RunPlan:
    """A run's identity and the outcome of each of its results, decided before generation."""

    run_id: int
    simulation_id: int
    domain: int
    ordinal: int
    created_at: datetime
    result_ids: tuple[int, ...]
    outcomes: tuple[str, ...]
    status: str
    summary: str | None
    curr_step_id: int | None
    phone_number: str | None
    digital_humans: tuple[int, ...] | None = None
    """The digital human of each result, when the run was asked for them (else seeded)."""

    def count(self, outcome: str) -> int:
        """How many results have ``outcome``."""
        return self.outcomes.count(outcome)


def plan_run(
    seed: int,
    simulation: JSON,
    run_id: int,
    ordinal: int,
    result_ids: tuple[int, ...],
    *,
    may_be_running: bool,
) -> RunPlan:
    """Plan run ``run_id``, the ``ordinal``-th (0-based) run of ``simulation``."""
    rng = rng_for(seed, "run", run_id)
    created = simulation_created_at(seed, simulation["id"]) + timedelta(
        hours=6 * ordinal, minutes=5 + rng.randrange(0, 300), seconds=rng.randrange(60)
    )
    pass_rate = rng.uniform(0.45, 0.95)
    outcomes = [PASSED if rng.random() < pass_rate else FAILED for _ in result_ids]
    running = may_be_running and bool(result_ids) and rng.random() < 0.5
    if running:
        unfinished = rng.randint(1, len(outcomes))
        outcomes[len(outcomes) - unfinished :] = [INCOMPLETE] * unfinished
    n, passed, failed = len(outcomes), outcomes.count(PASSED), outcomes.count(FAILED)
    summary: str | None = None
    if not running and n and rng.random() < 0.85:
        summary = run_summary(rng, passed, failed)
    phone = f"+1415555{rng.randrange(10_000):04d}" if rng.random() < 0.8 else None
    return RunPlan(
        run_id=run_id,
        simulation_id=simulation["id"],
        domain=simulation["domain"],
        ordinal=ordinal,
        created_at=created,
        result_ids=result_ids,
        outcomes=tuple(outcomes),
        status="RUNNING" if running else "COMPLETED",
        summary=summary,
        curr_step_id=rng.randrange(1, 12) if running else rng.choice((None, 12)),
        phone_number=phone,
    )


def run_summary(rng: random.Random, passed: int, failed: int) -> str:
    """A finished run's one-paragraph summary (``passed + failed`` must be positive)."""
    total = passed + failed
    template = rng.choice(RUN_SUMMARIES_DONE if failed else RUN_SUMMARIES_CLEAN)
    return template.format(
        passed=passed,
        failed=failed,
        total=total,
        rate=round(100 * passed / total),
        weakness=rng.choice(WEAKNESSES),
    )


def _counts(plan: RunPlan) -> JSON:
    passed, failed = plan.count(PASSED), plan.count(FAILED)
    total = len(plan.outcomes)
    return {
        "tests_passed": passed,
        "tests_failed": failed,
        "total_tests": total,
        "tests_completed": passed + failed,
        "tests_incompleted": total - passed - failed,
    }


def run_row(plan: RunPlan) -> JSON:
    """A get-simulation-runs row (``SimulationRunRes``: integer ids)."""
    return {
        "id": plan.run_id,
        "experiment_id": plan.simulation_id,
        "created_at": iso(plan.created_at),
        "status": plan.status,
        "summary": plan.summary,
        **_counts(plan),
        "curr_step_id": plan.curr_step_id,
        "phone_number": plan.phone_number,
    }


def run_header(plan: RunPlan) -> JSON:
    """The ``simulation_run`` of a retrieve body (``SimulationRunResultResponse``: string ids)."""
    return {
        "id": str(plan.run_id),
        "simulation_id": str(plan.simulation_id),
        "created_at": iso(plan.created_at),
        "summary": plan.summary,
        "status": plan.status,
        **_counts(plan),
    }
