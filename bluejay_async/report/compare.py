"""``compare``: what changed between a baseline run and the current one, and is it a regression.

- **Metric deltas**: every metric of :data:`~bluejay_async.report.metrics.STANDARD_METRICS` and
  the pass rate / mean score of every custom metric either run reports, as ``current -
  baseline``, with whether that is better or worse.
- **Matching results**: a result is identified by ``(digital_human_id, scenario)`` (the scenario
  where the result names one). With several results per key (``runs_per_digital_human`` > 1)
  the first of each run is paired with the first of the other, and so on, in result-id order.
  Results left over are ``only_in_baseline`` (missing now) or ``only_in_current`` (new); a
  result with neither a digital human nor a scenario cannot be matched and is listed there too.
- **Flips**: paired results whose goal went from met to missed (``flipped_to_missed``) or back
  (``flipped_to_met``). A pair where either side has no verdict is not a flip.
- **Regression verdict**: each limit of :class:`RegressionLimits` that is set is checked; a
  limit on a metric that either run has no data for is a regression too (it cannot be shown
  not to be), with a sentence saying so. Differences within 1e-9 of a limit count as within it
  (rates are subtracted in floating point).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, ClassVar, Literal

import attrs

from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.models import SimulationResults
from bluejay_async.report import metrics as m
from bluejay_async.report.checks import Metric, check_count, check_fraction, check_non_negative
from bluejay_async.report.checks import format_value as fmt
from bluejay_async.report.stats import to_json
from bluejay_async.report.summary import RunSummary, summarize
from bluejay_async.report.verdicts import ResultKey, ResultVerdict

__all__ = ["Comparison", "MetricDelta", "RegressionLimits", "ResultPair", "compare"]

Change = Literal["better", "worse", "same", "n/a"]
_TOLERANCE = 1e-9


@attrs.frozen(kw_only=True)
class RegressionLimits:
    """How much worse the current run may be than the baseline. ``None`` checks nothing.

    Rate limits are fractions (``0.05``: five percentage points); latencies milliseconds;
    durations seconds.

    Args:
        max_goal_success_drop: goal success rate, baseline minus current.
        max_hallucination_rise, max_redundancy_rise, max_no_verdict_rise: current minus
            baseline.
        max_p95_latency_rise_ms, max_mean_latency_rise_ms: current minus baseline.
        max_mean_call_duration_rise_s: current minus baseline.
        max_custom_metric_pass_rate_drop: for each custom metric with pass/fail values in both.
        max_flipped_to_missed: results that went from goal met to missed (``0``: none may).

    Raises:
        InvalidRequestError: a limit of the wrong type or out of range.
    """

    max_goal_success_drop: float | None = attrs.field(default=None, validator=check_fraction)
    max_hallucination_rise: float | None = attrs.field(default=None, validator=check_fraction)
    max_redundancy_rise: float | None = attrs.field(default=None, validator=check_fraction)
    max_no_verdict_rise: float | None = attrs.field(default=None, validator=check_fraction)
    max_p95_latency_rise_ms: float | None = attrs.field(default=None, validator=check_non_negative)
    max_mean_latency_rise_ms: float | None = attrs.field(default=None, validator=check_non_negative)
    max_mean_call_duration_rise_s: float | None = attrs.field(
        default=None, validator=check_non_negative
    )
    max_custom_metric_pass_rate_drop: float | None = attrs.field(
        default=None, validator=check_fraction
    )
    max_flipped_to_missed: int | None = attrs.field(default=None, validator=check_count)


@attrs.frozen(kw_only=True)
class MetricDelta:
    """One metric in both runs.

    Attributes:
        metric, label, unit, higher_is_better: the metric (ids as in
            :mod:`bluejay_async.report.metrics`).
        baseline, current: its values (``None``: no data in that run; the ``*_basis`` says why).
        delta: ``current - baseline``, or ``None`` when either is missing.
        change: ``"better"``, ``"worse"``, ``"same"``, or ``"n/a"`` when either is missing.
    """

    metric: str
    label: str
    unit: str
    higher_is_better: bool
    baseline: float | None
    current: float | None
    delta: float | None
    change: Change
    baseline_basis: str
    current_basis: str


@attrs.frozen(kw_only=True)
class ResultPair:
    """A result of the baseline matched with one of the current run.

    ``repetition`` is its 0-based position among the results sharing the ``key``.
    """

    key: ResultKey
    repetition: int
    baseline: ResultVerdict
    current: ResultVerdict

    _json_properties: ClassVar[tuple[str, ...]] = ("change",)

    @property
    def change(self) -> str:
        """``"met -> missed"``, ``"missed -> met"``, ``"met -> met"``, ``"met -> no_verdict"``..."""
        return f"{self.baseline.outcome} -> {self.current.outcome}"


@attrs.frozen(kw_only=True)
class Comparison:
    """The baseline and the current run side by side (see the module notes).

    Attributes:
        baseline, current: the two summaries; ``limits``: the limits checked.
        deltas: one :class:`MetricDelta` per metric, standard metrics first.
        pairs: every matched pair, by key.
        flipped_to_missed, flipped_to_met: the pairs whose goal verdict flipped.
        only_in_baseline, only_in_current: results that could not be paired.
        regressions: one plain sentence per limit exceeded (or not checkable).
        regressed: whether there is any.
    """

    baseline: RunSummary
    current: RunSummary
    limits: RegressionLimits
    deltas: tuple[MetricDelta, ...]
    pairs: tuple[ResultPair, ...]
    flipped_to_missed: tuple[ResultPair, ...]
    flipped_to_met: tuple[ResultPair, ...]
    only_in_baseline: tuple[ResultVerdict, ...]
    only_in_current: tuple[ResultVerdict, ...]
    regressions: tuple[str, ...]
    regressed: bool

    @property
    def passed(self) -> bool:
        """No regression."""
        return not self.regressed

    @property
    def exit_code(self) -> int:
        """``0`` without regression, else ``1``."""
        return 1 if self.regressed else 0

    def delta(self, metric: str) -> MetricDelta | None:
        """The delta of the metric with this id, if reported."""
        return next((d for d in self.deltas if d.metric == metric), None)

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-able data (attribute names as keys)."""
        data: dict[str, Any] = to_json(self)
        return data


# Which limit watches which metric: a drop for "higher is better" metrics, a rise otherwise.
_LIMITED: tuple[tuple[str, Metric[RunSummary]], ...] = (
    ("max_goal_success_drop", m.GOAL_SUCCESS_RATE),
    ("max_hallucination_rise", m.HALLUCINATION_RATE),
    ("max_redundancy_rise", m.REDUNDANCY_RATE),
    ("max_no_verdict_rise", m.NO_VERDICT_RATE),
    ("max_p95_latency_rise_ms", m.P95_LATENCY_MS),
    ("max_mean_latency_rise_ms", m.MEAN_LATENCY_MS),
    ("max_mean_call_duration_rise_s", m.MEAN_CALL_DURATION_S),
)


def compare(
    baseline: RunSummary | SimulationResults | Iterable[SimulationResults],
    current: RunSummary | SimulationResults | Iterable[SimulationResults],
    limits: RegressionLimits | None = None,
) -> Comparison:
    """Compare the ``current`` run with a ``baseline`` (summaries, or results to summarize)::

        diff = compare(summarize(last_good), summarize(final),
                       RegressionLimits(max_goal_success_drop=0.05, max_flipped_to_missed=0))
        for pair in diff.flipped_to_missed:
            print(pair.current.title, pair.current.goal_reasoning)

    With no limits (the default), nothing is a regression: the deltas and flips are reported.

    Raises:
        InvalidRequestError: an argument of the wrong type.
    """
    limits = RegressionLimits() if limits is None else limits
    if not isinstance(limits, RegressionLimits):
        raise InvalidRequestError(
            f"limits must be a RegressionLimits, got {type(limits).__name__}", param="limits"
        )
    before = baseline if isinstance(baseline, RunSummary) else summarize(baseline)
    after = current if isinstance(current, RunSummary) else summarize(current)
    pairs, only_before, only_after = _pair(before.results, after.results)
    to_missed = tuple(p for p in pairs if p.baseline.goal is True and p.current.goal is False)
    to_met = tuple(p for p in pairs if p.baseline.goal is False and p.current.goal is True)
    deltas = tuple(_delta(metric, before, after) for metric in _metrics(before, after))
    regressions = _regressions(limits, before, after, deltas, len(to_missed))
    return Comparison(
        baseline=before,
        current=after,
        limits=limits,
        deltas=deltas,
        pairs=pairs,
        flipped_to_missed=to_missed,
        flipped_to_met=to_met,
        only_in_baseline=only_before,
        only_in_current=only_after,
        regressions=regressions,
        regressed=bool(regressions),
    )


def _key_order(key: ResultKey) -> tuple[bool, int, bool, str]:
    human, scenario = key
    return (human is None, human or 0, scenario is None, scenario or "")


def _pair(
    before: Iterable[ResultVerdict], after: Iterable[ResultVerdict]
) -> tuple[tuple[ResultPair, ...], tuple[ResultVerdict, ...], tuple[ResultVerdict, ...]]:
    groups: tuple[dict[ResultKey, list[ResultVerdict]], ...] = (
        defaultdict(list),
        defaultdict(list),
    )
    unmatchable: tuple[list[ResultVerdict], list[ResultVerdict]] = ([], [])
    for side, results in enumerate((before, after)):
        for result in results:
            if result.key == (None, None):
                unmatchable[side].append(result)
            else:
                groups[side][result.key].append(result)
    pairs: list[ResultPair] = []
    left, right = unmatchable
    for key in sorted(groups[0].keys() | groups[1].keys(), key=_key_order):
        old, new = groups[0].get(key, []), groups[1].get(key, [])
        pairs.extend(
            ResultPair(key=key, repetition=i, baseline=b, current=c)
            for i, (b, c) in enumerate(zip(old, new, strict=False))
        )
        left.extend(old[len(new) :])
        right.extend(new[len(old) :])
    return tuple(pairs), tuple(left), tuple(right)


def _metrics(before: RunSummary, after: RunSummary) -> list[Metric[RunSummary]]:
    found = list(m.STANDARD_METRICS)
    names = sorted({c.name for s in (before, after) for c in s.custom_metrics})
    for name in names:
        sides = [s.custom_metric(name) for s in (before, after)]
        if any(c is not None and c.passed.judged for c in sides):
            found.append(m.custom_pass_rate(name))
        if any(c is not None and c.score.count for c in sides):
            found.append(m.custom_mean_score(name))
    return found


def _delta(metric: Metric[RunSummary], before: RunSummary, after: RunSummary) -> MetricDelta:
    old, new = metric.read(before), metric.read(after)
    delta: float | None = None
    change: Change = "n/a"
    if old.value is not None and new.value is not None:
        delta = new.value - old.value
        if abs(delta) <= _TOLERANCE:
            change = "same"
        else:
            change = "better" if (delta > 0) == metric.higher_is_better else "worse"
    return MetricDelta(
        metric=metric.id,
        label=metric.label,
        unit=metric.unit,
        higher_is_better=metric.higher_is_better,
        baseline=old.value,
        current=new.value,
        delta=delta,
        change=change,
        baseline_basis=old.basis,
        current_basis=new.basis,
    )


def _regressions(
    limits: RegressionLimits,
    before: RunSummary,
    after: RunSummary,
    deltas: tuple[MetricDelta, ...],
    flipped: int,
) -> tuple[str, ...]:
    by_id = {d.metric: d for d in deltas}
    found: list[str] = []
    for name, metric in _LIMITED:
        limit = getattr(limits, name)
        if limit is not None:
            found.extend(_exceeds(by_id[metric.id], name, limit))
    drop = limits.max_custom_metric_pass_rate_drop
    if drop is not None:
        shared = [
            d
            for d in deltas
            if d.metric.startswith("custom_metric_pass_rate:") and d.delta is not None
        ]
        if not shared:
            found.append(
                "no custom metric has pass/fail values in both runs, so "
                f"max_custom_metric_pass_rate_drop={fmt(drop, 'rate')} cannot be checked"
            )
        for d in shared:
            found.extend(_exceeds(d, "max_custom_metric_pass_rate_drop", drop))
    most = limits.max_flipped_to_missed
    if most is not None and flipped > most:
        found.append(
            f"{flipped} result{'s' if flipped != 1 else ''} went from goal met to missed, "
            f"more than the {most} allowed by max_flipped_to_missed"
        )
    return tuple(found)


def _exceeds(d: MetricDelta, name: str, limit: float) -> list[str]:
    if d.delta is None or d.baseline is None or d.current is None:
        side, basis = (
            ("the baseline", d.baseline_basis)
            if d.baseline is None
            else ("the current run", d.current_basis)
        )
        return [
            f"{d.label} cannot be compared ({side}: {basis}), so "
            f"{name}={_amount(limit, d.unit)} cannot be checked"
        ]
    worse_by = -d.delta if d.higher_is_better else d.delta
    if worse_by - limit <= _TOLERANCE * max(1.0, abs(limit)):
        return []
    verb = "dropped" if d.higher_is_better else "rose"
    return [
        f"{d.label} {verb} {_amount(worse_by, d.unit)}, from {fmt(d.baseline, d.unit)} to "
        f"{fmt(d.current, d.unit)} (more than the {_amount(limit, d.unit)} allowed by {name})"
    ]


def _amount(value: float, unit: str) -> str:
    """A difference: rates in percentage points, the rest in their unit."""
    if unit == "rate":
        return f"{value * 100:.1f} points"
    return fmt(value, unit)
