"""Fetch many things concurrently: one :data:`~bluejay_async.core.outcome.Outcome` per key, in
completion order.

:func:`fetch_many` is the machinery behind ``results.retrieve_many`` and ``runs.iter_results``.
It keeps at most the :class:`~bluejay_async.core.adaptive.AdaptiveWindow`'s limit of requests in
flight, reads the keys lazily (so memory is bounded by the window, whatever the input's size),
and yields each outcome as soon as its request completes.

Retrying: each request is sent *once* (the caller passes a single-attempt fetch) and every
failure comes back here, where :class:`~bluejay_async.core.attempts.KeyAttempts` asks the
client's :class:`~bluejay_async.RetryPolicy` (the same object, and the same rules, as a single
call's) whether and when to try the key again, with an allowance for throttles. A retry is a
re-queue, not a sleep inside a request: a key waiting out its ``Retry-After`` holds no window
slot, and every 429 reaches the adaptive window, which is how it learns of throttling. A request
still unanswered when its key's deadline passes is cancelled and reported as an
:class:`~bluejay_async.errors.APITimeoutError`, when a single call would time out.

Decoding: a fetch may return the raw body and leave turning it into a value to ``decode``, which
runs as the outcome is handed out. Requests complete in bursts (one turn of the event loop can
finish dozens), and decoding each inside its task would keep that many decoded bodies alive at
once: thousands of container objects that set off the cyclic garbage collector, again and again,
over records about to be dropped anyway. Decoded on delivery, only the outcome in the caller's
hands is a record; the others wait as bytes, which the collector never scans.

Memory: the only bodies held are those of requests in flight and outcomes being handed out. A
sized input (a list, a tuple, ...) has its ids counted up front, to report repeats exactly.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections import Counter, deque
from collections.abc import AsyncGenerator, AsyncIterable, Awaitable, Callable, Collection, Iterable
from typing import Any, Generic, TypeVar, overload

from bluejay_async.core.adaptive import AdaptiveWindow, is_throttle
from bluejay_async.core.attempts import KeyAttempts
from bluejay_async.core.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    InvalidRequestError,
)
from bluejay_async.core.keys import KeyReader
from bluejay_async.core.outcome import Failure, Outcome, ProgressCallback, Success
from bluejay_async.core.retry import RetryPolicy

__all__ = [
    "Describe",
    "Failure",
    "Outcome",
    "ProgressCallback",
    "Success",
    "check_progress",
    "fetch_many",
]

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")

Describe = Callable[[Any], "tuple[str, str]"]
"""``describe(key) -> (method, url)``: names a key's request in the errors the fetch reports
itself (a deadline passing mid-request, a request cancelled from outside the fetch)."""


@overload
def fetch_many(
    keys: Iterable[K] | AsyncIterable[K],
    fetch: Callable[[K], Awaitable[V]],
    *,
    window: AdaptiveWindow,
    retry: RetryPolicy,
    progress: ProgressCallback | None = None,
    describe: Describe | None = None,
) -> AsyncGenerator[Outcome[K, V], None]: ...


@overload
def fetch_many(
    keys: Iterable[K] | AsyncIterable[K],
    fetch: Callable[[K], Awaitable[R]],
    *,
    decode: Callable[[K, R], V],
    window: AdaptiveWindow,
    retry: RetryPolicy,
    progress: ProgressCallback | None = None,
    describe: Describe | None = None,
) -> AsyncGenerator[Outcome[K, V], None]: ...


def fetch_many(
    keys: Iterable[K] | AsyncIterable[K],
    fetch: Callable[[K], Awaitable[Any]],
    *,
    decode: Callable[[K, Any], Any] | None = None,
    window: AdaptiveWindow,
    retry: RetryPolicy,
    progress: ProgressCallback | None = None,
    describe: Describe | None = None,
) -> AsyncGenerator[Outcome[K, Any], None]:
    """Fetch every key concurrently and yield one outcome per key, as each completes.

    Args:
        keys: the keys, as any iterable or async iterable; read lazily as the window frees up.
            A key repeated while its fetch is pending shares it; with a sized collection (a
            list, a tuple, ...) every repeat is fetched once and reported once per occurrence.
        fetch: sends one attempt for one key (no retries of its own); a failure must be an
            :class:`~bluejay_async.errors.APIError`. Any other exception is a bug and propagates.
        decode: optional second half of an attempt, ``decode(key, fetched) -> value``, run as
            the outcome is handed out rather than inside the request's task (see the module
            notes). An :class:`~bluejay_async.errors.APIError` it raises counts as the attempt
            failing: a body cut off mid-JSON is re-queued like a dropped connection.
        window: how many requests may be in flight and how fast they may start, e.g.
            ``AdaptiveWindow(concurrency)``; it shrinks and paces requests when the server
            throttles (429, or 503 with ``Retry-After``), and grows back on success.
        retry: whether and when a failed key is tried again (``max_attempts`` and ``deadline``
            count per key; see the module notes for throttles).
        progress: called as ``progress(done, total)`` as each outcome is handed out.
        describe: ``describe(key) -> (method, url)``, naming a key's request in the errors the
            fetch reports itself; by default the key's ``repr``.

    Returns:
        An async generator; closing it (``break``, ``aclose()``, cancelling the task) cancels
        and awaits every request in flight.

    Raises:
        InvalidRequestError: at call time, before any request, for a bad ``progress`` or
            ``keys``.
    """
    check_progress(progress)
    if isinstance(keys, (str, bytes)) or not isinstance(keys, (Iterable, AsyncIterable)):
        raise InvalidRequestError(
            f"expected an iterable of ids, got {type(keys).__name__}", param="ids"
        )
    copies: Counter[K] | None = None
    if isinstance(keys, Collection):
        try:
            copies = Counter(keys)
        except TypeError:
            raise InvalidRequestError("ids must be hashable", param="ids") from None
    bulk = _BulkFetch(keys, copies, fetch, decode, window, retry, progress, describe or _unnamed)
    return bulk.run()


def check_progress(progress: ProgressCallback | None) -> None:
    """Refuse a ``progress`` that is neither ``None`` nor callable."""
    if progress is not None and not callable(progress):
        raise InvalidRequestError("progress must be a callable or None", param="progress")


def _unnamed(key: object) -> tuple[str, str]:
    return "", repr(key)


class _BulkFetch(Generic[K, V]):
    """The state of one :func:`fetch_many` call; :meth:`run` is its generator."""

    def __init__(
        self,
        keys: Iterable[K] | AsyncIterable[K],
        copies: Counter[K] | None,
        fetch: Callable[[K], Awaitable[Any]],
        decode: Callable[[K, Any], V] | None,
        window: AdaptiveWindow,
        policy: RetryPolicy,
        progress: ProgressCallback | None,
        describe: Describe,
    ) -> None:
        self._keys = KeyReader(keys, self._wake)
        self._describe = describe
        self._copies = copies
        self._total = None if copies is None else sum(copies.values())
        self._fetch = fetch
        self._decode = decode
        self._window = window
        self._policy = policy
        self._progress = progress
        self._pending: dict[K, KeyAttempts[K]] = {}
        self._in_flight: dict[asyncio.Future[Any], KeyAttempts[K]] = {}
        self._finished: deque[asyncio.Future[Any]] = deque()
        self._expired: deque[KeyAttempts[K]] = deque()
        """Keys whose deadline passed while they waited for their next attempt."""
        self._retries: list[tuple[float, int, KeyAttempts[K]]] = []
        self._sequence = itertools.count()
        self._wakeup: asyncio.Future[None] | None = None
        self._answered = 0

    async def run(self) -> AsyncGenerator[Outcome[K, V], None]:
        """Yield every outcome; on exit, cancel and await whatever is still running."""
        done = 0
        try:
            while True:
                timeout = self._start_requests()
                if not self._finished and not self._expired:
                    if self._keys.done and not self._in_flight and not self._retries:
                        return
                    await self._wait(timeout)
                while self._finished or self._expired:
                    if self._expired:
                        job = self._expired.popleft()
                        outcome: Outcome[K, V] | None = self._fail(job)
                    else:
                        job, outcome = self._settle(self._finished.popleft())
                    self._start_requests()  # keep the window full while the caller works
                    if outcome is None:
                        continue
                    for _ in range(job.copies):
                        done += 1
                        if self._progress is not None:
                            self._progress(done, self._total)
                        yield outcome
        finally:
            await self._cancel_all()

    # --- starting requests ---------------------------------------------------------------

    def _start_requests(self) -> float | None:
        """Start what the window allows; returns the seconds until more could start, or ``None``
        when only a completion (or an arriving key) can let more start."""
        window = self._window
        while len(self._in_flight) < window.limit:
            delay = window.send_delay()
            if delay > 0.0:
                return delay
            job = self._due_retry() or self._next_job()
            if job is None:
                if self._retries:
                    return max(0.0, self._retries[0][0] - time.monotonic())
                return None
            now = time.monotonic()
            if job.too_late(self._policy, now=now):
                self._expired.append(job)  # paced past its deadline: no attempt is left
                continue
            remaining = job.send(self._policy, now=now, answered=self._answered)
            job.epoch = window.on_send()
            task = asyncio.ensure_future(self._fetch(job.key))
            self._in_flight[task] = job
            task.add_done_callback(self._on_done)
            if remaining is not None:
                job.timer = asyncio.get_running_loop().call_later(remaining, self._expire, task)
        return None

    def _due_retry(self) -> KeyAttempts[K] | None:
        if self._retries and self._retries[0][0] <= time.monotonic():
            return heapq.heappop(self._retries)[2]
        return None

    def _next_job(self) -> KeyAttempts[K] | None:
        while not self._keys.done:
            read = self._keys.read()
            if read is None:
                return None
            (key,) = read
            job = self._pending.get(key)
            copies = self._copies
            if copies is not None:
                owed = copies[key]
                if job is not None or owed == 0:
                    continue  # counted when the key was first seen
                copies[key] = 0
                job = self._pending[key] = KeyAttempts(key, owed)
                return job
            if job is not None:
                job.copies += 1
                continue
            job = self._pending[key] = KeyAttempts(key)
            return job
        return None

    # --- completing requests -------------------------------------------------------------

    def _on_done(self, task: asyncio.Future[Any]) -> None:
        self._finished.append(task)
        self._wake(task)

    def _wake(self, _: object = None) -> None:
        waiter = self._wakeup
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _expire(self, task: asyncio.Future[Any]) -> None:
        """The key's deadline passed with its request unanswered: cancel the request."""
        job = self._in_flight.get(task)
        if job is not None and not task.done():
            job.expired = True
            task.cancel()

    async def _wait(self, timeout: float | None) -> None:
        """Sleep until a request completes, a key arrives, or ``timeout`` seconds pass."""
        loop = asyncio.get_running_loop()
        waiter = self._wakeup = loop.create_future()
        timer = None if timeout is None else loop.call_later(timeout, self._wake)
        try:
            await waiter
        finally:
            self._wakeup = None
            if timer is not None:
                timer.cancel()

    def _settle(self, task: asyncio.Future[Any]) -> tuple[KeyAttempts[K], Outcome[K, V] | None]:
        """The outcome of a finished request, or ``None`` when its key was re-queued."""
        job = self._in_flight.pop(task)
        if job.timer is not None:
            job.timer.cancel()
            job.timer = None
        exc = self._failure_of(task, job)
        if exc is not None and is_throttle(exc):
            self._window.on_throttle(job.epoch, repeat=job.throttles > 0)
            job.throttled(self._policy, adaptive=self._window.adaptive, answered=self._answered)
        else:
            self._window.on_success(job.epoch)  # any answer but a throttle, errors included
            self._answered += 1
        if exc is None:
            decode = self._decode
            try:
                value = task.result() if decode is None else decode(job.key, task.result())
            except APIError as decode_error:
                exc = decode_error
            else:
                del self._pending[job.key]
                return job, Success(job.key, value)
        delay = job.retry_delay(self._policy, exc, now=time.monotonic())
        if delay is not None:
            due = time.monotonic() + delay
            heapq.heappush(self._retries, (due, next(self._sequence), job))
            return job, None
        return job, self._fail(job)

    def _failure_of(self, task: asyncio.Future[Any], job: KeyAttempts[K]) -> APIError | None:
        """Why a request failed (``None``: it did not); a bug (not an APIError) propagates."""
        if task.cancelled():
            # Only the deadline cancels a request while the fetch runs; anything else that
            # cancels one (a pool closing under it) must not end the caller's iteration.
            method, url = self._describe(job.key)
            if job.expired:
                return APITimeoutError(
                    f"{method} {url} got no answer within the retry deadline of "
                    f"{self._policy.deadline:g}s".lstrip(),
                    method=method,
                    url=url,
                )
            return APIConnectionError(
                f"{method} {url} was cancelled before it was answered".lstrip(),
                method=method,
                url=url,
            )
        exc = task.exception()
        if exc is not None and not isinstance(exc, APIError):
            raise exc
        return exc

    def _fail(self, job: KeyAttempts[K]) -> Failure[K]:
        """The key's outcome once its last attempt failed (``job.error``)."""
        del self._pending[job.key]
        assert job.error is not None  # set by every failed attempt
        return Failure(job.key, job.error)

    # --- shutting down -------------------------------------------------------------------

    async def _cancel_all(self) -> None:
        tasks: list[asyncio.Future[Any]] = list(self._in_flight)
        for job in self._in_flight.values():
            if job.timer is not None:
                job.timer.cancel()
        reading = self._keys.cancel()
        if reading is not None:
            tasks.append(reading)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        for task in tasks:
            if not task.cancelled():
                task.exception()  # retrieved, so asyncio does not log it as never retrieved
        self._in_flight.clear()
        self._finished.clear()
        self._expired.clear()
        self._retries.clear()
        self._pending.clear()
