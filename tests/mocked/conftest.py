"""Fixtures of the mocked tests: the SDK's aiohttp session answered by aioresponses, no socket.

These tests cover what does not depend on a real connection (error mapping, response
headers, retry decisions per status, decode errors, request bodies); drops, truncation,
timeouts, cancellation and leaks stay on real sockets in ``tests/core`` and
``tests/reliability``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import pytest
from aioresponses import aioresponses
from yarl import URL

from bluejay_async import BluejayClient
from tests.core.conftest import client_factory, sleeps

__all__ = ["BASE", "MakeClient", "calls", "sleeps"]

BASE = "https://api.bluejay.test"
"""The base URL of the mocked API (https: nothing is ever sent, so nothing is refused)."""

MakeClient = Callable[..., BluejayClient]


def calls(mock: aioresponses, method: str, path: str) -> int:
    """How many ``method`` requests the SDK made to ``BASE + path`` (query included)."""
    return len(mock.requests.get((method, URL(BASE + path)), []))


@pytest.fixture
def m(aioresponses_mock: aioresponses) -> aioresponses:
    """The plugin's ``aioresponses_mock``, under a short name."""
    return aioresponses_mock


@pytest.fixture
async def make_client(request: pytest.FixtureRequest) -> AsyncIterator[MakeClient]:
    """Clients of ``BASE`` (see :func:`tests.core.conftest.client_factory`)."""
    async with client_factory(BASE, request) as make:
        yield make


@pytest.fixture
async def bj(make_client: MakeClient) -> BluejayClient:
    """A client of ``BASE`` with fast retries."""
    return make_client()
