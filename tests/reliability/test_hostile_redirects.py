"""Redirects that cannot be followed are a ``RedirectError`` (an ``APIError``), never a success
and never a bare ``ValueError``; in a bulk fetch, one key's failure."""

from __future__ import annotations

import pickle

import pytest
from aiohttp import web

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.errors import APIConnectionError, APIStatusError, RedirectError
from cognigy_async import CognigyClient
from tests.core.bodies import results_body
from tests.reliability.hostile import hostile_server, redirect_handler

KEY = "bj-redirects-SECRET-77aa"
RETRY = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.002)
MALFORMED = ["http://[::1/x", "http://[not-an-ip]/x", "http://host:99999999/x"]


@pytest.mark.parametrize("location", MALFORMED)
async def test_a_malformed_location_is_a_redirect_error(location: str) -> None:
    async with (
        hostile_server(redirect_handler(302, location)) as server,
        BluejayClient(api_key=KEY, base_url=server.url, retry=RETRY) as bj,
        CognigyClient(token=KEY, base_url=server.url, project_id="p", retry=RETRY) as cg,
    ):
        for call in (
            lambda: bj.results.retrieve(1),
            lambda: bj.simulations.create(agent_id="a", name="n"),
            lambda: cg.runs.list("s", "b"),
        ):
            with pytest.raises(RedirectError) as caught:
                await call()
            error = caught.value
            assert isinstance(error, APIConnectionError)
            assert not isinstance(error, (ValueError, APIStatusError))
            assert (error.status_code, error.location) == (302, location)
    assert server.total == 3  # refused, not retried


@pytest.mark.parametrize("status", [300, 301, 302, 303, 304, 307, 308])
async def test_a_redirect_without_location_is_not_a_success(status: int) -> None:
    """The body is a valid answer for every route; without a Location it must not be taken."""
    async with (
        hostile_server(redirect_handler(status, None)) as server,
        BluejayClient(api_key=KEY, base_url=server.url, retry=RETRY) as bj,
    ):
        with pytest.raises(RedirectError, match="without a Location") as caught:
            await bj.runs.list(1)
        assert caught.value.location is None
        with pytest.raises(RedirectError, match="without a Location"):
            await bj.simulations.create(agent_id="a", name="n")
    assert server.total == 2


async def test_a_bad_location_fails_one_key_of_a_bulk_fetch() -> None:
    bad = redirect_handler(302, "http://[::1/x")

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/7"):
            return await bad(request)
        return web.json_response(results_body(1))

    async with (
        hostile_server(handle) as server,
        BluejayClient(api_key=KEY, base_url=server.url, retry=RETRY) as bj,
    ):
        outcomes = [o async for o in bj.results.retrieve_many(range(50), concurrency=8)]
    assert sorted(o.key for o in outcomes) == list(range(50))
    failed = [o for o in outcomes if not o.ok]
    assert [o.key for o in failed] == [7]
    assert isinstance(failed[0].error, RedirectError)
    assert server.requests["/v1/retrieve-simulation-results/7"] == 1


def test_a_redirect_error_pickles() -> None:
    error = RedirectError("m", method="GET", url="u", status_code=307, location="/x")
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, RedirectError)
    assert (copy.status_code, copy.location, copy.method, copy.url, str(copy)) == (
        307,
        "/x",
        "GET",
        "u",
        "m",
    )
