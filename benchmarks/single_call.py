"""The cost of one call: client CPU per ``results.retrieve``, against a raw aiohttp GET + orjson.

    python benchmarks/single_call.py                 # 2 000 sequential calls, 5 rounds
    python benchmarks/single_call.py --calls 500 --rounds 3

One wire server process (``wire_server.py``) serves ``--calls`` results bodies. Every round
runs two fresh interpreters, one per SDK decode path; each makes ``--calls`` calls with the SDK
and as many with the raw client, one after the other (nothing else in flight), after a few
warm-up calls of each. The calls are measured in ``--blocks`` blocks, the two clients taking
turns block by block (the order alternating), so that both are measured over the same seconds
and a busy machine's drift hits both alike: the ratio is the SDK's CPU per call over the raw
client's in the same interpreter. Variants:

* ``await bj.results.retrieve(run_id)`` (records; msgspec path, then the pure path with
  ``BLUEJAY_ASYNC_DECODER=pure``);
* raw: ``session.get(url)`` on one aiohttp session, ``await response.read()``,
  ``orjson.loads`` (dicts), the floor (its row is the one measured next to the msgspec path).

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
SDK_VARIANTS = ("sdk-retrieve", "sdk-retrieve-pure")
LABELS = {
    "sdk-retrieve": "bj.results.retrieve (records, msgspec path)",
    "sdk-retrieve-pure": "bj.results.retrieve (records, pure cattrs path)",
    "raw": "raw aiohttp GET + orjson.loads (dicts)",
}
TARGET = ("sdk-retrieve", "client CPU per call, results.retrieve / raw aiohttp + orjson", "<= 1.3x")
WARMUP_CALLS = 32
BLOCKS = 20


def run_round(variant: str, url: str, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """One SDK variant and the raw client, one round, in a fresh interpreter."""
    env = {"BLUEJAY_ASYNC_DECODER": "pure" if variant.endswith("-pure") else "auto"}
    child_args = ["--child", variant, "--url", url, "--calls", str(args.calls)]
    child_args += ["--warmup", str(args.warmup), "--blocks", str(args.blocks)]
    result: dict[str, dict[str, Any]] = _common.run_child(
        os.path.abspath(__file__), child_args, env
    )
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=2000, help="sequential calls (default 2000)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=WARMUP_CALLS, help="calls not measured")
    parser.add_argument(
        "--blocks", type=int, default=BLOCKS, help="turns each client takes (default 20)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        ids = _common.run_ids(args.url)[: args.calls]
        names = (args.child, "raw")
        result = asyncio.run(
            _clients.measure_paired(names, args.url, ids, args.warmup, args.blocks)
        )
        print(json.dumps(result))
        return

    print(_common.machine_line())
    rounds: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    raw_of: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    with wire_server.start(args.calls) as server:
        url = server.bluejay_url
        size = len(_common.fetch_body(url, _common.run_ids(url)[0]))
        print(f"results body: {size / 1024:.1f} KiB; server: wire_server.py, bodies from memory")
        for number in range(args.rounds):
            for variant in SDK_VARIANTS:
                pair = run_round(variant, url, args)
                rounds[variant].append(pair[variant])
                raw_of[variant].append(pair["raw"])
            rounds["raw"].append(raw_of["sdk-retrieve"][-1])
            raw_of["raw"].append(raw_of["sdk-retrieve"][-1])
            print(f"  round {number + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    def per_call(result: dict[str, Any]) -> float:
        return float(result["cpu"]) / float(result["count"])

    print(
        f"\n### {args.calls} sequential calls per client, in {args.blocks} turns each, "
        f"median of {args.rounds} rounds\n"
    )
    rows = []
    for variant in VARIANTS:
        results = rounds[variant]
        ratios = [
            per_call(r) / per_call(raw) for r, raw in zip(results, raw_of[variant], strict=True)
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
        per_call(a) / per_call(b) for a, b in zip(rounds[variant], raw_of[variant], strict=True)
    ]
    print(f"\n- {what}: {_common.ratio_text(ratios)}, target {target}", flush=True)


if __name__ == "__main__":
    main()
