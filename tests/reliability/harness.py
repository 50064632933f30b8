"""What the reliability tests share: the six SDK calls, the clients, the secret checks.

Every test here talks to the sandbox over real sockets on 127.0.0.1. The sandbox's API key is a
canary: a string distinctive enough that finding it in a log line, an exception or a ``repr()``
is never a coincidence.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
import traceback
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from typing import Any

import attrs

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core.bulk import Outcome
from bluejay_async.sandbox import Sandbox, SandboxConfig, run_sandbox
from cognigy_async import CognigyClient

CANARY_KEY = "bj-canary-SECRET-5f0c2e9a71d4"
"""The sandbox's API key (and Cognigy bearer token) in every reliability test."""

PROJECT = "p-reliability"
SIMULATION_REF = "sim-reliability"
BATCH_REF = "batch-reliability"
WALK_PAGE_SIZE = 100
BULK_IDS = 3


def sandbox_config(**overrides: Any) -> SandboxConfig:
    """The reliability sandbox: the canary key, 250 Cognigy runs per batch (3 pages of 100)."""
    options: dict[str, Any] = {"api_key": CANARY_KEY, "seed": 6, "cognigy_runs_per_batch": 250}
    options.update(overrides)
    return SandboxConfig(**options)


@attrs.frozen
class Clients:
    """A Bluejay and a Cognigy client of one sandbox."""

    bj: BluejayClient
    cg: CognigyClient


@asynccontextmanager
async def clients_for(
    sb: Sandbox, *, retry: RetryPolicy, timeout: float = 5.0, cognigy_auth: str = "token"
) -> AsyncIterator[Clients]:
    """Both clients of ``sb`` with ``retry``, closed on exit."""
    token, api_key = (sb.api_key, None) if cognigy_auth == "token" else (None, sb.api_key)
    async with AsyncExitStack() as stack:
        bj = await stack.enter_async_context(
            BluejayClient(api_key=sb.api_key, base_url=sb.bluejay_url, retry=retry, timeout=timeout)
        )
        cg = await stack.enter_async_context(
            CognigyClient(
                token=token,
                api_key=api_key,
                base_url=sb.cognigy_url,
                project_id=PROJECT,
                retry=retry,
                timeout=timeout,
            )
        )
        yield Clients(bj, cg)


@asynccontextmanager
async def sandbox_and_clients(
    *, retry: RetryPolicy, timeout: float = 5.0, **config: Any
) -> AsyncIterator[tuple[Sandbox, Clients]]:
    """A fresh sandbox and both clients of it."""
    async with (
        run_sandbox(sandbox_config(**config)) as sb,
        clients_for(sb, retry=retry, timeout=timeout) as clients,
    ):
        yield sb, clients


# --- the six calls -------------------------------------------------------------------------


@attrs.frozen
class Delivery:
    """What one call delivered: its record(s), or the error it raised."""

    value: Any = None
    error: BaseException | None = None
    outcomes: list[Outcome[Any, Any]] = attrs.Factory(list)
    """Bulk fetch: one outcome per id."""
    items: list[str] = attrs.Factory(list)
    """Cognigy walk: the ids of the runs yielded, in order."""


Runner = Callable[[Clients, Sandbox], Awaitable[Any]]


@attrs.frozen
class Call:
    """One SDK call of the matrix, and the sandbox route it hits."""

    name: str
    route: str
    write: bool
    run: Runner
    kind: str = "single"
    """``single``, ``bulk`` (one outcome per id) or ``walk`` (a Cognigy listing walk)."""

    def __str__(self) -> str:
        return self.name


def bulk_ids(sb: Sandbox) -> list[int]:
    """The run ids the bulk call fetches."""
    return sorted(sb.state.runs)[:BULK_IDS]


def result_id(sb: Sandbox) -> int:
    """The result the update call enriches."""
    return min(sb.state.result_run)


async def _create(c: Clients, sb: Sandbox) -> Any:
    return await c.bj.simulations.create(agent_id="agent-reliability", name="matrix")


async def _list_runs(c: Clients, sb: Sandbox) -> Any:
    return await c.bj.runs.list(1)


async def _retrieve(c: Clients, sb: Sandbox) -> Any:
    return await c.bj.results.retrieve(min(sb.state.runs))


async def _update(c: Clients, sb: Sandbox) -> Any:
    return await c.bj.results.update(result_id(sb), tags=["reliability"], metadata={"k": "v"})


async def _bulk(c: Clients, sb: Sandbox) -> list[Outcome[Any, Any]]:
    return [o async for o in c.bj.results.retrieve_many(bulk_ids(sb), concurrency=BULK_IDS)]


async def _walk(c: Clients, sb: Sandbox) -> list[str]:
    runs = c.cg.runs.iterate(SIMULATION_REF, BATCH_REF, page_size=WALK_PAGE_SIZE)
    return [run.id async for run in runs]


CALLS: tuple[Call, ...] = (
    Call("create", "create_simulation", True, _create),
    Call("runs.list", "get_simulation_runs", False, _list_runs),
    Call("results.retrieve", "retrieve_simulation_results", False, _retrieve),
    Call("results.update", "update_simulation_result", True, _update),
    Call("retrieve_many", "retrieve_simulation_results", False, _bulk, kind="bulk"),
    Call("cognigy.walk", "cognigy_runs", False, _walk, kind="walk"),
)


async def deliver(call: Call, clients: Clients, sb: Sandbox) -> Delivery:
    """Run ``call`` and say what it delivered; an :class:`Exception` is caught and returned."""
    try:
        value = await call.run(clients, sb)
    except Exception as exc:  # the matrix asserts which one
        return Delivery(error=exc)
    if call.kind == "bulk":
        return Delivery(outcomes=value)
    if call.kind == "walk":
        return Delivery(items=value)
    return Delivery(value=value)


async def settle(condition: Callable[[], bool], limit: float = 3.0) -> bool:
    """Let the loop run until ``condition`` holds (``limit`` seconds at most); whether it does."""
    stop = time.monotonic() + limit
    for _ in itertools.count():
        if condition() or time.monotonic() > stop:
            break
        await asyncio.sleep(0.005)
    return condition()


async def quiesce(sb: Sandbox, *, limit: float = 5.0) -> None:
    """Wait until the sandbox has finished every request it received (bounded)."""
    await settle(lambda: sum(sb.counters.requests.values()) == len(sb.request_log), limit)


@contextmanager
def loop_reports() -> Iterator[list[dict[str, Any]]]:
    """Collect what the running loop reports to its exception handler meanwhile (a task's
    exception never retrieved, an unclosed session or connector...)."""
    loop = asyncio.get_running_loop()
    reported: list[dict[str, Any]] = []
    previous = loop.get_exception_handler()
    loop.set_exception_handler(lambda _, context: reported.append(context))
    try:
        yield reported
    finally:
        loop.set_exception_handler(previous)


# --- attempts and secrets ------------------------------------------------------------------


class RecordingHandler(logging.Handler):
    """Keeps every log record (the SDK's and aiohttp's) while installed."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def attempts(self) -> Counter[str]:
        """Attempts logged per SDK logger (one DEBUG line per attempt)."""
        return Counter(
            r.name
            for r in self.records
            if r.name in ("bluejay_async", "cognigy_async") and r.levelno == logging.DEBUG
        )

    def texts(self) -> Iterator[str]:
        """Every record fully formatted, with its traceback when it has one."""
        for record in self.records:
            yield self.format(record)


@contextmanager
def recording_logs() -> Iterator[RecordingHandler]:
    """Record every log record at DEBUG, from every logger, while the block runs."""
    handler = RecordingHandler()
    root = logging.getLogger()
    sdk = [logging.getLogger(n) for n in ("bluejay_async", "cognigy_async")]
    saved = root.level, [lg.level for lg in sdk]
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for lg in sdk:
        lg.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
        root.setLevel(saved[0])
        for lg, level in zip(sdk, saved[1], strict=True):
            lg.setLevel(level)


def exception_texts(exc: BaseException) -> list[str]:
    """Every text an exception shows: str, repr, args, attributes, of it and its whole chain,
    and the formatted traceback."""
    texts = ["".join(traceback.format_exception(exc))]
    stack: list[BaseException] = [exc]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        texts += [repr(v) for v in getattr(current, "__dict__", {}).values()]
        stack += [e for e in (current.__cause__, current.__context__) if e is not None]
    return texts


def assert_secret_free(texts: Iterator[str] | list[str], secret: str = CANARY_KEY) -> None:
    """Fail if ``secret`` appears in any of ``texts``."""
    for text in texts:
        assert secret not in text, f"secret leaked in: {text[:300]}"
