"""compare: matching by digital human and scenario, flips, missing and extra results, limits."""

from __future__ import annotations

import json
import pickle
import random

import pytest

from bluejay_async.errors import InvalidRequestError
from bluejay_async.models import SimulationResults
from bluejay_async.report import RegressionLimits, compare, summarize
from tests.report.builders import evaluation, metric, result, run


def test_results_are_matched_by_digital_human_and_scenario() -> None:
    baseline = run(
        [
            result(1, evaluation(True), human=7, scenario="Book"),
            result(2, evaluation(False), human=7, scenario="Cancel"),
            result(3, evaluation(True), human=8, scenario="Book"),
            result(4, evaluation(True), human=9),
        ],
        run_id="10",
    )
    current = run(
        [
            result(11, evaluation(False), human=7, scenario="Book"),
            result(12, evaluation(True), human=7, scenario="Cancel"),
            result(13, evaluation(True), human=8, scenario="Book"),
            result(15, evaluation(True), human=10),
        ],
        run_id="11",
    )
    diff = compare(summarize(baseline), summarize(current))
    assert [(p.key, p.baseline.result_id, p.current.result_id, p.change) for p in diff.pairs] == [
        ((7, "Book"), 1, 11, "met -> missed"),
        ((7, "Cancel"), 2, 12, "missed -> met"),
        ((8, "Book"), 3, 13, "met -> met"),
    ]
    assert [p.baseline.result_id for p in diff.flipped_to_missed] == [1]
    assert [p.baseline.result_id for p in diff.flipped_to_met] == [2]
    assert [r.result_id for r in diff.only_in_baseline] == [4]  # missing now
    assert [r.result_id for r in diff.only_in_current] == [15]  # new
    assert not diff.regressed  # no limits: deltas and flips reported, nothing judged


def test_repetitions_are_paired_in_result_id_order() -> None:
    baseline = run([result(i, evaluation(i != 2), human=7) for i in (3, 1, 2)], run_id="1")
    current = run([result(i, evaluation(True), human=7) for i in (21, 22)], run_id="2")
    diff = compare(baseline, current)
    assert [(p.repetition, p.baseline.result_id, p.current.result_id) for p in diff.pairs] == [
        (0, 1, 21),
        (1, 2, 22),
    ]
    assert [p.baseline.result_id for p in diff.flipped_to_met] == [2]
    assert [r.result_id for r in diff.only_in_baseline] == [3]


def test_results_that_cannot_be_matched_are_listed_apart() -> None:
    anonymous = result(1, evaluation(True), digital_human_id=None)
    diff = compare(run([anonymous], run_id="1"), run([anonymous], run_id="2"))
    assert diff.pairs == ()
    assert [r.run_id for r in diff.only_in_baseline] == ["1"]
    assert [r.run_id for r in diff.only_in_current] == ["2"]


def test_a_missing_verdict_is_not_a_flip() -> None:
    baseline = run([result(1, evaluation(True), human=7)], run_id="1")
    current = run([result(2, status="failed", human=7)], run_id="2")
    diff = compare(baseline, current)
    assert [p.change for p in diff.pairs] == ["met -> no_verdict"]
    assert diff.flipped_to_missed == diff.flipped_to_met == ()


def test_metric_deltas_say_which_way_is_better() -> None:
    baseline = run(
        [
            result(1, evaluation(True, p95=1000, avg=500), human=1),
            result(2, evaluation(True, p95=1000, avg=500), human=2),
        ],
        run_id="1",
    )
    current = run(
        [
            result(3, evaluation(True, p95=1500, avg=400, hallucination=True), human=1),
            result(4, evaluation(False, p95=1500, avg=400), human=2),
        ],
        run_id="2",
    )
    diff = compare(baseline, current)
    goal = diff.delta("goal_success_rate")
    assert goal is not None
    assert (goal.baseline, goal.current, goal.delta, goal.change) == (1.0, 0.5, -0.5, "worse")
    p95 = diff.delta("p95_latency_ms")
    assert p95 is not None
    assert (p95.delta, p95.change) == (500.0, "worse")
    mean = diff.delta("mean_latency_ms")
    assert mean is not None
    assert (mean.delta, mean.change) == (-100.0, "better")
    redundancy = diff.delta("redundancy_rate")
    assert redundancy is not None
    assert redundancy.change == "same"
    assert [d.metric for d in diff.deltas][:4] == [
        "goal_success_rate",
        "hallucination_rate",
        "redundancy_rate",
        "no_verdict_rate",
    ]
    assert diff.delta("nope") is None


def test_custom_metrics_of_either_run_get_deltas() -> None:
    baseline = run([result(1, evaluation(metrics=[metric("Policy", "true")]))], run_id="1")
    current = run([result(1, evaluation(metrics=[metric("Empathy", "70", "score")]))], run_id="2")
    diff = compare(baseline, current)
    policy = diff.delta("custom_metric_pass_rate:Policy")
    empathy = diff.delta("custom_metric_mean_score:Empathy")
    assert policy is not None
    assert empathy is not None
    assert (policy.baseline, policy.current, policy.change) == (1.0, None, "n/a")
    assert policy.current_basis == "no result reports custom metric 'Policy'"
    assert (empathy.baseline, empathy.current) == (None, 70.0)


def _goal_run(met: int, missed: int, run_id: str) -> SimulationResults:
    results = [result(i, evaluation(i <= met), human=i) for i in range(1, met + missed + 1)]
    return run(results, run_id=run_id)


def test_a_drop_beyond_the_limit_is_a_regression() -> None:
    diff = compare(
        _goal_run(9, 1, "1"),
        _goal_run(7, 3, "2"),
        RegressionLimits(max_goal_success_drop=0.1, max_flipped_to_missed=1),
    )
    assert diff.regressed
    assert (diff.passed, diff.exit_code) == (False, 1)
    assert diff.regressions == (
        "goal success rate dropped 20.0 points, from 90.0% to 70.0% "
        "(more than the 10.0 points allowed by max_goal_success_drop)",
        "2 results went from goal met to missed, more than the 1 allowed by max_flipped_to_missed",
    )


def test_a_drop_exactly_at_the_limit_is_not_a_regression() -> None:
    # 0.9 - 0.85 is 0.05000000000000004 in floating point: still "at the limit".
    diff = compare(
        _goal_run(18, 2, "1"), _goal_run(17, 3, "2"), RegressionLimits(max_goal_success_drop=0.05)
    )
    assert diff.regressions == ()
    assert diff.exit_code == 0


def test_rises_and_custom_metric_drops() -> None:
    base = run(
        [result(1, evaluation(True, p95=1000, avg=500, metrics=[metric("P", "true")]), human=1)],
        run_id="1",
    )
    cur = run(
        [
            result(
                1,
                evaluation(
                    True, p95=1300, avg=500, hallucination=True, metrics=[metric("P", "false")]
                ),
                human=1,
                seconds=90,
            )
        ],
        run_id="2",
    )
    diff = compare(
        base,
        cur,
        RegressionLimits(
            max_hallucination_rise=0.5,
            max_p95_latency_rise_ms=200,
            max_mean_latency_rise_ms=0,
            max_mean_call_duration_rise_s=10,
            max_custom_metric_pass_rate_drop=0.5,
        ),
    )
    assert diff.regressions == (
        "hallucination rate rose 100.0 points, from 0.0% to 100.0% "
        "(more than the 50.0 points allowed by max_hallucination_rise)",
        "p95 latency rose 300.0 ms, from 1,000.0 ms to 1,300.0 ms "
        "(more than the 200.0 ms allowed by max_p95_latency_rise_ms)",
        "mean call duration rose 30.0 s, from 60.0 s to 90.0 s "
        "(more than the 10.0 s allowed by max_mean_call_duration_rise_s)",
        "'P' pass rate dropped 100.0 points, from 100.0% to 0.0% "
        "(more than the 50.0 points allowed by max_custom_metric_pass_rate_drop)",
    )


def test_a_limit_on_a_metric_without_data_is_a_regression() -> None:
    base = _goal_run(1, 0, "1")
    errored = run([result(1, status="failed", human=1)], run_id="2")
    diff = compare(
        base,
        errored,
        RegressionLimits(max_goal_success_drop=0.5, max_custom_metric_pass_rate_drop=0.1),
    )
    assert diff.regressions == (
        "goal success rate cannot be compared (the current run: none of the 1 results has a "
        "goal verdict), so max_goal_success_drop=50.0 points cannot be checked",
        "no custom metric has pass/fail values in both runs, so "
        "max_custom_metric_pass_rate_drop=10.0% cannot be checked",
    )


def test_compare_is_order_free_and_accepts_results() -> None:
    results = [result(i, evaluation(i % 3 != 0, p95=100.0 * i), human=i) for i in range(1, 13)]
    other = [result(i + 50, evaluation(i % 4 != 0), human=i) for i in range(2, 15)]
    reference = compare(run(results, run_id="1"), run(other, run_id="2"))
    for seed in range(5):
        random.Random(seed).shuffle(results)
        random.Random(seed + 1).shuffle(other)
        again = compare(summarize(run(results, run_id="1")), [run(other, run_id="2")])
        assert again == reference


def test_to_dict_is_plain_json() -> None:
    diff = compare(
        _goal_run(2, 0, "1"), _goal_run(1, 1, "2"), RegressionLimits(max_flipped_to_missed=0)
    )
    data = diff.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["regressed"] is True
    assert data["flipped_to_missed"][0]["change"] == "met -> missed"
    assert data["flipped_to_missed"][0]["key"] == [2, None]
    assert data["limits"]["max_flipped_to_missed"] == 0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_goal_success_drop": 5},
        {"max_p95_latency_rise_ms": -1},
        {"max_flipped_to_missed": -1},
        {"max_flipped_to_missed": 0.5},
    ],
)
def test_bad_limits_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidRequestError):
        # **dict[str, float] cannot fill the int field max_flipped_to_missed; the 0.5 case
        # passes a float there on purpose, to reach the runtime check.
        RegressionLimits(**kwargs)  # type: ignore[arg-type]


def test_compare_refuses_other_limits() -> None:
    with pytest.raises(InvalidRequestError):
        compare(_goal_run(1, 0, "1"), _goal_run(1, 0, "2"), {"max_goal_success_drop": 0.1})  # type: ignore[arg-type]


def test_reports_survive_pickling() -> None:
    diff = compare(
        _goal_run(3, 1, "1"), _goal_run(2, 2, "2"), RegressionLimits(max_flipped_to_missed=0)
    )
    assert pickle.loads(pickle.dumps(diff)) == diff
