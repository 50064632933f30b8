"""A server that echoes the credentials back cannot put them in an error, a log line or a
``repr()``; a base URL with ``user:password@`` is refused without showing the password.

The echo server repeats the key it received in the body (also right where an excerpt is cut),
in ``traceId``, and in the request id, trace id and a header of its own. Every text an error
exposes is checked: ``str``, ``repr``, ``args``, every attribute (``.body``, ``.headers``,
``.request_id``, ``.trace_id``, ``.excerpt``, ...), the whole ``__cause__`` chain, the
formatted traceback, and every log record at DEBUG.
"""

from __future__ import annotations

import pickle
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.errors import (
    APIError,
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ResponseDecodeError,
)
from cognigy_async import CognigyClient
from tests.reliability.harness import assert_secret_free, exception_texts, recording_logs
from tests.reliability.hostile import echo_handler, hostile_server

RETRY = RetryPolicy(max_attempts=2, backoff_base=0.001, backoff_max=0.002)
SECRETS = [
    "bj-echo-SECRET-9f8e7d6c5b4a",
    'tok"en\\with-json-escapes-SECRET',  # escaped in a JSON body: \" and \\
]
PADDINGS = [0, 25, 160, 175, 190]
"""Characters in front of the echoed secret: 25 and 160-190 put it across the cut of a quoted
value (40 characters) or of a body excerpt (200 characters)."""


def assert_no_piece(texts: list[str], secret: str) -> None:
    """Not even the first 8 characters of ``secret`` (what a cut-off excerpt would show)."""
    assert_secret_free(texts, secret)
    for text in texts:
        assert secret[:8] not in text, f"a piece of the secret leaked in: {text[:300]}"


def calls(bj: BluejayClient, cg: CognigyClient) -> list[Callable[[], Awaitable[Any]]]:
    return [
        lambda: bj.runs.list(1),
        lambda: bj.results.update(1, tags=["t"]),
        lambda: cg.runs.list("s", "b"),
    ]


@pytest.mark.parametrize("secret", SECRETS)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("status", [401, 422, 500])
async def test_an_echoed_secret_never_reaches_an_error_or_a_log(
    secret: str, padding: int, status: int
) -> None:
    async with hostile_server(echo_handler(status, padding=padding)) as server:
        with recording_logs() as logs:
            async with (
                BluejayClient(api_key=secret, base_url=server.url, retry=RETRY) as bj,
                CognigyClient(token=secret, base_url=server.url, project_id="p", retry=RETRY) as cg,
            ):
                for call in calls(bj, cg):
                    with pytest.raises(APIStatusError) as caught:
                        await call()
                    error = caught.value
                    assert error.status_code == status
                    assert_no_piece(exception_texts(error), secret)
                    assert_no_piece(exception_texts(pickle.loads(pickle.dumps(error))), secret)
                    assert error.request_id == "***"
                    assert error.trace_id == "***"
                    assert error.headers["X-Echo"] == "key=***"
                    assert "***" in str(error)
        assert_no_piece(list(logs.texts()), secret)
    assert server.total > 0


@pytest.mark.parametrize("secret", SECRETS)
@pytest.mark.parametrize("padding", PADDINGS)
@pytest.mark.parametrize("malformed", [False, True])
async def test_an_echoed_secret_in_a_bad_success_body_is_scrubbed(
    secret: str, padding: int, malformed: bool
) -> None:
    """A 200 whose body is not JSON, or the wrong shape: the decode error quotes the body (a
    single call and each key of a bulk fetch), without the secret or a piece of it."""
    handler = echo_handler(200, padding=padding, malformed=malformed)
    async with (
        hostile_server(handler) as server,
        BluejayClient(api_key=secret, base_url=server.url, retry=RETRY) as bj,
    ):
        with pytest.raises(ResponseDecodeError) as caught:
            await bj.runs.list(1)
        assert_no_piece(exception_texts(caught.value), secret)
        outcomes = [o async for o in bj.results.retrieve_many([1, 2])]
        for outcome in outcomes:
            assert isinstance(outcome.error, ResponseDecodeError)
            assert_no_piece(exception_texts(outcome.error), secret)


def test_the_401_error_keeps_what_the_server_said_without_the_key() -> None:
    secret = SECRETS[0]
    from bluejay_async.core.credentials import Credentials
    from bluejay_async.core.error_mapping import status_error_from_response

    creds = Credentials.api_key(secret)
    error = status_error_from_response(
        status=401,
        headers=creds.value({"X-Request-Id": secret}),
        raw_body=creds.bytes(b'{"detail": "bad key ' + secret.encode() + b'"}'),
        method="GET",
        url="u",
    )
    assert isinstance(error, AuthenticationError)
    assert error.body == {"detail": "bad key ***"}
    assert str(error) == "401 AuthenticationError on GET u: bad key ***"


# --- user:password@ in the base URL --------------------------------------------------------

USERINFO = [
    "https://user:pa55word-SECRET@api.example.com",
    "https://user:pa55word-SECRET@api.example.com/v1?x=1",
    "http://user:pa55word-SECRET@127.0.0.1:8080",
    "http://pa55word-SECRET@localhost",
    "http://localhost:pa55word-SECRET@example.com",
    "http://127.0.0.1:pa55word-SECRET@example.com",
    "https://user:pa55word-SECRET@[::1]:8443/x",
]


@pytest.mark.parametrize("url", USERINFO)
@pytest.mark.parametrize("allow_insecure", [False, True])
def test_a_base_url_with_userinfo_is_refused_without_showing_it(
    url: str, allow_insecure: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    makers: list[Callable[[], Any]] = [
        lambda: BluejayClient(api_key="k", base_url=url, allow_insecure=allow_insecure),
        lambda: CognigyClient(token="k", base_url=url, allow_insecure=allow_insecure),
        lambda: CognigyClient(api_key="k", base_url=url, allow_insecure=allow_insecure),
    ]
    for make in makers:
        with pytest.raises(ConfigurationError, match="user:password@") as caught:
            make()
        assert isinstance(caught.value, APIError)
        assert_secret_free(exception_texts(caught.value), "pa55word")
        assert "***@" in str(caught.value)
    monkeypatch.setenv("BLUEJAY_BASE_URL", url)
    with pytest.raises(ConfigurationError) as caught:
        BluejayClient(api_key="k")
    assert_secret_free(exception_texts(caught.value), "pa55word")
