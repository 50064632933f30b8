"""Soak the SDK under mixed faults and print the figures.

    python benchmarks/soak.py                      # 5 000 fetches, a 20 000-run walk, 20% faults
    python benchmarks/soak.py --items 50000 --runs 100000 --fault-rate 0.3 --fixed-window

Both soaks run against the sandbox on 127.0.0.1 (see ``tests/reliability/soak.py``); the CI
runs the default sizes as ``tests/reliability/test_soak.py``. Exits 1 when an item is lost,
duplicated or failed, or when a unit took more attempts than the retry policy allows.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The repository root must be importable (for tests.reliability.soak).
from tests.reliability.soak import (
    FAULT_RATE,
    POLICY,
    SEED,
    SoakReport,
    soak_cognigy_walk,
    soak_retrieve_many,
)


def _healthy(report: SoakReport) -> bool:
    return (
        report.duplicates == 0
        and not report.failed
        and report.delivered == report.items
        and report.max_unit_attempts <= POLICY.max_attempts
        and report.secret_leaks == 0
        and report.unhandled == 0
    )


async def _main(args: argparse.Namespace) -> int:
    reports = []
    if args.items:
        reports.append(
            await soak_retrieve_many(
                args.items,
                rate=args.fault_rate,
                seed=args.seed,
                concurrency=args.concurrency,
                adaptive=not args.fixed_window,
            )
        )
        print(reports[-1].text(), flush=True)
    if args.runs:
        reports.append(await soak_cognigy_walk(args.runs, rate=args.fault_rate, seed=args.seed))
        print(reports[-1].text(), flush=True)
    return 0 if all(_healthy(r) for r in reports) else 1


def main() -> int:
    """Parse the arguments, run the soaks, print their figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=5_000, help="retrieve_many ids (0: skip)")
    parser.add_argument("--runs", type=int, default=20_000, help="Cognigy runs walked (0: skip)")
    parser.add_argument("--fault-rate", type=float, default=FAULT_RATE)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--fixed-window",
        action="store_true",
        help="turn retrieve_many's adaptive window off (adaptive=False)",
    )
    args = parser.parse_args()
    # The sandbox logs the requests a dropped client abandons; they are part of the soak.
    logging.getLogger("aiohttp.server").setLevel(logging.CRITICAL)
    return asyncio.run(_main(args))


if __name__ == "__main__":
    sys.exit(main())
