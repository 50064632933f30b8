"""``gate``: judge a :class:`~bluejay_async.report.RunSummary` against :class:`Thresholds`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.report import metrics as m
from bluejay_async.report.checks import (
    GateResult,
    Kind,
    Limit,
    Metric,
    Reading,
    check_count,
    check_fraction,
    check_non_negative,
    require_fraction,
    require_non_negative,
    run_checks,
)
from bluejay_async.report.summary import RunSummary

__all__ = ["Thresholds", "gate"]


def _per_name(require: Callable[[Any, str], None]) -> Any:
    """attrs validator of a mapping of custom metric name to limit."""

    def validate(owner: Any, attribute: attrs.Attribute[Any], value: Mapping[Any, Any]) -> None:
        where = f"{type(owner).__name__}.{attribute.name}"
        for name, limit in value.items():
            if not isinstance(name, str) or not name:
                raise InvalidRequestError(
                    f"{where} keys must be custom metric names, got {name!r}", param=where
                )
            require(limit, f"{where}[{name!r}]")

    return validate


def _mapping(value: Any) -> dict[Any, Any]:
    if not isinstance(value, Mapping):
        raise InvalidRequestError(
            f"expected a mapping of custom metric name to limit, got {type(value).__name__}"
        )
    return dict(value)


@attrs.frozen(kw_only=True)
class Thresholds:
    """The limits a run must meet. Every one is optional: ``None`` (or empty) checks nothing.

    Rates are fractions (``0.9`` is 90%); latencies milliseconds; durations seconds. The
    metrics are defined in :mod:`bluejay_async.report.summary`. A threshold on a metric that has
    no data in the summary fails, with a sentence saying why.

    Args:
        min_goal_success_rate: goal met / results with a goal verdict.
        max_hallucination_rate, max_redundancy_rate: flagged / results with that verdict.
        max_no_verdict_rate: results without a goal verdict / all results.
        min_results: results with a goal verdict (guards against a run that judged nothing).
        max_p50_latency_ms, max_p95_latency_ms: median / p95 across results of the per-result
            p95 agent latency.
        max_mean_latency_ms: mean across results of the per-result average agent latency.
        max_mean_call_duration_s, max_p95_call_duration_s: call duration across results.
        min_custom_metric_pass_rate: for every custom metric that has pass/fail values.
        min_custom_metric_pass_rates: per custom metric name.
        min_custom_metric_mean_scores: mean numeric score, per custom metric name.

    Raises:
        InvalidRequestError: a limit of the wrong type or out of range.
    """

    min_goal_success_rate: float | None = attrs.field(default=None, validator=check_fraction)
    max_hallucination_rate: float | None = attrs.field(default=None, validator=check_fraction)
    max_redundancy_rate: float | None = attrs.field(default=None, validator=check_fraction)
    max_no_verdict_rate: float | None = attrs.field(default=None, validator=check_fraction)
    min_results: int | None = attrs.field(default=None, validator=check_count)
    max_p50_latency_ms: float | None = attrs.field(default=None, validator=check_non_negative)
    max_p95_latency_ms: float | None = attrs.field(default=None, validator=check_non_negative)
    max_mean_latency_ms: float | None = attrs.field(default=None, validator=check_non_negative)
    max_mean_call_duration_s: float | None = attrs.field(default=None, validator=check_non_negative)
    max_p95_call_duration_s: float | None = attrs.field(default=None, validator=check_non_negative)
    min_custom_metric_pass_rate: float | None = attrs.field(default=None, validator=check_fraction)
    min_custom_metric_pass_rates: Mapping[str, float] = attrs.field(
        factory=dict, converter=_mapping, validator=_per_name(require_fraction)
    )
    min_custom_metric_mean_scores: Mapping[str, float] = attrs.field(
        factory=dict, converter=_mapping, validator=_per_name(require_non_negative)
    )


_SIMPLE: tuple[tuple[str, Kind, Metric[RunSummary]], ...] = (
    ("min_goal_success_rate", "min", m.GOAL_SUCCESS_RATE),
    ("max_hallucination_rate", "max", m.HALLUCINATION_RATE),
    ("max_redundancy_rate", "max", m.REDUNDANCY_RATE),
    ("max_no_verdict_rate", "max", m.NO_VERDICT_RATE),
    ("min_results", "min", m.RESULTS_WITH_VERDICT),
    ("max_p50_latency_ms", "max", m.P50_LATENCY_MS),
    ("max_p95_latency_ms", "max", m.P95_LATENCY_MS),
    ("max_mean_latency_ms", "max", m.MEAN_LATENCY_MS),
    ("max_mean_call_duration_s", "max", m.MEAN_CALL_DURATION_S),
    ("max_p95_call_duration_s", "max", m.P95_CALL_DURATION_S),
)


_ANY_CUSTOM_PASS_RATE: Metric[RunSummary] = Metric(
    id="custom_metric_pass_rate",
    label="custom metric pass rate",
    unit="rate",
    higher_is_better=True,
    read=lambda s: Reading(
        value=None,
        basis=f"no custom metric has pass/fail values in the {s.total} results"
        if s.total
        else "there are no results",
    ),
)
"""Stands for "every custom metric" when none has pass/fail values: its check fails."""


def gate(summary: RunSummary, thresholds: Thresholds) -> GateResult[RunSummary]:
    """Judge ``summary`` against ``thresholds``::

        verdict = gate(summarize(final), Thresholds(min_goal_success_rate=0.9))
        if not verdict.passed:
            print("\\n".join(verdict.failures))
        sys.exit(verdict.exit_code)

    Returns:
        A :class:`~bluejay_async.report.GateResult`: ``passed``, one sentence per failure in
        ``failures``, every :class:`~bluejay_async.report.Check` in ``checks`` (in the order of
        the :class:`Thresholds` fields), and the ``summary``.

    Raises:
        InvalidRequestError: ``summary`` is not a ``RunSummary`` or ``thresholds`` not a
            ``Thresholds``.
    """
    if not isinstance(summary, RunSummary):
        raise InvalidRequestError(
            f"summary must be a RunSummary (from summarize), got {type(summary).__name__}",
            param="summary",
        )
    if not isinstance(thresholds, Thresholds):
        raise InvalidRequestError(
            f"thresholds must be a Thresholds, got {type(thresholds).__name__}",
            param="thresholds",
        )
    limits: list[Limit[RunSummary]] = []
    for name, kind, metric in _SIMPLE:
        value = getattr(thresholds, name)
        if value is not None:
            limits.append(Limit(metric=metric, kind=kind, limit=float(value), name=name))
    every = thresholds.min_custom_metric_pass_rate
    if every is not None:
        with_values = [c.name for c in summary.custom_metrics if c.passed.judged]
        if not with_values:
            limits.append(
                Limit(
                    metric=_ANY_CUSTOM_PASS_RATE,
                    kind="min",
                    limit=float(every),
                    name="min_custom_metric_pass_rate",
                )
            )
        for name in with_values:
            limits.append(
                Limit(
                    metric=m.custom_pass_rate(name),
                    kind="min",
                    limit=float(every),
                    name="min_custom_metric_pass_rate",
                )
            )
    for name, limit in sorted(thresholds.min_custom_metric_pass_rates.items()):
        limits.append(
            Limit(
                metric=m.custom_pass_rate(name),
                kind="min",
                limit=float(limit),
                name=f"min_custom_metric_pass_rates[{name!r}]",
            )
        )
    for name, limit in sorted(thresholds.min_custom_metric_mean_scores.items()):
        limits.append(
            Limit(
                metric=m.custom_mean_score(name),
                kind="min",
                limit=float(limit),
                name=f"min_custom_metric_mean_scores[{name!r}]",
            )
        )
    return run_checks(summary, limits)
