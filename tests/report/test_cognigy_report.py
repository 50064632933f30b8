"""cognigy_async.report: a batch's runs summarized (hand-computed) and gated."""

from __future__ import annotations

import json
import random
from datetime import datetime, timezone
from typing import Any

import pytest

from bluejay_async.errors import InvalidRequestError
from bluejay_async.report import Distribution, Rate
from cognigy_async import Run, RunMetrics, SuccessRate
from cognigy_async.models import ErrorInfo
from cognigy_async.report import CognigyThresholds, gate, summarize

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


def cognigy_run(
    sequence: int,
    *,
    success: bool | None,
    status: str | None,
    sentiment: str | None,
    turns: int,
    duration_ms: int | None,
    criteria: tuple[int, int] | None = None,
    batch: str = "b1",
    **metrics: Any,
) -> Run:
    rate = None if criteria is None else SuccessRate(numerator=criteria[0], denominator=criteria[1])
    return Run(
        id=f"{batch}-run-{sequence}",
        organisation_reference="org",
        project_reference="p1",
        simulation_reference="sim",
        simulation_run_batch_reference=batch,
        sequence=sequence,
        large_language_model_reference_id="llm",
        turns=[],
        total_turns=turns,
        success_criteria=[],
        metrics=RunMetrics(
            success=success, status=status, sentiment=sentiment, success_rate=rate, **metrics
        ),
        created_at=T0,
        created_by="qa@example.com",
        duration=duration_ms,
    )


def batch() -> list[Run]:
    return [
        cognigy_run(
            1,
            success=True,
            status="SUCCESS",
            sentiment="positive",
            turns=6,
            duration_ms=30_000,
            criteria=(2, 2),
            results=[{"type": "text", "success": True, "reason": "booked"}],
        ),
        cognigy_run(
            2,
            success=False,
            status="FAILED",
            sentiment="negative",
            turns=12,
            duration_ms=90_000,
            criteria=(1, 2),
            summary="ran out of turns",
        ),
        cognigy_run(
            3,
            success=False,
            status="ERROR",
            sentiment="neutral",
            turns=2,
            duration_ms=None,
            error_info=ErrorInfo(category="AI_AGENT_TIMEOUT", message="timed out"),
        ),
        cognigy_run(
            4,
            success=None,
            status=None,
            sentiment=None,
            turns=8,
            duration_ms=60_000,
            criteria=(3, 2),  # inconsistent: ignored
        ),
    ]


def test_figures_of_a_batch() -> None:
    s = summarize(batch())
    assert s.total == 4
    assert s.batches == ("sim/b1",)
    assert s.status_counts == {"ERROR": 1, "FAILED": 1, "SUCCESS": 1, "unknown": 1}
    assert s.sentiment_counts == {"negative": 1, "neutral": 1, "positive": 1, "unknown": 1}
    assert s.success == Rate(hits=1, judged=3, missing=1)
    assert s.errors == Rate(hits=1, judged=3, missing=1)
    assert s.negative_sentiment == Rate(hits=1, judged=3, missing=1)
    assert s.criteria == Rate(hits=3, judged=4, missing=2)
    assert s.turns == Distribution(
        count=4, missing=0, mean=7.0, p50=6.0, p95=12.0, min=2.0, max=12.0
    )
    assert s.duration == Distribution(
        count=3, missing=1, mean=60.0, p50=60.0, p95=90.0, min=30.0, max=90.0
    )
    assert [r.sequence for r in s.failed_runs] == [2, 3]
    first, _, errored, _ = s.runs
    assert (first.outcome, first.title, first.duration_s) == ("met", "run 1 (b1-run-1)", 30.0)
    assert [(c.type, c.success, c.reason) for c in first.criteria] == [("text", True, "booked")]
    assert (errored.error_category, errored.error_message) == ("AI_AGENT_TIMEOUT", "timed out")


def test_the_same_summary_for_any_order() -> None:
    runs = [
        *batch(),
        cognigy_run(
            1,
            success=True,
            status="SUCCESS",
            sentiment="positive",
            turns=4,
            duration_ms=1000,
            batch="b0",
        ),
    ]
    reference = summarize(runs)
    assert [(r.batch_reference, r.sequence) for r in reference.runs][:2] == [("b0", 1), ("b1", 1)]
    for seed in range(10):
        random.Random(seed).shuffle(runs)
        assert summarize(iter(runs)) == reference


def test_gate_sentences() -> None:
    verdict = gate(
        summarize(batch()),
        CognigyThresholds(
            min_success_rate=0.9,
            max_error_rate=0.0,
            max_negative_sentiment_rate=0.5,
            min_criteria_rate=0.75,
            min_runs=3,
            max_mean_turns=6,
            max_p95_duration_s=90,
        ),
    )
    assert verdict.failures == (
        "success rate 33.3% (1 of 3 runs with a success value, 1 without) is below the minimum "
        "90.0%",
        "error rate 33.3% (1 of 3 runs with a status, 1 without) is above the maximum 0.0%",
        "mean turns 7 (across 4 runs) is above the maximum 6",
    )
    assert [c.threshold for c in verdict.checks if c.passed] == [
        "max_negative_sentiment_rate",
        "min_criteria_rate",
        "min_runs",
        "max_p95_duration_s",
    ]
    assert verdict.exit_code == 1


def test_gate_without_data_fails() -> None:
    verdict = gate(summarize([]), CognigyThresholds(min_success_rate=0.5, max_mean_duration_s=60))
    assert verdict.failures == (
        "success rate has no data (there are no runs), so min_success_rate=50.0% cannot be met",
        "mean duration has no data (there are no runs), so max_mean_duration_s=60.0 s cannot be "
        "met",
    )


def test_to_dict_is_plain_json() -> None:
    data = summarize(batch()).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["success_rate"] == pytest.approx(1 / 3)
    assert data["runs"][0]["outcome"] == "met"
    assert data["runs"][0]["created_at"] == "2025-01-01T00:00:00+00:00"


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidRequestError):
        summarize("runs")  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError):
        summarize([object()])  # type: ignore[list-item]
    with pytest.raises(InvalidRequestError, match="given twice"):
        summarize(batch()[:1] * 2)
    with pytest.raises(InvalidRequestError):
        CognigyThresholds(min_success_rate=1.5)
    with pytest.raises(InvalidRequestError):
        CognigyThresholds(min_runs=-1)
    with pytest.raises(InvalidRequestError):
        gate(summarize([]), {"min_success_rate": 1})  # type: ignore[arg-type]
