"""Error classes, the error body parser, and failures where the socket is the point.

How each status and error body maps to its class (with headers, request and trace ids) is
tested without a socket in ``tests/mocked/test_errors.py``.
"""

from __future__ import annotations

import inspect
import pickle

import pytest

from bluejay_async import RetryPolicy
from bluejay_async.core.error_mapping import excerpt, status_error_from_response
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
