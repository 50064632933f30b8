"""Judge simulation runs from code: summarize results, gate them on thresholds, compare runs.

Pure functions over records (no I/O)::

    from bluejay_async.report import Thresholds, summarize, gate, compare

    final = await bj.runs.wait(queued.simulation_run_id)
    summary = summarize(final)
    verdict = gate(summary, Thresholds(min_goal_success_rate=0.9, max_p95_latency_ms=2500))
    verdict.passed, verdict.failures
    diff = compare(summarize(baseline), summary, RegressionLimits(max_goal_success_drop=0.05))
    diff.regressed, diff.flipped_to_missed

The definitions of every figure are in :mod:`bluejay_async.report.summary` (aggregates) and
:mod:`bluejay_async.report.verdicts` (per result); percentiles are nearest-rank
(:func:`~bluejay_async.report.stats.percentile`).
"""

from bluejay_async.report.checks import Check, GateResult, format_value
from bluejay_async.report.compare import (
    Comparison,
    MetricDelta,
    RegressionLimits,
    ResultPair,
    compare,
)
from bluejay_async.report.gate import Thresholds, gate
from bluejay_async.report.stats import Distribution, Rate, percentile
from bluejay_async.report.summary import CustomMetricSummary, RunInfo, RunSummary, summarize
from bluejay_async.report.verdicts import CustomMetricValue, ResultVerdict

__all__ = [
    "Check",
    "Comparison",
    "CustomMetricSummary",
    "CustomMetricValue",
    "Distribution",
    "GateResult",
    "MetricDelta",
    "Rate",
    "RegressionLimits",
    "ResultPair",
    "ResultVerdict",
    "RunInfo",
    "RunSummary",
    "Thresholds",
    "compare",
    "format_value",
    "gate",
    "percentile",
    "summarize",
]
