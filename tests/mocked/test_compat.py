"""The aioresponses shim: mocks are really hit, and the shim goes once upstream is fixed."""

from __future__ import annotations

import aiohttp
import pytest
from aioresponses import aioresponses, core

from bluejay_async import BluejayClient
from bluejay_async.errors import APIConnectionError
from bluejay_async.testing import aioresponses_compat
from bluejay_async.testing.aioresponses_compat import needs_stream_writer
from tests.core.conftest import FAST_RETRY
from tests.mocked.conftest import BASE, calls

RUNS = "/v1/get-simulation-runs/5"
ROW = {"id": 424242, "experiment_id": 5, "created_at": "2025-01-01T00:00:00Z", "status": "X"}


async def test_the_mocks_are_really_hit(m: aioresponses, bj: BluejayClient) -> None:
    # BASE is a .test host: nothing could answer it but the mock.
    m.get(BASE + RUNS, payload={"simulation_runs": [ROW]})

    [run] = await bj.runs.list(5)

    assert (run.id, run.status) == (424242, "X")
    assert calls(m, "GET", RUNS) == 1
    assert isinstance(m._responses[0], aiohttp.ClientResponse)


async def test_an_unmocked_call_fails_instead_of_reaching_a_network(
    m: aioresponses, bj: BluejayClient
) -> None:
    with pytest.raises(APIConnectionError, match="Connection refused"):
        await bj.runs.list(6)
    # Every attempt the policy allows went to the mock, none to a network.
    assert calls(m, "GET", "/v1/get-simulation-runs/6") == FAST_RETRY.max_attempts


def test_the_shim_swaps_the_response_class_only_while_active() -> None:
    before = core.ClientResponse  # type: ignore[attr-defined]
    with aioresponses_compat():
        during = core.ClientResponse  # type: ignore[attr-defined]
    assert core.ClientResponse is before is aiohttp.ClientResponse  # type: ignore[attr-defined]
    if needs_stream_writer():
        assert during is not before
        assert issubclass(during, aiohttp.ClientResponse)
    else:
        assert during is before  # aiohttp < 3.14: nothing to fix


@pytest.mark.skipif(not needs_stream_writer(), reason="this aiohttp needs no stream_writer")
async def test_the_shim_is_still_needed() -> None:
    """Fails once an aioresponses release supplies ``stream_writer`` itself: then delete
    ``bluejay_async/testing/aioresponses_compat.py`` and its use in the plugin."""
    with aioresponses() as raw:
        raw.get(BASE + RUNS, payload={"simulation_runs": []})
        async with BluejayClient(api_key="bj-test-key", base_url=BASE) as bj:
            try:
                await bj.runs.list(5)
            except TypeError as exc:
                assert "stream_writer" in str(exc)  # noqa: PT017 - the message is the point
            else:
                pytest.fail(
                    "aioresponses now builds responses aiohttp accepts: remove the shim "
                    "(bluejay_async/testing/aioresponses_compat.py)"
                )
