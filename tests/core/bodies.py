"""Response bodies shaped like the Bluejay API's, for decode tests and the decode benchmark."""

from __future__ import annotations

from typing import Any

RUN_ID = 77
SIMULATION_ID = 5


def latency() -> dict[str, Any]:
    return {
        "avg_agent_latency": 812.2,
        "max_agent_latency": 2400.0,
        "p50_agent_latency": 700.0,
        "p90_agent_latency": 1500.0,
        "p95_agent_latency": 1900.5,
        "p99_agent_latency": 2300.0,
    }


def custom_metric(k: int) -> dict[str, Any]:
    return {
        "name": f"metric-{k}",
        "description": "Identity verified?",
        "response_type": "boolean",
        "response_value": "true",
        "reasoning": "The agent asked for the date of birth.",
        "min_value": 0,
        "max_value": 1,
        "category": "compliance",
        "tags": ["kyc", "security"],
        "scoring_guidance": "true if verified first",
        "enum_options": [],
        "human_edited": False,
        "human_response_value": None,
        "human_reasoning": None,
        "override_reason_code": None,
        "override_notes": None,
        "last_edited_by": None,
        "last_edited_at": "2024-03-01T12:05:00+01:00",
    }


def evaluation(i: int) -> dict[str, Any]:
    """An evaluation with every field the API documents set."""
    return {
        "agent_speak_percentage": 41.5,
        "avg_agent_latency": 812.25,
        "id": f"ev-{i}",
        "created_at": "2024-03-01T12:00:00.123456Z",
        "hallucination": False,
        "hallucination_reasoning": "The agent only stated facts from the knowledge base.",
        "redundancy": False,
        "redundancy_reasoning": "No question was asked twice.",
        "latency": latency(),
        "filler_ignored_latency": {
            "avg_filler_ignored_latency": 650.0,
            "p50_filler_ignored_latency": 600.0,
            "p90_filler_ignored_latency": 1100.0,
            "p95_filler_ignored_latency": 1300.0,
            "p99_filler_ignored_latency": 1700.0,
        },
        "num_turns": 14,
        "call_summary": "The caller asked to move an appointment; the agent confirmed a new slot.",
        "custom_evals": [{"name": "politeness", "passed": True}],
        "custom_evals_success_rate": 87.5,
        "goal_success": True,
        "goal_reasoning": "The appointment was moved as requested.",
        "pronunciation_score": 92.0,
        "pronunciation_reasoning": "Clear.",
        "sentiment_label": "positive",
        "sentiment_score": 0.82,
        "sentiment_scores": {"positive": 0.82, "neutral": 0.15, "negative": 0.03},
        "custom_metrics": [custom_metric(k) for k in range(2)],
        "human_edited": False,
        "human_goal_success": None,
        "human_goal_reasoning": None,
        "human_hallucination": None,
        "human_hallucination_reasoning": None,
        "human_redundancy": None,
        "human_redundancy_reasoning": None,
        "human_pronunciation_score": None,
        "human_pronunciation_reasoning": None,
        "override_goal_reason_code": None,
        "override_goal_notes": None,
        "override_hallucination_reason_code": None,
        "override_hallucination_notes": None,
        "override_redundancy_reason_code": None,
        "override_redundancy_notes": None,
        "override_pronunciation_reason_code": None,
        "override_pronunciation_notes": None,
        "last_edited_by": "qa@example.com",
        "last_edited_at": "2024-03-02T08:00:00Z",
    }


def event(k: int) -> dict[str, Any]:
    return {
        "title": f"event {k}",
        "start_offset_ms": 1000 * k,
        "description": "transfer requested",
        "end_offset_ms": 1000 * k + 500,
        "tags": ["transfer"],
        "metadata": {"queue": "billing"},
    }


def tool_call_group() -> dict[str, Any]:
    return {
        "name": "lookup_customer",
        "expected": [{"parameters": {"phone": "+15550100"}, "output": {"id": 42}}],
        "actual": [
            {"parameters": {"phone": "+15550100"}, "output": {"id": 42}, "start_offset_ms": 2300}
        ],
    }


def result(i: int) -> dict[str, Any]:
    """One simulated call with an evaluation, events and tool calls."""
    return {
        "id": 1000 + i,
        "digital_human_id": 7,
        "result": {"outcome": "passed"},
        "duration": 183,
        "start_time": "2024-03-01T11:57:00Z",
        "end_time": "2024-03-01T12:00:03.5+00:00",
        "custom_metrics": {},
        "status": "COMPLETED",
        "latency": {},
        "events": [event(k) for k in range(2)],
        "transcript_url": f"https://example.com/t/{i}.json",
        "audio_url": f"https://example.com/a/{i}.wav",
        "evaluations": [evaluation(i)],
        "tool_calls": [tool_call_group()],
        "trace_ids": ["trace-a", "trace-b"],
    }


def simulation_run() -> dict[str, Any]:
    return {
        "id": str(RUN_ID),
        "simulation_id": str(SIMULATION_ID),
        "created_at": "2024-03-01T11:50:00Z",
        "summary": "all calls placed",
        "status": "COMPLETED",
        "total_tests": 10,
        "tests_passed": 9,
        "tests_failed": 1,
        "tests_completed": 10,
        "tests_incompleted": 0,
    }


def results_body(n: int = 10) -> dict[str, Any]:
    """A retrieve-simulation-results body with ``n`` fully populated results (~35 KB for 10)."""
    return {
        "simulation_run": simulation_run(),
        "simulation_results": [result(i) for i in range(n)],
        "status": "200",
    }


def runs_body() -> dict[str, Any]:
    """A get-simulation-runs body with two rows."""
    return {
        "simulation_runs": [
            {
                "id": 11,
                "experiment_id": SIMULATION_ID,
                "created_at": "2023-11-07T05:31:56Z",
                "status": "COMPLETED",
                "summary": "ok",
                "tests_passed": 3,
                "tests_failed": 0,
                "total_tests": 3,
                "tests_completed": 3,
                "tests_incompleted": 0,
                "curr_step_id": 2,
                "phone_number": "+15550100",
            },
            {
                "id": 12,
                "experiment_id": SIMULATION_ID,
                "created_at": "2023-11-08T05:31:56.5+02:00",
                "status": "INITIALIZING",
            },
        ]
    }
