"""When to retry a request and how long to wait: the SDK's single retry decision.

:class:`RetryPolicy` holds the budget (attempts, deadline, waits) and makes the decision, as
pure methods of the failed attempt and the time, so it reads top to bottom and tests without a
network or a clock. Both retry loops read it: :meth:`RetryPolicy.call` (one call, its attempts
one after another: the first on its own, any retries run by tenacity) and the bulk re-queue
loop of :mod:`bluejay_async.core.bulk` (which keeps a key waiting out its ``Retry-After`` off
the window). :meth:`RetryPolicy.retrying` offers the same policy as a ``tenacity`` object, for
code of yours.

Time goes through a :class:`Clock` (``now`` and ``sleep``): a test passes one that records the
waits instead of sleeping them.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import TypeVar

import attrs
import tenacity

from bluejay_async.core.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    InvalidRequestError,
    RateLimitError,
    RedirectError,
    ResponseDecodeError,
    ResponseTooLargeError,
)

__all__ = [
    "RETRYABLE_STATUSES",
    "Clock",
    "ConnectionNotEstablished",
    "RetryPolicy",
    "parse_retry_after",
    "retry_delay",
    "should_retry",
]

R = TypeVar("R")

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


class ConnectionNotEstablished(APIConnectionError):
    """The connection could not be opened, so the server cannot have seen the request.

    Safe to retry for any method, POST included.
    """


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not _is_number(value) or value < 0:
        raise InvalidRequestError(
            f"RetryPolicy.{attribute.name} must be a number >= 0, got {value!r}"
        )


def _positive_or_none(
    _: object, attribute: attrs.Attribute[float | None], value: float | None
) -> None:
    if value is not None and (not _is_number(value) or value <= 0):
        raise InvalidRequestError(
            f"RetryPolicy.{attribute.name} must be a number > 0, got {value!r}"
        )


def _boolean(_: object, attribute: attrs.Attribute[bool], value: bool) -> None:
    if not isinstance(value, bool):
        raise InvalidRequestError(f"RetryPolicy.{attribute.name} must be a bool, got {value!r}")


def _at_least_one(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise InvalidRequestError(
            f"RetryPolicy.{attribute.name} must be an int >= 1, got {value!r}"
        )


def _jitter() -> float:
    return random.random()  # looked up at each call, so a test may seed or replace it


@attrs.frozen(kw_only=True)
class Clock:
    """Where the retry loops read the time and wait: ``now()`` in seconds (monotonic),
    ``await sleep(seconds)``, and ``random()`` in ``[0, 1)`` for the backoff's jitter.

    The default is the real time; a test passes ``Clock(sleep=record)`` to see the waits."""

    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    random: Callable[[], float] = _jitter


_REAL_TIME = Clock()


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How failed requests are retried.

    Retried: connection errors, timeouts, a body cut off in transit, and the statuses 408, 429,
    500, 502, 503 and 504 (see :meth:`is_retryable`). Never retried: other statuses, a body too
    large or of the wrong shape, a redirect that is refused, a closed client. One call sends its
    request at most ``max_attempts`` times.

    Both retry loops read the decision from the same methods: :meth:`decide` (or its parts
    :meth:`is_retryable`, :meth:`next_delay`, :meth:`within_deadline`) after each failure, and
    :meth:`remaining` to cut an attempt's timeout.

    Args:
        max_attempts: total attempts per request, the first included; ``1`` disables retries.
        backoff_base: the first backoff window in seconds; it doubles each attempt
            (exponential backoff with full jitter: the wait is uniform in ``[0, window]``).
        backoff_max: the cap on the backoff window.
        retry_after_max: the longest ``Retry-After`` the client will wait. A longer one is not
            waited for: the error (``RateLimitError`` for a 429) is raised at once.
        deadline: an overall budget in seconds for all attempts and waits of one call; no new
            attempt starts once it would begin past the deadline.
        retry_non_idempotent: retry POSTs on every retryable failure. By default a POST is
            retried only when the server cannot have acted on it (the connection was never
            established, or it answered 429), so a write is never applied twice.

    Bulk fetches (``results.retrieve_many``, ``runs.iter_results``) apply the same policy to
    every key: the same retryable failures, the same waits, ``deadline`` counted from the key's
    first request and bounding each of its requests. One allowance is theirs: with the
    adaptive window on, a throttled attempt (429, or 503 with ``Retry-After``) while other
    requests are being answered is not counted, at most :attr:`throttle_allowance` times per
    key. So no key is ever sent more than :attr:`max_sends` times (``2 * max_attempts - 1``:
    5 with the default policy; ``max_attempts`` with ``adaptive=False``).
    """

    max_attempts: int = attrs.field(default=3, validator=_at_least_one)
    backoff_base: float = attrs.field(default=0.5, validator=_non_negative)
    backoff_max: float = attrs.field(default=8.0, validator=_non_negative)
    retry_after_max: float = attrs.field(default=60.0, validator=_non_negative)
    deadline: float | None = attrs.field(default=None, validator=_positive_or_none)
    retry_non_idempotent: bool = attrs.field(default=False, validator=_boolean)

    # --- the decision of one retry loop ----------------------------------------------------

    def decide(
        self,
        error: BaseException,
        *,
        attempt: int,
        elapsed: float,
        idempotent: bool = True,
        rand: Callable[[], float] = _jitter,
    ) -> float | None:
        """The whole decision after failed attempt number ``attempt``, ``elapsed`` seconds after
        the first began: the seconds to wait before the next attempt, or ``None`` when ``error``
        is final (the attempts are spent, the failure is not :meth:`is_retryable`, or the wait
        would end past the deadline)."""
        if attempt >= self.max_attempts or not self.is_retryable(error, idempotent=idempotent):
            return None
        delay = self.next_delay(attempt, error, rand=rand)
        return delay if self.within_deadline(elapsed, delay) else None

    # --- the loop of one call ----------------------------------------------------------------

    async def call(
        self,
        attempt: Callable[[int, float], Awaitable[R]],
        *,
        idempotent: bool,
        clock: Clock | None = None,
    ) -> R:
        """Run ``attempt(number, started)`` until it succeeds or :meth:`decide` says stop.

        ``number`` counts from 1; ``started`` is when the first attempt began, on ``clock``.
        The last error is raised as it is. Every decision is :meth:`decide`'s, timed on
        ``clock`` (so a test's clock sees every wait). The first attempt runs on its own, as
        most calls succeed at once and need no retry machinery; after a failure it is to be
        retried, tenacity runs the attempts that follow.
        """
        clock = clock or _REAL_TIME
        started = clock.now()
        try:
            return await attempt(1, started)
        except Exception as exc:
            delay = self.decide(
                exc,
                attempt=1,
                elapsed=clock.now() - started,
                idempotent=idempotent,
                rand=clock.random,
            )
            if delay is None:
                raise
            first = exc
        return await self._retry(attempt, first, delay, idempotent, clock, started)

    async def _retry(
        self,
        attempt: Callable[[int, float], Awaitable[R]],
        first: Exception,
        first_delay: float,
        idempotent: bool,
        clock: Clock,
        started: float,
    ) -> R:
        """The attempts after a first one that failed with ``first``, to be retried after
        ``first_delay`` seconds: tenacity runs them, replaying the first failure as its
        attempt 1 (nothing is sent again for it)."""
        delays: dict[int, float | None] = {1: first_delay}

        def wait(state: tenacity.RetryCallState) -> float:
            if state.attempt_number == 1:
                return first_delay  # decided when attempt 1 failed
            error = state.outcome.exception() if state.outcome else None
            delay = None
            if error is not None:
                delay = self.decide(
                    error,
                    attempt=state.attempt_number,
                    elapsed=clock.now() - started,
                    idempotent=idempotent,
                    rand=clock.random,
                )
            delays[state.attempt_number] = delay
            return delay or 0.0

        def stop(state: tenacity.RetryCallState) -> bool:
            # tenacity asks for the wait first, so the decision is already made.
            return delays.get(state.attempt_number) is None

        retrying = tenacity.AsyncRetrying(
            retry=tenacity.retry_if_exception_type(Exception),
            wait=wait,
            stop=stop,
            sleep=clock.sleep,
            reraise=True,
        )
        async for try_ in retrying:
            with try_:
                number = try_.retry_state.attempt_number
                if number == 1:
                    raise first
                return await attempt(number, started)
        raise AssertionError("unreachable")  # pragma: no cover - tenacity returns or raises

    def retrying(
        self, *, idempotent: bool, rng: random.Random | None = None
    ) -> tenacity.AsyncRetrying:
        """A ``tenacity.AsyncRetrying`` that applies this policy to one call."""
        jitter = rng or random
        stop: tenacity.stop.stop_base = tenacity.stop_after_attempt(self.max_attempts)
        if self.deadline is not None:
            stop = stop | tenacity.stop_before_delay(self.deadline)

        def decide(state: tenacity.RetryCallState) -> bool:
            exc = state.outcome.exception() if state.outcome else None
            return exc is not None and should_retry(exc, policy=self, idempotent=idempotent)

        def wait(state: tenacity.RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            return retry_delay(exc, attempt=state.attempt_number, policy=self, rand=jitter.random)

        return tenacity.AsyncRetrying(stop=stop, retry=decide, wait=wait, reraise=True)

    # The decision as methods, for loops that schedule attempts themselves (bulk fetches).

    def is_retryable(self, error: BaseException, *, idempotent: bool) -> bool:
        """Whether a failed attempt may be tried again (:func:`should_retry`)."""
        return should_retry(error, policy=self, idempotent=idempotent)

    def next_delay(
        self,
        attempt: int,
        error: BaseException | None,
        *,
        rand: Callable[[], float] = random.random,
    ) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (:func:`retry_delay`)."""
        return retry_delay(error, attempt=attempt, policy=self, rand=rand)

    def within_deadline(self, elapsed: float, delay: float = 0.0) -> bool:
        """Whether an attempt starting ``delay`` seconds from now, ``elapsed`` seconds after the
        call's first attempt began, still begins before the deadline (as tenacity's
        ``stop_before_delay`` decides for a single call)."""
        return self.deadline is None or elapsed + delay < self.deadline

    def remaining(self, elapsed: float) -> float | None:
        """Seconds left before the deadline, ``elapsed`` seconds after the call's first attempt
        began: the longest an attempt starting now may take (``None``: no deadline)."""
        return None if self.deadline is None else self.deadline - elapsed

    @property
    def throttle_allowance(self) -> int:
        """Throttled attempts a bulk fetch may leave uncounted per key: ``max_attempts - 1``."""
        return self.max_attempts - 1

    @property
    def max_sends(self) -> int:
        """The most requests a bulk fetch ever sends for one key: ``max_attempts`` plus
        :attr:`throttle_allowance`."""
        return self.max_attempts + self.throttle_allowance


def should_retry(exc: BaseException, *, policy: RetryPolicy, idempotent: bool) -> bool:
    """Whether a failed attempt may be tried again under ``policy`` (its budget aside)."""
    if isinstance(exc, (RedirectError, ResponseTooLargeError)):
        return False  # the same answer would come back
    if isinstance(exc, ConnectionNotEstablished):
        return True
    if isinstance(exc, APIStatusError):
        if exc.status_code not in RETRYABLE_STATUSES:
            return False
        hint = retry_after_of(exc)
        if hint is not None and hint > policy.retry_after_max:
            return False
        return idempotent or policy.retry_non_idempotent or exc.status_code == 429
    if isinstance(exc, (APIConnectionError, APITimeoutError)):
        return idempotent or policy.retry_non_idempotent
    if isinstance(exc, ResponseDecodeError) and exc.malformed:
        # Cut off or garbled in transit; a well-formed body of the wrong shape is not retried.
        return idempotent or policy.retry_non_idempotent
    return False


def retry_delay(
    exc: BaseException | None,
    *,
    attempt: int,
    policy: RetryPolicy,
    rand: Callable[[], float] = _jitter,
) -> float:
    """Seconds to wait after failed attempt number ``attempt`` (1-based).

    The server's ``Retry-After`` wins when it sent one; otherwise exponential backoff with full
    jitter, capped at ``backoff_max``.
    """
    if exc is not None:
        hint = retry_after_of(exc)
        if hint is not None:
            return min(hint, policy.retry_after_max)
    window = min(policy.backoff_max, policy.backoff_base * (2 ** (attempt - 1)))
    return float(window * rand())


def retry_after_of(exc: BaseException) -> float | None:
    """The ``Retry-After`` hint carried by an error, in seconds, if any."""
    if isinstance(exc, RateLimitError):
        return exc.retry_after
    if isinstance(exc, APIStatusError):
        return parse_retry_after(exc.headers)
    return None


def parse_retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Parse ``Retry-After`` (delta-seconds or an HTTP date) into seconds from now, or ``None``."""
    value = None
    for key, item in headers.items():
        if key.lower() == "retry-after":
            value = item.strip()
            break
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        current = now if now is not None else time.time()
        seconds = when.timestamp() - current
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(0.0, seconds)
