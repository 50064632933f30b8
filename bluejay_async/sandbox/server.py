"""The sandbox object, the aiohttp application factory and the async context manager runner."""

from __future__ import annotations

import contextlib
import itertools
import uuid
from collections import deque
from collections.abc import AsyncIterator, Iterable

from aiohttp import web

from .bluejay_api import BluejayAPI
from .cognigy_api import CognigyAPI
from .cognigy_data import mix64
from .config import SandboxConfig
from .faults import FaultEngine, FaultRule, SandboxCounters
from .middleware import FaultMiddleware, RequestRecord
from .state import SandboxState

SANDBOX_KEY: web.AppKey[Sandbox] = web.AppKey("bluejay_sandbox")


class Sandbox:
    """A running (or ready-to-run) emulator of the Bluejay and Cognigy APIs."""

    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        self.state = SandboxState(self.config)
        """In-memory simulations, runs, results and Cognigy batches."""
        self.counters = SandboxCounters()
        """Requests, injected faults, applied writes and responses, counted."""
        self.request_log: deque[RequestRecord] = deque(maxlen=self.config.request_log_size)
        """The most recent requests, oldest first."""
        self.engine = FaultEngine(self.config.seed, self.config.faults)
        self._trace_ids = itertools.count()
        self._base_url: str | None = None

    @property
    def api_key(self) -> str:
        """The key (and Cognigy bearer token) the sandbox accepts."""
        return self.config.api_key

    @property
    def faults(self) -> tuple[FaultRule, ...]:
        """The active fault rules; replace them with :meth:`set_faults`."""
        return self.engine.rules

    def set_faults(self, rules: Iterable[FaultRule]) -> None:
        """Replace the active fault rules (their counts and random streams restart)."""
        self.engine.set_rules(rules)

    def clear_faults(self) -> None:
        """Remove every fault rule."""
        self.engine.set_rules(())

    @property
    def base_url(self) -> str:
        """``http://host:port`` of the running server."""
        if self._base_url is None:
            raise RuntimeError("the sandbox is not serving yet")
        return self._base_url

    @property
    def bluejay_url(self) -> str:
        """Bluejay base URL (routes are ``/v1/...`` below it)."""
        return self.base_url

    @property
    def cognigy_url(self) -> str:
        """Cognigy base URL (``.../testing``)."""
        return f"{self.base_url}/testing"

    def bind(self, host: str, port: int) -> None:
        """Record where the server listens (done by :func:`run_sandbox` and the CLI)."""
        shown = f"[{host}]" if ":" in host else host
        self._base_url = f"http://{shown}:{port}"

    def trace_id(self) -> str:
        """A fresh, seed-reproducible trace id for a Cognigy error body."""
        n = next(self._trace_ids)
        high = mix64(self.config.seed * 1_000_003 + n)
        return str(uuid.UUID(int=high << 64 | mix64(high), version=4))


def build_app(config: SandboxConfig | None = None) -> tuple[web.Application, Sandbox]:
    """The aiohttp application serving both APIs, and the sandbox it is bound to."""
    sandbox = Sandbox(config)
    if sandbox.config.warm:
        sandbox.state.warm()
    app = web.Application(middlewares=[FaultMiddleware(sandbox)])
    app[SANDBOX_KEY] = sandbox
    BluejayAPI(sandbox).add_routes(app)
    CognigyAPI(sandbox).add_routes(app)
    return app, sandbox


async def start_site(app: web.Application, sandbox: Sandbox, host: str, port: int) -> web.AppRunner:
    """Set up and start a runner for ``app`` on ``host:port``; binds ``sandbox`` to it."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    bound_host, bound_port = runner.addresses[0][:2]
    sandbox.bind(str(bound_host), int(bound_port))
    return runner


@contextlib.asynccontextmanager
async def run_sandbox(config: SandboxConfig | None = None) -> AsyncIterator[Sandbox]:
    """Serve a sandbox on ``config.host:config.port`` (default 127.0.0.1, ephemeral port).

    ::

        async with run_sandbox(SandboxConfig(seed=1)) as sb:
            ...  # sb.bluejay_url, sb.cognigy_url, sb.api_key, sb.state, sb.counters
    """
    app, sandbox = build_app(config)
    runner = await start_site(app, sandbox, sandbox.config.host, sandbox.config.port)
    try:
        yield sandbox
    finally:
        await runner.cleanup()
