"""Fixtures of the command line tests: a sandbox served in the test's own event loop."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bluejay_async.sandbox import Sandbox, SandboxConfig, run_sandbox


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    """The default sandbox on an ephemeral port; the CLI subprocess reaches it over HTTP."""
    async with run_sandbox(SandboxConfig()) as sb:
        yield sb
