"""Shared fixtures: a scripted server for transport tests and the project's sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, settings

from tests.scripted_server import ScriptedServer, scripted_server

# No timing assertions in the suite, hypothesis' included: its per-example deadline and its
# too-slow health check would fail tests on a busy machine for reasons that are not bugs.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    """A scripted HTTP server on 127.0.0.1 (see ``tests/scripted_server.py``)."""
    async with scripted_server() as srv:
        yield srv
