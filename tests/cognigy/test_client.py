"""``CognigyClient``: configuration, both auth modes, lifecycle, error bodies and redaction."""

from __future__ import annotations

import logging
from typing import TypedDict

import aiohttp
import pytest

from bluejay_async import RetryPolicy
from bluejay_async.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    InvalidRequestError,
    PermissionDeniedError,
    RateLimitError,
)
from bluejay_async.sandbox import FaultRule, Sandbox
from cognigy_async import CognigyClient
from cognigy_async.client import DEFAULT_BASE_URL
from tests.cognigy.conftest import client_for, queries
from tests.scripted_server import Reply, ScriptedServer

SECRET = "s3cr3t-t0ken-value"
EMPTY_PAGE = {
    "data": [],
    "pagination": {"limit": 20, "skip": 0, "total": 0, "hasNext": False, "hasPrevious": False},
}
RUNS_PATH = "/testing/simulations/s/batches/b/runs"


class Credentials(TypedDict, total=False):
    """One of the client's two auth modes, as keyword arguments."""

    token: str
    api_key: str


# --- configuration ---------------------------------------------------------------------------


def test_no_credentials_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="COGNIGY_TOKEN or COGNIGY_API_KEY"):
        CognigyClient()


def test_both_credentials_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        CognigyClient(api_key="k", token="t")


@pytest.mark.parametrize("bad", ["", "   ", " padded", "two\nlines"])
def test_unusable_credentials_are_refused_without_being_echoed(bad: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        CognigyClient(token=bad)
    assert bad.strip() == "" or bad.strip() not in str(info.value)


def test_environment_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COGNIGY_API_KEY", "from-env")
    client = CognigyClient()
    assert client.auth == "api_key"
    assert client.base_url == DEFAULT_BASE_URL
    monkeypatch.setenv("COGNIGY_TOKEN", "jwt-from-env")
    monkeypatch.setenv("COGNIGY_BASE_URL", "https://cognigy.example.com/testing/")
    client = CognigyClient()
    assert client.auth == "bearer"  # the token is preferred over the key
    assert client.base_url == "https://cognigy.example.com/testing"
    assert CognigyClient(api_key="explicit").auth == "api_key"  # an argument beats the env


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        CognigyClient(token="t", base_url="http://cognigy.example.com")  # credentials over http
    with pytest.raises(InvalidRequestError):
        CognigyClient(token="t", project_id="")
    with pytest.raises(InvalidRequestError):
        CognigyClient(token="t", timeout=0)
    with pytest.raises(InvalidRequestError):
        CognigyClient(token="t", max_connections=0)
    client = CognigyClient(token="t", base_url="http://cognigy.internal", allow_insecure=True)
    assert client.base_url == "http://cognigy.internal"


def test_repr_never_shows_the_secret() -> None:
    client = CognigyClient(token=SECRET, project_id="p1")
    assert SECRET not in repr(client)
    assert SECRET not in repr(client._transport)
    assert repr(client) == (
        f"CognigyClient(base_url={DEFAULT_BASE_URL!r}, auth='bearer', project_id='p1')"
    )


# --- auth modes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "header", "value", "absent"),
    [
        ({"token": SECRET}, "Authorization", f"Bearer {SECRET}", "X-API-Key"),
        ({"api_key": SECRET}, "X-API-Key", SECRET, "Authorization"),
    ],
)
async def test_auth_headers(
    server: ScriptedServer, kwargs: Credentials, header: str, value: str, absent: str
) -> None:
    server.script("GET", RUNS_PATH, Reply(json=EMPTY_PAGE))
    async with CognigyClient(base_url=server.url + "/testing", project_id="p", **kwargs) as cg:
        page = await cg.runs.list("s", "b")
    assert page.data == []
    [seen] = server.requests
    assert seen.headers[header] == value
    assert absent not in seen.headers
    assert seen.query == {"projectId": "p", "limit": "20", "skip": "0"}


@pytest.mark.parametrize("mode", ["token", "api_key"])
async def test_both_auth_modes_against_the_sandbox(sandbox: Sandbox, mode: str) -> None:
    async with client_for(sandbox, **{mode: sandbox.api_key}) as cg:
        page = await cg.runs.list("s", "b", limit=3)
    assert len(page.data) == 3


@pytest.mark.parametrize("mode", ["token", "api_key"])
async def test_wrong_credentials_raise_authentication_error_with_trace_id(
    sandbox: Sandbox, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="cognigy_async")
    async with client_for(sandbox, **{mode: SECRET}) as cg:
        with pytest.raises(AuthenticationError) as info:
            await cg.runs.list("s", "b")
    error = info.value
    assert error.status_code == 401
    assert error.code == "UNAUTHORIZED"
    assert error.trace_id
    assert f"(trace id {error.trace_id})" in str(error)
    assert len(queries(sandbox)) == 1  # 401 is not retried
    for text in (str(error), repr(error), repr(error.body), repr(error.headers), caplog.text):
        assert SECRET not in text
    assert "GET /testing/simulations/s/batches/b/runs -> 401" in caplog.text


# --- error bodies ----------------------------------------------------------------------------


async def test_a_400_names_field_code_and_trace_id(cg: CognigyClient) -> None:
    with pytest.raises(BadRequestError) as info:
        await cg.runs.list("s", "b", sort="bogus:sideways")
    error = info.value
    assert error.field == "sort"
    assert error.code == "VALIDATION_ERROR"
    assert error.trace_id
    assert isinstance(error.body, dict)
    assert error.body["traceId"] == error.trace_id
    assert "Invalid sort" in str(error)
    assert str(error).endswith(f"(trace id {error.trace_id})")


async def test_a_forged_cursor_is_a_400_on_next(cg: CognigyClient) -> None:
    with pytest.raises(BadRequestError) as info:
        await cg.runs.list("s", "b", cursor="forged")
    assert info.value.field == "next"
    with pytest.raises(BadRequestError) as info:
        async for _ in cg.runs.iterate("s", "b", cursor="forged", backward=True):
            pass
    assert info.value.field == "previous"


@pytest.mark.parametrize(
    ("status", "error_class"), [(403, PermissionDeniedError), (429, RateLimitError)]
)
async def test_other_statuses_carry_code_and_trace_id(
    sandbox: Sandbox, status: int, error_class: type[APIStatusError]
) -> None:
    sandbox.set_faults([FaultRule("status", "cognigy_runs", status=status, retry_after=0)])
    async with client_for(sandbox, retry=RetryPolicy(max_attempts=1)) as cg:
        with pytest.raises(error_class) as info:
            await cg.runs.list("s", "b")
    error = info.value
    assert error.status_code == status
    assert error.code
    assert error.trace_id
    assert error.trace_id in str(error)


# --- lifecycle -------------------------------------------------------------------------------


async def test_with_options_shares_the_pool_and_keeps_the_project(sandbox: Sandbox) -> None:
    async with client_for(sandbox) as cg:
        quick = cg.with_options(timeout=5.0, retry=RetryPolicy(max_attempts=1))
        assert quick.retry.max_attempts == 1
        assert quick.project_id == "p1"
        assert quick.auth == "bearer"
        await quick.runs.list("s", "b", limit=1)
        await quick.aclose()  # a no-op: the original owns the pool
        await cg.runs.list("s", "b", limit=1)
        assert quick._transport._pool is cg._transport._pool
    with pytest.raises(ClientClosedError, match="closed"):
        await cg.runs.list("s", "b")


async def test_a_session_of_the_caller_is_not_closed(sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as session:
        async with client_for(sandbox, session=session) as cg:
            await cg.runs.list("s", "b", limit=1)
        assert not session.closed


async def test_timeouts_apply_per_attempt(start_sandbox: object) -> None:
    from bluejay_async.errors import APITimeoutError

    sb = await start_sandbox(latency=0.5)  # type: ignore[operator]
    async with client_for(sb, timeout=0.1, retry=RetryPolicy(max_attempts=2, backoff_base=0)) as cg:
        with pytest.raises(APITimeoutError):
            await cg.runs.list("s", "b")
    assert sb.counters.requests["cognigy_runs"] == 2  # a timeout is retried


async def test_pages_trims_a_page_larger_than_max_items(server: ScriptedServer) -> None:
    from tests.cognigy.fake_listing import run_json

    body = {
        "data": [run_json(i) for i in range(10)],  # the server ignores limit
        "pagination": {"limit": 3, "skip": 0, "total": 50, "hasNext": True, "hasPrevious": False},
    }
    server.script("GET", RUNS_PATH, Reply(json=body))
    async with CognigyClient(token="t", base_url=server.url + "/testing", project_id="p") as cg:
        pages = [p async for p in cg.runs.pages("s", "b", max_items=3)]
    assert [[r.sequence for r in p.data] for p in pages] == [[0, 1, 2]]
    assert [seen.query["limit"] for seen in server.requests] == ["3"]
