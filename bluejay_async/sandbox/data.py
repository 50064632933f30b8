"""Deterministic Bluejay data: simulations, runs and per-call results, all derived from a seed.

Every value comes from a ``random.Random`` seeded with a string naming the seed and the
object (``"0:result:50007"``), so an object does not depend on which others were generated
before it, and nothing depends on the wall clock: timestamps count from :data:`EPOCH`.

A run is *planned* up front (:class:`RunPlan`: its result ids and each result's outcome) so
the run row's counts agree with its results, which are generated only when first needed.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs

from .vocab import (
    AIRPORTS,
    CALL_END_REASONS,
    CALL_FAILED,
    CALL_OPENINGS,
    CALL_PASSED,
    CUSTOM_METRICS,
    DOMAINS,
    EDITORS,
    EVENT_TITLES,
    FIRST_NAMES,
    GOAL_FAILED,
    GOAL_PASSED,
    HALLUCINATION_BAD,
    HALLUCINATION_OK,
    LANGUAGES,
    LAST_NAMES,
    METRIC_REASONS_BAD,
    METRIC_REASONS_GOOD,
    NOISES,
    OVERRIDE_CODES,
    PERSONAS,
    PRONUNCIATION_BAD,
    PRONUNCIATION_GOOD,
    REDUNDANCY_BAD,
    REDUNDANCY_OK,
    RESULT_ERRORS,
    RUN_SUMMARIES_CLEAN,
    RUN_SUMMARIES_DONE,
    SENTIMENT_LABELS,
    STREETS,
    TOOLS,
    WEAKNESSES,
    Domain,
    Scenario,
)

JSON = dict[str, Any]

EPOCH = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
"""Seeded simulation 1 is created on this day; everything else counts from it."""
RUN_ID_BASE = 1000
"""Run ids start at ``RUN_ID_BASE + 1``."""
RESULT_ID_BASE = 50_000
"""Result ids start at ``RESULT_ID_BASE + 1``."""

PASSED, FAILED, INCOMPLETE = "passed", "failed", "incomplete"


def iso(dt: datetime, *, micro: bool = False) -> str:
    """UTC timestamp as Bluejay sends it: ``2025-03-03T09:00:00Z`` (optionally with µs)."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def rng_for(seed: int, *parts: object) -> random.Random:
    """A generator private to one object: same seed and parts, same stream."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def simulation_created_at(seed: int, simulation_id: int) -> datetime:
    """When simulation ``simulation_id`` was created."""
    rng = rng_for(seed, "simulation-time", simulation_id)
    return EPOCH + timedelta(days=simulation_id - 1, minutes=rng.randrange(0, 480))


def seeded_simulation_request(seed: int, simulation_id: int) -> JSON:
    """The create-simulation body a seeded simulation is built from."""
    rng = rng_for(seed, "simulation", simulation_id)
    domain = DOMAINS[rng.randrange(len(DOMAINS))]
    return {
        "agent_id": f"agt_{_hex(rng, 12)}",
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
    return {
        "id": simulation_id,
        "agent_id": request["agent_id"],
        "name": request.get("name"),
        "description": request.get("description"),
        "created_at": iso(simulation_created_at(seed, simulation_id)),
        "domain": _domain_index(request.get("name"), rng),
        "settings": dict(request),
        "run_ids": [],
    }


def _domain_index(name: object, rng: random.Random) -> int:
    if isinstance(name, str):
        for i, d in enumerate(DOMAINS):
            if d.agent in name:
                return i
    return rng.randrange(len(DOMAINS))


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
        summary = rng.choice(RUN_SUMMARIES_DONE if failed else RUN_SUMMARIES_CLEAN).format(
            passed=passed,
            failed=failed,
            total=n,
            rate=round(100 * passed / n),
            weakness=rng.choice(WEAKNESSES),
        )
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


def _day(rng: random.Random, anchor: datetime) -> datetime:
    return anchor + timedelta(days=rng.randrange(1, 10))


def _slot(rng: random.Random, anchor: datetime) -> str:
    when = _day(rng, anchor).replace(hour=rng.randint(8, 18), minute=rng.choice((0, 15, 30, 45)))
    return when.strftime("%Y-%m-%dT%H:%M:00")


_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_SIMPLE_VALUES: dict[str, Callable[[random.Random, datetime], Any]] = {
    "last_name": lambda rng, _: rng.choice(LAST_NAMES),
    "full_name": lambda rng, _: f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
    "dob": lambda rng, _: (
        f"{rng.randint(1940, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    ),
    "date": lambda rng, anchor: _day(rng, anchor).strftime("%Y-%m-%d"),
    "datetime": _slot,
    "slots": lambda rng, anchor: sorted({_slot(rng, anchor) for _ in range(3)}),
    "time": lambda rng, _: f"{rng.randint(17, 21)}:{rng.choice(('00', '15', '30', '45'))}",
    "phone": lambda rng, _: f"+1{rng.randint(200, 989)}555{rng.randrange(10_000):04d}",
    "last4": lambda rng, _: f"{rng.randrange(10_000):04d}",
    "zip": lambda rng, _: str(rng.randint(10_000, 99_950)),
    "bool": lambda rng, _: rng.random() < 0.85,
    "code": lambda rng, _: "".join(rng.choices(_CODE_ALPHABET, k=6)),
    "rx": lambda rng, _: f"RX{rng.randrange(1_000_000, 9_999_999)}",
    "email": lambda rng, _: f"{rng.choice(FIRST_NAMES).lower()}.{rng.randrange(100)}@example.com",
    "street": lambda rng, _: f"{rng.randint(1, 9999)} {rng.choice(STREETS)}",
    "airport": lambda rng, _: rng.choice(AIRPORTS),
    "flight": lambda rng, _: f"SW{rng.randint(100, 2999)}",
}


def _value(kind: str, rng: random.Random, anchor: datetime) -> Any:
    """A plausible tool parameter or output value of ``kind`` (see ``vocab.TOOLS``)."""
    name, _, arg = kind.partition(":")
    if name == "id":
        return f"{arg}_{rng.randrange(10_000, 99_999)}"
    if name == "choice":
        return rng.choice(arg.split("|"))
    if name in ("int", "money"):
        lo, hi = (int(x) for x in arg.split(":"))
        return rng.randint(lo, hi) if name == "int" else round(rng.uniform(lo, hi), 2)
    return _SIMPLE_VALUES[name](rng, anchor)


def _tool_calls(
    rng: random.Random, scenario: Scenario, outcome: str, start: datetime, duration_ms: int
) -> list[JSON]:
    groups: list[JSON] = []
    broken = rng.randrange(len(scenario.tools)) if outcome == FAILED else -1
    offset = rng.randint(8_000, 20_000)
    for i, name in enumerate(scenario.tools):
        tool = TOOLS[name]
        params = {p: _value(k, rng, start) for p, k in tool.params}
        output = {p: _value(k, rng, start) for p, k in tool.output}
        expected = [{"parameters": params, "output": output}]
        actual: list[JSON] = []
        if i != broken or rng.random() < 0.5:
            actual_params = dict(params)
            if i == broken:
                first = next(iter(actual_params))
                actual_params[first] = _value(dict(tool.params)[first], rng, start)
            actual.append(
                {"parameters": actual_params, "output": output, "start_offset_ms": offset}
            )
            offset += rng.randint(6_000, 30_000)
        groups.append({"name": name, "expected": expected, "actual": actual})
    if outcome == FAILED and rng.random() < 0.3:
        transfer = TOOLS["transfer_to_human"]
        groups.append(
            {
                "name": transfer.name,
                "expected": None,
                "actual": [
                    {
                        "parameters": {p: _value(k, rng, start) for p, k in transfer.params},
                        "output": {p: _value(k, rng, start) for p, k in transfer.output},
                        "start_offset_ms": min(offset, duration_ms - 1_000),
                    }
                ],
            }
        )
    return groups


def _events(rng: random.Random, duration_ms: int, turns: int) -> list[JSON]:
    events: list[JSON] = [
        {
            "title": "Call connected",
            "start_offset_ms": rng.randint(0, 1_500),
            "description": "SIP call answered by the agent",
            "end_offset_ms": None,
            "tags": ["telephony"],
            "metadata": {"codec": rng.choice(("PCMU", "opus"))},
        }
    ]
    for title, description, tags in rng.sample(EVENT_TITLES[1:], rng.randint(0, 2)):
        start = rng.randint(2_000, max(2_001, duration_ms - 5_000))
        events.append(
            {
                "title": title,
                "start_offset_ms": start,
                "description": description,
                "end_offset_ms": start + rng.randint(200, 4_000) if rng.random() < 0.7 else None,
                "tags": list(tags),
                "metadata": {
                    "turn": rng.randint(1, turns),
                    "confidence": round(rng.uniform(0.6, 0.99), 2),
                },
            }
        )
    events.sort(key=lambda e: e["start_offset_ms"])
    events.append(
        {
            "title": "Call ended",
            "start_offset_ms": duration_ms,
            "description": None,
            "end_offset_ms": None,
            "tags": ["telephony"],
            "metadata": {"hangup_by": rng.choice(("agent", "caller"))},
        }
    )
    return events


def _latency(rng: random.Random, base: float) -> tuple[JSON, JSON]:
    p50 = base * rng.uniform(0.85, 1.0)
    p90 = p50 * rng.uniform(1.3, 1.7)
    p95 = p90 * rng.uniform(1.05, 1.2)
    p99 = p95 * rng.uniform(1.1, 1.4)
    agent = {
        "avg_agent_latency": round(base, 1),
        "max_agent_latency": round(p99 * rng.uniform(1.0, 1.3), 1),
        "p50_agent_latency": round(p50, 1),
        "p90_agent_latency": round(p90, 1),
        "p95_agent_latency": round(p95, 1),
        "p99_agent_latency": round(p99, 1),
    }
    f = rng.uniform(0.55, 0.8)
    filler = {
        "avg_filler_ignored_latency": round(base * f, 1),
        "p50_filler_ignored_latency": round(p50 * f, 1),
        "p90_filler_ignored_latency": round(p90 * f, 1),
        "p95_filler_ignored_latency": round(p95 * f, 1),
        "p99_filler_ignored_latency": round(p99 * f, 1),
    }
    return agent, filler


def _custom_metric(rng: random.Random, good: bool, reviewed: bool) -> JSON:
    name, description, kind, category, options, guidance = rng.choice(CUSTOM_METRICS)
    value: str
    if kind == "score":
        value = str(rng.randint(70, 98) if good else rng.randint(20, 65))
    elif kind == "boolean":
        value = "true" if good or rng.random() < 0.4 else "false"
    else:
        value = options[0] if good else rng.choice(options[1:])
    metric: JSON = {
        "name": name,
        "description": description,
        "response_type": kind,
        "response_value": value,
        "reasoning": rng.choice(METRIC_REASONS_GOOD if good else METRIC_REASONS_BAD),
        "min_value": 0 if kind == "score" else None,
        "max_value": 100 if kind == "score" else None,
        "category": category,
        "tags": [category, kind],
        "scoring_guidance": guidance,
        "enum_options": list(options) if options else None,
    }
    if reviewed:
        metric.update(dict.fromkeys(_METRIC_REVIEW_FIELDS), human_edited=False)
    return metric


def _evaluation(
    rng: random.Random,
    scenario: Scenario,
    persona: str,
    goal: bool,
    turns: int,
    created: datetime,
) -> JSON:
    hallucination = not goal and rng.random() < 0.3
    redundancy = rng.random() < (0.15 if goal else 0.4)
    agent_latency, filler_latency = _latency(rng, rng.uniform(550, 1_900))
    positive = rng.uniform(0.4, 0.85) if goal else rng.uniform(0.05, 0.4)
    negative = rng.uniform(0.0, 1 - positive) * (0.3 if goal else 0.8)
    neutral = 1 - positive - negative
    label = SENTIMENT_LABELS[0 if positive > 0.55 else 2 if negative > 0.35 else 1]
    facts = {
        "persona": persona,
        "goal": scenario.goal,
        "success": scenario.success,
        "failure": scenario.failure,
        "turns": turns,
    }
    custom_evals = [
        {
            "name": "Confirms the outcome before hanging up",
            "passed": goal,
            "reasoning": scenario.success if goal else scenario.failure,
        },
    ]
    if rng.random() < 0.5:
        first_ok = goal or rng.random() < 0.5
        custom_evals.append(
            {
                "name": f"Calls {scenario.tools[0]} before acting",
                "passed": first_ok,
                "reasoning": rng.choice(METRIC_REASONS_GOOD if first_ok else METRIC_REASONS_BAD),
            }
        )
    passed_evals = sum(1 for e in custom_evals if e["passed"])
    pronunciation = round(rng.uniform(62, 99), 1)
    evaluation: JSON = {
        "agent_speak_percentage": round(rng.uniform(32, 68), 2),
        "avg_agent_latency": agent_latency["avg_agent_latency"],
        "id": _uuid(rng),
        "created_at": iso(created + timedelta(microseconds=rng.randrange(1_000_000)), micro=True),
        "hallucination": hallucination,
        "hallucination_reasoning": rng.choice(
            HALLUCINATION_BAD if hallucination else HALLUCINATION_OK
        ),
        "redundancy": redundancy,
        "redundancy_reasoning": rng.choice(REDUNDANCY_BAD if redundancy else REDUNDANCY_OK),
        "latency": agent_latency,
        "filler_ignored_latency": filler_latency,
        "num_turns": turns,
        "call_summary": " ".join(
            (
                rng.choice(CALL_OPENINGS).format(**facts),
                rng.choice(CALL_PASSED if goal else CALL_FAILED).format(**facts),
            )
        ),
        "custom_evals": custom_evals,
        "custom_evals_success_rate": round(100 * passed_evals / len(custom_evals), 1),
        "goal_success": goal,
        "goal_reasoning": rng.choice(GOAL_PASSED if goal else GOAL_FAILED).format(**facts),
        "pronunciation_score": pronunciation,
        "pronunciation_reasoning": rng.choice(
            PRONUNCIATION_GOOD if pronunciation >= 80 else PRONUNCIATION_BAD
        ),
        "sentiment_label": label,
        "sentiment_score": round(positive - negative, 3),
        "sentiment_scores": {
            "positive": round(positive, 3),
            "neutral": round(neutral, 3),
            "negative": round(negative, 3),
        },
    }
    review = _human_review(rng, goal, created)
    evaluation["custom_metrics"] = [
        _custom_metric(rng, goal, bool(review)) for _ in range(1 if rng.random() < 0.9 else 2)
    ]
    evaluation.update(review)
    return evaluation


_METRIC_REVIEW_FIELDS = (
    "human_edited",
    "human_response_value",
    "human_reasoning",
    "override_reason_code",
    "override_notes",
    "last_edited_by",
    "last_edited_at",
)
_HUMAN_FIELDS = (
    "human_goal_success",
    "human_goal_reasoning",
    "human_hallucination",
    "human_hallucination_reasoning",
    "human_redundancy",
    "human_redundancy_reasoning",
    "human_pronunciation_score",
    "human_pronunciation_reasoning",
    "override_goal_reason_code",
    "override_goal_notes",
    "override_hallucination_reason_code",
    "override_hallucination_notes",
    "override_redundancy_reason_code",
    "override_redundancy_notes",
    "override_pronunciation_reason_code",
    "override_pronunciation_notes",
    "last_edited_by",
    "last_edited_at",
)


def _human_review(rng: random.Random, goal: bool, created: datetime) -> JSON:
    """The human_* / override_* block of an evaluation.

    Evaluations made before human review existed carry no such keys at all (the fields are
    optional); newer ones carry them as nulls; a few were overridden by a reviewer.
    """
    draw = rng.random()
    if draw < 0.7:
        return {}
    review: JSON = {"human_edited": False}
    review.update(dict.fromkeys(_HUMAN_FIELDS))
    if draw > 0.9:
        review.update(
            human_edited=True,
            human_goal_success=not goal,
            human_goal_reasoning="Reviewer listened to the recording: the automated verdict "
            "misread the caller's final answer.",
            override_goal_reason_code=rng.choice(OVERRIDE_CODES),
            override_goal_notes="Overridden after manual review.",
            last_edited_by=rng.choice(EDITORS),
            last_edited_at=iso(created + timedelta(hours=rng.randint(2, 72)), micro=True),
        )
    return review


def _scenario(domain: Domain, rng: random.Random) -> Scenario:
    return domain.scenarios[rng.randrange(len(domain.scenarios))]


def make_result(seed: int, plan: RunPlan, position: int) -> JSON:
    """Result ``plan.result_ids[position]`` as retrieve-simulation-results returns it."""
    result_id = plan.result_ids[position]
    outcome = plan.outcomes[position]
    rng = rng_for(seed, "result", result_id)
    scenario = _scenario(DOMAINS[plan.domain], rng)
    persona = rng.choice(PERSONAS)
    caller = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    start = plan.created_at + timedelta(seconds=20 + 45 * position + rng.randrange(40))
    human_id = RESULT_ID_BASE // 10 + rng.randrange(1, 4_000) if rng.random() < 0.9 else None
    base: JSON = {"id": result_id, "digital_human_id": human_id}
    if outcome == INCOMPLETE:
        return {
            **base,
            "result": None,
            "duration": None,
            "start_time": iso(start) if rng.random() < 0.5 else None,
            "end_time": None,
            "custom_metrics": None,
            "status": rng.choice(("queued", "in_progress")),
            "latency": None,
            "events": [],
            "transcript_url": None,
            "audio_url": None,
            "evaluations": [],
            "tool_calls": None,
            "trace_ids": None,
        }
    goal = outcome == PASSED
    errored = not goal and rng.random() < 0.2
    duration = rng.randint(8, 25) if errored else rng.randint(45, 420)
    duration_ms = duration * 1_000
    turns = max(2, duration // rng.randint(10, 22))
    evaluations = (
        []
        if errored
        else [
            _evaluation(
                rng,
                scenario,
                persona,
                goal,
                turns,
                start + timedelta(seconds=duration + 30 + 3_600 * i),
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
                "name": caller,
                "language": rng.choice(LANGUAGES),
                "background_noise": rng.choice(NOISES),
            },
            "turns": turns,
        },
        "duration": duration,
        "start_time": iso(start),
        "end_time": iso(start + timedelta(seconds=duration)),
        "custom_metrics": {} if rng.random() < 0.7 else {"csat_prediction": rng.randint(1, 5)},
        "status": "failed" if errored else "completed",
        "latency": {
            "avg_latency_ms": round(sum(per_turn) / len(per_turn), 1),
            "max_latency_ms": max(per_turn),
            "per_turn_ms": per_turn,
        },
        "events": _events(rng, duration_ms, turns),
        "transcript_url": f"https://storage.getbluejay.ai/transcripts/{_uuid(rng)}.json",
        "audio_url": None
        if errored
        else f"https://storage.getbluejay.ai/recordings/{_uuid(rng)}.wav",
        "evaluations": evaluations,
        "tool_calls": None if errored else _tool_calls(rng, scenario, outcome, start, duration_ms),
    }
    if rng.random() < 0.6:
        result["trace_ids"] = [_hex(rng, 32)]
    return result
