"""The sandbox's sense of time: what queued runs read to know how far along they are.

A clock is any callable returning seconds since the Unix epoch. The sandbox reads it when a run
is queued (its ``created_at``) and whenever a queued run is looked at (how many of its calls
have started or finished). Tests pass a :class:`ManualClock` and move it with
:meth:`ManualClock.advance` instead of sleeping.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import datetime, timezone

Clock = Callable[[], float]
"""Seconds since the Unix epoch, as ``time.time()`` gives them."""

MANUAL_START = datetime(2025, 6, 2, 9, 0, tzinfo=timezone.utc).timestamp()
"""Where a :class:`ManualClock` starts unless told otherwise (2025-06-02T09:00:00Z)."""


class SystemClock:
    """Wall-clock time that never goes backwards.

    Reads ``time.time()`` once, then adds ``time.monotonic()`` progress, so a system clock
    adjustment cannot move a queued run back to an earlier state.
    """

    def __init__(self) -> None:
        self._wall = time.time()
        self._start = time.monotonic()

    def __call__(self) -> float:
        return self._wall + (time.monotonic() - self._start)


class ManualClock:
    """A clock that moves only when told to.

    ::

        clock = ManualClock()
        async with run_sandbox(SandboxConfig(run_seconds=60), clock=clock) as sb:
            ...                 # queue a run: every call is queued or in progress
            clock.advance(60)   # now every call has finished and the run is COMPLETED
    """

    def __init__(self, start: float = MANUAL_START) -> None:
        if not math.isfinite(start):
            raise ValueError(f"start must be a finite number of seconds, got {start!r}")
        self._now = float(start)

    def __call__(self) -> float:
        return self._now

    def advance(self, seconds: float) -> float:
        """Move forward by ``seconds`` (>= 0); returns the new time."""
        if not seconds >= 0 or math.isinf(seconds):
            raise ValueError(f"seconds must be a finite number >= 0, got {seconds!r}")
        self._now += seconds
        return self._now

    def __repr__(self) -> str:
        return f"ManualClock({self._now!r})"
