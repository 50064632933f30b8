"""The sandbox object, the aiohttp application factory and the async context manager runner.

The :class:`Sandbox` owns the parts (state, counters, fault engine, request log, trace ids);
:func:`build_app` hands each handler and the middleware only the parts it uses.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import AsyncIterator, Iterable

from aiohttp import web

from .bluejay_api import BluejayAPI
from .clock import Clock
from .cognigy_api import CognigyAPI
from .config import SandboxConfig
from .errors import TraceIds
from .faults import FaultEngine, FaultRule, SandboxCounters
from .middleware import FaultMiddleware, RequestRecord
from .state import SandboxState


class Sandbox:
    """A running (or ready-to-run) emulator of the Bluejay and Cognigy APIs.

    ``clock`` (default: the system clock) is what queued runs progress against; pass a
    :class:`~bluejay_async.sandbox.ManualClock` to move time by hand in tests.
    """

    def __init__(self, config: SandboxConfig | None = None, *, clock: Clock | None = None) -> None:
        self.config = config or SandboxConfig()
        self.state = SandboxState(self.config, clock)
        """In-memory simulations, runs, results and Cognigy batches."""
        self.counters = SandboxCounters()
        """Requests, injected faults, applied writes and responses, counted."""
        self.request_log: deque[RequestRecord] = deque(maxlen=self.config.request_log_size)
        """The most recent requests, oldest first."""
        self.engine = FaultEngine(self.config.seed, self.config.faults)
        self.trace_ids = TraceIds(self.config.seed)
        """Seed-reproducible trace ids for Cognigy error bodies."""
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
        return self.trace_ids()


def build_app(
    config: SandboxConfig | None = None, *, clock: Clock | None = None
) -> tuple[web.Application, Sandbox]:
    """The aiohttp application serving both APIs, and the sandbox it is bound to."""
    sandbox = Sandbox(config, clock=clock)
    config = sandbox.config
    if config.warm:
        sandbox.state.warm()
    middleware = FaultMiddleware(
        sandbox.engine, sandbox.counters, sandbox.request_log, sandbox.trace_ids, config.latency
    )
    app = web.Application(middlewares=[middleware])
    BluejayAPI(sandbox.state, sandbox.counters, config.api_key).add_routes(app)
    CognigyAPI(sandbox.state.cognigy, config, sandbox.trace_ids).add_routes(app)
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
async def run_sandbox(
    config: SandboxConfig | None = None, *, clock: Clock | None = None
) -> AsyncIterator[Sandbox]:
    """Serve a sandbox on ``config.host:config.port`` (default 127.0.0.1, ephemeral port).

    ::

        async with run_sandbox(SandboxConfig(seed=1)) as sb:
            ...  # sb.bluejay_url, sb.cognigy_url, sb.api_key, sb.state, sb.counters
    """
    app, sandbox = build_app(config, clock=clock)
    runner = await start_site(app, sandbox, sandbox.config.host, sandbox.config.port)
    try:
        yield sandbox
    finally:
        await runner.cleanup()
