"""What every Bluejay generator shares: the epoch, id bases, outcomes and private generators.

Every value comes from a ``random.Random`` seeded with a string naming the seed and the
object (``"0:result:50007"``), so an object does not depend on which others were generated
before it, and nothing depends on the wall clock: seeded timestamps count from :data:`EPOCH`.
"""

from __future__ import annotations

import random
import uuid
from datetime import datetime, timezone
from typing import Any

JSON = dict[str, Any]

EPOCH = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
"""Seeded simulation 1 is created on this day; everything else counts from it."""
RUN_ID_BASE = 1000
"""Run ids start at ``RUN_ID_BASE + 1``."""
RESULT_ID_BASE = 50_000
"""Result ids start at ``RESULT_ID_BASE + 1``."""

PASSED, FAILED, INCOMPLETE = "passed", "failed", "incomplete"


def iso(dt: datetime, *, micro: bool = False) -> str:
    """UTC timestamp as Bluejay sends it: ``2025-03-03T09:00:00Z`` (optionally with µs)."""
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def rng_for(seed: int, *parts: object) -> random.Random:
    """A generator private to one object: same seed and parts, same stream."""
    return random.Random(":".join(str(p) for p in (seed, *parts)))


def random_uuid(rng: random.Random) -> str:
    """A version-4 UUID string drawn from ``rng``."""
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def random_hex(rng: random.Random, digits: int) -> str:
    """``digits`` lower-case hex digits drawn from ``rng``."""
    return f"{rng.getrandbits(digits * 4):0{digits}x}"


def parse_id(text: str) -> int | None:
    """The integer a decimal id string names (as sent in a path or body), or None."""
    if text.isascii() and text.isdigit() and len(text) <= 18:
        return int(text)
    return None
