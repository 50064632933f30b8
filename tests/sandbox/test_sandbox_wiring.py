"""How the sandbox is put together: handlers get only their parts; clocks; ``serve`` options."""

from __future__ import annotations

import argparse
import ast
import contextlib
import time
from collections import deque
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

import bluejay_async.sandbox as sandbox_package
from bluejay_async.sandbox import (
    FaultRule,
    ManualClock,
    SandboxConfig,
    SandboxCounters,
    SandboxState,
    SystemClock,
)
from bluejay_async.sandbox.bluejay_api import BluejayAPI
from bluejay_async.sandbox.cli import add_serve_arguments, config_from_args
from bluejay_async.sandbox.cognigy_api import CognigyAPI
from bluejay_async.sandbox.errors import TraceIds
from bluejay_async.sandbox.faults import FaultEngine
from bluejay_async.sandbox.middleware import FaultMiddleware, RequestRecord

from .helpers import get, post

PACKAGE = Path(sandbox_package.__file__).parent


def _relative_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.module or ""
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level > 0
    }


@pytest.mark.parametrize("module", ["bluejay_api", "cognigy_api", "middleware", "state"])
def test_handlers_do_not_import_the_server(module: str) -> None:
    assert "server" not in _relative_imports(PACKAGE / f"{module}.py")


def test_no_module_is_longer_than_about_400_lines() -> None:
    lengths = {
        str(path.relative_to(PACKAGE)): len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.rglob("*.py")
    }
    assert max(lengths.values()) <= 400, lengths


@contextlib.asynccontextmanager
async def _serve(app: web.Application) -> AsyncIterator[str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


async def test_handlers_and_middleware_run_from_their_parts_alone(
    http: aiohttp.ClientSession,
) -> None:
    config = SandboxConfig(run_seconds=0, api_key="k")
    state = SandboxState(config, ManualClock())
    counters = SandboxCounters()
    log: deque[RequestRecord] = deque(maxlen=10)
    engine = FaultEngine(0, [FaultRule("status", "cognigy_runs", status=503, times=1)])
    trace_ids = TraceIds(0)
    app = web.Application(middlewares=[FaultMiddleware(engine, counters, log, trace_ids)])
    BluejayAPI(state, counters, "k").add_routes(app)
    CognigyAPI(state.cognigy, config, trace_ids).add_routes(app)
    async with _serve(app) as base:
        status, payload = await post(
            http, f"{base}/v1/queue-simulation-run", {"simulation_id": "1"}, {"X-API-Key": "k"}
        )
        assert status == 200
        run_id = payload["simulation_run_id"]
        status, body = await get(
            http, f"{base}/v1/retrieve-simulation-results/{run_id}", {"X-API-Key": "k"}
        )
        assert (status, body["simulation_run"]["status"]) == (200, "COMPLETED")
        runs = f"{base}/testing/simulations/s/batches/b/runs?projectId=p"
        status, body = await get(http, runs, {"Authorization": "Bearer k"})
        assert status == 503
        assert body["traceId"] == TraceIds(0)()
        status, body = await get(http, runs, {"Authorization": "Bearer k"})
        assert (status, len(body["data"])) == (200, 20)
    assert counters.writes["queue_simulation_run"] == 1
    assert counters.faults[("cognigy_runs", "status")] == 1
    assert [r.route for r in log] == [
        "queue_simulation_run",
        "retrieve_simulation_results",
        "cognigy_runs",
        "cognigy_runs",
    ]


def test_trace_ids_are_reproducible() -> None:
    one, two = TraceIds(4), TraceIds(4)
    first = [one() for _ in range(3)]
    assert first == [two() for _ in range(3)]
    assert len(set(first)) == 3
    assert TraceIds(5)() != first[0]


def test_manual_clock() -> None:
    clock = ManualClock(100.0)
    assert clock() == 100.0
    assert clock.advance(2.5) == 102.5
    assert clock() == 102.5
    assert clock.advance(0) == 102.5
    for bad in (-1.0, float("inf"), float("nan")):
        with pytest.raises(ValueError, match="seconds"):
            clock.advance(bad)
    with pytest.raises(ValueError, match="start"):
        ManualClock(float("nan"))
    assert ManualClock()() == 1748854800.0  # 2025-06-02T09:00:00Z


def test_system_clock_reads_wall_time_and_never_goes_back() -> None:
    before = time.time()
    clock = SystemClock()
    readings = [clock() for _ in range(1000)]
    assert readings == sorted(readings)
    assert before - 1 <= readings[0] <= time.time() + 1


def _parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_serve_arguments(parser)
    return parser.parse_args(argv)


def test_serve_options_for_queued_runs() -> None:
    defaults = config_from_args(_parse())
    assert (defaults.run_seconds, defaults.goal_success_rate) == (30.0, 0.8)
    config = config_from_args(_parse("--run-seconds", "2.5", "--goal-success-rate", "0.25"))
    assert (config.run_seconds, config.goal_success_rate) == (2.5, 0.25)
    assert config_from_args(_parse("--run-seconds", "0")).run_seconds == 0


@pytest.mark.parametrize(
    "argv",
    [
        ("--run-seconds", "-1"),
        ("--run-seconds", "soon"),
        ("--run-seconds", "nan"),
        ("--goal-success-rate", "1.5"),
        ("--goal-success-rate", "-0.1"),
        ("--goal-success-rate", "most"),
    ],
)
def test_bad_serve_options_are_usage_errors(
    argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        _parse(*argv)
    assert info.value.code == 2
    assert argv[0] in capsys.readouterr().err


@pytest.mark.parametrize(
    ("field", "value"),
    [("run_seconds", -1.0), ("run_seconds", float("nan")), ("goal_success_rate", 1.01)],
)
def test_config_refuses_bad_values(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        SandboxConfig(**{field: value})  # type: ignore[arg-type]
