"""The :class:`~.model.Report` of a gated Cognigy batch."""

from __future__ import annotations

from bluejay_async.cli.reports.model import (
    Case,
    Report,
    Series,
    Suite,
    metric_rows,
    success_groups,
    threshold_check,
)
from bluejay_async.report import GateResult
from cognigy_async import report as cognigy
from cognigy_async.report import CognigyRunVerdict, CognigySummary

__all__ = ["cognigy_report"]


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
        rows=metric_rows(readings, verdict.checks, None),
        suites=tuple(suites),
        group_title="Success criteria by type",
        noun="runs",
        met_words="succeeded",
        missed_words="failed",
        missed_title="Failed runs",
        groups=success_groups(
            (c.type or "unknown", c.success) for r in summary.runs for c in r.criteria
        ),
        series=(
            Series(
                metric="duration_s",
                title="Run duration",
                unit="s",
                values=tuple(r.duration_s for r in summary.runs if r.duration_s is not None),
                distribution=summary.duration,
                limit=threshold_check(verdict.checks, "max_p95_duration_s"),
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
