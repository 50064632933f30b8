"""Cognigy runs endpoint: auth, query validation, run shape, offset and cursor pagination."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from bluejay_async.sandbox import Sandbox, SandboxConfig, run_sandbox

from .helpers import NULL, NUMBER, bearer, check_shape, get, is_datetime, url

STR, INT, BOOL, OBJ, ARR = (str,), (int,), (bool,), (dict,), (list,)
RUN = {
    "id": (STR, True),
    "organisationReference": (STR, True),
    "projectReference": (STR, True),
    "simulationReference": (STR, True),
    "simulationRunBatchReference": (STR, True),
    "sequence": (INT, True),
    "largeLanguageModelReferenceId": (STR, True),
    "endPointType": (STR, False),
    "turns": (ARR, True),
    "totalTurns": (INT, True),
    "maxTurns": (INT, False),
    "successCriteria": (ARR, True),
    "metrics": (OBJ, True),
    "createdAt": (INT, True),
    "createdBy": (STR, True),
    "duration": (INT, False),
    "expiresAt": (STR, False),
}
TURN = {
    "id": (STR, False),
    "sequence": (INT, False),
    "text": (STR, False),
    "data": (OBJ, False),
    "createdAt": (INT, False),
}
METRICS = {
    "sentiment": (STR, False),
    "success": (BOOL, False),
    "results": (ARR, False),
    "successRate": (OBJ, False),
    "summary": (STR, False),
    "isBatchStopped": (BOOL, False),
    "isConversationEnded": (BOOL, False),
    "errorInfo": (OBJ, False),
    "status": (STR, False),
}
PAGINATION = {
    "limit": (INT, True),
    "skip": (INT, True),
    "total": (INT, True),
    "hasNext": (BOOL, True),
    "hasPrevious": (BOOL, True),
    "next": ((str, NULL), False),
    "previous": ((str, NULL), False),
}


def runs_path(sim: str = "sim-1", batch: str = "batch-1") -> str:
    return f"/testing/simulations/{sim}/batches/{batch}/runs"


async def page(
    http: aiohttp.ClientSession, sb: Sandbox, query: str, path: str | None = None, **kw: Any
) -> tuple[int, Any]:
    target = url(sb.base_url, (path or runs_path()) + "?" + query)
    return await get(http, target, kw.get("headers", bearer(sb)))


async def test_run_objects_match_the_openapi_schema(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await page(http, sandbox, "projectId=p1&limit=100")
    assert status == 200
    check_shape(body["pagination"], PAGINATION, "pagination")
    statuses = set()
    for run in body["data"]:
        check_shape(run, RUN, run["id"])
        assert run["projectReference"] == "p1"
        assert (run["simulationReference"], run["simulationRunBatchReference"]) == (
            "sim-1",
            "batch-1",
        )
        assert is_datetime(run["expiresAt"])
        assert run["totalTurns"] == len(run["turns"])
        for turn in run["turns"]:
            check_shape(turn, TURN, "turn")
            assert turn["createdAt"] >= run["createdAt"]
        for criterion in run["successCriteria"]:
            assert isinstance(criterion["type"], str)
            assert isinstance(criterion["params"], dict)
        metrics = run["metrics"]
        check_shape(metrics, METRICS, "metrics")
        assert metrics["sentiment"] in ("positive", "negative", "neutral")
        assert metrics["status"] in ("SUCCESS", "FAILED", "ERROR")
        rate = metrics["successRate"]
        assert isinstance(rate["percentage"], NUMBER)
        assert isinstance(rate["numerator"], int)
        assert isinstance(rate["denominator"], int)
        if "errorInfo" in metrics:
            assert metrics["errorInfo"]["category"] in (
                "NONE",
                "LLM_PROVIDER_ERROR",
                "AI_AGENT_TIMEOUT",
                "AI_AGENT_ERROR",
                "UNKNOWN",
            )
        statuses.add(metrics["status"])
    assert statuses == {"SUCCESS", "FAILED", "ERROR"}


async def test_defaults_newest_first(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    status, body = await page(http, sandbox, "projectId=p1")
    assert status == 200
    p = body["pagination"]
    assert (p["limit"], p["skip"], p["total"], p["hasNext"], p["hasPrevious"]) == (
        20,
        0,
        250,
        True,
        False,
    )
    assert [r["sequence"] for r in body["data"]] == list(range(250, 230, -1))
    created = [r["createdAt"] for r in body["data"]]
    assert created == sorted(created, reverse=True)


@pytest.mark.parametrize("sort", ["sequence:asc", "createdAt:asc", "sequence"])
async def test_ascending_sorts(sandbox: Sandbox, http: aiohttp.ClientSession, sort: str) -> None:
    status, body = await page(http, sandbox, f"projectId=p&limit=5&sort={sort}")
    assert status == 200
    assert [r["sequence"] for r in body["data"]] == [1, 2, 3, 4, 5]


async def test_auth(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    for headers in (
        {},
        {"Authorization": "Bearer wrong"},
        {"X-API-Key": "wrong"},
        {"Authorization": "Basic c2FuZGJveA=="},
    ):
        status, body = await page(http, sandbox, "projectId=p", headers=headers)
        assert status == 401
        assert set(body) == {"error", "code", "traceId"}
        assert body["code"] == "UNAUTHORIZED"
    for headers in (bearer(sandbox), {"X-API-Key": sandbox.api_key}):
        status, _ = await page(http, sandbox, "projectId=p", headers=headers)
        assert status == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("", "projectId"),
        ("projectId=", "projectId"),
        ("projectId=p&limit=0", "limit"),
        ("projectId=p&limit=101", "limit"),
        ("projectId=p&limit=ten", "limit"),
        ("projectId=p&limit=2.5", "limit"),
        ("projectId=p&skip=-1", "skip"),
        ("projectId=p&skip=x", "skip"),
        ("projectId=p&sort=name:asc", "sort"),
        ("projectId=p&sort=createdAt:up", "sort"),
        ("projectId=p&next=garbage", "next"),
        ("projectId=p&next=eyJ2IjoxfQ", "next"),
        ("projectId=p&previous=%21%21", "previous"),
    ],
)
async def test_bad_query_is_400(
    sandbox: Sandbox, http: aiohttp.ClientSession, query: str, field: str
) -> None:
    status, body = await page(http, sandbox, query)
    assert status == 400
    assert body["field"] == field
    assert body["code"] == "VALIDATION_ERROR"
    assert isinstance(body["error"], str)
    assert isinstance(body["traceId"], str)


async def test_cursor_from_another_query_is_rejected(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    _, first = await page(http, sandbox, "projectId=p&limit=3")
    token = first["pagination"]["next"]
    status, body = await page(
        http, sandbox, f"projectId=p&next={token}", runs_path("sim-1", "other")
    )
    assert (status, body["field"]) == (400, "next")
    status, body = await page(http, sandbox, f"projectId=p&sort=sequence:asc&next={token}")
    assert (status, body["field"]) == (400, "next")
    tampered = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    status, body = await page(http, sandbox, f"projectId=p&next={tampered}")
    assert (status, body["field"]) == (400, "next")


async def walk_forward(
    http: aiohttp.ClientSession,
    sb: Sandbox,
    query: str,
    *,
    by_cursor: bool,
    between_pages: Any = None,
) -> list[int]:
    """Sequences seen walking forward, following ``next`` or advancing ``skip``."""
    seen: list[int] = []
    extra, skip = "", 0
    while True:
        status, body = await page(http, sb, f"{query}{extra}")
        assert status == 200, body
        seen += [r["sequence"] for r in body["data"]]
        p = body["pagination"]
        if between_pages is not None:
            between_pages(len(seen))
        if by_cursor:
            if not p["next"]:
                assert not p["hasNext"]
                return seen
            assert not p["next"].isdigit(), "cursors are opaque, not offsets"
            extra = f"&next={p['next']}"
        else:
            if not p["hasNext"]:
                return seen
            skip += len(body["data"])
            extra = f"&skip={skip}"


async def test_walk_by_cursor_sees_every_run_once(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    seen = await walk_forward(http, sandbox, "projectId=p&limit=33", by_cursor=True)
    assert seen == list(range(250, 0, -1))


async def test_offset_mode_walk_and_null_cursors(http: aiohttp.ClientSession) -> None:
    async with run_sandbox(SandboxConfig(cognigy_cursors=False, cognigy_runs_per_batch=95)) as sb:
        seen = await walk_forward(
            http, sb, "projectId=p&limit=10&sort=sequence:asc", by_cursor=False
        )
        assert seen == list(range(1, 96))
        for query in (
            "projectId=p&limit=10",
            "projectId=p&limit=10&skip=50",
            "projectId=p&skip=90",
        ):
            _, body = await page(http, sb, query)
            assert body["pagination"]["next"] is None
            assert body["pagination"]["previous"] is None
        # Cursor parameters are unknown to such a server and ignored.
        status, body = await page(http, sb, "projectId=p&limit=5&next=whatever")
        assert status == 200
        assert body["pagination"]["skip"] == 0


async def test_page_size_cap(http: aiohttp.ClientSession) -> None:
    config = SandboxConfig(cognigy_max_page_size=7, cognigy_runs_per_batch=40)
    async with run_sandbox(config) as sb:
        status, body = await page(http, sb, "projectId=p&limit=20")
        assert status == 200
        assert len(body["data"]) == 7
        assert body["pagination"]["limit"] == 20
        assert body["pagination"]["hasNext"]
        assert await walk_forward(http, sb, "projectId=p&limit=20", by_cursor=False) == list(
            range(40, 0, -1)
        )
        assert await walk_forward(http, sb, "projectId=p&limit=20", by_cursor=True) == list(
            range(40, 0, -1)
        )


async def test_cursor_walk_is_stable_while_runs_are_appended(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    def append(seen_so_far: int) -> None:
        if seen_so_far == 50:
            assert sandbox.state.cognigy_append("sim-1", "batch-1", 30) == 280

    seen = await walk_forward(
        http, sandbox, "projectId=p&limit=25", by_cursor=True, between_pages=append
    )
    assert seen == list(range(250, 0, -1)), "no run twice, none skipped"
    # The new runs sort first and are reached backwards from the first page.
    _, first = await page(http, sandbox, "projectId=p&limit=25")
    assert first["pagination"]["total"] == 280
    assert [r["sequence"] for r in first["data"]][:3] == [280, 279, 278]


async def test_offset_walk_duplicates_when_runs_are_appended(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    """Why cursors matter: newest-first offset paging re-serves runs after an append."""

    def append(seen_so_far: int) -> None:
        if seen_so_far == 50:
            sandbox.state.cognigy_append("sim-1", "batch-1", 10)

    seen = await walk_forward(
        http, sandbox, "projectId=p&limit=25", by_cursor=False, between_pages=append
    )
    assert len(seen) == 260
    assert len(set(seen)) == 250


async def test_backward_walk_by_previous(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    forward_pages = []
    extra = ""
    while True:
        _, body = await page(http, sandbox, f"projectId=p&limit=40&sort=sequence:asc{extra}")
        forward_pages.append([r["sequence"] for r in body["data"]])
        if not body["pagination"]["next"]:
            last = body
            break
        extra = f"&next={body['pagination']['next']}"
    assert last["pagination"]["skip"] == 240
    assert last["pagination"]["hasPrevious"]
    backward_pages = []
    body = last
    while body["pagination"]["previous"]:
        token = body["pagination"]["previous"]
        _, body = await page(
            http, sandbox, f"projectId=p&limit=40&sort=sequence:asc&previous={token}"
        )
        backward_pages.append([r["sequence"] for r in body["data"]])
    assert not body["pagination"]["hasPrevious"]
    assert body["pagination"]["skip"] == 0
    assert backward_pages == forward_pages[-2::-1][: len(backward_pages)]
    assert backward_pages[-1][0] == 1
    # The first page back holds the `limit` runs immediately before the cursor.
    assert backward_pages[0] == list(range(201, 241))


async def test_filter_and_endpoint_type(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    status, body = await page(http, sandbox, "projectId=p&limit=100&filter=TIMEOUT")
    assert status == 200
    assert body["data"] == [] or all(
        "timeout" in r["metrics"]["summary"].lower() or "timeout" in r["id"] for r in body["data"]
    )
    status, body = await page(http, sandbox, "projectId=p&limit=100&filter=did%20not%20answer")
    matches = body["pagination"]["total"]
    assert 0 < matches < 250
    assert all("did not answer" in r["metrics"]["summary"] for r in body["data"])
    status, body = await page(http, sandbox, "projectId=p&limit=100&endPointType=rest")
    assert 0 < body["pagination"]["total"] < 250
    assert {r["endPointType"] for r in body["data"]} == {"rest"}
    seen = await walk_forward(
        http, sandbox, "projectId=p&limit=9&endPointType=rest", by_cursor=True
    )
    assert len(seen) == len(set(seen)) == body["pagination"]["total"]


async def test_any_reference_works_and_is_deterministic(http: aiohttp.ClientSession) -> None:
    path = runs_path("a%2Fb%20c", "%23x")
    async with run_sandbox(SandboxConfig(seed=3)) as one, run_sandbox(SandboxConfig(seed=3)) as two:
        _, a = await page(http, one, "projectId=p&limit=5", path)
        _, b = await page(http, two, "projectId=p&limit=5", path)
        _, c = await page(http, one, "projectId=p&limit=5", runs_path("other", "%23x"))
        assert a == b
        assert a["data"][0]["simulationReference"] == "a/b c"
        assert a["data"][0]["simulationRunBatchReference"] == "#x"
        assert a["data"][0]["id"] != c["data"][0]["id"]
        assert one.request_log[-1].match_info == {
            "simulationReference": "other",
            "simulationRunBatchReference": "#x",
        }


async def test_large_batch_pages_quickly(http: aiohttp.ClientSession) -> None:
    async with run_sandbox(SandboxConfig(cognigy_runs_per_batch=100_000)) as sb:
        start = time.perf_counter()
        status, body = await page(http, sb, "projectId=p&limit=100&skip=99950")
        assert status == 200
        assert len(body["data"]) == 50
        assert body["pagination"]["total"] == 100_000
        assert not body["pagination"]["hasNext"]
        status, body = await page(http, sb, "projectId=p&limit=100&sort=sequence:asc")
        status, body = await page(
            http, sb, f"projectId=p&limit=100&sort=sequence:asc&next={body['pagination']['next']}"
        )
        assert [r["sequence"] for r in body["data"]] == list(range(101, 201))
        assert time.perf_counter() - start < 2.0


async def test_unknown_testing_path_is_a_cognigy_404(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await get(http, f"{sandbox.cognigy_url}/simulations/s/runs", bearer(sandbox))
    assert status == 404
    assert body["code"] == "NOT_FOUND"
    assert set(body) == {"error", "code", "traceId"}
