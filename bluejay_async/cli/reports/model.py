"""What every report shows, built once from a judged Bluejay run or Cognigy batch.

A :class:`Report` is the neutral form the writers (console, JUnit, Markdown, HTML) render, so
they share one reading of the SDK's records: the verdict, a row per metric with its threshold
and baseline, one :class:`Case` per simulated call, success by group, the distributions to
chart, and the results that flipped. :mod:`~.from_bluejay` and :mod:`~.from_cognigy` build
it; every figure comes from :mod:`bluejay_async.report` / :mod:`cognigy_async.report`, nothing
is recomputed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

import attrs

from bluejay_async.report import Check, Comparison
from bluejay_async.report.checks import Reading
from bluejay_async.report.stats import Distribution

__all__ = [
    "Case",
    "Direction",
    "Flip",
    "Group",
    "MetricRow",
    "Outcome",
    "Report",
    "Series",
    "Suite",
    "metric_rows",
    "success_groups",
    "threshold_check",
]

Outcome = Literal["met", "missed", "no_verdict"]
Direction = Literal["to_missed", "to_met"]


@attrs.frozen(kw_only=True)
class MetricRow:
    """One metric: its value, the thresholds on it, and the baseline's value.

    ``passed`` is ``None`` when no threshold applies; ``change`` is ``MetricDelta.change``
    (``None`` without a baseline).
    """

    metric: str
    label: str
    unit: str
    value: float | None
    basis: str
    checks: tuple[Check, ...] = ()
    baseline: float | None = None
    delta: float | None = None
    change: str | None = None

    @property
    def passed(self) -> bool | None:
        """Every threshold on this metric is met (``None``: there is none)."""
        return all(c.passed for c in self.checks) if self.checks else None


@attrs.frozen(kw_only=True)
class Case:
    """One simulated call (a Bluejay result, a Cognigy run): a JUnit test case.

    ``seconds`` is the call's duration; ``reasoning`` why its goal was met or missed;
    ``links`` are ``(label, url)`` pairs as the API sent them (untrusted: writers check them).
    """

    id: str
    name: str
    classname: str
    outcome: Outcome
    status: str | None
    seconds: float | None
    reasoning: str | None
    details: tuple[str, ...] = ()
    links: tuple[tuple[str, str], ...] = ()


@attrs.frozen(kw_only=True)
class Suite:
    """The cases of one run (a JUnit test suite)."""

    id: str
    name: str
    timestamp: datetime | None
    properties: tuple[tuple[str, str], ...]
    cases: tuple[Case, ...]


@attrs.frozen(kw_only=True)
class Group:
    """Success within one group of cases (a digital human, a criterion type)."""

    label: str
    met: int
    missed: int
    no_verdict: int


@attrs.frozen(kw_only=True)
class Series:
    """A per-case value to chart: the values present and the summary's figures of them."""

    metric: str
    title: str
    unit: str
    values: tuple[float, ...]
    distribution: Distribution
    limit: Check | None = None


@attrs.frozen(kw_only=True)
class Flip:
    """A call whose goal verdict flipped against the baseline."""

    name: str
    direction: Direction
    baseline_reasoning: str | None
    reasoning: str | None
    links: tuple[tuple[str, str], ...]


@attrs.frozen(kw_only=True)
class Report:
    """Everything the writers render (see the module notes)."""

    product: str
    title: str
    gate_passed: bool
    checks: tuple[Check, ...]
    failures: tuple[str, ...]
    baseline: str | None
    regressions: tuple[str, ...]
    rows: tuple[MetricRow, ...]
    suites: tuple[Suite, ...]
    group_title: str
    groups: tuple[Group, ...]
    series: tuple[Series, ...]
    flips: tuple[Flip, ...] = ()
    unmatched: tuple[int, int] = (0, 0)
    noun: str = "results"
    met_words: str = "met their goal"
    missed_words: str = "missed it"
    missed_title: str = "Missed goals"

    @property
    def tally(self) -> str:
        """``10 results: 7 met their goal, 3 missed it, 0 without a verdict``."""
        return (
            f"{len(self.cases)} {self.noun}: {self.count('met')} {self.met_words}, "
            f"{self.count('missed')} {self.missed_words}, "
            f"{self.count('no_verdict')} without a verdict"
        )

    @property
    def regressed(self) -> bool:
        """A regression limit was exceeded against the baseline."""
        return bool(self.regressions)

    @property
    def passed(self) -> bool:
        """The gate passed and nothing regressed."""
        return self.gate_passed and not self.regressed

    @property
    def cases(self) -> tuple[Case, ...]:
        """Every case of every suite."""
        return tuple(c for s in self.suites for c in s.cases)

    def count(self, outcome: Outcome) -> int:
        """Cases with this outcome."""
        return sum(c.outcome == outcome for c in self.cases)

    @property
    def headline(self) -> str:
        """``PASSED: all 3 thresholds met`` / ``FAILED: 1 of 3 thresholds not met; ...``."""
        parts: list[str] = []
        total = len(self.checks)
        if not total:
            parts.append("no thresholds set")
        elif self.gate_passed:
            parts.append(f"all {total} threshold{'s' if total != 1 else ''} met")
        else:
            parts.append(f"{len(self.failures)} of {total} thresholds not met")
        if self.baseline is not None:
            if self.regressed:
                n = len(self.regressions)
                parts.append(f"regressed against {self.baseline} ({n} limit{'s' * (n != 1)})")
            else:
                parts.append(f"no regression against {self.baseline}")
        return ("PASSED" if self.passed else "FAILED") + ": " + "; ".join(parts)


def metric_rows(
    readings: Iterable[tuple[str, str, str, Reading]],
    checks: Sequence[Check],
    comparison: Comparison | None,
) -> tuple[MetricRow, ...]:
    """A row per metric read, then per other metric checked or compared; a row appears when it
    has a value, a threshold, or a baseline value."""
    by_metric: dict[str, list[Check]] = {}
    for check in checks:
        by_metric.setdefault(check.metric, []).append(check)
    deltas = {d.metric: d for d in comparison.deltas} if comparison else {}
    rows: list[MetricRow] = []
    seen: set[str] = set()
    entries = [(i, label, unit, r.value, r.basis) for i, label, unit, r in readings]
    entries += [(c.metric, c.label, c.unit, c.value, c.basis) for c in checks]
    entries += [(d.metric, d.label, d.unit, d.current, d.current_basis) for d in deltas.values()]
    for metric, label, unit, value, basis in entries:
        if metric in seen:
            continue
        delta = deltas.get(metric)
        wanted = value is not None or metric in by_metric
        if delta is not None and delta.baseline is not None:
            wanted = True
        if not wanted:
            continue
        seen.add(metric)
        rows.append(
            MetricRow(
                metric=metric,
                label=label,
                unit=unit,
                value=value,
                basis=basis,
                checks=tuple(by_metric.get(metric, ())),
                baseline=delta.baseline if delta else None,
                delta=delta.delta if delta else None,
                change=delta.change if delta else None,
            )
        )
    return tuple(rows)


def success_groups(items: Iterable[tuple[str, bool | None]]) -> tuple[Group, ...]:
    tally: dict[str, list[int]] = {}
    for label, outcome in items:
        counts = tally.setdefault(label, [0, 0, 0])
        counts[0 if outcome is True else 1 if outcome is False else 2] += 1
    groups = [Group(label=k, met=v[0], missed=v[1], no_verdict=v[2]) for k, v in tally.items()]
    # The worst first: a reader looks for where the agent fails.
    return tuple(
        sorted(groups, key=lambda g: (g.met / max(1, g.met + g.missed), -g.missed, g.label))
    )


def threshold_check(checks: Sequence[Check], threshold: str) -> Check | None:
    return next((c for c in checks if c.threshold == threshold), None)
