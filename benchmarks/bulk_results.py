"""Bulk result fetching: this SDK against the floor, the usual clients and the official SDK.

    python benchmarks/bulk_results.py --scenario loopback       # one table each
    python benchmarks/bulk_results.py --scenario latency
    python benchmarks/bulk_results.py --scenario rate-limited
    python benchmarks/bulk_results.py                           # all three

One wire server process (``wire_server.py``: bodies prepared once from the sandbox, served from
memory) holds ``--ids`` results bodies, 10 results each. For every round, every variant runs
in a fresh interpreter of its own (so its peak RSS is its own): it lists the runs, warms up on
a few, then fetches every run's results with ``--concurrency`` requests in flight, processes
each body (counts its results) and drops it. The variants of a round run one after the other,
interleaved round by round, so drift on a busy machine hits them alike. Figures are medians of
the rounds; every ratio is taken within a round (against raw aiohttp + orjson measured against
the same server minutes apart) and printed as its median with the spread over the rounds.

Next to every row: the server's CPU per request and its share of the client's, read from the
server itself around the measured block, so a reader can see that the client, not the server,
is what is measured.

Variants (see ``_clients.py``): ``sdk``, ``sdk-pure`` (``BLUEJAY_ASYNC_DECODER=pure``),
``raw``, ``httpx``, ``official`` (``bluejay-sdk``), ``requests`` (a sequential loop).

The ``rate-limited`` scenario puts a token bucket of ``--rate`` requests/second on the results
route and fetches every id with this SDK, adaptive window on and off, and prints what was
delivered, the goodput against the limit, and the requests wasted on 429s.
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

SCENARIOS = ("loopback", "latency", "rate-limited")
VARIANTS = ("sdk", "sdk-pure", "raw", "httpx", "official", "requests")
LABELS = {
    "sdk": "bluejay_async (records, msgspec path)",
    "sdk-pure": "bluejay_async (records, pure cattrs path)",
    "raw": "raw aiohttp + orjson (dicts)",
    "httpx": "httpx.AsyncClient + json (dicts)",
    "official": "official bluejay-sdk (async, pydantic)",
    "requests": "sequential requests loop (dicts)",
}
WARMUP_IDS = 64
LATENCY = 0.05
LATENCY_IDS = 1000
"""With 50 ms per request, throughput is set by the latency and the window, not by the count:
the latency scenario fetches at most this many ids per variant, to keep a round short."""
SEQUENTIAL_IDS_WITH_LATENCY = 100
"""A sequential loop over 1 000 ids at 50 ms each would take 50 s a round; its throughput does
not depend on the count either, so it fetches this many."""

TARGETS = {
    "loopback": (
        ("sdk", "raw", "throughput, this SDK / raw aiohttp + orjson", ">= 0.8x"),
        ("sdk", "official", "throughput, this SDK / official bluejay-sdk", ">= 10x"),
        ("sdk-pure", "raw", "throughput, pure cattrs path / raw aiohttp + orjson", ">= 0.4x"),
    ),
    "latency": (("sdk", "requests", "throughput, this SDK / sequential requests loop", ">= 25x"),),
}
"""The targets of issue 13 (and the README's latency claim): (variant, baseline, what, target)."""
RSS_TARGET = "<= 1.2x"


def run_round(variant: str, url: str, count: int, concurrency: int, warmup: int) -> dict[str, Any]:
    """One variant, one round, in a fresh interpreter."""
    env = {"BLUEJAY_ASYNC_DECODER": "pure" if variant.endswith("-pure") else "auto"}
    args = ["--child", variant, "--url", url, "--ids", str(count)]
    args += ["--concurrency", str(concurrency), "--warmup", str(warmup)]
    result: dict[str, Any] = _common.run_child(os.path.abspath(__file__), args, env)
    return result


def rate(result: dict[str, Any]) -> float:
    """Delivered requests per second of wall time."""
    return float(result["delivered"]) / float(result["wall"])


def server_columns(results: Sequence[dict[str, Any]]) -> list[str]:
    """Server CPU per request (µs) and the server's CPU as a share of the client's."""
    per_request = [r["server_cpu"] / max(1, r["server_requests"]) * 1e6 for r in results]
    share = [r["server_cpu"] / r["cpu"] for r in results if r["cpu"] > 0]
    return [f"{_common.median(per_request):.0f}", f"{_common.median(share):.0%}"]


def print_server_share(rounds: dict[str, list[dict[str, Any]]]) -> None:
    """One line: the server's share of the client's CPU over every measured block."""
    shares = [r["server_cpu"] / r["cpu"] for rs in rounds.values() for r in rs if r["cpu"] > 0]
    print(
        f"\nserver CPU / client CPU over every measured block: median {_common.median(shares):.0%},"
        f" highest {max(shares):.0%} (the wire server; the sandbox spends about as much CPU per"
        " request as the client)"
    )


def throughput_scenario(name: str, url: str, args: argparse.Namespace) -> None:
    latency = name == "latency"
    wire_server.configure(url, latency=LATENCY if latency else 0.0)
    ids = min(args.ids, LATENCY_IDS) if latency else args.ids
    counts = dict.fromkeys(args.variants, ids)
    if latency and "requests" in counts:
        counts["requests"] = min(ids, SEQUENTIAL_IDS_WITH_LATENCY)
    rounds: dict[str, list[dict[str, Any]]] = {v: [] for v in args.variants}
    for number in range(args.rounds):
        for variant in args.variants:
            rounds[variant].append(
                run_round(variant, url, counts[variant], args.concurrency, args.warmup)
            )
        print(f"  {name}: round {number + 1}/{args.rounds} done", file=sys.stderr, flush=True)

    title = "loopback" if not latency else f"{LATENCY * 1000:.0f} ms server latency per request"
    print(
        f"\n### {title}: {ids} runs, concurrency {args.concurrency}, "
        f"median of {args.rounds} rounds\n"
    )
    rows = []
    for variant in args.variants:
        results = rounds[variant]
        ratios = [rate(r) / rate(raw) for r, raw in zip(results, rounds["raw"], strict=True)]
        delivered = f"{results[0]['delivered']}/{results[0]['count']}"
        if any(r["failed"] for r in results):
            delivered += f" ({max(r['failed'] for r in results)} failed)"
        rows.append(
            [
                LABELS[variant],
                f"{_common.median([rate(r) for r in results]):,.0f}",
                _common.ratio_text(ratios),
                f"{_common.median([r['cpu'] / r['count'] * 1e6 for r in results]):,.0f}",
                *server_columns(results),
                f"{_common.median([r['rss_mib'] for r in results]):.1f}",
                delivered,
            ]
        )
    _common.print_table(
        [
            "variant",
            "req/s",
            "vs raw (spread)",
            "client CPU µs/req",
            "server CPU µs/req",
            "server/client CPU",
            "peak RSS MiB",
            "delivered",
        ],
        rows,
    )
    print_server_share(rounds)
    print_targets(name, rounds)
    print_failures({LABELS[v]: rs for v, rs in rounds.items()})


def print_targets(scenario: str, rounds: dict[str, list[dict[str, Any]]]) -> None:
    """Each target's ratio: the median of the per-round ratios, and their spread."""
    lines = []
    for variant, baseline, what, target in TARGETS.get(scenario, ()):
        if variant in rounds and baseline in rounds:
            pairs = zip(rounds[variant], rounds[baseline], strict=True)
            ratios = [rate(a) / rate(b) for a, b in pairs]
            lines.append(f"- {what}: {_common.ratio_text(ratios)}, target {target}")
    if scenario == "loopback" and "sdk" in rounds:
        pairs = zip(rounds["sdk"], rounds["raw"], strict=True)
        ratios = [a["rss_mib"] / b["rss_mib"] for a, b in pairs]
        lines.append(
            f"- peak RSS, this SDK / raw aiohttp + orjson: {_common.ratio_text(ratios)}, "
            f"target {RSS_TARGET}"
        )
    if lines:
        print("\n" + "\n".join(lines), flush=True)


def rate_limited_scenario(url: str, args: argparse.Namespace) -> None:
    limit = args.rate
    rows = []
    every: dict[str, list[dict[str, Any]]] = {}
    for variant, label in (
        ("sdk", "adaptive window (default)"),
        ("sdk-fixed", "fixed window (adaptive=False)"),
    ):
        results = []
        for number in range(args.rate_rounds):
            wire_server.configure(url, rate=limit)
            results.append(run_round(variant, url, args.ids, args.concurrency, warmup=0))
            print(
                f"  rate-limited, {label}: round {number + 1}/{args.rate_rounds} done",
                file=sys.stderr,
                flush=True,
            )
        every[label] = results
        route = wire_server.RESULTS_ROUTE
        throttled = [r["server_responses"].get(f"{route} 429", 0) for r in results]
        answered = [sum(r["server_responses"].values()) for r in results]
        goodput = [rate(r) for r in results]
        steady = [max(0, r["delivered"] - limit) / r["wall"] for r in results]
        worst = min(results, key=lambda r: r["delivered"])
        rows.append(
            [
                label,
                f"{worst['delivered']}/{worst['count']}",
                f"{_common.median([r['wall'] for r in results]):.2f}",
                f"{_common.median(goodput):.0f} ({_common.median(goodput) / limit:.0%})",
                f"{_common.median(steady):.0f} ({_common.median(steady) / limit:.0%})",
                f"{_common.median(throttled):.0f}",
                f"{_common.median([t / a for t, a in zip(throttled, answered, strict=True)]):.1%}",
                *server_columns(results),
            ]
        )
    print(
        f"\n### rate-limited: token bucket of R = {limit:.0f} req/s (burst {limit:.0f}), "
        f"{args.ids} runs, concurrency {args.concurrency}, median of {args.rate_rounds} rounds\n"
    )
    _common.print_table(
        [
            "this SDK",
            "delivered (worst)",
            "seconds",
            "goodput req/s (of R)",
            "goodput after the burst (of R)",
            "429s",
            "requests wasted on 429",
            "server CPU µs/req",
            "server/client CPU",
        ],
        rows,
    )
    print_server_share(every)
    # A fixed window failing ids is the point of the comparison: explain only the adaptive's.
    print_failures({"adaptive window (default)": every["adaptive window (default)"]})


def print_failures(results_by_label: dict[str, list[dict[str, Any]]]) -> None:
    """Why anything failed, so that a lost id is explained rather than only counted."""
    for label, results in results_by_label.items():
        for number, result in enumerate(results, 1):
            for failure in result.get("failures", []):
                print(f"- {label}, round {number}: {failure}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=(*SCENARIOS, "all"), default="all")
    parser.add_argument("--ids", type=int, default=2000, help="runs to fetch (default 2000)")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=5, help="rounds per variant (default 5)")
    parser.add_argument("--variants", nargs="+", choices=VARIANTS, default=list(VARIANTS))
    parser.add_argument("--rate", type=float, default=100.0, help="rate limit R, req/s")
    parser.add_argument("--rate-rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=WARMUP_IDS, help="ids fetched unmeasured")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        ids = _common.run_ids(args.url)[: args.ids]
        result = asyncio.run(
            _clients.measure(args.child, args.url, ids, args.concurrency, args.warmup)
        )
        print(json.dumps(result))
        return

    scenarios = SCENARIOS if args.scenario == "all" else (args.scenario,)
    if "raw" not in args.variants:
        args.variants.insert(0, "raw")
    print(_common.machine_line())
    with wire_server.start(args.ids) as server:
        url = server.bluejay_url
        size = len(_common.fetch_body(url, _common.run_ids(url)[0]))
        print(
            f"results body: {size / 1024:.1f} KiB (10 results with evaluations, latency blocks, "
            "events, tool calls); server: wire_server.py, bodies served from memory"
        )
        for scenario in scenarios:
            if scenario == "rate-limited":
                rate_limited_scenario(url, args)
            else:
                throughput_scenario(scenario, url, args)


if __name__ == "__main__":
    main()
