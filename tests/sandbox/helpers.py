"""Small request helpers shared by the sandbox tests."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import aiohttp
from yarl import URL

from bluejay_async.sandbox import Sandbox

JSON = dict[str, Any]


def url(base: str, path: str) -> URL:
    """``base + path`` with ``path`` sent exactly as written (already percent-encoded)."""
    return URL(base + path, encoded=True)


def key(sb: Sandbox) -> dict[str, str]:
    """Bluejay auth header."""
    return {"X-API-Key": sb.api_key}


def bearer(sb: Sandbox) -> dict[str, str]:
    """Cognigy bearer auth header."""
    return {"Authorization": f"Bearer {sb.api_key}"}


async def get(
    http: aiohttp.ClientSession, target: str | URL, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """GET and decode the JSON body: ``(status, body)``."""
    async with http.get(target, headers=headers) as resp:
        return resp.status, await resp.json(content_type=None)


async def post(
    http: aiohttp.ClientSession,
    target: str | URL,
    body: Any,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """POST ``body`` as JSON (or raw bytes) and decode the JSON answer."""
    if isinstance(body, bytes):
        kwargs: JSON = {
            "data": body,
            "headers": {"Content-Type": "application/json", **(headers or {})},
        }
    else:
        kwargs = {"json": body, "headers": headers}
    async with http.post(target, **kwargs) as resp:
        return resp.status, await resp.json(content_type=None)


def is_datetime(value: object) -> bool:
    """An ISO 8601 date-time with an explicit UTC designator."""
    if not isinstance(value, str) or not (value.endswith(("Z", "+00:00"))):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


NUMBER = (int, float)
NULL = type(None)


def check_shape(obj: Any, table: Mapping[str, tuple[tuple[type, ...], bool]], where: str) -> None:
    """Assert ``obj`` has every required key of ``table`` and only the listed JSON types.

    ``table`` maps field -> (allowed Python types for the JSON value, required?).
    """
    assert isinstance(obj, dict), f"{where}: expected an object, got {type(obj).__name__}"
    for field, (types, required) in table.items():
        if field not in obj:
            assert not required, f"{where}.{field} is required"
            continue
        value = obj[field]
        ok = isinstance(value, types) and not (isinstance(value, bool) and bool not in types)
        assert ok, f"{where}.{field}: {value!r} is not one of {types}"


async def queue(http: aiohttp.ClientSession, sb: Sandbox, body: Any) -> tuple[int, Any]:
    """``POST /v1/queue-simulation-run`` with the sandbox's key."""
    return await post(http, f"{sb.bluejay_url}/v1/queue-simulation-run", body, key(sb))


async def retrieve(http: aiohttp.ClientSession, sb: Sandbox, run_id: str | int) -> Any:
    """The retrieve-simulation-results body of ``run_id`` (asserting a 200)."""
    status, body = await get(
        http, f"{sb.bluejay_url}/v1/retrieve-simulation-results/{run_id}", key(sb)
    )
    assert status == 200, body
    return body


async def run_rows(http: aiohttp.ClientSession, sb: Sandbox, simulation_id: int) -> list[Any]:
    """The get-simulation-runs rows of ``simulation_id`` (asserting a 200)."""
    status, body = await get(
        http, f"{sb.bluejay_url}/v1/get-simulation-runs/{simulation_id}", key(sb)
    )
    assert status == 200, body
    rows: list[Any] = body["simulation_runs"]
    return rows
