"""The one retry policy both loops read: its methods, its loop on an injected clock, and the
transport's seams (the decode step and the clock are passed in, never imported or patched)."""

from __future__ import annotations

import ast
import importlib.metadata
import inspect
from pathlib import Path
from typing import Any

import attrs
import pytest

import bluejay_async
from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core import transport as transport_module
from bluejay_async.core.error_mapping import status_error_from_response
from bluejay_async.core.retry import Clock
from bluejay_async.errors import (
    APIConnectionError,
    APITimeoutError,
    ClientClosedError,
    NotFoundError,
    RedirectError,
    ResponseTooLargeError,
    ServerError,
)
from tests.core.conftest import API_KEY, recording_clock
from tests.scripted_server import Reply, ScriptedServer


def status(code: int, retry_after: str | None = None) -> Exception:
    headers = {} if retry_after is None else {"Retry-After": retry_after}
    return status_error_from_response(
        status=code,
        headers=headers,
        raw_body=b"{}",
        method="GET",
        url="u",
        retry_after=None if retry_after is None else float(retry_after),
    )


DROPPED = APIConnectionError("dropped", method="GET", url="u")


# --- the decision ----------------------------------------------------------------------------


def test_decide_spends_attempts_then_stops() -> None:
    policy = RetryPolicy(max_attempts=3, backoff_base=0)
    assert policy.decide(DROPPED, attempt=1, elapsed=0) == 0.0
    assert policy.decide(DROPPED, attempt=2, elapsed=0) == 0.0
    assert policy.decide(DROPPED, attempt=3, elapsed=0) is None
    assert RetryPolicy(max_attempts=1).decide(DROPPED, attempt=1, elapsed=0) is None


def test_decide_stops_at_the_deadline() -> None:
    policy = RetryPolicy(max_attempts=10, backoff_base=0, deadline=5)
    assert policy.decide(DROPPED, attempt=1, elapsed=4.9) == 0.0
    assert policy.decide(DROPPED, attempt=1, elapsed=5) is None
    assert policy.within_deadline(4.9)
    assert not policy.within_deadline(4.0, 1.0)
    assert RetryPolicy().within_deadline(10**9, 10**9)


@pytest.mark.parametrize(
    "error",
    [
        status(404),
        RedirectError("r", method="GET", url="u", status_code=302),
        ResponseTooLargeError("big", limit=1, status_code=503, method="GET", url="u"),
        ClientClosedError("closed"),
        ValueError("a bug"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_final_errors_are_never_retried(error: Exception) -> None:
    policy = RetryPolicy(max_attempts=5, retry_non_idempotent=True)
    assert not policy.is_retryable(error, idempotent=True)
    assert policy.decide(error, attempt=1, elapsed=0) is None


def test_post_is_retried_only_where_the_server_cannot_have_acted() -> None:
    policy = RetryPolicy()
    assert policy.decide(status(503), attempt=1, elapsed=0, idempotent=False) is None
    assert policy.decide(status(429), attempt=1, elapsed=0, idempotent=False) is not None


def test_next_delay_prefers_retry_after_then_backs_off_with_jitter() -> None:
    policy = RetryPolicy(backoff_base=0.5, backoff_max=3.0, retry_after_max=10)
    assert policy.next_delay(1, status(429, "4")) == 4.0
    assert policy.next_delay(1, status(503), rand=lambda: 1.0) == 0.5
    assert policy.next_delay(3, status(503), rand=lambda: 0.5) == 1.0
    assert policy.next_delay(9, status(503), rand=lambda: 1.0) == 3.0  # capped
    assert policy.next_delay(2, None, rand=lambda: 0.0) == 0.0


def test_decide_refuses_a_wait_that_ends_past_the_deadline() -> None:
    policy = RetryPolicy(max_attempts=5, deadline=10)
    assert policy.decide(status(429, "3"), attempt=1, elapsed=6) == 3.0
    assert policy.decide(status(429, "4"), attempt=1, elapsed=6) is None


def test_remaining_is_what_is_left_of_the_deadline() -> None:
    assert RetryPolicy().remaining(100) is None
    assert RetryPolicy(deadline=10).remaining(4) == 6
    assert RetryPolicy(deadline=10).remaining(12) == -2  # the transport then fails at once


def test_the_bulk_bound_on_sends_per_key() -> None:
    assert (RetryPolicy().throttle_allowance, RetryPolicy().max_sends) == (2, 5)
    assert RetryPolicy(max_attempts=1).max_sends == 1


# --- the loop, on an injected clock ----------------------------------------------------------


@attrs.define
class FakeTime:
    """A clock that only moves when the loop sleeps."""

    now: float = 1000.0
    waits: list[float] = attrs.Factory(list)

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> Clock:
        return Clock(now=lambda: self.now, sleep=self.sleep, random=lambda: 1.0)


async def test_call_retries_until_success_waiting_on_the_clock() -> None:
    fake = FakeTime()
    seen: list[tuple[int, float]] = []

    async def attempt(number: int, started: float) -> str:
        seen.append((number, started))
        if number < 3:
            raise status(503)
        return "ok"

    policy = RetryPolicy(max_attempts=3, backoff_base=1, backoff_max=8)
    assert await policy.call(attempt, idempotent=True, clock=fake.clock()) == "ok"
    assert seen == [(1, 1000.0), (2, 1000.0), (3, 1000.0)]
    assert fake.waits == [1.0, 2.0]


async def test_call_raises_the_last_error_when_the_deadline_would_pass() -> None:
    fake = FakeTime()

    async def attempt(number: int, started: float) -> str:
        raise status(429, "4")

    policy = RetryPolicy(max_attempts=10, deadline=10)
    with pytest.raises(Exception, match="429"):
        await policy.call(attempt, idempotent=True, clock=fake.clock())
    assert fake.waits == [4.0, 4.0]  # a third wait would end at 12 s, past the deadline


async def test_call_does_not_retry_a_final_error() -> None:
    fake = FakeTime()
    calls = 0

    async def attempt(number: int, started: float) -> str:
        nonlocal calls
        calls += 1
        raise status(404)

    with pytest.raises(NotFoundError):
        await RetryPolicy().call(attempt, idempotent=True, clock=fake.clock())
    assert (calls, fake.waits) == (1, [])


async def test_call_raises_the_last_attempts_error_drawing_one_jitter_per_wait() -> None:
    fake = FakeTime()
    draws = 0

    def jitter() -> float:
        nonlocal draws
        draws += 1
        return 0.5

    errors = [status(503), status(502), status(500)]

    async def attempt(number: int, started: float) -> str:
        raise errors[number - 1]

    clock = Clock(now=lambda: fake.now, sleep=fake.sleep, random=jitter)
    policy = RetryPolicy(max_attempts=3, backoff_base=2, backoff_max=8)
    with pytest.raises(ServerError) as caught:
        await policy.call(attempt, idempotent=True, clock=clock)
    assert caught.value is errors[2]
    assert (fake.waits, draws) == ([1.0, 2.0], 2)


async def test_a_client_waits_on_the_clock_it_is_given(server: ScriptedServer) -> None:
    server.script("GET", "/v1/get-simulation-runs/5", Reply(status=503, json={}))
    waits: list[float] = []
    bj = BluejayClient(api_key=API_KEY, base_url=server.url, retry=RetryPolicy(backoff_base=60))
    bj._attach(attrs.evolve(bj._transport, clock=recording_clock(waits)))
    async with bj:
        with pytest.raises(ServerError):
            await bj.runs.list(5)
    assert len(waits) == 2  # a minute each, recorded instead of slept
    assert server.count("GET", "/v1/get-simulation-runs/5") == 3


# --- the transport's seams -------------------------------------------------------------------


def test_the_transport_imports_no_records_and_no_decoder() -> None:
    tree = ast.parse(Path(inspect.getfile(transport_module)).read_text())
    imported = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {m for m in imported if "converter" in m or "models" in m}, imported


async def test_the_transport_decodes_with_the_step_it_is_given(server: ScriptedServer) -> None:
    server.script("GET", "/v1/get-simulation-runs/5", Reply(json={"simulation_runs": []}))
    seen: list[Any] = []

    def decoder(raw: bytes, into: Any, *, method: str | None = None, url: str | None = None) -> Any:
        seen.append((raw, into, method, url))
        return "decoded"

    async with BluejayClient(api_key=API_KEY, base_url=server.url) as bj:
        transport = attrs.evolve(bj._transport, decoder=decoder, owns_pool=False)
        decoded: Any = await transport.request("GET", "/v1/get-simulation-runs/5", into=int)
    assert decoded == "decoded"
    [(raw, into, method, url)] = seen
    assert (raw, into, method) == (b'{"simulation_runs": []}', int, "GET")
    assert url == server.url + "/v1/get-simulation-runs/5"


def test_one_source_for_the_version() -> None:
    assert importlib.metadata.version("bluejay-cognigy-async") == bluejay_async.__version__


async def test_send_once_is_one_attempt_bounded_by_what_is_left_of_the_deadline(
    server: ScriptedServer,
) -> None:
    """The bulk loop's attempt: no retry of its own, its timeout cut by the key's deadline."""
    slow = Reply(json={"simulation_runs": []}, delay=0.5)
    server.script("GET", "/v1/get-simulation-runs/5", Reply(status=503, json={}), slow)
    policy = RetryPolicy(max_attempts=5, deadline=60)
    async with BluejayClient(api_key=API_KEY, base_url=server.url, timeout=30, retry=policy) as bj:
        transport = bj._transport
        now = transport.clock.now()
        with pytest.raises(ServerError):
            await transport.send_once("GET", "/v1/get-simulation-runs/5", started=now)
        assert server.count("GET", "/v1/get-simulation-runs/5") == 1  # not retried
        long_ago = transport.clock.now() - 59.99  # 10 ms of the deadline left, not 30 s
        with pytest.raises(APITimeoutError):
            await transport.send_once("GET", "/v1/get-simulation-runs/5", started=long_ago)
