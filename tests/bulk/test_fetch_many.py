"""fetch_many with in-process fetch functions: ordering, bounds, duplicates, failures, inputs."""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from bluejay_async.core.adaptive import AdaptiveWindow
from bluejay_async.core.bulk import Outcome, fetch_many
from bluejay_async.core.retry import RetryPolicy
from bluejay_async.errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidRequestError,
    NotFoundError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
)

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002)


def not_found(key: object) -> NotFoundError:
    return NotFoundError(f"no {key}", status_code=404, method="GET", url=f"/x/{key}")


def server_error(status: int = 500, headers: dict[str, str] | None = None) -> ServerError:
    return ServerError("boom", status_code=status, method="GET", url="/x", headers=headers)


def rate_limited(retry_after: float = 0.0) -> RateLimitError:
    return RateLimitError(
        "slow down", retry_after=retry_after, status_code=429, method="GET", url="/x"
    )


class Recorder:
    """A fetch function that records calls and concurrency; ``plan`` scripts failures."""

    def __init__(self, plan: dict[Any, list[BaseException]] | None = None) -> None:
        self.plan = plan or {}
        self.calls: Counter[Any] = Counter()
        self.in_flight = 0
        self.peak = 0
        self.cancelled = 0

    async def __call__(self, key: Any) -> str:
        self.calls[key] += 1
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            failures = self.plan.get(key)
            if failures:
                raise failures.pop(0)
            return f"value-{key}"
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        finally:
            self.in_flight -= 1


async def collect(gen: Any) -> list[Outcome[Any, Any]]:
    return [item async for item in gen]


def many(keys: Any, fetch: Any, concurrency: int = 4, **kwargs: Any) -> Any:
    kwargs.setdefault("retry", FAST_RETRY)
    return fetch_many(keys, fetch, window=AdaptiveWindow(concurrency), **kwargs)


async def test_one_outcome_per_key_in_completion_order() -> None:
    finished: dict[str, asyncio.Event] = {k: asyncio.Event() for k in "abc"}
    waits_for = {"a": "c", "b": "a", "c": None}  # c completes first, then a, then b

    async def fetch(key: str) -> str:
        before = waits_for[key]
        if before is not None:
            await finished[before].wait()
        finished[key].set()
        return key.upper()

    outcomes = await collect(many(["a", "b", "c"], fetch))
    assert [(o.key, o.value, o.error, o.ok) for o in outcomes] == [
        ("c", "C", None, True),
        ("a", "A", None, True),
        ("b", "B", None, True),
    ]


async def test_never_more_than_concurrency_requests_in_flight() -> None:
    fetch = Recorder()
    outcomes = await collect(many(range(50), fetch, concurrency=4))
    assert sorted(o.key for o in outcomes) == list(range(50))
    assert fetch.peak == 4


async def test_a_concurrency_of_one_is_sequential() -> None:
    fetch = Recorder()
    outcomes = await collect(many(range(5), fetch, concurrency=1))
    assert [o.key for o in outcomes] == list(range(5))
    assert fetch.peak == 1


async def test_duplicates_are_fetched_once_and_reported_once_each() -> None:
    fetch = Recorder()
    keys = [1, 2, 1, 3, 1, 2, 4]
    outcomes = await collect(many(keys, fetch, concurrency=2))
    assert Counter(o.key for o in outcomes) == Counter(keys)
    assert all(o.value == f"value-{o.key}" for o in outcomes)
    assert fetch.calls == Counter({1: 1, 2: 1, 3: 1, 4: 1})


async def test_a_lazy_repeat_of_a_pending_key_shares_its_fetch() -> None:
    gate = asyncio.Event()
    calls: Counter[str] = Counter()

    async def fetch(key: str) -> str:
        calls[key] += 1
        if key == "slow":
            await gate.wait()
        else:
            gate.set()
        return key

    def keys() -> Iterator[str]:
        yield "slow"
        yield "slow"
        yield "other"

    outcomes = await collect(many(keys(), fetch, concurrency=4))
    assert Counter(o.key for o in outcomes) == Counter({"slow": 2, "other": 1})
    assert calls == Counter({"slow": 1, "other": 1})


async def test_a_failing_key_never_hides_the_others() -> None:
    fetch = Recorder({2: [not_found(2)], 4: [not_found(4)]})
    outcomes = {o.key: o for o in await collect(many(range(6), fetch))}
    assert sorted(outcomes) == list(range(6))
    assert [k for k, o in outcomes.items() if not o.ok] == [2, 4]
    failed = outcomes[2]
    assert isinstance(failed.error, NotFoundError)
    assert failed.value is None
    with pytest.raises(NotFoundError):
        failed.unwrap()
    assert outcomes[3].unwrap() == "value-3"
    assert fetch.calls[2] == 1  # a 404 is not retried


async def test_retryable_failures_are_retried_under_the_policy() -> None:
    fetch = Recorder(
        {
            "flaky": [server_error(502), APIConnectionError("reset", method="GET", url="/x")],
            "broken": [server_error(500) for _ in range(5)],
        }
    )
    outcomes = {o.key: o for o in await collect(many(["flaky", "broken", "fine"], fetch))}
    assert outcomes["flaky"].ok
    assert fetch.calls["flaky"] == 3
    assert isinstance(outcomes["broken"].error, ServerError)
    assert fetch.calls["broken"] == FAST_RETRY.max_attempts
    assert outcomes["fine"].ok


class Decoder:
    """A ``decode`` step that records when it runs; ``plan`` scripts failures per key."""

    def __init__(self, plan: dict[Any, list[BaseException]] | None = None) -> None:
        self.plan = plan or {}
        self.calls: Counter[Any] = Counter()

    def __call__(self, key: Any, fetched: str) -> str:
        self.calls[key] += 1
        failures = self.plan.get(key)
        if failures:
            raise failures.pop(0)
        return fetched.upper()


def cut_off() -> ResponseDecodeError:
    return ResponseDecodeError("cut off", malformed=True, method="GET", url="/x")


async def test_decode_runs_as_each_outcome_is_handed_out() -> None:
    decode = Decoder()
    fetch = Recorder()
    results = many(range(12), fetch, concurrency=12, decode=decode)
    handed_out = 0
    async for outcome in results:
        handed_out += 1
        # Every request completed in the first turn; only what was handed out is decoded.
        assert sum(decode.calls.values()) == handed_out
        assert outcome.value == f"VALUE-{outcome.key}"
    assert handed_out == 12
    assert sum(fetch.calls.values()) == 12


async def test_a_decode_failure_counts_as_a_failed_attempt() -> None:
    decode = Decoder(
        {
            "cut-once": [cut_off()],
            "cut-always": [cut_off() for _ in range(5)],
            "wrong-shape": [ResponseDecodeError("bad", path="$.id", method="GET", url="/x")],
        }
    )
    fetch = Recorder()
    keys = ["cut-once", "cut-always", "wrong-shape", "fine"]
    outcomes = {o.key: o for o in await collect(many(keys, fetch, decode=decode))}
    assert outcomes["cut-once"].value == "VALUE-CUT-ONCE"
    assert fetch.calls["cut-once"] == 2  # a body cut off mid-JSON is fetched again
    assert isinstance(outcomes["cut-always"].error, ResponseDecodeError)
    assert fetch.calls["cut-always"] == FAST_RETRY.max_attempts
    assert isinstance(outcomes["wrong-shape"].error, ResponseDecodeError)
    assert fetch.calls["wrong-shape"] == 1  # a body of the wrong shape would come back the same
    assert outcomes["fine"].value == "VALUE-FINE"


async def test_a_decode_bug_propagates_and_cancels_the_rest() -> None:
    def decode(key: Any, fetched: str) -> str:
        raise ZeroDivisionError("a bug, not an API failure")

    fetch = Recorder()
    with pytest.raises(ZeroDivisionError):
        await collect(many(range(8), fetch, concurrency=4, decode=decode))
    assert fetch.in_flight == 0


async def test_a_single_attempt_policy_never_retries() -> None:
    fetch = Recorder({1: [server_error(503)], 2: [rate_limited()]})
    outcomes = {
        o.key: o for o in await collect(many([1, 2], fetch, retry=RetryPolicy(max_attempts=1)))
    }
    assert isinstance(outcomes[1].error, ServerError)
    assert isinstance(outcomes[2].error, RateLimitError)
    assert fetch.calls == Counter({1: 1, 2: 1})


async def test_a_retry_after_beyond_the_policy_is_not_waited_for() -> None:
    fetch = Recorder({1: [rate_limited(retry_after=3600)]})
    outcomes = await collect(many([1], fetch, retry=RetryPolicy(retry_after_max=5)))
    assert isinstance(outcomes[0].error, RateLimitError)
    assert fetch.calls[1] == 1


async def test_throttled_keys_are_requeued_and_shrink_the_window() -> None:
    window = AdaptiveWindow(8, rate_span=0.05, recovery=0.01)
    fetch = Recorder({k: [rate_limited()] for k in range(24)})  # the first 24 are refused once
    outcomes = await collect(fetch_many(range(40), fetch, window=window, retry=FAST_RETRY))
    assert all(o.ok for o in outcomes)
    assert sorted(o.key for o in outcomes) == list(range(40))
    assert window.throttles == 24
    assert window.decreases >= 1
    assert window.sent == 40 + 24


class ThrottledWhileOthersAreAnswered:
    """Throttles ``"slow"`` ``throttles`` times, each time only once another key was answered
    (a rate-limited server admitting others while it refuses this one); the rest succeed."""

    def __init__(self, throttles: int) -> None:
        self.left = throttles
        self.calls: Counter[Any] = Counter()
        self._next_answer: asyncio.Event | None = None

    async def __call__(self, key: Any) -> str:
        self.calls[key] += 1
        if self._next_answer is None:
            self._next_answer = asyncio.Event()
        if key == "slow" and self.left:
            await self._next_answer.wait()
            self.left -= 1
            raise rate_limited()
        await asyncio.sleep(0)
        answered, self._next_answer = self._next_answer, asyncio.Event()
        answered.set()
        return f"value-{key}"


async def test_throttles_while_others_are_answered_do_not_spend_a_keys_attempts() -> None:
    # The allowance (max_attempts - 1 uncounted throttles) plus the retries of max_attempts.
    throttles = FAST_RETRY.throttle_allowance + FAST_RETRY.max_attempts - 1
    fetch = ThrottledWhileOthersAreAnswered(throttles=throttles)
    keys = ["slow", *range(40)]
    outcomes = {o.key: o for o in await collect(many(keys, fetch, concurrency=4))}
    assert all(o.ok for o in outcomes.values())
    assert fetch.calls["slow"] == throttles + 1 == FAST_RETRY.max_sends


@pytest.mark.parametrize("max_attempts", [1, 2, 3, 5])
async def test_a_key_throttled_for_good_gets_at_most_max_sends_requests(max_attempts: int) -> None:
    """However long the others keep the fetch progressing (issue: one id got 337 requests)."""
    policy = RetryPolicy(max_attempts=max_attempts, backoff_base=0.0)
    fetch = ThrottledWhileOthersAreAnswered(throttles=10_000)
    keys = ["slow", *range(200)]
    outcomes = {o.key: o for o in await collect(many(keys, fetch, concurrency=4, retry=policy))}
    assert isinstance(outcomes["slow"].error, RateLimitError)
    assert fetch.calls["slow"] == policy.max_sends == 2 * max_attempts - 1
    assert all(o.ok for k, o in outcomes.items() if k != "slow")


async def test_with_a_fixed_window_every_throttle_spends_an_attempt() -> None:
    fetch = ThrottledWhileOthersAreAnswered(throttles=2 * FAST_RETRY.max_attempts)
    keys = ["slow", *range(40)]
    window = AdaptiveWindow(4, adaptive=False)
    outcomes = {
        o.key: o for o in await collect(fetch_many(keys, fetch, window=window, retry=FAST_RETRY))
    }
    assert isinstance(outcomes["slow"].error, RateLimitError)
    assert fetch.calls["slow"] == FAST_RETRY.max_attempts
    assert all(o.ok for k, o in outcomes.items() if k != "slow")


async def test_a_server_that_throttles_everything_still_ends_the_fetch() -> None:
    fetch = Recorder({k: [rate_limited() for _ in range(100)] for k in range(8)})
    window = AdaptiveWindow(4, rate_span=0.05, recovery=0.01)
    outcomes = await collect(fetch_many(range(8), fetch, window=window, retry=FAST_RETRY))
    assert all(isinstance(o.error, RateLimitError) for o in outcomes)
    assert len(outcomes) == 8
    assert fetch.calls == Counter(dict.fromkeys(range(8), FAST_RETRY.max_attempts))


async def test_a_server_that_limits_concurrency_is_learned() -> None:
    async def run(adaptive: bool) -> AdaptiveWindow:
        window = AdaptiveWindow(8, adaptive=adaptive, rate_span=0.05, recovery=0.01)
        in_flight = 0

        async def fetch(key: int) -> int:  # refuses whoever arrives while 2 are in flight
            nonlocal in_flight
            if in_flight >= 2:
                raise rate_limited()
            in_flight += 1
            try:
                await asyncio.sleep(0.001)
                return key
            finally:
                in_flight -= 1

        policy = RetryPolicy(max_attempts=1000, backoff_base=0.001)
        outcomes = await collect(fetch_many(range(40), fetch, window=window, retry=policy))
        assert sorted(o.key for o in outcomes if o.ok) == list(range(40))
        return window

    fixed = await run(adaptive=False)
    learned = await run(adaptive=True)
    assert learned.decreases >= 1
    assert learned.throttles < fixed.throttles


async def test_the_deadline_counts_per_key() -> None:
    fetch = Recorder({1: [server_error(503) for _ in range(10)]})
    policy = RetryPolicy(max_attempts=10, backoff_base=0.05, backoff_max=0.05, deadline=0.01)
    outcomes = await collect(many([1], fetch, retry=policy))
    assert isinstance(outcomes[0].error, ServerError)
    assert fetch.calls[1] < 10


async def test_a_lazy_iterable_is_read_as_the_window_frees_up() -> None:
    pulled = 0

    def keys() -> Iterator[int]:
        nonlocal pulled
        for key in range(100):
            pulled += 1
            yield key

    fetch = Recorder()
    seen = 0
    async for _ in many(keys(), fetch, concurrency=5):
        seen += 1
        assert pulled - seen <= 5  # never more than the window read ahead
    assert seen == 100


async def test_an_async_iterable_of_keys() -> None:
    async def keys() -> AsyncIterator[int]:
        for key in range(30):
            if key % 7 == 0:
                await asyncio.sleep(0.001)
            yield key

    fetch = Recorder({5: [not_found(5)]})
    outcomes = await collect(many(keys(), fetch, concurrency=3))
    assert sorted(o.key for o in outcomes) == list(range(30))
    assert [o.key for o in outcomes if not o.ok] == [5]
    assert fetch.peak <= 3


async def test_an_empty_input_yields_nothing() -> None:
    assert await collect(many([], Recorder())) == []

    async def nothing() -> AsyncIterator[int]:
        return
        yield

    assert await collect(many(nothing(), Recorder())) == []


async def test_progress_reports_done_and_total() -> None:
    calls: list[tuple[int, int | None]] = []
    await collect(many([1, 2, 2, 3], Recorder(), progress=lambda d, t: calls.append((d, t))))
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]
    calls.clear()
    await collect(many(iter([1, 2]), Recorder(), progress=lambda d, t: calls.append((d, t))))
    assert calls == [(1, None), (2, None)]


@pytest.mark.parametrize(
    ("keys", "progress", "param"),
    [
        ("abc", None, "ids"),
        (b"ab", None, "ids"),
        (42, None, "ids"),
        ([[1]], None, "ids"),
        ([1], "not callable", "progress"),
    ],
)
def test_misuse_is_refused_at_call_time(keys: Any, progress: Any, param: str) -> None:
    fetch = Recorder()
    with pytest.raises(InvalidRequestError) as caught:
        many(keys, fetch, progress=progress)
    assert caught.value.param == param
    assert not fetch.calls


async def test_an_unexpected_exception_propagates_and_cancels_the_rest() -> None:
    started = asyncio.Event()

    async def fetch(key: int) -> int:
        if key == 0:
            await started.wait()
            raise RuntimeError("a bug")
        started.set()
        await asyncio.sleep(10)
        return key

    with pytest.raises(RuntimeError, match="a bug"):
        await collect(many(range(4), fetch))
    assert asyncio.all_tasks() == {asyncio.current_task()}


class Hanging:
    """A fetch that answers key 0 at once and hangs on every other key until cancelled."""

    def __init__(self) -> None:
        self.cancelled = 0

    async def __call__(self, key: int) -> int:
        if key == 0:
            return key
        try:
            return await asyncio.sleep(10, result=key)
        except asyncio.CancelledError:
            self.cancelled += 1
            raise


async def test_breaking_out_cancels_and_awaits_every_request_in_flight() -> None:
    fetch = Hanging()
    async with contextlib.aclosing(many(range(100), fetch, concurrency=8)) as results:
        async for outcome in results:
            assert outcome.key == 0
            break
    assert fetch.cancelled == 7
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_aclose_before_the_end_leaves_no_task() -> None:
    fetch = Hanging()
    results = many(range(100), fetch, concurrency=8)
    first = await anext(results)
    assert first.key == 0
    await results.aclose()
    assert fetch.cancelled == 7
    assert asyncio.all_tasks() == {asyncio.current_task()}


async def test_cancelling_the_consumer_cancels_every_request() -> None:
    reached = asyncio.Event()
    cancelled = 0

    async def hang(key: int) -> str:
        nonlocal cancelled
        reached.set()
        try:
            return await asyncio.sleep(10, result="never")
        except asyncio.CancelledError:
            cancelled += 1
            raise

    async def consume() -> None:
        async for _ in many(range(10), hang, concurrency=4):
            pass

    consumer = asyncio.ensure_future(consume())
    await reached.wait()
    consumer.cancel()
    with pytest.raises(asyncio.CancelledError):
        await consumer
    assert asyncio.all_tasks() == {asyncio.current_task()}
    assert cancelled == 4


async def test_cancelling_stops_a_pending_read_of_an_async_iterable() -> None:
    async def keys() -> AsyncIterator[int]:
        yield 1
        await asyncio.sleep(10)
        yield 2

    results = many(keys(), Recorder())
    assert (await anext(results)).key == 1
    await results.aclose()
    assert asyncio.all_tasks() == {asyncio.current_task()}


class FlickeringPacer(AdaptiveWindow):
    """Asks for a short wait that is already over whenever it is asked again."""

    def __init__(self) -> None:
        super().__init__(2)
        self.asked = 0

    def send_delay(self) -> float:
        self.asked += 1
        return 0.001 if self.asked % 2 else 0.0


async def test_a_pacing_wait_that_ends_on_its_own_does_not_stall_the_fetch() -> None:
    window = FlickeringPacer()
    results = fetch_many(range(10), Recorder(), window=window, retry=FAST_RETRY)
    outcomes = await asyncio.wait_for(collect(results), timeout=10)
    assert sorted(o.key for o in outcomes) == list(range(10))


async def test_a_request_unanswered_at_the_deadline_is_cancelled_and_reported_as_a_timeout() -> (
    None
):
    fetch = Hanging()  # answers 0 at once, hangs on the others until cancelled
    policy = RetryPolicy(deadline=0.05)
    results = many([0, 1, 2], fetch, retry=policy, describe=lambda k: ("GET", f"/x/{k}"))
    outcomes = {o.key: o for o in await collect(results)}
    assert outcomes[0].ok
    for key in (1, 2):
        error = outcomes[key].error
        assert isinstance(error, APITimeoutError)
        assert (error.method, error.url) == ("GET", f"/x/{key}")
        assert str(error) == f"GET /x/{key} got no answer within the retry deadline of 0.05s"
    assert fetch.cancelled == 2
    assert asyncio.all_tasks() == {asyncio.current_task()}


class PacedAfterTheFirst(AdaptiveWindow):
    """Lets the first request start at once, then none for ``hold`` seconds."""

    def __init__(self, hold: float) -> None:
        super().__init__(4)
        self.hold_until: float | None = None
        self.hold = hold

    def on_send(self) -> int:
        if self.hold_until is None:
            self.hold_until = asyncio.get_running_loop().time() + self.hold
        return super().on_send()

    def send_delay(self) -> float:
        if self.hold_until is None:
            return 0.0
        return max(0.0, self.hold_until - asyncio.get_running_loop().time())


async def test_a_retry_paced_past_the_deadline_fails_with_its_last_error() -> None:
    fetch = Recorder({1: [server_error(503, {"Retry-After": "0"})]})
    policy = RetryPolicy(deadline=0.05)
    window = PacedAfterTheFirst(hold=0.2)  # the retry could only start after the deadline
    outcomes = await collect(fetch_many([1], fetch, window=window, retry=policy))
    assert isinstance(outcomes[0].error, ServerError)
    assert fetch.calls[1] == 1


async def test_a_request_cancelled_from_outside_the_fetch_is_a_failed_attempt() -> None:
    """As aiohttp cancels the calls waiting for a connection when the session closes: the
    caller's iteration goes on, and the key is retried under the policy."""
    waiting: list[asyncio.Future[None]] = []
    started = asyncio.Event()
    calls: Counter[int] = Counter()

    async def fetch(key: int) -> int:
        calls[key] += 1
        if key == 1 and calls[key] == 1:
            waiter = asyncio.get_running_loop().create_future()
            waiting.append(waiter)
            started.set()
            await waiter  # cancelled below, by someone other than the fetch
        return key

    async def cancel_the_waiter() -> None:
        await started.wait()
        waiting.pop().cancel()
        started.clear()

    canceller = asyncio.ensure_future(cancel_the_waiter())
    outcomes = {o.key: o for o in await collect(many([0, 1], fetch))}
    await canceller
    assert outcomes[1].value == 1
    assert calls[1] == 2

    calls.clear()
    canceller = asyncio.ensure_future(cancel_the_waiter())
    single = RetryPolicy(max_attempts=1)
    outcomes = {o.key: o for o in await collect(many([0, 1], fetch, retry=single))}
    await canceller
    assert isinstance(outcomes[1].error, APIConnectionError)
    assert "was cancelled before it was answered" in str(outcomes[1].error)
