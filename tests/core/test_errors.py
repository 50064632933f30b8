"""Error classes, the error body parser, and failures where the socket is the point.

How each status and error body maps to its class (with headers, request and trace ids) is
tested without a socket in ``tests/mocked/test_errors.py``.
"""

from __future__ import annotations

import pytest

from bluejay_async import RetryPolicy
from bluejay_async.core.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    ConfigurationError,
    FieldError,
    InvalidRequestError,
    NotFoundError,
    PaginationError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    excerpt,
    status_error_from_response,
)
from bluejay_async.core.retry import ConnectionNotEstablished
from tests.core.conftest import MakeClient
from tests.scripted_server import Reply, ScriptedServer

RUNS = "/v1/get-simulation-runs/5"
ONE_ATTEMPT = RetryPolicy(max_attempts=1)


def test_field_error_with_odd_loc() -> None:
    err = status_error_from_response(
        status=422,
        headers={},
        raw_body=b'{"detail": [{"loc": "body", "msg": 5}, {"loc": [1, {"x": 1}, "f"]}]}',
        method="POST",
        url="u",
    )
    assert err.errors == (
        FieldError(loc=(), msg="5", type=""),
        FieldError(loc=(1, "f"), msg="", type=""),
    )
    assert err.errors[0].field == "<root>"
    assert err.errors[1].field == "1.f"


def test_long_text_body_is_cut_in_the_message() -> None:
    err = status_error_from_response(
        status=500, headers={}, raw_body=b"x" * 5000, method="GET", url="u"
    )
    assert err.body == "x" * 5000
    assert str(err).endswith("x" * 200 + "...")


def test_excerpt_survives_invalid_utf8() -> None:
    assert excerpt(b"ok \xff\xfe end") == "ok \ufffd\ufffd end"


async def test_connection_refused(dead_url: str, make_client: MakeClient) -> None:
    bj = make_client(base_url=dead_url)

    with pytest.raises(APIConnectionError) as info:
        await bj.runs.list(5)

    err = info.value
    assert isinstance(err, ConnectionNotEstablished)
    assert not isinstance(err, APIStatusError)
    assert err.method == "GET"
    assert err.url == dead_url + RUNS
    assert "could not connect for GET" in str(err)


async def test_timeout(server: ScriptedServer, make_client: MakeClient) -> None:
    bj = make_client(timeout=0.05, retry=ONE_ATTEMPT)
    server.script("GET", RUNS, Reply(json={"simulation_runs": []}, delay=0.3))

    with pytest.raises(APITimeoutError) as info:
        await bj.runs.list(5)

    assert isinstance(info.value, APIConnectionError)
    assert "timed out" in str(info.value)
    assert info.value.url == server.url + RUNS


async def test_dropped_connection(server: ScriptedServer, make_client: MakeClient) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    server.script("GET", RUNS, Reply(drop=True))

    with pytest.raises(APIConnectionError) as info:
        await bj.runs.list(5)

    assert not isinstance(info.value, (APITimeoutError, ConnectionNotEstablished))
    assert "connection failed during GET" in str(info.value)
    assert server.count("GET", RUNS) == 1


def test_exception_tree() -> None:
    assert issubclass(InvalidRequestError, ValueError)
    assert issubclass(InvalidRequestError, APIError)
    assert issubclass(ConfigurationError, APIError)
    assert issubclass(ResponseDecodeError, APIError)
    assert issubclass(PaginationError, APIError)
    assert issubclass(APITimeoutError, APIConnectionError)
    for cls in (BadRequestError, NotFoundError, RateLimitError, ServerError):
        assert issubclass(cls, APIStatusError)
    assert InvalidRequestError("m", param="p").param == "p"
