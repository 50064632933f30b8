"""The cost of one call: client CPU per ``results.retrieve``, against a raw aiohttp GET + orjson.

    python benchmarks/single_call.py                 # 2 000 sequential calls, 5 rounds
    python benchmarks/single_call.py --calls 500 --rounds 3

One wire server process (``wire_server.py``) serves ``--calls`` results bodies. Every round,
each variant runs in a fresh interpreter: it warms up on a few ids, then makes ``--calls``
calls one after the other (nothing else in flight) and reports the CPU time this process spent
per call. Variants:

* ``await bj.results.retrieve(run_id)`` (records; msgspec path, then the pure path with
  ``BLUEJAY_ASYNC_DECODER=pure``);
* raw: ``session.get(url)`` on one aiohttp session, ``await response.read()``,
  ``orjson.loads`` (dicts), the floor.

Ratios are taken within a round and printed as their median with the spread over the rounds;
the server's CPU per call and its share of the client's are printed next to each row.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import _clients
import _common
import wire_server

VARIANTS = ("sdk-retrieve", "sdk-retrieve-pure", "raw")
LABELS = {
    "sdk-retrieve": "bj.results.retrieve (records, msgspec path)",
    "sdk-retrieve-pure": "bj.results.retrieve (records, pure cattrs path)",
    "raw": "raw aiohttp GET + orjson.loads (dicts)",
}
TARGET = ("sdk-retrieve", "client CPU per call, results.retrieve / raw aiohttp + orjson", "<= 1.3x")
WARMUP_CALLS = 32


def run_round(variant: str, url: str, calls: int, warmup: int) -> dict[str, Any]:
    """One variant, one round, in a fresh interpreter."""
    env = {"BLUEJAY_ASYNC_DECODER": "pure" if variant.endswith("-pure") else "auto"}
    args = ["--child", variant, "--url", url, "--calls", str(calls), "--warmup", str(warmup)]
    result: dict[str, Any] = _common.run_child(os.path.abspath(__file__), args, env)
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=2000, help="sequential calls (default 2000)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=WARMUP_CALLS, help="calls not measured")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        ids = _common.run_ids(args.url)[: args.calls]
        result = asyncio.run(_clients.measure(args.child, args.url, ids, 1, args.warmup))
        print(json.dumps(result))
        return

    print(_common.machine_line())
    rounds: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    with wire_server.start(args.calls) as server:
        url = server.bluejay_url
        size = len(_common.fetch_body(url, _common.run_ids(url)[0]))
        print(f"results body: {size / 1024:.1f} KiB; server: wire_server.py, bodies from memory")
        for number in range(args.rounds):
            for variant in VARIANTS:
                rounds[variant].append(run_round(variant, url, args.calls, args.warmup))
            print(f"  round {number + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    def per_call(result: dict[str, Any]) -> float:
        return float(result["cpu"]) / float(result["count"])

    print(f"\n### {args.calls} sequential calls, median of {args.rounds} rounds\n")
    rows = []
    for variant in VARIANTS:
        results = rounds[variant]
        ratios = [
            per_call(r) / per_call(raw) for r, raw in zip(results, rounds["raw"], strict=True)
        ]
        server_per_call = [r["server_cpu"] / max(1, r["server_requests"]) * 1e6 for r in results]
        share = [r["server_cpu"] / r["cpu"] for r in results]
        rows.append(
            [
                LABELS[variant],
                f"{_common.median([per_call(r) * 1e6 for r in results]):,.0f}",
                _common.ratio_text(ratios),
                f"{_common.median([r['delivered'] / r['wall'] for r in results]):,.0f}",
                f"{_common.median(server_per_call):.0f}",
                f"{_common.median(share):.0%}",
                f"{results[0]['delivered']}/{results[0]['count']}",
            ]
        )
    _common.print_table(
        [
            "variant",
            "client CPU µs/call",
            "vs raw (spread)",
            "calls/s",
            "server CPU µs/call",
            "server/client CPU",
            "delivered",
        ],
        rows,
    )
    variant, what, target = TARGET
    ratios = [
        per_call(a) / per_call(b) for a, b in zip(rounds[variant], rounds["raw"], strict=True)
    ]
    print(f"\n- {what}: {_common.ratio_text(ratios)}, target {target}", flush=True)


if __name__ == "__main__":
    main()
