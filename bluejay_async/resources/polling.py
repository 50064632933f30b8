"""Following a simulation run until it finishes: the polling behind ``runs.wait`` / ``runs.watch``.

:func:`poll_run` reads a run again and again and yields a snapshot each time it changed, until
its status is terminal. It is polite and bounded:

- **Schedule.** The first read is immediate. After a read that shows no change the wait grows
  by :attr:`PollSchedule.growth` up to :attr:`PollSchedule.max_interval`; after a change it goes
  back to :attr:`PollSchedule.interval` (a run that is moving is followed closely, an idle one
  is not hammered). Each wait is shortened by a random fraction of up to
  :attr:`PollSchedule.jitter`, so many waiters started together do not poll in step, and never
  exceeds the cap.
- **Failures.** Each read is a single attempt; a failure comes back here and the SDK's one retry
  decision (:func:`~bluejay_async.core.retry.should_retry` /
  :func:`~bluejay_async.core.retry.retry_delay`) says whether and when to read again under the
  client's :class:`~bluejay_async.RetryPolicy`: transient failures are retried, a server's
  ``Retry-After`` is honoured, ``max_attempts`` and ``deadline`` count the attempts of one read
  (a successful read starts the count again). Anything else is raised.
- **Timeout.** ``timeout`` bounds the whole wait, reads in flight included: when it runs out,
  :class:`~bluejay_async.errors.RunTimeoutError` is raised at the deadline (never before),
  naming the run and its last status.
- **Cancellation.** Nothing runs in the background: cancelling the caller, or leaving an
  ``async for`` early, stops at once, and no task or request is left behind.

``clock`` (seconds, monotonic) and ``sleep`` are injectable so the schedule and the timeout can
be tested without waiting; a read in flight is bounded by the time ``clock`` says is left.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any, Final

import attrs

from bluejay_async.core.errors import APIError, InvalidRequestError, RunTimeoutError
from bluejay_async.core.retry import RetryPolicy, retry_delay, should_retry
from bluejay_async.models import SimulationResult, SimulationResults

__all__ = [
    "FINISHED_RESULT_STATUSES",
    "TERMINAL_RUN_STATUSES",
    "Clock",
    "PollSchedule",
    "Sleep",
    "check_seconds",
    "is_terminal",
    "poll_run",
    "result_finished",
    "run_progress",
]

TERMINAL_RUN_STATUSES: Final = frozenset({"COMPLETED"})
"""Run statuses after which a run no longer changes (compared case-insensitively).

Any other status, one the SDK does not know included, means "not finished yet": waiting on an
unknown status ends with the timeout, never with a guess.
"""

FINISHED_RESULT_STATUSES: Final = frozenset(
    {"completed", "complete", "failed", "error", "errored", "cancelled", "canceled"}
)
"""Result statuses of a call that is over (compared case-insensitively); see
:func:`result_finished`."""

Clock = Callable[[], float]
"""Monotonic seconds (``time.monotonic``)."""

Sleep = Callable[[float], Awaitable[Any]]
"""Waits that many seconds (``asyncio.sleep``)."""

logger = logging.getLogger("bluejay_async")


def is_terminal(status: str | None) -> bool:
    """Whether a run status is one of :data:`TERMINAL_RUN_STATUSES`."""
    return status is not None and status.upper() in TERMINAL_RUN_STATUSES


def result_finished(result: SimulationResult) -> bool:
    """Whether one call of a run is over: it has an ``end_time``, or its ``status`` is one of
    :data:`FINISHED_RESULT_STATUSES`."""
    if result.end_time is not None:
        return True
    return result.status is not None and result.status.lower() in FINISHED_RESULT_STATUSES


def run_progress(snapshot: SimulationResults) -> tuple[int, int]:
    """``(finished, total)`` results of a snapshot.

    ``total`` is the run's ``total_tests`` when the server sent it, or the number of results
    listed if that is larger (results may appear only as their calls start).
    """
    results = snapshot.simulation_results
    done = sum(1 for r in results if result_finished(r))
    return done, max(len(results), snapshot.simulation_run.total_tests or 0)


def check_seconds(value: Any, name: str) -> float:
    """A finite number of seconds > 0, else ``InvalidRequestError``."""
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not 0 < value < float("inf")
    ):
        raise InvalidRequestError(
            f"{name} must be a finite number of seconds > 0, got {value!r}", param=name
        )
    return float(value)


@attrs.frozen(kw_only=True)
class PollSchedule:
    """When to read a run again.

    Args:
        interval: the wait after a read that showed a change (and after the first read).
        max_interval: the cap on the wait.
        growth: the factor the wait grows by after each read that showed no change.
        jitter: the largest fraction a wait is randomly shortened by (0 disables jitter).
    """

    interval: float = 5.0
    max_interval: float = 30.0
    growth: float = 1.5
    jitter: float = 0.2

    @classmethod
    def create(cls, poll_interval: Any, max_poll_interval: Any) -> PollSchedule:
        """Validate the arguments of ``runs.wait`` / ``runs.watch`` (``InvalidRequestError``).

        ``max_poll_interval=None`` means ``max(30, poll_interval)``.
        """
        interval = check_seconds(poll_interval, "poll_interval")
        if max_poll_interval is None:
            return cls(interval=interval, max_interval=max(30.0, interval))
        cap = check_seconds(max_poll_interval, "max_poll_interval")
        if cap < interval:
            raise InvalidRequestError(
                f"max_poll_interval ({cap:g}) must not be below poll_interval ({interval:g})",
                param="max_poll_interval",
            )
        return cls(interval=interval, max_interval=cap)

    def delay(self, unchanged: int, rand: float) -> float:
        """The wait after a read, given how many reads in a row showed no change (0: the last
        read showed one) and a uniform random number in ``[0, 1)``."""
        # Capped exponent: growth ** n overflows a float long before a day of polling ends.
        nominal = min(self.max_interval, self.interval * self.growth ** min(unchanged, 64))
        return nominal * (1.0 - self.jitter * rand)


class _Deadline:
    """The overall timeout of one wait, on the injected clock."""

    def __init__(self, timeout: float | None, clock: Clock) -> None:
        self._clock = clock
        self._end = None if timeout is None else clock() + timeout

    def remaining(self) -> float | None:
        return None if self._end is None else self._end - self._clock()


async def poll_run(
    fetch: Callable[[], Awaitable[SimulationResults]],
    *,
    run_id: str,
    url: str = "",
    schedule: PollSchedule,
    retry: RetryPolicy,
    timeout: float | None,
    clock: Clock = time.monotonic,
    sleep: Sleep = asyncio.sleep,
    rand: Callable[[], float] = random.random,
) -> AsyncGenerator[SimulationResults, None]:
    """Yield the run's snapshot on the first read and after every read that shows a change;
    end after yielding a snapshot whose status is terminal.

    Args:
        fetch: one attempt at reading the run (no retries of its own); a failure must be an
            :class:`~bluejay_async.errors.APIError`.
        run_id, url: name the run in a :class:`~bluejay_async.errors.RunTimeoutError`.
        schedule: when to read again.
        retry: the client's policy for failed reads.
        timeout: seconds for the whole wait, or ``None`` for no limit.
        clock, sleep, rand: time and randomness, injectable for tests.

    Raises:
        RunTimeoutError: the run was not terminal when ``timeout`` ran out.
        APIError: a read failed and may not (or may no longer) be retried.
    """
    deadline = _Deadline(timeout, clock)
    last_status: str | None = None

    def timed_out() -> RunTimeoutError:
        status = "no status" if last_status is None else f"last status {last_status}"
        return RunTimeoutError(
            f"run {run_id} did not finish within {timeout:g} s ({status})",
            run_id,
            last_status,
            timeout,
            url=url,
        )

    async def pause(seconds: float) -> None:
        remaining = deadline.remaining()
        if remaining is not None and seconds >= remaining:
            await sleep(max(0.0, remaining))
            raise timed_out()
        await sleep(seconds)

    async def attempt() -> SimulationResults:
        remaining = deadline.remaining()
        if remaining is None:
            return await fetch()
        if remaining <= 0:
            raise timed_out()
        try:
            return await asyncio.wait_for(fetch(), remaining)
        except asyncio.TimeoutError:
            raise timed_out() from None

    async def read() -> SimulationResults:
        # One read is one "call" of the policy: max_attempts and deadline count from its start.
        failures, started = 0, clock()
        while True:
            try:
                return await attempt()
            except RunTimeoutError:
                raise
            except APIError as exc:
                failures += 1
                if failures >= retry.max_attempts or not should_retry(
                    exc, policy=retry, idempotent=True
                ):
                    raise
                wait = retry_delay(exc, attempt=failures, policy=retry, rand=rand)
                if retry.deadline is not None and clock() - started + wait >= retry.deadline:
                    raise
                logger.debug("run %s: read failed (%s); again in %.2f s", run_id, exc, wait)
                await pause(wait)

    previous: tuple[Any, ...] | None = None
    unchanged = 0
    while True:
        snapshot = await read()
        last_status = snapshot.simulation_run.status
        seen = (snapshot.simulation_run, sorted(snapshot.simulation_results, key=_result_id))
        if seen != previous:
            previous, unchanged = seen, 0
            yield snapshot
        else:
            unchanged += 1
        if is_terminal(last_status):
            return
        wait = schedule.delay(unchanged, rand())
        logger.debug("run %s: status %s; next read in %.2f s", run_id, last_status, wait)
        await pause(wait)


def _result_id(result: SimulationResult) -> int:
    return result.id
