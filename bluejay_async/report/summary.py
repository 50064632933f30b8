"""``summarize``: the figures of one or several runs, as a :class:`RunSummary`.

Definitions (the per-result rules are in :mod:`bluejay_async.report.verdicts`):

- **Results** are every result of every run given, finished or not; ``status_counts`` counts
  them by their own ``status`` string (``"unknown"`` when none was sent).
- **Goal success rate** = results whose goal was met / results with a goal verdict. A result
  without a verdict (no evaluation, or an evaluation without ``goal_success``: typically a call
  that errored or has not finished) is excluded from the rate and counted in ``goal.missing``,
  which a gate can limit (``max_no_verdict_rate``).
- **Hallucination rate** / **redundancy rate** = results flagged / results with that verdict.
- **Latency**: ``latency_p95`` describes, across results, each result's p95 agent latency (so
  ``p95_latency_ms`` is the p95 across results of the per-result p95, ``p50_latency_ms`` its
  median); ``latency_avg`` describes each result's average agent latency, and
  ``mean_latency_ms`` is the mean of those averages. Milliseconds.
- **Call duration** (seconds) and **turns** are described across the results that have them.
- **Custom metrics**: per metric name, the pass rate over results with a pass/fail reading of
  it, the distribution of numeric scores, and how often each value was given.
- Percentiles are nearest-rank (:func:`~bluejay_async.report.stats.percentile`); a missing value
  never counts as zero, it is left out and counted as missing.

The summary is the same whatever order runs and results arrive in: results are sorted by run id
then result id, every figure is order-free.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any, ClassVar

import attrs

from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.models import SimulationResults
from bluejay_async.report.stats import Distribution, Rate, to_json
from bluejay_async.report.verdicts import CustomMetricValue, ResultVerdict, verdict_of

__all__ = ["CustomMetricSummary", "RunInfo", "RunSummary", "summarize"]


@attrs.frozen(kw_only=True)
class RunInfo:
    """A run that a summary covers."""

    run_id: str
    simulation_id: str
    status: str | None
    created_at: datetime
    summary: str | None
    total_tests: int | None


@attrs.frozen(kw_only=True)
class CustomMetricSummary:
    """One custom metric across the results of a summary.

    Attributes:
        name: the metric's name; ``response_types``: the types it was reported with.
        reported: results that report it.
        passed: pass rate over results with a pass/fail reading of it (``missing``: the
            summary's other results).
        score: the distribution of its numeric scores (``missing``: results without one).
        values: how many results gave each value, by value.
    """

    name: str
    response_types: tuple[str, ...]
    reported: int
    passed: Rate
    score: Distribution
    values: dict[str, int]


@attrs.frozen(kw_only=True)
class RunSummary:
    """What a reviewer reads about one or several runs (see the module notes for definitions).

    Attributes:
        runs: the runs covered, by run id.
        total: results; ``finished``: those whose call is over; ``status_counts``: results by
            status.
        goal, hallucination, redundancy: :class:`~bluejay_async.report.stats.Rate` of each
            verdict (``goal.missing`` is the number of results without a goal verdict).
        latency_p95, latency_avg: per-result p95 / average agent latency across results (ms).
        call_duration: seconds; ``turns``: agent turns per call.
        custom_metrics: per custom metric name, sorted by name.
        results: every result's :class:`~bluejay_async.report.ResultVerdict`, sorted by run id
            then result id.
    """

    runs: tuple[RunInfo, ...]
    total: int
    finished: int
    status_counts: dict[str, int]
    goal: Rate
    hallucination: Rate
    redundancy: Rate
    latency_p95: Distribution
    latency_avg: Distribution
    call_duration: Distribution
    turns: Distribution
    custom_metrics: tuple[CustomMetricSummary, ...]
    results: tuple[ResultVerdict, ...]

    _json_properties: ClassVar[tuple[str, ...]] = (
        "goal_success_rate",
        "hallucination_rate",
        "p50_latency_ms",
        "p95_latency_ms",
        "mean_latency_ms",
    )

    @property
    def goal_success_rate(self) -> float | None:
        """Goal met / results with a goal verdict (``None`` when no result has one)."""
        return self.goal.rate

    @property
    def hallucination_rate(self) -> float | None:
        """Results that hallucinated / results with a hallucination verdict."""
        return self.hallucination.rate

    @property
    def p50_latency_ms(self) -> float | None:
        """The median across results of the per-result p95 agent latency."""
        return self.latency_p95.p50

    @property
    def p95_latency_ms(self) -> float | None:
        """The p95 across results of the per-result p95 agent latency."""
        return self.latency_p95.p95

    @property
    def mean_latency_ms(self) -> float | None:
        """The mean across results of the per-result average agent latency."""
        return self.latency_avg.mean

    @property
    def no_verdict(self) -> int:
        """Results without a goal verdict."""
        return self.goal.missing

    @property
    def passed_results(self) -> tuple[ResultVerdict, ...]:
        """Results whose goal was met."""
        return tuple(r for r in self.results if r.goal is True)

    @property
    def failed_results(self) -> tuple[ResultVerdict, ...]:
        """Results whose goal was missed."""
        return tuple(r for r in self.results if r.goal is False)

    def custom_metric(self, name: str) -> CustomMetricSummary | None:
        """The summary of the custom metric ``name``, if any result reports it."""
        return next((m for m in self.custom_metrics if m.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-able data (attribute names as keys, datetimes as ISO-8601)."""
        data: dict[str, Any] = to_json(self)
        return data


def summarize(results: SimulationResults | Iterable[SimulationResults]) -> RunSummary:
    """Summarize one run's results (``runs.wait``'s answer) or several runs' together.

    Raises:
        InvalidRequestError: something other than ``SimulationResults``, or the same result of
            the same run given twice.
    """
    snapshots = [results] if isinstance(results, SimulationResults) else _listed(results)
    runs: dict[str, RunInfo] = {}
    verdicts: dict[tuple[str, int], ResultVerdict] = {}
    for snapshot in snapshots:
        run = snapshot.simulation_run
        if run.id in runs:
            raise InvalidRequestError(f"run {run.id} is given twice", param="results")
        runs[run.id] = RunInfo(
            run_id=run.id,
            simulation_id=run.simulation_id,
            status=run.status,
            created_at=run.created_at,
            summary=run.summary,
            total_tests=run.total_tests,
        )
        for result in snapshot.simulation_results:
            key = (run.id, result.id)
            if key in verdicts:
                raise InvalidRequestError(
                    f"result {result.id} appears twice in run {run.id}", param="results"
                )
            verdicts[key] = verdict_of(result, run.id)
    ordered = tuple(verdicts[k] for k in sorted(verdicts, key=lambda k: (_natural(k[0]), k[1])))
    statuses = Counter(r.status if r.status is not None else "unknown" for r in ordered)
    return RunSummary(
        runs=tuple(runs[k] for k in sorted(runs, key=_natural)),
        total=len(ordered),
        finished=sum(r.finished for r in ordered),
        status_counts={s: statuses[s] for s in sorted(statuses)},
        goal=Rate.of(r.goal for r in ordered),
        hallucination=Rate.of(r.hallucination for r in ordered),
        redundancy=Rate.of(r.redundancy for r in ordered),
        latency_p95=Distribution.of(r.p95_latency_ms for r in ordered),
        latency_avg=Distribution.of(r.avg_latency_ms for r in ordered),
        call_duration=Distribution.of(r.call_duration_s for r in ordered),
        turns=Distribution.of(None if r.num_turns is None else float(r.num_turns) for r in ordered),
        custom_metrics=_custom_metrics(ordered),
        results=ordered,
    )


def _listed(results: Any) -> list[SimulationResults]:
    if isinstance(results, (str, bytes)) or not isinstance(results, Iterable):
        raise InvalidRequestError(
            "summarize takes a SimulationResults or an iterable of them, "
            f"got {type(results).__name__}",
            param="results",
        )
    listed = list(results)
    for index, item in enumerate(listed):
        if not isinstance(item, SimulationResults):
            raise InvalidRequestError(
                f"results[{index}] must be a SimulationResults, got {type(item).__name__}",
                param="results",
            )
    return listed


def _natural(run_id: str) -> tuple[int, int, str]:
    """Numeric ids in numeric order, before any other id in text order."""
    return (0, int(run_id), run_id) if run_id.isascii() and run_id.isdigit() else (1, 0, run_id)


def _custom_metrics(results: tuple[ResultVerdict, ...]) -> tuple[CustomMetricSummary, ...]:
    per_name: dict[str, list[CustomMetricValue | None]] = {}
    for index, result in enumerate(results):
        for metric in result.custom_metrics:
            per_name.setdefault(metric.name, [None] * len(results))[index] = metric
    summaries = []
    for name in sorted(per_name):
        values = per_name[name]
        given = [v for v in values if v is not None]
        tally = Counter(v.value for v in given if v.value is not None)
        summaries.append(
            CustomMetricSummary(
                name=name,
                response_types=tuple(sorted({v.response_type for v in given})),
                reported=len(given),
                passed=Rate.of(None if v is None else v.passed for v in values),
                score=Distribution.of(None if v is None else v.score for v in values),
                values={value: tally[value] for value in sorted(tally)},
            )
        )
    return tuple(summaries)
