"""Small record builders for the report tests: only the fields a test cares about."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from bluejay_async.models import (
    CustomMetric,
    Evaluation,
    Latency,
    SimulationResult,
    SimulationResults,
    SimulationRunDetail,
)

T0 = datetime(2025, 1, 1, 10, 0, tzinfo=timezone.utc)


def metric(name: str, value: str, kind: str = "boolean", **fields: Any) -> CustomMetric:
    return CustomMetric(
        name=name, description="", response_type=kind, response_value=value, **fields
    )


def evaluation(
    goal: bool | None = True,
    *,
    hallucination: bool | None = False,
    redundancy: bool | None = False,
    p95: float | None = 1000.0,
    avg: float | None = 500.0,
    turns: int | None = 8,
    created: int | None = 0,
    metrics: list[CustomMetric] | None = None,
    **fields: Any,
) -> Evaluation:
    """An evaluation created ``created`` minutes after T0 (``None``: no timestamp)."""
    return Evaluation(
        agent_speak_percentage=50.0,
        avg_agent_latency=avg,
        created_at=None if created is None else T0 + timedelta(minutes=created),
        goal_success=goal,
        goal_reasoning=f"goal {goal}",
        hallucination=hallucination,
        hallucination_reasoning=f"hallucination {hallucination}",
        redundancy=redundancy,
        **{
            "latency": Latency(p95_agent_latency=p95),
            "num_turns": turns,
            "custom_metrics": metrics or [],
            **fields,
        },
    )


def result(
    result_id: int,
    *evaluations: Evaluation,
    human: int | None = None,
    scenario: str | None = None,
    seconds: float | None = 60.0,
    status: str | None = "completed",
    **fields: Any,
) -> SimulationResult:
    """A result whose call lasted ``seconds`` (by its start and end times); ``human`` defaults
    to ``100 + result_id``."""
    start = T0 + timedelta(minutes=result_id)
    details = fields.pop("result", {"scenario": scenario} if scenario else None)
    values: dict[str, Any] = {
        "id": result_id,
        "digital_human_id": 100 + result_id if human is None else human,
        "result": details,
        "start_time": start if seconds is not None else None,
        "end_time": start + timedelta(seconds=seconds) if seconds is not None else None,
        "status": status,
        "evaluations": list(evaluations),
        "transcript_url": f"https://example.test/t/{result_id}.json",
        "audio_url": f"https://example.test/a/{result_id}.wav",
    }
    return SimulationResult(**{**values, **fields})


def run(
    results: list[SimulationResult], run_id: str = "77", status: str | None = "COMPLETED"
) -> SimulationResults:
    return SimulationResults(
        simulation_run=SimulationRunDetail(
            id=run_id, simulation_id="5", created_at=T0, status=status, total_tests=len(results)
        ),
        simulation_results=results,
    )
