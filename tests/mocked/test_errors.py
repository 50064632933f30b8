"""HTTP failures become the documented exception classes, with everything the server said."""

from __future__ import annotations

import pytest
from aioresponses import aioresponses

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core.errors import (
    APIError,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnprocessableEntityError,
)
from tests.mocked.conftest import BASE, MakeClient, calls

RUNS = "/v1/get-simulation-runs/5"
CREATE = "/v1/create-simulation"
ONE_ATTEMPT = RetryPolicy(max_attempts=1)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, APIStatusError),
        (410, APIStatusError),
        (418, APIStatusError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (599, ServerError),
    ],
)
async def test_status_maps_to_its_class(
    m: aioresponses,
    make_client: MakeClient,
    status: int,
    cls: type[APIStatusError],
) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    m.get(
        BASE + RUNS,
        status=status,
        payload={"detail": "nope"},
        headers={"X-Request-Id": "req-1"},
    )

    with pytest.raises(APIStatusError) as info:
        await bj.runs.list(5)

    err = info.value
    assert type(err) is cls
    assert isinstance(err, APIError)
    assert err.status_code == status
    assert err.body == {"detail": "nope"}
    assert err.headers["X-Request-Id"] == "req-1"
    assert err.request_id == "req-1"
    assert err.method == "GET"
    assert err.url == BASE + RUNS
    assert str(err) == f"{status} {cls.__name__} on GET {BASE}{RUNS}: nope"
    assert err.message == str(err)


async def test_422_exposes_structured_errors_and_names_the_fields(
    m: aioresponses, bj: BluejayClient
) -> None:
    detail = [
        {
            "loc": ["body", "max_concurrent"],
            "msg": "Input should be less than or equal to 500",
            "type": "less_than_equal",
            "input": 900,
        },
        {"loc": ["body", "digital_humans_settings", "num_runs"], "msg": "bad", "type": "int"},
        {"loc": ["query"], "msg": "whole query", "type": "x"},
        "not a dict: skipped",
    ]
    m.post(BASE + CREATE, status=422, payload={"detail": detail}, repeat=True)

    with pytest.raises(UnprocessableEntityError) as info:
        await bj.simulations.create("a")

    err = info.value
    assert calls(m, "POST", CREATE) == 1  # 422 is never retried
    assert err.errors == (
        FieldError(
            loc=("body", "max_concurrent"),
            msg="Input should be less than or equal to 500",
            type="less_than_equal",
            input=900,
        ),
        FieldError(loc=("body", "digital_humans_settings", "num_runs"), msg="bad", type="int"),
        FieldError(loc=("query",), msg="whole query", type="x"),
    )
    assert [e.field for e in err.errors] == [
        "max_concurrent",
        "digital_humans_settings.num_runs",
        "<root>",
    ]
    assert "max_concurrent: Input should be less than or equal to 500" in str(err)
    assert "digital_humans_settings.num_runs: bad" in str(err)


async def test_429_carries_retry_after(m: aioresponses, bj: BluejayClient) -> None:
    m.get(BASE + RUNS, status=429, payload={"error": "slow down"}, headers={"Retry-After": "120"})

    with pytest.raises(RateLimitError) as info:
        await bj.runs.list(5)

    assert info.value.retry_after == 120.0
    assert info.value.headers["Retry-After"] == "120"
    assert "slow down" in str(info.value)


async def test_429_without_retry_after(m: aioresponses, make_client: MakeClient) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    m.get(BASE + RUNS, status=429, payload={})

    with pytest.raises(RateLimitError) as info:
        await bj.runs.list(5)

    assert info.value.retry_after is None


async def test_cognigy_style_body_fills_code_field_and_trace_id(
    m: aioresponses, bj: BluejayClient
) -> None:
    m.get(
        BASE + RUNS,
        status=400,
        payload={"error": "limit too large", "field": "limit", "code": "E_RANGE", "traceId": "t-9"},
    )

    with pytest.raises(BadRequestError) as info:
        await bj.runs.list(5)

    err = info.value
    assert (err.code, err.field, err.trace_id) == ("E_RANGE", "limit", "t-9")
    assert str(err).endswith(": limit too large (trace id t-9)")


async def test_trace_id_from_a_header(m: aioresponses, make_client: MakeClient) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    m.get(BASE + RUNS, status=500, payload={"message": "boom"}, headers={"X-Trace-Id": "h-1"})

    with pytest.raises(ServerError) as info:
        await bj.runs.list(5)

    assert info.value.trace_id == "h-1"
    assert info.value.code is None
    assert info.value.field is None
    assert "boom (trace id h-1)" in str(info.value)


@pytest.mark.parametrize(
    ("raw", "body", "described"),
    [
        (b"upstream exploded\n  badly", "upstream exploded\n  badly", "upstream exploded badly"),
        (b"", None, "no body"),
        (b'{"unexpected": 1}', {"unexpected": 1}, '{"unexpected":1}'),
        (b"[1, 2]", [1, 2], "no body"),
        (b'{"error": "", "message": "m"}', {"error": "", "message": "m"}, "m"),
    ],
)
async def test_error_body_that_is_text_empty_or_unusual(
    m: aioresponses,
    make_client: MakeClient,
    raw: bytes,
    body: object,
    described: str,
) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    m.get(BASE + RUNS, status=502, body=raw, content_type="text/plain")

    with pytest.raises(ServerError) as info:
        await bj.runs.list(5)

    assert info.value.body == body
    assert str(info.value).endswith(f": {described}")
    assert info.value.request_id is None
    assert info.value.trace_id is None
