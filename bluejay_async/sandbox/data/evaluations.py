"""The evaluation of a finished call: verdicts with reasoning, latency, sentiment, metrics."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from .catalogue import Scenario
from .common import JSON, iso, random_uuid
from .phrases import (
    CALL_FAILED,
    CALL_OPENINGS,
    CALL_PASSED,
    CUSTOM_METRICS,
    EDITORS,
    GOAL_FAILED,
    GOAL_PASSED,
    HALLUCINATION_BAD,
    HALLUCINATION_OK,
    METRIC_REASONS_BAD,
    METRIC_REASONS_GOOD,
    OVERRIDE_CODES,
    PRONUNCIATION_BAD,
    PRONUNCIATION_GOOD,
    REDUNDANCY_BAD,
    REDUNDANCY_OK,
    SENTIMENT_LABELS,
)


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


def evaluation(
    rng: random.Random,
    scenario: Scenario,
    persona: str,
    goal: bool,
    turns: int,
    created: datetime,
    *,
    reviewable: bool = True,
) -> JSON:
    """One evaluation of a finished call whose goal was (``goal``) or was not met.

    ``reviewable=False`` leaves out the human-review block (no reviewer override).
    """
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
        "id": random_uuid(rng),
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
    review = _human_review(rng, goal, created) if reviewable else {}
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
