"""The run-and-judge part of ``python -m bluejay_async demo``: the job a CI pipeline hires the
SDK for, against the built-in sandbox.

A baseline run is queued and waited for (with progress), summarized and gated; then the sandbox
is made worse (a lower goal-success probability), and a candidate run goes through the same
steps and is compared with the baseline. Everything printed except progress, request counts and
wall time follows from the sandbox's seed, so it is the same on every machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TextIO

import attrs

from bluejay_async import BluejayClient, QueuedRun, RetryPolicy, SimulationResults
from bluejay_async.demo_progress import RunProgress
from bluejay_async.demo_verdict import print_comparison, print_criteria, print_run
from bluejay_async.report import (
    Comparison,
    GateResult,
    RegressionLimits,
    RunSummary,
    Thresholds,
    compare,
    gate,
    summarize,
)
from bluejay_async.sandbox import FaultRule, Sandbox, SandboxConfig, run_sandbox

__all__ = [
    "BASELINE_GOAL_SUCCESS",
    "CANDIDATE_GOAL_SUCCESS",
    "DEMO_SEED",
    "HEADER",
    "LIMITS",
    "RUNS_PER_DIGITAL_HUMAN",
    "RUN_SECONDS",
    "SIMULATION_ID",
    "THRESHOLDS",
    "JudgedRun",
    "JudgedRuns",
    "judge_runs",
    "run_judge_demo",
]

DEMO_SEED = 7
"""The sandbox's seed: it decides every figure the demo prints."""
RUN_SECONDS = 2.0
"""How long each queued run takes in the demo's sandbox."""
POLL_INTERVAL = 0.25
"""The first wait between reads of a run (it grows to :data:`MAX_POLL_INTERVAL`)."""
MAX_POLL_INTERVAL = 0.5
SIMULATION_ID = 1
"""A seeded simulation of the sandbox, with ten digital humans."""
RUNS_PER_DIGITAL_HUMAN = 2
BASELINE_GOAL_SUCCESS = 1.0
"""The sandbox's goal-success probability for the baseline run (reviewers still overturn some)."""
CANDIDATE_GOAL_SUCCESS = 0.6
"""... and for the candidate run: a regressed agent."""

HEADER = "run and judge: queue a run, wait for it, summarize, gate, compare with the previous one"

THRESHOLDS = Thresholds(
    min_goal_success_rate=0.75,
    max_hallucination_rate=0.1,
    max_no_verdict_rate=0.1,
    max_p95_latency_ms=3000.0,
)
"""What each run must meet."""
LIMITS = RegressionLimits(
    max_goal_success_drop=0.05, max_p95_latency_rise_ms=300.0, max_flipped_to_missed=2
)
"""How much worse than the baseline the candidate may be."""


@attrs.frozen(kw_only=True)
class JudgedRun:
    """One run queued, waited for, summarized and gated."""

    label: str
    queued: QueuedRun
    final: SimulationResults
    summary: RunSummary
    verdict: GateResult[RunSummary]
    seconds: float


@attrs.frozen(kw_only=True)
class JudgedRuns:
    """The baseline, the candidate, and the candidate compared with the baseline."""

    baseline: JudgedRun
    candidate: JudgedRun
    comparison: Comparison


async def judge_runs(
    bj: BluejayClient,
    sb: Sandbox,
    *,
    out: TextIO,
    clock: Callable[[], float] = time.monotonic,
    progress_every: float = 1.0,
) -> JudgedRuns:
    """Queue, wait for, summarize and gate a baseline run, then a candidate run queued with a
    lower goal-success probability, and compare the two; print each step to ``out``.

    ``clock`` times the waits and spaces the progress lines (at least ``progress_every``
    seconds apart when ``out`` is not a terminal).
    """
    print_criteria(THRESHOLDS, LIMITS, out)
    runs: list[JudgedRun] = []
    for label, rate in (("baseline", BASELINE_GOAL_SUCCESS), ("candidate", CANDIDATE_GOAL_SUCCESS)):
        sb.state.goal_success_rate = rate  # applies to runs queued from now on
        queued = await bj.runs.queue(SIMULATION_ID, runs_per_digital_human=RUNS_PER_DIGITAL_HUMAN)
        print(
            f"\n  {label:<16}run {queued.simulation_run_id} queued: "
            f"{len(queued.simulation_result_ids)} calls, goal-success probability {rate:.0%}",
            file=out,
            flush=True,
        )
        progress = RunProgress(out, " " * 18, every=progress_every, clock=clock)
        started = clock()
        try:
            final = await bj.runs.wait(
                queued.simulation_run_id,
                timeout=60.0,
                poll_interval=POLL_INTERVAL,
                max_poll_interval=MAX_POLL_INTERVAL,
                progress=progress,
            )
        finally:
            progress.close()
        summary = summarize(final)
        judged = JudgedRun(
            label=label,
            queued=queued,
            final=final,
            summary=summary,
            verdict=gate(summary, THRESHOLDS),
            seconds=clock() - started,
        )
        print_run(judged.summary, judged.verdict, judged.seconds, out)
        runs.append(judged)
    baseline, candidate = runs
    comparison = compare(baseline.summary, candidate.summary, LIMITS)
    print_comparison(comparison, candidate.verdict, out)
    return JudgedRuns(baseline=baseline, candidate=candidate, comparison=comparison)


async def run_judge_demo(
    *,
    faults: Sequence[FaultRule] = (),
    retry: RetryPolicy | None = None,
    out: TextIO,
    run_seconds: float = RUN_SECONDS,
) -> int:
    """Run the run-and-judge demo in a sandbox of its own; returns ``0`` when both runs ran to
    completion (the candidate failing its gate is the point of the demo, not an error).

    Args:
        faults: the sandbox's fault rules (the SDK retries through them).
        retry: the client's retry policy.
        out: where to print.
        run_seconds: how long each queued run takes (``0``: at once).
    """
    started = time.perf_counter()
    config = SandboxConfig(
        seed=DEMO_SEED,
        run_seconds=run_seconds,
        goal_success_rate=BASELINE_GOAL_SUCCESS,
        faults=tuple(faults),
    )
    print(f"\n{HEADER}", file=out)
    async with (
        run_sandbox(config) as sb,
        BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url, retry=retry) as bj,
    ):
        judged = await judge_runs(bj, sb, out=out)
        requests = sum(sb.counters.requests.values())
        injected = sum(n for (_, kind), n in sb.counters.faults.items() if kind != "latency")
    faults_text = f"{injected} injected fault{'' if injected == 1 else 's'} recovered"
    print(f"  requests        {requests} sent, {faults_text}", file=out)
    print(f"  wall time       {time.perf_counter() - started:.2f} s", file=out)
    complete = all(
        run.summary.finished == run.summary.total > 0 for run in (judged.baseline, judged.candidate)
    )
    return 0 if complete else 1
