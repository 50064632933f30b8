"""The scripts of ``examples/`` do their job against the sandbox, and pass ``mypy --strict``."""

from __future__ import annotations

import importlib.util
import json
import os
import types
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bluejay_async.errors import ClientClosedError
from bluejay_async.sandbox import FaultRule, Sandbox, SandboxConfig, run_sandbox
from tests.scripts import ROOT, mypy_strict, run_python, sandbox_environment

EXAMPLES = ROOT / "examples"


def _load(name: str) -> types.ModuleType:
    """An example script, imported as a module (its ``main`` is not run)."""
    spec = importlib.util.spec_from_file_location(f"example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def sandbox() -> AsyncIterator[Sandbox]:
    async with run_sandbox(SandboxConfig()) as sb:
        yield sb


def _expected_results(sb: Sandbox, simulation_id: int) -> int:
    return sum(
        len(sb.state.plans[run_id].result_ids)
        for run_id in sb.state.simulations[simulation_id]["run_ids"]
    )


def test_every_example_passes_mypy_strict() -> None:
    scripts = sorted(EXAMPLES.glob("*.py"))

    assert len(scripts) >= 4
    assert mypy_strict(scripts) == ""


async def test_the_service_shares_one_client_across_requests(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in sandbox_environment(sandbox).items():
        if name.startswith(("BLUEJAY_", "COGNIGY_")):
            monkeypatch.setenv(name, value)
    service = _load("service")
    app = service.build_app()

    async with TestClient(TestServer(app)) as http:
        first = await http.get("/simulations/1/summary")
        again = await http.get("/simulations/2/summary")
        missing = await http.get("/simulations/99/summary")
        client = app[service.BLUEJAY]
        summary = await first.json()

    assert (first.status, again.status, missing.status) == (200, 200, 404)
    runs = sandbox.state.simulations[1]["run_ids"]
    assert summary["runs"] == summary["runs_fetched"] == len(runs)
    assert 0 <= summary["goal_success_rate"] <= 1
    assert client.base_url == sandbox.bluejay_url
    with pytest.raises(ClientClosedError, match="closed"):  # closed with the service
        await client.runs.list(1)


async def test_the_bulk_export_writes_every_result(sandbox: Sandbox, tmp_path: Path) -> None:
    out = tmp_path / "results.jsonl"

    ran = await run_python(
        EXAMPLES / "bulk_export.py", "1", out, env=sandbox_environment(sandbox), cwd=tmp_path
    )

    assert ran.code == 0, ran.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(records) == _expected_results(sandbox, 1)
    assert {r["run_id"] for r in records} == set(sandbox.state.simulations[1]["run_ids"])
    runs = len(sandbox.state.simulations[1]["run_ids"])
    assert f"runs fetched:  {runs}/{runs} (100.0%)" in ran.stdout
    assert "goals met:" in ran.stdout


async def test_the_bulk_export_reports_runs_it_could_not_fetch(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.set_faults([FaultRule("status", "retrieve_simulation_results", status=404)])

    ran = await run_python(
        EXAMPLES / "bulk_export.py",
        "1",
        tmp_path / "results.jsonl",
        env=sandbox_environment(sandbox),
        cwd=tmp_path,
    )

    runs = len(sandbox.state.simulations[1]["run_ids"])
    assert ran.code == 1
    assert f"runs fetched:  0/{runs} (0.0%)" in ran.stdout
    assert ran.stderr.count("failed: run ") == runs


async def test_the_cognigy_walk_resumes_where_it_stopped(sandbox: Sandbox, tmp_path: Path) -> None:
    env = sandbox_environment(sandbox)
    walk: list[str | Path] = [EXAMPLES / "cognigy_walk.py", "sim-1", "batch-1", "--project", "demo"]
    total = sandbox.config.cognigy_runs_per_batch

    first = await run_python(*walk, "--max-pages", "2", env=env, cwd=tmp_path)
    saved = json.loads((tmp_path / "cognigy-walk.json").read_text())
    rest = await run_python(*walk, env=env, cwd=tmp_path)
    done = await run_python(*walk, env=env, cwd=tmp_path)

    assert (first.code, rest.code, done.code) == (0, 0, 0), first.stderr + rest.stderr
    assert first.stdout.startswith("100 runs walked")
    assert set(saved) == {"cursor"}
    assert rest.stdout.startswith(f"{total - 100} runs walked")
    assert done.stdout.startswith("already walked to the end")


async def test_the_sandbox_test_file_passes(tmp_path: Path) -> None:
    ran = await run_python(
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        EXAMPLES / "test_with_sandbox.py",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
    )

    assert ran.code == 0, ran.stdout + ran.stderr
    assert "5 passed" in ran.stdout
