"""What every report shows, built once from a judged Bluejay run or Cognigy batch.

A :class:`Report` is the neutral form the writers (console, JUnit, Markdown, HTML) render, so
they share one reading of the SDK's records: the verdict, a row per metric with its threshold
and baseline, one :class:`Case` per simulated call, success by group, the distributions to
chart, and the results that flipped. Every figure comes from
:mod:`bluejay_async.report` / :mod:`cognigy_async.report`; nothing is recomputed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Literal

import attrs

from bluejay_async.report import Check, Comparison, GateResult, ResultPair, RunSummary
from bluejay_async.report import metrics as m
from bluejay_async.report.checks import Reading
from bluejay_async.report.stats import Distribution
from bluejay_async.report.verdicts import ResultVerdict
from cognigy_async import report as cognigy
from cognigy_async.report import CognigyRunVerdict, CognigySummary

__all__ = [
    "Case",
    "Flip",
    "Group",
    "MetricRow",
    "Report",
    "Series",
    "Suite",
    "bluejay_report",
    "cognigy_report",
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


def _rows(
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


def _human(result: ResultVerdict) -> str:
    if result.digital_human_id is None:
        return result.name or "no digital human"
    if result.name:
        return f"{result.name} (digital human {result.digital_human_id})"
    return f"digital human {result.digital_human_id}"


def _human_labels(results: Iterable[ResultVerdict]) -> dict[int | None, str]:
    """A label per digital human: with its name when every result gives the same one."""
    names: dict[int | None, set[str | None]] = {}
    for result in results:
        names.setdefault(result.digital_human_id, set()).add(result.name)
    labels: dict[int | None, str] = {}
    for human, seen in names.items():
        name = next(iter(seen)) if len(seen) == 1 else None
        if human is None:
            labels[human] = "no digital human"
        else:
            labels[human] = f"{name} ({human})" if name else f"digital human {human}"
    return labels


def _links(*pairs: tuple[str, str | None]) -> tuple[tuple[str, str], ...]:
    return tuple((label, url) for label, url in pairs if url)


def _unique(names: Iterable[str]) -> list[str]:
    """The names, a repeated one numbered (``#2``, ``#3``) so that each case is its own."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} #{seen[name]}")
    return unique


def _bluejay_case(result: ResultVerdict, name: str, classname: str) -> Case:
    details = [f"result {result.result_id} of run {result.run_id}"]
    if result.status:
        details.append(f"status: {result.status}")
    if result.goal_overridden:
        details.append("goal verdict set by a reviewer")
    if result.hallucination:
        details.append(f"hallucination: {result.hallucination_reasoning or 'yes'}")
    return Case(
        id=str(result.result_id),
        name=name,
        classname=classname,
        outcome=result.outcome,
        status=result.status,
        seconds=result.call_duration_s,
        reasoning=result.goal_reasoning,
        details=tuple(details),
        links=_links(("transcript", result.transcript_url), ("recording", result.audio_url)),
    )


def _groups(items: Iterable[tuple[str, bool | None]]) -> tuple[Group, ...]:
    tally: dict[str, list[int]] = {}
    for label, outcome in items:
        counts = tally.setdefault(label, [0, 0, 0])
        counts[0 if outcome is True else 1 if outcome is False else 2] += 1
    groups = [Group(label=k, met=v[0], missed=v[1], no_verdict=v[2]) for k, v in tally.items()]
    # The worst first: a reader looks for where the agent fails.
    return tuple(
        sorted(groups, key=lambda g: (g.met / max(1, g.met + g.missed), -g.missed, g.label))
    )


def _limit(checks: Sequence[Check], threshold: str) -> Check | None:
    return next((c for c in checks if c.threshold == threshold), None)


def _flip_sides(comparison: Comparison) -> tuple[tuple[Direction, tuple[ResultPair, ...]], ...]:
    return (("to_missed", comparison.flipped_to_missed), ("to_met", comparison.flipped_to_met))


def bluejay_report(verdict: GateResult[RunSummary], comparison: Comparison | None = None) -> Report:
    """The report of a gated Bluejay run (and of its comparison with a baseline)."""
    summary = verdict.summary
    suites = []
    for run in summary.runs:
        results = [r for r in summary.results if r.run_id == run.run_id]
        classname = f"simulation_{run.simulation_id}.run_{run.run_id}"
        names = _unique(f"{_human(r)}: {r.scenario}" if r.scenario else _human(r) for r in results)
        suites.append(
            Suite(
                id=run.run_id,
                name=f"run {run.run_id} of simulation {run.simulation_id}",
                timestamp=run.created_at,
                properties=(
                    ("simulation_id", run.simulation_id),
                    ("run_id", run.run_id),
                    ("status", run.status or "unknown"),
                ),
                cases=tuple(
                    _bluejay_case(r, n, classname) for r, n in zip(results, names, strict=True)
                ),
            )
        )
    readings = [(x.id, x.label, x.unit, x.read(summary)) for x in m.STANDARD_METRICS]
    flips: tuple[Flip, ...] = ()
    if comparison is not None:
        flips = tuple(
            Flip(
                name=f"{_human(p.current)}: {p.current.scenario}"
                if p.current.scenario
                else _human(p.current),
                direction=direction,
                baseline_reasoning=p.baseline.goal_reasoning,
                reasoning=p.current.goal_reasoning,
                links=_links(("transcript", p.current.transcript_url)),
            )
            for direction, pairs in _flip_sides(comparison)
            for p in pairs
        )
    baseline_runs = comparison.baseline.runs if comparison else ()
    labels = _human_labels(summary.results)
    return Report(
        product="Bluejay",
        title=", ".join(s.name for s in suites) or "no runs",
        gate_passed=verdict.passed,
        checks=verdict.checks,
        failures=verdict.failures,
        baseline=f"run {', '.join(r.run_id for r in baseline_runs)}" if comparison else None,
        regressions=comparison.regressions if comparison else (),
        rows=_rows(readings, verdict.checks, comparison),
        suites=tuple(suites),
        group_title="Goal success by digital human",
        groups=_groups((labels[r.digital_human_id], r.goal) for r in summary.results),
        series=(
            Series(
                metric="p95_latency_ms",
                title="p95 agent latency of each call",
                unit="ms",
                values=tuple(
                    r.p95_latency_ms for r in summary.results if r.p95_latency_ms is not None
                ),
                distribution=summary.latency_p95,
                limit=_limit(verdict.checks, "max_p95_latency_ms"),
            ),
            Series(
                metric="call_duration_s",
                title="Call duration",
                unit="s",
                values=tuple(
                    r.call_duration_s for r in summary.results if r.call_duration_s is not None
                ),
                distribution=summary.call_duration,
                limit=_limit(verdict.checks, "max_p95_call_duration_s"),
            ),
        ),
        flips=flips,
        unmatched=(
            (len(comparison.only_in_baseline), len(comparison.only_in_current))
            if comparison
            else (0, 0)
        ),
    )


_COGNIGY_METRICS = (
    cognigy.SUCCESS_RATE,
    cognigy.ERROR_RATE,
    cognigy.NEGATIVE_SENTIMENT_RATE,
    cognigy.CRITERIA_RATE,
    cognigy.MEAN_TURNS,
    cognigy.MEAN_DURATION_S,
    cognigy.P95_DURATION_S,
)


def _cognigy_case(run: CognigyRunVerdict) -> Case:
    details = [f"run {run.run_id}"]
    if run.status:
        details.append(f"status: {run.status}")
    details += [
        f"criterion {c.type or '?'}: {'met' if c.success else 'missed'}"
        + (f" ({c.reason})" if c.reason else "")
        for c in run.criteria
        if c.success is not None
    ]
    if run.error_message:
        details.append(f"error {run.error_category or ''}: {run.error_message}".replace("  ", " "))
    missed = [c.reason for c in run.criteria if c.success is False and c.reason]
    return Case(
        id=run.run_id,
        name=f"run {run.sequence}",
        classname=f"cognigy.{run.simulation_reference}.{run.batch_reference}",
        outcome="met" if run.success else "missed" if run.success is False else "no_verdict",
        status=run.status,
        seconds=run.duration_s,
        reasoning=" ".join([*(missed or []), *([run.summary] if run.summary else [])]) or None,
        details=tuple(details),
    )


def cognigy_report(verdict: GateResult[CognigySummary]) -> Report:
    """The report of a gated Cognigy batch."""
    summary = verdict.summary
    suites = []
    for batch in summary.batches:
        runs = [r for r in summary.runs if f"{r.simulation_reference}/{r.batch_reference}" == batch]
        simulation, _, batch_ref = batch.partition("/")
        suites.append(
            Suite(
                id=batch,
                name=f"batch {batch_ref} of simulation {simulation}",
                timestamp=min((r.created_at for r in runs), default=None),
                properties=(("simulation_reference", simulation), ("batch_reference", batch_ref)),
                cases=tuple(_cognigy_case(r) for r in runs),
            )
        )
    readings = [(x.id, x.label, x.unit, x.read(summary)) for x in _COGNIGY_METRICS]
    return Report(
        product="Cognigy",
        title=", ".join(s.name for s in suites) or "no runs",
        gate_passed=verdict.passed,
        checks=verdict.checks,
        failures=verdict.failures,
        baseline=None,
        regressions=(),
        rows=_rows(readings, verdict.checks, None),
        suites=tuple(suites),
        group_title="Success criteria by type",
        noun="runs",
        met_words="succeeded",
        missed_words="failed",
        missed_title="Failed runs",
        groups=_groups((c.type or "unknown", c.success) for r in summary.runs for c in r.criteria),
        series=(
            Series(
                metric="duration_s",
                title="Run duration",
                unit="s",
                values=tuple(r.duration_s for r in summary.runs if r.duration_s is not None),
                distribution=summary.duration,
                limit=_limit(verdict.checks, "max_p95_duration_s"),
            ),
            Series(
                metric="turns",
                title="Turns per run",
                unit="count",
                values=tuple(float(r.turns) for r in summary.runs),
                distribution=summary.turns,
            ),
        ),
    )
