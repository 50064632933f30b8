"""The API key never shows up in a repr, an exception (or its chain) or a log line."""

from __future__ import annotations

import asyncio
import logging
import traceback
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.errors import APIConnectionError, APIError, ResponseDecodeError
from tests.core.conftest import API_KEY, MakeClient
from tests.scripted_server import Reply, ScriptedServer, scripted_server

RUNS = "/v1/get-simulation-runs/5"
CREATE = "/v1/create-simulation"


def texts_of(exc: BaseException) -> list[str]:
    """Every rendering of an exception and of everything chained to it."""
    seen: list[str] = ["".join(traceback.format_exception(exc))]
    current: BaseException | None = exc
    while current is not None:
        seen += [str(current), repr(current), repr(current.args), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return seen


def assert_key_absent(exc: BaseException) -> None:
    for text in texts_of(exc):
        assert API_KEY not in text
    assert "bj-test-KEY" not in "".join(texts_of(exc))  # not even a prefix of it


def test_reprs_do_not_show_the_key() -> None:
    client = BluejayClient(api_key=API_KEY)
    for text in (
        repr(client),
        str(client),
        repr(client._transport),
        repr(client.with_options(timeout=1)),
        repr(client.retry),
    ):
        assert API_KEY not in text
    assert repr(client) == "BluejayClient(base_url='https://api.getbluejay.ai')"


@asynccontextmanager
async def raw_http_server(payload: bytes) -> AsyncIterator[str]:
    """A 127.0.0.1 server answering every connection with ``payload`` verbatim, then closing."""

    async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(payload)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


@pytest.mark.parametrize(
    "payload",
    [
        b"this is not HTTP\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\n\r\n",
        b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"simulation_runs"',
    ],
)
async def test_malformed_responses_do_not_leak_the_key(
    make_client: MakeClient, payload: bytes
) -> None:
    async with raw_http_server(payload) as url:
        bj = make_client(base_url=url, retry=RetryPolicy(max_attempts=1))
        with pytest.raises(APIConnectionError) as info:
            await bj.runs.list(5)

    assert info.value.__cause__ is not None  # the aiohttp error is kept for debugging ...
    assert_key_absent(info.value)  # ... without the request headers it carried


FAILURES: dict[str, Callable[[ScriptedServer], None]] = {
    "401": lambda s: s.script("GET", RUNS, Reply(status=401, json={"detail": "bad key"})),
    "422": lambda s: s.script(
        "GET", RUNS, Reply(status=422, json={"detail": [{"loc": ["x"], "msg": "m", "type": "t"}]})
    ),
    "500": lambda s: s.script("GET", RUNS, Reply(status=500, body=b"oops")),
    "drop": lambda s: s.script("GET", RUNS, Reply(drop=True)),
    "timeout": lambda s: s.script("GET", RUNS, Reply(json={}, delay=0.3)),
    "decode": lambda s: s.script("GET", RUNS, Reply(body=b"<html>")),
    "schema": lambda s: s.script("GET", RUNS, Reply(json={"simulation_runs": [{"id": "x"}]})),
    "redirect-away": lambda s: s.script(
        "GET", RUNS, Reply(status=302, json={}, headers={"Location": "http://127.0.0.2:9/x"})
    ),
    "redirect-loop": lambda s: s.script(
        "GET", RUNS, Reply(status=307, json={}, headers={"Location": RUNS})
    ),
}


@pytest.mark.parametrize("failure", sorted(FAILURES))
async def test_errors_and_debug_logs_do_not_leak_the_key(
    server: ScriptedServer,
    make_client: MakeClient,
    caplog: pytest.LogCaptureFixture,
    failure: str,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, aiohttp's included
    FAILURES[failure](server)
    bj = make_client(timeout=0.05)

    with pytest.raises(APIError) as info:
        await bj.runs.list(5)

    assert_key_absent(info.value)
    assert caplog.records  # the attempts were logged ...
    for record in caplog.records:
        assert API_KEY not in record.getMessage()  # ... without the key
        assert API_KEY not in repr(record.args)
    assert API_KEY not in caplog.text


async def test_connection_refused_does_not_leak_the_key(
    dead_url: str, make_client: MakeClient
) -> None:
    bj = make_client(base_url=dead_url)
    with pytest.raises(APIConnectionError) as info:
        await bj.runs.list(5)
    assert_key_absent(info.value)


async def test_decode_error_does_not_leak_the_key(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("GET", RUNS, Reply(body=b"{"))
    with pytest.raises(ResponseDecodeError) as info:
        await bj.runs.list(5)
    assert_key_absent(info.value)


async def test_one_debug_line_per_attempt(
    server: ScriptedServer, bj: BluejayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bluejay_async")
    server.script(
        "GET",
        RUNS,
        Reply(status=503, json={}),
        Reply(drop=True),
        Reply(json={"simulation_runs": []}),
    )

    await bj.runs.list(5)

    records = [r for r in caplog.records if r.name == "bluejay_async"]
    assert len(records) == 3
    assert all(r.levelno == logging.DEBUG for r in records)
    statuses = []
    for attempt, record in enumerate(records, start=1):
        method, path, status, elapsed_ms, number = record.args  # type: ignore[misc]
        assert (method, path, number) == ("GET", RUNS, attempt)
        assert isinstance(elapsed_ms, float)
        assert elapsed_ms >= 0
        statuses.append(status)
        message = record.getMessage()
        assert message.startswith(f"GET {RUNS} -> {status} in ")
        assert message.endswith(f" ms (attempt {attempt})")
    assert statuses == [503, "error", 200]


async def test_no_debug_lines_above_debug_level(
    server: ScriptedServer, bj: BluejayClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bluejay_async")
    server.script("GET", RUNS, Reply(json={"simulation_runs": []}))

    await bj.runs.list(5)

    assert [r for r in caplog.records if r.name == "bluejay_async"] == []


async def test_the_key_reaches_the_server_and_only_in_its_header(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("POST", CREATE, Reply(json={"simulation_id": 1}))

    await bj.simulations.create("a")

    [seen] = server.requests
    assert seen.headers["X-API-Key"] == API_KEY
    assert API_KEY not in seen.raw_path
    assert API_KEY.encode() not in seen.body
    assert [k for k, v in seen.headers.items() if API_KEY in v] == ["X-API-Key"]


async def test_cross_origin_redirect_target_never_sees_the_key(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    async with scripted_server() as elsewhere:
        elsewhere.script("GET", "/steal", Reply(json={"simulation_runs": []}))
        server.script(
            "GET", RUNS, Reply(status=307, json={}, headers={"Location": elsewhere.url + "/steal"})
        )
        with pytest.raises(APIError) as info:
            await bj.runs.list(5)

        assert elsewhere.requests == []
    assert_key_absent(info.value)
