"""Per-document decode cost of a realistic results body on both decode paths.

Run with ``python -m tests.core.bench_decode``; not a test (no timing is ever asserted).
"""

from __future__ import annotations

import timeit

import orjson

from bluejay_async import SimulationResults
from bluejay_async.core import converter as conv
from tests.core.bodies import results_body


def per_document_us(raw: bytes, backend: str, number: int = 300, repeat: int = 7) -> float:
    """Best-of-``repeat`` microseconds to decode ``raw`` once on ``backend``."""
    saved = conv._BACKEND
    conv._BACKEND = backend
    try:
        conv.decode_response(raw, SimulationResults)  # build the hooks and decoders first
        best = min(
            timeit.repeat(
                lambda: conv.decode_response(raw, SimulationResults), number=number, repeat=repeat
            )
        )
    finally:
        conv._BACKEND = saved
    return best / number * 1e6


def main() -> None:
    raw = orjson.dumps(results_body())
    print(f"body: {len(raw) / 1024:.1f} KiB, 10 results")
    backends = ["msgspec", "cattrs"] if conv.msgspec is not None else ["cattrs"]
    for backend in backends:
        print(f"{backend:>8}: {per_document_us(raw, backend):7.0f} us/doc")
    data = orjson.loads(raw)
    parse = min(timeit.repeat(lambda: orjson.loads(raw), number=300, repeat=7)) / 300 * 1e6
    shape = (
        min(
            timeit.repeat(
                lambda: conv.converter.structure(data, SimulationResults), number=300, repeat=7
            )
        )
        / 300
        * 1e6
    )
    print(f"  of which JSON parsing {parse:.0f} us, structuring {shape:.0f} us (pure path)")


if __name__ == "__main__":
    main()
