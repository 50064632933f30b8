"""Per-document cost of turning a response body into records, by decoder, against orjson.loads.

    python benchmarks/decode.py [--rounds 7] [--docs 40] [--budget 0.5]

Three sets of bodies, each decoded whole in this process:

* **results**: ``--docs`` results bodies served by a sandbox process (10 results each, with
  evaluations, latency blocks, events and tool calls; optional fields the sandbox leaves out
  are absent, as the API leaves them out);
* **results, every field present**: the same bodies with each absent optional field of an
  evaluation or custom metric written as ``null`` (the records are the same; msgspec has no
  absent field left to fill, and the review fields the records set before reading a body,
  see ``often_absent`` in ``bluejay_async/core/markers.py``, are all overwritten);
* **Cognigy pages**: pages of 100 runs from the sandbox's Cognigy generator (camelCase names,
  epoch-millisecond timestamps).

Rows: ``orjson.loads`` and ``json.loads`` (dicts, no validation: the floor), this SDK's pure
path (``BLUEJAY_ASYNC_DECODER=pure``: JSON values, then cattrs), the SDK's default
(``decode_response``: msgspec first) and, for results, ``bluejay-sdk``'s pydantic model.

Each round times every row for about ``--budget`` seconds of CPU time (``time.process_time``,
so time the process spends waiting for a busy machine's CPU is not counted) and divides by
``orjson.loads`` timed in the same round. The table shows the median per document and the
median ratio over rounds, with the lowest and highest ratio seen.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import _common
import attrs

from bluejay_async.core import converter
from bluejay_async.core.converter import decode_response
from bluejay_async.models import CustomMetric, Evaluation, SimulationResults
from cognigy_async.models import RunsPage

Decode = Callable[[bytes], Any]


def _on(backend: str, into: type) -> Decode:
    # The backend is read from BLUEJAY_ASYNC_DECODER once, at import; to time both paths in one
    # process each row sets the module's setting (a plain assignment, a few ns) before decoding.
    def decode(raw: bytes) -> Any:
        converter._BACKEND = backend
        return decode_response(raw, into)

    return decode


def _time_per_doc(decode: Decode, docs: Sequence[bytes], budget: float) -> float:
    """CPU seconds per document over one round of about ``budget`` seconds."""
    for doc in docs:  # warm up: hooks generated, decoders built, caches filled
        decode(doc)
    repeat = 1
    while True:
        start = time.process_time()
        for _ in range(repeat):
            for doc in docs:
                decode(doc)
        elapsed = time.process_time() - start
        if elapsed >= budget:
            return elapsed / (repeat * len(docs))
        repeat *= 2


def _with_every_field(doc: bytes) -> bytes:
    body = json.loads(doc)
    for result in body.get("simulation_results") or []:
        for evaluation in result.get("evaluations") or []:
            for metric in evaluation.get("custom_metrics") or []:
                for a in attrs.fields(CustomMetric):
                    metric.setdefault(a.name, None)
            for a in attrs.fields(Evaluation):
                evaluation.setdefault(a.name, None)
    return json.dumps(body, separators=(",", ":")).encode()


def _cognigy_pages(count: int, size: int = 100) -> list[bytes]:
    from bluejay_async.sandbox.cognigy_data import CognigyStore

    store = CognigyStore(seed=0, runs_per_batch=count * size)
    pages = []
    for p in range(count):
        runs = [store.run("sim-1", "batch-1", p * size + i, "project-1") for i in range(size)]
        pagination = {
            "limit": size,
            "skip": p * size,
            "total": count * size,
            "hasNext": p + 1 < count,
            "hasPrevious": p > 0,
            "next": None,
            "previous": None,
        }
        pages.append(json.dumps({"data": runs, "pagination": pagination}).encode())
    return pages


def _check_same_records(docs: Sequence[bytes], into: type) -> None:
    for doc in docs:
        if _on("msgspec", into)(doc) != _on("cattrs", into)(doc):
            raise SystemExit(f"the msgspec and pure paths disagree on a {into.__name__} body")


def _table(
    title: str, docs: Sequence[bytes], variants: Sequence[tuple[str, Decode]], args: Any
) -> None:
    import orjson

    rows_in = [("orjson.loads (dicts)", orjson.loads), *variants]
    times: dict[str, list[float]] = {name: [] for name, _ in rows_in}
    ratios: dict[str, list[float]] = {name: [] for name, _ in rows_in}
    for _ in range(args.rounds):
        floor = _time_per_doc(orjson.loads, docs, args.budget)
        for name, decode in rows_in:
            per_doc = floor if decode is orjson.loads else _time_per_doc(decode, docs, args.budget)
            times[name].append(per_doc)
            ratios[name].append(per_doc / floor)
    size = sum(map(len, docs)) / len(docs)
    print(f"\n{title}: {len(docs)} bodies of {size / 1024:.1f} KiB on average\n")
    rows = []
    for name, _ in rows_in:
        r = ratios[name]
        rows.append(
            [
                name,
                f"{_common.median(times[name]) * 1e6:,.0f}",
                f"{_common.median(r):.2f}x",
                f"{min(r):.2f}x - {max(r):.2f}x",
            ]
        )
    _common.print_table(["decoder", "us per document", "vs orjson.loads", "spread"], rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--pages", type=int, default=10, help="Cognigy pages of 100 runs")
    parser.add_argument("--budget", type=float, default=0.5, help="CPU seconds per row and round")
    args = parser.parse_args(argv)
    default = converter.decoder_backend()  # before any row changes it

    from bluejay.models import SimulationResultsResponse

    with _common.sandbox_process(args.docs) as url:
        docs = [_common.fetch_body(url, run_id) for run_id in _common.run_ids(url)]
    full = [_with_every_field(doc) for doc in docs]
    pages = _cognigy_pages(args.pages)
    for bodies, into in ((docs, SimulationResults), (full, SimulationResults), (pages, RunsPage)):
        _check_same_records(bodies, into)

    print(f"python {sys.version.split()[0]}; decoder backend by default: {default}")
    results = [
        ("json.loads (dicts)", json.loads),
        ("pure path (cattrs)", _on("cattrs", SimulationResults)),
        ("decode_response (SDK default)", _on("msgspec", SimulationResults)),
    ]
    pydantic = ("pydantic (official SDK model)", SimulationResultsResponse.model_validate_json)
    _table("results", docs, [*results, pydantic], args)
    _table("results, every field present", full, results[1:], args)
    _table(
        "Cognigy pages of 100 runs",
        pages,
        [
            ("pure path (cattrs)", _on("cattrs", RunsPage)),
            ("decode_response (SDK default)", _on("msgspec", RunsPage)),
        ],
        args,
    )
    converter._BACKEND = default


if __name__ == "__main__":
    main()
