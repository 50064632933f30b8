"""runs.wait / runs.watch over real HTTP (the scripted server), on a fake clock."""

from __future__ import annotations

import asyncio
from contextlib import aclosing
from typing import Any

import pytest

from bluejay_async import BluejayClient
from bluejay_async.errors import (
    InvalidRequestError,
    NotFoundError,
    RunTimeoutError,
    ServerError,
)
from bluejay_async.resources import RunsResource
from tests.runs.conftest import FakeTime, result_body, run_body
from tests.scripted_server import Reply, ScriptedServer

RETRIEVE = "/v1/retrieve-simulation-results/77"


def client_tasks() -> list[asyncio.Task[Any]]:
    """Tasks besides this test's own and the scripted server's connection handlers."""
    return [
        t
        for t in asyncio.all_tasks()
        if t is not asyncio.current_task()
        and not t.get_coro().__qualname__.startswith("RequestHandler.")  # type: ignore[union-attr]
    ]


def script_run(server: ScriptedServer, *bodies: dict[str, Any] | Reply) -> None:
    server.script("GET", RETRIEVE, *(b if isinstance(b, Reply) else Reply(json=b) for b in bodies))


async def test_wait_returns_the_completed_run_and_reports_progress(
    runs: RunsResource, server: ScriptedServer, fake_time: FakeTime
) -> None:
    script_run(
        server,
        run_body("RUNNING", [result_body(1, "in_progress"), result_body(2, "queued")]),
        run_body("RUNNING", [result_body(1, "in_progress"), result_body(2, "queued")]),
        run_body("RUNNING", [result_body(1), result_body(2, "in_progress")]),
        run_body("COMPLETED", [result_body(1), result_body(2, "failed")]),
    )
    calls: list[tuple[int, int | None]] = []
    final = await runs.wait("77", progress=lambda done, total: calls.append((done, total)))
    assert final.simulation_run.status == "COMPLETED"
    assert [r.status for r in final.simulation_results] == ["completed", "failed"]
    assert calls == [(0, 2), (1, 2), (2, 2)]
    assert server.count("GET", RETRIEVE) == 4
    assert fake_time.sleeps == [5.0, 7.5, 5.0]


async def test_poll_interval_and_its_cap_are_the_callers(
    runs: RunsResource, server: ScriptedServer, fake_time: FakeTime
) -> None:
    script_run(server, *[run_body("RUNNING")] * 5, run_body("COMPLETED"))
    await runs.wait("77", poll_interval=2, max_poll_interval=4)
    assert fake_time.sleeps == [2.0, 3.0, 4.0, 4.0, 4.0]


async def test_a_503_with_retry_after_is_waited_out(
    runs: RunsResource, server: ScriptedServer, fake_time: FakeTime
) -> None:
    script_run(
        server,
        Reply(status=503, headers={"Retry-After": "7"}),
        Reply(status=429, headers={"Retry-After": "3"}),
        run_body("COMPLETED"),
    )
    final = await runs.wait("77")
    assert final.simulation_run.status == "COMPLETED"
    assert fake_time.sleeps == [7.0, 3.0]
    assert server.count("GET", RETRIEVE) == 3


async def test_each_read_is_a_single_attempt_of_the_transport(
    runs: RunsResource, server: ScriptedServer, fake_time: FakeTime
) -> None:
    # Three 500s exhaust the client's max_attempts=3: the poller counts them, not tenacity.
    script_run(
        server, Reply(status=500), Reply(status=500), Reply(status=500), run_body("COMPLETED")
    )
    with pytest.raises(ServerError):
        await runs.wait("77")
    assert server.count("GET", RETRIEVE) == 3
    assert len(fake_time.sleeps) == 2


async def test_a_run_that_never_finishes_raises_a_run_timeout(
    runs: RunsResource, server: ScriptedServer, fake_time: FakeTime
) -> None:
    script_run(server, run_body("RUNNING", [result_body(1, "in_progress")]))
    with pytest.raises(RunTimeoutError) as caught:
        await runs.wait("77", timeout=90)
    err = caught.value
    assert (err.run_id, err.last_status, err.timeout) == ("77", "RUNNING", 90.0)
    assert err.url == server.url + RETRIEVE
    assert sum(fake_time.sleeps) == pytest.approx(90.0)


async def test_an_unknown_run_is_not_found(runs: RunsResource, server: ScriptedServer) -> None:
    script_run(server, Reply(status=404, json={"detail": "no such run"}))
    with pytest.raises(NotFoundError):
        await runs.wait("77")
    assert server.count("GET", RETRIEVE) == 1


async def test_run_ids_are_one_encoded_path_segment(
    runs: RunsResource, server: ScriptedServer
) -> None:
    server.script(
        "GET", "/v1/retrieve-simulation-results/..%2Fadmin", Reply(json=run_body("COMPLETED"))
    )
    await runs.wait("../admin")
    assert server.requests[0].raw_path == "/v1/retrieve-simulation-results/..%2Fadmin"


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"timeout": 0}, "timeout"),
        ({"timeout": -5}, "timeout"),
        ({"timeout": float("nan")}, "timeout"),
        ({"poll_interval": 0}, "poll_interval"),
        ({"max_poll_interval": 1}, "max_poll_interval"),
        ({"progress": "yes"}, "progress"),
    ],
)
async def test_bad_wait_arguments_are_refused_before_any_request(
    runs: RunsResource, server: ScriptedServer, kwargs: dict[str, Any], param: str
) -> None:
    with pytest.raises(InvalidRequestError):
        await runs.wait("77", **kwargs)
    assert server.requests == []


def test_watch_refuses_bad_arguments_when_called(runs: RunsResource) -> None:
    with pytest.raises(InvalidRequestError):
        runs.watch("")
    with pytest.raises(InvalidRequestError):
        runs.watch("77", poll_interval=-1)
    with pytest.raises(InvalidRequestError):
        runs.watch("77", timeout=0)


async def test_watch_yields_each_change_and_ends_when_completed(
    runs: RunsResource, server: ScriptedServer, fake_time: FakeTime
) -> None:
    script_run(
        server,
        run_body("INITIALIZING"),
        run_body("RUNNING"),
        run_body("RUNNING"),
        run_body("RUNNING", [result_body(1)]),
        run_body("COMPLETED", [result_body(1)]),
    )
    seen = [(s.simulation_run.status, len(s.simulation_results)) async for s in runs.watch("77")]
    assert seen == [("INITIALIZING", 0), ("RUNNING", 0), ("RUNNING", 1), ("COMPLETED", 1)]
    assert server.count("GET", RETRIEVE) == 5


async def test_breaking_out_of_watch_stops_polling(
    runs: RunsResource, server: ScriptedServer
) -> None:
    script_run(server, run_body("RUNNING"), run_body("RUNNING", [result_body(1)]))
    async with aclosing(runs.watch("77")) as snapshots:
        async for _ in snapshots:
            break
    assert server.count("GET", RETRIEVE) == 1
    assert client_tasks() == []


async def test_cancelling_wait_stops_it(
    runs: RunsResource, server: ScriptedServer, fake_time: FakeTime
) -> None:
    fake_time.block = True
    script_run(server, run_body("RUNNING"))
    task = asyncio.create_task(runs.wait("77"))
    await fake_time.slept.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert server.count("GET", RETRIEVE) == 1
    assert client_tasks() == []


async def test_the_client_waits_with_real_time(bj: BluejayClient, server: ScriptedServer) -> None:
    script_run(server, run_body("RUNNING"), run_body("COMPLETED"))
    final = await bj.runs.wait("77", poll_interval=0.01, timeout=60)
    assert final.simulation_run.status == "COMPLETED"
