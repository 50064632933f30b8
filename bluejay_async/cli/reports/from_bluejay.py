"""The :class:`~.model.Report` of a gated Bluejay run (and of its comparison with a baseline)."""

from __future__ import annotations

from collections.abc import Iterable

from bluejay_async.cli.reports.model import (
    Case,
    Direction,
    Flip,
    Report,
    Series,
    Suite,
    metric_rows,
    success_groups,
    threshold_check,
)
from bluejay_async.report import Comparison, GateResult, ResultPair, RunSummary
from bluejay_async.report import metrics as m
from bluejay_async.report.verdicts import ResultVerdict

__all__ = ["bluejay_report"]


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
        rows=metric_rows(readings, verdict.checks, comparison),
        suites=tuple(suites),
        group_title="Goal success by digital human",
        groups=success_groups((labels[r.digital_human_id], r.goal) for r in summary.results),
        series=(
            Series(
                metric="p95_latency_ms",
                title="p95 agent latency of each call",
                unit="ms",
                values=tuple(
                    r.p95_latency_ms for r in summary.results if r.p95_latency_ms is not None
                ),
                distribution=summary.latency_p95,
                limit=threshold_check(verdict.checks, "max_p95_latency_ms"),
            ),
            Series(
                metric="call_duration_s",
                title="Call duration",
                unit="s",
                values=tuple(
                    r.call_duration_s for r in summary.results if r.call_duration_s is not None
                ),
                distribution=summary.call_duration,
                limit=threshold_check(verdict.checks, "max_p95_call_duration_s"),
            ),
        ),
        flips=flips,
        unmatched=(
            (len(comparison.only_in_baseline), len(comparison.only_in_current))
            if comparison
            else (0, 0)
        ),
    )
