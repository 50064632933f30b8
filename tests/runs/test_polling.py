"""The polling machinery of runs.wait / runs.watch, on a fake clock: no test here really waits."""

from __future__ import annotations

import asyncio
import math
import pickle
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluejay_async import RetryPolicy, SimulationResults
from bluejay_async.core.converter import structure
from bluejay_async.core.error_mapping import status_error_from_response
from bluejay_async.errors import (
    APITimeoutError,
    InvalidRequestError,
    NotFoundError,
    RunTimeoutError,
    ServerError,
)
from bluejay_async.resources.polling import (
    PollSchedule,
    is_terminal,
    poll_run,
    result_finished,
    run_progress,
)
from tests.runs.conftest import FakeTime, result_body, run_body

Step = SimulationResults | BaseException | Callable[[], Any]


def snap(status: str | None, results: list[dict[str, Any]] | None = None, **kw: Any) -> Any:
    return structure(run_body(status, results, **kw), SimulationResults)


def http_error(status: int, headers: dict[str, str] | None = None) -> Exception:
    return status_error_from_response(
        status=status,
        headers=headers or {},
        raw_body=b"{}",
        method="GET",
        url="http://127.0.0.1/v1/retrieve-simulation-results/77",
        retry_after=float(headers["Retry-After"]) if headers else None,
    )


class Script:
    """A fetch that plays its steps in order (the last one repeats) and counts its calls."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.calls = 0

    async def __call__(self) -> SimulationResults:
        step = self.steps[min(self.calls, len(self.steps) - 1)]
        self.calls += 1
        if isinstance(step, BaseException):
            raise step
        if callable(step):
            return await step()  # type: ignore[no-any-return]
        return step


SCHEDULE = PollSchedule(interval=5.0, max_interval=30.0, growth=1.5, jitter=0.2)
RETRY = RetryPolicy(max_attempts=3, backoff_base=0.5, backoff_max=8.0, retry_after_max=60.0)


def poll(
    fetch: Script,
    fake: FakeTime,
    *,
    timeout: float | None = None,
    retry: RetryPolicy = RETRY,
    rand: Callable[[], float] = lambda: 0.0,
) -> Any:
    return poll_run(
        fetch,
        run_id="77",
        url="http://127.0.0.1/v1/retrieve-simulation-results/77",
        schedule=SCHEDULE,
        retry=retry,
        timeout=timeout,
        clock=fake.clock,
        sleep=fake.sleep,
        rand=rand,
    )


async def collect(gen: Any) -> list[SimulationResults]:
    return [s async for s in gen]


def no_other_tasks() -> bool:
    return asyncio.all_tasks() == {asyncio.current_task()}


# --- the schedule -----------------------------------------------------------------------


def test_interval_grows_by_the_factor_up_to_the_cap() -> None:
    delays = [SCHEDULE.delay(n, 0.0) for n in range(8)]
    assert delays == [5.0, 7.5, 11.25, 16.875, 25.3125, 30.0, 30.0, 30.0]


def test_a_very_long_wait_does_not_overflow() -> None:
    assert SCHEDULE.delay(10_000, 0.0) == 30.0


@given(
    interval=st.floats(0.01, 100),
    extra=st.floats(0, 1000),
    growth=st.floats(1, 4),
    jitter=st.floats(0, 1),
    unchanged=st.integers(0, 500),
    rand=st.floats(0, 1, exclude_max=True),
)
def test_jittered_delay_stays_within_its_band_and_under_the_cap(
    interval: float, extra: float, growth: float, jitter: float, unchanged: int, rand: float
) -> None:
    schedule = PollSchedule(
        interval=interval, max_interval=interval + extra, growth=growth, jitter=jitter
    )
    nominal = schedule.delay(unchanged, 0.0)
    delay = schedule.delay(unchanged, rand)
    assert interval <= nominal <= schedule.max_interval
    assert nominal * (1 - jitter) - 1e-9 <= delay <= nominal


@pytest.mark.parametrize(
    ("poll_interval", "max_poll_interval", "expected"),
    [(5.0, None, (5.0, 30.0)), (60, None, (60.0, 60.0)), (1, 2, (1.0, 2.0)), (3, 3, (3.0, 3.0))],
)
def test_schedule_from_the_arguments_of_wait(
    poll_interval: float, max_poll_interval: float | None, expected: tuple[float, float]
) -> None:
    schedule = PollSchedule.create(poll_interval, max_poll_interval)
    assert (schedule.interval, schedule.max_interval) == expected


@pytest.mark.parametrize(
    ("poll_interval", "max_poll_interval", "param"),
    [
        (0, None, "poll_interval"),
        (-1, None, "poll_interval"),
        (math.nan, None, "poll_interval"),
        (math.inf, None, "poll_interval"),
        (True, None, "poll_interval"),
        ("5", None, "poll_interval"),
        (5, 4, "max_poll_interval"),
        (5, 0, "max_poll_interval"),
    ],
)
def test_bad_schedule_arguments_are_refused(
    poll_interval: Any, max_poll_interval: Any, param: str
) -> None:
    with pytest.raises(InvalidRequestError) as caught:
        PollSchedule.create(poll_interval, max_poll_interval)
    assert caught.value.param == param


# --- statuses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "terminal"),
    [
        ("COMPLETED", True),
        ("completed", True),
        ("RUNNING", False),
        ("INITIALIZING", False),
        ("ARCHIVING", False),
        ("", False),
        (None, False),
    ],
)
def test_only_completed_is_terminal(status: str | None, terminal: bool) -> None:
    assert is_terminal(status) is terminal


def test_progress_counts_finished_results_against_the_larger_total() -> None:
    snapshot = snap(
        "RUNNING",
        [
            result_body(1, "completed"),
            result_body(2, "failed"),
            result_body(3, "in_progress"),
            result_body(4, "queued"),
            result_body(5, "whatever", end_time="2025-01-01T10:09:00Z"),
        ],
        total=8,
    )
    assert [result_finished(r) for r in snapshot.simulation_results] == [
        True,
        True,
        False,
        False,
        True,
    ]
    assert run_progress(snapshot) == (3, 8)
    assert run_progress(snap("RUNNING", [result_body(1)], total=None)) == (1, 1)


# --- the loop ---------------------------------------------------------------------------


async def test_yields_on_change_only_and_resets_the_interval_after_a_change() -> None:
    fake = FakeTime()
    empty = snap("RUNNING")
    one = snap("RUNNING", [result_body(1)])
    done = snap("COMPLETED", [result_body(1)])
    fetch = Script(empty, empty, empty, one, one, done)
    seen = await collect(poll(fetch, fake))
    assert seen == [empty, one, done]
    assert fake.sleeps == [5.0, 7.5, 11.25, 5.0, 7.5]
    assert fetch.calls == 6


async def test_results_in_another_order_are_not_a_change() -> None:
    fake = FakeTime()
    ab = snap("RUNNING", [result_body(1), result_body(2)])
    ba = snap("RUNNING", [result_body(2), result_body(1)])
    fetch = Script(ab, ba, snap("COMPLETED", [result_body(1), result_body(2)]))
    seen = await collect(poll(fetch, fake))
    assert len(seen) == 2
    assert fake.sleeps == [5.0, 7.5]


async def test_a_run_already_completed_is_read_once() -> None:
    fake = FakeTime()
    fetch = Script(snap("COMPLETED"))
    assert len(await collect(poll(fetch, fake))) == 1
    assert fetch.calls == 1
    assert fake.sleeps == []


async def test_a_run_that_never_finishes_times_out_at_the_deadline() -> None:
    fake = FakeTime()
    start = fake.now
    fetch = Script(snap("RUNNING"))
    with pytest.raises(RunTimeoutError) as caught:
        await collect(poll(fetch, fake, timeout=60.0))
    err = caught.value
    # 5 + 7.5 + 11.25 + 16.875 = 40.625; the next wait (25.3125) is cut to the 19.375 left.
    assert fake.sleeps == pytest.approx([5.0, 7.5, 11.25, 16.875, 19.375])
    assert fake.now == pytest.approx(start + 60.0)
    assert fetch.calls == 5
    assert (err.run_id, err.last_status, err.timeout) == ("77", "RUNNING", 60.0)
    assert "run 77" in str(err)
    assert "RUNNING" in str(err)
    assert err.url.endswith("/v1/retrieve-simulation-results/77")
    assert isinstance(err, APITimeoutError)


@pytest.mark.parametrize("status", ["ARCHIVING", "INITIALIZING", None])
async def test_an_unknown_or_missing_status_is_not_terminal(status: str | None) -> None:
    fake = FakeTime()
    fetch = Script(snap(status, [result_body(1)]))
    with pytest.raises(RunTimeoutError) as caught:
        await collect(poll(fetch, fake, timeout=100.0))
    assert caught.value.last_status == status
    assert fetch.calls > 1


async def test_the_last_status_seen_is_reported() -> None:
    fake = FakeTime()
    fetch = Script(snap("INITIALIZING"), snap("RUNNING"))
    with pytest.raises(RunTimeoutError) as caught:
        await collect(poll(fetch, fake, timeout=20.0))
    assert caught.value.last_status == "RUNNING"


async def test_no_timeout_means_waiting_as_long_as_it_takes() -> None:
    fake = FakeTime()
    fetch = Script(*[snap("RUNNING")] * 200, snap("COMPLETED"))
    seen = await collect(poll(fetch, fake, timeout=None))
    assert seen[-1].simulation_run.status == "COMPLETED"
    assert fetch.calls == 201
    assert max(fake.sleeps) == 30.0


# --- failed reads -----------------------------------------------------------------------


async def test_retry_after_is_honoured_and_the_read_retried() -> None:
    fake = FakeTime()
    fetch = Script(http_error(503, {"Retry-After": "7"}), snap("COMPLETED"))
    assert len(await collect(poll(fetch, fake))) == 1
    assert fake.sleeps == [7.0]
    assert fetch.calls == 2


async def test_transient_errors_use_the_policy_backoff() -> None:
    fake = FakeTime()
    fetch = Script(http_error(500), http_error(502), snap("COMPLETED"))
    await collect(poll(fetch, fake, rand=lambda: 0.5))
    # Full jitter with rand 0.5: half of 0.5 s, then half of 1 s.
    assert fake.sleeps == [0.25, 0.5]


async def test_consecutive_failures_beyond_max_attempts_are_raised() -> None:
    fake = FakeTime()
    fetch = Script(http_error(500))
    with pytest.raises(ServerError):
        await collect(poll(fetch, fake))
    assert fetch.calls == RETRY.max_attempts


async def test_a_successful_read_resets_the_failure_count() -> None:
    fake = FakeTime()
    running, boom = snap("RUNNING"), http_error(503)
    fetch = Script(boom, boom, running, boom, boom, running, boom, boom, snap("COMPLETED"))
    seen = await collect(poll(fetch, fake))
    assert seen[-1].simulation_run.status == "COMPLETED"
    assert fetch.calls == 9


async def test_a_not_retryable_error_is_raised_at_once() -> None:
    fake = FakeTime()
    fetch = Script(http_error(404))
    with pytest.raises(NotFoundError):
        await collect(poll(fetch, fake))
    assert fetch.calls == 1
    assert fake.sleeps == []


async def test_a_retry_after_beyond_the_policy_maximum_is_raised() -> None:
    fake = FakeTime()
    fetch = Script(http_error(503, {"Retry-After": "600"}))
    with pytest.raises(ServerError):
        await collect(poll(fetch, fake))
    assert fetch.calls == 1


async def test_the_policy_deadline_bounds_a_streak_of_failures() -> None:
    fake = FakeTime()
    fetch = Script(http_error(503, {"Retry-After": "4"}))
    policy = RetryPolicy(max_attempts=10, deadline=10.0)
    with pytest.raises(ServerError):
        await collect(poll(fetch, fake, retry=policy))
    assert fake.sleeps == [4.0, 4.0]  # a third wait would end past the 10 s deadline


async def test_the_overall_timeout_cuts_a_retry_wait() -> None:
    fake = FakeTime()
    start = fake.now
    fetch = Script(http_error(503, {"Retry-After": "50"}))
    with pytest.raises(RunTimeoutError) as caught:
        await collect(poll(fetch, fake, timeout=30.0))
    assert fake.now == pytest.approx(start + 30.0)
    assert caught.value.last_status is None
    assert "no status" in str(caught.value)


async def test_a_read_that_never_answers_is_cut_by_the_timeout() -> None:
    fake = FakeTime()

    async def hang() -> SimulationResults:
        await asyncio.Event().wait()
        raise AssertionError("unreachable")

    fetch = Script(hang)
    with pytest.raises(RunTimeoutError):
        await collect(poll(fetch, fake, timeout=0.01))
    assert no_other_tasks()


# --- stopping ---------------------------------------------------------------------------


async def test_cancelling_a_wait_stops_it_at_once_and_leaves_no_task() -> None:
    fake = FakeTime(block=True)
    fetch = Script(snap("RUNNING"))
    task = asyncio.create_task(collect(poll(fetch, fake, timeout=600.0)))
    await fake.slept.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert fetch.calls == 1
    assert no_other_tasks()


async def test_cancelling_during_a_read_cancels_the_read() -> None:
    fake = FakeTime()
    started, cancelled = asyncio.Event(), asyncio.Event()

    async def hang() -> SimulationResults:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()
        raise AssertionError("unreachable")

    task = asyncio.create_task(collect(poll(Script(hang), fake, timeout=600.0)))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert cancelled.is_set()
    assert no_other_tasks()


async def test_breaking_out_of_the_loop_stops_polling() -> None:
    fake = FakeTime()
    fetch = Script(snap("RUNNING"), snap("RUNNING", [result_body(1)]))
    snapshots = poll(fetch, fake)
    async for _ in snapshots:
        break
    await snapshots.aclose()
    assert fetch.calls == 1
    assert fake.sleeps == []
    assert no_other_tasks()


# --- the error --------------------------------------------------------------------------


def test_run_timeout_error_survives_pickling() -> None:
    err = RunTimeoutError(
        "run 77 did not finish within 60 s (last status RUNNING)",
        "77",
        "RUNNING",
        60.0,
        url="https://api.example/v1/retrieve-simulation-results/77",
    )
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is RunTimeoutError
    assert str(back) == str(err)
    assert (back.run_id, back.last_status, back.timeout) == ("77", "RUNNING", 60.0)
    assert (back.method, back.url) == (err.method, err.url)
    assert back.message == err.message


def test_run_timeout_error_takes_only_a_message() -> None:
    err = RunTimeoutError("gave up")
    assert (err.run_id, err.last_status, err.timeout, err.method) == (None, None, None, "GET")
    assert str(pickle.loads(pickle.dumps(err))) == "gave up"
