"""The adaptive window of bulk fetches: how many requests may be in flight, and how fast to start.

Modelled on botocore's adaptive retry mode, with two controls that learn from throttling:

* the **in-flight window** is AIMD: it grows by one per window's worth of successes (additive
  increase) up to the caller's ``concurrency``, and halves on throttling (multiplicative
  decrease). It is what adapts to servers that limit concurrent requests, and to latency.
* the **send rate** is unlimited until throttling shows a limit; then requests are paced at the
  rate :class:`~bluejay_async.core.rate.RateCalculator` sets (just below what the server
  accepted, climbing back along a cubic curve). It is what adapts to a token-bucket limit of
  R requests/second, where a smaller window alone would still send too fast over a fast network.

Throttling is one congestion event per round trip, as in TCP: only a throttled request that was
sent after the last decrease (of the current *epoch*) decreases again, so the 30 requests that
were already in flight when the server started refusing count once. And it must be a pattern,
not noise (the calculator decides); while the rate climbs back after a cut, a throttle halves
the window but does not cut the rate again, so random 429s cannot spiral it down.

Each change of the send rate is logged at DEBUG on the ``bluejay_async.bulk`` logger. The window
decides nothing about retrying: that stays in :mod:`bluejay_async.core.retry`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from bluejay_async.core.errors import InvalidRequestError, RateLimitError, ServerError
from bluejay_async.core.rate import MIN_RATE, RateCalculator
from bluejay_async.core.retry import retry_after_of

__all__ = ["AdaptiveWindow", "is_throttle"]

logger = logging.getLogger("bluejay_async.bulk")

_DECREASE = 0.5
"""Multiplicative decrease of the in-flight window on throttling."""
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
        rate_span: seconds of answers that measure the rate the server accepts.
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
        self._calculator = RateCalculator(span=rate_span, recovery=recovery)
        self._clock = clock
        self._window = float(ceiling)
        self._next_send = 0.0
        self._cut_epoch = 0
        """The epoch that began with the latest cut of the send rate."""

    @property
    def limit(self) -> int:
        """Requests that may be in flight now (1..ceiling)."""
        return max(1, int(self._window))

    @property
    def rate(self) -> float | None:
        """Requests per second that may start now, or ``None`` while unpaced."""
        return self._calculator.rate(self._clock())

    def send_delay(self) -> float:
        """Seconds until the pacer lets another request start (0.0: now)."""
        if self._calculator.accepted is None:
            return 0.0
        return max(0.0, self._next_send - self._clock())

    def on_send(self) -> int:
        """Record that a request starts now; returns the epoch to report its outcome with."""
        self.sent += 1
        if self._calculator.accepted is not None:
            now = self._clock()
            rate = self._calculator.rate(now) or MIN_RATE
            self._next_send = max(self._next_send, now - _BURST / rate) + 1.0 / rate
        return self.epoch

    def on_success(self, epoch: int | None = None) -> None:
        """A request (sent in ``epoch``, by default the current one) was answered without
        throttling (an error status counts too)."""
        if not self.adaptive:
            return
        if self._window < self.ceiling:
            self._window = min(float(self.ceiling), self._window + 1.0 / self._window)
        since_cut = epoch is None or epoch >= self._cut_epoch
        self._record(lambda now: self._calculator.success(now, since_cut=since_cut))

    def on_throttle(self, epoch: int, *, repeat: bool = False) -> None:
        """A request sent in ``epoch`` was throttled: decrease, once per epoch.

        ``repeat`` says the key had been throttled before: counted, but it never decreases
        (the window heard of this key already, and a server may refuse one key for reasons of
        its own however slowly we send).
        """
        self.throttles += 1
        if not self.adaptive:
            return
        calculator = self._calculator
        since_cut = epoch >= self._cut_epoch
        now = self._record(lambda at: calculator.throttle(at, repeat=repeat, since_cut=since_cut))
        if repeat or epoch != self.epoch or not calculator.limited(now):
            return  # already counted in this epoch, or a few 429s among many answers: noise
        if not calculator.recovering(now):
            before = calculator.rate(now)
            rate = calculator.cut(now)
            self._next_send = max(self._next_send, now)
            self._cut_epoch = self.epoch + 1  # the epoch the decrease below begins
            if rate is not None:
                logger.debug(
                    "bulk send rate %s -> %.1f req/s (accepted %.1f req/s); window %d -> %d",
                    "unpaced" if before is None else f"{before:.1f}",
                    rate,
                    calculator.accepted,
                    self.limit,
                    max(1, int(self._window * _DECREASE)),
                )
        self._shrink_window()

    def _record(self, answer: Callable[[float], None]) -> float:
        """Tell the calculator of an answer now; log if that lifted the pacing. Returns now."""
        now = self._clock()
        calculator = self._calculator
        before = calculator.rate(now)
        answer(now)
        if before is not None and calculator.accepted is None:
            logger.debug(
                "bulk send rate %.1f req/s -> unpaced: %.0f%% of answers were throttles while "
                "sending below the accepted rate, so they are not about the rate",
                before,
                calculator.floor * 100,
            )
        return now

    def _shrink_window(self) -> None:
        self._window = max(1.0, self._window * _DECREASE)
        self.epoch += 1
        self.decreases += 1
