"""Fault injection: every kind, its selection (after/times/probability), counters, presets."""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from email.utils import parsedate_to_datetime

import aiohttp
import pytest

from bluejay_async.sandbox import FAULT_PRESETS, FaultRule, Sandbox, SandboxConfig, run_sandbox
from bluejay_async.sandbox.faults import ROUTES, FaultEngine, TokenBucket

from .helpers import bearer, key, post

RESULTS = "/v1/retrieve-simulation-results/1001"
COGNIGY = "/testing/simulations/s/batches/b/runs?projectId=p"


async def status_of(http: aiohttp.ClientSession, sb: Sandbox, path: str = RESULTS) -> int:
    async with http.get(sb.base_url + path, headers={**key(sb), **bearer(sb)}) as resp:
        await resp.read()
        return resp.status


async def test_status_fault_json_body_and_retry_after(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.set_faults(
        [FaultRule("status", "retrieve_simulation_results", status=503, retry_after=2, times=1)]
    )
    async with http.get(sandbox.base_url + RESULTS, headers=key(sandbox)) as resp:
        assert resp.status == 503
        assert await resp.json() == {"detail": "Service Unavailable"}
        assert resp.headers["Retry-After"] == "2"
    assert await status_of(http, sandbox) == 200
    assert sandbox.counters.faults[("retrieve_simulation_results", "status")] == 1
    assert sandbox.counters.requests["retrieve_simulation_results"] == 2
    assert [r.status for r in sandbox.request_log] == [503, 200]
    assert sandbox.request_log[0].fault == "status"


async def test_status_fault_cognigy_shape_and_html(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.set_faults([FaultRule("status", "*", status=500, times=1)])
    async with http.get(sandbox.base_url + COGNIGY, headers=bearer(sandbox)) as resp:
        body = await resp.json()
        assert resp.status == 500
        assert body["code"] == "INTERNAL_SERVER_ERROR"
        assert set(body) == {"error", "code", "traceId"}
    sandbox.set_faults([FaultRule("status", "cognigy_runs", status=502, html=True)])
    async with http.get(sandbox.base_url + COGNIGY, headers=bearer(sandbox)) as resp:
        assert resp.status == 502
        assert resp.content_type == "text/html"
        assert "502 Bad Gateway" in await resp.text()


async def test_retry_after_forms(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.set_faults(
        [FaultRule("status", "*", status=429, retry_after=30, retry_after_http_date=True)]
    )
    async with http.get(sandbox.base_url + RESULTS, headers=key(sandbox)) as resp:
        when = parsedate_to_datetime(resp.headers["Retry-After"]).timestamp()
        assert 25 < when - time.time() <= 31
    sandbox.set_faults([FaultRule("status", "*", status=429, retry_after=0.25)])
    async with http.get(sandbox.base_url + RESULTS, headers=key(sandbox)) as resp:
        assert resp.headers["Retry-After"] == "0.25"


async def test_rate_limit_token_bucket(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.set_faults([FaultRule("rate_limit", "retrieve_simulation_results", rate=20, burst=2)])
    assert [await status_of(http, sandbox) for _ in range(3)] == [200, 200, 429]
    async with http.get(sandbox.base_url + RESULTS, headers=key(sandbox)) as resp:
        assert resp.status == 429
        assert await resp.json() == {"detail": "Rate limit exceeded"}
        assert resp.headers["Retry-After"] == "1"
        assert resp.headers["X-RateLimit-Limit"] == "20"
        assert resp.headers["X-RateLimit-Remaining"] == "0"
        assert 0 < float(resp.headers["X-RateLimit-Reset"]) <= 0.05
    await asyncio.sleep(0.06)
    async with http.get(sandbox.base_url + RESULTS, headers=key(sandbox)) as resp:
        assert resp.status == 200
        assert resp.headers["X-RateLimit-Limit"] == "20"
    assert sandbox.counters.faults[("retrieve_simulation_results", "rate_limit")] == 2
    assert await status_of(http, sandbox, "/v1/get-simulation-runs/1") == 200, "other routes free"


async def test_rate_limit_buckets_are_per_route(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.set_faults([FaultRule("rate_limit", "*", rate=1, burst=1)])
    assert await status_of(http, sandbox) == 200
    assert await status_of(http, sandbox, "/v1/get-simulation-runs/1") == 200
    assert await status_of(http, sandbox, COGNIGY) == 200
    assert await status_of(http, sandbox) == 429
    async with http.get(sandbox.base_url + COGNIGY, headers=bearer(sandbox)) as resp:
        assert resp.status == 429
        assert (await resp.json())["code"] == "TOO_MANY_REQUESTS"


def test_token_bucket_refills_at_rate() -> None:
    now = [0.0]
    bucket = TokenBucket(rate=4, burst=2, clock=lambda: now[0])
    assert [bucket.take() for _ in range(3)] == [0.0, 0.0, 0.25]
    now[0] = 0.125
    assert bucket.take() == pytest.approx(0.125)
    now[0] = 0.25
    assert bucket.take() == 0.0
    now[0] = 10.0
    assert bucket.tokens == 2


async def test_drop_before_applies_nothing(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.set_faults([FaultRule("drop_before", "update_simulation_result", times=1)])
    body = {"simulation_result_id": "50001", "tags": ["t"]}
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await post(http, sandbox.base_url + "/v1/update-simulation-result", body, key(sandbox))
    assert sandbox.counters.writes["update_simulation_result"] == 0
    assert sandbox.request_log[-1].status is None
    assert sandbox.request_log[-1].fault == "drop_before"
    status, _ = await post(
        http, sandbox.base_url + "/v1/update-simulation-result", body, key(sandbox)
    )
    assert status == 200
    assert sandbox.counters.writes["update_simulation_result"] == 1


async def test_drop_after_applies_the_write(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.set_faults([FaultRule("drop_after", "create_simulation", times=1)])
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await post(
            http, sandbox.base_url + "/v1/create-simulation", {"agent_id": "a"}, key(sandbox)
        )
    assert sandbox.counters.writes["create_simulation"] == 1
    assert 4 in sandbox.state.simulations
    # A client retrying the POST would now create a duplicate:
    status, body = await post(
        http, sandbox.base_url + "/v1/create-simulation", {"agent_id": "a"}, key(sandbox)
    )
    assert (status, body["simulation_id"]) == (200, 5)
    assert sandbox.counters.faults[("create_simulation", "drop_after")] == 1


async def test_latency_fault_and_global_latency(http: aiohttp.ClientSession) -> None:
    async with run_sandbox(SandboxConfig(latency=0.03)) as sb:
        sb.set_faults([FaultRule("latency", "retrieve_simulation_results", delay=0.05)])
        start = time.perf_counter()
        assert await status_of(http, sb) == 200
        assert time.perf_counter() - start >= 0.08
        start = time.perf_counter()
        assert await status_of(http, sb, "/v1/get-simulation-runs/1") == 200
        assert 0.03 <= time.perf_counter() - start < 0.08
        assert sb.counters.faults[("retrieve_simulation_results", "latency")] == 1
        assert sb.request_log[0].fault == "latency"


async def test_latency_combines_with_a_deciding_fault(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.set_faults(
        [FaultRule("latency", "*", delay=0.02), FaultRule("status", "*", status=504, times=1)]
    )
    start = time.perf_counter()
    assert await status_of(http, sandbox) == 504
    assert time.perf_counter() - start >= 0.02
    assert sandbox.counters.faults[("retrieve_simulation_results", "latency")] == 1
    assert sandbox.counters.faults[("retrieve_simulation_results", "status")] == 1


async def test_truncated_body(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.set_faults([FaultRule("truncate", "retrieve_simulation_results", times=1)])
    async with http.get(sandbox.base_url + RESULTS, headers=key(sandbox)) as resp:
        assert resp.status == 200
        assert resp.content_length == len(sandbox.state.retrieve_body(1001) or b"")
        with pytest.raises(aiohttp.ClientPayloadError):
            await resp.read()
    assert sandbox.counters.faults[("retrieve_simulation_results", "truncate")] == 1
    assert await status_of(http, sandbox) == 200


async def test_broken_json_body(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    full = sandbox.state.retrieve_body(1001)
    assert full is not None
    sandbox.set_faults([FaultRule("truncate", "*", broken_json=True, truncate_at=0.3, times=1)])
    async with http.get(sandbox.base_url + RESULTS, headers=key(sandbox)) as resp:
        assert resp.status == 200
        body = await resp.read()
    assert body == full[: int(len(full) * 0.3)]
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)


async def test_after_and_times(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.set_faults(
        [FaultRule("status", "retrieve_simulation_results", status=500, after=2, times=2)]
    )
    statuses = [await status_of(http, sandbox) for _ in range(6)]
    assert statuses == [200, 200, 500, 500, 200, 200]


async def test_rules_only_see_their_route(sandbox: Sandbox, http: aiohttp.ClientSession) -> None:
    sandbox.set_faults([FaultRule("status", "cognigy_runs", status=503)])
    assert await status_of(http, sandbox) == 200
    assert await status_of(http, sandbox, COGNIGY) == 503
    sandbox.clear_faults()
    assert sandbox.faults == ()
    assert await status_of(http, sandbox, COGNIGY) == 200


async def test_unmatched_routes_are_never_faulted(
    sandbox: Sandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.set_faults([FaultRule("status", "*", status=503)])
    assert await status_of(http, sandbox, "/v1/unknown") == 404


async def test_probability_is_reproducible_from_the_seed(http: aiohttp.ClientSession) -> None:
    async def sequence(seed: int) -> list[int]:
        rules = (FaultRule("status", "*", status=500, probability=0.5),)
        async with run_sandbox(SandboxConfig(seed=seed, faults=rules)) as sb:
            return [await status_of(http, sb) for _ in range(40)]

    first, again, other = await sequence(1), await sequence(1), await sequence(2)
    assert first == again
    assert first != other
    assert 5 < first.count(500) < 35


def test_engine_decisions_are_reproducible() -> None:
    rules = [
        FaultRule("latency", "*", delay=0.01, probability=0.3),
        FaultRule("status", "*", status=503, probability=0.2),
        FaultRule("drop_before", "*", probability=0.1),
    ]

    def decisions(seed: int) -> list[tuple[str | None, int]]:
        engine = FaultEngine(seed, rules)
        out: list[tuple[str | None, int]] = []
        for i in range(200):
            d = engine.decide(ROUTES[i % len(ROUTES)])
            out.append((d.rule.kind if d.rule else None, d.latency_hits))
        return out

    assert decisions(5) == decisions(5)
    assert decisions(5) != decisions(6)


def test_rule_validation() -> None:
    with pytest.raises(ValueError, match="fault kind"):
        FaultRule("explode")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="route"):
        FaultRule("status", "delete_everything")
    with pytest.raises(ValueError, match="probability"):
        FaultRule("status", probability=1.5)


def test_presets() -> None:
    assert FAULT_PRESETS["none"] == ()
    realistic = FAULT_PRESETS["realistic"]
    kinds = {r.kind for r in realistic}
    assert {"status", "drop_before", "latency", "truncate"} <= kinds
    assert "drop_after" not in kinds
    assert any(r.status == 429 and r.retry_after for r in realistic)
    assert any(r.html for r in realistic)
    assert all(
        r.route in ("get_simulation_runs", "retrieve_simulation_results", "cognigy_runs")
        for r in realistic
        if r.kind == "truncate"
    )
    assert all(r.delay <= 0.1 for r in realistic)
    assert "drop_after" not in {r.kind for r in FAULT_PRESETS["flaky"]}
    for rules in FAULT_PRESETS.values():
        assert all(isinstance(r, FaultRule) for r in rules)


def test_realistic_preset_mix() -> None:
    engine = FaultEngine(0, FAULT_PRESETS["realistic"])
    kinds: Counter[str] = Counter()
    for i in range(3000):
        decision = engine.decide(ROUTES[i % len(ROUTES)])
        kinds[decision.rule.kind if decision.rule else "ok"] += 1
        kinds["latency"] += decision.latency_hits
    assert kinds["ok"] > 2400
    assert all(kinds[k] > 10 for k in ("status", "drop_before", "truncate", "latency"))
    assert kinds["drop_after"] == 0


async def test_realistic_preset_over_http(http: aiohttp.ClientSession) -> None:
    async with run_sandbox(SandboxConfig(faults=FAULT_PRESETS["realistic"])) as sb:
        statuses = []
        for _ in range(100):
            try:
                statuses.append(await status_of(http, sb, "/v1/get-simulation-runs/1"))
            except aiohttp.ClientError:
                statuses.append(0)
        assert statuses.count(200) > 75
        assert set(statuses) - {200}
        logged = [r.status for r in sb.request_log if r.fault in ("status", None)]
        assert sb.counters.faults_of_kind("status") == sum(s != 200 for s in logged)
