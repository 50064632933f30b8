"""How many attempts each status gets, and the waits between them, without a socket.

The retry decision and the wait as pure functions are tested in ``tests/core/test_retry.py``,
with the failures where a socket is the point (drops, timeouts, refused connections).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import pytest
from aioresponses import aioresponses

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.errors import NotFoundError, RateLimitError, ResponseDecodeError, ServerError
from bluejay_async.testing import sent_json
from tests.mocked.conftest import BASE, MakeClient, calls

RUNS = "/v1/get-simulation-runs/5"
CREATE = "/v1/create-simulation"
OK_RUNS: dict[str, Any] = {"payload": {"simulation_runs": []}}
OK_CREATE: dict[str, Any] = {"payload": {"simulation_id": 1}}


async def test_get_is_retried_until_it_succeeds(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client(retry=RetryPolicy(max_attempts=3, backoff_base=0.5, backoff_max=8))
    m.get(BASE + RUNS, status=503, payload={})
    m.get(BASE + RUNS, status=502, payload={})
    m.get(BASE + RUNS, **OK_RUNS)

    assert await bj.runs.list(5) == []

    assert calls(m, "GET", RUNS) == 3
    assert len(sleeps) == 2
    assert 0 <= sleeps[0] <= 0.5
    assert 0 <= sleeps[1] <= 1.0


async def test_retries_stop_after_max_attempts(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client(retry=RetryPolicy(max_attempts=4))
    m.get(BASE + RUNS, status=500, payload={"detail": "down"}, repeat=True)

    with pytest.raises(ServerError, match="down"):
        await bj.runs.list(5)

    assert calls(m, "GET", RUNS) == 4
    assert len(sleeps) == 3


async def test_max_attempts_one_disables_retries(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client(retry=RetryPolicy(max_attempts=1))
    m.get(BASE + RUNS, status=503, payload={})
    m.get(BASE + RUNS, **OK_RUNS)

    with pytest.raises(ServerError):
        await bj.runs.list(5)

    assert calls(m, "GET", RUNS) == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [400, 401, 403, 404, 422])
async def test_client_errors_are_not_retried(
    m: aioresponses, make_client: MakeClient, status: int
) -> None:
    bj = make_client()
    m.get(BASE + RUNS, status=status, payload={}, repeat=True)

    with pytest.raises(Exception):  # noqa: B017, PT011 - the class is tested elsewhere
        await bj.runs.list(5)

    assert calls(m, "GET", RUNS) == 1


async def test_408_is_retried(m: aioresponses, make_client: MakeClient) -> None:
    bj = make_client()
    m.get(BASE + RUNS, status=408, payload={})
    m.get(BASE + RUNS, **OK_RUNS)

    assert await bj.runs.list(5) == []
    assert calls(m, "GET", RUNS) == 2


async def test_retry_after_seconds_is_waited(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client()
    m.get(BASE + RUNS, status=429, payload={}, headers={"Retry-After": "2"})
    m.get(BASE + RUNS, **OK_RUNS)

    assert await bj.runs.list(5) == []

    assert sleeps == [2.0]
    assert calls(m, "GET", RUNS) == 2


async def test_retry_after_http_date_is_waited(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client()
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=30), usegmt=True)
    m.get(BASE + RUNS, status=503, payload={}, headers={"Retry-After": when})
    m.get(BASE + RUNS, **OK_RUNS)

    assert await bj.runs.list(5) == []

    [waited] = sleeps
    assert 20 < waited <= 30


async def test_retry_after_above_the_maximum_raises_at_once(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client(retry=RetryPolicy(retry_after_max=60))
    m.get(BASE + RUNS, status=429, payload={}, headers={"Retry-After": "120"})
    m.get(BASE + RUNS, **OK_RUNS)

    with pytest.raises(RateLimitError) as info:
        await bj.runs.list(5)

    assert info.value.retry_after == 120.0
    assert calls(m, "GET", RUNS) == 1
    assert sleeps == []


async def test_retry_after_on_a_503_above_the_maximum_raises_at_once(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client(retry=RetryPolicy(retry_after_max=5))
    m.get(BASE + RUNS, status=503, payload={}, headers={"Retry-After": "6"}, repeat=True)

    with pytest.raises(ServerError):
        await bj.runs.list(5)

    assert calls(m, "GET", RUNS) == 1
    assert sleeps == []


async def test_deadline_stops_before_a_wait_that_would_pass_it(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client(retry=RetryPolicy(max_attempts=5, deadline=5))
    m.get(BASE + RUNS, status=429, payload={}, headers={"Retry-After": "10"})
    m.get(BASE + RUNS, **OK_RUNS)

    with pytest.raises(RateLimitError):
        await bj.runs.list(5)

    assert calls(m, "GET", RUNS) == 1
    assert sleeps == []


async def test_deadline_leaves_room_for_short_waits(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client(retry=RetryPolicy(max_attempts=5, deadline=30))
    m.get(BASE + RUNS, status=429, payload={}, headers={"Retry-After": "1"})
    m.get(BASE + RUNS, status=429, payload={}, headers={"Retry-After": "1"})
    m.get(BASE + RUNS, **OK_RUNS)

    assert await bj.runs.list(5) == []
    assert sleeps == [1.0, 1.0]


async def test_deadline_stops_a_long_backoff(
    m: aioresponses,
    make_client: MakeClient,
    sleeps: list[float],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(random, "random", lambda: 1.0)
    bj = make_client(retry=RetryPolicy(backoff_base=100, backoff_max=100, deadline=10))
    m.get(BASE + RUNS, status=503, payload={}, repeat=True)

    with pytest.raises(ServerError):
        await bj.runs.list(5)

    assert calls(m, "GET", RUNS) == 1


async def test_post_is_not_retried_on_5xx(m: aioresponses, bj: BluejayClient) -> None:
    m.post(BASE + CREATE, status=503, payload={})
    m.post(BASE + CREATE, **OK_CREATE)

    with pytest.raises(ServerError):
        await bj.simulations.create("a")

    assert calls(m, "POST", CREATE) == 1


async def test_post_is_retried_on_429(
    m: aioresponses, bj: BluejayClient, sleeps: list[float]
) -> None:
    m.post(BASE + CREATE, status=429, payload={}, headers={"Retry-After": "0"})
    m.post(BASE + CREATE, **OK_CREATE)

    created = await bj.simulations.create("a")

    assert created.simulation_id == 1
    assert calls(m, "POST", CREATE) == 2
    assert sleeps == [0.0]
    first, second = sent_json(m, "POST", BASE + CREATE)
    assert first == second == {"agent_id": "a"}


async def test_not_found_is_raised_without_waiting(
    m: aioresponses, bj: BluejayClient, sleeps: list[float]
) -> None:
    m.get(BASE + RUNS, status=404, payload={"detail": "Simulation not found"}, repeat=True)

    with pytest.raises(NotFoundError, match="Simulation not found"):
        await bj.runs.list(5)

    assert sleeps == []


# --- malformed bodies --------------------------------------------------------------------


async def test_a_get_recovers_from_a_cut_off_json_body(m: aioresponses, bj: BluejayClient) -> None:
    m.get(BASE + RUNS, body=b'{"simulation_runs": [{"id"')
    m.get(BASE + RUNS, **OK_RUNS)
    assert await bj.runs.list(5) == []
    assert calls(m, "GET", RUNS) == 2


async def test_a_get_with_a_body_of_the_wrong_shape_is_not_retried(
    m: aioresponses, bj: BluejayClient
) -> None:
    m.get(BASE + RUNS, payload={"simulation_runs": [{"id": "x"}]})
    m.get(BASE + RUNS, **OK_RUNS)
    with pytest.raises(ResponseDecodeError) as caught:
        await bj.runs.list(5)
    assert not caught.value.malformed
    assert calls(m, "GET", RUNS) == 1


async def test_a_post_with_a_cut_off_json_body_is_not_retried(
    m: aioresponses, bj: BluejayClient
) -> None:
    m.post(BASE + CREATE, body=b'{"simulation_id": ')
    m.post(BASE + CREATE, **OK_CREATE)
    with pytest.raises(ResponseDecodeError) as caught:
        await bj.simulations.create("agent")
    assert caught.value.malformed
    assert calls(m, "POST", CREATE) == 1


async def test_request_bytes_retries_under_the_policy_and_leaves_the_body_undecoded(
    m: aioresponses, make_client: MakeClient, sleeps: list[float]
) -> None:
    bj = make_client()
    transport = bj._transport
    m.get(BASE + RUNS, status=503, payload={})
    m.get(BASE + RUNS, body=b'{"simulation_runs": [')

    # The bytes come back as sent, cut off or not: deciding what they mean is the caller's.
    assert await transport.request_bytes("GET", RUNS) == b'{"simulation_runs": ['
    assert calls(m, "GET", RUNS) == 2
    assert len(sleeps) == 1

    missing = "/v1/get-simulation-runs/6"
    m.get(BASE + missing, status=404, payload={"detail": "gone"}, repeat=True)
    with pytest.raises(NotFoundError, match="gone"):
        await transport.request_bytes("GET", missing)
    assert calls(m, "GET", missing) == 1
    assert transport.url(RUNS) == BASE + RUNS
