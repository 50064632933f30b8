"""The metrics of a :class:`~bluejay_async.report.RunSummary` that gates and comparisons use.

One catalogue, so that a threshold, a regression limit and a report column all read the same
number the same way. Ids are stable (they appear in ``Check.metric`` and ``MetricDelta.metric``).
"""

from __future__ import annotations

from collections.abc import Callable

from bluejay_async.report.checks import Metric, Reading, Unit
from bluejay_async.report.stats import Distribution, Rate
from bluejay_async.report.summary import RunSummary

__all__ = [
    "GOAL_SUCCESS_RATE",
    "HALLUCINATION_RATE",
    "MEAN_CALL_DURATION_S",
    "MEAN_LATENCY_MS",
    "MEAN_TURNS",
    "NO_VERDICT_RATE",
    "P50_LATENCY_MS",
    "P95_CALL_DURATION_S",
    "P95_LATENCY_MS",
    "REDUNDANCY_RATE",
    "RESULTS_WITH_VERDICT",
    "STANDARD_METRICS",
    "custom_mean_score",
    "custom_pass_rate",
    "distribution_basis",
    "rate_basis",
]


def _none_have(total: int, what: str, items: str) -> str:
    return f"there are no {items}" if total == 0 else f"none of the {total} {items} has {what}"


def rate_basis(rate: Rate, total: int, what: str, items: str = "results") -> Reading:
    """A rate's reading: ``"41 of 50 results with a goal verdict, 3 without"``."""
    if not rate.judged:
        return Reading(value=None, basis=_none_have(total, what, items))
    basis = f"{rate.hits} of {rate.judged} {items} with {what}"
    if rate.missing:
        basis += f", {rate.missing} without"
    return Reading(value=rate.rate, basis=basis)


def distribution_basis(
    dist: Distribution, value: float | None, total: int, what: str, items: str = "results"
) -> Reading:
    """A figure of a distribution: ``"across 48 results, 2 without"``."""
    if not dist.count:
        return Reading(value=None, basis=_none_have(total, what, items))
    basis = f"across {dist.count} {items}"
    if dist.missing:
        basis += f", {dist.missing} without"
    return Reading(value=value, basis=basis)


def _rate(
    id: str, label: str, what: str, higher: bool, pick: Callable[[RunSummary], Rate]
) -> Metric[RunSummary]:
    return Metric(
        id=id,
        label=label,
        unit="rate",
        higher_is_better=higher,
        read=lambda s: rate_basis(pick(s), s.total, what),
    )


def _figure(
    id: str,
    label: str,
    unit: Unit,
    what: str,
    pick: Callable[[RunSummary], Distribution],
    stat: Callable[[Distribution], float | None],
) -> Metric[RunSummary]:
    def read(s: RunSummary) -> Reading:
        dist = pick(s)
        return distribution_basis(dist, stat(dist), s.total, what)

    return Metric(id=id, label=label, unit=unit, higher_is_better=False, read=read)


def _no_verdict(s: RunSummary) -> Reading:
    if not s.total:
        return Reading(value=None, basis="there are no results")
    return Reading(
        value=s.goal.missing / s.total,
        basis=f"{s.goal.missing} of {s.total} results without a goal verdict",
    )


GOAL_SUCCESS_RATE = _rate(
    "goal_success_rate", "goal success rate", "a goal verdict", True, lambda s: s.goal
)
HALLUCINATION_RATE = _rate(
    "hallucination_rate",
    "hallucination rate",
    "a hallucination verdict",
    False,
    lambda s: s.hallucination,
)
REDUNDANCY_RATE = _rate(
    "redundancy_rate", "redundancy rate", "a redundancy verdict", False, lambda s: s.redundancy
)
NO_VERDICT_RATE: Metric[RunSummary] = Metric(
    id="no_verdict_rate",
    label="share of results without a goal verdict",
    unit="rate",
    higher_is_better=False,
    read=_no_verdict,
)
RESULTS_WITH_VERDICT: Metric[RunSummary] = Metric(
    id="results_with_verdict",
    label="number of results with a goal verdict",
    unit="count",
    higher_is_better=True,
    read=lambda s: Reading(value=float(s.goal.judged), basis=f"of {s.total} results"),
)
P50_LATENCY_MS = _figure(
    "p50_latency_ms",
    "p50 latency",
    "ms",
    "a p95 agent latency",
    lambda s: s.latency_p95,
    lambda d: d.p50,
)
P95_LATENCY_MS = _figure(
    "p95_latency_ms",
    "p95 latency",
    "ms",
    "a p95 agent latency",
    lambda s: s.latency_p95,
    lambda d: d.p95,
)
MEAN_LATENCY_MS = _figure(
    "mean_latency_ms",
    "mean latency",
    "ms",
    "an average agent latency",
    lambda s: s.latency_avg,
    lambda d: d.mean,
)
MEAN_CALL_DURATION_S = _figure(
    "mean_call_duration_s",
    "mean call duration",
    "s",
    "a call duration",
    lambda s: s.call_duration,
    lambda d: d.mean,
)
P95_CALL_DURATION_S = _figure(
    "p95_call_duration_s",
    "p95 call duration",
    "s",
    "a call duration",
    lambda s: s.call_duration,
    lambda d: d.p95,
)
MEAN_TURNS = _figure(
    "mean_turns", "mean turns", "count", "a turn count", lambda s: s.turns, lambda d: d.mean
)

STANDARD_METRICS: tuple[Metric[RunSummary], ...] = (
    GOAL_SUCCESS_RATE,
    HALLUCINATION_RATE,
    REDUNDANCY_RATE,
    NO_VERDICT_RATE,
    P50_LATENCY_MS,
    P95_LATENCY_MS,
    MEAN_LATENCY_MS,
    MEAN_CALL_DURATION_S,
    P95_CALL_DURATION_S,
    MEAN_TURNS,
)
"""The metrics every comparison reports, in report order."""


def custom_pass_rate(name: str) -> Metric[RunSummary]:
    """The pass rate of custom metric ``name`` (id ``custom_metric_pass_rate:<name>``)."""

    def read(s: RunSummary) -> Reading:
        metric = s.custom_metric(name)
        if metric is None:
            return Reading(value=None, basis=f"no result reports custom metric {name!r}")
        return rate_basis(metric.passed, s.total, "a pass/fail value")

    return Metric(
        id=f"custom_metric_pass_rate:{name}",
        label=f"{name!r} pass rate",
        unit="rate",
        higher_is_better=True,
        read=read,
    )


def custom_mean_score(name: str) -> Metric[RunSummary]:
    """The mean score of custom metric ``name`` (id ``custom_metric_mean_score:<name>``)."""

    def read(s: RunSummary) -> Reading:
        metric = s.custom_metric(name)
        if metric is None:
            return Reading(value=None, basis=f"no result reports custom metric {name!r}")
        return distribution_basis(metric.score, metric.score.mean, s.total, "a numeric score")

    return Metric(
        id=f"custom_metric_mean_score:{name}",
        label=f"{name!r} mean score",
        unit="score",
        higher_is_better=True,
        read=read,
    )
