"""The attempts of one key of a bulk fetch, under the client's :class:`~bluejay_async.RetryPolicy`.

A bulk fetch re-queues a failed key instead of sleeping inside its request, so it schedules the
attempts itself; :class:`KeyAttempts` keeps the count and asks the policy, the same object and
the same rules as a single call: :meth:`~bluejay_async.RetryPolicy.is_retryable`,
:meth:`~bluejay_async.RetryPolicy.next_delay`, ``max_attempts``, and the ``deadline``, which runs
from the key's first request and bounds each of its requests.

Throttles, with the adaptive window on: a throttled attempt (429, or 503 with ``Retry-After``)
while the fetch is making progress (others were answered since this key was first sent or last
throttled) is not counted against ``max_attempts`` and does not lengthen the key's backoff, at
most :attr:`~bluejay_async.RetryPolicy.throttle_allowance` (``max_attempts - 1``) times. The
server is then admitting requests, only not this many this fast; the window slows down and the
key waits its turn, so a rate-limited fetch delivers every key instead of failing the unlucky
ones. Past the allowance every throttle counts, so a key the server refuses for good fails after
at most :attr:`~bluejay_async.RetryPolicy.max_sends` (``2 * max_attempts - 1``) requests,
whatever the others do. ``RetryPolicy(max_attempts=1)`` still means one request per key.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

import attrs

from bluejay_async.core.errors import APIError
from bluejay_async.core.retry import RetryPolicy

__all__ = ["KeyAttempts"]

K = TypeVar("K")


@attrs.define(slots=True, eq=False)
class KeyAttempts(Generic[K]):
    """One key to fetch: how many outcomes it owes and how its attempts went so far."""

    key: K
    copies: int = 1
    """Outcomes owed: one per occurrence of the key in the input."""
    attempts: int = 0
    """Attempts that count against the policy's ``max_attempts``."""
    sent: int = 0
    """Requests sent for this key, throttled ones included."""
    throttles: int = 0
    """Requests for this key that were throttled."""
    uncounted: int = 0
    """Throttled attempts left uncounted (at most the policy's ``throttle_allowance``)."""
    started: float = 0.0
    """When the key's first request was sent: its deadline runs from here."""
    epoch: int = 0
    """The adaptive window's epoch when the latest request was sent."""
    progress: int = 0
    """The fetch's count of unthrottled answers at this key's first send or latest throttle."""
    error: APIError | None = None
    """Why the latest attempt failed: the key's error if it gets no other attempt."""
    timer: asyncio.TimerHandle | None = None
    """Cancels the request in flight when the key's deadline passes."""
    expired: bool = False
    """The deadline passed while a request was in flight."""

    def send(self, policy: RetryPolicy, *, now: float, answered: int) -> float | None:
        """Count a request starting at ``now``; returns the seconds it may take before the
        deadline (``None``: no deadline). Check :meth:`too_late` first."""
        if self.sent == 0:
            self.started = now
            self.progress = answered
        self.attempts += 1
        self.sent += 1
        return policy.remaining(now - self.started)

    def too_late(self, policy: RetryPolicy, *, now: float) -> bool:
        """Whether the deadline passed before the next request could start (it was paced)."""
        return self.sent > 0 and not policy.within_deadline(now - self.started)

    def throttled(self, policy: RetryPolicy, *, adaptive: bool, answered: int) -> None:
        """The latest request was throttled; ``answered`` is the fetch's count of unthrottled
        answers so far. Leaves the attempt uncounted when it waits its turn (module notes)."""
        self.throttles += 1
        if adaptive and self.uncounted < policy.throttle_allowance and answered > self.progress:
            self.attempts -= 1
            self.uncounted += 1
        self.progress = answered

    def retry_delay(self, policy: RetryPolicy, error: APIError, *, now: float) -> float | None:
        """Record that the latest attempt failed with ``error``; returns the seconds until the
        key is tried again, or ``None`` when its attempts (or its deadline) are spent."""
        self.error = error
        if self.expired or self.attempts >= policy.max_attempts:
            return None
        if not policy.is_retryable(error, idempotent=True):
            return None
        delay = policy.next_delay(max(1, self.attempts), error)
        return delay if policy.within_deadline(now - self.started, delay) else None
