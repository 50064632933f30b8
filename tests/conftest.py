"""Shared fixtures: a scripted server for transport tests and the project's sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.scripted_server import ScriptedServer, scripted_server


@pytest.fixture
async def server() -> AsyncIterator[ScriptedServer]:
    """A scripted HTTP server on 127.0.0.1 (see ``tests/scripted_server.py``)."""
    async with scripted_server() as srv:
        yield srv
