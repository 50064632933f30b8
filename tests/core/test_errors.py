"""HTTP failures become the documented exception classes, with everything the server said."""

from __future__ import annotations

import inspect
import pickle

import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core.errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    FieldError,
    InvalidRequestError,
    NotFoundError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseDecodeError,
    ServerError,
    UnprocessableEntityError,
    excerpt,
    status_error_from_response,
)
from bluejay_async.core.retry import ConnectionNotEstablished
from tests.core.conftest import MakeClient
from tests.scripted_server import Reply, ScriptedServer

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
    server: ScriptedServer,
    make_client: MakeClient,
    status: int,
    cls: type[APIStatusError],
) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    server.script(
        "GET",
        RUNS,
        Reply(status=status, json={"detail": "nope"}, headers={"X-Request-Id": "req-1"}),
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
    assert err.url == server.url + RUNS
    assert str(err) == f"{status} {cls.__name__} on GET {server.url}{RUNS}: nope"
    assert err.message == str(err)


async def test_422_exposes_structured_errors_and_names_the_fields(
    server: ScriptedServer, bj: BluejayClient
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
    server.script("POST", CREATE, Reply(status=422, json={"detail": detail}))

    with pytest.raises(UnprocessableEntityError) as info:
        await bj.simulations.create("a")

    err = info.value
    assert server.count("POST", CREATE) == 1  # 422 is never retried
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


async def test_429_carries_retry_after(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script(
        "GET",
        RUNS,
        Reply(status=429, json={"error": "slow down"}, headers={"Retry-After": "120"}),
    )

    with pytest.raises(RateLimitError) as info:
        await bj.runs.list(5)

    assert info.value.retry_after == 120.0
    assert info.value.headers["Retry-After"] == "120"
    assert "slow down" in str(info.value)


async def test_429_without_retry_after(server: ScriptedServer, make_client: MakeClient) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    server.script("GET", RUNS, Reply(status=429, json={}))

    with pytest.raises(RateLimitError) as info:
        await bj.runs.list(5)

    assert info.value.retry_after is None


async def test_cognigy_style_body_fills_code_field_and_trace_id(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script(
        "GET",
        RUNS,
        Reply(
            status=400,
            json={
                "error": "limit too large",
                "field": "limit",
                "code": "E_RANGE",
                "traceId": "t-9",
            },
        ),
    )

    with pytest.raises(BadRequestError) as info:
        await bj.runs.list(5)

    err = info.value
    assert (err.code, err.field, err.trace_id) == ("E_RANGE", "limit", "t-9")
    assert str(err).endswith(": limit too large (trace id t-9)")


async def test_trace_id_from_a_header(server: ScriptedServer, make_client: MakeClient) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    server.script(
        "GET", RUNS, Reply(status=500, json={"message": "boom"}, headers={"X-Trace-Id": "h-1"})
    )

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
    server: ScriptedServer,
    make_client: MakeClient,
    raw: bytes,
    body: object,
    described: str,
) -> None:
    bj = make_client(retry=ONE_ATTEMPT)
    server.script("GET", RUNS, Reply(status=502, body=raw, headers={"Content-Type": "text/plain"}))

    with pytest.raises(ServerError) as info:
        await bj.runs.list(5)

    assert info.value.body == body
    assert str(info.value).endswith(f": {described}")
    assert info.value.request_id is None
    assert info.value.trace_id is None


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


# --- pickle ----------------------------------------------------------------------------------

SAMPLES: dict[str, object] = {
    "message": "something failed",
    "method": "GET",
    "url": "https://api.example.com/v1/x",
    "status_code": 418,
    "body": {"detail": "teapot", "n": [1, 2]},
    "headers": {"X-Request-Id": "req-1", "Retry-After": "3"},
    "request_id": "req-1",
    "code": "E1",
    "field": "name",
    "trace_id": "trace-1",
    "errors": (FieldError(loc=("body", "name"), msg="bad", type="value_error", input=3),),
    "retry_after": 3.0,
    "param": "run_id",
    "path": "$.a[0]",
    "excerpt": "{...",
    "malformed": True,
    "location": "/elsewhere",
    "limit": 1024,
}


def _sample(parameter: inspect.Parameter) -> object:
    if parameter.name in SAMPLES:
        return SAMPLES[parameter.name]
    annotation = str(parameter.annotation)
    if "int" in annotation:
        return 7
    if "float" in annotation:
        return 1.5
    return f"sample {parameter.name}"


def _public_exceptions() -> list[type[BaseException]]:
    import bluejay_async.errors as public

    found = [getattr(public, name) for name in public.__all__]
    return [c for c in found if isinstance(c, type) and issubclass(c, BaseException)]


def _build(cls: type[BaseException]) -> BaseException:
    """An instance with every constructor argument given a distinctive value."""
    positional: list[object] = []
    keywords: dict[str, object] = {}
    for parameter in list(inspect.signature(cls).parameters.values()):
        if parameter.kind is parameter.VAR_KEYWORD:  # passed on to the parent class
            parent = inspect.signature(cls.__mro__[1]).parameters.values()
            keywords.update({p.name: _sample(p) for p in parent if p.kind is p.KEYWORD_ONLY})
        elif parameter.kind is parameter.KEYWORD_ONLY:
            keywords[parameter.name] = _sample(parameter)
        elif parameter.kind is not parameter.VAR_POSITIONAL:
            positional.append(_sample(parameter))
    return cls(*positional, **keywords)


@pytest.mark.parametrize("cls", _public_exceptions(), ids=lambda c: c.__name__)
def test_every_public_exception_pickles_with_its_attributes(cls: type[BaseException]) -> None:
    error = _build(cls)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is cls
    assert copy.args == error.args
    assert str(copy) == str(error)
    assert vars(copy).keys() == vars(error).keys()
    for name, value in vars(error).items():
        assert getattr(copy, name) == value, name
    if isinstance(copy, APIStatusError):
        assert copy.headers["x-request-id"] == "req-1"  # still case-insensitive


def test_the_pickle_test_covers_the_new_classes() -> None:
    names = {c.__name__ for c in _public_exceptions()}
    assert {"ClientClosedError", "RedirectError", "ResponseTooLargeError"} <= names
    assert len(names) >= 18
