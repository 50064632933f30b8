"""Fetch many things concurrently: one :data:`Outcome` per key, in completion order.

:func:`fetch_many` is the machinery behind ``results.retrieve_many`` and ``runs.iter_results``.
It keeps at most the :class:`~bluejay_async.core.adaptive.AdaptiveWindow`'s limit of requests in
flight, reads the keys lazily (so memory is bounded by the window, whatever the input's size),
and yields each outcome as soon as its request completes.

Retrying: each request is sent *once* (the caller passes a single-attempt fetch) and every
failure comes back here, where :func:`~bluejay_async.core.retry.should_retry` and
:func:`~bluejay_async.core.retry.retry_delay` (the SDK's one retry decision) say whether and when to
try the key again under the client's :class:`~bluejay_async.RetryPolicy`. A retry is a
re-queue, not a sleep inside a request: a key waiting out its ``Retry-After`` holds no window
slot, and every 429 reaches the adaptive window, which is how it learns of throttling. The
policy's ``max_attempts`` and ``deadline`` count per key.

Throttling, with the adaptive window on: a throttled attempt does not spend the key's
``max_attempts`` while the fetch is making progress (other requests were answered without
throttling since the key was first sent or last throttled). The server is then admitting
requests, only not this many this fast; the window slows down and the key waits its turn, so a
rate-limited fetch delivers every key instead of failing the unlucky ones. A throttle while
nothing gets through does count, so a server that refuses everything still ends the fetch; a
``Retry-After`` beyond the policy's ``retry_after_max`` fails the key at once, and the
``deadline`` bounds every key's wait. ``RetryPolicy(max_attempts=1)`` still means no retries.

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
import typing
from collections import Counter, deque
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Collection,
    Iterable,
    Iterator,
)
from typing import Any, Generic, Literal, NoReturn, TypeAlias, TypeVar, overload

import attrs

from bluejay_async.core.adaptive import AdaptiveWindow, is_throttle
from bluejay_async.core.errors import APIError, InvalidRequestError
from bluejay_async.core.retry import RetryPolicy, retry_delay, should_retry

__all__ = ["Failure", "Outcome", "ProgressCallback", "Success", "check_progress", "fetch_many"]

K = TypeVar("K")
V = TypeVar("V")
R = TypeVar("R")

ProgressCallback = Callable[[int, "int | None"], object]
"""Called as ``progress(done, total)`` as each outcome is handed out; ``total`` is ``None`` when
the ids are a lazy iterable whose length is unknown."""


@attrs.frozen(slots=True)
class Success(Generic[K, V]):
    """A key fetched: ``value`` holds its record.

    Attributes:
        key: the key (id) that was fetched.
        value: the fetched record.
        error: always ``None``.
    """

    key: K
    value: V
    error: None = None

    @property
    def ok(self) -> Literal[True]:
        """``True``: type checkers narrow an :data:`Outcome` to :class:`Success` on it."""
        return True

    def unwrap(self) -> V:
        """The value."""
        return self.value


@attrs.frozen(slots=True)
class Failure(Generic[K]):
    """A key that could not be fetched: ``error`` says why.

    Attributes:
        key: the key (id) that was fetched.
        error: the typed :class:`~bluejay_async.errors.APIError` the fetch failed with after
            its retries.
        value: always ``None``.
    """

    key: K
    error: APIError
    value: None = None

    @property
    def ok(self) -> Literal[False]:
        """``False``: type checkers narrow an :data:`Outcome` to :class:`Failure` on it."""
        return False

    def unwrap(self) -> NoReturn:
        """Raise the error."""
        raise self.error


Outcome: TypeAlias = Success[K, V] | Failure[K]
"""The result of fetching one key: a :class:`Success` or a :class:`Failure`.

Both have ``.key``, ``.value``, ``.error``, ``.ok`` and ``.unwrap()``; ``if item.ok:`` (or
``isinstance(item, Success)``) narrows ``item.value`` to the record for type checkers.
"""


@attrs.define(slots=True, eq=False)
class _Job(Generic[K]):
    """One key to fetch: how many outcomes it owes and how its attempts went so far."""

    key: K
    copies: int = 1
    attempts: int = 0
    """Attempts that count against the policy's ``max_attempts``."""
    sent: int = 0
    """Requests sent for this key, throttled ones included."""
    started: float = 0.0
    epoch: int = 0
    progress: int = 0
    """The fetch's count of unthrottled answers at this key's first send or latest throttle."""


@overload
def fetch_many(
    keys: Iterable[K] | AsyncIterable[K],
    fetch: Callable[[K], Awaitable[V]],
    *,
    window: AdaptiveWindow,
    retry: RetryPolicy,
    progress: ProgressCallback | None = None,
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
) -> AsyncGenerator[Outcome[K, V], None]: ...


def fetch_many(
    keys: Iterable[K] | AsyncIterable[K],
    fetch: Callable[[K], Awaitable[Any]],
    *,
    decode: Callable[[K, Any], Any] | None = None,
    window: AdaptiveWindow,
    retry: RetryPolicy,
    progress: ProgressCallback | None = None,
) -> AsyncGenerator[Outcome[K, Any], None]:
    """Fetch every key concurrently and yield one :class:`Outcome` per key, as each completes.

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
            count per key).
        progress: called as ``progress(done, total)`` as each outcome is handed out.

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
    return _BulkFetch(keys, copies, fetch, decode, window, retry, progress).run()


def check_progress(progress: ProgressCallback | None) -> None:
    """Refuse a ``progress`` that is neither ``None`` nor callable."""
    if progress is not None and not callable(progress):
        raise InvalidRequestError("progress must be a callable or None", param="progress")


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
    ) -> None:
        self._keys = keys
        self._copies = copies
        self._total = None if copies is None else sum(copies.values())
        self._fetch = fetch
        self._decode = decode
        self._window = window
        self._policy = policy
        self._progress = progress
        self._pending: dict[K, _Job[K]] = {}
        self._in_flight: dict[asyncio.Future[Any], _Job[K]] = {}
        self._finished: deque[asyncio.Future[Any]] = deque()
        self._retries: list[tuple[float, int, _Job[K]]] = []
        self._sequence = itertools.count()
        self._sync_keys: Iterator[K] | None = None
        self._async_keys: AsyncIterator[K] | None = None
        self._next_key: asyncio.Future[K] | None = None
        self._keys_done = False
        self._wakeup: asyncio.Future[None] | None = None
        self._answered = 0

    async def run(self) -> AsyncGenerator[Outcome[K, V], None]:
        """Yield every outcome; on exit, cancel and await whatever is still running."""
        keys = self._keys
        if isinstance(keys, AsyncIterable):
            self._async_keys = aiter(keys)
        else:
            self._sync_keys = iter(keys)
        done = 0
        try:
            while True:
                timeout = self._start_requests()
                if not self._finished:
                    if self._keys_done and not self._in_flight and not self._retries:
                        return
                    await self._wait(timeout)
                while self._finished:
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
            job.attempts += 1
            job.sent += 1
            if job.sent == 1:
                job.started = time.monotonic()
                job.progress = self._answered
            job.epoch = window.on_send()
            task = asyncio.ensure_future(self._fetch(job.key))
            self._in_flight[task] = job
            task.add_done_callback(self._on_done)
        return None

    def _due_retry(self) -> _Job[K] | None:
        if self._retries and self._retries[0][0] <= time.monotonic():
            return heapq.heappop(self._retries)[2]
        return None

    def _next_job(self) -> _Job[K] | None:
        while not self._keys_done:
            read = self._read_key()
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
                job = self._pending[key] = _Job(key, owed)
                return job
            if job is not None:
                job.copies += 1
                continue
            job = self._pending[key] = _Job(key)
            return job
        return None

    def _read_key(self) -> tuple[K] | None:
        """The next key, wrapped so that a ``None`` key is possible; ``None`` when none is ready."""
        if self._sync_keys is not None:
            try:
                return (next(self._sync_keys),)
            except StopIteration:
                self._keys_done = True
                return None
        reader = self._next_key
        if reader is None:
            assert self._async_keys is not None
            reader = self._next_key = asyncio.ensure_future(_anext(self._async_keys))
            reader.add_done_callback(self._wake)
            return None
        if not reader.done():
            return None
        self._next_key = None
        key = reader.result()
        if key is _END:
            self._keys_done = True
            return None
        return (key,)

    # --- completing requests -------------------------------------------------------------

    def _on_done(self, task: asyncio.Future[Any]) -> None:
        self._finished.append(task)
        self._wake(task)

    def _wake(self, _: object = None) -> None:
        waiter = self._wakeup
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

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

    def _settle(self, task: asyncio.Future[Any]) -> tuple[_Job[K], Outcome[K, V] | None]:
        """The outcome of a finished request, or ``None`` when its key was re-queued."""
        job = self._in_flight.pop(task)
        exc = task.exception()
        if exc is not None and not isinstance(exc, APIError):
            raise exc
        if exc is not None and is_throttle(exc):
            self._window.on_throttle(job.epoch)
            if self._waits_its_turn(job):
                job.attempts -= 1
            job.progress = self._answered
        else:
            self._window.on_success()  # any answer but a throttle, error statuses included
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
        delay = self._retry_delay(job, exc)
        if delay is not None:
            due = time.monotonic() + delay
            heapq.heappush(self._retries, (due, next(self._sequence), job))
            return job, None
        del self._pending[job.key]
        return job, Failure(job.key, exc)

    def _waits_its_turn(self, job: _Job[K]) -> bool:
        """Whether a throttled attempt is free: the server answered others meanwhile (see the
        module notes). Never with a fixed window, nor when the policy disables retries."""
        return (
            self._window.adaptive
            and self._policy.max_attempts > 1
            and self._answered > job.progress
        )

    def _retry_delay(self, job: _Job[K], exc: APIError) -> float | None:
        """Seconds until ``job`` is tried again, or ``None`` when its retries are spent."""
        policy = self._policy
        if job.attempts >= policy.max_attempts:
            return None
        if not should_retry(exc, policy=policy, idempotent=True):
            return None
        delay = retry_delay(exc, attempt=job.sent, policy=policy)
        deadline = policy.deadline
        if deadline is not None and time.monotonic() - job.started + delay >= deadline:
            return None
        return delay

    # --- shutting down -------------------------------------------------------------------

    async def _cancel_all(self) -> None:
        tasks: list[asyncio.Future[Any]] = list(self._in_flight)
        if self._next_key is not None:
            tasks.append(self._next_key)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks)
        for task in tasks:
            if not task.cancelled():
                task.exception()  # retrieved, so asyncio does not log it as never retrieved
        self._in_flight.clear()
        self._finished.clear()
        self._retries.clear()
        self._pending.clear()


_END: Any = object()
"""Returned by :func:`_anext` when the keys are exhausted."""


async def _anext(keys: AsyncIterator[K]) -> K:
    try:
        return await keys.__anext__()
    except StopAsyncIteration:
        return typing.cast(K, _END)
