"""summarize: hand-computed figures on a small run, the per-result rules, and order-freedom."""

from __future__ import annotations

import json
import math
import random
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluejay_async import Latency, SimulationResults
from bluejay_async.errors import InvalidRequestError
from bluejay_async.report import Distribution, Rate, summarize
from tests.report.builders import T0, evaluation, metric, result, run
from tests.report.conftest import five_results


def test_figures_of_the_fixed_run(fixed_run: SimulationResults) -> None:
    s = summarize(fixed_run)
    assert (s.total, s.finished) == (5, 4)
    assert s.status_counts == {"completed": 3, "failed": 1, "in_progress": 1}
    assert s.goal == Rate(hits=2, judged=3, missing=2)
    assert s.goal_success_rate == pytest.approx(2 / 3)
    assert s.no_verdict == 2
    assert s.hallucination == Rate(hits=1, judged=2, missing=3)
    assert s.redundancy == Rate(hits=1, judged=3, missing=2)
    # per-result p95: 1000, 3000, 2000 (result 4's newer evaluation), two results without one
    assert s.latency_p95 == Distribution(
        count=3, missing=2, mean=2000.0, p50=2000.0, p95=3000.0, min=1000.0, max=3000.0
    )
    assert (s.p50_latency_ms, s.p95_latency_ms, s.mean_latency_ms) == (2000.0, 3000.0, 1000.0)
    # seconds: 60 (times), 120 (duration field, ms), 10 (times), 60 (times); result 5 has none
    assert s.call_duration == Distribution(
        count=4, missing=1, mean=62.5, p50=60.0, p95=120.0, min=10.0, max=120.0
    )
    assert s.turns == Distribution(
        count=3, missing=2, mean=8.0, p50=8.0, p95=10.0, min=6.0, max=10.0
    )
    assert [r.result_id for r in s.passed_results] == [1, 4]
    assert [r.result_id for r in s.failed_results] == [2]


def test_custom_metrics_of_the_fixed_run(fixed_run: SimulationResults) -> None:
    s = summarize(fixed_run)
    assert [m.name for m in s.custom_metrics] == ["Empathy", "Policy", "Resolution"]
    empathy, policy, resolution = s.custom_metrics
    assert empathy.reported == 2
    assert empathy.response_types == ("score",)
    assert empathy.score.mean == 60.0
    assert empathy.passed == Rate(hits=0, judged=0, missing=5)
    assert empathy.values == {"40": 1, "80": 1}
    assert policy.passed == Rate(hits=1, judged=2, missing=3)
    assert policy.score.count == 0
    assert resolution.values == {"resolved": 1}
    assert (resolution.passed.judged, resolution.score.count) == (0, 0)
    assert s.custom_metric("Policy") is policy
    assert s.custom_metric("nope") is None


def test_per_result_verdicts_carry_what_a_report_shows(fixed_run: SimulationResults) -> None:
    first, second, errored, reevaluated, running = summarize(fixed_run).results
    assert (first.run_id, first.result_id, first.digital_human_id) == ("77", 1, 101)
    assert (first.scenario, first.outcome, first.goal_reasoning) == ("Book", "met", "goal True")
    assert first.transcript_url == "https://example.test/t/1.json"
    assert first.audio_url == "https://example.test/a/1.wav"
    assert first.key == (101, "Book")
    assert first.title == "result 1 (digital human 101, Book)"
    assert [(m.name, m.passed, m.score) for m in first.custom_metrics] == [
        ("Empathy", None, 80.0),
        ("Policy", True, None),
    ]
    assert (second.outcome, second.hallucination, second.call_duration_s) == ("missed", True, 120.0)
    assert (errored.outcome, errored.goal_reasoning, errored.custom_metrics) == (
        "no_verdict",
        None,
        (),
    )
    assert (errored.status, errored.finished, errored.call_duration_s) == ("failed", True, 10.0)
    assert (reevaluated.goal, reevaluated.p95_latency_ms) == (True, 2000.0)
    assert (running.finished, running.call_duration_s) == (False, None)


def test_the_latest_evaluation_counts_whatever_its_position() -> None:
    newest_first = result(1, evaluation(True, created=60), evaluation(False, created=5))
    undated = result(2, evaluation(True, created=None), evaluation(False, created=0))
    same_time = result(3, evaluation(True, created=1), evaluation(False, created=1))
    goals = [r.goal for r in summarize(run([newest_first, undated, same_time])).results]
    assert goals == [True, False, False]


def test_a_reviewers_override_wins() -> None:
    reviewed = evaluation(
        True,
        human_goal_success=False,
        human_goal_reasoning="the caller hung up first",
        human_hallucination=True,
        metrics=[metric("Policy", "true", human_response_value="false", human_reasoning="no")],
    )
    verdict = summarize(run([result(1, reviewed)])).results[0]
    assert (verdict.goal, verdict.goal_overridden) == (False, True)
    assert verdict.goal_reasoning == "the caller hung up first"
    assert verdict.hallucination is True
    [policy] = verdict.custom_metrics
    assert (policy.value, policy.passed, policy.reasoning, policy.overridden) == (
        "false",
        False,
        "no",
        True,
    )


def test_an_override_without_reasoning_keeps_the_original_reasoning() -> None:
    verdict = summarize(run([result(1, evaluation(True, human_goal_success=True))])).results[0]
    assert (verdict.goal, verdict.goal_reasoning, verdict.goal_overridden) == (
        True,
        "goal True",
        True,
    )


@pytest.mark.parametrize(
    ("value", "passed", "score"),
    [
        ("true", True, None),
        (" Yes ", True, None),
        ("PASSED", True, None),
        ("fail", False, None),
        ("no", False, None),
        ("87.5", None, 87.5),
        ("nan", None, None),
        ("escalated", None, None),
        ("", None, None),
    ],
)
def test_custom_metric_values_are_read_as_pass_fail_or_score(
    value: str, passed: bool | None, score: float | None
) -> None:
    [m] = (
        summarize(run([result(1, evaluation(metrics=[metric("M", value)]))]))
        .results[0]
        .custom_metrics
    )
    assert (m.passed, m.score) == (passed, score)


def test_custom_evals_count_as_pass_fail_metrics_unless_a_metric_has_the_name() -> None:
    evals = [
        {"name": "Confirms", "passed": False, "reasoning": "did not confirm"},
        {"name": "Policy", "passed": False},
        {"name": "", "passed": True},
        {"name": "no verdict"},
        "not an object",
    ]
    only = evaluation(custom_evals=evals, metrics=[metric("Policy", "true")])
    [verdict] = summarize(run([result(1, only)])).results
    assert [(m.name, m.passed, m.reasoning) for m in verdict.custom_metrics] == [
        ("Confirms", False, "did not confirm"),
        ("Policy", True, None),
    ]


def test_latency_falls_back_and_refuses_nonsense() -> None:
    fallback = evaluation(
        avg=None, latency=Latency(p95_agent_latency=-3.0, avg_agent_latency=700.0)
    )
    infinite = evaluation(avg=math.inf, p95=math.inf)
    a, b = summarize(run([result(1, fallback), result(2, infinite)])).results
    assert (a.avg_latency_ms, a.p95_latency_ms) == (700.0, None)
    assert (b.avg_latency_ms, b.p95_latency_ms) == (None, None)


def test_duration_prefers_the_timestamps_and_reads_the_field_as_ms() -> None:
    both = result(1, seconds=42, duration=999_999)
    field_only = result(2, seconds=None, duration=1500)
    backwards = result(3, seconds=None, duration=None, start_time=T0, end_time=T0 - timedelta(1))
    durations = [r.call_duration_s for r in summarize(run([both, field_only, backwards])).results]
    assert durations == [42.0, 1.5, None]


def test_scenario_and_name_come_from_the_result_object() -> None:
    details = {"scenario": "Refill", "digital_human": {"name": "Zoe Patel"}}
    odd = {"scenario": 7, "digital_human": "Zoe"}
    a, b, c = summarize(
        run([result(1, result=details), result(2, result=odd), result(3, human=None)])
    ).results
    assert (a.scenario, a.name, a.title) == (
        "Refill",
        "Zoe Patel",
        "result 1 (digital human 101, Zoe Patel, Refill)",
    )
    assert (b.scenario, b.name) == (None, None)
    assert c.scenario is None


def test_a_result_without_digital_human_or_status() -> None:
    r = result(1, evaluation(), status=None, digital_human_id=None)
    s = summarize(run([r]))
    assert s.status_counts == {"unknown": 1}
    assert s.results[0].title == "result 1"


def test_several_runs_together_sorted_by_run_then_result() -> None:
    a = run([result(2, evaluation(True)), result(1, evaluation(False))], run_id="100")
    b = run([result(3, evaluation(True))], run_id="99")
    c = run([result(4, evaluation(True))], run_id="abc")
    s = summarize([c, a, b])
    assert [r.run_id for r in s.runs] == ["99", "100", "abc"]
    assert [(r.run_id, r.result_id) for r in s.results] == [
        ("99", 3),
        ("100", 1),
        ("100", 2),
        ("abc", 4),
    ]
    assert s.goal == Rate(hits=3, judged=4, missing=0)
    assert summarize(iter([a, b, c])) == s
    assert summarize([]).total == 0


def test_results_given_twice_are_refused() -> None:
    one = run([result(1, evaluation())])
    with pytest.raises(InvalidRequestError, match="run 77 is given twice"):
        summarize([one, one])
    with pytest.raises(InvalidRequestError, match="result 1 appears twice"):
        summarize(run([result(1), result(1)]))


@pytest.mark.parametrize("bad", ["77", 5, None, [object()], {"a": 1}])
def test_anything_but_results_is_refused(bad: object) -> None:
    with pytest.raises(InvalidRequestError):
        summarize(bad)  # type: ignore[arg-type]


def test_to_dict_is_plain_json(fixed_run: SimulationResults) -> None:
    data = summarize(fixed_run).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["goal"] == {"hits": 2, "judged": 3, "missing": 2, "rate": 2 / 3}
    assert data["goal_success_rate"] == 2 / 3
    assert data["runs"][0]["created_at"] == "2025-01-01T10:00:00+00:00"
    first = data["results"][0]
    assert (first["outcome"], first["title"], first["digital_human_id"]) == (
        "met",
        "result 1 (digital human 101, Book)",
        101,
    )
    assert list(data)[:4] == ["runs", "total", "finished", "status_counts"]


# --- order-freedom and a brute-force reference ------------------------------------------


def test_the_same_summary_for_any_order_of_results(fixed_run: SimulationResults) -> None:
    reference = summarize(fixed_run)
    results = five_results()
    for seed in range(20):
        random.Random(seed).shuffle(results)
        assert summarize(run(results)) == reference


one_result = st.builds(
    lambda goal, hall, p95, avg, secs, status, policy: (goal, hall, p95, avg, secs, status, policy),
    st.sampled_from([True, False, None]),
    st.sampled_from([True, False, None]),
    st.one_of(st.none(), st.floats(0, 10_000)),
    st.one_of(st.none(), st.floats(0, 10_000)),
    st.one_of(st.none(), st.integers(0, 900)),
    st.sampled_from(["completed", "failed", "queued", None]),
    st.sampled_from(["true", "false", "42", None]),
)


def _build(spec: list[tuple]) -> list:  # type: ignore[type-arg]
    built = []
    for i, (goal, hall, p95, avg, secs, status, policy) in enumerate(spec, start=1):
        metrics = [] if policy is None else [metric("Policy", policy)]
        ev = evaluation(goal, hallucination=hall, p95=p95, avg=avg, metrics=metrics)
        built.append(result(i, ev, seconds=secs, status=status))
    return built


def _brute_percentile(values: list[float], p: int) -> float | None:
    if not values:
        return None
    return min(v for v in values if sum(x <= v for x in values) * 100 >= p * len(values))


@given(st.lists(one_result, max_size=30), st.randoms(use_true_random=False))
def test_figures_match_a_brute_force_reference(spec: list[tuple], rnd: random.Random) -> None:  # type: ignore[type-arg]
    results = _build(spec)
    shuffled = results[:]
    rnd.shuffle(shuffled)
    s = summarize(run(results))
    assert summarize(run(shuffled)) == s

    goals = [g for g, *_ in spec]
    met, judged = goals.count(True), sum(g is not None for g in goals)
    assert (s.goal.hits, s.goal.judged, s.goal.missing) == (met, judged, len(spec) - judged)
    assert s.goal_success_rate == (met / judged if judged else None)
    halls = [h for _, h, *_ in spec]
    assert s.hallucination.hits == halls.count(True)
    p95s = [p for _, _, p, *_ in spec if p is not None]
    assert s.p95_latency_ms == _brute_percentile(p95s, 95)
    assert s.p50_latency_ms == _brute_percentile(p95s, 50)
    avgs = [a for _, _, _, a, *_ in spec if a is not None]
    assert s.mean_latency_ms == (pytest.approx(sum(avgs) / len(avgs)) if avgs else None)
    secs = [float(x) for *_, x, _, _ in spec if x is not None]
    assert s.call_duration.p95 == _brute_percentile(secs, 95)
    finished = sum(1 for *_, x, st_, _ in spec if x is not None or st_ in ("completed", "failed"))
    assert s.finished == finished
    policies = [p for *_, p in spec]
    policy = s.custom_metric("Policy")
    if all(p is None for p in policies):
        assert policy is None
    else:
        assert policy is not None
        assert policy.passed.hits == policies.count("true")
        assert policy.passed.judged == policies.count("true") + policies.count("false")
        assert policy.score.count == policies.count("42")
