"""Fixtures of the core SDK tests: clients pointed at the scripted server, a recorded sleep."""

from __future__ import annotations

import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import attrs
import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core.retry import Clock
from tests.scripted_server import ScriptedServer

API_KEY = "bj-test-KEY-7f3a9c21d4e8"
"""A key distinctive enough that finding it anywhere in a text is never a coincidence."""

MakeClient = Callable[..., BluejayClient]
"""The type of the ``make_client`` fixture."""

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002)


@contextlib.asynccontextmanager
async def client_factory(
    base_url: str, request: pytest.FixtureRequest
) -> AsyncIterator[MakeClient]:
    """Build clients of ``base_url`` (fast retries by default); all closed on exit.

    In a test that also asks for ``sleeps``, the clients record their waits there instead of
    sleeping them.
    """
    made: list[BluejayClient] = []
    clock = None
    if "sleeps" in request.fixturenames:
        clock = recording_clock(request.getfixturevalue("sleeps"))

    def make(**kwargs: Any) -> BluejayClient:
        kwargs.setdefault("api_key", API_KEY)
        kwargs.setdefault("base_url", base_url)
        kwargs.setdefault("retry", FAST_RETRY)
        client = BluejayClient(**kwargs)
        if clock is not None:
            client._attach(attrs.evolve(client._transport, clock=clock))
        made.append(client)
        return client

    try:
        yield make
    finally:
        for client in made:
            await client.aclose()


@pytest.fixture
async def make_client(
    server: ScriptedServer, request: pytest.FixtureRequest
) -> AsyncIterator[MakeClient]:
    """Clients of the scripted server (see :func:`client_factory`)."""
    async with client_factory(server.url, request) as make:
        yield make


@pytest.fixture
async def bj(make_client: MakeClient) -> BluejayClient:
    """A client of the scripted server with fast retries."""
    return make_client()


@pytest.fixture
def sleeps() -> list[float]:
    """The waits between attempts of the ``make_client``/``bj`` clients, recorded, not slept.

    The retry loop still computes and "sleeps" every wait (on the clock the clients are given),
    so a test can read what it would have waited without any wall-clock measurement.
    """
    return []


def recording_clock(recorded: list[float]) -> Clock:
    """A clock whose ``sleep`` appends the seconds to ``recorded`` and returns at once."""

    async def sleep(seconds: float) -> None:
        recorded.append(seconds)

    return Clock(sleep=sleep)


@pytest.fixture
def dead_url() -> str:
    """An http://127.0.0.1 URL on a port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
