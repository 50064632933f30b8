"""Fixtures for the sandbox tests: a served sandbox and a raw aiohttp session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from bluejay_async.sandbox import Sandbox, SandboxConfig, run_sandbox


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """A sandbox with the default configuration, on an ephemeral port."""
    async with run_sandbox(SandboxConfig()) as sb:
        yield sb


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain client session (no SDK involved)."""
    async with aiohttp.ClientSession() as session:
        yield session
