"""Export every result of a simulation to a JSON lines file, and report the success rates.

Fetches the results of every run concurrently with ``results.retrieve_many`` (one outcome per
run, in completion order, each written and dropped as it arrives, so memory stays flat), then
prints how many runs could be fetched and how many calls met their goal. Exits 1 when a run
could not be fetched after its retries.

    bluejay-async serve --faults realistic &
    export BLUEJAY_API_KEY=sandbox BLUEJAY_BASE_URL=http://127.0.0.1:8080
    python examples/bulk_export.py 1 results.jsonl
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import attrs

from bluejay_async import BluejayClient, RetryPolicy, SimulationResult


def record(run_id: int, result: SimulationResult) -> dict[str, Any]:
    """One JSON line: the result's fields (timestamps in ISO 8601) and its run."""
    fields = attrs.asdict(result, value_serializer=lambda _, __, v: _jsonable(v))
    return {"run_id": run_id, **fields}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


async def export(simulation_id: int, out: Path, *, concurrency: int = 16) -> int:
    """Write the simulation's results to ``out``; returns the exit status."""
    retry = RetryPolicy(max_attempts=5, deadline=60.0)
    async with BluejayClient(retry=retry) as bj:
        runs = await bj.runs.list(simulation_id)
        fetched = met = judged = written = 0
        failed: list[str] = []
        outcomes = bj.results.retrieve_many([r.id for r in runs], concurrency=concurrency)
        with out.open("w", encoding="utf-8") as file:
            async for item in outcomes:
                if not item.ok:
                    failed.append(f"run {item.key}: {item.error}")
                    continue
                fetched += 1
                for result in item.value.simulation_results:
                    file.write(json.dumps(record(item.key, result)) + "\n")
                    written += 1
                    verdicts = [e.goal_success for e in result.evaluations]
                    if any(v is not None for v in verdicts):
                        judged += 1
                        if False not in verdicts:
                            met += 1

    print(f"exported {written} results of {fetched} runs to {out}")
    print(f"runs fetched:  {fetched}/{len(runs)} ({_percent(fetched, len(runs))})")
    print(f"goals met:     {met}/{judged} judged calls ({_percent(met, judged)})")
    for line in failed:
        print(f"failed: {line}", file=sys.stderr)
    return 1 if failed else 0


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def main() -> int:
    parser = argparse.ArgumentParser(description="Export a simulation's results as JSON lines.")
    parser.add_argument("simulation_id", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    return asyncio.run(export(args.simulation_id, args.out, concurrency=args.concurrency))


if __name__ == "__main__":
    sys.exit(main())
