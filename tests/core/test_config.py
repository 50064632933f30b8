"""Configuration (key, base URL, limits), redirects, and the connection pool's lifecycle."""

from __future__ import annotations

import gc
import warnings
from typing import Any

import aiohttp
import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.client import DEFAULT_BASE_URL
from bluejay_async.errors import (
    APIConnectionError,
    APIStatusError,
    ClientClosedError,
    ConfigurationError,
    InvalidRequestError,
    RedirectError,
)
from tests.core.conftest import API_KEY, MakeClient
from tests.scripted_server import Reply, ScriptedServer, scripted_server

RUNS = "/v1/get-simulation-runs/5"
OK_RUNS = Reply(json={"simulation_runs": []})
CREATE = "/v1/create-simulation"
OK_CREATE = Reply(json={"simulation_id": 1})


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLUEJAY_API_KEY", raising=False)
    monkeypatch.delenv("BLUEJAY_BASE_URL", raising=False)


# --- key and base URL ----------------------------------------------------------------------


async def test_key_and_base_url_from_the_environment(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLUEJAY_API_KEY", "env-key")
    monkeypatch.setenv("BLUEJAY_BASE_URL", server.url + "/")
    server.script("GET", RUNS, OK_RUNS)

    async with BluejayClient() as bj:
        assert bj.base_url == server.url
        await bj.runs.list(5)

    assert server.requests[0].headers["X-API-Key"] == "env-key"


async def test_arguments_win_over_the_environment(
    server: ScriptedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BLUEJAY_API_KEY", "env-key")
    monkeypatch.setenv("BLUEJAY_BASE_URL", "https://elsewhere.invalid")
    server.script("GET", RUNS, OK_RUNS)

    async with BluejayClient(api_key="arg-key", base_url=server.url) as bj:
        await bj.runs.list(5)

    assert server.requests[0].headers["X-API-Key"] == "arg-key"


def test_default_base_url() -> None:
    assert BluejayClient(api_key="k").base_url == DEFAULT_BASE_URL == "https://api.getbluejay.ai"


@pytest.mark.parametrize("key", [None, ""])
def test_missing_key_is_a_configuration_error(key: str | None) -> None:
    with pytest.raises(ConfigurationError, match="BLUEJAY_API_KEY"):
        BluejayClient(api_key=key)


def test_empty_key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLUEJAY_API_KEY", "")
    with pytest.raises(ConfigurationError):
        BluejayClient()


@pytest.mark.parametrize(
    "url",
    [
        "http://api.getbluejay.ai",
        "http://10.0.0.1:8080",
        "http://127.example.com",
        "http://127.0.0.1.nip.io",
        "http://localhost.example.com",
    ],
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match="plain http"):
        BluejayClient(api_key="k", base_url=url)
    assert BluejayClient(api_key="k", base_url=url, allow_insecure=True).base_url == url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080",
        "http://127.1.2.3",
        "http://localhost:1",
        "http://LOCALHOST",
        "http://[::1]:8080",
        "https://example.com",
    ],
)
def test_loopback_and_https_are_allowed(url: str) -> None:
    assert BluejayClient(api_key="k", base_url=url).base_url == url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/", "https://example.com"),
        ("https://example.com/api/v2//", "https://example.com/api/v2"),
    ],
)
def test_trailing_slashes_are_dropped(url: str, expected: str) -> None:
    assert BluejayClient(api_key="k", base_url=url).base_url == expected


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com", "example.com", "https://", "https://example.com?x=1", "https://e.com#f"],
)
def test_unusable_base_urls(url: str) -> None:
    with pytest.raises(ConfigurationError):
        BluejayClient(api_key="k", base_url=url)


async def test_base_url_with_a_path_prefix(server: ScriptedServer) -> None:
    server.script("GET", "/prefix" + RUNS, OK_RUNS)
    async with BluejayClient(api_key="k", base_url=server.url + "/prefix/") as bj:
        await bj.runs.list(5)
    assert server.requests[0].raw_path == "/prefix" + RUNS


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.getbluejay.ai/v1", "https://api.getbluejay.ai"),
        ("https://api.getbluejay.ai/v1/", "https://api.getbluejay.ai"),
        ("https://proxy.example/bluejay/v1", "https://proxy.example/bluejay"),
        ("https://proxy.example/v10", "https://proxy.example/v10"),
        ("https://proxy.example/v1x/", "https://proxy.example/v1x"),
    ],
)
def test_a_trailing_api_version_is_dropped(url: str, expected: str) -> None:
    assert BluejayClient(api_key="k", base_url=url).base_url == expected


async def test_a_base_url_copied_with_v1_reaches_the_routes(server: ScriptedServer) -> None:
    server.script("GET", RUNS, OK_RUNS)
    async with BluejayClient(api_key="k", base_url=server.url + "/v1") as bj:
        await bj.runs.list(5)
    assert server.requests[0].raw_path == RUNS


# --- limits -------------------------------------------------------------------------------


@pytest.mark.parametrize("timeout", [0, -1, "30", True, None, float("inf"), float("nan"), [1]])
def test_bad_timeouts(timeout: Any) -> None:
    with pytest.raises(InvalidRequestError, match="timeout") as info:
        BluejayClient(api_key="k", timeout=timeout)
    assert info.value.param == "timeout"


@pytest.mark.parametrize("max_connections", [0, -1, 1.5, True, "10", None])
def test_bad_max_connections(max_connections: Any) -> None:
    with pytest.raises(InvalidRequestError, match="max_connections"):
        BluejayClient(api_key="k", max_connections=max_connections)


@pytest.mark.parametrize("retry", ["3", 3, {"max_attempts": 1}])
def test_bad_retry(retry: Any) -> None:
    with pytest.raises(InvalidRequestError, match="RetryPolicy"):
        BluejayClient(api_key="k", retry=retry)
    with pytest.raises(InvalidRequestError, match="RetryPolicy"):
        BluejayClient(api_key="k").with_options(retry=retry)


def test_bad_with_options_timeout() -> None:
    with pytest.raises(InvalidRequestError, match="timeout"):
        BluejayClient(api_key="k").with_options(timeout=-2)


def test_accepted_settings() -> None:
    custom = aiohttp.ClientTimeout(total=None, sock_read=5)
    bj = BluejayClient(api_key="k", timeout=custom, max_connections=1, retry=RetryPolicy())
    assert bj._transport.timeout is custom
    assert BluejayClient(api_key="k", timeout=2).retry == RetryPolicy()
    assert BluejayClient(api_key="k", timeout=0.5)._transport.timeout.total == 0.5


# --- redirects ----------------------------------------------------------------------------


async def test_same_origin_redirect_is_followed_with_the_key(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("GET", RUNS, Reply(status=301, json={}, headers={"Location": "/v1/moved?from=5"}))
    server.script("GET", "/v1/moved", Reply(status=302, json={}, headers={"Location": "again"}))
    server.script("GET", "/v1/again", OK_RUNS)

    assert await bj.runs.list(5) == []

    assert [r.raw_path for r in server.requests] == [RUNS, "/v1/moved", "/v1/again"]
    assert server.requests[1].query == {"from": "5"}
    assert all(r.headers["X-API-Key"] == API_KEY for r in server.requests)


async def test_absolute_same_origin_redirect(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script(
        "GET", RUNS, Reply(status=308, json={}, headers={"Location": server.url + "/v1/new"})
    )
    server.script("GET", "/v1/new", OK_RUNS)

    assert await bj.runs.list(5) == []
    assert server.count("GET", "/v1/new") == 1


async def test_redirect_to_another_origin_is_refused(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    async with scripted_server() as elsewhere:
        elsewhere.script("GET", "/v1/x", OK_RUNS)
        server.script(
            "GET", RUNS, Reply(status=302, json={}, headers={"Location": elsewhere.url + "/v1/x"})
        )

        with pytest.raises(RedirectError, match="another origin") as info:
            await bj.runs.list(5)

        assert elsewhere.requests == []
    assert info.value.status_code == 302
    assert server.count("GET", RUNS) == 1  # not retried


@pytest.mark.parametrize("location", ["https://127.0.0.1/x", "//example.com/x"])
async def test_redirect_to_another_scheme_or_host_is_refused(
    server: ScriptedServer, bj: BluejayClient, location: str
) -> None:
    server.script("GET", RUNS, Reply(status=302, json={}, headers={"Location": location}))
    with pytest.raises(RedirectError, match="another origin"):
        await bj.runs.list(5)


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
async def test_a_redirected_post_is_not_followed(
    server: ScriptedServer, bj: BluejayClient, status: int
) -> None:
    server.script("POST", CREATE, Reply(status=status, json={}, headers={"Location": "/v1/x"}))
    server.script("POST", "/v1/x", OK_CREATE)
    server.script("GET", "/v1/x", OK_CREATE)

    with pytest.raises(RedirectError, match="not followed") as info:
        await bj.simulations.create("agent")

    assert info.value.status_code == status
    assert [(r.method, r.raw_path) for r in server.requests] == [("POST", CREATE)]


async def test_redirect_loop_gives_up(server: ScriptedServer, make_client: MakeClient) -> None:
    bj = make_client(retry=RetryPolicy(max_attempts=1))
    server.script("GET", RUNS, Reply(status=302, json={}, headers={"Location": RUNS}))

    with pytest.raises(APIConnectionError, match="too many redirects"):
        await bj.runs.list(5)

    assert server.count("GET", RUNS) == 6


# --- lifecycle ----------------------------------------------------------------------------


def test_client_can_be_built_outside_an_event_loop() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bj = BluejayClient(api_key="k")
        assert bj._transport._pool._session is None  # nothing is opened before the first call
        del bj
        gc.collect()


async def test_session_is_created_lazily_and_closed_by_async_with(
    server: ScriptedServer,
) -> None:
    server.script("GET", RUNS, OK_RUNS)
    async with BluejayClient(api_key="k", base_url=server.url) as bj:
        pool = bj._transport._pool
        assert pool._session is None
        await bj.runs.list(5)
        session = pool._session
        assert session is not None
        await bj.runs.list(5)
        assert pool._session is session  # one pooled session for every call
    assert session.closed
    assert bj._transport.closed


async def test_aclose_twice_and_use_after_close(server: ScriptedServer) -> None:
    server.script("GET", RUNS, OK_RUNS)
    bj = BluejayClient(api_key="k", base_url=server.url)
    await bj.runs.list(5)
    await bj.aclose()
    await bj.aclose()

    with pytest.raises(ClientClosedError, match="closed"):
        await bj.runs.list(5)
    assert server.count("GET", RUNS) == 1


async def test_closing_an_unused_client(server: ScriptedServer) -> None:
    bj = BluejayClient(api_key="k", base_url=server.url)
    await bj.aclose()
    with pytest.raises(ClientClosedError):
        await bj.results.retrieve(1)
    assert server.requests == []


async def test_bring_your_own_session_is_used_and_left_open(server: ScriptedServer) -> None:
    server.script("GET", RUNS, OK_RUNS)
    async with aiohttp.ClientSession(headers={"X-Tenant": "t1"}) as session:
        async with BluejayClient(api_key="k", base_url=server.url, session=session) as bj:
            await bj.runs.list(5)
        assert not session.closed
        async with session.get(server.url + RUNS) as resp:  # still usable
            assert resp.status == 200

    assert server.requests[0].headers["X-Tenant"] == "t1"
    assert server.requests[0].headers["X-API-Key"] == "k"


async def test_closed_client_with_its_own_session_refuses_calls(server: ScriptedServer) -> None:
    async with aiohttp.ClientSession() as session:
        bj = BluejayClient(api_key="k", base_url=server.url, session=session)
        await bj.aclose()
        with pytest.raises(ClientClosedError):
            await bj.runs.list(5)
        assert not session.closed
    assert server.requests == []


async def test_with_options_shares_the_pool_and_does_not_close_it(
    server: ScriptedServer, make_client: MakeClient
) -> None:
    server.script("GET", RUNS, Reply(status=503, json={}))
    bj = make_client()
    fast = bj.with_options(retry=RetryPolicy(max_attempts=1), timeout=5)

    assert fast._transport._pool is bj._transport._pool
    assert fast.retry == RetryPolicy(max_attempts=1)
    assert bj.retry.max_attempts == 3
    assert fast.base_url == bj.base_url
    assert fast._transport.timeout.total == 5
    assert bj._transport.timeout.total == 30

    with pytest.raises(APIStatusError):
        await fast.runs.list(5)
    assert server.count("GET", RUNS) == 1
    with pytest.raises(APIStatusError):
        await bj.runs.list(5)
    assert server.count("GET", RUNS) == 4

    async with fast:
        pass
    await fast.aclose()
    session = bj._transport._pool._session
    assert session is not None
    assert not session.closed
    with pytest.raises(APIStatusError):
        await bj.runs.list(5)  # the original still works

    await bj.aclose()
    assert session.closed
    with pytest.raises(ClientClosedError):
        await fast.runs.list(5)  # the copy shares the closed pool


async def test_with_options_without_arguments_keeps_the_settings() -> None:
    bj = BluejayClient(api_key="k", timeout=7, retry=RetryPolicy(max_attempts=2))
    copy = bj.with_options()
    assert copy.retry == bj.retry
    assert copy._transport.timeout == bj._transport.timeout
    await bj.aclose()


async def test_no_unclosed_session_warning(server: ScriptedServer) -> None:
    server.script("GET", RUNS, OK_RUNS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with BluejayClient(api_key="k", base_url=server.url) as bj:
            await bj.runs.list(5)
            copy = bj.with_options(timeout=3)
            await copy.runs.list(5)
        del bj, copy
        gc.collect()
    assert [str(w.message) for w in caught if "nclosed" in str(w.message)] == []


async def test_the_unclosed_session_check_would_notice_a_leak() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        leaked = aiohttp.ClientSession()
        del leaked
        gc.collect()
    assert any("nclosed client session" in str(w.message) for w in caught)


async def test_a_closed_session_of_yours_is_a_configuration_error(server: ScriptedServer) -> None:
    session = aiohttp.ClientSession()
    await session.close()
    async with BluejayClient(api_key="k", base_url=server.url, session=session) as bj:
        with pytest.raises(ConfigurationError, match="session given to the client"):
            await bj.runs.list(5)
    assert server.requests == []
