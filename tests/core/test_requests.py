"""The headers each request carries on the wire (a real socket: aiohttp may add its own).

What each resource method sends (method, path, the exact JSON body) and how it reads the
answer is tested without a socket in ``tests/mocked/test_requests.py``.
"""

from __future__ import annotations

from bluejay_async import BluejayClient, __version__
from tests.core.conftest import API_KEY
from tests.scripted_server import Reply, ScriptedServer

CREATE = "/v1/create-simulation"


async def test_headers_of_a_post(server: ScriptedServer, bj: BluejayClient) -> None:
    server.script("POST", CREATE, Reply(json={"simulation_id": 1}))

    await bj.simulations.create("a")

    seen = server.requests[0]
    assert seen.method == "POST"
    assert seen.raw_path == CREATE
    assert seen.query == {}
    assert seen.headers["X-API-Key"] == API_KEY
    assert seen.headers["Content-Type"] == "application/json"
    assert seen.headers["Accept"] == "application/json"
    assert seen.headers["User-Agent"].startswith(f"bluejay-cognigy-async/{__version__} python/")
    assert "aiohttp/" in seen.headers["User-Agent"]


async def test_headers_of_a_get_carry_no_content_type(
    server: ScriptedServer, bj: BluejayClient
) -> None:
    server.script("GET", "/v1/get-simulation-runs/5", Reply(json={"simulation_runs": []}))

    await bj.runs.list(5)

    seen = server.requests[0]
    assert seen.body == b""
    assert "Content-Type" not in seen.headers
    assert seen.headers["X-API-Key"] == API_KEY
    assert seen.headers["Accept"] == "application/json"
