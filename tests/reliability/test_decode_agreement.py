"""Bodies the official schemas accept decode the same on both paths, and no number changes.

The rule: integers are exact at any size (JSON schema ``integer`` has no bound), typed or inside
free-form values; a timestamp's fraction rounds to the microsecond but never past the end of
year 9999; an epoch-millisecond timestamp outside years 1 to 9999 is refused with a clear
error; a Cognigy page without ``pagination`` is accepted and ends a walk. Each case runs on the
msgspec path and on the pure path, end to end against a server on 127.0.0.1.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import pytest

from bluejay_async import BluejayClient, RetryPolicy, SimulationResults
from bluejay_async.core import converter
from bluejay_async.errors import ResponseDecodeError
from cognigy_async import CognigyClient
from tests.core import bodies
from tests.scripted_server import Reply, ScriptedServer

BIG = 2**64  # one past the largest unsigned 64-bit integer (orjson reads it as a float)
LAST = datetime(9999, 12, 31, 23, 59, 59, 999_999, timezone.utc)
RESULTS = f"/v1/retrieve-simulation-results/{bodies.RUN_ID}"
RUNS = "/simulations/s/batches/b/runs"
RUN: dict[str, Any] = {
    "id": "r1",
    "organisationReference": "o",
    "projectReference": "p1",
    "simulationReference": "s",
    "simulationRunBatchReference": "b",
    "sequence": 1,
    "largeLanguageModelReferenceId": "llm",
    "turns": [{"id": "t1", "sequence": 1, "data": {"k": 1}, "createdAt": 1_735_689_600_000}],
    "totalTurns": 1,
    "successCriteria": [{"type": "text", "params": {}}],
    "metrics": {"results": [{"type": "text"}]},
    "createdAt": 1_735_689_600_000,
    "createdBy": "me",
}


@pytest.fixture(params=["msgspec", "cattrs"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "msgspec" and converter.msgspec is None:  # pragma: no cover
        pytest.skip("msgspec is not installed")
    monkeypatch.setattr(converter, "_BACKEND", request.param)
    return str(request.param)


@pytest.fixture
async def bj(server: ScriptedServer) -> AsyncIterator[BluejayClient]:
    async with BluejayClient(api_key="decode-agreement-key", base_url=server.url) as client:
        yield client


@pytest.fixture
async def cg(server: ScriptedServer) -> AsyncIterator[CognigyClient]:
    retry = RetryPolicy(max_attempts=1)
    token = "decode-agreement-token"
    async with CognigyClient(token=token, base_url=server.url, project_id="p1", retry=retry) as c:
        yield c


async def test_integers_beyond_64_bits_stay_exact_in_typed_and_free_form_fields(
    backend: str, server: ScriptedServer, bj: BluejayClient
) -> None:
    body = bodies.results_body(1)
    result = body["simulation_results"][0]
    result["id"] = BIG
    result["duration"] = -BIG
    result["result"] = {"count": BIG, "nested": [BIG + 1, {"n": -(2**100)}]}
    result["events"][0]["metadata"] = {"offset": 2**70}
    result["tool_calls"][0]["actual"][0]["output"] = BIG
    server.script("GET", RESULTS, Reply(json=body))

    res = await bj.results.retrieve(bodies.RUN_ID)

    decoded = res.simulation_results[0]
    assert decoded.id == BIG
    assert type(decoded.id) is int
    assert decoded.duration == -BIG
    assert decoded.result == {"count": BIG, "nested": [BIG + 1, {"n": -(2**100)}]}
    assert type(decoded.result["count"]) is int
    assert decoded.events[0].metadata == {"offset": 2**70}
    assert decoded.tool_calls[0].actual[0].output == BIG


async def test_a_number_beyond_the_float_range_is_refused_the_same_way(
    backend: str, server: ScriptedServer, bj: BluejayClient
) -> None:
    body = json.dumps(bodies.results_body(1))
    huge = "1" + "0" * 400  # an integer in a number field, beyond the float range
    cases = [
        (
            body.replace('"sentiment_score": 0.82', f'"sentiment_score": {huge}'),
            r"sentiment_score: expected a number, got an integer of 401 digits",
        ),
        # Past Python's 4,300-digit limit for integers: refused as it would be by json.loads.
        (body.replace('"duration": 183', '"duration": ' + "9" * 5000), "is not valid JSON"),
    ]
    server.script("GET", RESULTS, *(Reply(body=raw.encode()) for raw, _ in cases))
    for _, problem in cases:
        with pytest.raises(ResponseDecodeError, match=problem):
            await bj.results.retrieve(bodies.RUN_ID)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9999-12-31T23:59:59.9999995Z", LAST),
        ("9999-12-31T23:59:59.999999999Z", LAST),
        ("2024-02-29T23:59:59.9999995Z", datetime(2024, 3, 1, tzinfo=timezone.utc)),
    ],
)
async def test_fractions_round_but_never_past_year_9999(
    backend: str, server: ScriptedServer, bj: BluejayClient, text: str, expected: datetime
) -> None:
    body = bodies.results_body(1)
    body["simulation_run"]["created_at"] = text
    body["simulation_results"][0]["evaluations"][0]["created_at"] = text
    server.script("GET", RESULTS, Reply(json=body))

    res = await bj.results.retrieve(bodies.RUN_ID)

    assert res.simulation_run.created_at == expected
    assert res.simulation_results[0].evaluations[0].created_at == expected


async def test_the_same_record_on_both_paths(server: ScriptedServer, bj: BluejayClient) -> None:
    body = bodies.results_body(3)
    body["simulation_results"][0]["result"] = {"big": BIG}
    server.script("GET", RESULTS, Reply(json=body))
    seen: list[SimulationResults] = []
    for name in ("msgspec", "cattrs") if converter.msgspec is not None else ("cattrs",):
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(converter, "_BACKEND", name)
            seen.append(await bj.results.retrieve(bodies.RUN_ID))
    assert all(record == seen[0] for record in seen)
    assert repr(seen[-1]) == repr(seen[0])


async def test_a_cognigy_page_without_pagination_is_read_and_ends_the_walk(
    backend: str, server: ScriptedServer, cg: CognigyClient
) -> None:
    second = {**RUN, "id": "r2", "sequence": BIG}
    server.script("GET", RUNS, Reply(json={"data": [RUN, second]}))

    page = await cg.runs.list("s", "b")
    runs = [run async for run in cg.runs.iterate("s", "b")]

    assert page.pagination is None
    assert [run.id for run in page.data] == ["r1", "r2"]
    assert [run.id for run in runs] == ["r1", "r2"]
    assert runs[1].sequence == BIG
    assert server.count("GET", RUNS) == 2  # one for list, one for the walk: nothing follows


@pytest.mark.parametrize("created_at", [253_402_300_800_000, -62_135_596_800_001, 2**63 - 1])
async def test_cognigy_created_at_outside_years_1_to_9999_is_refused(
    backend: str, server: ScriptedServer, cg: CognigyClient, created_at: int
) -> None:
    run = copy.deepcopy(RUN)
    run["turns"][0]["createdAt"] = created_at
    server.script("GET", RUNS, Reply(json={"data": [run]}))

    with pytest.raises(ResponseDecodeError) as info:
        await cg.runs.list("s", "b")

    assert info.value.path == "$.data[0].turns[0].createdAt"
    assert "is outside the datetime range (years 1 to 9999)" in str(info.value)
