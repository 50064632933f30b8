"""Per-document cost of decoding and structuring one results body, by decoder.

    python benchmarks/decode.py [--rounds 7] [--docs 40]

Fetches ``--docs`` realistic results bodies from a sandbox process (10 results each, with
evaluations, latency blocks, events and tool calls), then times, in this process, each way of
turning those bytes into something a program can use. Each figure is the median of the rounds;
each round decodes every document enough times to last about half a second.

* ``json.loads`` and ``orjson.loads``: dicts, no validation (the floor).
* ``orjson + cattrs (pure path)``: this SDK's pure path, ``BLUEJAY_ASYNC_DECODER=pure``.
* ``decode_response (SDK default)``: what this SDK runs per response: msgspec first, the pure
  path when msgspec refuses the body (which then decides: same records, same errors).
* ``msgspec into the records``: msgspec alone, straight into the same frozen attrs classes.
* ``pydantic (official SDK model)``: ``bluejay-sdk``'s ``SimulationResultsResponse``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import _common

from bluejay_async.core.converter import decode_response, decoder_backend, structure
from bluejay_async.models import SimulationResults


def _time_per_doc(decode: Callable[[bytes], Any], docs: Sequence[bytes], budget: float) -> float:
    """Seconds per document over one round of about ``budget`` seconds."""
    for doc in docs:  # warm up: hooks generated, caches filled
        decode(doc)
    repeat = 1
    while True:
        start = time.perf_counter()
        for _ in range(repeat):
            for doc in docs:
                decode(doc)
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            return elapsed / (repeat * len(docs))
        repeat *= 2


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--budget", type=float, default=0.5, help="seconds per round")
    args = parser.parse_args(argv)

    import msgspec
    import orjson
    from bluejay.models import SimulationResultsResponse

    with _common.sandbox_process(args.docs) as url:
        docs = [_common.fetch_body(url, run_id) for run_id in _common.run_ids(url)]

    records = msgspec.json.Decoder(SimulationResults)
    for doc in docs:  # both paths give the same records, JSON null lists included
        if records.decode(doc) != structure(orjson.loads(doc), SimulationResults):
            raise SystemExit("the msgspec and pure paths disagree")

    variants: list[tuple[str, Callable[[bytes], Any], Sequence[bytes]]] = [
        ("json.loads (dicts)", json.loads, docs),
        ("orjson.loads (dicts)", orjson.loads, docs),
        (
            "orjson + cattrs (pure path)",
            lambda raw: structure(orjson.loads(raw), SimulationResults),
            docs,
        ),
        (
            f"decode_response (SDK default, {decoder_backend()} first)",
            lambda raw: decode_response(raw, SimulationResults),
            docs,
        ),
        ("msgspec into the records", records.decode, docs),
        (
            "pydantic (official SDK model)",
            SimulationResultsResponse.model_validate_json,
            docs,
        ),
    ]
    timings: dict[str, list[float]] = {name: [] for name, _, _ in variants}
    for _ in range(args.rounds):
        for name, decode, inputs in variants:
            timings[name].append(_time_per_doc(decode, inputs, args.budget))
    floor = _common.median(timings["orjson.loads (dicts)"])
    size = sum(map(len, docs)) / len(docs)
    print(
        f"python {sys.version.split()[0]}; {len(docs)} bodies of {size / 1024:.1f} KiB on average"
    )
    nulls = sum(b"null" in doc for doc in docs)
    print(f"{nulls} of {len(docs)} bodies hold JSON nulls (null lists read as [] on both paths)\n")
    rows = []
    for name, _, _ in variants:
        per_doc = _common.median(timings[name])
        rows.append([name, f"{per_doc * 1e6:,.0f}", f"{per_doc / floor:.1f}x"])
    _common.print_table(["decode + structure", "us per document", "vs orjson.loads"], rows)


if __name__ == "__main__":
    main()
