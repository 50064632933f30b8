"""The commands ``run``, ``gate``, ``compare`` and ``cognigy gate``: thin layers over the SDK.

``run`` queues a run (``bj.runs.queue``), waits for it with progress on stderr
(``bj.runs.wait``), then judges it like ``gate``: :func:`~bluejay_async.report.summarize`,
:func:`~bluejay_async.report.gate` on the thresholds given, and
:func:`~bluejay_async.report.compare` with ``--baseline``. The verdict is printed on stdout
(or the ``--json`` document), the reports asked for are written, and the exit status says what
happened (see :mod:`~bluejay_async.cli.runner`): 0 passed, 3 the gate failed, 1 the API failed
or the run did not finish in time, 2 usage, 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from bluejay_async import BluejayClient
from bluejay_async.cli.config import Settings, bluejay_client, cognigy_client
from bluejay_async.cli.errors import UsageError
from bluejay_async.cli.judge_options import (
    cognigy_thresholds_from,
    regression_limits_from,
    thresholds_from,
)
from bluejay_async.cli.reports.console import render_comparison, render_console
from bluejay_async.cli.reports.from_bluejay import bluejay_report
from bluejay_async.cli.reports.from_cognigy import cognigy_report
from bluejay_async.cli.reports.html import render_html
from bluejay_async.cli.reports.json import comparison_document, dumps, gate_document
from bluejay_async.cli.reports.junit import render_junit
from bluejay_async.cli.reports.markdown import render_markdown
from bluejay_async.cli.reports.model import Report
from bluejay_async.cli.runner import EXIT_GATE_FAILED, EXIT_OK
from bluejay_async.cli.waiting import ci_mode, format_elapsed, wait_display
from bluejay_async.core.errors import RunTimeoutError
from bluejay_async.models import SimulationResults
from bluejay_async.report import (
    Comparison,
    GateResult,
    RegressionLimits,
    Thresholds,
    compare,
    gate,
    summarize,
)
from bluejay_async.resources.polling import is_terminal
from cognigy_async import report as cognigy

__all__ = ["compare_runs", "gate_cognigy_batch", "gate_run", "run_simulation"]


def _limits(args: argparse.Namespace) -> tuple[Thresholds, RegressionLimits | None]:
    thresholds = thresholds_from(args)
    limits = regression_limits_from(args)
    if limits is not None and args.baseline is None:
        raise UsageError("regression limits (such as --max-goal-success-drop) need --baseline")
    if thresholds == Thresholds() and args.baseline is None:
        sys.stderr.write(
            "note: no thresholds given, so the gate checks nothing "
            "(see --min-goal-success-rate and the other thresholds in --help)\n"
        )
    return thresholds, limits


async def _baseline(bj: BluejayClient, run_id: str | None) -> SimulationResults | None:
    if run_id is None:
        return None
    baseline = await bj.results.retrieve(run_id)
    if not is_terminal(baseline.simulation_run.status):
        sys.stderr.write(
            f"note: baseline run {run_id} is {baseline.simulation_run.status or 'not finished'}; "
            "its unfinished results have no verdict\n"
        )
    return baseline


async def _wait(bj: BluejayClient, run_id: str, args: argparse.Namespace) -> SimulationResults:
    """``bj.runs.wait`` with the progress display; notes on stderr if the wait ends early."""
    err = sys.stderr
    display = wait_display(err, f"run {run_id}", os.environ)
    try:
        async with display.ticking():
            final = await bj.runs.wait(
                run_id,
                timeout=args.wait_timeout,
                poll_interval=args.poll_interval,
                max_poll_interval=args.max_poll_interval,
                progress=display,
            )
    except (RunTimeoutError, asyncio.CancelledError, KeyboardInterrupt):
        err.write(
            f"note: run {run_id} goes on on the server; "
            f"judge it later with: bluejay-async gate {run_id}\n"
        )
        raise
    results = len(final.simulation_results)
    err.write(f"run {run_id} finished: {results} results ({format_elapsed(display.elapsed)})\n")
    return final


def _judge(
    final: SimulationResults,
    baseline: SimulationResults | None,
    thresholds: Thresholds,
    limits: RegressionLimits | None,
    args: argparse.Namespace,
) -> int:
    summary = summarize(final)
    verdict = gate(summary, thresholds)
    comparison = None if baseline is None else compare(summarize(baseline), summary, limits)
    return _deliver(bluejay_report(verdict, comparison), verdict, comparison, args)


def _color(stream: Any) -> bool:
    return not ci_mode(stream, os.environ) and "NO_COLOR" not in os.environ


def _write(path: str, text: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _step_summary(markdown: str) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` (GitHub renders what every step appended)."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not path:
        return
    try:
        with open(path, "a", encoding="utf-8") as summary:
            summary.write(markdown + "\n")
    except OSError as exc:
        sys.stderr.write(f"warning: could not append to $GITHUB_STEP_SUMMARY ({exc})\n")


def _deliver(
    report: Report,
    verdict: GateResult[Any],
    comparison: Comparison | None,
    args: argparse.Namespace,
) -> int:
    """Print the verdict, write the reports; returns the exit status."""
    status = EXIT_OK if report.passed else EXIT_GATE_FAILED
    if args.json:
        sys.stdout.write(dumps(gate_document(report, verdict, comparison, status)))
        sys.stdout.flush()
        sys.stderr.write(report.headline + "\n")
    else:
        sys.stdout.write(render_console(report, color=_color(sys.stdout)))
        sys.stdout.flush()
    written = []
    for path, render in (
        (args.junit, render_junit),
        (args.markdown, render_markdown),
        (args.html, render_html),
    ):
        if path is not None:
            _write(path, render(report))
            written.append(path)
    _step_summary(render_markdown(report))
    if written:
        sys.stderr.write(f"wrote {', '.join(written)}\n")
    return status


async def run_simulation(args: argparse.Namespace, settings: Settings) -> int:
    """``run SIMULATION_ID``: queue a run, wait for it, gate it."""
    thresholds, limits = _limits(args)
    async with bluejay_client(settings) as bj:
        baseline = await _baseline(bj, args.baseline)
        queued = await bj.runs.queue(
            args.simulation_id,
            digital_human_ids=args.digital_human_ids,
            runs_per_digital_human=args.runs_per_digital_human,
        )
        run_id = queued.simulation_run_id
        calls = len(queued.simulation_result_ids)
        sys.stderr.write(f"queued run {run_id} of simulation {args.simulation_id}: {calls} calls\n")
        sys.stderr.flush()
        final = await _wait(bj, run_id, args)
    return _judge(final, baseline, thresholds, limits, args)


async def gate_run(args: argparse.Namespace, settings: Settings) -> int:
    """``gate RUN_ID``: gate a run that exists (waiting for it while it runs)."""
    thresholds, limits = _limits(args)
    async with bluejay_client(settings) as bj:
        baseline = await _baseline(bj, args.baseline)
        final = await _wait(bj, args.run_id, args)
    return _judge(final, baseline, thresholds, limits, args)


async def compare_runs(args: argparse.Namespace, settings: Settings) -> int:
    """``compare BASELINE CANDIDATE``: metric deltas and flipped results."""
    limits = regression_limits_from(args)
    async with bluejay_client(settings) as bj:
        before = await _baseline(bj, args.baseline)
        after = await bj.results.retrieve(args.candidate)
    assert before is not None
    if not is_terminal(after.simulation_run.status):
        sys.stderr.write(
            f"note: run {args.candidate} is {after.simulation_run.status or 'not finished'}; "
            "its unfinished results have no verdict\n"
        )
    comparison = compare(before, after, limits)
    status = EXIT_GATE_FAILED if comparison.regressed else EXIT_OK
    if args.json:
        sys.stdout.write(dumps(comparison_document(comparison, status)))
    else:
        sys.stdout.write(render_comparison(comparison, color=_color(sys.stdout)))
    return status


async def gate_cognigy_batch(args: argparse.Namespace, settings: Settings) -> int:
    """``cognigy gate SIMULATION_REF BATCH_REF --project P``: gate every run of a batch."""
    thresholds = cognigy_thresholds_from(args)
    if thresholds == cognigy.CognigyThresholds():
        sys.stderr.write(
            "note: no thresholds given, so the gate checks nothing "
            "(see --min-success-rate and the other thresholds in --help)\n"
        )
    async with cognigy_client(settings) as cg:
        runs = [
            run
            async for run in cg.runs.iterate(
                args.simulation_ref, args.batch_ref, project_id=args.project
            )
        ]
    sys.stderr.write(f"read {len(runs)} runs of batch {args.batch_ref}\n")
    verdict = cognigy.gate(cognigy.summarize(runs), thresholds)
    return _deliver(cognigy_report(verdict), verdict, None, args)
