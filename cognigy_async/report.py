"""Judge a Cognigy simulation batch from code: ``summarize`` its runs, ``gate`` the summary.

The Cognigy twin of :mod:`bluejay_async.report`, with the same arithmetic (nearest-rank
percentiles, order-free figures, missing values left out and counted) and the same
:class:`~bluejay_async.report.GateResult`::

    from cognigy_async.report import CognigyThresholds, gate, summarize

    runs = [run async for run in cg.runs.iterate(simulation_ref, batch_ref)]
    verdict = gate(summarize(runs), CognigyThresholds(min_success_rate=0.9, max_error_rate=0))
    sys.exit(verdict.exit_code)

Definitions, per run (``Run.metrics``):

- **Success rate** = runs with ``metrics.success`` true / runs with a ``success`` value.
- **Error rate** = runs whose ``metrics.status`` is ``ERROR`` / runs with a status (statuses are
  compared case-insensitively; ``status_counts`` keeps them as sent, ``"unknown"`` when absent).
- **Negative sentiment rate** = runs whose ``metrics.sentiment`` is ``negative`` / runs with a
  sentiment.
- **Criteria rate** = success criteria met / criteria evaluated, summed over runs
  (``metrics.success_rate.numerator`` / ``denominator``); ``criteria.missing`` counts runs
  without both numbers.
- **Turns** (``total_turns``) and **duration** (``duration``, milliseconds on the wire, seconds
  here) are described across the runs that have them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, ClassVar

import attrs

from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.report.checks import (
    GateResult,
    Kind,
    Limit,
    Metric,
    Reading,
    check_count,
    check_fraction,
    check_non_negative,
    run_checks,
)
from bluejay_async.report.metrics import distribution_basis, rate_basis
from bluejay_async.report.stats import Distribution, Rate, to_json
from cognigy_async.models import Run

__all__ = [
    "CognigyRunVerdict",
    "CognigySummary",
    "CognigyThresholds",
    "CriterionVerdict",
    "gate",
    "summarize",
]


@attrs.frozen(kw_only=True)
class CriterionVerdict:
    """One evaluated success criterion of a run (from ``metrics.results``)."""

    type: str | None
    success: bool | None
    reason: str | None


@attrs.frozen(kw_only=True)
class CognigyRunVerdict:
    """Everything a report shows about one Cognigy run.

    Attributes:
        run_id, sequence, simulation_reference, batch_reference: which run.
        success: ``metrics.success`` (``None`` when not sent); status, sentiment: as sent.
        turns, max_turns, duration_s: how long it went.
        criteria_met, criteria_total: ``metrics.success_rate`` numerator / denominator.
        criteria: each evaluated success criterion, with its reason.
        summary: ``metrics.summary``; error_category, error_message: ``metrics.error_info``.
        end_point_type, created_at: where and when.
    """

    run_id: str
    sequence: int
    simulation_reference: str
    batch_reference: str
    success: bool | None
    status: str | None
    sentiment: str | None
    turns: int
    max_turns: int | None
    duration_s: float | None
    criteria_met: int | None
    criteria_total: int | None
    criteria: tuple[CriterionVerdict, ...]
    summary: str | None
    error_category: str | None
    error_message: str | None
    end_point_type: str | None
    created_at: datetime

    _json_properties: ClassVar[tuple[str, ...]] = ("outcome", "title")

    @property
    def outcome(self) -> str:
        """``"met"``, ``"missed"`` or ``"no_verdict"``, from :attr:`success`."""
        if self.success is None:
            return "no_verdict"
        return "met" if self.success else "missed"

    @property
    def title(self) -> str:
        """A short label: ``"run 3 (6651...)"``."""
        return f"run {self.sequence} ({self.run_id})"


@attrs.frozen(kw_only=True)
class CognigySummary:
    """The figures of the runs of one or several batches (see the module notes).

    Attributes:
        batches: ``"<simulation_reference>/<batch_reference>"`` of every batch covered.
        total: runs; status_counts, sentiment_counts: runs by each value.
        success, errors, negative_sentiment, criteria: :class:`~bluejay_async.report.Rate`.
        turns, duration: :class:`~bluejay_async.report.Distribution` (duration in seconds).
        runs: every run's :class:`CognigyRunVerdict`, by batch then sequence.
    """

    batches: tuple[str, ...]
    total: int
    status_counts: dict[str, int]
    sentiment_counts: dict[str, int]
    success: Rate
    errors: Rate
    negative_sentiment: Rate
    criteria: Rate
    turns: Distribution
    duration: Distribution
    runs: tuple[CognigyRunVerdict, ...]

    _json_properties: ClassVar[tuple[str, ...]] = ("success_rate", "error_rate")

    @property
    def success_rate(self) -> float | None:
        """Successful runs / runs with a success value."""
        return self.success.rate

    @property
    def error_rate(self) -> float | None:
        """Runs with status ``ERROR`` / runs with a status."""
        return self.errors.rate

    @property
    def failed_runs(self) -> tuple[CognigyRunVerdict, ...]:
        """Runs whose ``success`` is false."""
        return tuple(r for r in self.runs if r.success is False)

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-able data (attribute names as keys, datetimes as ISO-8601)."""
        data: dict[str, Any] = to_json(self)
        return data


def summarize(runs: Iterable[Run]) -> CognigySummary:
    """Summarize Cognigy runs (a batch's, or several batches')::

        summary = summarize([run async for run in cg.runs.iterate(sim_ref, batch_ref)])

    Raises:
        InvalidRequestError: something other than ``Run`` records, or a run given twice.
    """
    if isinstance(runs, (str, bytes)) or not isinstance(runs, Iterable):
        raise InvalidRequestError(
            f"summarize takes an iterable of Run, got {type(runs).__name__}", param="runs"
        )
    verdicts: dict[str, CognigyRunVerdict] = {}
    for index, run in enumerate(runs):
        if not isinstance(run, Run):
            raise InvalidRequestError(
                f"runs[{index}] must be a Run, got {type(run).__name__}", param="runs"
            )
        if run.id in verdicts:
            raise InvalidRequestError(f"run {run.id} is given twice", param="runs")
        verdicts[run.id] = _verdict(run)
    ordered = tuple(
        sorted(
            verdicts.values(),
            key=lambda v: (v.simulation_reference, v.batch_reference, v.sequence, v.run_id),
        )
    )
    statuses = Counter(v.status if v.status is not None else "unknown" for v in ordered)
    moods = Counter(v.sentiment if v.sentiment is not None else "unknown" for v in ordered)
    counted = [v for v in ordered if v.criteria_met is not None and v.criteria_total is not None]
    return CognigySummary(
        batches=tuple(sorted({f"{v.simulation_reference}/{v.batch_reference}" for v in ordered})),
        total=len(ordered),
        status_counts={s: statuses[s] for s in sorted(statuses)},
        sentiment_counts={s: moods[s] for s in sorted(moods)},
        success=Rate.of(v.success for v in ordered),
        errors=Rate.of(None if v.status is None else v.status.upper() == "ERROR" for v in ordered),
        negative_sentiment=Rate.of(
            None if v.sentiment is None else v.sentiment.lower() == "negative" for v in ordered
        ),
        criteria=Rate(
            hits=sum(v.criteria_met or 0 for v in counted),
            judged=sum(v.criteria_total or 0 for v in counted),
            missing=len(ordered) - len(counted),
        ),
        turns=Distribution.of(float(v.turns) for v in ordered),
        duration=Distribution.of(v.duration_s for v in ordered),
        runs=ordered,
    )


def _verdict(run: Run) -> CognigyRunVerdict:
    metrics = run.metrics
    rate = metrics.success_rate
    met, total = (rate.numerator, rate.denominator) if rate is not None else (None, None)
    if met is None or total is None or not 0 <= met <= total:
        met = total = None
    error = metrics.error_info
    return CognigyRunVerdict(
        run_id=run.id,
        sequence=run.sequence,
        simulation_reference=run.simulation_reference,
        batch_reference=run.simulation_run_batch_reference,
        success=metrics.success,
        status=metrics.status,
        sentiment=metrics.sentiment,
        turns=run.total_turns,
        max_turns=run.max_turns,
        duration_s=run.duration / 1000 if run.duration is not None and run.duration >= 0 else None,
        criteria_met=met,
        criteria_total=total,
        criteria=tuple(_criterion(item) for item in metrics.results),
        summary=metrics.summary,
        error_category=error.category if error else None,
        error_message=error.message if error else None,
        end_point_type=run.end_point_type,
        created_at=run.created_at,
    )


def _criterion(item: dict[str, Any]) -> CriterionVerdict:
    kind, success, reason = item.get("type"), item.get("success"), item.get("reason")
    return CriterionVerdict(
        type=kind if isinstance(kind, str) else None,
        success=success if isinstance(success, bool) else None,
        reason=reason if isinstance(reason, str) else None,
    )


# --- gate ------------------------------------------------------------------------------------


def _rate_metric(
    id: str, label: str, what: str, higher: bool, pick: Callable[[CognigySummary], Rate]
) -> Metric[CognigySummary]:
    return Metric(
        id=id,
        label=label,
        unit="rate",
        higher_is_better=higher,
        read=lambda s: rate_basis(pick(s), s.total, what, "runs"),
    )


SUCCESS_RATE = _rate_metric(
    "success_rate", "success rate", "a success value", True, lambda s: s.success
)
ERROR_RATE = _rate_metric("error_rate", "error rate", "a status", False, lambda s: s.errors)
NEGATIVE_SENTIMENT_RATE = _rate_metric(
    "negative_sentiment_rate",
    "negative sentiment rate",
    "a sentiment",
    False,
    lambda s: s.negative_sentiment,
)
RUNS_WITH_VERDICT: Metric[CognigySummary] = Metric(
    id="runs_with_verdict",
    label="number of runs with a success value",
    unit="count",
    higher_is_better=True,
    read=lambda s: Reading(value=float(s.success.judged), basis=f"of {s.total} runs"),
)


def _criteria(s: CognigySummary) -> Reading:
    c = s.criteria
    if not c.judged:
        return Reading(value=None, basis=f"none of the {s.total} runs reports evaluated criteria")
    return Reading(value=c.rate, basis=f"{c.hits} of {c.judged} criteria met")


CRITERIA_RATE: Metric[CognigySummary] = Metric(
    id="criteria_rate",
    label="success criteria rate",
    unit="rate",
    higher_is_better=True,
    read=_criteria,
)
MEAN_TURNS: Metric[CognigySummary] = Metric(
    id="mean_turns",
    label="mean turns",
    unit="count",
    higher_is_better=False,
    read=lambda s: distribution_basis(s.turns, s.turns.mean, s.total, "a turn count", "runs"),
)
MEAN_DURATION_S: Metric[CognigySummary] = Metric(
    id="mean_duration_s",
    label="mean duration",
    unit="s",
    higher_is_better=False,
    read=lambda s: distribution_basis(s.duration, s.duration.mean, s.total, "a duration", "runs"),
)
P95_DURATION_S: Metric[CognigySummary] = Metric(
    id="p95_duration_s",
    label="p95 duration",
    unit="s",
    higher_is_better=False,
    read=lambda s: distribution_basis(s.duration, s.duration.p95, s.total, "a duration", "runs"),
)


@attrs.frozen(kw_only=True)
class CognigyThresholds:
    """The limits a batch must meet; each is optional (``None`` checks nothing).

    Rates are fractions (``0.9`` is 90%), durations seconds. A threshold on a figure without
    data fails, with a sentence saying why.

    Args:
        min_success_rate, max_error_rate, max_negative_sentiment_rate, min_criteria_rate:
            see the module notes.
        min_runs: runs with a success value (guards against a batch that judged nothing).
        max_mean_turns: mean ``total_turns``.
        max_mean_duration_s, max_p95_duration_s: run duration.

    Raises:
        InvalidRequestError: a limit of the wrong type or out of range.
    """

    min_success_rate: float | None = attrs.field(default=None, validator=check_fraction)
    max_error_rate: float | None = attrs.field(default=None, validator=check_fraction)
    max_negative_sentiment_rate: float | None = attrs.field(default=None, validator=check_fraction)
    min_criteria_rate: float | None = attrs.field(default=None, validator=check_fraction)
    min_runs: int | None = attrs.field(default=None, validator=check_count)
    max_mean_turns: float | None = attrs.field(default=None, validator=check_non_negative)
    max_mean_duration_s: float | None = attrs.field(default=None, validator=check_non_negative)
    max_p95_duration_s: float | None = attrs.field(default=None, validator=check_non_negative)


_LIMITS: tuple[tuple[str, Kind, Metric[CognigySummary]], ...] = (
    ("min_success_rate", "min", SUCCESS_RATE),
    ("max_error_rate", "max", ERROR_RATE),
    ("max_negative_sentiment_rate", "max", NEGATIVE_SENTIMENT_RATE),
    ("min_criteria_rate", "min", CRITERIA_RATE),
    ("min_runs", "min", RUNS_WITH_VERDICT),
    ("max_mean_turns", "max", MEAN_TURNS),
    ("max_mean_duration_s", "max", MEAN_DURATION_S),
    ("max_p95_duration_s", "max", P95_DURATION_S),
)


def gate(summary: CognigySummary, thresholds: CognigyThresholds) -> GateResult[CognigySummary]:
    """Judge a Cognigy summary against ``thresholds`` (checks in the order of the fields).

    Raises:
        InvalidRequestError: arguments of the wrong type.
    """
    if not isinstance(summary, CognigySummary):
        raise InvalidRequestError(
            f"summary must be a CognigySummary, got {type(summary).__name__}", param="summary"
        )
    if not isinstance(thresholds, CognigyThresholds):
        raise InvalidRequestError(
            f"thresholds must be a CognigyThresholds, got {type(thresholds).__name__}",
            param="thresholds",
        )
    limits = [
        Limit(metric=metric, kind=kind, limit=float(getattr(thresholds, name)), name=name)
        for name, kind, metric in _LIMITS
        if getattr(thresholds, name) is not None
    ]
    return run_checks(summary, limits)
