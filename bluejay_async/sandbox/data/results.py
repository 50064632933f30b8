"""One simulation result (a digital human's call) as retrieve-simulation-results returns it."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import attrs

from .calls import call_events, tool_call_groups
from .catalogue import DOMAINS, Scenario
from .common import (
    INCOMPLETE,
    JSON,
    PASSED,
    RESULT_ID_BASE,
    iso,
    random_hex,
    random_uuid,
    rng_for,
)
from .evaluations import evaluation
from .phrases import (
    CALL_END_REASONS,
    FIRST_NAMES,
    LANGUAGES,
    LAST_NAMES,
    NOISES,
    PERSONAS,
    RESULT_ERRORS,
)
from .simulations import RunPlan


@attrs.frozen
class _Opening:
    """What a result's first draws decide, before its outcome matters."""

    rng: random.Random
    """The result's generator, positioned after these draws."""
    base: JSON
    scenario: Scenario
    persona: str
    caller: str
    start: datetime


def _opening(seed: int, plan: RunPlan, position: int) -> _Opening:
    result_id = plan.result_ids[position]
    rng = rng_for(seed, "result", result_id)
    scenarios = DOMAINS[plan.domain].scenarios
    scenario = scenarios[rng.randrange(len(scenarios))]
    persona = rng.choice(PERSONAS)
    caller = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    start = plan.created_at + timedelta(seconds=20 + 45 * position + rng.randrange(40))
    human_id = RESULT_ID_BASE // 10 + rng.randrange(1, 4_000) if rng.random() < 0.9 else None
    if plan.digital_humans is not None:
        # A queued run names its digital humans: each keeps one name across its calls.
        human_id = plan.digital_humans[position]
        human_rng = rng_for(seed, "digital-human", human_id)
        caller = f"{human_rng.choice(FIRST_NAMES)} {human_rng.choice(LAST_NAMES)}"
    base: JSON = {"id": result_id, "digital_human_id": human_id}
    return _Opening(rng, base, scenario, persona, caller, start)


def call_start(seed: int, plan: RunPlan, position: int) -> datetime:
    """When the call of result ``position`` starts: the ``start_time`` it reports."""
    return _opening(seed, plan, position).start


def pending_result(
    result_id: int, digital_human_id: int | None, status: str, start_time: str | None
) -> JSON:
    """A result whose call has not finished: no outcome, no evaluation yet."""
    return {
        "id": result_id,
        "digital_human_id": digital_human_id,
        "result": None,
        "duration": None,
        "start_time": start_time,
        "end_time": None,
        "custom_metrics": None,
        "status": status,
        "latency": None,
        "events": [],
        "transcript_url": None,
        "audio_url": None,
        "evaluations": [],
        "tool_calls": None,
        "trace_ids": None,
    }


def make_result(seed: int, plan: RunPlan, position: int) -> JSON:
    """Result ``plan.result_ids[position]`` as retrieve-simulation-results returns it."""
    opening = _opening(seed, plan, position)
    rng, base, scenario, start = opening.rng, opening.base, opening.scenario, opening.start
    outcome = plan.outcomes[position]
    if outcome == INCOMPLETE:
        started = iso(start) if rng.random() < 0.5 else None
        status = rng.choice(("queued", "in_progress"))
        return pending_result(base["id"], base["digital_human_id"], status, started)
    goal = outcome == PASSED
    errored = not goal and rng.random() < 0.2
    duration = rng.randint(8, 25) if errored else rng.randint(45, 420)
    duration_ms = duration * 1_000
    turns = max(2, duration // rng.randint(10, 22))
    evaluations = (
        []
        if errored
        else [
            evaluation(
                rng,
                scenario,
                opening.persona,
                goal,
                turns,
                start + timedelta(seconds=duration + 30 + 3_600 * i),
                # A queued run's calls have only just finished: no reviewer has seen them.
                reviewable=plan.digital_humans is None,
            )
            for i in range(1 if rng.random() < 0.95 else 2)
        ]
    )
    per_turn = [round(rng.uniform(350, 2_400), 1) for _ in range(min(turns, 4))]
    result: JSON = {
        **base,
        "result": {
            "outcome": "error" if errored else outcome,
            "goal_met": goal,
            "end_reason": rng.choice(RESULT_ERRORS) if errored else rng.choice(CALL_END_REASONS),
            "scenario": scenario.title,
            "digital_human": {
                "name": opening.caller,
                "language": rng.choice(LANGUAGES),
                "background_noise": rng.choice(NOISES),
            },
            "turns": turns,
        },
        "duration": duration_ms,  # the API documents milliseconds
        "start_time": iso(start),
        "end_time": iso(start + timedelta(seconds=duration)),
        "custom_metrics": {} if rng.random() < 0.7 else {"csat_prediction": rng.randint(1, 5)},
        "status": "failed" if errored else "completed",
        "latency": {
            "avg_latency_ms": round(sum(per_turn) / len(per_turn), 1),
            "max_latency_ms": max(per_turn),
            "per_turn_ms": per_turn,
        },
        "events": call_events(rng, duration_ms, turns),
        "transcript_url": f"https://storage.getbluejay.ai/transcripts/{random_uuid(rng)}.json",
        "audio_url": None
        if errored
        else f"https://storage.getbluejay.ai/recordings/{random_uuid(rng)}.wav",
        "evaluations": evaluations,
        "tool_calls": None
        if errored
        else tool_call_groups(rng, scenario, outcome, start, duration_ms),
    }
    if rng.random() < 0.6:
        result["trace_ids"] = [random_hex(rng, 32)]
    return result
