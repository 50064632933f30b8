"""The fault matrix: every fault the sandbox injects, against every SDK call, over real sockets.

For each cell the test asserts the documented outcome (recovered within the retry policy, or
the documented error), the exact number of attempts (counted twice: by the sandbox per route,
and by the SDK's one DEBUG line per attempt), the sandbox's write counter (a create or update
is applied exactly once or not at all, never twice), and that the API key appears in no log
record and no exception.

The retry rule under test (``bluejay_async.core.retry.should_retry``): GETs are retried on
connection errors, timeouts, 408, 429 and 5xx; a POST only where the server cannot have acted
(connection never established, 429) unless ``retry_non_idempotent=True``; a ``Retry-After``
beyond ``retry_after_max`` is not waited for; a 2xx body that is not JSON at all (cut off in
transit) is retried like a dropped connection, for GETs only.
"""

from __future__ import annotations

import asyncio
import socket
from collections import Counter
from typing import Any

import attrs
import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core.retry import ConnectionNotEstablished
from bluejay_async.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
)
from bluejay_async.models import ResultUpdated, SimulationCreated, SimulationResults
from bluejay_async.sandbox import FaultRule, Sandbox, run_sandbox
from cognigy_async import CognigyClient
from tests.reliability.harness import (
    BULK_IDS,
    CALLS,
    PROJECT,
    Call,
    Clients,
    Delivery,
    assert_secret_free,
    bulk_ids,
    deliver,
    exception_texts,
    quiesce,
    recording_logs,
    sandbox_and_clients,
    sandbox_config,
)

MAX_ATTEMPTS = 3
TIMES = 2
"""A transient fault hits the first two attempts; the third (the last allowed) gets through."""
WALK_PAGES = 3
"""250 Cognigy runs in pages of 100."""
WALK_RUNS = 250
RETRY_AFTER_MAX = 2.0
TIMEOUT = 5.0
SHORT_TIMEOUT = 0.2
"""Per-attempt timeout of the latency cells, whose injected delay is twice as long."""
LATENCY = 0.4

POLICY = RetryPolicy(
    max_attempts=MAX_ATTEMPTS,
    backoff_base=0.001,
    backoff_max=0.005,
    retry_after_max=RETRY_AFTER_MAX,
)

SINGLE_RECORD: dict[str, type] = {
    "create": SimulationCreated,
    "runs.list": list,
    "results.retrieve": SimulationResults,
    "results.update": ResultUpdated,
}


@attrs.frozen
class Fault:
    """One row of the matrix: a fault and the outcome the SDK documents for it."""

    id: str
    kind: str
    options: dict[str, Any] = attrs.Factory(dict)
    persistent: bool = False
    """Hits every attempt (else the first ``TIMES``)."""
    read_error: type[APIError] | None = None
    """What a GET ends with; ``None``: recovered within the policy."""
    write_error: type[APIError] | None = None
    """What a POST ends with; ``None``: recovered within the policy."""
    applied: int | None = 0
    """Writes applied when the POST fails; ``None``: the server may or may not have acted."""

    def rule(self, route: str) -> FaultRule:
        return FaultRule(
            self.kind,  # type: ignore[arg-type]
            route,
            times=None if self.persistent else TIMES,
            **self.options,
        )

    @property
    def timeout(self) -> float:
        return SHORT_TIMEOUT if self.kind == "latency" else TIMEOUT

    def __str__(self) -> str:
        return self.id


def _status_faults() -> list[Fault]:
    return [
        Fault(
            f"{status}-{'html' if html else 'json'}",
            "status",
            {"status": status, "html": html},
            write_error=ServerError,
        )
        for status in (500, 502, 503, 504)
        for html in (False, True)
    ]


FAULTS: tuple[Fault, ...] = (
    Fault("429-no-retry-after", "status", {"status": 429}),
    Fault("429-retry-after-0", "status", {"status": 429, "retry_after": 0}),
    Fault(
        "429-retry-after-http-date",
        "status",
        {"status": 429, "retry_after": 0, "retry_after_http_date": True},
    ),
    Fault(
        "429-retry-after-beyond-max",
        "status",
        {"status": 429, "retry_after": 30},
        read_error=RateLimitError,
        write_error=RateLimitError,
    ),
    *_status_faults(),
    Fault("drop-before-handler", "drop_before", write_error=APIConnectionError),
    Fault("drop-after-handler", "drop_after", write_error=APIConnectionError, applied=1),
    Fault(
        "latency-beyond-timeout",
        "latency",
        {"delay": LATENCY},
        write_error=APITimeoutError,
        applied=None,
    ),
    Fault("truncated-body", "truncate", write_error=APIConnectionError, applied=1),
    # A complete response whose JSON is cut off: a GET is retried like a cut-off body, a POST
    # (the server has acted) surfaces the error.
    Fault(
        "truncated-json-complete-response",
        "truncate",
        {"broken_json": True},
        write_error=ResponseDecodeError,
        applied=1,
    ),
    Fault(
        "503-every-attempt",
        "status",
        {"status": 503},
        persistent=True,
        read_error=ServerError,
        write_error=ServerError,
    ),
    Fault(
        "latency-every-attempt",
        "latency",
        {"delay": LATENCY},
        persistent=True,
        read_error=APITimeoutError,
        write_error=APITimeoutError,
        applied=None,
    ),
)


def expected_error(fault: Fault, call: Call) -> type[APIError] | None:
    return fault.write_error if call.write else fault.read_error


def expected_requests(fault: Fault, call: Call) -> int:
    """Attempts the call makes: the first plus every retry the policy allows."""
    error = expected_error(fault, call)
    units = {"single": 1, "bulk": BULK_IDS, "walk": WALK_PAGES}[call.kind]
    if error is None:
        return units + TIMES  # the faulted attempts, then one good attempt per unit
    if call.write:
        return 1  # a failed POST is never retried unless the caller opts in
    if fault.persistent:
        return (BULK_IDS if call.kind == "bulk" else 1) * MAX_ATTEMPTS
    return units if call.kind == "bulk" else 1  # not retryable: each unit fails at once


def expected_faults(fault: Fault, call: Call, requests: int) -> int:
    """Attempts the fault hit."""
    if expected_error(fault, call) is None:
        return TIMES
    if fault.persistent:
        return requests
    return min(TIMES, requests)


def check_error(error: BaseException, expected: type[APIError], fault: Fault) -> None:
    assert isinstance(error, expected), repr(error)
    if expected is APIConnectionError:  # a dropped or cut-off connection, not a refused one
        assert not isinstance(error, (ConnectionNotEstablished, APITimeoutError))
    if isinstance(error, APIStatusError):
        assert error.status_code == fault.options["status"]
        if fault.options.get("html"):
            assert isinstance(error.body, str)
            assert error.body.lstrip().lower().startswith("<")
        else:
            assert isinstance(error.body, dict)
    if isinstance(error, RateLimitError) and "retry_after" in fault.options:
        assert error.retry_after == fault.options["retry_after"]
    if isinstance(error, ResponseDecodeError):  # cut off in transit, not a schema mismatch
        assert error.malformed
        assert error.path is None


def check_delivery(got: Delivery, fault: Fault, call: Call, sb: Sandbox) -> None:
    expected = expected_error(fault, call)
    if call.kind == "bulk":
        assert got.error is None
        keys = Counter(o.key for o in got.outcomes)
        assert keys == Counter(bulk_ids(sb)), "every id is delivered exactly once"
        errors = [o.error for o in got.outcomes if o.error is not None]
        if expected is None:
            assert errors == []
            assert all(isinstance(o.value, SimulationResults) for o in got.outcomes)
        else:
            assert len(errors) == (BULK_IDS if fault.persistent else min(TIMES, BULK_IDS))
            for error in errors:
                check_error(error, expected, fault)
        return
    if expected is None:
        assert got.error is None, repr(got.error)
        if call.kind == "walk":
            assert len(got.items) == len(set(got.items)) == WALK_RUNS
        else:
            assert isinstance(got.value, SINGLE_RECORD[call.name])
        return
    assert got.error is not None, f"expected {expected.__name__}"
    check_error(got.error, expected, fault)
    if call.kind == "walk":
        assert got.items == []
        assert isinstance(got.error, APIStatusError) is ("status" in fault.options)
        if isinstance(got.error, APIStatusError) and not fault.options.get("html"):
            assert got.error.trace_id  # the Cognigy error body's traceId


def check_writes(sb: Sandbox, fault: Fault, call: Call, *, recovered: bool) -> None:
    writes = sb.counters.writes
    if not call.write:
        assert sum(writes.values()) == 0
        return
    applied = writes[call.route]
    if recovered:
        assert applied == 1
    elif fault.applied is None:
        assert applied <= 1
    else:
        assert applied == fault.applied


@pytest.mark.parametrize("call", CALLS, ids=str)
@pytest.mark.parametrize("fault", FAULTS, ids=str)
async def test_fault_matrix(fault: Fault, call: Call) -> None:
    with recording_logs() as logs:
        async with sandbox_and_clients(retry=POLICY, timeout=fault.timeout) as (sb, clients):
            sb.set_faults([fault.rule(call.route)])
            got = await deliver(call, clients, sb)
            await quiesce(sb)
            check_delivery(got, fault, call, sb)
            requests = expected_requests(fault, call)
            assert sb.counters.requests == Counter({call.route: requests})
            assert sb.counters.faults == Counter(
                {(call.route, fault.kind): expected_faults(fault, call, requests)}
            )
            check_writes(sb, fault, call, recovered=expected_error(fault, call) is None)
    logger = "cognigy_async" if call.kind == "walk" else "bluejay_async"
    assert logs.attempts() == Counter({logger: requests})
    assert_secret_free(logs.texts())
    errors = [got.error] + [o.error for o in got.outcomes]
    for error in errors:
        if error is not None:
            assert_secret_free(exception_texts(error))


# --- a token-bucket rate limit -------------------------------------------------------------


@pytest.mark.parametrize("call", CALLS, ids=str)
async def test_token_bucket_rate_limit_recovers(call: Call) -> None:
    """A bucket of 2 tokens (2/s): the third request meets a 429 with ``Retry-After: 1``,
    waits it out and gets through; a write is applied once per call."""
    policy = attrs.evolve(POLICY, max_attempts=4)
    with recording_logs() as logs:
        async with sandbox_and_clients(retry=policy) as (sb, clients):
            sb.set_faults([FaultRule("rate_limit", call.route, rate=2.0, burst=2.0)])
            calls = 1 if call.kind != "single" else 3
            got = await asyncio.gather(*(deliver(call, clients, sb) for _ in range(calls)))
            await quiesce(sb)
            throttled = sb.counters.faults[(call.route, "rate_limit")]
            units = {"single": 3, "bulk": BULK_IDS, "walk": WALK_PAGES}[call.kind]
            assert throttled >= 1
            assert sb.counters.requests[call.route] == units + throttled
            assert sb.counters.responses[(call.route, 429)] == throttled
            for delivery in got:
                assert delivery.error is None, repr(delivery.error)
                assert all(o.ok for o in delivery.outcomes)
            if call.kind == "bulk":
                assert Counter(o.key for o in got[0].outcomes) == Counter(bulk_ids(sb))
            if call.kind == "walk":
                assert len(set(got[0].items)) == WALK_RUNS
            assert sb.counters.writes[call.route] == (calls if call.write else 0)
            if call.kind != "single":  # attempts per id, per page
                per_unit = Counter(r.raw_path for r in sb.request_log)
                assert len(per_unit) == units
                assert max(per_unit.values()) <= policy.max_attempts
    assert_secret_free(logs.texts())


# --- writes when the caller opts in to retrying them ---------------------------------------

WRITES = tuple(c for c in CALLS if c.write)


@pytest.mark.parametrize("call", WRITES, ids=str)
async def test_opted_in_write_retry_recovers_from_5xx_once_applied(call: Call) -> None:
    """``retry_non_idempotent=True``: a 503 the handler never saw is retried; applied once."""
    policy = attrs.evolve(POLICY, retry_non_idempotent=True)
    async with sandbox_and_clients(retry=policy) as (sb, clients):
        sb.set_faults([FaultRule("status", call.route, status=503, times=TIMES)])
        got = await deliver(call, clients, sb)
        await quiesce(sb)
        assert got.error is None
        assert sb.counters.requests[call.route] == TIMES + 1
        assert sb.counters.writes[call.route] == 1


@pytest.mark.parametrize("call", WRITES, ids=str)
async def test_opted_in_write_retry_after_a_lost_answer_applies_twice(call: Call) -> None:
    """The documented cost of the opt-in: a write applied and then lost is applied again.

    The default policy raises instead (the ``drop-after-handler`` row of the matrix).
    """
    policy = attrs.evolve(POLICY, retry_non_idempotent=True)
    async with sandbox_and_clients(retry=policy) as (sb, clients):
        sb.set_faults([FaultRule("drop_after", call.route, times=1)])
        got = await deliver(call, clients, sb)
        await quiesce(sb)
        assert got.error is None
        assert sb.counters.writes[call.route] == 2


# --- nothing listening ---------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.mark.parametrize("call", CALLS, ids=str)
async def test_connection_refused_is_retried_for_every_method(call: Call) -> None:
    """A refused connection never reached a server: retried up to max_attempts, POST too."""
    base = f"http://127.0.0.1:{_closed_port()}"
    with recording_logs() as logs:
        async with (
            run_sandbox(sandbox_config()) as sb,
            BluejayClient(api_key=sb.api_key, base_url=base, retry=POLICY) as bj,
            CognigyClient(
                token=sb.api_key, base_url=base + "/testing", project_id=PROJECT, retry=POLICY
            ) as cg,
        ):
            got = await deliver(call, Clients(bj, cg), sb)
    errors = [got.error] if call.kind != "bulk" else [o.error for o in got.outcomes]
    assert len(errors) == (BULK_IDS if call.kind == "bulk" else 1)
    for error in errors:
        assert isinstance(error, ConnectionNotEstablished), repr(error)
        assert_secret_free(exception_texts(error))
    logger = "cognigy_async" if call.kind == "walk" else "bluejay_async"
    assert logs.attempts() == Counter({logger: len(errors) * MAX_ATTEMPTS})
    assert_secret_free(logs.texts())
