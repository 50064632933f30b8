"""gate: one plain sentence per breach, no data fails, every threshold optional and validated."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from bluejay_async import SimulationResults
from bluejay_async.errors import InvalidRequestError
from bluejay_async.report import Thresholds, gate, summarize
from bluejay_async.report.checks import format_pair
from tests.report.builders import evaluation, metric, result, run


def test_no_threshold_passes(fixed_run: SimulationResults) -> None:
    verdict = gate(summarize(fixed_run), Thresholds())
    assert (verdict.passed, verdict.failures, verdict.checks, verdict.exit_code) == (
        True,
        (),
        (),
        0,
    )


def test_breaches_are_plain_sentences(fixed_run: SimulationResults) -> None:
    summary = summarize(fixed_run)
    verdict = gate(
        summary,
        Thresholds(
            min_goal_success_rate=0.9, max_hallucination_rate=0.05, max_p95_latency_ms=2500.0
        ),
    )
    assert not verdict.passed
    assert verdict.exit_code == 1
    assert verdict.summary is summary
    assert verdict.failures == (
        "goal success rate 66.7% (2 of 3 results with a goal verdict, 2 without) "
        "is below the minimum 90.0%",
        "hallucination rate 50.0% (1 of 2 results with a hallucination verdict, 3 without) "
        "is above the maximum 5.0%",
        "p95 latency 3,000.0 ms (across 3 results, 2 without) is above the maximum 2,500.0 ms",
    )
    goal = verdict.checks[0]
    assert (goal.metric, goal.threshold, goal.kind, goal.limit, goal.unit) == (
        "goal_success_rate",
        "min_goal_success_rate",
        "min",
        0.9,
        "rate",
    )
    assert goal.value == pytest.approx(2 / 3)
    assert goal.basis == "2 of 3 results with a goal verdict, 2 without"


def test_a_value_at_the_limit_passes(fixed_run: SimulationResults) -> None:
    verdict = gate(
        summarize(fixed_run),
        Thresholds(
            max_hallucination_rate=0.5,
            max_p95_latency_ms=3000,
            max_mean_latency_ms=1000,
            max_p50_latency_ms=2000,
            max_mean_call_duration_s=62.5,
            max_p95_call_duration_s=120,
            max_redundancy_rate=1 / 3,
            max_no_verdict_rate=0.4,
            min_results=3,
            min_custom_metric_pass_rates={"Policy": 0.5},
            min_custom_metric_mean_scores={"Empathy": 60},
        ),
    )
    assert verdict.passed, verdict.failures
    assert len(verdict.checks) == 11
    [count] = [c for c in verdict.checks if c.threshold == "min_results"]
    assert count.message == (
        "number of results with a goal verdict 3 (of 5 results) meets the minimum 3"
    )


def test_every_threshold_can_fail(fixed_run: SimulationResults) -> None:
    verdict = gate(
        summarize(fixed_run),
        Thresholds(
            min_results=4,
            max_no_verdict_rate=0.1,
            max_redundancy_rate=0.1,
            max_p50_latency_ms=1999,
            max_mean_latency_ms=999,
            max_mean_call_duration_s=60,
            max_p95_call_duration_s=119,
            min_custom_metric_pass_rate=0.6,
            min_custom_metric_pass_rates={"Policy": 0.75},
            min_custom_metric_mean_scores={"Empathy": 61},
        ),
    )
    assert [c.threshold for c in verdict.checks if not c.passed] == [
        "max_redundancy_rate",
        "max_no_verdict_rate",
        "min_results",
        "max_p50_latency_ms",
        "max_mean_latency_ms",
        "max_mean_call_duration_s",
        "max_p95_call_duration_s",
        "min_custom_metric_pass_rate",
        "min_custom_metric_pass_rates['Policy']",
        "min_custom_metric_mean_scores['Empathy']",
    ]
    assert len(verdict.failures) == 10
    assert (
        "'Policy' pass rate 50.0% (1 of 2 results with a pass/fail value, 3 without)"
        in (verdict.failures[7])
    )


def test_a_threshold_on_a_metric_without_data_fails_with_a_reason() -> None:
    nothing_judged = run([result(1, status="failed"), result(2, status="failed")])
    verdict = gate(
        summarize(nothing_judged),
        Thresholds(
            min_goal_success_rate=0.9,
            max_p95_latency_ms=2500,
            min_custom_metric_pass_rate=0.9,
            min_custom_metric_pass_rates={"Policy": 0.9},
        ),
    )
    assert verdict.failures == (
        "goal success rate has no data (none of the 2 results has a goal verdict), "
        "so min_goal_success_rate=90.0% cannot be met",
        "p95 latency has no data (none of the 2 results has a p95 agent latency), "
        "so max_p95_latency_ms=2,500.0 ms cannot be met",
        "custom metric pass rate has no data (no custom metric has pass/fail values in the 2 "
        "results), so min_custom_metric_pass_rate=90.0% cannot be met",
        "'Policy' pass rate has no data (no result reports custom metric 'Policy'), "
        "so min_custom_metric_pass_rates['Policy']=90.0% cannot be met",
    )
    assert all(c.value is None for c in verdict.checks)


def test_an_empty_run_fails_any_threshold() -> None:
    verdict = gate(summarize(run([])), Thresholds(min_goal_success_rate=0.0))
    assert verdict.failures == (
        "goal success rate has no data (there are no results), "
        "so min_goal_success_rate=0.0% cannot be met",
    )


def test_min_custom_metric_pass_rate_covers_every_pass_fail_metric() -> None:
    results = [
        result(1, evaluation(metrics=[metric("A", "true"), metric("B", "false")])),
        result(2, evaluation(metrics=[metric("A", "true"), metric("S", "90", "score")])),
    ]
    verdict = gate(summarize(run(results)), Thresholds(min_custom_metric_pass_rate=0.5))
    assert [(c.metric, c.passed) for c in verdict.checks] == [
        ("custom_metric_pass_rate:A", True),
        ("custom_metric_pass_rate:B", False),
    ]


def test_figures_that_round_alike_are_told_apart() -> None:
    assert format_pair(0.8999, 0.9, "rate") == ("89.99%", "90.00%")
    assert format_pair(2500.04, 2500.0, "ms") == ("2,500.04 ms", "2,500.00 ms")
    assert format_pair(0.9, 0.9, "rate") == ("90.0%", "90.0%")


def test_gate_result_to_dict_is_plain_json(fixed_run: SimulationResults) -> None:
    data = gate(summarize(fixed_run), Thresholds(min_goal_success_rate=0.5)).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["passed"] is True
    assert data["checks"][0]["threshold"] == "min_goal_success_rate"
    assert data["summary"]["total"] == 5


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"min_goal_success_rate": 90}, "Thresholds.min_goal_success_rate"),
        ({"min_goal_success_rate": -0.1}, "Thresholds.min_goal_success_rate"),
        ({"max_hallucination_rate": math.nan}, "Thresholds.max_hallucination_rate"),
        ({"max_hallucination_rate": True}, "Thresholds.max_hallucination_rate"),
        ({"max_p95_latency_ms": -1}, "Thresholds.max_p95_latency_ms"),
        ({"max_p95_latency_ms": math.inf}, "Thresholds.max_p95_latency_ms"),
        ({"max_p95_latency_ms": "2500"}, "Thresholds.max_p95_latency_ms"),
        ({"min_results": 1.5}, "Thresholds.min_results"),
        ({"min_results": -1}, "Thresholds.min_results"),
        (
            {"min_custom_metric_pass_rates": {"A": 2}},
            "Thresholds.min_custom_metric_pass_rates['A']",
        ),
        ({"min_custom_metric_pass_rates": {"": 0.5}}, "Thresholds.min_custom_metric_pass_rates"),
        ({"min_custom_metric_mean_scores": {3: 1}}, "Thresholds.min_custom_metric_mean_scores"),
        (
            {"min_custom_metric_mean_scores": {"A": -1}},
            "Thresholds.min_custom_metric_mean_scores['A']",
        ),
    ],
)
def test_bad_thresholds_are_refused(kwargs: dict[str, Any], param: str) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        Thresholds(**kwargs)
    assert caught.value.param == param


def test_a_mapping_is_required_for_per_metric_thresholds() -> None:
    with pytest.raises(InvalidRequestError, match="mapping"):
        Thresholds(min_custom_metric_pass_rates=[("A", 0.5)])


def test_gate_refuses_other_arguments(fixed_run: SimulationResults) -> None:
    with pytest.raises(InvalidRequestError):
        gate(fixed_run, Thresholds())  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError):
        gate(summarize(fixed_run), {"min_goal_success_rate": 0.9})  # type: ignore[arg-type]
