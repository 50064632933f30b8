"""The arithmetic of a report: percentiles, means, rates and distributions, as pure functions.

Every number here is the same whatever order its inputs come in: percentiles sort, means are
computed with :func:`math.fsum` (exactly rounded, so order-free), rates are ratios of counts.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import datetime
from fractions import Fraction
from typing import Any

import attrs

from bluejay_async.core.errors import InvalidRequestError

__all__ = ["Distribution", "Rate", "mean", "percentile", "to_json"]


def percentile(values: Sequence[float], p: float) -> float | None:
    """The ``p``-th percentile of ``values`` by the **nearest-rank** method, or ``None`` if empty.

    Sort the values ascending; the result is the one at rank ``ceil(p / 100 * n)`` (1-based),
    rank 1 for ``p == 0``. Equivalently: the smallest value such that at least ``p`` percent of
    the values are less than or equal to it. It is always one of the values (no interpolation),
    so "p95 latency 2,310 ms" means a result really had 2,310 ms. The rank is computed exactly
    (``p=95`` of 20 values is rank 19, not 20 by a rounding error).

    Raises:
        InvalidRequestError: ``p`` outside ``0..100``.
    """
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 100:
        raise InvalidRequestError(f"p must be a number in 0..100, got {p!r}", param="p")
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(Fraction(p) * len(ordered) / 100))
    return ordered[rank - 1]


def mean(values: Sequence[float]) -> float | None:
    """The arithmetic mean (``math.fsum`` / n), or ``None`` if empty."""
    if not values:
        return None
    return math.fsum(values) / len(values)


@attrs.frozen(kw_only=True)
class Rate:
    """A proportion among the items that have a value for it.

    Attributes:
        hits: items for which it holds (goal met, hallucinated, passed, ...).
        judged: items that have a yes/no value at all (the denominator).
        missing: items that have no value (excluded from the denominator, reported apart).
        rate: ``hits / judged``, or ``None`` when nothing was judged.
    """

    hits: int
    judged: int
    missing: int = 0
    rate: float | None = attrs.field(init=False)

    @rate.default
    def _rate(self) -> float | None:
        return self.hits / self.judged if self.judged else None

    @classmethod
    def of(cls, flags: Iterable[bool | None]) -> Rate:
        """Count ``True`` / ``False`` values; ``None`` counts as missing."""
        hits = judged = missing = 0
        for flag in flags:
            if flag is None:
                missing += 1
            else:
                judged += 1
                hits += flag
        return cls(hits=hits, judged=judged, missing=missing)


@attrs.frozen(kw_only=True)
class Distribution:
    """How a numeric value spreads across the items that have it.

    Attributes:
        count: items with a value (the rest are ``missing`` and take no part in the figures).
        missing: items without one.
        mean: arithmetic mean. ``p50`` / ``p95``: nearest-rank percentiles (see
            :func:`percentile`). ``min`` / ``max``. All ``None`` when ``count`` is 0.
    """

    count: int
    missing: int
    mean: float | None
    p50: float | None
    p95: float | None
    min: float | None
    max: float | None

    @classmethod
    def of(cls, values: Iterable[float | None]) -> Distribution:
        """Describe ``values``; ``None`` and non-finite numbers count as missing."""
        present: list[float] = []
        missing = 0
        for value in values:
            if value is None or not math.isfinite(value):
                missing += 1
            else:
                present.append(float(value))
        present.sort()
        return cls(
            count=len(present),
            missing=missing,
            mean=mean(present),
            p50=percentile(present, 50),
            p95=percentile(present, 95),
            min=present[0] if present else None,
            max=present[-1] if present else None,
        )


def to_json(value: Any) -> Any:
    """A record as plain JSON-able data: dicts, lists, strings, numbers, booleans, ``None``.

    An attrs record becomes a dict of its fields (by attribute name) plus the properties its
    class lists in ``_json_properties`` (``ResultVerdict.outcome``, ...); tuples become lists,
    datetimes ISO-8601 strings. Key order follows the class definition, so it is stable.
    """
    if attrs.has(type(value)):
        data = {a.name: to_json(getattr(value, a.name)) for a in attrs.fields(type(value))}
        for name in getattr(type(value), "_json_properties", ()):
            data[name] = to_json(getattr(value, name))
        return data
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    return value
