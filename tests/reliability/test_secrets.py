"""Secrets: the API key (or Cognigy token) never shows, and never goes anywhere but its origin.

Checked here: ``repr()``/``str()`` of clients, their copies, transports, resources and records;
every log record at DEBUG (the SDK's and aiohttp's) through a whole session of calls, errors
included; every exception (str, repr, args, attributes, the ``__cause__``/``__context__``
chain, the formatted traceback), including aiohttp's own errors for garbage HTTP, which carry
the request headers; redirects to another origin, which are refused before anything is sent
there; plain ``http://`` base URLs, refused unless loopback or ``allow_insecure=True``. The
fault matrix (``test_fault_matrix.py``) makes the same log and exception checks in each cell.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    NotFoundError,
    RedirectError,
)
from bluejay_async.sandbox import FAULT_PRESETS, run_sandbox
from cognigy_async import CognigyClient
from tests.reliability.harness import (
    BATCH_REF,
    CALLS,
    CANARY_KEY,
    PROJECT,
    SIMULATION_REF,
    assert_secret_free,
    clients_for,
    deliver,
    exception_texts,
    recording_logs,
    sandbox_config,
)
from tests.scripted_server import Reply, ScriptedServer, scripted_server

FAST = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.005, retry_after_max=2.0)


# --- repr ----------------------------------------------------------------------------------


@pytest.mark.parametrize("auth", ["token", "api_key"])
async def test_repr_of_clients_transports_resources_and_records(auth: str) -> None:
    async with (
        run_sandbox(sandbox_config()) as sb,
        clients_for(sb, retry=FAST, cognigy_auth=auth) as clients,
    ):
        records = [(await deliver(call, clients, sb)) for call in CALLS]
        shown: list[Any] = [clients.bj, clients.cg]
        shown += [c.with_options(timeout=1.0) for c in (clients.bj, clients.cg)]
        shown += [c._transport for c in shown]
        shown += [clients.bj.simulations, clients.bj.runs, clients.bj.results, clients.cg.runs]
        texts = [text for obj in shown for text in (repr(obj), str(obj), repr(_attributes(obj)))]
        texts += [repr(r) for r in records]
        assert all(r.error is None for r in records)
        assert_secret_free(texts)
        assert "Bearer" not in repr(clients.cg)


def _attributes(obj: Any) -> dict[str, Any]:
    """The ``__dict__`` of ``obj`` (empty for a slotted object, whose repr is checked)."""
    return dict(getattr(obj, "__dict__", {}))


# --- logs and exceptions through a whole session -------------------------------------------


async def _session_of_calls(bj: BluejayClient, cg: CognigyClient, sb: Any) -> list[APIError]:
    """Successes, 404s, faults of every preset: every error raised, for inspection."""
    errors: list[APIError] = []

    async def attempt(call: Callable[[], Awaitable[Any]]) -> None:
        try:
            await call()
        except APIError as exc:
            errors.append(exc)

    run_id = min(sb.state.runs)
    for preset in ("none", "flaky", "chaos"):
        sb.set_faults(FAULT_PRESETS[preset])
        for _ in range(5):
            await attempt(lambda: bj.runs.list(1))
            await attempt(lambda: bj.results.retrieve(run_id))
            await attempt(lambda: bj.results.retrieve("no-such-run"))
            await attempt(lambda: bj.simulations.create(agent_id="a", name="n"))
            await attempt(lambda: bj.results.update(min(sb.state.result_run), tags=["t"]))
            await attempt(lambda: cg.runs.list(SIMULATION_REF, BATCH_REF, limit=5))
        # A fixed window: the adaptive one paces the presets' random 429s down to seconds.
        async for outcome in bj.results.retrieve_many(sorted(sb.state.runs), adaptive=False):
            if outcome.error is not None:
                errors.append(outcome.error)
    sb.clear_faults()
    return errors


@pytest.mark.parametrize("auth", ["token", "api_key"])
async def test_key_is_in_no_log_record_and_no_exception(auth: str) -> None:
    with recording_logs() as logs:
        async with (
            run_sandbox(sandbox_config()) as sb,
            clients_for(sb, retry=FAST, cognigy_auth=auth) as clients,
        ):
            errors = await _session_of_calls(clients.bj, clients.cg, sb)
    assert any(isinstance(e, NotFoundError) for e in errors)
    assert any(isinstance(e, APIStatusError) and e.status_code >= 500 for e in errors)
    assert sum(logs.attempts().values()) >= 30
    assert_secret_free(logs.texts())
    for error in errors:
        assert_secret_free(exception_texts(error))


async def test_a_wrong_key_is_not_echoed_either() -> None:
    wrong = "bj-wrong-SECRET-0b9d4f"
    with recording_logs() as logs:
        async with (
            run_sandbox(sandbox_config()) as sb,
            BluejayClient(api_key=wrong, base_url=sb.bluejay_url, retry=FAST) as bj,
            CognigyClient(token=wrong, base_url=sb.cognigy_url, project_id=PROJECT) as cg,
        ):
            errors = []
            for call in (lambda: bj.runs.list(1), lambda: cg.runs.list("s", "b")):
                with pytest.raises(AuthenticationError) as caught:
                    await call()
                errors.append(caught.value)
    for error in errors:
        assert_secret_free(exception_texts(error), wrong)
    assert_secret_free(logs.texts(), wrong)


GARBAGE = [
    b"garbage\r\n\r\n",
    b"HTTP/1.1 999999 X\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd",
    b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70_000 + b"\r\n\r\n",
]


@asynccontextmanager
async def garbage_server(reply: bytes) -> AsyncIterator[str]:
    """A TCP server on 127.0.0.1 that answers every request with ``reply`` (not HTTP)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(reply)
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize("reply", GARBAGE, ids=lambda r: r[:24].decode(errors="replace"))
async def test_aiohttp_errors_carrying_request_headers_are_scrubbed(reply: bytes) -> None:
    """aiohttp's ``ClientResponseError`` shows the request's headers; it is the cause chained
    to the SDK's error, so the transport must remove the credentials from it."""
    async with (
        garbage_server(reply) as url,
        BluejayClient(api_key=CANARY_KEY, base_url=url, retry=RetryPolicy(max_attempts=1)) as bj,
        CognigyClient(token=CANARY_KEY, base_url=url, project_id=PROJECT, retry=FAST) as cg,
    ):
        for call in (lambda: bj.runs.list(1), lambda: cg.runs.list("s", "b")):
            with pytest.raises(APIConnectionError) as caught:
                await call()
            assert caught.value.__cause__ is not None
            assert_secret_free(exception_texts(caught.value))


# --- redirects -----------------------------------------------------------------------------

REDIRECTS = [301, 302, 303, 307, 308]


def _location(kind: str, origin: ScriptedServer, other: ScriptedServer) -> str:
    port = origin.url.rsplit(":", 1)[1]
    return {
        "other-port": f"{other.url}/v1/get-simulation-runs/1",
        "other-host-name": f"http://localhost:{port}/v1/get-simulation-runs/1",
        "other-scheme": f"https://127.0.0.1:{port}/v1/get-simulation-runs/1",
        "scheme-relative": f"//localhost:{port}/v1/get-simulation-runs/1",
    }[kind]


@pytest.mark.parametrize("status", REDIRECTS)
@pytest.mark.parametrize(
    "kind", ["other-port", "other-host-name", "other-scheme", "scheme-relative"]
)
async def test_redirect_to_another_origin_is_refused_without_sending(
    status: int, kind: str
) -> None:
    async with scripted_server() as origin, scripted_server() as other:
        target = _location(kind, origin, other)
        for path in ("/v1/get-simulation-runs/1", "/testing/simulations/s/batches/b/runs"):
            origin.script("GET", path, Reply(status=status, headers={"Location": target}))
        origin.script(
            "POST",
            "/v1/update-simulation-result",
            Reply(status=status, headers={"Location": target}),
        )
        async with (
            BluejayClient(api_key=CANARY_KEY, base_url=origin.url, retry=FAST) as bj,
            CognigyClient(
                token=CANARY_KEY, base_url=origin.url + "/testing", project_id=PROJECT, retry=FAST
            ) as cg,
        ):
            calls: list[Callable[[], Awaitable[Any]]] = [
                lambda: bj.runs.list(1),
                lambda: bj.results.update(1, tags=["t"]),
                lambda: cg.runs.list("s", "b"),
            ]
            for call in calls:
                with pytest.raises(RedirectError) as caught:
                    await call()
                assert caught.value.status_code == status
                # A redirected write is never followed at all; a read only within its origin.
                assert re.search("another origin|not followed", str(caught.value))
                assert_secret_free(exception_texts(caught.value))
        assert other.requests == []
        assert len(origin.requests) == len(calls)  # the redirect was not followed, not retried
        for seen in origin.requests:  # the origin itself did get the credentials
            assert CANARY_KEY in (seen.headers.get("X-API-Key", ""), _bearer(seen.headers))


def _bearer(headers: dict[str, str]) -> str:
    return headers.get("Authorization", "").removeprefix("Bearer ")


async def test_same_origin_redirect_is_followed_with_the_key() -> None:
    """The other side of the rule: a relative redirect stays on the origin and keeps working."""
    async with scripted_server() as origin:
        origin.script(
            "GET", "/v1/get-simulation-runs/1", Reply(status=307, headers={"Location": "/v1/x"})
        )
        origin.script("GET", "/v1/x", Reply(json={"simulation_runs": []}))
        async with BluejayClient(api_key=CANARY_KEY, base_url=origin.url, retry=FAST) as bj:
            assert await bj.runs.list(1) == []
        assert [s.raw_path for s in origin.requests] == ["/v1/get-simulation-runs/1", "/v1/x"]
        assert all(s.headers.get("X-API-Key") == CANARY_KEY for s in origin.requests)


async def test_same_origin_redirect_sends_the_query_of_the_location_only() -> None:
    """The Location of a redirect is the whole target: the first request's query parameters
    are not appended to it a second time."""
    seen: list[str] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        seen.append(request.path_qs)
        if request.path.endswith("/runs"):
            raise web.HTTPMovedPermanently(location=f"{request.path}/?{request.query_string}")
        page = {"limit": 5, "skip": 0, "total": 0, "hasNext": False, "hasPrevious": False}
        return web.json_response({"data": [], "pagination": page})

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{runner.addresses[0][1]}/testing"
        async with CognigyClient(token=CANARY_KEY, base_url=base, project_id="p") as cg:
            await cg.runs.list("s", "b", limit=5)
    finally:
        await runner.cleanup()
    query = "projectId=p&limit=5&skip=0"
    path = "/testing/simulations/s/batches/b/runs"
    assert seen == [f"{path}?{query}", f"{path}/?{query}"]


# --- plain http ----------------------------------------------------------------------------

INSECURE = [
    "http://api.getbluejay.ai",
    "http://example.com:8080/v1",
    "http://10.0.0.1",
    "http://192.168.1.10:8080",
    "http://0.0.0.0:8080",
    "http://[::2]",
    "http://[fe80::1]",
    "http://127.example.com",
    "http://localhost.example.com",
    "HTTP://EXAMPLE.COM",
]
LOOPBACK = [
    "http://127.0.0.1:8080",
    "http://127.5.6.7",
    "http://localhost:8080",
    "http://LOCALHOST",
    "http://[::1]:8080",
]


def _both_clients(base_url: str, **kwargs: Any) -> list[Any]:
    return [
        BluejayClient(api_key=CANARY_KEY, base_url=base_url, **kwargs),
        CognigyClient(token=CANARY_KEY, base_url=base_url, project_id=PROJECT, **kwargs),
    ]


@pytest.mark.parametrize("url", INSECURE)
async def test_plain_http_to_another_host_is_refused(url: str) -> None:
    for make in (
        lambda: BluejayClient(api_key=CANARY_KEY, base_url=url),
        lambda: CognigyClient(token=CANARY_KEY, base_url=url, project_id=PROJECT),
    ):
        with pytest.raises(ConfigurationError, match="allow_insecure") as caught:
            make()
        assert_secret_free(exception_texts(caught.value))
    bluejay, cognigy = _both_clients(url, allow_insecure=True)  # no I/O happens here
    # Bluejay's routes start with /v1, so its client drops a trailing /v1 from the base URL.
    assert bluejay.base_url == url.rstrip("/").removesuffix("/v1")
    assert cognigy.base_url == url.rstrip("/")
    for client in (bluejay, cognigy):
        await client.aclose()


@pytest.mark.parametrize("url", LOOPBACK)
async def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    for client in _both_clients(url):
        assert client.base_url == url
        await client.aclose()


UNPARSEABLE = [
    "http://evil.example\\@127.0.0.1",
    "http://127.0.0.1:99999",
    "http://[::1",
    "http://[::1]evil",
    "ftp://127.0.0.1",
    "http://",
    "127.0.0.1:8080",
]


@pytest.mark.parametrize("url", UNPARSEABLE)
def test_unusable_base_urls_are_refused_when_the_client_is_made(url: str) -> None:
    """Refused up front, as a ConfigurationError, never a bare ValueError at the first request,
    and never read by urllib as one host and by aiohttp as another."""
    for make in (
        lambda: BluejayClient(api_key=CANARY_KEY, base_url=url, allow_insecure=True),
        lambda: CognigyClient(token=CANARY_KEY, base_url=url, allow_insecure=True),
    ):
        with pytest.raises(ConfigurationError) as caught:
            make()
        assert_secret_free(exception_texts(caught.value))


@pytest.mark.parametrize("url", ["https://api.getbluejay.ai", "https://example.com:8443/x"])
async def test_https_needs_no_opt_in(url: str) -> None:
    for client in _both_clients(url):
        await client.aclose()
