"""The mixed-fault soak: ``retrieve_many`` over thousands of runs and a long Cognigy walk.

A fixed fraction of the sandbox's answers is faulted, drawn from a fixed seed over eleven
kinds of transient fault. The soak reports what was delivered, how many attempts it took, which
faults were seen and the per-attempt latency. It is shared by ``tests/reliability/test_soak.py``
(bounded for CI) and ``benchmarks/soak.py`` (any size, figures printed).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from typing import Any

import attrs

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.sandbox import FaultRule, Sandbox, SandboxConfig, run_sandbox
from cognigy_async import CognigyClient
from tests.reliability.harness import (
    CANARY_KEY,
    RecordingHandler,
    loop_reports,
    quiesce,
    recording_logs,
)

SEED = 20_240_601
FAULT_RATE = 0.20
TIMEOUT = 0.5
"""Per-attempt timeout: the latency fault waits longer than this."""
LATENCY = 0.75
POLICY = RetryPolicy(max_attempts=10, backoff_base=0.002, backoff_max=0.05, retry_after_max=1.0)
"""Ten attempts: at a 20% fault rate, a unit failing all ten happens about once in 10^7."""

# (kind, options): eleven transient kinds, each recovered from by a retry of a GET.
MIX: tuple[tuple[str, dict[str, Any]], ...] = (
    ("status", {"status": 429}),
    ("status", {"status": 429, "retry_after": 0}),
    ("status", {"status": 500}),
    ("status", {"status": 502, "html": True}),
    ("status", {"status": 503, "retry_after": 0}),
    ("status", {"status": 504, "html": True}),
    ("drop_before", {}),
    ("drop_after", {}),
    ("truncate", {}),
    ("truncate", {"broken_json": True}),
    ("latency", {"delay": LATENCY}),
)


def mixed_faults(route: str, rate: float = FAULT_RATE) -> list[FaultRule]:
    """The mix on ``route``: each rule fires independently, so that ``rate`` of the requests
    meet at least one of them."""
    each = 1.0 - (1.0 - rate) ** (1.0 / len(MIX))
    return [
        FaultRule(kind, route, probability=each, **options)  # type: ignore[arg-type]
        for kind, options in MIX
    ]


@attrs.frozen
class SoakReport:
    """The figures of one soak."""

    name: str
    items: int
    """Items asked for."""
    delivered: int
    """Distinct items delivered successfully."""
    duplicates: int
    """Items delivered more than once (must be 0)."""
    failed: list[Any]
    """Items whose every attempt failed (the policy's attempts spent)."""
    units: int
    """Request units (ids for the bulk fetch, pages for the walk)."""
    attempts: int
    """Requests the sandbox received."""
    max_unit_attempts: int
    """The most attempts any one unit took."""
    faulted: int
    """Requests that met at least one fault."""
    faults: dict[str, int]
    """Faults injected, by kind."""
    statuses: dict[int, int]
    """Status faults injected, by status code."""
    p50_ms: float
    p99_ms: float
    """Per-attempt latency, from the SDK's DEBUG line of each attempt."""
    seconds: float
    secret_leaks: int
    """Log records that show the API key (must be 0)."""
    unhandled: int
    """Errors the event loop reported as never handled (must be 0)."""

    def text(self) -> str:
        """The report as printed lines."""
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.faults.items()))
        codes = ", ".join(f"{code} {n}" for code, n in sorted(self.statuses.items()))
        return "\n".join(
            (
                f"[{self.name}] items {self.items}, delivered {self.delivered} "
                f"(duplicates {self.duplicates}, failed {len(self.failed)}, "
                f"unhandled errors {self.unhandled})",
                f"[{self.name}] attempts {self.attempts} over {self.units} units "
                f"(max {self.max_unit_attempts} per unit), faulted responses {self.faulted} "
                f"({self.faulted / max(1, self.attempts):.1%})",
                f"[{self.name}] faults seen: {kinds} (status: {codes})",
                f"[{self.name}] latency per attempt p50 {self.p50_ms:.1f} ms, "
                f"p99 {self.p99_ms:.1f} ms; {self.seconds:.1f} s",
            )
        )


def _latencies(logs: RecordingHandler, logger: str) -> tuple[float, float]:
    # The transport's line: "%s %s -> %s in %.1f ms (attempt %d)"; the fourth argument.
    elapsed = sorted(
        r.args[3]
        for r in logs.records
        if r.name == logger
        and isinstance(r.args, tuple)
        and len(r.args) == 5
        and isinstance(r.args[3], float)
    )
    if len(elapsed) < 2:
        return (elapsed or [0.0])[0], (elapsed or [0.0])[0]
    cuts = statistics.quantiles(elapsed, n=100, method="inclusive")
    return cuts[49], cuts[98]


def _leaks(logs: RecordingHandler) -> int:
    return sum(1 for text in logs.texts() if CANARY_KEY in text)


def _fault_figures(sb: Sandbox) -> tuple[int, dict[str, int], dict[int, int]]:
    faulted = sum(1 for r in sb.request_log if r.fault is not None)
    kinds: Counter[str] = Counter()
    for (_, kind), n in sb.counters.faults.items():
        kinds[kind] += n
    codes = Counter(r.status for r in sb.request_log if r.fault == "status" and r.status)
    return faulted, dict(kinds), dict(codes)


async def soak_retrieve_many(
    items: int = 5_000,
    *,
    rate: float = FAULT_RATE,
    seed: int = SEED,
    concurrency: int = 32,
    adaptive: bool = True,
) -> SoakReport:
    """Fetch ``items`` runs' results through ``retrieve_many`` with ``rate`` of answers faulted.

    The adaptive window is on, as by default: the 429s of this mix come at random, which it
    must not mistake for a rate limit (it would slow the whole fetch down). Retries are the
    client's policy either way, ``Retry-After`` honoured.
    """
    per_simulation = 100
    config = SandboxConfig(
        seed=seed,
        api_key=CANARY_KEY,
        simulations=-(-items // per_simulation),
        runs_per_simulation=per_simulation,
        results_per_run=2,
        request_log_size=max(10_000, items * 4),
        body_cache_size=items,
    )
    route = "retrieve_simulation_results"
    async with run_sandbox(config) as sb:
        sb.state.warm()
        run_ids = sorted(sb.state.runs)[:items]
        sb.set_faults(mixed_faults(route, rate))
        outcomes: Counter[int] = Counter()
        failed: list[Any] = []
        started = time.perf_counter()
        with recording_logs() as logs, loop_reports() as unhandled:
            async with BluejayClient(
                api_key=sb.api_key, base_url=sb.bluejay_url, retry=POLICY, timeout=TIMEOUT
            ) as bj:
                async for outcome in bj.results.retrieve_many(
                    run_ids, concurrency=concurrency, adaptive=adaptive
                ):
                    outcomes[outcome.key] += 1
                    if not outcome.ok:
                        failed.append((outcome.key, outcome.error))
        seconds = time.perf_counter() - started
        await quiesce(sb, limit=2 * LATENCY)  # abandoned slow requests finish and are logged
        per_unit = Counter(r.match_info["simulation_run_id"] for r in sb.request_log)
        faulted, kinds, codes = _fault_figures(sb)
        p50, p99 = _latencies(logs, "bluejay_async")
        return SoakReport(
            name="retrieve_many",
            items=items,
            delivered=len(outcomes) - len(failed),
            duplicates=sum(n - 1 for n in outcomes.values()),
            failed=failed,
            units=len(per_unit),
            attempts=sb.counters.requests[route],
            max_unit_attempts=max(per_unit.values()),
            faulted=faulted,
            faults=kinds,
            statuses=codes,
            p50_ms=p50,
            p99_ms=p99,
            seconds=seconds,
            secret_leaks=_leaks(logs),
            unhandled=len(unhandled),
        )


async def soak_cognigy_walk(
    runs: int = 20_000, *, rate: float = FAULT_RATE, seed: int = SEED, page_size: int = 100
) -> SoakReport:
    """Walk a batch of ``runs`` Cognigy runs with ``rate`` of the pages faulted."""
    config = SandboxConfig(
        seed=seed,
        api_key=CANARY_KEY,
        simulations=0,
        cognigy_runs_per_batch=runs,
        request_log_size=max(10_000, runs),
    )
    route = "cognigy_runs"
    async with run_sandbox(config) as sb:
        sb.set_faults(mixed_faults(route, rate))
        delivered: Counter[str] = Counter()
        started = time.perf_counter()
        with recording_logs() as logs, loop_reports() as unhandled:
            async with CognigyClient(
                token=sb.api_key,
                base_url=sb.cognigy_url,
                project_id="p-soak",
                retry=POLICY,
                timeout=TIMEOUT,
            ) as cg:
                async for run in cg.runs.iterate("sim-soak", "batch-soak", page_size=page_size):
                    delivered[run.id] += 1
        seconds = time.perf_counter() - started
        await quiesce(sb, limit=2 * LATENCY)  # abandoned slow requests finish and are logged
        per_unit = Counter(r.raw_path for r in sb.request_log)
        faulted, kinds, codes = _fault_figures(sb)
        p50, p99 = _latencies(logs, "cognigy_async")
        return SoakReport(
            name="cognigy walk",
            items=runs,
            delivered=len(delivered),
            duplicates=sum(n - 1 for n in delivered.values()),
            failed=[],
            units=len(per_unit),
            attempts=sb.counters.requests[route],
            max_unit_attempts=max(per_unit.values()),
            faulted=faulted,
            faults=kinds,
            statuses=codes,
            p50_ms=p50,
            p99_ms=p99,
            seconds=seconds,
            secret_leaks=_leaks(logs),
            unhandled=len(unhandled),
        )
