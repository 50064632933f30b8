"""Metrics and the checks of a gate, shared by the Bluejay and Cognigy reports.

A :class:`Metric` names one number of a summary and knows how to read it (with how many data
points, and why there are none when there are none). A gate is a list of limits on metrics;
:func:`run_checks` turns each into a :class:`Check` with one plain sentence, and the lot into a
:class:`GateResult`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, Generic, Literal, TypeVar

import attrs

from bluejay_async.core.errors import InvalidRequestError
from bluejay_async.report.stats import to_json

__all__ = [
    "Check",
    "GateResult",
    "Limit",
    "Metric",
    "Reading",
    "Unit",
    "check_count",
    "check_fraction",
    "check_non_negative",
    "format_pair",
    "format_value",
    "require_fraction",
    "require_non_negative",
    "run_checks",
]

S = TypeVar("S")
Unit = Literal["rate", "ms", "s", "count", "score"]
Kind = Literal["min", "max"]


@attrs.frozen(kw_only=True)
class Reading:
    """A metric's value in one summary, and what it rests on.

    ``basis`` says what the value was computed over (``"41 of 50 results with a goal
    verdict"``); when ``value`` is ``None`` it says why there is no data.
    """

    value: float | None
    basis: str


@attrs.frozen(kw_only=True)
class Metric(Generic[S]):
    """One number of a summary: its id, a label for sentences, its unit, which way is better."""

    id: str
    label: str
    unit: Unit
    higher_is_better: bool
    read: Callable[[S], Reading] = attrs.field(eq=False, repr=False)


@attrs.frozen(kw_only=True)
class Limit(Generic[S]):
    """A threshold to check: ``metric`` must be at least (``min``) or at most (``max``) ``limit``.

    ``name`` is the threshold's name as the user set it (``min_goal_success_rate``).
    """

    metric: Metric[S]
    kind: Kind
    limit: float
    name: str


@attrs.frozen(kw_only=True)
class Check:
    """The outcome of one threshold.

    Attributes:
        metric, label, unit: the metric checked (``"p95_latency_ms"``, ``"p95 latency"``,
            ``"ms"``; custom metrics are ``"custom_metric_pass_rate:<name>"``).
        threshold: the threshold's name (``"max_p95_latency_ms"``); ``kind``: ``"min"`` or
            ``"max"``; ``limit``: its value.
        value: the summary's value, ``None`` when there is no data (which fails the check).
        basis: what the value rests on, or why there is none.
        passed: whether the value is within the limit.
        message: one plain sentence saying so.
    """

    metric: str
    label: str
    unit: str
    threshold: str
    kind: str
    limit: float
    value: float | None
    basis: str
    passed: bool
    message: str


@attrs.frozen(kw_only=True)
class GateResult(Generic[S]):
    """A summary judged against thresholds.

    Attributes:
        passed: every check passed (true when no threshold was set).
        failures: one plain sentence per failed check, in the order of ``checks``.
        checks: every check, passed or not.
        summary: the summary that was judged.
    """

    passed: bool
    failures: tuple[str, ...]
    checks: tuple[Check, ...]
    summary: S

    @property
    def exit_code(self) -> int:
        """``0`` if passed, else ``1``: ``sys.exit(verdict.exit_code)`` fails a CI job."""
        return 0 if self.passed else 1

    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-able data (attribute names as keys)."""
        data: dict[str, Any] = to_json(self)
        return data


def format_value(value: float, unit: str, *, decimals: int | None = None) -> str:
    """A metric value for a sentence: rates as percentages, durations with their unit."""
    if unit == "rate":
        return f"{value * 100:.{1 if decimals is None else decimals}f}%"
    if unit == "count":
        return f"{value:,.0f}" if decimals is None else f"{value:,.{decimals}f}"
    text = f"{value:,.{1 if decimals is None else decimals}f}"
    return f"{text} {unit}" if unit in ("ms", "s") else text


def format_pair(value: float, limit: float, unit: str) -> tuple[str, str]:
    """``value`` and ``limit`` formatted with enough decimals to tell them apart."""
    for decimals in range(1, 7):
        left = format_value(value, unit, decimals=None if decimals == 1 else decimals)
        right = format_value(limit, unit, decimals=None if decimals == 1 else decimals)
        if left != right or value == limit:
            return left, right
    return left, right


def run_checks(summary: S, limits: Iterable[Limit[S]]) -> GateResult[S]:
    """Check every limit against ``summary``; a limit on a metric with no data fails."""
    checks = tuple(_check(summary, limit) for limit in limits)
    return GateResult(
        passed=all(c.passed for c in checks),
        failures=tuple(c.message for c in checks if not c.passed),
        checks=checks,
        summary=summary,
    )


def _check(summary: S, limit: Limit[S]) -> Check:
    metric = limit.metric
    reading = metric.read(summary)
    value = reading.value
    setting = f"{limit.name}={format_value(limit.limit, metric.unit)}"
    if value is None:
        passed = False
        message = f"{metric.label} has no data ({reading.basis}), so {setting} cannot be met"
    else:
        passed = value >= limit.limit if limit.kind == "min" else value <= limit.limit
        shown, bound = format_pair(value, limit.limit, metric.unit)
        if passed:
            relation = "meets the minimum" if limit.kind == "min" else "is within the maximum"
        else:
            relation = "is below the minimum" if limit.kind == "min" else "is above the maximum"
        message = f"{metric.label} {shown} ({reading.basis}) {relation} {bound}"
    return Check(
        metric=metric.id,
        label=metric.label,
        unit=metric.unit,
        threshold=limit.name,
        kind=limit.kind,
        limit=limit.limit,
        value=value,
        basis=reading.basis,
        passed=passed,
        message=message,
    )


# --- validators of threshold records ---------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def require_fraction(value: Any, where: str) -> None:
    """``None`` or a number in ``0..1``, else ``InvalidRequestError`` naming ``where``."""
    if value is not None and (not _number(value) or not 0 <= value <= 1):
        raise InvalidRequestError(
            f"{where} must be a fraction in 0..1 (0.9 for 90%), got {value!r}", param=where
        )


def require_non_negative(value: Any, where: str) -> None:
    """``None`` or a finite number >= 0, else ``InvalidRequestError`` naming ``where``."""
    if value is not None and (not _number(value) or value < 0):
        raise InvalidRequestError(
            f"{where} must be a finite number >= 0, got {value!r}", param=where
        )


def check_fraction(owner: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: ``None`` or a number in ``0..1``."""
    require_fraction(value, f"{type(owner).__name__}.{attribute.name}")


def check_non_negative(owner: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: ``None`` or a finite number >= 0."""
    require_non_negative(value, f"{type(owner).__name__}.{attribute.name}")


def check_count(owner: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """attrs validator: ``None`` or an int >= 0."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        where = f"{type(owner).__name__}.{attribute.name}"
        raise InvalidRequestError(f"{where} must be an int >= 0, got {value!r}", param=where)
