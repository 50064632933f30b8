"""The report over the sandbox's seeded runs: every shape of result it serves summarizes."""

from __future__ import annotations

import json

from bluejay_async import BluejayClient
from bluejay_async.report import RegressionLimits, Thresholds, compare, gate, summarize
from bluejay_async.sandbox import SandboxConfig, run_sandbox


async def test_every_seeded_run_summarizes_gates_and_compares() -> None:
    async with (
        run_sandbox(SandboxConfig()) as sb,
        BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url) as bj,
    ):
        runs = await bj.runs.list(1)
        snapshots = [await bj.results.retrieve(r.id) for r in runs]
    assert len(snapshots) >= 2
    for snapshot in snapshots:
        summary = summarize(snapshot)
        assert summary.total == len(snapshot.simulation_results)
        assert sum(summary.status_counts.values()) == summary.total
        assert summary.goal.judged + summary.goal.missing == summary.total
        verdict = gate(summary, Thresholds(min_goal_success_rate=0.5, max_p95_latency_ms=5000))
        assert len(verdict.checks) == 2
        json.dumps(verdict.to_dict())
    together = summarize(snapshots)
    assert together.total == sum(len(s.simulation_results) for s in snapshots)
    diff = compare(snapshots[0], snapshots[1], RegressionLimits(max_goal_success_drop=1.0))
    assert len(diff.pairs) + len(diff.only_in_baseline) == diff.baseline.total
    assert len(diff.pairs) + len(diff.only_in_current) == diff.current.total
    json.dumps(diff.to_dict())
