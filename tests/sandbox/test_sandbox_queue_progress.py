"""A queued run over time: driven by a ManualClock, never by sleeping."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bluejay_async.sandbox import ManualClock, Sandbox, SandboxConfig, SandboxState, run_sandbox
from bluejay_async.sandbox.queued import FINISHED, IN_PROGRESS, QUEUED

from .helpers import check_shape, get, is_datetime, key, post, queue, retrieve, run_rows
from .shapes import SIMULATION_RUN_RES, SIMULATION_RUN_RESULT_RESPONSE, check_result

FINISHED_STATUSES = ("completed", "failed")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def slow(clock: ManualClock) -> AsyncIterator[Sandbox]:
    """A sandbox whose queued runs take 60 seconds of its manual clock."""
    async with run_sandbox(SandboxConfig(run_seconds=60, seed=3), clock=clock) as sb:
        yield sb


async def _queue(http: aiohttp.ClientSession, sb: Sandbox, **body: Any) -> str:
    status, payload = await queue(http, sb, {"simulation_id": "1", **body})
    assert status == 200, payload
    run_id: str = payload["simulation_run_id"]
    return run_id


def _check_counts(run: Any) -> None:
    passed, failed, total = run["tests_passed"], run["tests_failed"], run["total_tests"]
    assert run["tests_completed"] == passed + failed
    assert run["tests_incompleted"] == total - passed - failed


async def test_a_queued_run_starts_running_with_nothing_finished(
    slow: Sandbox, http: aiohttp.ClientSession
) -> None:
    run_id = await _queue(http, slow)
    body = await retrieve(http, slow, run_id)
    run = body["simulation_run"]
    check_shape(run, SIMULATION_RUN_RESULT_RESPONSE, "simulation_run")
    assert (run["id"], run["simulation_id"]) == (run_id, "1")
    assert run["created_at"] == "2025-06-02T09:00:00Z", "the clock's reading when queued"
    assert run["status"] == "RUNNING"
    assert run["summary"] is None
    assert (run["tests_completed"], run["tests_incompleted"]) == (0, 10)
    for result in body["simulation_results"]:
        check_result(result, f"result {result['id']}")
        assert result["status"] in ("queued", "in_progress")
        assert result["evaluations"] == []
        assert result["end_time"] is None
        assert (result["start_time"] is None) == (result["status"] == "queued")
    [row] = [r for r in await run_rows(http, slow, 1) if r["id"] == int(run_id)]
    check_shape(row, SIMULATION_RUN_RES, "row")
    assert (row["status"], row["tests_completed"]) == ("RUNNING", 0)
    assert row["curr_step_id"] == 1


async def test_each_result_finishes_at_its_own_moment(
    slow: Sandbox, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    run_id = await _queue(http, slow)
    schedule = slow.state.queued[int(run_id)]
    assert max(schedule.finishes) == 60.0
    assert len(set(schedule.finishes)) == len(schedule.finishes), "moments are spread"
    timings = zip(schedule.starts, schedule.finishes, strict=True)
    assert all(0 <= start < finish for start, finish in timings)
    order = sorted(range(len(schedule.finishes)), key=schedule.finishes.__getitem__)
    elapsed = 0.0
    previous: dict[int, Any] = {}
    for done, position in enumerate(order):
        moment = schedule.finishes[position]
        for target, expect_done in ((moment - 1e-3, done), (moment + 1e-3, done + 1)):
            clock.advance(target - elapsed)
            elapsed = target
            body = await retrieve(http, slow, run_id)
            run = body["simulation_run"]
            _check_counts(run)
            assert run["tests_completed"] == expect_done
            finished = [r for r in body["simulation_results"] if r["status"] in FINISHED_STATUSES]
            assert len(finished) == expect_done
            result = body["simulation_results"][position]
            assert (result["status"] in FINISHED_STATUSES) == (target > moment)
            if target < moment:
                assert result["status"] == "in_progress", "started before it finishes"
            for other in finished:  # a finished result never changes again
                assert previous.setdefault(other["id"], other) == other
            expected_status = "COMPLETED" if expect_done == len(order) else "RUNNING"
            assert run["status"] == expected_status
            [row] = [r for r in await run_rows(http, slow, 1) if r["id"] == int(run_id)]
            assert row["status"] == expected_status
            assert row["tests_completed"] == expect_done
            assert (row["tests_passed"], row["tests_failed"]) == (
                run["tests_passed"],
                run["tests_failed"],
            )


async def test_the_run_completes_exactly_at_run_seconds(
    slow: Sandbox, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    run_id = await _queue(http, slow)
    clock.advance(59.5)
    assert (await retrieve(http, slow, run_id))["simulation_run"]["status"] == "RUNNING"
    clock.advance(0.5)
    body = await retrieve(http, slow, run_id)
    run = body["simulation_run"]
    assert run["status"] == "COMPLETED"
    assert run["tests_completed"] == run["total_tests"] == 10
    passed, failed = run["tests_passed"], run["tests_failed"]
    figures = (f"{passed} of 10", f"{10 * passed}%", f"{failed} failing", "All 10", "100%")
    assert any(figure in run["summary"] for figure in figures), run["summary"]
    for result in body["simulation_results"]:
        check_result(result, f"result {result['id']}")
        assert result["status"] in FINISHED_STATUSES
        assert is_datetime(result["end_time"])
    [row] = [r for r in await run_rows(http, slow, 1) if r["id"] == int(run_id)]
    assert (row["status"], row["curr_step_id"], row["summary"]) == (
        "COMPLETED",
        12,
        run["summary"],
    )
    clock.advance(3600)
    assert await retrieve(http, slow, run_id) == body


async def test_results_carry_realistic_evaluations(
    slow: Sandbox, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    humans = [str(5000 + n) for n in range(1, 21)]
    run_id = await _queue(http, slow, digital_human_ids=humans)
    clock.advance(60)
    results = (await retrieve(http, slow, run_id))["simulation_results"]
    assert [str(r["digital_human_id"]) for r in results] == humans
    plan = slow.state.plans[int(run_id)]
    evaluated = 0
    for result, outcome in zip(results, plan.outcomes, strict=True):
        assert result["result"]["goal_met"] == (outcome == "passed")
        assert isinstance(result["duration"], int)
        assert result["duration"] > 0
        assert result["transcript_url"].startswith("https://")
        if result["status"] == "failed":  # the call itself errored: nothing to evaluate
            assert result["evaluations"] == []
            continue
        evaluated += 1
        assert result["audio_url"].startswith("https://")
        for evaluation in result["evaluations"]:
            assert evaluation["goal_success"] == (outcome == "passed")
            assert evaluation["goal_reasoning"]
            assert isinstance(evaluation["hallucination"], bool)
            assert evaluation["hallucination_reasoning"]
            assert evaluation["latency"]["p95_agent_latency"] > 0
            assert evaluation["avg_agent_latency"] > 0
    assert evaluated >= 10


async def test_run_seconds_zero_completes_at_once(http: aiohttp.ClientSession) -> None:
    async with run_sandbox(SandboxConfig(run_seconds=0), clock=ManualClock()) as sb:
        run_id = await _queue(http, sb)
        body = await retrieve(http, sb, run_id)
        assert body["simulation_run"]["status"] == "COMPLETED"
        assert all(r["status"] in FINISHED_STATUSES for r in body["simulation_results"])


async def test_run_seconds_zero_with_the_system_clock(http: aiohttp.ClientSession) -> None:
    async with run_sandbox(SandboxConfig(run_seconds=0)) as sb:
        run_id = await _queue(http, sb)
        assert (await retrieve(http, sb, run_id))["simulation_run"]["status"] == "COMPLETED"


async def test_an_endless_run_never_completes(
    http: aiohttp.ClientSession, clock: ManualClock
) -> None:
    async with run_sandbox(SandboxConfig(run_seconds=math.inf), clock=clock) as sb:
        run_id = await _queue(http, sb)
        clock.advance(10**9)
        body = await retrieve(http, sb, run_id)
        assert body["simulation_run"]["status"] == "RUNNING"
        assert {r["status"] for r in body["simulation_results"]} == {"in_progress"}


async def _final_bodies(seed: int, rate: float, http: aiohttp.ClientSession) -> list[Any]:
    clock = ManualClock()
    config = SandboxConfig(seed=seed, goal_success_rate=rate, run_seconds=30)
    async with run_sandbox(config, clock=clock) as sb:
        runs = [await _queue(http, sb), await _queue(http, sb, runs_per_digital_human=3)]
        clock.advance(30)
        return [await retrieve(http, sb, run_id) for run_id in runs]


async def test_outcomes_are_deterministic_by_seed(http: aiohttp.ClientSession) -> None:
    first = await _final_bodies(5, 0.5, http)
    assert await _final_bodies(5, 0.5, http) == first
    other = await _final_bodies(6, 0.5, http)
    verdicts = [[r["result"]["goal_met"] for r in b["simulation_results"]] for b in first]
    assert verdicts != [[r["result"]["goal_met"] for r in b["simulation_results"]] for b in other]


@pytest.mark.parametrize("rate", [0.0, 1.0])
async def test_goal_success_rate_extremes(rate: float, http: aiohttp.ClientSession) -> None:
    for body in await _final_bodies(1, rate, http):
        run = body["simulation_run"]
        assert run["tests_passed"] == (run["total_tests"] if rate else 0)
        for result in body["simulation_results"]:
            assert result["result"]["goal_met"] is bool(rate)
            assert all(e["goal_success"] is bool(rate) for e in result["evaluations"])


async def test_goal_success_rate_sets_the_share_of_passing_calls(
    http: aiohttp.ClientSession,
) -> None:
    clock = ManualClock()
    shares = []
    for rate in (0.2, 0.5, 0.9):
        config = SandboxConfig(goal_success_rate=rate, run_seconds=1)
        async with run_sandbox(config, clock=clock) as sb:
            run_id = await _queue(http, sb, runs_per_digital_human=40)
            clock.advance(1)
            run = (await retrieve(http, sb, run_id))["simulation_run"]
            assert run["total_tests"] == 400
            shares.append(run["tests_passed"] / run["total_tests"])
    assert shares == sorted(shares)
    for rate, share in zip((0.2, 0.5, 0.9), shares, strict=True):
        assert abs(share - rate) < 0.1, (rate, share)


async def test_rate_and_duration_can_change_between_runs(
    slow: Sandbox, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    slow.state.goal_success_rate = 0.0
    slow.state.run_seconds = 0
    run_id = await _queue(http, slow)
    run = (await retrieve(http, slow, run_id))["simulation_run"]
    assert (run["status"], run["tests_passed"]) == ("COMPLETED", 0)
    slow.state.goal_success_rate = 1.0
    slow.state.run_seconds = 10
    run_id = await _queue(http, slow)
    clock.advance(10)
    run = (await retrieve(http, slow, run_id))["simulation_run"]
    assert (run["status"], run["tests_passed"]) == ("COMPLETED", 10)


async def test_updates_to_a_queued_result_survive_it_finishing(
    slow: Sandbox, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    run_id = await _queue(http, slow)
    result_id = slow.state.plans[int(run_id)].result_ids[0]
    update = {
        "simulation_result_id": str(result_id),
        "tags": ["nightly"],
        "events": [{"title": "Agent joined", "start_offset_ms": 5}],
    }
    target = f"{slow.bluejay_url}/v1/update-simulation-result"
    assert (await post(http, target, update, key(slow)))[0] == 200
    before = (await retrieve(http, slow, run_id))["simulation_results"][0]
    assert before["status"] in ("queued", "in_progress")
    assert before["tags"] == ["nightly"]
    assert [e["title"] for e in before["events"]] == ["Agent joined"]
    clock.advance(60)
    after = (await retrieve(http, slow, run_id))["simulation_results"][0]
    assert after["status"] in FINISHED_STATUSES
    assert after["tags"] == ["nightly"]
    titles = [e["title"] for e in after["events"]]
    assert titles[0] == "Call connected"
    assert titles[-1] == "Agent joined"
    assert slow.state.results[result_id] == after


async def test_bodies_are_rebuilt_only_when_a_call_starts_or_finishes(
    slow: Sandbox, clock: ManualClock, http: aiohttp.ClientSession
) -> None:
    run_id = int(await _queue(http, slow))
    state = slow.state
    schedule = state.queued[run_id]
    first = state.retrieve_body(run_id)
    assert state.retrieve_body(run_id) is first
    quiet = min((*schedule.starts, *schedule.finishes)) / 2
    clock.advance(quiet)
    assert state.retrieve_body(run_id) is first
    assert state.simulation_runs_body(1) is state.simulation_runs_body(1)
    clock.advance(60)
    assert state.retrieve_body(run_id) != first
    assert state.retrieve_body(run_id) is state.retrieve_body(run_id)


def test_stage_boundaries() -> None:
    clock = ManualClock(start=0.0)
    state = SandboxState(SandboxConfig(run_seconds=8), clock)
    run = state.queue_run({"simulation_id": "1"})
    position = 0
    start, finish = run.starts[position], run.finishes[position]
    assert run.stage(position, start - 1e-9) == QUEUED
    assert run.stage(position, start) == IN_PROGRESS
    assert run.stage(position, finish - 1e-9) == IN_PROGRESS
    assert run.stage(position, finish) == FINISHED
    assert run.phase(0.0) == sum(s <= 0.0 for s in run.starts)
    assert run.phase(8.0) == 2 * len(run.starts)


async def test_unknown_run_is_still_404(slow: Sandbox, http: aiohttp.ClientSession) -> None:
    await _queue(http, slow)
    status, body = await get(
        http, f"{slow.bluejay_url}/v1/retrieve-simulation-results/1015", key(slow)
    )
    assert (status, body) == (404, {"detail": "Simulation run not found"})
