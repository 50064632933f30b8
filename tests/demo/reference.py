"""What the run-and-judge demo must print, worked out without the demo's code.

The demo's two runs are queued again, by plain HTTP, in a fresh sandbox of the same seed: the
same requests give the same results. Their figures are then computed by hand from the raw JSON
(goal counts, statuses, hallucinations, the nearest-rank p95), and the gate's and comparison's
sentences with the SDK's report functions over the same results.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import datetime
from typing import Any

import aiohttp
import attrs

from bluejay_async import BluejayClient, SimulationResults
from bluejay_async.demo_judge import (
    BASELINE_GOAL_SUCCESS,
    CANDIDATE_GOAL_SUCCESS,
    DEMO_SEED,
    LIMITS,
    RUNS_PER_DIGITAL_HUMAN,
    SIMULATION_ID,
    THRESHOLDS,
)
from bluejay_async.report import Comparison, GateResult, RunSummary, compare, gate, summarize
from bluejay_async.sandbox import SandboxConfig, run_sandbox

JSON = dict[str, Any]


@attrs.frozen
class Figures:
    """One run's figures, by hand from its retrieve-simulation-results body."""

    run_id: str
    total: int
    statuses: dict[str, int]
    met: int
    missed: int
    no_verdict: int
    hallucinated: int
    hallucination_judged: int
    p95_latency_ms: float
    goals: dict[int, bool | None]
    """result id -> goal verdict."""

    @property
    def goal_line(self) -> str:
        rate = self.met / (self.met + self.missed)
        return (
            f"  goal            {self.met} met, {self.missed} missed, "
            f"{self.no_verdict} without a verdict: {rate * 100:.1f}% success"
        )

    @property
    def finished_tail(self) -> str:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(self.statuses.items()))
        return f" s: {self.total} results ({statuses})"

    @property
    def hallucination_line(self) -> str:
        rate = self.hallucinated / self.hallucination_judged
        return (
            f"  hallucination   {self.hallucinated} of {self.hallucination_judged} results "
            f"({rate * 100:.1f}%)"
        )


@attrs.frozen
class Reference:
    """The demo's runs as the sandbox serves them, with what the SDK's report makes of them."""

    figures: tuple[Figures, Figures]
    results: tuple[SimulationResults, SimulationResults]
    gates: tuple[GateResult[RunSummary], GateResult[RunSummary]]
    comparison: Comparison


def _latest(evaluations: list[JSON]) -> JSON | None:
    """The evaluation that counts: the latest by created_at, the later one among equals."""
    best: JSON | None = None
    for evaluation in evaluations:
        if best is None or _when(evaluation) >= _when(best):
            best = evaluation
    return best


def _when(evaluation: JSON) -> float:
    raw = evaluation.get("created_at")
    if raw is None:
        return -math.inf
    return datetime.fromisoformat(raw.replace("Z", "+00:00")).timestamp()


def _verdict(evaluation: JSON | None, name: str) -> bool | None:
    """A reviewer's verdict first, else the evaluation's."""
    if evaluation is None:
        return None
    human = evaluation.get(f"human_{name}")
    return human if human is not None else evaluation.get(name)


def figures_of(body: JSON) -> Figures:
    """Count by hand what the demo reports about one run."""
    results = body["simulation_results"]
    latest = {r["id"]: _latest(r.get("evaluations") or []) for r in results}
    goals = {rid: _verdict(e, "goal_success") for rid, e in latest.items()}
    flags = [_verdict(e, "hallucination") for e in latest.values()]
    p95s = sorted(
        e["latency"]["p95_agent_latency"]
        for e in latest.values()
        if e is not None and (e.get("latency") or {}).get("p95_agent_latency") is not None
    )
    return Figures(
        run_id=body["simulation_run"]["id"],
        total=len(results),
        statuses=dict(Counter(r["status"] for r in results)),
        met=sum(g is True for g in goals.values()),
        missed=sum(g is False for g in goals.values()),
        no_verdict=sum(g is None for g in goals.values()),
        hallucinated=sum(f is True for f in flags),
        hallucination_judged=sum(f is not None for f in flags),
        p95_latency_ms=p95s[math.ceil(0.95 * len(p95s)) - 1],
        goals=goals,
    )


async def reference() -> Reference:
    """Queue the demo's two runs in a fresh sandbox of its seed, completed at once."""
    bodies: list[JSON] = []
    parsed: list[SimulationResults] = []
    async with (
        run_sandbox(SandboxConfig(seed=DEMO_SEED, run_seconds=0)) as sb,
        aiohttp.ClientSession(headers={"X-API-Key": sb.api_key}) as http,
        BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url) as bj,
    ):
        for rate in (BASELINE_GOAL_SUCCESS, CANDIDATE_GOAL_SUCCESS):
            sb.state.goal_success_rate = rate
            request = {
                "simulation_id": str(SIMULATION_ID),
                "runs_per_digital_human": RUNS_PER_DIGITAL_HUMAN,
            }
            async with http.post(f"{sb.bluejay_url}/v1/queue-simulation-run", json=request) as r:
                assert r.status == 200, await r.text()
                run_id = (await r.json())["simulation_run_id"]
            url = f"{sb.bluejay_url}/v1/retrieve-simulation-results/{run_id}"
            async with http.get(url) as r:
                bodies.append(await r.json())
            parsed.append(await bj.results.retrieve(run_id))
    baseline, candidate = (summarize(p) for p in parsed)
    return Reference(
        figures=(figures_of(bodies[0]), figures_of(bodies[1])),
        results=(parsed[0], parsed[1]),
        gates=(gate(baseline, THRESHOLDS), gate(candidate, THRESHOLDS)),
        comparison=compare(baseline, candidate, LIMITS),
    )
