"""The retry decision, the wait between attempts, and how many attempts each failure gets.

Attempts per status and per malformed body are counted without a socket in
``tests/mocked/test_retry.py``; this file keeps the failures where the socket is the point.
"""

from __future__ import annotations

import asyncio
import logging
import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any, cast

import aiohttp
import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core.error_mapping import status_error_from_response
from bluejay_async.core.retry import (
    RETRYABLE_STATUSES,
    ConnectionNotEstablished,
    parse_retry_after,
    retry_after_of,
    retry_delay,
    should_retry,
)
from bluejay_async.errors import (
    APIConnectionError,
    APITimeoutError,
    InvalidRequestError,
    RateLimitError,
    ResponseDecodeError,
)
from tests.core.conftest import MakeClient
from tests.scripted_server import Reply, ScriptedServer

RUNS = "/v1/get-simulation-runs/5"
CREATE = "/v1/create-simulation"
UPDATE = "/v1/update-simulation-result"
OK_RUNS = Reply(json={"simulation_runs": []})
OK_CREATE = Reply(json={"simulation_id": 1})


def status_error(status: int, headers: dict[str, str] | None = None) -> Exception:
    headers = headers or {}
    return status_error_from_response(
        status=status,
        headers=headers,
        raw_body=b"{}",
        method="GET",
        url="u",
        retry_after=parse_retry_after(headers),
    )


# --- the decision, as a pure function ----------------------------------------------------


@pytest.mark.parametrize("status", sorted(RETRYABLE_STATUSES))
def test_retryable_statuses_are_retried_when_idempotent(status: int) -> None:
    assert should_retry(status_error(status), policy=RetryPolicy(), idempotent=True)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 501, 505])
def test_other_statuses_are_never_retried(status: int) -> None:
    policy = RetryPolicy(retry_non_idempotent=True)
    assert not should_retry(status_error(status), policy=policy, idempotent=True)


@pytest.mark.parametrize("status", [408, 500, 502, 503, 504])
def test_non_idempotent_requests_are_not_retried_after_the_server_may_have_acted(
    status: int,
) -> None:
    err = status_error(status)
    assert not should_retry(err, policy=RetryPolicy(), idempotent=False)
    assert should_retry(err, policy=RetryPolicy(retry_non_idempotent=True), idempotent=False)


def test_429_is_retried_for_any_method() -> None:
    assert should_retry(status_error(429), policy=RetryPolicy(), idempotent=False)


def test_connection_not_established_is_retried_for_any_method() -> None:
    err = ConnectionNotEstablished("refused", method="POST", url="u")
    assert should_retry(err, policy=RetryPolicy(), idempotent=False)


@pytest.mark.parametrize(
    "err",
    [
        APIConnectionError("dropped", method="POST", url="u"),
        APITimeoutError("slow", method="POST", url="u"),
    ],
)
def test_failures_after_sending_are_retried_only_when_idempotent_or_opted_in(
    err: Exception,
) -> None:
    assert should_retry(err, policy=RetryPolicy(), idempotent=True)
    assert not should_retry(err, policy=RetryPolicy(), idempotent=False)
    assert should_retry(err, policy=RetryPolicy(retry_non_idempotent=True), idempotent=False)


@pytest.mark.parametrize(
    "err", [ResponseDecodeError("bad"), InvalidRequestError("bad"), ValueError("x")]
)
def test_other_errors_are_not_retried(err: Exception) -> None:
    assert not should_retry(err, policy=RetryPolicy(retry_non_idempotent=True), idempotent=True)


def test_a_retry_after_longer_than_the_maximum_is_not_waited_for() -> None:
    policy = RetryPolicy(retry_after_max=10)
    assert should_retry(status_error(429, {"Retry-After": "10"}), policy=policy, idempotent=True)
    assert not should_retry(
        status_error(429, {"Retry-After": "11"}), policy=policy, idempotent=True
    )
    assert not should_retry(
        status_error(503, {"Retry-After": "11"}), policy=policy, idempotent=True
    )


# --- the wait -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("attempt", "window"), [(1, 0.5), (2, 1.0), (3, 2.0), (4, 4.0), (5, 8.0), (6, 8.0), (30, 8.0)]
)
def test_backoff_is_full_jitter_within_a_capped_exponential_window(
    attempt: int, window: float
) -> None:
    policy = RetryPolicy()
    assert retry_delay(None, attempt=attempt, policy=policy, rand=lambda: 0.0) == 0.0
    assert retry_delay(None, attempt=attempt, policy=policy, rand=lambda: 0.5) == window / 2
    top = retry_delay(None, attempt=attempt, policy=policy, rand=lambda: 0.999999)
    assert window * 0.999 < top < window


def test_backoff_with_the_default_random_source_stays_in_its_window() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=3.0)
    delays = [retry_delay(None, attempt=3, policy=policy) for _ in range(200)]
    assert all(0.0 <= d <= 3.0 for d in delays)
    assert len(set(delays)) > 1  # jittered, not constant


def test_retry_after_wins_over_backoff_and_is_capped() -> None:
    policy = RetryPolicy(retry_after_max=30)
    err = status_error(503, {"Retry-After": "7"})
    assert retry_delay(err, attempt=1, policy=policy, rand=lambda: 0.9) == 7.0
    capped = RateLimitError("x", retry_after=99.0, status_code=429, method="GET", url="u")
    assert retry_delay(capped, attempt=1, policy=policy) == 30.0
    assert retry_after_of(capped) == 99.0
    assert retry_after_of(ValueError()) is None


def test_parse_retry_after_seconds_and_junk() -> None:
    assert parse_retry_after({"Retry-After": "3"}) == 3.0
    assert parse_retry_after({"retry-after": " 1.5 "}) == 1.5
    assert parse_retry_after({"RETRY-AFTER": "-4"}) == 0.0
    assert parse_retry_after({}) is None
    assert parse_retry_after({"Retry-After": ""}) is None
    assert parse_retry_after({"Retry-After": "soon"}) is None
    assert parse_retry_after({"Retry-After": "nan"}) is None
    assert parse_retry_after({"Retry-After": "inf"}) is None
    assert parse_retry_after({"Retry-After": "1e999"}) is None


def test_parse_retry_after_http_date() -> None:
    now = datetime(2024, 3, 1, 12, 0, 0, tzinfo=timezone.utc).timestamp()
    assert parse_retry_after({"Retry-After": "Fri, 01 Mar 2024 12:00:42 GMT"}, now=now) == 42.0
    assert parse_retry_after({"Retry-After": "Fri, 01 Mar 2024 11:00:00 GMT"}, now=now) == 0.0
    # A date without a zone (obsolete asctime form) is read as UTC.
    assert parse_retry_after({"Retry-After": "Fri Mar  1 12:00:05 2024"}, now=now) == 5.0


def test_parse_retry_after_http_date_against_the_clock() -> None:
    later = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=90), usegmt=True)
    seconds = parse_retry_after({"Retry-After": later})
    assert seconds is not None
    assert 80 < seconds <= 90


# --- the policy's own validation -----------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_attempts": 0},
        {"max_attempts": 2.0},
        {"max_attempts": True},
        {"max_attempts": "3"},
        {"backoff_base": -1},
        {"backoff_base": "1"},
        {"backoff_base": float("nan")},
        {"backoff_base": True},
        {"backoff_max": -0.1},
        {"retry_after_max": -1},
        {"retry_after_max": None},
        {"deadline": 0},
        {"deadline": -5},
        {"deadline": "10"},
        {"deadline": float("nan")},
        {"retry_non_idempotent": "no"},
        {"retry_non_idempotent": 1},
    ],
)
def test_bad_policy_settings_are_refused(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidRequestError, match="RetryPolicy"):
        RetryPolicy(**kwargs)


def test_policy_defaults_and_immutability() -> None:
    policy = RetryPolicy()
    assert (policy.max_attempts, policy.backoff_base, policy.backoff_max) == (3, 0.5, 8.0)
    assert (policy.retry_after_max, policy.deadline, policy.retry_non_idempotent) == (
        60.0,
        None,
        False,
    )
    with pytest.raises(AttributeError):
        policy.max_attempts = 5  # type: ignore[misc]
    assert RetryPolicy(backoff_base=0, deadline=0.5).deadline == 0.5


async def test_retrying_uses_the_given_random_source() -> None:
    policy = RetryPolicy(max_attempts=2, backoff_base=0.001)
    calls = 0

    async def fails_once() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise status_error(503)
        return "ok"

    retrying = policy.retrying(idempotent=True, rng=random.Random(7))
    assert await retrying(fails_once) == "ok"
    assert calls == 2


# --- attempts over the wire (drops, timeouts, refused connections; statuses: tests/mocked) ---


async def test_max_attempts_one_sends_a_dropped_get_once(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    bj = make_client(retry=RetryPolicy(max_attempts=1))
    server.script("GET", RUNS, Reply(drop=True))

    with pytest.raises(APIConnectionError):
        await bj.runs.list(5)

    assert server.count("GET", RUNS) == 1


async def test_deadline_bounds_each_attempt(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    bj = make_client(timeout=30, retry=RetryPolicy(max_attempts=1, deadline=0.05))
    server.script("GET", RUNS, Reply(json={"simulation_runs": []}, delay=0.3))

    with pytest.raises(APITimeoutError):
        await bj.runs.list(5)


async def test_post_is_not_retried_after_a_dropped_connection(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("POST", UPDATE, Reply(drop=True), Reply(json={}))

    with pytest.raises(APIConnectionError):
        await bj.results.update("r", tags=["x"])

    assert server.count("POST", UPDATE) == 1


async def test_post_is_not_retried_after_a_timeout(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    bj = make_client(timeout=0.05)
    server.script("POST", CREATE, Reply(json={"simulation_id": 1}, delay=0.3))

    with pytest.raises(APITimeoutError):
        await bj.simulations.create("a")

    assert server.count("POST", CREATE) == 1


async def test_get_is_retried_after_a_timeout(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    bj = make_client(timeout=0.05)
    server.script("GET", RUNS, Reply(json={"simulation_runs": []}, delay=0.3))

    with pytest.raises(APITimeoutError):
        await bj.runs.list(5)

    assert server.count("GET", RUNS) == 3


async def test_get_is_retried_after_dropped_connections(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("GET", RUNS, Reply(drop=True), Reply(drop=True), OK_RUNS)

    assert await bj.runs.list(5) == []
    assert server.count("GET", RUNS) == 3


async def test_post_is_retried_when_the_connection_was_never_established(
    dead_url: str,
    make_client: MakeClient,
    sleeps: list[float],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bluejay_async")
    bj = make_client(base_url=dead_url)

    with pytest.raises(ConnectionNotEstablished):
        await bj.simulations.create("a")

    attempts = [
        cast(tuple[Any, ...], r.args)[-1] for r in caplog.records if r.name == "bluejay_async"
    ]
    assert attempts == [1, 2, 3]
    assert len(sleeps) == 2


async def test_retry_non_idempotent_opts_posts_in(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    bj = make_client(
        retry=RetryPolicy(max_attempts=3, backoff_base=0.001, retry_non_idempotent=True)
    )
    server.script("POST", CREATE, Reply(status=500, json={}), Reply(drop=True), OK_CREATE)

    assert (await bj.simulations.create("a")).simulation_id == 1
    assert server.count("POST", CREATE) == 3


class _SlowConnector(aiohttp.TCPConnector):
    """A connector whose connections never open, to provoke a connect timeout."""

    attempts = 0

    async def _create_connection(self, *args: Any, **kwargs: Any) -> Any:
        type(self).attempts += 1
        await asyncio.sleep(10)
        raise AssertionError("unreachable")  # pragma: no cover


async def test_connect_timeout_is_retried_even_for_post(
    make_client: MakeClient, dead_url: str
) -> None:
    _SlowConnector.attempts = 0
    async with aiohttp.ClientSession(connector=_SlowConnector()) as session:
        bj = make_client(
            base_url=dead_url,
            session=session,
            timeout=aiohttp.ClientTimeout(total=5, connect=0.02),
        )
        with pytest.raises(APITimeoutError) as info:
            await bj.simulations.create("a")

    assert isinstance(info.value, ConnectionNotEstablished)
    assert "timed out connecting" in str(info.value)
    assert _SlowConnector.attempts == 3


# --- malformed bodies --------------------------------------------------------------------


def test_a_malformed_body_is_retried_only_where_repeating_is_safe() -> None:
    malformed = ResponseDecodeError("cut off", malformed=True)
    policy = RetryPolicy()
    assert should_retry(malformed, policy=policy, idempotent=True)
    assert not should_retry(malformed, policy=policy, idempotent=False)
    assert should_retry(malformed, policy=RetryPolicy(retry_non_idempotent=True), idempotent=False)
    assert not should_retry(ResponseDecodeError("wrong shape"), policy=policy, idempotent=True)
