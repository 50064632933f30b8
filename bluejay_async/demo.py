"""``python -m bluejay_async demo``: the whole flow against the built-in sandbox, no API key.

It starts the sandbox in-process, then uses only the public SDK: create a simulation, list its
runs, fetch every run's results concurrently, enrich one result and read it back, and page
through a Cognigy batch. ``--faults`` turns on a realistic fault mix, which the SDK rides out.
Then :mod:`bluejay_async.demo_judge` queues two runs, waits for them, and judges them.
"""

from __future__ import annotations

import collections
import functools
import statistics
import sys
import time
from collections.abc import Sequence
from typing import TextIO

import attrs

from bluejay_async import (
    BluejayClient,
    DigitalHumansSettings,
    Event,
    RetryPolicy,
    ToolCall,
    TranscriptEntry,
)
from bluejay_async.demo_judge import RUN_SECONDS, run_judge_demo
from bluejay_async.sandbox import FAULT_PRESETS, FaultRule, SandboxConfig, run_sandbox
from cognigy_async import CognigyClient

__all__ = ["demo_faults", "run_demo"]

_WRITE_ROUTES = ("create_simulation", "update_simulation_result")
_READ_ROUTES = ("get_simulation_runs", "retrieve_simulation_results", "cognigy_runs")


def demo_faults() -> tuple[FaultRule, ...]:
    """The sandbox's ``realistic`` mix, with write faults limited to what is safe to retry.

    Reads get everything (429, HTML 502/503 pages, dropped connections, truncated bodies,
    latency). Writes get 429s and latency only: a POST that fails ambiguously (the server may
    have acted) is deliberately not retried by the SDK, so it would end the demo with an error
    instead of risking a duplicate write.
    """
    rules: list[FaultRule] = []
    for rule in FAULT_PRESETS["realistic"]:
        safe_for_writes = rule.kind == "latency" or (rule.kind == "status" and rule.status == 429)
        if rule.route != "*" or safe_for_writes:
            rules.append(rule)
        else:
            rules.extend(_on_route(rule, route) for route in _READ_ROUTES)
    return tuple(rules)


def _on_route(rule: FaultRule, route: str) -> FaultRule:
    return attrs.evolve(rule, route=route)


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


async def run_demo(
    *,
    faults: bool = False,
    runs: int = 40,
    out: TextIO = sys.stdout,
    run_seconds: float = RUN_SECONDS,
) -> int:
    """Run the demo and print its summary; returns the process exit status.

    ``run_seconds`` is how long each run queued by the run-and-judge part takes (``0``: at once).
    """
    started = time.perf_counter()
    config = SandboxConfig(
        seed=7,
        results_per_run=10,
        cognigy_runs_per_batch=300,
        faults=demo_faults() if faults else (),
    )
    retry = RetryPolicy(max_attempts=6, backoff_base=0.05, backoff_max=1.0, retry_after_max=5.0)
    async with (
        run_sandbox(config) as sb,
        BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url, retry=retry) as bj,
        CognigyClient(api_key=sb.api_key, base_url=sb.cognigy_url, retry=retry) as cg,
    ):
        created = await bj.simulations.create(
            agent_id="demo-agent",
            name="demo smoke test",
            max_concurrent=20,
            digital_humans_settings=DigitalHumansSettings(num_runs=runs),
        )
        sim_runs = await bj.runs.list(created.simulation_id)

        results = failed = met = missed = 0
        unjudged: collections.Counter[str] = collections.Counter()  # by the call's status
        latencies: list[float] = []
        first_result_id: int | None = None
        async for outcome in bj.results.retrieve_many([r.id for r in sim_runs], concurrency=16):
            if not outcome.ok:
                failed += 1
                print(f"  run {outcome.key}: {outcome.error}", file=out)
                continue
            for result in outcome.value.simulation_results:
                results += 1
                first_result_id = first_result_id or result.id
                verdicts = [
                    e.goal_success for e in result.evaluations if e.goal_success is not None
                ]
                if not verdicts:
                    unjudged[str(result.status)] += 1
                elif all(verdicts):
                    met += 1
                else:
                    missed += 1
                latencies.extend(
                    e.latency.p50_agent_latency
                    for e in result.evaluations
                    if e.latency is not None and e.latency.p50_agent_latency is not None
                )

        enriched = False
        if first_result_id is not None:
            marker = f"demo-check-{first_result_id}"
            await bj.results.update(
                str(first_result_id),
                events=[Event(title=marker, start_offset_ms=1200, end_offset_ms=1900)],
                tool_calls=[
                    ToolCall(name="lookup_order", start_offset_ms=1500, output={"ok": True})
                ],
                recorded_transcript=[
                    TranscriptEntry(
                        start_offset_ms=0, end_offset_ms=900, speaker="AGENT", utterance="Hi!"
                    )
                ],
                tags=["demo"],
                metadata={"source": "bluejay_async demo"},
            )
            run_id = next(r.id for r in sim_runs)
            readback = await bj.results.retrieve(run_id)
            enriched = any(
                event.title == marker
                for result in readback.simulation_results
                for event in result.events
            )

        cognigy_runs = cognigy_ok = 0
        async for run in cg.runs.iterate("demo-sim", "batch-1", project_id="demo", page_size=50):
            cognigy_runs += 1
            cognigy_ok += bool(run.metrics.success)

        requests = sum(sb.counters.requests.values())
        injected = sum(n for (_, kind), n in sb.counters.faults.items() if kind != "latency")

    elapsed = time.perf_counter() - started
    line = functools.partial(print, file=out)
    line("bluejay_async demo against the built-in sandbox")
    line(f"  simulation      #{created.simulation_id} with {len(sim_runs)} runs")
    line(f"  results         {results} fetched, {failed} runs failed")
    line(f"  goals           {met} met, {missed} missed, {_unjudged(unjudged)}")
    p50, p95, p99 = (_percentile(latencies, q) for q in (50, 95, 99))
    line(f"  agent latency   p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms")
    line(f"  update          {'applied and read back' if enriched else 'NOT seen'}")
    line(f"  cognigy         {cognigy_runs} runs paged, {cognigy_ok} successful")
    line(f"  requests        {requests} sent, {_fault_summary(faults, injected, failed)}")
    line(f"  wall time       {elapsed:.2f} s")
    judged = await run_judge_demo(
        faults=demo_faults() if faults else (), retry=retry, out=out, run_seconds=run_seconds
    )
    return 0 if failed == 0 and enriched and judged == 0 else 1


def _unjudged(by_status: collections.Counter[str]) -> str:
    """``27 without a verdict (calls: 27 failed)``: results no evaluation judged."""
    total = sum(by_status.values())
    if not total:
        return "0 without a verdict"
    statuses = ", ".join(f"{n} {status}" for status, n in sorted(by_status.items()))
    return f"{total} without a verdict (calls: {statuses})"


def _fault_summary(faults: bool, injected: int, failed: int) -> str:
    if not faults:
        return "no faults injected (faults off; --faults injects them)"
    answered = f"{injected} answered with an injected fault (faults on)"
    if failed:
        return f"{answered}; {failed} runs still failed after their retries"
    return f"{answered}, each retried until it succeeded"
