"""Response size: every body is read against ``max_response_bytes``, on the wire and inflated.

A streamed body without end, a Content-Length past the limit, an error body as large, a gzip
bomb: each is a ``ResponseTooLargeError`` (a ``ResponseDecodeError``) after reading at most
the limit, never retried, and one key's failure in a bulk fetch. The heap growth of a call is
measured with ``tracemalloc``, so the bound is checked on the bytes the client holds.
"""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core.body import DEFAULT_MAX_RESPONSE_BYTES
from bluejay_async.errors import (
    APIConnectionError,
    InvalidRequestError,
    ResponseDecodeError,
    ResponseTooLargeError,
    ServerError,
)
from cognigy_async import CognigyClient
from tests.core.bodies import results_body
from tests.reliability.hostile import (
    MIB,
    declared_length_handler,
    encoded_handler,
    gzip_bomb,
    hostile_server,
    streamed_handler,
)

KEY = "bj-limits-SECRET-0b1c"
RETRY = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002)
LIMIT = MIB


def client(url: str, **kwargs: Any) -> BluejayClient:
    kwargs.setdefault("retry", RETRY)
    kwargs.setdefault("max_response_bytes", LIMIT)
    return BluejayClient(api_key=KEY, base_url=url, **kwargs)


async def heap_growth(call: Callable[[], Awaitable[Any]]) -> tuple[Any, int]:
    """Run ``call``; its outcome (result or exception) and the peak heap growth meanwhile."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        try:
            outcome: Any = await call()
        except Exception as exc:
            outcome = exc
        return outcome, tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_the_default_limit_is_64_mib() -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES == 64 * MIB
    assert BluejayClient(api_key=KEY).max_response_bytes == 64 * MIB
    assert CognigyClient(token=KEY).max_response_bytes == 64 * MIB
    assert BluejayClient(api_key=KEY).with_options(max_response_bytes=10).max_response_bytes == 10


@pytest.mark.parametrize("value", [0, -1, True, 1.5, "1"])
def test_a_bad_limit_is_refused(value: object) -> None:
    with pytest.raises(InvalidRequestError, match="max_response_bytes"):
        BluejayClient(api_key=KEY, max_response_bytes=value)  # type: ignore[arg-type]
    with pytest.raises(InvalidRequestError, match="max_response_bytes"):
        CognigyClient(token=KEY, max_response_bytes=value)  # type: ignore[arg-type]


async def test_an_endless_body_stops_at_the_limit_and_is_not_retried() -> None:
    async with hostile_server(streamed_handler(64 * MIB)) as server, client(server.url) as bj:
        error, growth = await heap_growth(lambda: bj.runs.list(1))
    assert isinstance(error, ResponseTooLargeError)
    assert isinstance(error, ResponseDecodeError)
    assert (error.limit, error.status_code) == (LIMIT, 200)
    assert "max_response_bytes=1048576" in str(error)
    assert server.total == 1  # the same body would come back: not read again
    assert growth < 4 * LIMIT


async def test_a_declared_length_past_the_limit_is_refused_before_reading() -> None:
    async with (
        hostile_server(declared_length_handler(10**12)) as server,
        client(server.url) as bj,
    ):
        with pytest.raises(ResponseTooLargeError, match="Content-Length"):
            await bj.runs.list(1)
    assert server.total == 1


async def test_an_error_body_is_bounded_too() -> None:
    async with (
        hostile_server(streamed_handler(16 * MIB, status=503)) as server,
        client(server.url) as bj,
    ):
        with pytest.raises(ResponseTooLargeError) as caught:
            await bj.runs.list(1)
    assert caught.value.status_code == 503
    assert server.total == 1  # a 503 is retryable, an oversized answer is not


async def test_a_gzip_bomb_is_never_inflated_past_the_limit() -> None:
    bomb = gzip_bomb(256 * MIB)
    assert len(bomb) < LIMIT  # small on the wire: only the inflated size can stop it
    async with (
        hostile_server(encoded_handler(bomb, "gzip")) as server,
        client(server.url) as bj,
    ):
        error, growth = await heap_growth(lambda: bj.runs.list(1))
    assert isinstance(error, ResponseTooLargeError), error
    assert "once decompressed" in str(error)
    assert growth < 4 * LIMIT
    assert server.total == 1


async def test_one_oversized_body_is_one_failed_key_in_a_bulk_fetch() -> None:
    big = streamed_handler(8 * MIB)

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/3"):
            return await big(request)
        return web.json_response(results_body(1))

    async with hostile_server(handle) as server, client(server.url) as bj:
        outcomes = {o.key: o async for o in bj.results.retrieve_many(range(1, 6))}
    assert sorted(outcomes) == [1, 2, 3, 4, 5]
    assert isinstance(outcomes[3].error, ResponseTooLargeError)
    assert [k for k, o in outcomes.items() if not o.ok] == [3]
    assert server.requests["/v1/retrieve-simulation-results/3"] == 1


@pytest.mark.parametrize(
    ("encoding", "pack"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),  # zlib-wrapped, as the RFC means it
        ("deflate", lambda raw: zlib.compress(raw)[2:-4]),  # raw deflate, as some servers send
    ],
)
async def test_compressed_bodies_within_the_limit_decode(
    encoding: str, pack: Callable[[bytes], bytes]
) -> None:
    body = b'{"simulation_runs": []}'
    async with (
        hostile_server(encoded_handler(pack(body), encoding)) as server,
        client(server.url) as bj,
    ):
        assert await bj.runs.list(1) == []


async def test_an_encoding_the_client_did_not_ask_for_is_a_decode_error() -> None:
    async with (
        hostile_server(encoded_handler(b"\x1b\x00", "br")) as server,
        client(server.url) as bj,
    ):
        with pytest.raises(ResponseDecodeError, match="'br'"):
            await bj.runs.list(1)
    assert server.total == 1


async def test_garbled_gzip_is_a_connection_error() -> None:
    async with (
        hostile_server(encoded_handler(b"not gzip at all", "gzip", status=500)) as server,
        client(server.url, retry=RetryPolicy(max_attempts=1)) as bj,
    ):
        with pytest.raises(APIConnectionError, match="not valid gzip"):
            await bj.runs.list(1)


async def test_an_error_body_within_the_limit_is_still_a_status_error() -> None:
    packed = gzip.compress(b'{"detail": "down"}')
    async with (
        hostile_server(encoded_handler(packed, "gzip", status=500)) as server,
        client(server.url, retry=RetryPolicy(max_attempts=1)) as bj,
    ):
        with pytest.raises(ServerError, match="down"):
            await bj.runs.list(1)


def exact_body_handler(body: bytes) -> Callable[[web.Request], Awaitable[web.Response]]:
    """A 200 with ``body`` and its Content-Length, not encoded."""

    async def handle(request: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    return handle


async def test_a_declared_body_of_exactly_the_limit_is_read_and_one_byte_more_is_refused() -> None:
    body = b'{"simulation_runs": []}'
    body += b" " * (LIMIT - len(body))
    async with hostile_server(exact_body_handler(body)) as server:
        async with client(server.url) as bj:
            assert await bj.runs.list(1) == []
        async with client(server.url, max_response_bytes=LIMIT - 1) as bj:
            with pytest.raises(ResponseTooLargeError, match="Content-Length"):
                await bj.runs.list(1)
    assert server.total == 2


async def test_a_body_cut_short_of_its_content_length_is_a_dropped_connection_and_retried() -> None:
    async with (
        hostile_server(declared_length_handler(1000)) as server,
        client(server.url) as bj,
    ):
        with pytest.raises(APIConnectionError, match="connection failed during GET"):
            await bj.runs.list(1)
    assert server.total == RETRY.max_attempts
