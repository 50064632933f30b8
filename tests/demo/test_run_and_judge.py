"""The demo's run-and-judge part prints the right figures, with and without faults.

The expected figures come from :mod:`tests.demo.reference` (the same runs in a fresh sandbox,
counted by hand and judged by the SDK's report functions), never from the demo's own output.
Runs complete at once (``run_seconds=0``) or on a manual clock: no test waits on real time.
"""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.demo import run_demo
from bluejay_async.demo_judge import HEADER, JudgedRuns, judge_runs
from bluejay_async.report import summarize
from bluejay_async.resources import RunsResource
from bluejay_async.sandbox import FaultRule, ManualClock, Sandbox, SandboxConfig, run_sandbox
from tests.demo.reference import Reference, reference

FAST_RETRY = RetryPolicy(max_attempts=6, backoff_base=0.001, backoff_max=0.01)


def _blocks(section: str) -> tuple[str, str, str]:
    """The baseline's, the candidate's and the comparison's lines of the demo's section."""
    head, rest = section.split("\n  baseline", 1)
    baseline, rest = rest.split("\n  candidate", 1)
    candidate, comparison = rest.split("\n  compare", 1)
    assert "thresholds" in head
    return baseline, candidate, comparison


def assert_reports(section: str, ref: Reference) -> None:
    """``section`` (the run-and-judge output) shows the reference's figures and sentences."""
    assert "goal success rate >= 75.0%" in section
    assert "p95 latency <= 3,000.0 ms" in section
    assert "goal success drop <= 5.0 points" in section
    assert "flipped to missed <= 2" in section
    baseline, candidate, comparison = _blocks(section)
    for block, figures, verdict in zip((baseline, candidate), ref.figures, ref.gates, strict=True):
        assert f"run {figures.run_id} queued: {figures.total} calls" in block
        assert figures.finished_tail in block
        assert figures.goal_line in block.splitlines()
        assert figures.hallucination_line in block.splitlines()
        assert f"p95 {figures.p95_latency_ms:,.1f} ms (of each call's p95)" in block
        checks = len(verdict.checks)
        if verdict.passed:
            assert f"PASSED: {checks} of {checks} thresholds met" in block
        else:
            assert f"FAILED: {len(verdict.failures)} of {checks} thresholds missed" in block
            for sentence in verdict.failures:
                assert f"{' ' * 18}- {sentence}" in block.splitlines()
    # The demo's premise: the baseline passes its gate, the regressed candidate does not.
    assert ref.gates[0].passed
    assert not ref.gates[1].passed

    before, after = ref.figures
    assert f"run {after.run_id} against the baseline run {before.run_id}" in comparison
    rates = [f"{f.met / (f.met + f.missed) * 100:.1f}%" for f in ref.figures]
    assert re.search(rf"goal success rate +{rates[0]} -> +{rates[1]} ", comparison)
    diff = ref.comparison
    flips = f"{len(diff.flipped_to_missed)} results from goal met to missed"
    assert f"{flips}, {len(diff.flipped_to_met)} from missed to met" in comparison
    shown = re.findall(r"- result (\d+), digital human (\d+):", comparison)
    assert shown, comparison
    for result_id, _ in shown:  # listed flips really missed in the candidate, by hand
        assert after.goals[int(result_id)] is False
    assert diff.regressed
    assert f"REGRESSED: {len(diff.regressions)} limits exceeded" in comparison
    for sentence in diff.regressions:
        assert f"{' ' * 18}- {sentence}" in comparison.splitlines()
    assert "the candidate fails its gate and regressed: `bluejay-async gate` exits 3" in comparison


@pytest.mark.parametrize("faults", [False, True])
async def test_the_demo_queues_waits_and_judges_two_runs(faults: bool) -> None:
    out = io.StringIO()

    assert await run_demo(faults=faults, runs=2, out=out, run_seconds=0) == 0

    tour, section = out.getvalue().split(HEADER)
    assert "applied and read back" in tour
    assert_reports(section, await reference())
    assert re.search(r"\n  requests        \d+ sent, \d+ injected faults? recovered\n", section)


@asynccontextmanager
async def manual_time(
    run_seconds: float, faults: tuple[FaultRule, ...] = ()
) -> AsyncIterator[tuple[Sandbox, BluejayClient, ManualClock]]:
    """A sandbox whose runs play out on a manual clock that only the client's polling moves."""
    clock = ManualClock()
    config = SandboxConfig(seed=7, run_seconds=run_seconds, faults=faults)
    async with (
        run_sandbox(config, clock=clock) as sb,
        BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url, retry=FAST_RETRY) as bj,
    ):

        async def sleep(seconds: float) -> None:
            clock.advance(seconds)
            await asyncio.sleep(0)

        bj.runs = RunsResource(bj._transport, clock=clock, sleep=sleep, rand=lambda: 0.0)
        yield sb, bj, clock


def _progress_counts(block: str) -> list[tuple[int, int]]:
    return [
        (int(a), int(b)) for a, b in re.findall(r"^ {18}(\d+)/(\d+) calls finished$", block, re.M)
    ]


async def test_progress_lines_follow_the_run_and_stay_few() -> None:
    out = io.StringIO()
    async with manual_time(run_seconds=10.0) as (sb, bj, clock):
        judged = await judge_runs(bj, sb, out=out, clock=clock, progress_every=2.0)

    baseline, candidate, _ = _blocks(out.getvalue())
    for block, run in zip((baseline, candidate), (judged.baseline, judged.candidate), strict=True):
        counts = _progress_counts(block)
        total = len(run.queued.simulation_result_ids)
        assert counts[-1] == (total, total)
        assert any(0 < done < total for done, _ in counts), counts  # seen mid-run
        assert [d for d, _ in counts] == sorted({d for d, _ in counts})  # each count once, rising
        # At most one line per 2 s of a 10 s run, plus the first and the last.
        assert len(counts) <= 7, counts
        assert run.seconds >= 10.0
        assert run.summary.finished == run.summary.total == total


FAULTS = (
    FaultRule("status", "queue_simulation_run", status=429, retry_after=0, times=2),
    FaultRule("status", "retrieve_simulation_results", status=503, html=True, times=1),
    FaultRule("drop_before", "retrieve_simulation_results", after=1, times=1),
    FaultRule("truncate", "retrieve_simulation_results", after=3, times=1),
    FaultRule("status", "retrieve_simulation_results", status=502, html=True, after=5, times=1),
)


async def test_judging_rides_out_429s_5xx_drops_and_truncated_bodies() -> None:
    out = io.StringIO()
    async with manual_time(run_seconds=5.0, faults=FAULTS) as (sb, bj, clock):
        judged = await judge_runs(bj, sb, out=out, clock=clock)
        fired = {key: n for key, n in sb.counters.faults.items() if key[1] != "latency"}

    assert sum(fired.values()) == 6, fired  # every rule fired, each as often as allowed
    ref = await reference()
    assert_reports(out.getvalue(), ref)
    _same_figures(judged, ref)


def _same_figures(judged: JudgedRuns, ref: Reference) -> None:
    for run, results in zip((judged.baseline, judged.candidate), ref.results, strict=True):
        expected = summarize(results)
        got = run.summary
        assert [(r.result_id, r.goal) for r in got.results] == [
            (r.result_id, r.goal) for r in expected.results
        ]
        assert (got.goal, got.hallucination, got.latency_p95) == (
            expected.goal,
            expected.hallucination,
            expected.latency_p95,
        )
        assert got.status_counts == expected.status_counts
