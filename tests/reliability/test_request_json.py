"""Request bodies follow one JSON rule with and without orjson (the ``fast`` extra).

Before, ``metadata`` holding NaN went out as ``null`` with orjson and was refused without it;
datetimes and UUIDs went out only with orjson; ``2**70`` and integer keys only without. Now a
refused body is an ``InvalidRequestError`` before anything is sent, and an accepted one reaches
the server as the same JSON value, on both encoders.
"""

from __future__ import annotations

import json
import math
import uuid
from datetime import datetime, timezone
from typing import Any

import pytest

from bluejay_async import BluejayClient, RetryPolicy
from bluejay_async.core import codec
from bluejay_async.errors import InvalidRequestError
from tests.scripted_server import Reply, scripted_server

KEY = "bj-json-SECRET-1a2b"
UPDATE = "/v1/update-simulation-result"


@pytest.fixture(params=["orjson", "json"])
def encoder(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "json":
        monkeypatch.setattr(codec, "_orjson", None)
    elif codec._orjson is None:  # pragma: no cover - the fast extra is a dev dependency
        pytest.skip("orjson is not installed")
    return str(request.param)


@pytest.mark.parametrize(
    ("metadata", "match"),
    [
        ({"score": math.nan}, "NaN or Infinity"),
        ({"score": [1.0, math.inf]}, r"\$\.metadata\.score\[1\]"),
        ({"nested": {1: "one"}}, "keys must be strings"),
        ({"blob": b"\x00"}, "bytes"),
    ],
)
async def test_a_body_outside_the_rule_is_refused_before_sending(
    encoder: str, metadata: dict[str, Any], match: str
) -> None:
    async with scripted_server() as server:
        server.script("POST", UPDATE, Reply(json={"status": "ok"}))
        async with BluejayClient(
            api_key=KEY, base_url=server.url, retry=RetryPolicy(max_attempts=1)
        ) as bj:
            with pytest.raises(InvalidRequestError, match=match):
                await bj.results.update("r1", metadata=metadata)
        assert server.requests == []


async def test_an_accepted_body_reaches_the_server_as_the_same_json(encoder: str) -> None:
    metadata = {
        "at": datetime(2024, 5, 6, 12, 0, tzinfo=timezone.utc),
        "id": uuid.UUID(int=7),
        "big": 2**70,
        "ratio": 0.1,
    }
    async with scripted_server() as server:
        server.script("POST", UPDATE, Reply(json={"status": "ok"}))
        async with BluejayClient(api_key=KEY, base_url=server.url) as bj:
            await bj.results.update("r1", metadata=metadata)
        [seen] = server.requests
    assert json.loads(seen.body)["metadata"] == {
        "at": "2024-05-06T12:00:00+00:00",
        "id": "00000000-0000-0000-0000-000000000007",
        "big": 2**70,
        "ratio": 0.1,
    }
