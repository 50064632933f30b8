"""Fixtures of the Cognigy tests: sandboxes on 127.0.0.1 and clients bound to them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from bluejay_async import RetryPolicy
from bluejay_async.sandbox import Sandbox, SandboxConfig, run_sandbox
from cognigy_async import CognigyClient

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base=0.001, backoff_max=0.01)

SandboxFactory = Callable[..., Awaitable[Sandbox]]


@pytest.fixture(autouse=True)
def _no_cognigy_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("COGNIGY_TOKEN", "COGNIGY_API_KEY", "COGNIGY_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def start_sandbox() -> AsyncIterator[SandboxFactory]:
    """``await start_sandbox(**SandboxConfig fields)``: a sandbox stopped after the test."""
    async with AsyncExitStack() as stack:

        async def start(**config: Any) -> Sandbox:
            return await stack.enter_async_context(run_sandbox(SandboxConfig(**config)))

        yield start


@pytest.fixture
async def sandbox(start_sandbox: SandboxFactory) -> Sandbox:
    """250 runs per batch, pages capped at 100, cursors on."""
    return await start_sandbox(cognigy_runs_per_batch=250)


def client_for(sb: Sandbox, **kwargs: Any) -> CognigyClient:
    """A client of ``sb`` with project ``p1`` and fast retries (override with kwargs)."""
    options: dict[str, Any] = {
        "token": sb.api_key,
        "base_url": sb.cognigy_url,
        "project_id": "p1",
        "retry": FAST_RETRY,
    }
    options.update(kwargs)
    if "api_key" in kwargs:
        options.pop("token")
    return CognigyClient(**options)


@pytest.fixture
async def cg(sandbox: Sandbox) -> AsyncIterator[CognigyClient]:
    async with client_for(sandbox) as client:
        yield client


def queries(sb: Sandbox) -> list[dict[str, str]]:
    """The query parameters of every runs request the sandbox received, in order."""
    return [
        dict(parse_qsl(urlsplit(r.raw_path).query))
        for r in sb.request_log
        if r.route == "cognigy_runs"
    ]
