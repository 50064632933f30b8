"""The send rate of a throttled bulk fetch, as a pure calculation: no I/O, no clock of its own.

Every method takes the time as an argument, so the rule reads and tests without a loop:

* **Is it a limit?** Throttles are noise (each is retried, nothing slows down) until there are
  at least 20 answers in the last ``span`` seconds and more than a quarter of them are
  throttles, or, once a limit has been measured, a tenth.
* **What rate?** On a limit, the rate is set just below (0.9x) the rate the server actually
  accepted: successes over the last ``span``, however young the fetch (a token bucket's burst
  is typically a second's worth, and dividing by a shorter history would read that burst as the
  rate and send far over it). When nothing got through lately, half the rate we were sending
  at. With nothing measured and nothing paced yet, there is no rate to set.
* **And then?** The rate grows back along a cubic curve, as in botocore's ``CubicCalculator``:
  it returns to the measured rate after ``recovery`` seconds, stays flat around it for a while,
  then grows faster and faster, so a raised limit is found again. While it climbs back (the
  first ``recovery`` seconds), another limit says nothing new about the rate: it is not cut
  again, so random 429s cannot spiral it down.
* **Was it the rate?** Those first ``recovery`` seconds are also a trial: we send below what
  the server accepted, so a rate limit mostly stops refusing. If the requests sent since the
  cut are throttled more often than the noise share and than the share that caused the cut,
  slowing down did not help: the throttles are not about the rate (a server refusing some keys
  for good, however slowly we send). The cut is undone (unpaced again), and the share seen
  becomes the *noise floor*: from then on, throttles show a limit only above it. Without this,
  a fetch where a third of the keys are refused for good would be paced down to a crawl.

:class:`~bluejay_async.core.adaptive.AdaptiveWindow` owns the clock, the in-flight window and
the pacing, and asks this calculator what the send rate is.
"""

from __future__ import annotations

from collections import deque

__all__ = ["MIN_RATE", "RateCalculator"]

MIN_RATE = 1.0
"""The send rate never drops below one request per second."""
_BACKOFF = 0.9
"""The send rate after a cut, as a fraction of the measured accepted rate."""
_HALVE = 0.5
"""The cut when nothing got through: half the rate we were sending at."""
_NOISE = 0.1
"""Throttles up to this fraction of the answers over the span are not a limit, once one is
known."""
_FIRST_LIMIT = 0.25
"""The fraction that shows a limit when none is known yet (random 429s must not start pacing)."""
_MIN_SAMPLE = 20
"""Answers over the span needed before throttles are read as a limit."""
_MIN_TRIAL = 10
"""Answers while the rate climbs back needed to judge whether the cut helped."""


class RateCalculator:
    """Counts answers over a sliding span and turns throttling into a send rate.

    Args:
        span: seconds of answers that measure the accepted rate and the share of throttles.
        recovery: seconds the rate takes to climb back to the measured rate after a cut (and
            as long again to pass it by a tenth).
    """

    def __init__(self, *, span: float = 1.0, recovery: float = 1.5) -> None:
        self.span = span
        self.recovery = recovery
        self.accepted: float | None = None
        """The accepted rate measured at the last cut (``None``: no limit known yet)."""
        self.cut_at: float | None = None
        """When the rate was last cut."""
        self.floor = 0.0
        """The share of answers that are throttles whatever the rate (see the module notes)."""
        self._successes: deque[float] = deque()
        self._throttles: deque[float] = deque()
        self._trial: list[int] | None = None
        """Answers and throttles since the latest cut, while the rate climbs back."""
        self._cut_share = 0.0
        """The share of throttles that caused the latest cut."""

    def rate(self, now: float) -> float | None:
        """Requests per second that may start at ``now``, or ``None`` while unpaced."""
        accepted, cut_at = self.accepted, self.cut_at
        if accepted is None or cut_at is None:
            return None
        phase = (now - cut_at) / self.recovery - 1.0
        return accepted * (1.0 + (1.0 - _BACKOFF) * phase * phase * phase)

    def success(self, now: float, *, since_cut: bool = True) -> None:
        """A request was answered at ``now`` without throttling.

        ``since_cut``: it was sent after the latest cut, so it tells how the new rate fares
        (the trial counts only those).
        """
        self._record(self._successes, now)
        self._judge(now, throttled=False, since_cut=since_cut)

    def throttle(self, now: float, *, repeat: bool = False, since_cut: bool = True) -> None:
        """A request was throttled at ``now``.

        ``repeat``: its key had been throttled before. That counts towards the trial of a cut
        (did sending slower help?) but not towards showing a limit: the share of throttles that
        shows one is a share of keys refused, not of the attempts a few refused keys make.
        ``since_cut``: as for :meth:`success`.
        """
        if not repeat:
            self._record(self._throttles, now)
        self._judge(now, throttled=True, since_cut=since_cut)

    def limited(self, now: float) -> bool:
        """Whether the throttles of the last span show a limit rather than noise."""
        accepted, refused = self._counts(now)
        answers = accepted + refused
        return answers >= _MIN_SAMPLE and refused > self._noise() * answers

    def recovering(self, now: float) -> bool:
        """Whether the rate is still climbing back from a cut (another cut would say nothing
        new about it)."""
        return (
            self.rate(now) is not None
            and self.cut_at is not None
            and now - self.cut_at < self.recovery
        )

    def cut(self, now: float) -> float | None:
        """Cut the rate for a limit seen at ``now``; returns the new rate, or ``None`` when
        nothing has been measured yet and nothing is paced (only the window can shrink)."""
        accepted, refused = self._counts(now)
        self._cut_share = refused / max(1, accepted + refused)
        current = self.rate(now)
        if accepted:
            self.accepted = max(MIN_RATE, accepted / self.span)
        elif current is not None:
            self.accepted = max(MIN_RATE, current * _HALVE)
        self.cut_at = now
        self._trial = [0, 0] if self.accepted is not None else None
        return self.rate(now)

    def _noise(self) -> float:
        """The share of throttles among answers that is still noise."""
        share = _NOISE if self.accepted is not None else _FIRST_LIMIT
        return max(share, self.floor + _NOISE)

    def _judge(self, now: float, *, throttled: bool, since_cut: bool) -> None:
        """Count an answer towards the trial of the latest cut; once the rate has climbed
        back, undo the cut if throttles went on regardless (see the module notes)."""
        trial, cut_at = self._trial, self.cut_at
        if trial is None or cut_at is None:
            return
        if now - cut_at < self.recovery:
            if since_cut:
                trial[0] += 1
                trial[1] += throttled
            return
        self._trial = None
        answers, refused = trial
        share = max(self._noise(), self._cut_share)
        if answers >= _MIN_TRIAL and refused > share * answers:
            self.floor = refused / answers
            self.accepted = self.cut_at = None

    def _counts(self, now: float) -> tuple[int, int]:
        """Successes and throttles over the span ending at ``now``."""
        horizon = now - self.span
        accepted = sum(1 for t in self._successes if t >= horizon)
        refused = sum(1 for t in self._throttles if t >= horizon)
        return accepted, refused

    def _record(self, times: deque[float], now: float) -> None:
        times.append(now)
        horizon = now - self.span
        while times[0] < horizon:
            times.popleft()
