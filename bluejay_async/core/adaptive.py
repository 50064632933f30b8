"""The adaptive window of bulk fetches: how many requests may be in flight, and how fast to start.

Modelled on botocore's adaptive retry mode, with two controls that learn from throttling:

* the **in-flight window** is AIMD: it grows by one per window's worth of successes (additive
  increase) up to the caller's ``concurrency``, and halves on throttling (multiplicative
  decrease). It is what adapts to servers that limit concurrent requests, and to latency.
* the **send rate** is unlimited until the first throttle. Then it is set just below the rate
  the server actually accepted (successes over the last second, which is the server's limit
  when we were over it) and grows again along a cubic curve: flat around that rate for a while,
  then faster and faster, so a raised limit is found again. It is what adapts to a token-bucket
  limit of R requests/second, where a smaller window alone would still send too fast over a
  fast network.

Throttling is one congestion event per round trip, as in TCP: only a throttled request that was
sent after the last decrease (of the current *epoch*) decreases again, so the 30 requests that
were already in flight when the server started refusing count once. And it must be a pattern:
throttles are noise (each is retried, nothing slows down) until there are at least 20 answers
in the last second and more than a quarter of them are throttles, or, once a limit is known,
a tenth; while the rate climbs back after a decrease, a throttle halves
the window but does not cut the rate again, so random 429s cannot spiral it down.

The window decides nothing about retrying: that stays in :mod:`bluejay_async.core.retry`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bluejay_async.core.errors import InvalidRequestError, RateLimitError, ServerError
from bluejay_async.core.retry import retry_after_of

__all__ = ["AdaptiveWindow", "is_throttle"]

_DECREASE = 0.5
"""Multiplicative decrease of the in-flight window on throttling."""
_RATE_BACKOFF = 0.9
"""The send rate after a throttle, as a fraction of the measured accepted rate."""
_NOISE = 0.1
"""Throttles up to this fraction of the answers over the rate span are not a rate limit."""
_FIRST_LIMIT = 0.25
"""The fraction that shows a limit when none is known yet (random 429s must not start pacing)."""
_MIN_SAMPLE = 20
"""Answers over the rate span needed before throttles are read as a limit."""
_MIN_RATE = 1.0
"""The send rate never drops below one request per second."""
_BURST = 2.0
"""Requests the pacer lets start back to back to catch up a late wake-up."""


def is_throttle(exc: BaseException) -> bool:
    """Whether a failure asks the client to slow down: a 429, or a 503 carrying ``Retry-After``."""
    if isinstance(exc, RateLimitError):
        return True
    return (
        isinstance(exc, ServerError) and exc.status_code == 503 and retry_after_of(exc) is not None
    )


class AdaptiveWindow:
    """The in-flight window and send pacing of one bulk fetch (see the module docstring).

    Pass one to :func:`~bluejay_async.core.bulk.fetch_many`; read its counters afterwards to see
    how the fetch went.

    Args:
        ceiling: the most requests ever in flight (the caller's ``concurrency``, >= 1).
        adaptive: when ``False`` the window stays at ``ceiling`` and nothing is paced; the
            counters still count.
        rate_span: seconds of successes that measure the rate the server accepts.
        recovery: seconds the send rate takes to climb back to that measured rate after a
            throttle (and as long again to pass it by a tenth).
        clock: a monotonic clock in seconds.

    Raises:
        InvalidRequestError: ``ceiling`` is not an int >= 1.
    """

    def __init__(
        self,
        ceiling: int,
        *,
        adaptive: bool = True,
        rate_span: float = 1.0,
        recovery: float = 1.5,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(ceiling, bool) or not isinstance(ceiling, int) or ceiling < 1:
            raise InvalidRequestError(
                f"concurrency must be an int >= 1, got {ceiling!r}", param="concurrency"
            )
        self.ceiling = ceiling
        self.adaptive = adaptive
        self.epoch = 0
        """Incremented by every decrease; requests carry the epoch they were sent in."""
        self.sent = 0
        """Requests started."""
        self.throttles = 0
        """Throttled responses seen (all of them, not only those that decreased the window)."""
        self.decreases = 0
        """Congestion events that decreased the window (and the send rate)."""
        self._rate_span = rate_span
        self._recovery = recovery
        self._clock = clock
        self._window = float(ceiling)
        self._successes: deque[float] = deque()
        self._throttled: deque[float] = deque()
        self._accepted_rate: float | None = None
        self._throttled_at = 0.0
        self._next_send = 0.0

    @property
    def limit(self) -> int:
        """Requests that may be in flight now (1..ceiling)."""
        return max(1, int(self._window))

    @property
    def rate(self) -> float | None:
        """Requests per second that may start now, or ``None`` while unpaced."""
        return self._rate_at(self._clock())

    def send_delay(self) -> float:
        """Seconds until the pacer lets another request start (0.0: now)."""
        if self._accepted_rate is None:
            return 0.0
        return max(0.0, self._next_send - self._clock())

    def on_send(self) -> int:
        """Record that a request starts now; returns the epoch to report its outcome with."""
        self.sent += 1
        if self._accepted_rate is not None:
            now = self._clock()
            rate = self._rate_at(now) or _MIN_RATE
            self._next_send = max(self._next_send, now - _BURST / rate) + 1.0 / rate
        return self.epoch

    def on_success(self) -> None:
        """A request was answered without throttling (an error status counts too)."""
        if not self.adaptive:
            return
        if self._window < self.ceiling:
            self._window = min(float(self.ceiling), self._window + 1.0 / self._window)
        self._remember(self._successes)

    def on_throttle(self, epoch: int) -> None:
        """A request sent in ``epoch`` was throttled: decrease, once per epoch."""
        self.throttles += 1
        if not self.adaptive:
            return
        now = self._remember(self._throttled)
        if epoch != self.epoch:
            return
        horizon = now - self._rate_span
        accepted = sum(1 for t in self._successes if t >= horizon)
        refused = sum(1 for t in self._throttled if t >= horizon)
        answers = accepted + refused
        threshold = _NOISE if self._accepted_rate is not None else _FIRST_LIMIT
        if answers < _MIN_SAMPLE or refused <= threshold * answers:
            return  # a few 429s among many answers are noise, not a limit: only retried
        current = self._rate_at(now)
        if current is not None and now - self._throttled_at < self._recovery:
            # A throttle while the rate climbs back says nothing new about it (the pacer is
            # below it), and cutting it again at each would spiral it down. The window halves.
            self._shrink_window()
            return
        # Successes per second over the whole span, however young the fetch: a token
        # bucket's burst is typically a second's worth, and dividing by a shorter history
        # would read that burst as the rate and send far over it.
        if accepted:
            self._accepted_rate = max(_MIN_RATE, accepted / self._rate_span)
        elif current is not None:
            # Nothing got through lately: halve whatever rate we were sending at.
            self._accepted_rate = max(_MIN_RATE, current * _DECREASE)
        # else: nothing measured yet and not paced: only the window shrinks.
        self._throttled_at = now
        self._next_send = max(self._next_send, now)
        self._shrink_window()

    def _remember(self, times: deque[float]) -> float:
        """Record an answer now in ``times``, forget those older than the span; returns now."""
        now = self._clock()
        times.append(now)
        horizon = now - self._rate_span
        while times[0] < horizon:
            times.popleft()
        return now

    def _shrink_window(self) -> None:
        self._window = max(1.0, self._window * _DECREASE)
        self.epoch += 1
        self.decreases += 1

    def _rate_at(self, now: float) -> float | None:
        accepted = self._accepted_rate
        if accepted is None:
            return None
        phase = (now - self._throttled_at) / self._recovery - 1.0
        return accepted * (1.0 + (1.0 - _RATE_BACKOFF) * phase * phase * phase)
